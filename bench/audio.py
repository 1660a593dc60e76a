"""Benchmark: whole-process `altformats build --format audio` of the seed against its floor.

Usage: .venv/bin/python bench/audio.py [--runs N]
The floor is what any narrated MP3 of the seed costs: raw espeak-ng
synthesis of the same spoken text (pronunciations applied, same voice and
rate) into a WAV, then one MP3 encode by ffmpeg at the same bitrate. The
audio build does more (one utterance per sentence through pyttsx3, loudness
mastering, the MP3 measured after decoding, an M4B, tags and captions).
Prints each command's median wall time over N runs (after one untimed
warm-up each) and the ratio build / floor. Goal: ratio <= 1.25.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from timing import timed  # bench/timing.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "source" / "missile-defense.md"
ALTFORMATS = Path(sys.executable).with_name("altformats")


def floor_command(out: Path) -> list[str]:
    """espeak-ng on the whole spoken script, then one MP3 encode, as one shell command."""
    from altformats import api
    from altformats.formats.audio import script as speech
    from altformats.formats.audio import synthesis
    from altformats.formats.audio.files import PROFILES
    from altformats.formats.audio.options import DEFAULT_RATE

    doc = api.load(SEED)
    script = out / "spoken.txt"
    script.write_text("\n".join(u.spoken for u in speech.script(doc)), encoding="utf-8")
    voice = synthesis.synthesise(["a"], doc.meta.language, DEFAULT_RATE).voice
    espeak = [
        "espeak-ng",
        "-v",
        voice.split("/")[-1],
        "-s",
        str(DEFAULT_RATE),
        "-f",
        str(script),
        "-w",
        str(out / "floor.wav"),
    ]
    encode = ["ffmpeg", "-v", "error", "-y", "-i", str(out / "floor.wav"), "-ar", "44100", "-ac", "1"]
    encode += ["-c:a", "libmp3lame", "-b:a", PROFILES["standard"]["bitrate"], str(out / "floor.mp3")]
    return ["sh", "-c", f"{shlex.join(espeak)} && {shlex.join(encode)}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for tool in ("espeak-ng", "ffmpeg"):
        if not shutil.which(tool):
            print(f"{tool} is required: make setup", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        commands = {
            "floor: espeak-ng + one MP3 encode": floor_command(out),
            "altformats build --format audio": [
                str(ALTFORMATS),
                "build",
                str(SEED),
                "--format",
                "audio",
                "--out",
                folder,
            ],
        }
        medians = {}
        for name, command in commands.items():
            times = timed(command, args.runs)
            medians[name] = statistics.median(times)
            print(f"{name:40s} median {medians[name]:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in times)})")
        build, floor = medians["altformats build --format audio"], medians["floor: espeak-ng + one MP3 encode"]
        print(f"ratio build / floor: {build / floor:.2f} (goal <= 1.25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
