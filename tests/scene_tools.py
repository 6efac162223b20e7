"""Running a scene's construct() without rendering video, and recording what it did."""

from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass, field

import pytest

from sigsat.lesson.lecture import SceneSpec

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
    audio: list[dict] = field(default_factory=list)     # the voice service's input data, per line
    pictures: list[str] = field(default_factory=list)   # digest of the picture at each section end
    reads: tuple[str, ...] = ()                         # parameters the scene read while it ran
    background: str = ""                                # the camera's background colour

    def fingerprint(self) -> str:
        """A digest of everything the video is made of: an independent oracle of "the output
        changed" (sections, subtitles, duration, what the voice says, the pictures)."""
        seen = [self.sections, self.subtitles, round(self.duration, 6), self.audio, self.pictures,
                self.background]
        return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()


    @property
    def lengths(self) -> list[float]:
        """Seconds each section lasted."""
        return [b - a for a, b in zip(self.starts, self.starts[1:] + [self.duration])]


class _Enough(Exception):
    """Stops a dry run after the beats it was asked for."""


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


def picture(scene) -> str:
    """A digest of every mobject on screen: its type, points (to 1e-6) and colours, in order."""
    h = hashlib.sha256()
    for mob in scene.mobjects:
        for part in mob.get_family():
            h.update(type(part).__name__.encode())
            h.update(part.points.round(6).tobytes())
            for name in ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas"):
                rgbas = getattr(part, name, None)
                if rgbas is not None:
                    h.update(rgbas.round(6).tobytes())
            h.update(repr(getattr(part, "z_index", 0)).encode())
    return h.hexdigest()


def dry_run(spec: SceneSpec, monkeypatch=None, beats: int | None = None, voices: int | None = None,
            frames: bool = True) -> Run:
    """construct() of the scene under manim's dry_run, with sections, frame checks, the voice's
    input, the pictures and the parameters read recorded; only the first ``beats`` if given, or
    until ``voices`` lines have been handed to the voice service (about the cost of a start()).

    ``monkeypatch`` is accepted for the callers that pass it; the patches here are undone when
    the run ends. ``frames=False`` skips drawing (see NO_FRAMES): timings only, many times faster."""
    from manim import Scene, tempconfig

    from scenes import voice
    from sigsat.lesson import params as params_mod

    run = Run()
    original = Scene.next_section

    def next_section(self, name="unnamed", *args, **kwargs):
        if run.sections:
            run.offscreen += [f"{run.sections[-1]}: {b}" for b in outside_frame(self)]
            run.pictures.append(picture(self))
        if beats is not None and len(run.sections) == beats:
            raise _Enough
        run.sections.append(name)
        run.starts.append(self.time)
        return original(self, name, *args, **kwargs)

    from_store = voice._StoredSpeech._from_store

    def recorded_from_store(self, text, input_data, *args, **kwargs):
        run.audio.append(input_data)
        if voices is not None and len(run.audio) == voices:
            raise _Enough
        return from_store(self, text, input_data, *args, **kwargs)

    recording = []
    load = params_mod.load

    def recorded_load(*args, **kwargs):
        recording.append(params_mod.Recording(load(*args, **kwargs)))
        return recording[-1]

    cls = getattr(importlib.import_module(spec.module), spec.cls)
    # Patches undone after each run, so that runs in one test do not wrap each other's.
    with pytest.MonkeyPatch.context() as patch, tempconfig(DRY_RUN if frames else {**DRY_RUN, **NO_FRAMES}):
        patch.setattr(Scene, "next_section", next_section)
        patch.setattr(voice._StoredSpeech, "_from_store", recorded_from_store)
        patch.setattr(params_mod, "load", recorded_load)
        scene = cls()
        try:
            scene.render()
        except _Enough:
            pass
        else:
            run.offscreen += [f"{run.sections[-1]}: {b}" for b in outside_frame(scene)]
            run.pictures.append(picture(scene))
        run.subtitles = [s.content for s in scene.renderer.file_writer.subcaptions]
        run.duration = scene.time
        run.background = str(scene.camera.background_color)
    run.reads = recording[0].reads if recording else ()
    return run
