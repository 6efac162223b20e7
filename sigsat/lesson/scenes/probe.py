"""Scene 3, practice problem 1: the sigmoid's slope at the probe, step by step, against the peak."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


from ...core.activations import SIGMOID_PEAK_SLOPE
from ..display import as_tex, fmt_param
from ..i18n import N_, Language, language
from ..params import Params
from ...core.problems import slope_at_probe
from ..worked import exp_sig, factor_sig, probe_shown
from . import z_extent

__all__ = ["LINES", "Probe", "build", "factor_sig", "exp_sig", "zoom_for", "verdict"]

LINES = {
    "pose_the_problem": N_(
        "Practice problem 1: how steep is the sigmoid at z = {z}, "
        "and how does that compare with its largest slope, {peak}?"
    ),
    "compute_the_output": N_(
        "First the output. e to the power {neg_z} is {exp_neg_z}, "
        "so sigma of {z} is 1 over 1 plus {exp_neg_z}, which is {output}."
    ),
    "compute_the_slope": N_(
        "Then the slope, sigma times one minus sigma: {output} times {one_minus_output} "
        "gives {slope}."
    ),
    "compare_to_the_peak": N_(
        "Set against the peak of {peak}, that is a share of {share}: "
        "{percent} of the largest slope a sigmoid can have."
    ),
    "draw_the_conclusion": N_("At z = {z} the gradient is {percent} of the maximum. {verdict_line}"),
}

#: The zoomed inset magnifies the slope's bar until it fills at least this share of the bar length.
ZOOM_TARGET = 0.1
#: (upper bound of the slope's share of the peak, short verdict on screen, the lecturer's sentence).
VERDICTS = (
    (0.1, N_("Learning is extremely slow here"),
     N_("Learning is extremely slow in this saturated region.")),
    (0.5, N_("Learning is slowed down here"),
     N_("Learning is already noticeably slower here than at the centre.")),
    (math.inf, N_("Learning is fast here"),
     N_("This is close to the centre, where the sigmoid learns fastest.")),
)


def zoom_for(share: float) -> int:
    """The power of ten that magnifies ``share`` to at least :data:`ZOOM_TARGET` (1: no zoom).

    Examples
    --------
    >>> zoom_for(0.0266), zoom_for(0.00221), zoom_for(0.18), zoom_for(0.1)
    (10, 100, 1, 1)
    """
    if not share > 0:
        raise ValueError(f"share must be positive, got {share!r}")
    zoom = 1
    while share * zoom < ZOOM_TARGET:  # a loop, not a logarithm: exact at powers of ten
        zoom *= 10
    return zoom


def verdict(share: float) -> tuple[str, str]:
    """(short verdict, lecturer's sentence) for a slope at ``share`` of the peak.

    Examples
    --------
    >>> verdict(0.0266)[0]
    'Learning is extremely slow here'
    """
    for bound, short, sentence in VERDICTS:
        if share < bound:
            return short, sentence
    raise ValueError(f"share must be a number, got {share!r}")  # unreachable for finite shares


@dataclass(frozen=True)
class Probe:
    """What scene 3 shows: the probe, the worked steps as TeX, and the bars' scale."""

    title: str
    z: float
    z_extent: float          # the context plot's z axis runs over [-z_extent, z_extent]
    z_step: float            # three ticks either side of 0
    output: float            # sigma(z)
    slope: float             # sigma'(z)
    peak_slope: float        # sigma'(0) = 1/4
    share: float             # slope / peak_slope, the slope bar's length as a share of the peak's
    zoom: int                # magnification of the inset (1: the bar is long enough, no inset)
    question: str            # TeX of the problem
    output_steps: tuple[str, ...]   # TeX, revealed one at a time
    slope_steps: tuple[str, ...]
    ratio_steps: tuple[str, ...]    # the first two share a line
    shown: dict[str, str]    # values as on screen and in the narration
    verdict: str
    saturated: bool          # the verdict is the lesson's: learning is extremely slow
    lines: dict[str, str]


def build(params: Params) -> Probe:
    r"""Scene 3 under ``params``.

    Examples
    --------
    >>> p = build(Params())
    >>> print(*p.output_steps)
    \sigma(5) = \frac{1}{1 + e^{-5}} = \frac{1}{1 + 0.00674} = 0.9933
    >>> print(*p.slope_steps[1:]), p.shown["percent"], p.zoom
    = 0.9933 \times 0.00669 = 0.0066
    (None, '2.7%', 10)
    >>> p.verdict
    'Learning is extremely slow here'
    """
    z = params.saturation.probe_z
    tr = language(params)
    solved = slope_at_probe(z)
    extent = 3.0 * math.ceil(z_extent(z) / 3.0)  # a multiple of 3, so 3 ticks each side
    share = solved.share_of_peak
    zoom = zoom_for(share)
    output = solved.output
    short, sentence = verdict(share)
    shown = probe_shown(solved)
    shown.update(
        neg_z=fmt_param(-z + 0.0),  # + 0.0: no "-0" at z = 0
        zoom=str(zoom),
        inset_end=fmt_param(SIGMOID_PEAK_SLOPE / zoom),
    )
    shown = tr.numbers(shown)
    shown["verdict_line"] = tr(sentence)
    return Probe(
        title=tr("Practice problem 1: the slope at z = {z}").format(z=shown["z"]),
        z=float(z),
        z_extent=extent,
        z_step=extent / 3,
        output=output,
        slope=solved.slope,
        peak_slope=SIGMOID_PEAK_SLOPE,
        share=share,
        zoom=zoom,
        **_worked_steps(shown, tr),
        shown=shown,
        verdict=tr(short),
        saturated=share < VERDICTS[0][0],
        lines=tr.fill(LINES, shown),
    )


def _worked_steps(shown: dict[str, str], tr: Language) -> dict[str, Any]:
    """The problem and its worked steps as TeX, from the values as shown (``Probe``'s fields)."""
    tex = {key: as_tex(shown[key]) for key in
           ("neg_z", "exp_neg_z", "output", "one_minus_output", "slope", "peak", "share", "percent")}
    at = f"({as_tex(shown['z'])})"
    compare = tr("Compare with")
    return dict(
        question=rf"\sigma'{at} = \,?\qquad\text{{{compare}}}\ \max\sigma' = {tex['peak']}",
        output_steps=(
            rf"\sigma{at} = \frac{{1}}{{1 + e^{{{tex['neg_z']}}}}}",
            rf"= \frac{{1}}{{1 + {tex['exp_neg_z']}}}",
            rf"= {tex['output']}",
        ),
        slope_steps=(
            rf"\sigma'{at} = \sigma{at}\,\bigl(1 - \sigma{at}\bigr)",
            rf"= {tex['output']} \times {tex['one_minus_output']}",
            rf"= {tex['slope']}",
        ),
        ratio_steps=(
            rf"\frac{{\sigma'{at}}}{{\sigma'(0)}}",
            rf"= \frac{{\sigma'{at}}}{{{tex['peak']}}}",
            rf"= {tex['share']}",
            rf"= {tex['percent']}",
        ),
    )
