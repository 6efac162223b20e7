"""Part two, scene 5, what to use: part two's four takeaways, each with the number that shows it
and a miniature of the picture that showed it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...core.activations import SIGMOID_PEAK_SLOPE, TANH_PEAK_SLOPE
from ...core.network import measure_gradients
from ...core.saturation import slope_fraction, tanh_saturation_threshold
from ..display import fmt, fmt_param
from ..i18n import N_, language
from ..params import Params

__all__ = ["LINES", "BULLETS", "DETAILS", "WhatToUse", "build"]

LINES = {
    "prefer_tanh": N_(
        "First: where you need a squashing function, tanh is centred and its slope peaks at "
        "{tanh_peak}, not {sigmoid_peak}. It still saturates beyond |z| = {tanh_threshold}."
    ),
    "use_the_relu_family": N_(
        "Second: in hidden layers use the ReLU family. With a slope of {leaky_slope} on the left, "
        "leaky ReLU had {leaky_dead} dead units where ReLU had {relu_dead}."
    ),
    "match_the_initialisation": N_(
        "Third: match the initialisation to the activation. With He, ReLU's spread after {init_depth} "
        "layers was {he_spread}; with Xavier it fell to {xavier_spread}."
    ),
    "add_skip_connections": N_(
        "Fourth: in deep networks add skip connections. Over {residual_depth} sigmoid layers the first "
        "kept {skip_ratio} of the last one's gradient, not {plain_ratio}."
    ),
}

#: One bullet per beat, and under it the number that shows it.
BULLETS = {
    "prefer_tanh": N_("tanh over sigmoid: centred, slope up to {tanh_peak}"),
    "use_the_relu_family": N_("ReLU family in hidden layers; leaky ReLU never dies"),
    "match_the_initialisation": N_("He initialisation for ReLU keeps the signal"),
    "add_skip_connections": N_("Skip connections in deep networks"),
}
DETAILS = {
    "prefer_tanh": N_("but saturated beyond |z| = {tanh_threshold}"),
    "use_the_relu_family": N_("dead units: ReLU {relu_dead}, leaky ReLU {leaky_dead}"),
    "match_the_initialisation": N_("spread after {init_depth} layers: He {he_spread}, Xavier {xavier_spread}"),
    "add_skip_connections": N_("layer 1 keeps {skip_ratio} of the gradient, not {plain_ratio}"),
}


@dataclass(frozen=True)
class WhatToUse:
    """What the closing scene of part two shows under the parameters."""

    leaky_slope: float
    he_spread: tuple[float, ...]        # log10 of ReLU's activation spread per layer under He
    xavier_spread: tuple[float, ...]    # ... under Xavier
    plain_norms: tuple[float, ...]      # log10 of the plain sigmoid network's gradient norms
    skip_norms: tuple[float, ...]       # ... with skips
    shown: dict[str, str]      # values as narrated and shown, in the language's form
    bullets: dict[str, str]
    details: dict[str, str]
    lines: dict[str, str]


def _logs(values) -> tuple[float, ...]:
    """log10 of positive values; a zero is drawn at the smallest positive one's level."""
    floor = min((v for v in values if v > 0), default=1.0)
    return tuple(math.log10(v if v > 0 else floor) for v in values)


def build(params: Params) -> WhatToUse:
    """The closing scene of part two under ``params``.

    Examples
    --------
    >>> w = build(Params())
    >>> w.details["use_the_relu_family"]
    'dead units: ReLU 29, leaky ReLU 0'
    """
    n, fam = params.network, params.families
    tr = language(params)
    net = dict(width=n.width, seed=n.seed, batch=n.batch)
    dead = {a: measure_gradients(a, n.depth, init=n.init, leaky_slope=fam.leaky_slope, **net).dead_count
            for a in ("relu", "leaky_relu")}
    spread = {i: measure_gradients("relu", params.init.depth, init=i, **net).act_std for i in ("he", "xavier")}
    norms = {s: measure_gradients("sigmoid", params.residual.depth, init=n.init, residual=s, **net)
             for s in (False, True)}
    shown = tr.numbers({
        "tanh_peak": fmt(TANH_PEAK_SLOPE),
        "sigmoid_peak": fmt(SIGMOID_PEAK_SLOPE),
        "tanh_threshold": fmt(float(tanh_saturation_threshold(slope_fraction(params.saturation.threshold))), 3),
        "leaky_slope": fmt_param(fam.leaky_slope),
        "relu_dead": str(dead["relu"]),
        "leaky_dead": str(dead["leaky_relu"]),
        "init_depth": str(params.init.depth),
        "he_spread": fmt(float(spread["he"][-1])),
        "xavier_spread": fmt(float(spread["xavier"][-1])),
        "residual_depth": str(params.residual.depth),
        "skip_ratio": fmt(norms[True].first_to_last_ratio or 0.0),
        "plain_ratio": fmt(norms[False].first_to_last_ratio or 0.0),
    })
    return WhatToUse(
        leaky_slope=fam.leaky_slope,
        he_spread=_logs(spread["he"]), xavier_spread=_logs(spread["xavier"]),
        plain_norms=_logs(norms[False].grad_norms), skip_norms=_logs(norms[True].grad_norms),
        shown=shown, bullets=tr.fill(BULLETS, shown), details=tr.fill(DETAILS, shown),
        lines=tr.fill(LINES, shown),
    )
