"""`altformats serve`: the index of every edition, files only from inside OUT, a live rebuild seen in Chromium."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from altformats import serve, tools
from conftest import ROOT, SEED

FORMATS = ("html",)
# Drives the real Chromium through playwright-core: open the index, see the HTML edition inline,
# change the source, wait for the page to reload with the new words in the edition's frame.
BROWSER_SCRIPT = r"""
const { chromium } = require(process.env.PLAYWRIGHT);
const fs = require("fs");
const [url, source] = process.argv.slice(1);  // node -e: no script path in argv
(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const result = {};
  try {
    const page = await browser.newPage();
    await page.goto(url);
    result.editions = await page.locator(".edition").evaluateAll(els => els.map(e => e.dataset.edition));
    const frame = page.frameLocator("iframe").first();
    result.before = await frame.locator("h1").innerText();
    const reloaded = page.waitForEvent("load", { timeout: 60000 });
    fs.writeFileSync(source, fs.readFileSync(source, "utf8").replace("Iran", "Atlantis"));
    await reloaded;
    await frame.locator("text=Atlantis").first().waitFor({ timeout: 30000 });
    result.after = await frame.locator("body").innerText();
    result.report = await page.locator(".report li").allInnerTexts();
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
})().catch(error => { console.error(error); process.exit(1); });
"""


@pytest.fixture
def server(tmp_path):
    """`altformats serve` of a copy of the seed on a free port, HTML only; yields (url, source, out)."""
    source = tmp_path / "src" / "missile-defense.md"
    source.parent.mkdir()
    source.write_bytes(SEED.read_bytes())
    out = tmp_path / "out"
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "altformats", "serve", str(source), "-f", "html", "-o", str(out), "--port", "0"]
    process = tools.popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:"), line + process.stderr.read()
        yield line.split()[1], source, out
    finally:
        tools.stop(process)


def test_the_index_reloads_with_the_new_words_when_the_source_changes(server):
    url, source, _ = server
    env = {"PLAYWRIGHT": str(tools.npm_file("playwright-core", "package.json").parent), "CHROMIUM": tools.chromium()}
    done = tools.run(
        ["node", "-e", BROWSER_SCRIPT, url, str(source)], capture_output=True, text=True, env=env, timeout=180
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["editions"] == ["html"]
    assert result["before"] == "U.S. Missile Defense: Cooperation With NATO and Russia"
    assert "Atlantis" in result["after"] and "Iran" not in result["after"]
    assert result["report"] and result["report"][0].startswith("ok html: read by parser ok")


def test_only_files_inside_out_are_served(server, tmp_path):
    url, _, out = server
    (tmp_path / "secret.txt").write_text("not for the web", encoding="utf-8")
    (out / "missile-defense" / "link").symlink_to(tmp_path / "secret.txt")
    assert _get(url + "missile-defense/missile-defense.html")[0] == 200
    for path in (
        "../secret.txt",
        "%2e%2e/secret.txt",
        "missile-defense/%2e%2e/%2e%2e/secret.txt",
        "missile-defense/link",  # a symlink out of OUT
        "missile-defense/",  # no folder listings
        ".staging-1/x",  # nothing hidden
        "/etc/passwd",
    ):
        status, body = _get(url + path)
        assert status == 404 and b"not for the web" not in body, path


def test_inside_resolves_before_it_judges(tmp_path):
    (tmp_path / "a").mkdir()
    assert serve.inside(tmp_path, "/a/../a") == tmp_path.resolve() / "a"
    assert serve.inside(tmp_path, "/a/../../x") is None
    assert serve.inside(tmp_path, "/a/.scratch/x") is None


def _get(url: str) -> tuple[int, bytes]:
    # urllib would normalise '..' away; send the raw path the way an attacker would.
    from http.client import HTTPConnection
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", url[len(f"{parts.scheme}://{parts.netloc}") :] or "/")
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
