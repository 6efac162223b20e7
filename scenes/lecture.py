"""The whole lecture, one scene per part: every lesson scene of the part in order, as one video
with one section per beat.

``sigsat render`` assembles each part's lecture from the scene videos without rendering them
again; these scenes are for plain ``manim`` users and for a single video with a sections index.
"""

from __future__ import annotations

import importlib

from manim import FadeOut, Scene

from scenes.common import LAYOUT
from sigsat.lesson.lecture import part_scenes

__all__ = ["WholeLecture", "WholeLectureTwo", "play_part", "play_lecture_part"]


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


def play_lecture_part(scene: Scene, part: int) -> None:
    """Play every scene of the lecture's ``part`` on ``scene``, the stage cleared between them."""
    for spec in part_scenes(part):
        part_class = getattr(importlib.import_module(spec.module), spec.cls)
        play_part(scene, part_class, f"{spec.id}.")
        visible = [m for m in scene.mobjects if m.get_family() and len(m.get_all_points())]
        if visible:
            scene.play(*[FadeOut(m) for m in visible], run_time=LAYOUT.fade)
        scene.clear()


class WholeLecture(Scene):
    """Part one of the lecture: every scene of it in order."""

    def construct(self) -> None:
        play_lecture_part(self, 1)


class WholeLectureTwo(Scene):
    """Part two of the lecture: every scene of it in order."""

    def construct(self) -> None:
        play_lecture_part(self, 2)
