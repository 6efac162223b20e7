"""The contract between the live preview and a scene rendered as stills: one PNG per beat.

The preview names a folder in ``$SIGSAT_STILLS`` when it runs a scene; the scene then runs every
beat with manim's section skipping (no frame is drawn or encoded, no voice is synthesised, no
beat holds for its narration), and at the end of each beat draws the frame once and saves it as
``<folder>/<NN>_<beat>.png`` (:func:`still_name`). It records each beat's index, name and narration
line in ``<folder>/beats.json`` (:mod:`sigsat.lesson.chunks`' records), so the page shows the
words as they now read beside each picture.

This module is the whole contract: plain data, read by both sides, no manim.
"""

from __future__ import annotations

import os

__all__ = ["STILLS_ENV", "still_name", "stills_folder"]

STILLS_ENV = "SIGSAT_STILLS"


def still_name(index: int, beat: str) -> str:
    """The file name of beat ``index`` (0-based) of a scene.

    Examples
    --------
    >>> still_name(0, "pose_the_problem")
    '01_pose_the_problem.png'
    """
    return f"{index + 1:02d}_{beat}.png"


def stills_folder() -> str | None:
    """The folder a scene is asked to write its stills to, or None for a normal render."""
    return os.environ.get(STILLS_ENV) or None
