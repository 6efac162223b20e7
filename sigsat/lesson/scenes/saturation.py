"""Scene 1, the sigmoid saturates: threshold band, probe, ball analogy."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.activations import SIGMOID_PEAK_SLOPE, sigmoid, sigmoid_prime
from ..display import OUTPUT_SIG, SMALL_SIG, decimals_for, fmt, fmt_bound, fmt_param, fmt_percent
from ..i18n import N_, language
from ..params import Params
from ...core.saturation import slope_fraction
from . import z_extent

__all__ = ["LINES", "Saturation", "build", "BALL_PUSH"]

#: How far (in z) the push moves a ball where the slope is at its peak (z = 0); elsewhere it moves
#: this times the slope's share of the peak.
BALL_PUSH = 1.5
#: The z axis ticks every unit up to this extent either side of 0, every 2 beyond.
_UNIT_TICKS_UP_TO = 6

LINES = {
    "draw_the_curve": N_("The sigmoid squashes any input z into an output between 0 and 1."),
    "shade_the_tails": N_(
        "Beyond |z| = {threshold} the output is within {tail_gap} of 0 or 1 and barely moves: "
        "in these shaded tails the sigmoid saturates."
    ),
    "follow_the_probe": N_(
        "Watch the tangent as z moves out: its slope is {peak} at z = 0, "
        "and only {probe_slope} at z = {probe_z}."
    ),
    "push_the_ball": N_(
        "Push a ball on the central slope and it rolls. Push it on the plateau at z = {plateau_z} "
        "and it moves {plateau_percent} as far: small slope, small gradient, little learning."
    ),
}


@dataclass(frozen=True)
class Saturation:
    threshold: float
    z_extent: float
    z_step: float         # the z axis's tick step
    output_range: tuple[float, float, float]  # the output axis: (low, high, tick step)
    probe_z: float
    plateau_z: float
    plateau_share: float  # how far a push moves the ball on the plateau, relative to z = 0
    push: float           # how far (in z) the push moves the ball at z = 0
    peak_slope: float
    output_places: int    # decimal places of the live sigma(z) and sigma'(z) readouts, so that
    slope_places: int     # they end on the values the narration says
    lines: dict[str, str]


def build(params: Params) -> Saturation:
    """Scene 1 under ``params``.

    Examples
    --------
    >>> s = build(Params())
    >>> s.lines["shade_the_tails"][:40]
    'Beyond |z| = 3 the output is within 0.04'
    """
    p = params.saturation
    tr = language(params)
    sign = 1.0 if p.probe_z >= 0 else -1.0
    # The ball sits on the plateau where the probe ends, or just past the threshold if the probe
    # stops on the slope.
    plateau_z = sign * max(abs(p.probe_z), p.threshold + 1.0)
    share = float(slope_fraction(plateau_z))
    extent = z_extent(p.threshold, p.probe_z, plateau_z)
    values = {
        "threshold": fmt_param(p.threshold),
        # a bound: beyond the threshold the gap is below sigma(-threshold), rounded up
        "tail_gap": fmt_bound(float(sigmoid(-p.threshold))),
        "peak": fmt(SIGMOID_PEAK_SLOPE),
        "probe_z": fmt_param(p.probe_z),
        "probe_slope": fmt(float(sigmoid_prime(p.probe_z))),
        "plateau_z": fmt_param(plateau_z),
        "plateau_percent": fmt_percent(share),
    }
    return Saturation(
        threshold=p.threshold,
        z_extent=extent,
        z_step=1.0 if extent <= _UNIT_TICKS_UP_TO else 2.0,
        output_range=(0.0, 1.0, 0.5),
        probe_z=p.probe_z,
        plateau_z=plateau_z,
        plateau_share=share,
        push=BALL_PUSH,
        peak_slope=SIGMOID_PEAK_SLOPE,
        output_places=decimals_for(float(sigmoid(p.probe_z)), OUTPUT_SIG),
        slope_places=decimals_for(float(sigmoid_prime(p.probe_z)), SMALL_SIG),
        lines=tr.fill(LINES, values),
    )
