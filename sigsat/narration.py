"""What the lecturer says: filling a scene's line templates with computed numbers, and pacing them.

Each lesson module under :mod:`sigsat.lessons` holds its scene's templates (``LINES``: beat id ->
template, in beat order) beside the computation that fills them, so a changed parameter changes
the narration with the picture.
"""

from __future__ import annotations

import re

__all__ = ["fill", "reading_seconds"]

_FIELD = re.compile(r"{(\w+)}")


def fill(templates: dict[str, str], values: dict[str, str]) -> dict[str, str]:
    """Every beat's line with ``values`` filled in; a template naming a missing value is an error.

    Examples
    --------
    >>> fill({"intro": "The slope peaks at {peak}."}, {"peak": "0.25"})
    {'intro': 'The slope peaks at 0.25.'}
    """
    lines = {}
    for beat, template in templates.items():
        missing = set(_FIELD.findall(template)) - set(values)
        if missing:
            raise KeyError(f"narration of beat {beat!r} needs {sorted(missing)}")
        lines[beat] = template.format(**values)
    return lines


def reading_seconds(text: str, words_per_minute: float, pause: float = 0.8) -> float:
    """How long a beat should hold so that its line can be read (or said) at the given pace.

    Examples
    --------
    >>> reading_seconds("one two three four five six seven eight nine ten", 150)
    4.8
    """
    return round(len(text.split()) * 60.0 / words_per_minute + pause, 3)
