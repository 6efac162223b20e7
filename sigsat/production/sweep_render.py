"""Render a sweep: every variant's scenes planned together, each distinct render done once.

A scene's render key covers everything its video depends on (:mod:`sigsat.production.keys`), so
two variants whose keys for a scene agree would render the same video. The sweep plans every
variant's output folder (:func:`sigsat.production.pipeline.assess`), gathers the distinct
units (scene, key) that some folder lacks, renders each once on the runner (a cluster's, or
manim processes here) and commits the result into every folder that takes it, hard-linked (a
copy where a link cannot be made). A unit some variant already holds, from an earlier sweep, is
linked from there without a render. Each variant folder is then a complete output root: its
lecture, its gallery page; the sweep's own page (:mod:`sigsat.production.sweep_gallery`) shows
the variants side by side.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..lesson import lecture, narration, params as params_mod
from ..lesson.params import ParamError
from . import manifest as manifest_mod, pipeline
from .pipeline import Batch, JobResult, Options, Plan, RenderEvent, Todo, Unit
from .sweep import Sweep, variant_root, write_record
from .gallery import check_index, write_gallery
from .sweep_gallery import write_sweep_gallery
from .voice_store import recording_problems

__all__ = ["SweepReport", "render_sweep", "sweep_root", "plan_sweep"]


@dataclass
class SweepReport:
    root: Path
    reports: list[pipeline.Report]
    jobs: int            # manim runs (chunks count one each)
    rendered: int        # distinct units rendered
    linked: int          # units taken from another variant's folder, rendered earlier
    wanted: int          # (variant, scene) pairs that were not up to date


def sweep_root(out: Path, sweep: Sweep) -> Path:
    return Path(out) / "sweeps" / sweep.name


@dataclass
class SweepPlan:
    plans: list[Plan]                               # one per variant, in the sweep's order
    batch: Batch                                    # the units to render and where each lands
    linked: dict[Unit, tuple[Plan, list[Plan]]]     # units a variant folder holds: (holder, homes)

    @property
    def wanted(self) -> int:
        return sum(len(p.todo()) for p in self.plans)


def effective(sweep: Sweep, options: Options) -> Sweep:
    """The sweep with the command line's --theme/--narration/--lang applied to every variant."""
    variants = tuple(dataclasses.replace(v, params=pipeline.with_overrides(v.params, options))
                     for v in sweep.variants)
    return dataclasses.replace(sweep, variants=variants)


def _options(options: Options, sweep: Sweep, variant) -> Options:
    return dataclasses.replace(options, out=variant_root(options.out, sweep, variant))


def plan_sweep(sweep: Sweep, options: Options, specs: list[lecture.SceneSpec] | None = None,
               manifests: dict[Path, dict] | None = None) -> SweepPlan:
    """Plan ``specs`` (default: every scene) in every variant of ``sweep`` (already
    :func:`effective`), then the distinct units to render.

    ``manifests`` gives each variant's output folder's manifest (default: read from disk).
    """
    specs = pipeline.select(s.id for s in specs or ())
    plans, todo, homes = [], {}, {}
    for variant in sweep.variants:
        voptions = _options(options, sweep, variant)
        out = pipeline.output_dir(voptions, variant.params)
        the_plan = pipeline.assess(specs, variant.params, voptions, (manifests or {}).get(out))
        plans.append(the_plan)
        for sid in the_plan.todo():
            unit = (sid, the_plan.parts[sid].key)
            homes.setdefault(unit, []).append(the_plan)
            if unit not in todo:
                spec = lecture.find_scene(sid)
                todo[unit] = Todo(spec, params_mod.to_toml(variant.params, comments=False), out,
                                  pipeline.beat_estimates(spec, variant.params, options.quality, out,
                                                          the_plan.manifest))
    linked = {}
    for unit in list(todo):   # up to date in another variant's folder: linked from there
        holder = next((p for p in plans if unit[0] in p.up_to_date and p.parts[unit[0]].key == unit[1]), None)
        if holder is not None:
            linked[unit] = (holder, homes[unit])
            del todo[unit]
    per_scene: dict[str, int] = {}
    for sid, _key in todo:
        per_scene[sid] = per_scene.get(sid, 0) + 1
    # Units of one scene render side by side: each needs its own manim media folder.
    media = {u: u[0] if per_scene[u[0]] == 1 else f"{u[0]}@{u[1][:10]}" for u in todo}
    jobs, chunks = pipeline.make_jobs(todo, options, sweep_root(options.out, sweep) / ".cache", media)
    batch = Batch(jobs, chunks, {u: homes[u] for u in todo}, {u: _label(u, homes[u]) for u in todo})
    return SweepPlan(plans, batch, linked)


def _label(unit: Unit, homes: list[Plan]) -> str:
    """``probe [probe_z-3_theme-dark +1]``: the scene, its first variant and how many more take it."""
    more = f" +{len(homes) - 1}" if len(homes) > 1 else ""
    return f"{unit[0]} [{homes[0].root.name}{more}]"


def _link_held(unit: Unit, holder: Plan, homes: list[Plan]) -> None:
    """Commit a unit that ``holder``'s folder holds into ``homes``, hard-linked from it."""
    sid, key = unit
    entry = holder.manifest["scenes"][sid]
    staging = homes[0].out / ".staging" / f"{sid}.held"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in entry["files"]:
        source = holder.out / name
        if source.is_dir():
            shutil.copytree(source, staging / name, copy_function=pipeline._link_or_copy)
        else:
            pipeline._link_or_copy(str(source), str(staging / name))
    result = JobResult(sid, key, str(staging), tuple(entry["files"]), float(entry["render_seconds"]),
                       float(entry["peak_rss_mib"]), float(entry["duration"]), tuple(entry.get("chunks", ())),
                       float(entry.get("cpu_seconds", 0.0)))
    pipeline._land(result, homes)


def _check_inputs(sweep: Sweep, specs: list[lecture.SceneSpec]) -> None:
    """Refuse, before anything is touched, a variant whose recordings are missing."""
    for variant in sweep.variants:
        n = variant.params.narration
        if n.mode == "recorded":
            problems = recording_problems(narration.recordings_folder(n), pipeline.scripts(specs, variant.params))
            if problems:
                raise ParamError(f"variant {variant.name}: {len(problems)} narration line(s) have no usable "
                                 f"recording, the first: {problems[0]}")


def render_sweep(sweep: Sweep, options: Options, specs: list[lecture.SceneSpec] | None = None, runner=None,
                 progress: Callable[[RenderEvent], None] | None = None) -> SweepReport:
    """Render ``specs`` (default: every scene, and the lecture) in every variant of ``sweep`` into
    ``OUT/sweeps/<sweep>/<variant>/``, each distinct render once, and write the sweep's page.
    ``runner`` as for :func:`pipeline.render`."""
    sweep = effective(sweep, options)
    specs = pipeline.select(s.id for s in specs or ())
    _check_inputs(sweep, specs)
    root = sweep_root(options.out, sweep)
    for variant in sweep.variants:
        voptions = _options(options, sweep, variant)
        out = pipeline.output_dir(voptions, variant.params)
        pipeline.check_targets(out, voptions.out, pipeline.targets(specs, voptions))
    check_index(root)
    check_index(options.out)   # its page links to the sweep's
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        stack.enter_context(pipeline.locked(root))
        outs = []
        for variant in sweep.variants:
            voptions = _options(options, sweep, variant)
            stack.enter_context(pipeline.locked(voptions.out))
            outs.append(pipeline.output_dir(voptions, variant.params))
        for out in outs:
            stack.callback(pipeline._clean_leftovers, out)
            pipeline._clean_leftovers(out)
            out.mkdir(parents=True, exist_ok=True)
        manifests = {out: manifest_mod.read_or_set_aside(out) for out in outs}
        the_plan = plan_sweep(sweep, options, specs, manifests)
        for variant, plan in zip(sweep.variants, the_plan.plans):
            pipeline._check_voice([j for j in the_plan.batch.jobs
                                   if the_plan.batch.homes[(j.scene_id, j.key)][0] is plan], variant.params)
        for plan in the_plan.plans:
            if not manifest_mod.is_sigsat_folder(plan.out):
                manifest_mod.write(plan.out, plan.manifest)
        for unit, (holder, homes) in the_plan.linked.items():
            _link_held(unit, holder, homes)
        work = runner or pipeline.LocalRunner(None, options.jobs)
        try:
            results = pipeline.run_batch(the_plan.batch, root / ".cache", options, work,
                                         progress or (lambda _e: None))
        finally:
            if runner is None:
                work.close()
        reports = [pipeline.finish(plan, the_plan.batch, results) for plan in the_plan.plans]
        write_record(root, sweep)
        write_sweep_gallery(root)
        write_gallery(options.out)
    return SweepReport(root, reports, len(the_plan.batch.jobs), len(results), len(the_plan.linked),
                       the_plan.wanted)
