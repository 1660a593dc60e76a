// The read-along page: the sentence whose clip holds the audio's current time is marked
// (class "current", aria-current) and scrolled into view, smoothly unless the reader asks
// for reduced motion. Previous/next buttons (and a click on a sentence) move the audio.
(function () {
  "use strict";
  const audio = document.getElementById("narration");
  const spans = Array.from(document.querySelectorAll("span.sentence"));
  const cues = spans.map((span) => ({ span, begin: parseFloat(span.dataset.begin), end: parseFloat(span.dataset.end) }));
  const still = window.matchMedia("(prefers-reduced-motion: reduce)");
  let current = null;

  function cueAt(time) {
    let low = 0, high = cues.length - 1, found = null;
    while (low <= high) {  // the last cue that begins at or before `time`
      const middle = (low + high) >> 1;
      if (cues[middle].begin <= time) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found !== null && time < cues[found].end ? found : null;
  }

  function mark() {
    const index = cueAt(audio.currentTime);
    const span = index === null ? null : cues[index].span;
    if (span === current) return;
    if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
    current = span;
    if (span) {
      span.classList.add("current");
      span.setAttribute("aria-current", "true");
      span.scrollIntoView({ block: "center", behavior: still.matches ? "auto" : "smooth" });
    }
  }

  function step(by) {
    const index = cueAt(audio.currentTime);
    const base = index === null ? cues.findIndex((cue) => cue.begin > audio.currentTime) - (by > 0 ? 1 : 0) : index;
    const target = Math.min(cues.length - 1, Math.max(0, base + by));
    audio.currentTime = cues[target].begin;
    mark();
  }

  function follow() {  // timeupdate fires only every 250 ms; follow each frame while playing
    mark();
    if (!audio.paused) window.requestAnimationFrame(follow);
  }

  audio.addEventListener("timeupdate", mark);
  audio.addEventListener("seeked", mark);
  audio.addEventListener("play", follow);
  document.getElementById("previous").addEventListener("click", () => step(-1));
  document.getElementById("next").addEventListener("click", () => step(1));
  for (const cue of cues) cue.span.addEventListener("click", () => { audio.currentTime = cue.begin; mark(); });
  mark();
})();
