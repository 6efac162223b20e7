"""Scene 7, key takeaways: the lesson's five points, each with the number that shows it."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.activations import SIGMOID_PEAK_SLOPE, leaky_relu_prime, relu_prime, sigmoid_prime
from ...core.chain import gradient_chain
from ..display import fmt, fmt_bound, fmt_param
from ..i18n import N_, language
from ..params import Params
from ...core.problems import VanishingChain, vanishing_chain
from ..worked import chain_shown
from . import peak_algebra, z_extent

__all__ = ["LINES", "LEAKY_ALPHA", "RELU_EXTENT", "Takeaways", "build", "superscript"]

#: Negative-side slope of the leaky ReLU drawn in takeaway 5: large enough to see in a miniature
#: (libraries default to 0.01).
LEAKY_ALPHA = 0.1
#: The miniature ReLU plots run over z in [-RELU_EXTENT, RELU_EXTENT].
RELU_EXTENT = 2.0

LINES = {
    "sigmoid_saturates": N_(
        "First: the sigmoid saturates at extreme values. Beyond |z| = {threshold} its slope is "
        "below {tail_slope}, so the gradient there is close to 0."
    ),  # tail_slope: sigma'(threshold) rounded up, so that "below" is true
    "peak_is_a_quarter": N_(
        "Second: even at its best, at z = 0, the sigmoid's slope is only {half} times {rest}, "
        "which is {peak}."
    ),
    "gradients_vanish": N_(
        "Third: gradients multiply layer by layer. {per_layer} to the power {layers} is {total}; "
        "with learning rate {learning_rate}, the first layer's weights move by {update}."
    ),
    "relu_keeps_one": N_(
        "Fourth: ReLU's slope is exactly {one} for every positive input, and {one} to the power "
        "{layers} is still {relu_total}: its factors do not shrink the gradient."
    ),
    "use_relu": N_(
        "Fifth: so modern networks use ReLU, or variants such as leaky ReLU, with a slope of "
        "{alpha} below zero, in their hidden layers."
    ),
}

#: The lesson's own words, one bullet per beat.
BULLETS = {
    "sigmoid_saturates": N_("Sigmoid saturates at extreme values (gradient near 0)"),
    "peak_is_a_quarter": N_("Maximum sigmoid gradient is only {peak}"),
    "gradients_vanish": N_("Vanishing gradients prevent learning in deep networks"),
    "relu_keeps_one": N_("ReLU has constant gradient = {one} for positive inputs"),
    "use_relu": N_("Modern networks use ReLU (or variants) for hidden layers"),
}

#: The number under each bullet, as the screen shows it (superscripts as Unicode).
DETAILS = {
    "sigmoid_saturates": N_("beyond |z| = {threshold} the slope is below {tail_slope}"),
    "peak_is_a_quarter": N_("σ′(0) = {half} × {rest} = {peak}"),
    "gradients_vanish": N_("{per_layer_base}{layers_sup} = {total} reaches the first layer"),
    "relu_keeps_one": N_("{one}{layers_sup} = {relu_total}: nothing shrinks on the way back"),
    "use_relu": N_("leaky ReLU keeps a slope of {alpha} for z ≤ 0"),
}

_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(n: int) -> str:
    """An integer as Unicode superscript digits.

    Examples
    --------
    >>> superscript(5), superscript(12)
    ('⁵', '¹²')
    """
    return str(n).translate(_SUPERSCRIPTS)


@dataclass(frozen=True)
class Takeaways:
    threshold: float
    sigmoid_extent: float       # the mini sigmoid and its slope run over [-extent, extent]
    peak_slope: float           # sigma'(0)
    chain: VanishingChain       # practice problem 2 under the parameters
    relu_extent: float          # the mini ReLU plots run over [-relu_extent, relu_extent]
    leaky_alpha: float
    relu_total: float           # ReLU's factors multiplied over the chain's layers: 1
    shown: dict[str, str]       # every value as the screen and the narration show it
    bullets: dict[str, str]     # beat id -> the lesson's takeaway
    details: dict[str, str]     # beat id -> the number that shows it
    lines: dict[str, str]


def build(params: Params) -> Takeaways:
    """Scene 7 under ``params``.

    Examples
    --------
    >>> t = build(Params())
    >>> t.details["gradients_vanish"]
    '0.2⁵ = 0.00032 reaches the first layer'
    >>> t.lines["peak_is_a_quarter"][-43:]
    'slope is only 0.5 times 0.5, which is 0.25.'
    """
    threshold = params.saturation.threshold
    tr = language(params)
    c = params.chain
    chain = vanishing_chain(c.layers, c.per_layer_gradient, c.learning_rate)
    one = float(relu_prime(1.0))
    relu_total = float(gradient_chain([one] * c.layers)[-1])
    shown = tr.numbers(chain_shown(chain)[0])
    per_layer = shown["per_layer"]
    values = {
        "threshold": fmt_param(threshold),
        "tail_slope": fmt_bound(float(sigmoid_prime(threshold))),
        **peak_algebra(),
        # 1×10⁻¹⁰⁰ to the 5th needs brackets: 1×10⁻¹⁰⁰⁵ reads as one power of ten
        "per_layer_base": f"({per_layer})" if "×" in per_layer else per_layer,
        "layers_sup": superscript(chain.layers),
        "one": fmt(one),
        "relu_total": fmt(relu_total),
        "alpha": fmt_param(float(leaky_relu_prime(-1.0, alpha=LEAKY_ALPHA))),
    }
    values = {**tr.numbers(values), **shown}
    return Takeaways(
        threshold=threshold,
        sigmoid_extent=z_extent(threshold),
        peak_slope=SIGMOID_PEAK_SLOPE,
        chain=chain,
        relu_extent=RELU_EXTENT,
        leaky_alpha=LEAKY_ALPHA,
        relu_total=relu_total,
        shown=values,
        bullets=tr.fill(BULLETS, values),
        details=tr.fill(DETAILS, values),
        lines=tr.fill(LINES, values),
    )
