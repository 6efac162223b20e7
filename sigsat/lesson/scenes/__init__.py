"""One module per scene: what it shows under the current parameters, and its narration lines.

Every lesson module defines ``LINES`` (beat id -> narration template, in beat order) and
``build(params)``, which returns a frozen dataclass whose ``lines`` are the filled templates.
"""

from __future__ import annotations

import math

from ...core.activations import SIGMOID_PEAK_SLOPE, sigmoid
from ..display import OUTPUT_SIG, SMALL_SIG, Relation, Term, exact, worked
from ..narration import reading_seconds
from ..params import Params

__all__ = ["hold_seconds", "z_extent", "label_step", "log_axis", "peak_algebra"]


#: At most this many gaps between labelled decades on a log axis.
MAX_Y_LABELS = 6


def hold_seconds(params: Params, line: str) -> float:
    """How long a beat holds at the parameter file's reading pace, its ``pause`` included (a
    silent video pauses after each line as a narrated one does)."""
    return reading_seconds(line, params.narration.words_per_minute, params.narration.pause)


def z_extent(*zs: float, minimum: float = 6.0) -> float:
    """Half-width of a z axis that shows every z given with a margin, in whole units.

    Examples
    --------
    >>> z_extent(3.0, 5.0), z_extent(7.5)
    (6.0, 9.0)
    """
    return float(max(minimum, math.ceil(max(abs(z) for z in zs) + 1.0)))


def label_step(decades: int, most: int) -> int:
    """Decades between labelled grid lines so that ``decades`` of scale get at most ``most`` + 1.

    Examples
    --------
    >>> label_step(4, 4), label_step(5, 4), label_step(24, 4), label_step(60, most=7)
    (1, 2, 10, 10)
    """
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500):
        if decades / step <= most:
            return step
    return math.ceil(decades / most)


def log_axis(smallest: float, largest: float, most: int = MAX_Y_LABELS) -> tuple[int, int, int]:
    """(low, high, step): decades 10**low to 10**high that hold both values, labelled every step.

    ``low`` and ``high`` are multiples of ``step`` so that both ends carry a label.

    Examples
    --------
    >>> log_axis(4.9e-7, 17.7), log_axis(0.094, 2.8e46), log_axis(0.2, 0.3)
    ((-8, 2, 2), (-10, 50, 10), (-1, 0, 1))
    """
    low = math.floor(math.log10(smallest))
    high = max(math.ceil(math.log10(largest)), low + 1)
    step = label_step(high - low, most)
    # Widening the ends to multiples of the step may need a larger step; each round's step is
    # strictly larger than the last, so this ends.
    while (span := step * math.ceil(high / step) - step * math.floor(low / step)) / step > most:
        step = label_step(span, most)
    return step * math.floor(low / step), step * math.ceil(high / step), step


def peak_algebra() -> dict[str, str]:
    """The peak slope worked out: sigma(0) x (one - sigma(0)) = rest x ... as shown:
    ``half`` x (``one`` - ``half``) = ``half`` x ``rest`` = ``peak``.

    Examples
    --------
    >>> peak_algebra()
    {'one': '1', 'half': '0.5', 'rest': '0.5', 'peak': '0.25'}
    """
    half = float(sigmoid(0.0))
    terms = {"one": exact(1), "half": Term(half, OUTPUT_SIG), "rest": Term(1.0 - half, OUTPUT_SIG),
             "peak": Term(SIGMOID_PEAK_SLOPE, SMALL_SIG)}
    return worked(terms, [Relation(lambda a, b: a - b, ("one", "half"), "rest"),
                          Relation(lambda a, b: a * b, ("half", "rest"), "peak")])
