"""``<stem>/sections.json``: the beat clips of one rendered scene, in beat order.

Each entry is manim's section record with ``video`` renamed to the clip's file in the folder
(``NN_beat.mp4``). Written by the render job, read by decks, the gallery and storyboards, all
through this module.
"""

from __future__ import annotations

import json
from pathlib import Path

from .files import atomic_write

__all__ = ["SECTIONS", "read_sections", "write_sections"]

SECTIONS = "sections.json"


def read_sections(folder: Path) -> list[dict]:
    """The beat entries of a scene's clip folder.

    Raises
    ------
    FileNotFoundError
        The folder has no ``sections.json``.
    ValueError
        It is not JSON, or not a list of entries that each name a clip (``name``, ``video``).
    """
    entries = json.loads((Path(folder) / SECTIONS).read_text(encoding="utf-8"))
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("video"), str)
            for e in entries):
        raise ValueError(f"{Path(folder) / SECTIONS}: not a list of beat clips")
    return entries


def write_sections(folder: Path, entries: list[dict]) -> None:
    """Write a scene's beat entries (each with ``name`` and its clip's file ``video``)."""
    atomic_write(Path(folder) / SECTIONS, json.dumps(entries, indent=2))
