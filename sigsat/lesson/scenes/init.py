"""Part two, scene 3, initialisation keeps the signal: N(0, 1) against Xavier against He, measured
layer by layer (the activations' spread and the gradient norm) in a deep sigmoid and ReLU network."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...core.network import INPUT_STD, GradientReport, init_std, measure_gradients
from ..display import fmt, fmt_percent
from ..i18n import N_, language
from ..params import Params
from . import log_axis

__all__ = ["LINES", "INITS", "INIT_NAMES", "SCREEN", "Measurement", "Init", "build"]

#: The initialisations compared, in the order they are drawn and said.
INITS = ("normal", "xavier", "he")
#: How each is said and shown: names, the same in every language.
INIT_NAMES = {"normal": "N(0, 1)", "xavier": "Xavier", "he": "He"}

LINES = {
    "describe_the_experiment": N_(
        "{depth} layers of {width} units, with weights drawn three ways: N(0, 1); Xavier, "
        "variance 1/{width}; and He, variance 2/{width}. We measure every layer."
    ),
    "measure_the_sigmoid": N_(
        "Sigmoid: the first layer's gradient is {sigmoid_normal} of the last one's under N(0, 1), "
        "{sigmoid_xavier} under Xavier and {sigmoid_he} under He."
    ),
    "measure_relu": N_(
        "ReLU: after {depth} layers the activations' spread is {relu_normal} under N(0, 1), "
        "{relu_xavier} under Xavier and {relu_he} under He, from {input} at the input."
    ),
    "explain_the_factor_two": N_(
        "Why He for ReLU: {off} of its units are off here, so each layer keeps about half the "
        "variance. He's 2/{width} puts the factor {factor} back."
    ),
}

#: On-screen words (ReLU is a name).
SCREEN = {"spread": N_("spread of the activations"), "gradient": N_("gradient norm"), "layer": N_("layer"),
          "sigmoid": N_("sigmoid"), "relu": "ReLU"}


@dataclass(frozen=True)
class Measurement:
    """One network (activation x initialisation), per layer, as the plots show it."""

    activation: str
    init: str
    spread: tuple[float | None, ...]      # log10 of each layer's activation std (None: 0)
    gradient: tuple[float | None, ...]    # log10 of each layer's gradient norm (None: 0)
    report: GradientReport


@dataclass(frozen=True)
class Init:
    """What the initialisation scene shows under the parameters."""

    depth: int
    width: int
    measurements: dict[tuple[str, str], Measurement]   # (activation, init) -> measurement
    spread_axis: tuple[int, int, int]                  # decades (low, high, label step)
    gradient_axis: tuple[int, int, int]
    x_step: int
    shown: dict[str, str]      # values as narrated and shown, in the language's form
    screen: dict[str, str]     # SCREEN translated
    names: dict[str, str]
    lines: dict[str, str]


def _log(values) -> tuple[float | None, ...]:
    return tuple(math.log10(v) if v > 0 else None for v in values)


def _axis(series) -> tuple[int, int, int]:
    """The decades that hold every positive value of ``series`` (each a tuple of log10 or None)."""
    logs = [v for s in series for v in s if v is not None]
    return log_axis(10 ** min(logs), 10 ** max(logs))


def _ratio(report: GradientReport) -> str:
    ratio = report.first_to_last_ratio
    return fmt(ratio) if ratio is not None else fmt(0.0)


def build(params: Params) -> Init:
    """The initialisation scene under ``params``.

    Examples
    --------
    >>> i = build(Params())
    >>> i.shown["relu_he"], i.shown["factor"]
    ('0.54', '2')
    """
    n, depth = params.network, params.init.depth
    tr = language(params)
    found = {}
    for activation in ("sigmoid", "relu"):
        for init in INITS:
            report = measure_gradients(activation, depth, n.width, n.seed, init, n.batch)
            found[(activation, init)] = Measurement(activation, init, _log(report.act_std),
                                                    _log(report.grad_norms), report)
    relu_he = found[("relu", "he")].report
    shown = tr.numbers({
        "depth": str(depth),
        "width": str(n.width),
        **{f"sigmoid_{i}": _ratio(found[("sigmoid", i)].report) for i in INITS},
        **{f"relu_{i}": fmt(float(found[("relu", i)].report.act_std[-1])) for i in INITS},
        "input": fmt(INPUT_STD),
        "off": fmt_percent(float(relu_he.saturated_fraction.mean())),
        "factor": fmt(init_std("he", n.width, n.width) ** 2 / init_std("xavier", n.width, n.width) ** 2),
    })
    x_step = next(s for s in (1, 2, 5, 10) if depth / s <= 10)
    return Init(
        depth=depth,
        width=n.width,
        measurements=found,
        spread_axis=_axis([m.spread for m in found.values()]),
        gradient_axis=_axis([m.gradient for m in found.values()]),
        x_step=x_step,
        shown=shown,
        screen=tr.lines(SCREEN),
        names=dict(INIT_NAMES),
        lines=tr.fill(LINES, shown),
    )
