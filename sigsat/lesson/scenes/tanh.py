"""Part two, scene 1, tanh is centred but saturates: tanh beside the sigmoid, slopes 1 and 0.25,
the same closed-form threshold, and the chain of peak slopes."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...core.activations import SIGMOID_PEAK_SLOPE, TANH_PEAK_SLOPE, sigmoid, tanh
from ...core.chain import gradient_chain
from ...core.saturation import slope_fraction, tanh_saturation_threshold
from ..display import fmt, fmt_param, fmt_percent
from ..i18n import N_, language
from ..params import Params
from . import z_extent

__all__ = ["LINES", "SCREEN", "Tanh", "build"]

LINES = {
    "draw_tanh_beside_the_sigmoid": N_(
        "tanh squashes z into the range from {tanh_low} to {tanh_high} and is centred: tanh(0) = {tanh_zero}, "
        "where the sigmoid gives {sigmoid_zero}. It is a stretched sigmoid, 2σ(2z) − 1."
    ),
    "compare_the_slopes": N_(
        "Its slope peaks at {tanh_peak} at z = 0, {ratio} times the sigmoid's {sigmoid_peak}: "
        "a layer can pass on the whole gradient."
    ),
    "mark_where_it_saturates": N_(
        "But tanh saturates too: beyond |z| = {tanh_threshold} its slope is below {share} of the "
        "peak. The same closed form puts the sigmoid's edge at {threshold}, {edge_ratio} times as far."
    ),
    "chain_the_peaks": N_(
        "Through {layers} layers, even at their best, the sigmoid keeps {sigmoid_chain} of the "
        "gradient and tanh {tanh_chain}. Saturated units still shrink it."
    ),
}

#: On-screen words (the narration's are in LINES), filled like them into ``Tanh.screen``.
SCREEN = {
    "saturated": N_("saturated"),
    "rule": N_("slope below {share} of the peak"),
}
#: Top of the slope axis as a multiple of tanh's peak slope (room for the peak's label).
_SLOPE_HEADROOM = 1.25


@dataclass(frozen=True)
class Tanh:
    """What the tanh scene shows under the parameters."""

    z_extent: float
    z_step: float
    output_range: tuple[float, float, float]   # the output axis: both curves, (-1, 1)
    slope_range: tuple[float, float, float]    # the slope axis: both slopes
    tanh_peak: float                # tanh'(0) = 1
    sigmoid_peak: float             # sigma'(0) = 1/4
    threshold: float                # the sigmoid's saturation threshold (the parameter)
    share: float                    # the sigmoid's slope there as a share of its peak
    tanh_threshold: float           # where tanh's slope falls to the same share of its peak
    layers: int
    tanh_chain: float               # tanh's peak slope to the power layers
    sigmoid_chain: float            # the sigmoid's
    shown: dict[str, str]           # values as narrated and shown, in the language's form (as_tex for MathTex)
    screen: dict[str, str]          # SCREEN translated and filled in
    lines: dict[str, str]


def build(params: Params) -> Tanh:
    """The tanh scene under ``params``.

    Examples
    --------
    >>> t = build(Params())
    >>> t.shown["tanh_threshold"], t.shown["share"], t.shown["sigmoid_chain"]
    ('1.5', '18%', '9.5×10⁻⁷')
    """
    threshold, layers = params.saturation.threshold, params.tanh.layers
    tr = language(params)
    share = float(slope_fraction(threshold))
    tanh_threshold = float(tanh_saturation_threshold(share))
    tanh_chain = float(gradient_chain([TANH_PEAK_SLOPE] * layers)[-1])
    sigmoid_chain = float(gradient_chain([SIGMOID_PEAK_SLOPE] * layers)[-1])
    extent = z_extent(threshold, minimum=4.0)
    shown = tr.numbers({
        "tanh_low": fmt(float(tanh(-math.inf))),
        "tanh_high": fmt(float(tanh(math.inf))),
        "edge_ratio": fmt(threshold / tanh_threshold),
        "tanh_zero": fmt(float(tanh(0.0))),
        "sigmoid_zero": fmt(float(sigmoid(0.0))),
        "tanh_peak": fmt(TANH_PEAK_SLOPE),
        "sigmoid_peak": fmt(SIGMOID_PEAK_SLOPE),
        "ratio": fmt(TANH_PEAK_SLOPE / SIGMOID_PEAK_SLOPE),
        "threshold": fmt_param(threshold),
        "share": fmt_percent(share),
        "tanh_threshold": fmt(tanh_threshold, 3),
        "layers": str(layers),
        "tanh_chain": fmt(tanh_chain),
        "sigmoid_chain": fmt(sigmoid_chain),
    })
    return Tanh(
        z_extent=extent,
        z_step=1.0 if extent <= 6 else 2.0,
        output_range=(-1.0, 1.0, 1.0),
        slope_range=(0.0, _SLOPE_HEADROOM * TANH_PEAK_SLOPE, 0.5),
        tanh_peak=TANH_PEAK_SLOPE,
        sigmoid_peak=SIGMOID_PEAK_SLOPE,
        threshold=threshold,
        share=share,
        tanh_threshold=tanh_threshold,
        layers=layers,
        tanh_chain=tanh_chain,
        sigmoid_chain=sigmoid_chain,
        shown=shown,
        screen=tr.fill(SCREEN, shown),
        lines=tr.fill(LINES, shown),
    )
