"""Benchmark: the live preview's loop on this machine, at the defaults (480p stills, -ql video).

Run with the project's venv:  .venv/bin/python bench/preview_bench.py [--scene probe] [--rounds 3]

Prints:
  (1) per scene, its beat stills from a new process (cold: imports manim and the scenes first)
      against a warm worker that already has them imported (the preview's way), warm TeX cache;
  (2) a running `sigsat preview SCENE`: from saving a new value into the parameter file (an
      atomic replace, as editors and the page do) to the scene's new stills in the page's state,
      and to its new low-quality video there;
  (3) a plain `sigsat render SCENE` of the same scene after saving a new value (what a lecturer
      does without the preview), and `--force` with the same value, for the video's comparison.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sigsat.lesson import lecture, params as params_mod


def _request(scene: str, folder: Path, params_file: Path, tag: str) -> str:
    return json.dumps({"scene": scene, "params": str(params_file), "folder": str(folder / f"stills-{tag}"),
                       "media": str(folder / "media")}) + "\n"


def worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scenes.preview_worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def ask(proc: subprocess.Popen, line: str) -> dict:
    proc.stdin.write(line)
    proc.stdin.flush()
    while True:
        answer = json.loads(proc.stdout.readline())
        if "ready" not in answer:
            return answer


def stills(folder: Path, rounds: int) -> None:
    params_file = folder / "params.toml"
    params_file.write_text(params_mod.to_toml(params_mod.Params(), comments=False))
    warm = worker()
    print("(1) beat stills per scene, seconds (median of rounds): cold = new process, warm = warm worker")
    for spec in lecture.SCENES:
        ask(warm, _request(spec.id, folder, params_file, "warm-up"))   # fills the TeX cache
        cold = []
        for i in range(rounds):
            started = time.perf_counter()
            proc = worker()
            answer = ask(proc, _request(spec.id, folder, params_file, f"cold{i}"))
            cold.append(time.perf_counter() - started)
            proc.stdin.close()
            proc.wait()
            assert answer["ok"], answer
        hot = []
        for i in range(rounds):
            started = time.perf_counter()
            assert ask(warm, _request(spec.id, folder, params_file, f"warm{i}"))["ok"]
            hot.append(time.perf_counter() - started)
        beats = len(spec.beats)
        print(f"    {spec.id:<11} {beats} beats  cold {statistics.median(cold):5.2f} s   warm "
              f"{statistics.median(hot):5.2f} s")
    print("    the warm worker after a new probe_z (new formulas, typeset in one LaTeX run first):")
    for value in (4.25, -3.75, 5.25)[:rounds]:
        changed = folder / f"params-{value}.toml"
        changed.write_text(params_mod.to_toml(params_mod.from_mapping({"saturation": {"probe_z": value}}),
                                              comments=False))
        started = time.perf_counter()
        answer = ask(warm, _request("probe", folder, changed, f"new{value}"))
        print(f"    probe  probe_z = {value}: {time.perf_counter() - started:5.2f} s, of which "
              f"{answer['formulas']} new formulas found and typeset in {answer['formula_seconds']:.2f} s")
    warm.stdin.close()
    warm.wait()


def state(port: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/api/events")
    line = connection.getresponse().readline().decode()
    connection.close()
    return json.loads(line.removeprefix("data: "))


def wait(port: int, check, timeout: float = 600) -> float:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        scene = next(iter(state(port)["scenes"].values()))
        if check(scene):
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError


def loop(folder: Path, scene: str, values: list[float]) -> list[tuple[float, float]]:
    """Save -> stills and save -> video in a running preview, for each new probe value."""
    params = folder / "sigsat.toml"
    params.write_text("# bench\n[saturation]\nprobe_z = 5.0\n")
    server = subprocess.Popen([sys.executable, "-m", "sigsat.cli", "preview", scene, "--port", "0"], cwd=folder,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(re.search(r":(\d+)/", server.stdout.readline())[1])
    timings = []
    try:
        wait(port, lambda s: s["status"] == "stills up to date; video up to date")
        for value in values:
            old = next(iter(state(port)["scenes"].values()))
            spare = folder / ".sigsat.toml.edit"
            spare.write_text(f"# bench\n[saturation]\nprobe_z = {value}\n")
            saved = time.perf_counter()
            os.replace(spare, params)
            shown = wait(port, lambda s: s["beats"] and s["beats"][0]["image"] != old["beats"][0]["image"])
            video = wait(port, lambda s: s["video"] != old["video"])
            timings.append((shown - saved, video - saved))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait()
    return timings


def plain_render(folder: Path, scene: str, values: list[float | None]) -> list[float]:
    """`sigsat render SCENE` after each value is saved (None: the same value again, with --force)."""
    times = []
    for value in values:
        if value is not None:
            (folder / "sigsat.toml").write_text(f"# bench\n[saturation]\nprobe_z = {value}\n")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sigsat.cli", "render", scene, *(["--force"] if value is None else [])],
                       cwd=folder, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scene", default="probe")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-stills", action="store_true", help="skip (1)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as tmp:
        folder = Path(tmp)
        if not args.skip_stills:
            stills(folder, args.rounds)
        values = [6.0, 4.0, 5.5, 3.5, 6.5][:args.rounds]
        timings = loop(folder, args.scene, values)
        print(f"(2) sigsat preview {args.scene}, save -> (stills on the page, video on the page), seconds:")
        for value, (shown, video) in zip(values, timings):
            print(f"    probe_z = {value}: {shown:5.2f}   {video:5.2f}")
        print(f"    median: stills {statistics.median(t[0] for t in timings):.2f} s, "
              f"video {statistics.median(t[1] for t in timings):.2f} s")
        fresh = plain_render(folder, args.scene, [-v for v in values])
        print(f"(3) sigsat render {args.scene} after saving a new value (what the preview replaces): median "
              f"{statistics.median(fresh):.2f} s ({', '.join(f'{t:.2f}' for t in fresh)})")
        again = plain_render(folder, args.scene, [None] * args.rounds)
        print(f"    sigsat render {args.scene} --force, same value (its formulas typeset already): median "
              f"{statistics.median(again):.2f} s ({', '.join(f'{t:.2f}' for t in again)})")
        print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
