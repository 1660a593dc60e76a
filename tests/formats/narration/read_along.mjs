// Drive the read-along page in Debian's Chromium (playwright-core): for each requested time, set the
// player's currentTime and report which sentence is highlighted and whether it is in view; then press
// the "Next sentence" button from the keyboard. Usage: node read_along.mjs PAGE TIME... -> JSON.
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

const [file, ...times] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const report = { at: [], keyboard: null, played: null };
try {
  const page = await browser.newPage({ reducedMotion: "reduce", viewport: { width: 800, height: 600 } });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => document.getElementById("narration").readyState >= 1);
  report.duration = await page.evaluate(() => document.getElementById("narration").duration);
  const highlighted = () => {
    const marked = document.querySelectorAll("span.sentence.current");
    const span = marked[0];
    if (!span) return { ids: [], inView: false };
    const box = span.getBoundingClientRect();
    return { ids: Array.from(marked, (s) => s.id), current: span.getAttribute("aria-current"),
             inView: box.top >= 0 && box.bottom <= window.innerHeight };
  };
  for (const time of times.map(Number)) {
    await page.evaluate((t) => new Promise((done) => {
      const audio = document.getElementById("narration");
      audio.addEventListener("seeked", () => done(), { once: true });
      audio.currentTime = t;
    }), time);
    report.at.push({ time, ...(await page.evaluate(highlighted)) });
  }
  // Keyboard, from the first time asked: Tab to "Next sentence" and press Enter.
  await page.evaluate((t) => { document.getElementById("narration").currentTime = t; }, Number(times[0]));
  await page.waitForFunction(() => document.getElementById("narration").seeking === false);
  await page.focus("#previous");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement.id);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("narration").seeking === false);
  report.keyboard = { focused, ...(await page.evaluate(highlighted)) };
  // Play for real: after a moment the highlight follows the playing audio.
  await page.evaluate(() => { const a = document.getElementById("narration"); a.muted = true; a.currentTime = 0; return a.play(); });
  await page.waitForFunction(() => document.getElementById("narration").currentTime > 1.0, null, { timeout: 20000 });
  report.played = await page.evaluate(() => ({ time: document.getElementById("narration").currentTime,
    ids: Array.from(document.querySelectorAll("span.sentence.current"), (s) => s.id) }));
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
