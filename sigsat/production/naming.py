"""What a render's outputs are called: quality folders, scene file stems, the names a render writes.

The planner, the gallery, the decks and the command line all name files through this module, so
none of them needs another to know where a scene's video is.
"""

from __future__ import annotations

from typing import Iterable

from ..lesson import lecture

__all__ = ["QUALITIES", "FORMATS", "LECTURE_FILES", "stem", "scene_outputs", "lecture_stem", "lecture_files"]

#: quality name -> (manim's -q flag, manim's folder name)
QUALITIES = {"low": ("l", "480p15"), "medium": ("m", "720p30"), "high": ("h", "1080p60"),
             "4k": ("k", "2160p60")}
#: Extra formats a render can write beside each scene's MP4.
FORMATS = ("gif",)


def lecture_stem(part: int) -> str:
    """File stem of a part's lecture video, also its manifest entry: part 1 keeps the name the
    lecture had before it had parts (``lecture``), so earlier renders stay up to date.

    Examples
    --------
    >>> lecture_stem(1), lecture_stem(2)
    ('lecture', 'lecture2')
    """
    return "lecture" if part == 1 else f"lecture{part}"


def lecture_files(part: int) -> tuple[str, ...]:
    """The files a part's lecture is made of: its video and subtitles."""
    return tuple(f"{lecture_stem(part)}.{ext}" for ext in ("mp4", "srt", "vtt"))


#: Part one's lecture files.
LECTURE_FILES = lecture_files(1)


def stem(spec: lecture.SceneSpec) -> str:
    """File stem of a scene's outputs, numbered in lesson order: ``01_saturation``."""
    return f"{lecture.SCENES.index(spec) + 1:02d}_{spec.id}"


def scene_outputs(stem: str, formats: Iterable[str] = (), transparent: bool = False) -> list[str]:
    """Names a scene's render writes in its output folder (``stem`` is a folder of beat clips)."""
    names = [f"{stem}.mp4", f"{stem}.srt", f"{stem}.vtt", f"{stem}.png", stem]
    names += [f"{stem}.{fmt}" for fmt in FORMATS if fmt in formats]
    return names + ([f"{stem}_alpha.mov"] if transparent else [])
