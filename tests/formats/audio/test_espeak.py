"""The adapter to pyttsx3's private espeak API finds everything it needs in the pinned pyttsx3, or says what is gone."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from altformats.errors import AltformatsError
from altformats.formats.audio import espeak
from conftest import ROOT


def test_the_pin_is_the_projects():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert espeak.PIN in dependencies


def test_the_installed_pyttsx3_has_every_private_attribute_of_its_espeak_module():
    from pyttsx3.drivers import _espeak

    for dotted in espeak.MODULE_ATTRIBUTES:
        value = _espeak
        for name in dotted.split("."):
            assert hasattr(value, name), f"pyttsx3.drivers._espeak.{dotted}"
            value = getattr(value, name)


def test_a_real_engine_has_the_driver_flag_the_adapter_clears():
    # In a worker of its own, as synthesis runs it: an engine initialises espeak once per process.
    code = (
        "import pyttsx3\nfrom altformats.formats.audio import espeak\n"
        "engine = pyttsx3.init('espeak')\nespeak.require(engine)\nespeak.clear_stopping(engine)\n"
        "assert engine.proxy._driver._stopping is False\n"
        "assert espeak.rate_in_effect() > 0 and espeak.is_playing() in (True, False)\nespeak.synchronize()\n"
        "print('found')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip().endswith("found"), done.stderr


def test_a_missing_private_attribute_fails_naming_it_and_the_pin(monkeypatch):
    from pyttsx3.drivers import _espeak

    monkeypatch.delattr(_espeak, "IsPlaying")
    with pytest.raises(AltformatsError, match=r"pyttsx3\.drivers\._espeak\.IsPlaying is missing.*pyttsx3>=2\.99,<3"):
        espeak.is_playing()
    with pytest.raises(AltformatsError, match=r"engine\.proxy\._driver\._stopping is missing \('proxy'\).*<3"):
        espeak.clear_stopping(object())
