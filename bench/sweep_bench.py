"""Benchmark: a parameter sweep on a Dask LocalCluster against plain manim, in one run.

Run with the project's venv:  .venv/bin/python bench/sweep_bench.py [--workers 2] [--scenes a b ...]

Prints, on this machine's cores:
  (1) a sweep of 3 ``saturation.probe_z`` values x 2 themes at low quality (6 variants), from cold:
      plain manim rendering every variant's scenes one after another (one process at a time, each
      variant's parameter file named by $SIGSAT_PARAMS) against ``sigsat sweep --cluster local:N``;
      the ratio, with how many renders each did;
  (2) Dask's overhead per job, from the farm's own timings of the sweep's jobs (a second sweep
      with --force, so every job is shipped): the wait from submit to start on a worker (a
      worker busy with an earlier job counts, so the median of the first N jobs is given too),
      the transfer of the result archive, and its size, against the job's own render time.
The narration is off in both (``--narration none``): voice synthesis is cached across renders,
so it would only add the same first-render cost to both sides.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_bench import timed  # noqa: E402

from sigsat.lesson import lecture, params as params_mod  # noqa: E402
from sigsat.lesson.params import Params  # noqa: E402
from sigsat.production import keys  # noqa: E402

VALUES, THEMES = (3, 4, 5), ("dark", "light")
SWEEP = f"""name = "bench"
[grid]
"saturation.probe_z" = {list(VALUES)}
theme = {list(THEMES)}
"""


def plain(work: Path, specs) -> tuple[float, int]:
    """Every variant's scenes, one manim process after another; (seconds, renders)."""
    total, runs = 0.0, 0
    for z, theme in itertools.product(VALUES, THEMES):
        params_file = work / f"plain-{z}-{theme}.toml"
        params_file.write_text(f'[saturation]\nprobe_z = {float(z)}\n[theme]\nname = "{theme}"\n'
                               f'[narration]\nmode = "none"\n')
        env = {**os.environ, params_mod.PARAMS_ENV: str(params_file)}
        media = work / f"plain-media-{z}-{theme}"
        for spec in specs:
            total += timed([sys.executable, "-m", "manim", "render", "-ql", "--progress_bar", "none",
                            "--media_dir", str(media), str(keys.scene_file(spec)), spec.cls], work, env)[0]
            runs += 1
    return total, runs


def sweep(work: Path, workers: int, specs, *extra: str) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "sigsat.cli", "sweep", "bench.toml", *[s.id for s in specs],
           "--narration", "none", "--cluster", f"local:{workers}", *extra]
    return timed(cmd, work)


def overhead(work: Path, workers: int, specs) -> None:
    """Shipment timings of a forced sweep, read through the farm itself (in this process)."""
    from sigsat.production import farm, sweep as sweep_mod
    from sigsat.production.pipeline import Options
    from sigsat.production.sweep_render import render_sweep

    the_sweep = sweep_mod.load_sweep(work / "bench.toml", Params())
    options = Options(out=work / "renders", jobs=workers, force=True, narration="none")
    with farm.open_farm("local", None, workers) as the_farm:
        started = time.perf_counter()
        render_sweep(the_sweep, options, specs, runner=the_farm)
        wall = time.perf_counter() - started
        timings = list(the_farm.timings)
    running = [t["running"] for t in timings]
    transfer = [t["transfer"] for t in timings]
    queued = [t["queued"] for t in timings]
    first = sorted(queued)[:workers]
    print(f"(2) Dask per job, {len(timings)} jobs of a forced sweep ({wall:.1f} s in all)")
    print(f"    job's own render time   median {statistics.median(running):6.2f} s  "
          f"(min {min(running):.2f}, max {max(running):.2f})")
    print(f"    submit -> start, the first {workers} (idle workers)  median {statistics.median(first):6.3f} s")
    print(f"    submit -> start, all (includes waiting for a busy worker)  median {statistics.median(queued):6.2f} s")
    print(f"    result transfer + unpack median {statistics.median(transfer):6.3f} s  "
          f"(max {max(transfer):.3f}); archive median {statistics.median(t['bytes'] for t in timings) / 1e6:.2f} MB")
    print(f"    overhead / render time: start {statistics.median(first) / statistics.median(running):.3f}, "
          f"transfer {statistics.median(transfer) / statistics.median(running):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenes", nargs="*", default=[], help="scene ids (default: all)")
    parser.add_argument("--skip-overhead", action="store_true", help="only (1)")
    args = parser.parse_args()
    specs = [lecture.find_scene(s) for s in args.scenes] or list(lecture.SCENES)
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        work = Path(tmp)
        (work / "bench.toml").write_text(SWEEP)
        print(f"{os.cpu_count()} cores; {len(specs)} scene(s) x {len(VALUES) * len(THEMES)} variants, low quality")
        plain_s, plain_runs = plain(work, specs)
        sweep_s, out = sweep(work, args.workers, specs)
        print(f"(1) plain manim, one after another: {plain_s:7.1f} s  ({plain_runs} renders)")
        print(f"    sigsat sweep --cluster local:{args.workers}: {sweep_s:7.1f} s  ({out.strip().splitlines()[-1]})")
        print(f"    sweep / plain = {sweep_s / plain_s:.2f}   (load average over the run: "
              f"{os.getloadavg()[1]:.1f} for the last 5 minutes)")
        if not args.skip_overhead:
            overhead(work, args.workers, specs)


if __name__ == "__main__":
    main()
