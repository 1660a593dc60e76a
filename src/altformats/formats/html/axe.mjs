// Run axe-core on local HTML files in Debian's headless Chromium, through playwright-core.
// Usage: node axe.mjs FILE...  -> JSON {file: [violation, ...]} on stdout.
// Each page is checked twice: in the light and in the dark colour scheme.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const report = {};
try {
  for (const file of process.argv.slice(2)) {
    report[file] = [];
    for (const colorScheme of ["light", "dark"]) {
      const page = await browser.newPage({ colorScheme });
      await page.goto(pathToFileURL(file).href);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate((values) => axe.run(document, { runOnly: { type: "tag", values } }), tags);
      for (const v of result.violations) {
        report[file].push({ scheme: colorScheme, id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map((n) => n.target.join(" ")) });
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
