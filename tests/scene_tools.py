"""Running a scene's construct() without rendering video, and recording what it did."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from sigsat.lecture import SceneSpec

DRY_RUN = {
    "dry_run": True,
    "skip_animations": True,
    "disable_caching": True,
    "quality": "low_quality",
    "progress_bar": "none",
    "verbosity": "WARNING",
}


@dataclass
class Run:
    sections: list[str] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    offscreen: list[str] = field(default_factory=list)  # "beat: mobject" outside the frame
    starts: list[float] = field(default_factory=list)  # scene time at which each section began
    duration: float = 0.0

    @property
    def lengths(self) -> list[float]:
        """Seconds each section lasted."""
        return [b - a for a, b in zip(self.starts, self.starts[1:] + [self.duration])]


def outside_frame(scene, margin: float = 0.02) -> list[str]:
    from manim import ValueTracker, VectorizedPoint, config

    half_w, half_h = config.frame_width / 2 + margin, config.frame_height / 2 + margin
    bad = []
    for mob in scene.mobjects:
        for part in mob.get_family():
            if len(part.points) == 0 or isinstance(part, (ValueTracker, VectorizedPoint)):
                continue  # nothing drawn
            (x0, y0, _), (x1, y1, _) = part.points.min(axis=0), part.points.max(axis=0)
            if x0 < -half_w or x1 > half_w or y0 < -half_h or y1 > half_h:
                bad.append(f"{type(part).__name__} x[{x0:.2f}, {x1:.2f}] y[{y0:.2f}, {y1:.2f}]")
                break
    return bad


#: Added to DRY_RUN to skip every play (manim's own mechanism for -n): no frame is drawn and each
#: play advances the scene's time by exactly its run time. Updaters get one step per play.
NO_FRAMES = {"from_animation_number": 2**31 - 1}


def dry_run(spec: SceneSpec, monkeypatch, frames: bool = True) -> Run:
    """construct() of the scene under manim's dry_run, with sections and frame checks recorded.

    ``frames=False`` skips drawing (see NO_FRAMES): timings only, many times faster.
    """
    from manim import Scene, tempconfig

    run = Run()
    original = Scene.next_section

    def next_section(self, name="unnamed", *args, **kwargs):
        if run.sections:
            run.offscreen += [f"{run.sections[-1]}: {b}" for b in outside_frame(self)]
        run.sections.append(name)
        run.starts.append(self.time)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(Scene, "next_section", next_section)
    cls = getattr(importlib.import_module(spec.module), spec.cls)
    with tempconfig(DRY_RUN if frames else {**DRY_RUN, **NO_FRAMES}):
        scene = cls()
        scene.render()
        run.offscreen += [f"{run.sections[-1]}: {b}" for b in outside_frame(scene)]
        run.subtitles = [s.content for s in scene.renderer.file_writer.subcaptions]
        run.duration = scene.time
    return run
