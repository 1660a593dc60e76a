"""Tampering with the narration: splice, swap and stretch spans of the sound, keep every tag.

ffmpeg decodes and re-encodes in one run (an atrim/concat filter graph); the original tags (the
MP3's ID3 frames with the USLT transcript, the M4B's atoms and chapters) are copied back so only the
sound differs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from markup import NotApplicable

from altformats import tools
from altformats.formats.audio.ffmpeg import program

Span = tuple[float, float]


def cues(vtt: Path) -> list[tuple[str, float, float, str]]:
    """The captions' cues: (id, start, end, text), read with webvtt-py."""
    import webvtt

    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    return [(c.identifier, seconds(c.start), seconds(c.end), c.text) for c in webvtt.read(str(vtt))]


def long_pair(vtt: Path) -> tuple[Span, Span]:
    """Two consecutive sentences of the body (cue spans), each at least 4 seconds long."""
    found = cues(vtt)
    for (_, s1, e1, _), (_, s2, e2, _) in zip(found, found[1:], strict=False):
        if e1 - s1 >= 4 and e2 - s2 >= 4:
            return (s1, e1), (s2, e2)
    raise NotApplicable("no two consecutive sentences of 4 s")


def piece(n: int, start: float, end: float | None = None, tempo: float = 1.0) -> str:
    """A filter producing [p<n>]: the input's sound from `start` to `end`, at `tempo`."""
    trim = f"atrim=start={start:.3f}" + (f":end={end:.3f}" if end is not None else "")
    stretch = f",atempo={tempo:.4f}" if tempo != 1.0 else ""
    return f"[0:a]{trim},asetpts=PTS-STARTPTS{stretch}[p{n}]"


def resplice(path: Path, pieces: list[tuple[float, float | None, float]]) -> None:
    """Replace the sound of `path` by its `pieces` (start, end, tempo) in order, tags kept."""
    graph = [piece(n, start, end, tempo) for n, (start, end, tempo) in enumerate(pieces)]
    graph.append("".join(f"[p{n}]" for n in range(len(pieces))) + f"concat=n={len(pieces)}:v=0:a=1[out]")
    mp3 = path.suffix == ".mp3"
    codec = ["-c:a", "libmp3lame", "-b:a", "64k"] if mp3 else ["-c:a", "aac", "-b:a", "64k"]
    tmp = path.with_name("tampered" + path.suffix)
    command = [program(), "-v", "error", "-nostdin", "-y", "-i", str(path), "-filter_complex", ";".join(graph)]
    command += ["-map", "[out]", "-map_metadata", "0", "-map_chapters", "0", *codec, str(tmp)]
    done = tools.run(command, capture_output=True)
    if done.returncode:
        raise RuntimeError(done.stderr.decode()[-1500:])
    copy_tags(path, tmp)
    shutil.move(tmp, path)


def copy_tags(original: Path, tampered: Path) -> None:
    """Put the original's tags on the tampered file (ffmpeg's own copy drops USLT and the lyrics)."""
    if original.suffix == ".mp3":
        from mutagen.id3 import ID3

        ID3(original).save(tampered)
    else:
        from mutagen.mp4 import MP4

        source, target = MP4(original), MP4(tampered)
        target.update(dict(source.tags or {}))
        target.save()


def cut(path: Path, span: Span) -> None:
    """Remove one sentence's sound; the rest closes up."""
    resplice(path, [(0.0, span[0], 1.0), (span[1], None, 1.0)])


def swap(path: Path, a: Span, b: Span) -> None:
    """Play sentence b where a was and a where b was (the pause between them kept)."""
    resplice(path, [(0.0, a[0], 1.0), (b[0], b[1], 1.0), (a[1], b[0], 1.0), (a[0], a[1], 1.0), (b[1], None, 1.0)])


def substitute(path: Path, a: Span, b: Span) -> None:
    """Say sentence b in a's place, time-stretched to a's length, so every cue keeps its timing."""
    tempo = (b[1] - b[0]) / (a[1] - a[0])
    if not 0.5 <= tempo <= 2.0:
        raise NotApplicable(f"tempo {tempo:.2f} outside atempo's range")
    resplice(path, [(0.0, a[0], 1.0), (b[0], b[1], tempo), (a[1], None, 1.0)])


def set_chapters(path: Path, titles: list[str] | None) -> None:
    """Rewrite the M4B's chapter titles (None: drop every chapter), sound copied untouched."""
    import json

    report = tools.run(
        [program().replace("ffmpeg", "ffprobe"), "-v", "error", "-of", "json", "-show_chapters", str(path)],
        capture_output=True,
    )
    chapters = json.loads(report.stdout)["chapters"]
    tmp, meta = path.with_name("tampered.m4b"), path.with_name("chapters.txt")
    lines = [";FFMETADATA1"]
    for chapter, title in zip(chapters, titles or [], strict=False):
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(float(chapter['start_time']) * 1000)}"]
        lines += [f"END={round(float(chapter['end_time']) * 1000)}", f"title={title}"]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [program(), "-v", "error", "-nostdin", "-y", "-i", str(path), "-i", str(meta)]
    command += ["-map", "0:a", "-map_metadata", "0", "-map_chapters", "1" if titles else "-1", "-c", "copy", str(tmp)]
    done = tools.run(command, capture_output=True)
    if done.returncode:
        raise RuntimeError(done.stderr.decode()[-1500:])
    copy_tags(path, tmp)
    shutil.move(tmp, path)
    meta.unlink()


def chapter_titles(path: Path) -> list[str]:
    """The M4B's chapter titles, as ffprobe reads them."""
    from altformats.formats.audio.ffmpeg import probe

    return [chapter.get("tags", {}).get("title", "") for chapter in probe(path).get("chapters", [])]
