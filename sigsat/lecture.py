"""The lecture's scenes in lesson order: where each lives, its beats and the parameters it reads."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

__all__ = ["SceneSpec", "SCENES", "find_scene"]

#: Parameters that every scene reads (colours, captions, pacing, voice).
COMMON_READS = ("theme.name", "narration.mode", "narration.captions", "narration.words_per_minute")


@dataclass(frozen=True)
class SceneSpec:
    """One scene of the lecture.

    ``id`` names both its lesson module (``sigsat.lessons.<id>``) and its scene module
    (``scenes/<id>.py``); ``cls`` is the manim Scene class there.
    """

    id: str
    cls: str
    title: str
    reads: tuple[str, ...]  # "table.key" of every parameter its picture or lines use

    @property
    def lesson(self) -> ModuleType:
        return importlib.import_module(f"sigsat.lessons.{self.id}")

    @property
    def beats(self) -> tuple[str, ...]:
        return tuple(self.lesson.LINES)

    @property
    def module(self) -> str:
        return f"scenes.{self.id}"


_NETWORK = ("network.depth", "network.width", "network.seed", "network.batch", "network.init")
_CHAIN = ("chain.layers", "chain.per_layer_gradient", "chain.learning_rate")

SCENES: tuple[SceneSpec, ...] = (
    SceneSpec("saturation", "SigmoidSaturates", "The sigmoid saturates",
              ("saturation.threshold", "saturation.probe_z") + COMMON_READS),
    SceneSpec("derivative", "DerivativePeaksAtAQuarter", "The slope peaks at 0.25",
              ("saturation.threshold",) + COMMON_READS),
    SceneSpec("probe", "SlopeAtTheProbe", "Practice problem 1: the slope far out",
              ("saturation.probe_z",) + COMMON_READS),
    SceneSpec("chain", "GradientsShrinkLayerByLayer", "Practice problem 2: gradients multiply",
              _CHAIN + COMMON_READS),
    SceneSpec("measured", "RealNetworksMeasured", "Real networks, measured",
              _NETWORK + COMMON_READS),
    SceneSpec("relu", "ReluKeepsTheGradient", "ReLU keeps the gradient, but can die",
              _NETWORK + COMMON_READS),
    SceneSpec("takeaways", "KeyTakeaways", "Key takeaways",
              ("saturation.threshold",) + _CHAIN + COMMON_READS),
)


def find_scene(name: str) -> SceneSpec:
    """The scene whose id or class name is ``name`` (case-insensitive)."""
    for s in SCENES:
        if name.lower() in (s.id, s.cls.lower()):
            return s
    known = ", ".join(s.id for s in SCENES)
    raise KeyError(f"unknown scene {name!r}; known scenes: {known}")
