"""The lecture's scenes in lesson order: where each lives, its beats and what it takes from the
parameters.

A scene's parameters are discovered, not declared: :func:`reads` runs :func:`scene_inputs`
(everything a running scene takes from the parameters) under a :class:`~sigsat.lesson.params.Recording`.
Scenes get their parameters only through :func:`scene_inputs` and the voice set-up, and a test
dry-runs every scene under a recording to hold them to it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from . import i18n, narration, params as params_mod
from .i18n import N_
from .theme import Palette, palette

__all__ = ["SceneSpec", "SCENES", "PART_TITLES", "parts", "part_scenes", "complete_parts", "find_scene",
           "SceneInputs", "scene_inputs", "scene_lines", "scene_title", "reads", "PRESENTATION_TABLES"]

#: Tables of the presentation (colours, captions, voice) rather than of a scene's subject: the
#: gallery and ``sigsat list`` show them apart from a scene's own parameters.
PRESENTATION_TABLES = ("theme", "narration")


@dataclass(frozen=True)
class SceneSpec:
    """One scene of the lecture.

    ``id`` names both its lesson module (``sigsat.lesson.scenes.<id>``) and its scene module
    (``scenes/<id>.py``); ``cls`` is the manim Scene class there; ``title`` is in English, marked
    for translation (:meth:`title_in`); ``part`` is the part of the lecture it belongs to (each part
    is assembled into a lecture video of its own).
    """

    id: str
    cls: str
    title: str
    part: int = 1

    @property
    def lesson(self) -> ModuleType:
        return importlib.import_module(f"sigsat.lesson.scenes.{self.id}")

    @property
    def beats(self) -> tuple[str, ...]:
        return tuple(self.lesson.LINES)

    @property
    def module(self) -> str:
        return f"scenes.{self.id}"

    def title_in(self, tr: i18n.Language) -> str:
        """The title in ``tr``'s language."""
        return tr(self.title)


SCENES: tuple[SceneSpec, ...] = (
    SceneSpec("saturation", "SigmoidSaturates", N_("The sigmoid saturates")),
    SceneSpec("derivative", "DerivativePeaksAtAQuarter", N_("The slope peaks at 0.25")),
    SceneSpec("probe", "SlopeAtTheProbe", N_("Practice problem 1: the slope far out")),
    SceneSpec("chain", "GradientsShrinkLayerByLayer", N_("Practice problem 2: gradients multiply")),
    SceneSpec("measured", "RealNetworksMeasured", N_("Real networks, measured")),
    SceneSpec("relu", "ReluKeepsTheGradient", N_("ReLU keeps the gradient, but can die")),
    SceneSpec("takeaways", "KeyTakeaways", N_("Key takeaways")),
    SceneSpec("tanh", "TanhIsCentredButSaturates", N_("tanh is centred, but saturates"), part=2),
    SceneSpec("families", "TheReluFamily", N_("The ReLU family"), part=2),
    SceneSpec("init", "InitialisationKeepsTheSignal", N_("Initialisation keeps the signal"), part=2),
    SceneSpec("residual", "SkipConnectionsCarryTheGradient", N_("Skip connections carry the gradient"), part=2),
    SceneSpec("what_to_use", "WhatToUse", N_("What to use"), part=2),
)

#: Each part's title, in English and marked for translation; a part is listed, rendered and
#: assembled once it has a scene in SCENES.
PART_TITLES = {1: N_("Why sigmoid networks stop learning"), 2: N_("How modern networks keep the gradient")}


def parts() -> tuple[int, ...]:
    """The parts that have scenes, in order.

    Examples
    --------
    >>> parts()[0]
    1
    """
    return tuple(sorted({s.part for s in SCENES}))


def part_scenes(part: int) -> tuple[SceneSpec, ...]:
    """The scenes of ``part`` in lesson order; KeyError (with the one-line message) for a part
    that has none."""
    found = tuple(s for s in SCENES if s.part == part)
    if not found:
        raise KeyError(f"no part {part} in the lecture; parts: {', '.join(map(str, parts()))}")
    return found


def complete_parts(specs) -> tuple[int, ...]:
    """The parts every scene of which is among ``specs``: the lectures a render of them assembles.

    Examples
    --------
    >>> complete_parts(SCENES[:2]), complete_parts(part_scenes(1))
    ((), (1,))
    """
    chosen = set(specs)
    return tuple(p for p in parts() if set(part_scenes(p)) <= chosen)


@dataclass(frozen=True)
class SceneInputs:
    """Everything a running scene takes from the parameters, besides its voice service."""

    palette: Palette
    lesson: Any                           # the lesson module's dataclass
    captions: bool
    audio: dict[str, dict | None]         # beat -> the voice service's input data; None: silent
    holds: dict[str, float]               # beat -> seconds a silent beat holds (silent only)
    tr: i18n.Language                     # the language of its text and numbers


def scene_inputs(spec: SceneSpec, params: params_mod.Params) -> SceneInputs:
    """What ``spec``'s scene shows and says under ``params``: the one place a scene reads them."""
    from .scenes import hold_seconds

    look = palette(params.theme.name)
    tr = i18n.language(params)
    lesson = spec.lesson.build(params)
    n = params.narration
    audio = {beat: narration.line_audio(n, spec.id, beat, line) for beat, line in lesson.lines.items()}
    holds = {beat: hold_seconds(params, line) for beat, line in lesson.lines.items()
             if audio[beat] is None}
    return SceneInputs(look, lesson, n.captions, audio, holds, tr)


def scene_title(spec: SceneSpec, params: params_mod.Params) -> str:
    """The title of ``spec`` in the language of ``params``."""
    return spec.title_in(i18n.language(params))


def scene_lines(spec: SceneSpec, params: params_mod.Params) -> dict[str, str]:
    """Narration line per beat id of one scene, under ``params``, in beat order."""
    return dict(spec.lesson.build(params).lines)


def reads(spec: SceneSpec, params: params_mod.Params) -> tuple[str, ...]:
    """``"table.key"`` of every parameter ``spec``'s scene reads under ``params``, in file order.

    Discovered by running :func:`scene_inputs` under a recording: which parameters a scene reads
    can depend on their values (a silent scene does not read its voice).

    Examples
    --------
    >>> silent = params_mod.from_mapping({"narration": {"mode": "none"}})
    >>> [("narration.voice" in reads(SCENES[1], p)) for p in (params_mod.Params(), silent)]
    [True, False]
    """
    seen = params_mod.Recording(params)
    scene_inputs(spec, seen)
    return seen.reads


def find_scene(name: str) -> SceneSpec:
    """The scene whose id or class name is ``name`` (case-insensitive)."""
    for s in SCENES:
        if name.lower() in (s.id, s.cls.lower()):
            return s
    known = ", ".join(s.id for s in SCENES)
    raise KeyError(f"unknown scene {name!r}; known scenes: {known}")
