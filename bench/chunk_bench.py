"""Benchmark: rendering scenes in chunks of beats against rendering them whole, in one run.

Run with the project's venv:  .venv/bin/python bench/chunk_bench.py [--quality high] [--scene derivative]

Prints, on this machine's cores:
  (1) one scene re-rendered (warm caches, --force): whole (--chunks off) against chunked
      (--chunks auto), alternated over --rounds rounds; the ratio of the medians;
  (2) that scene in N chunks, one at a time (--jobs 1), so each chunk's time is its own: per chunk
      the beats it draws and skips, its seconds, and what is left when its share of the whole
      render is taken away (process start, skipped beats); then the critical path on k workers
      (the slowest worker's chunks plus the join): what a lecturer with k cores can expect;
  (3) the whole lesson from cold (clean output and media folders): plain manim, scene after
      scene, against `sigsat render` (--chunks auto, and --chunks off with --compare-off);
  (4) the same at low quality (--low-lesson).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_bench import plain_manim, timed  # noqa: E402

from sigsat.lesson import lecture  # noqa: E402
from sigsat.production import chunking, naming  # noqa: E402
from sigsat.production.sections import read_sections  # noqa: E402


def sigsat(work: Path, out: Path, quality: str, *args: str) -> float:
    cmd = [sys.executable, "-m", "sigsat.cli", "render", "--quality", quality, "--out", str(out), *args]
    return timed(cmd, work)[0]


def entry(out: Path, quality: str, scene: str) -> dict:
    manifest = json.loads((out / quality / "dark" / "manifest.json").read_text())
    return manifest["scenes"][scene]


def one_scene(work: Path, quality: str, scene: str, rounds: int) -> float:
    out = work / "one"
    sigsat(work, out, quality, scene, "--chunks", "off")   # warms TeX, voices, the manifest's estimates
    whole, chunked = [], []
    for _ in range(rounds):
        whole.append(sigsat(work, out, quality, scene, "--chunks", "off", "--force"))
        chunked.append(sigsat(work, out, quality, scene, "--chunks", "auto", "--force"))
    split = entry(out, quality, scene).get("chunks", [])
    w, c = statistics.median(whole), statistics.median(chunked)
    sigsat(work, out, quality, scene, "--chunks", "off", "--force", "--jobs", "1")
    alone = entry(out, quality, scene)
    print(f"(1) {scene} at {quality}, re-rendered ({rounds} rounds, medians)")
    print(f"    whole   (--chunks off)  {w:7.1f} s   {' '.join(f'{t:.1f}' for t in whole)}")
    print(f"    chunked (--chunks auto) {c:7.1f} s   {' '.join(f'{t:.1f}' for t in chunked)}"
          f"   chunks: {[tuple(x['beats']) for x in split] or 'whole'}")
    print(f"    chunked / whole = {c / w:.2f}")
    print(f"    one whole manim process: {alone['cpu_seconds']:.1f} s CPU in {alone['render_seconds']:.1f} s"
          f" = {alone['cpu_seconds'] / alone['render_seconds']:.2f} cores busy (its encoder's threads): "
          f"two such processes on {os.cpu_count()} cores can give at most "
          f"{min(2.0, os.cpu_count() / (alone['cpu_seconds'] / alone['render_seconds'])):.2f}x")
    return w


def chunk_costs(work: Path, quality: str, scene: str, whole_seconds: float, counts: list[int]) -> None:
    out = work / "one"
    spec = lecture.find_scene(scene)
    beats = read_sections(out / quality / "dark" / naming.stem(spec))
    lengths = [float(b["duration"]) for b in beats]
    per_second = whole_seconds / sum(lengths)
    print(f"\n(2) {scene} in chunks, one at a time (whole render: {whole_seconds:.1f} s for "
          f"{sum(lengths):.1f} s of video)")
    print(f"    {'chunks':>6} {'beats':>7} {'draws s':>8} {'skips s':>8} {'seconds':>8} {'CPU s':>7}"
          f" {'overhead':>9}   critical path on k workers (s, and ratio to whole)")
    for n in counts:
        if n > len(lengths):
            continue
        sigsat(work, out, quality, scene, "--chunks", str(n), "--jobs", "1", "--force")
        e = entry(out, quality, scene)
        chunks = e["chunks"]
        seconds = [c["seconds"] for c in chunks]
        join = e["render_seconds"] - max(seconds)
        cpu = [c["cpu_seconds"] for c in chunks]
        # Enough cores that each worker runs as fast as alone (about 1.5 cores each at high
        # quality), and one core per worker (each chunk then takes its CPU time).
        paths = {k: chunking.critical_path(seconds, k) + join for k in (2, 4, 8)}
        tight = {k: chunking.critical_path(cpu, k) + join for k in (4, 8)}
        shown = "  ".join(f"k={k}: {t:.1f} ({t / whole_seconds:.2f})" for k, t in paths.items())
        shown += "; one core each: " + "  ".join(f"k={k}: {t:.1f} ({t / whole_seconds:.2f})"
                                                 for k, t in tight.items())
        for i, c in enumerate(chunks):
            first, last = c["beats"]
            draws, skips = sum(lengths[first:last + 1]), sum(lengths[:first])
            extra = c["seconds"] - draws * per_second
            print(f"    {n if i == 0 else '':>6} {f'{first + 1}-{last + 1}':>7} {draws:8.1f} {skips:8.1f}"
                  f" {c['seconds']:8.1f} {c['cpu_seconds']:7.1f} {extra:9.1f}"
                  + (f"   {shown}; join {join:.1f} s" if i == 0 else ""))


def lesson(work: Path, quality: str, compare_off: bool) -> None:
    specs = list(lecture.SCENES)
    flag = naming.QUALITIES[quality][0]
    plain = sum(plain_manim(specs, flag, work / f"media-{quality}", work).values())
    auto = sigsat(work, work / f"lesson-{quality}-auto", quality)
    line = (f"\n(3) whole lesson, cold, {quality}: plain manim {plain:.1f} s; sigsat --chunks auto "
            f"{auto:.1f} s ({auto / plain:.2f})")
    if compare_off:
        off = sigsat(work, work / f"lesson-{quality}-off", quality, "--chunks", "off")
        line += f"; sigsat --chunks off {off:.1f} s ({off / plain:.2f})"
    print(line)
    manifest = json.loads((work / f"lesson-{quality}-auto" / quality / "dark" / "manifest.json").read_text())
    split = {s: [tuple(c["beats"]) for c in e["chunks"]] for s, e in manifest["scenes"].items() if e.get("chunks")}
    print(f"    scenes auto split: {split or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quality", choices=list(naming.QUALITIES), default="high")
    parser.add_argument("--scene", default="derivative")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--chunk-counts", default="2,4,8")
    parser.add_argument("--skip-lesson", action="store_true")
    parser.add_argument("--compare-off", action="store_true")
    parser.add_argument("--low-lesson", action="store_true")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}; quality {args.quality}; scene {args.scene}")
    with tempfile.TemporaryDirectory(prefix="sigsat-chunk-bench-") as tmp:
        work = Path(tmp)
        whole = one_scene(work, args.quality, args.scene, args.rounds)
        chunk_costs(work, args.quality, args.scene, whole, [int(n) for n in args.chunk_counts.split(",")])
        if not args.skip_lesson:
            lesson(work, args.quality, args.compare_off)
        if args.low_lesson:
            lesson(work, "low", args.compare_off)


if __name__ == "__main__":
    main()
