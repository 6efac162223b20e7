"""Scene 2, the slope peaks at 0.25: sigma' under sigma, its peak, the algebra, the slope at the threshold."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.activations import SIGMOID_PEAK_SLOPE, sigmoid, sigmoid_prime
from ..display import SMALL_SIG, Relation, Term, as_tex, decimals_for, exact, fmt_param, worked
from ..i18n import N_, language
from ..params import Params
from ...core.saturation import slope_fraction
from . import peak_algebra, z_extent

__all__ = ["LINES", "Derivative", "build"]

LINES = {
    "draw_sigmoid_and_slope": N_(
        "Under the sigmoid we draw its slope, sigma prime of z, "
        "which equals sigma of z times one minus sigma of z, on the same z axis."
    ),
    "trace_slope_along_curve": N_(
        "Follow z from left to right: the slope grows while the sigmoid climbs, "
        "and shrinks back towards zero as the curve flattens out."
    ),
    "mark_the_peak": N_(
        "The slope is largest at z = 0, exactly where the sigmoid is steepest: its peak is {peak}."
    ),
    "show_the_algebra": N_(
        "At z = 0 the sigmoid outputs {half}, so the slope is {half} times {rest}, which is {peak}. "
        "A sigmoid never passes on more than a quarter of the gradient."
    ),
    "mark_the_threshold_slope": N_(
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
    slope_places: int          # decimals of the live sigma'(z) readout: SMALL_SIG figures where it
    # stops, at z = z_extent, as scene 1's readouts stop on the narrated value
    shown: dict[str, str]      # values as on screen
    title: str
    algebra: tuple[str, ...]   # TeX of the peak's algebra, one step per entry; the first two share a line
    lines: dict[str, str]


def _algebra_tex(shown: dict[str, str]) -> tuple[str, ...]:
    """The peak's algebra, sigma'(0) = sigma(0)(1 - sigma(0)) = ... = 0.25, in TeX steps."""
    h, one, rest = as_tex(shown["half"]), as_tex(shown["one"]), as_tex(shown["rest"])
    return (
        r"\sigma'(0)",
        r"= \sigma(0)\,\bigl(1 - \sigma(0)\bigr)",
        rf"= {h} \times ({one} - {h})",
        rf"= {h} \times {rest}",
        rf"= {as_tex(shown['peak'])}",
    )


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
    tr = language(params)
    extent = z_extent(threshold)
    half = float(sigmoid(0.0))
    slope_at_threshold = float(sigmoid_prime(threshold))
    share = float(slope_fraction(threshold))
    # The summary is worked: sigma'(t) / 0.25 = share, so the slope gets the figures it needs.
    summary = worked({"slope": Term(slope_at_threshold), "peak": exact(SIGMOID_PEAK_SLOPE),
                      "percent": Term(share, percent=True)},
                     [Relation(lambda s, p: s / p * 100, ("slope", "peak"), "percent")])
    shown = {
        **peak_algebra(),
        "threshold": fmt_param(threshold),
        "neg_threshold": fmt_param(-threshold),
        "threshold_slope": summary["slope"],
        "threshold_percent": summary["percent"],
    }
    shown = tr.numbers(shown)
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
        slope_places=decimals_for(float(sigmoid_prime(extent)), SMALL_SIG),
        shown=shown,
        title=tr("The slope peaks at {peak}").format(peak=shown["peak"]),
        algebra=_algebra_tex(shown),
        lines=tr.fill(LINES, shown),
    )
