"""The lesson's two practice problems, solved exactly for any parameters.

Numbers only: how the worked steps are written (figures, rounding) is
:mod:`sigsat.lesson.worked`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

import numpy as np

from .activations import SIGMOID_PEAK_SLOPE, sigmoid, sigmoid_prime

__all__ = ["SlopeAtProbe", "VanishingChain", "slope_at_probe", "vanishing_chain", "EXACT",
           "VANISHED_BELOW", "SLOWED_BELOW"]

#: Below this share of the output's gradient, the first layer's update counts as negligible.
VANISHED_BELOW = 0.01
#: Below this share (and above VANISHED_BELOW) the first layer learns, but markedly more slowly:
#: the lesson says how many times (``slowdown``); from here up, what share is left (``kept``).
SLOWED_BELOW = 0.5

#: Decimal arithmetic for problem 2: 1e-100 to the 12th is 1e-1200, far below a float's range.
EXACT = dict(prec=80, Emin=-999999, Emax=999999)


@dataclass(frozen=True)
class SlopeAtProbe:
    """Problem 1: sigma(z), sigma'(z) and its share of the peak slope."""

    z: float
    output: float
    slope: float
    share_of_peak: float


def slope_at_probe(z: float) -> SlopeAtProbe:
    """Practice problem 1 at ``z``.

    Examples
    --------
    >>> p = slope_at_probe(5.0)
    >>> round(p.output, 6), round(p.share_of_peak, 4)
    (0.993307, 0.0266)
    """
    slope = float(sigmoid_prime(z))
    return SlopeAtProbe(float(z), float(sigmoid(z)), slope, slope / SIGMOID_PEAK_SLOPE)


@dataclass(frozen=True)
class VanishingChain:
    """Problem 2: the gradient after each of ``layers`` layers and the first layer's update.

    ``exact_gradients`` and ``exact_update`` are decimal (no underflow); ``gradients`` and
    ``update`` the same as floats, 0 where they underflow.
    """

    per_layer: float
    learning_rate: float
    exact_gradients: tuple[Decimal, ...]  # after k + 1 layers, backward from the output
    exact_update: Decimal

    @property
    def gradients(self) -> np.ndarray:
        return np.array([float(g) for g in self.exact_gradients])

    @property
    def layers(self) -> int:
        return len(self.exact_gradients)

    @property
    def total(self) -> float:
        return float(self.exact_gradients[-1])

    @property
    def update(self) -> float:
        return float(self.exact_update)


def vanishing_chain(layers: int, per_layer: float, learning_rate: float) -> VanishingChain:
    """Practice problem 2: ``per_layer ** layers`` and the update ``learning_rate`` times it.

    Examples
    --------
    >>> c = vanishing_chain(5, 0.2, 0.1)
    >>> c.exact_gradients[:2], c.exact_update
    ((Decimal('0.2'), Decimal('0.04')), Decimal('0.000032'))
    >>> vanishing_chain(12, 1e-100, 0.1).exact_gradients[-1]
    Decimal('1E-1200')
    """
    with localcontext() as ctx:
        ctx.prec, ctx.Emin, ctx.Emax = EXACT["prec"], EXACT["Emin"], EXACT["Emax"]
        p, lr = Decimal(repr(float(per_layer))), Decimal(repr(float(learning_rate)))
        gradients = tuple(p ** k for k in range(1, layers + 1))
        update = lr * gradients[-1]
    return VanishingChain(float(per_layer), float(learning_rate), gradients, update)
