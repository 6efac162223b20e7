"""Scene 8: the whole lecture, every lesson scene in order, as one video with one section per beat.

``sigsat render`` assembles the lecture from the scene videos without rendering them again; this
scene is for plain ``manim`` users and for a single video with a sections index.
"""

from __future__ import annotations

import importlib

from manim import FadeOut, Scene

from scenes.common import LAYOUT
from sigsat.lesson.lecture import SCENES

__all__ = ["WholeLecture", "play_part"]


def play_part(scene: Scene, part_class: type[Scene], section_prefix: str = "") -> None:
    """Play ``part_class``'s construct() on ``scene``.

    The part is ``scene`` itself seen through the part's class: it shares the scene's state
    (renderer, mobjects, sections, subtitles), so the part's beats play there. This keeps lesson
    scenes independent classes rather than subclasses of one another.
    """
    part = object.__new__(part_class)
    part.__dict__ = scene.__dict__
    scene.section_prefix = section_prefix
    try:
        part.construct()
    finally:
        scene.section_prefix = ""


class WholeLecture(Scene):
    """Every lesson scene in order, the stage cleared between them."""

    def construct(self) -> None:
        for spec in SCENES:
            part_class = getattr(importlib.import_module(spec.module), spec.cls)
            play_part(self, part_class, f"{spec.id}.")
            visible = [m for m in self.mobjects if m.get_family() and len(m.get_all_points())]
            if visible:
                self.play(*[FadeOut(m) for m in visible], run_time=LAYOUT.fade)
            self.clear()
