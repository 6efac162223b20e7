"""The lesson's two practice problems, solved exactly for any parameters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import SIGMOID_PEAK_SLOPE, sigmoid, sigmoid_prime
from .chain import gradient_chain, weight_update
from .display import OUTPUT_SIG, fmt, fmt_percent

__all__ = ["SlopeAtProbe", "VanishingChain", "slope_at_probe", "vanishing_chain"]


@dataclass(frozen=True)
class SlopeAtProbe:
    """Problem 1: sigma(z), sigma'(z) and its share of the peak slope, exact and as shown."""

    z: float
    output: float
    slope: float
    share_of_peak: float

    @property
    def shown(self) -> dict[str, str]:
        return {
            "z": fmt(self.z, 3),
            "exp_neg_z": fmt(float(np.exp(-self.z)), 2),
            "output": fmt(self.output, OUTPUT_SIG),
            "one_minus_output": fmt(1.0 - self.output, 2),
            "slope": fmt(self.slope),
            "peak": fmt(SIGMOID_PEAK_SLOPE),
            "share": fmt(self.share_of_peak),
            "percent": fmt_percent(self.share_of_peak),
        }


def slope_at_probe(z: float) -> SlopeAtProbe:
    """Practice problem 1 at ``z``.

    Examples
    --------
    >>> p = slope_at_probe(5.0)
    >>> p.shown["output"], p.shown["slope"], p.shown["percent"]
    ('0.9933', '0.0066', '2.7%')
    """
    slope = float(sigmoid_prime(z))
    return SlopeAtProbe(float(z), float(sigmoid(z)), slope, slope / SIGMOID_PEAK_SLOPE)


@dataclass(frozen=True)
class VanishingChain:
    """Problem 2: the gradient after each of ``layers`` layers and the first layer's update."""

    per_layer: float
    learning_rate: float
    gradients: np.ndarray  # gradients[k]: after k + 1 layers, backward from the output
    update: float

    @property
    def layers(self) -> int:
        return len(self.gradients)

    @property
    def total(self) -> float:
        return float(self.gradients[-1])

    @property
    def shown(self) -> dict[str, str]:
        return {
            "layers": str(self.layers),
            "per_layer": fmt(self.per_layer),
            "learning_rate": fmt(self.learning_rate),
            "total": fmt(self.total),
            "update": fmt(self.update),
        }


def vanishing_chain(layers: int, per_layer: float, learning_rate: float) -> VanishingChain:
    """Practice problem 2: ``per_layer ** layers`` and the update ``learning_rate`` times it.

    Examples
    --------
    >>> c = vanishing_chain(5, 0.2, 0.1)
    >>> c.shown["total"], c.shown["update"]
    ('0.00032', '0.000032')
    """
    gradients = gradient_chain([per_layer] * layers)
    return VanishingChain(
        float(per_layer), float(learning_rate), gradients,
        float(weight_update(learning_rate, gradients[-1])),
    )
