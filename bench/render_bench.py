"""Benchmark: plain manim against `sigsat render`, and each render against the encoding floor.

Run with the project's venv:  .venv/bin/python bench/render_bench.py [--quality low] [SCENE ...]

Prints, in one run and on the same scenes and quality:
  (a) plain manim, scene after scene, as a user would by hand
  (b) sigsat render into a clean output folder
  (c) sigsat render again, nothing changed
  (d) sigsat render after changing one parameter that the fewest scenes read
  (e) plain manim again over (a)'s media folder: manim's own cache
  (f) the encoding floor: PyAV encoding the same frames with manim's codec settings
and the ratios b/a, c/e, d/a, render/floor per scene, and peak memory per render process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from sigsat.lesson import lecture, params as params_mod
from sigsat.production import keys, naming

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def plain_manim(specs, flag: str, media: Path, work: Path) -> dict[str, float]:
    env = {**os.environ, params_mod.PARAMS_ENV: ""}
    return {
        s.id: timed([sys.executable, "-m", "manim", "render", f"-q{flag}", "--progress_bar", "none",
                     "--media_dir", str(media), str(keys.scene_file(s)), s.cls], work, env)[0]
        for s in specs
    }


def encoding_floor(video: Path, from_rgb: bool = False) -> float:
    """Seconds to encode the video's frames with manim's settings (libx264, crf 23, yuv420p),
    measured as decode+encode minus decode alone.

    ``from_rgb``: hand the encoder RGB frames, as manim does (its frames are pixels, so it pays
    the conversion to yuv420p too); the decoded frames' conversion to RGB is not counted.
    """
    import av

    def run(encode: bool) -> float:
        started = time.perf_counter()
        with av.open(str(video)) as source, av.open(str(video.with_suffix(".floor.mp4")), "w") as sink:
            template = source.streams.video[0]
            rate = template.average_rate or Fraction(15)
            stream = sink.add_stream("libx264", rate=rate)
            stream.width, stream.height = template.codec_context.width, template.codec_context.height
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": "23"}
            for i, frame in enumerate(source.decode(video=0)):
                if from_rgb:
                    pixels = frame.to_ndarray(format="rgb24")
                    if encode:
                        frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
                if encode:
                    frame.pts, frame.time_base = i, 1 / Fraction(rate)
                    for packet in stream.encode(frame):
                        sink.mux(packet)
            if encode:
                for packet in stream.encode():
                    sink.mux(packet)
        return time.perf_counter() - started

    return max(run(True) - run(False), 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenes", nargs="*")
    parser.add_argument("--quality", choices=list(naming.QUALITIES), default="low")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    specs = [lecture.find_scene(n) for n in args.scenes] or list(lecture.SCENES)
    flag = naming.QUALITIES[args.quality][0]
    names = [s.id for s in specs]

    # The parameter read by the fewest of the selected scenes (but at least one).
    readers: dict[str, list[str]] = {}
    for s in specs:
        for key in lecture.reads(s, params_mod.Params()):
            if key.split(".")[0] not in lecture.PRESENTATION_TABLES:
                readers.setdefault(key, []).append(s.id)
    key = min(readers, key=lambda k: (len(readers[k]), k))
    table, name = key.split(".")
    current = getattr(getattr(params_mod.Params(), table), name)
    new_value = current + 1 if isinstance(current, int) else round(current * 0.9, 6)

    with tempfile.TemporaryDirectory(prefix="sigsat-bench-") as tmp:
        work = Path(tmp)
        print(f"scenes: {', '.join(names)}; quality {args.quality}; jobs {args.jobs}; cores {os.cpu_count()}")
        a = plain_manim(specs, flag, work / "media", work)
        sig = [sys.executable, "-m", "sigsat.cli", "render", *names, "--quality", args.quality,
               "--jobs", str(args.jobs), "--out", str(work / "renders")]
        b, _ = timed(sig, work)
        c, c_out = timed(sig, work)
        changed = work / "changed.toml"
        changed.write_text(f"[{table}]\n{name} = {new_value!r}\n")
        d, d_out = timed([*sig, "--params", str(changed)], work)
        e = plain_manim(specs, flag, work / "media", work)
        out = work / "renders" / args.quality / "dark"
        manifest = json.loads((out / "manifest.json").read_text())
        rendered_d = int(re.search(r"rendered (\d+) scene", d_out).group(1)) if "rendered" in d_out else 0

        print()
        print(f"(a) plain manim, one scene after another   {sum(a.values()):8.1f} s")
        print(f"(b) sigsat render, clean output folder     {b:8.1f} s   b/a = {b / sum(a.values()):.2f}")
        print(f"(c) sigsat render, nothing changed          {c:8.2f} s   c/e = {c / sum(e.values()):.3f}"
              f"   ({c_out.strip()[:60]})")
        print(f"(d) sigsat render after {key} -> {new_value}: {d:8.1f} s   d/a = {d / sum(a.values()):.2f}"
              f"   scenes rendered: {rendered_d} (readers: {', '.join(readers[key])})")
        print(f"(e) plain manim again, manim's cache        {sum(e.values()):8.1f} s")
        print()
        print(f"{'scene':<12}{'video s':>9}{'manim s':>9}{'floor s':>9}{'render/floor':>14}"
              f"{'RGB floor s':>13}{'render/RGB floor':>18}{'peak MiB':>10}")
        # The sigsat outputs carry the (d) parameter; re-render from defaults is what (a) timed, and
        # frame counts are equal, so the floor is measured on the sigsat output of each scene.
        for s in specs:
            stem = naming.stem(s)
            video = out / f"{stem}.mp4"
            floor, rgb_floor = encoding_floor(video), encoding_floor(video, from_rgb=True)
            entry = manifest["scenes"][s.id]
            print(f"{s.id:<12}{entry['duration']:>9.1f}{a[s.id]:>9.1f}{floor:>9.2f}"
                  f"{a[s.id] / floor:>14.2f}{rgb_floor:>13.2f}{a[s.id] / rgb_floor:>18.2f}"
                  f"{entry['peak_rss_mib']:>10.0f}")


if __name__ == "__main__":
    main()
