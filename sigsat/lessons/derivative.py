"""Scene 2, the slope peaks at 0.25: sigma' under sigma, its peak, the algebra, the slope at the threshold."""

from __future__ import annotations

from dataclasses import dataclass

from ..activations import SIGMOID_PEAK_SLOPE, sigmoid, sigmoid_prime
from ..display import OUTPUT_SIG, fmt, fmt_percent, fmt_tex
from ..narration import fill
from ..params import Params
from ..saturation import slope_fraction
from . import z_extent

__all__ = ["LINES", "Derivative", "build"]

LINES = {
    "draw_sigmoid_and_slope": (
        "Under the sigmoid we draw its slope, sigma prime of z, "
        "which equals sigma of z times one minus sigma of z, on the same z axis."
    ),
    "trace_slope_along_curve": (
        "Follow z from left to right: the slope grows while the sigmoid climbs, "
        "and shrinks back towards zero as the curve flattens out."
    ),
    "mark_the_peak": (
        "The slope is largest at z = 0, exactly where the sigmoid is steepest: its peak is {peak}."
    ),
    "show_the_algebra": (
        "At z = 0 the sigmoid outputs {half}, so the slope is {half} times {half}, which is {peak}. "
        "A sigmoid never passes on more than a quarter of the gradient."
    ),
    "mark_the_threshold_slope": (
        "At the edge of the saturated tails, z = {threshold} or {neg_threshold}, "
        "the slope has fallen to {threshold_slope}, {threshold_percent} of the peak."
    ),
}

#: Top of the slope axis as a multiple of the peak slope (room for the peak's label).
_SLOPE_HEADROOM = 1.2


@dataclass(frozen=True)
class Derivative:
    """What scene 2 shows: both curves' axis ranges, the peak, the algebra and the threshold slope."""

    z_extent: float            # the z axis runs over [-z_extent, z_extent]
    z_step: float              # spacing of its ticks
    output_range: tuple[float, float, float]   # sigma axis: (low, high, tick step)
    slope_range: tuple[float, float, float]    # sigma' axis: (low, high, tick step)
    peak_z: float
    peak_output: float         # sigma(0) = 1/2
    peak_slope: float          # sigma'(0) = 1/4
    threshold: float
    threshold_output: float    # sigma(threshold)
    threshold_slope: float     # sigma'(threshold) = sigma'(-threshold)
    threshold_share: float     # sigma'(threshold) / sigma'(0)
    shown: dict[str, str]      # values as on screen
    title: str
    algebra: tuple[str, ...]   # TeX of the peak's algebra, one step per entry; the first two share a line
    lines: dict[str, str]


def build(params: Params) -> Derivative:
    """Scene 2 under ``params``.

    Examples
    --------
    >>> d = build(Params())
    >>> d.shown["peak"], d.shown["threshold_slope"], d.shown["threshold_percent"]
    ('0.25', '0.045', '18%')
    >>> d.algebra[-1]
    '= 0.25'
    >>> d.lines["mark_the_peak"][-27:]
    'steepest: its peak is 0.25.'
    """
    threshold = params.saturation.threshold
    extent = z_extent(threshold)
    half = float(sigmoid(0.0))
    slope_at_threshold = float(sigmoid_prime(threshold))
    share = float(slope_fraction(threshold))
    shown = {
        "half": fmt(half, OUTPUT_SIG),
        "peak": fmt(SIGMOID_PEAK_SLOPE),
        "threshold": fmt(threshold, 3),
        "neg_threshold": fmt(-threshold, 3),
        "threshold_slope": fmt(slope_at_threshold),
        "threshold_percent": fmt_percent(share),
    }
    h, peak = fmt_tex(half, OUTPUT_SIG), fmt_tex(SIGMOID_PEAK_SLOPE)
    algebra = (
        r"\sigma'(0)",
        r"= \sigma(0)\,\bigl(1 - \sigma(0)\bigr)",
        rf"= {h} \times ({fmt_tex(1.0, 1)} - {h})",
        rf"= {h} \times {fmt_tex(1.0 - half, OUTPUT_SIG)}",
        rf"= {peak}",
    )
    return Derivative(
        z_extent=extent,
        z_step=1.0 if extent <= 6 else 2.0,
        output_range=(0.0, 1.0, 0.5),
        slope_range=(0.0, _SLOPE_HEADROOM * SIGMOID_PEAK_SLOPE, 0.1),
        peak_z=0.0,
        peak_output=half,
        peak_slope=float(sigmoid_prime(0.0)),
        threshold=threshold,
        threshold_output=float(sigmoid(threshold)),
        threshold_slope=slope_at_threshold,
        threshold_share=share,
        shown=shown,
        title=f"The slope peaks at {shown['peak']}",
        algebra=algebra,
        lines=fill(LINES, shown),
    )
