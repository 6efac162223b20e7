"""Scene 5, real networks measured: per-layer gradient norms of a sigmoid and a ReLU network."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..display import Relation, Term, as_tex, worked
from ..narration import fill
from ...core.network import GradientReport, measure_gradients
from ..params import Params
from . import MAX_Y_LABELS, label_step, log_axis

__all__ = ["LINES", "Measured", "Series", "build", "log_axis"]

#: Up to this many decades the y axis has a tick at every decade, beyond it only at labels.
MAX_TICK_DECADES = 20
#: At most this many gaps between numbered layers on the x axis.
MAX_X_LABELS = 10
#: Gradient norms above this are called out as a sign of badly scaled weights.
HUGE_NORM = 1e6

#: How each ``init`` setting is said, and what each network then uses.
_INITS = {
    "auto": ("sigmoid with Xavier and ReLU with He initialisation", "Xavier", "He"),
    "xavier": ("both with Xavier initialisation", "Xavier", "Xavier"),
    "he": ("both with He initialisation", "He", "He"),
    "normal": ("both with standard normal weights", "N(0, 1)", "N(0, 1)"),
}

LINES = {
    "describe_the_experiment": (
        "Now measure it: two networks of {depth} hidden layers, {width} units wide, one seed, "
        "one batch of {batch}: {init_phrase}."
    ),
    "plot_sigmoid_gradients": (
        "Sigmoid first. Going back from layer {depth} to layer 1, its gradient norm "
        "{sig_change}."
    ),
    "plot_relu_gradients": (
        "Now ReLU, same seed and batch: from layer {depth} back to layer 1 its gradient norm "
        "{relu_change}{relu_note}."
    ),
    "compare_first_and_last": "{comparison}: {verdict}.",
}


@dataclass(frozen=True)
class Series:
    """One network's measurement as the plot shows it."""

    activation: str
    name: str  # "sigmoid", "ReLU"
    legend: str  # "sigmoid (Xavier init)"
    norms: tuple[float, ...]  # norms[i]: layer i + 1
    log_norms: tuple[float | None, ...]  # log10 of norms, the plot's y; None for a zero norm
    ratio: float | None  # first layer's norm / last layer's; None if no gradient reaches the last
    ratio_label: str  # as narrated: "4.5×10⁻⁷"; "none" when the ratio is undefined
    ratio_tex: str  # as shown: "4.5 \times 10^{-7}"
    first_label: str  # the first and the last layer's norms as narrated ("0 when none arrives)
    last_label: str


@dataclass(frozen=True)
class Measured:
    """What scene 5 shows: both measurements, the log axis that holds them, the comparison."""

    depth: int
    setup: tuple[str, ...]  # the experiment, one short line each
    sigmoid: Series
    relu: Series
    x_step: int  # numbered layers on the x axis
    y_low: int  # the y axis runs from 10**y_low ...
    y_high: int  # ... to 10**y_high
    y_labels: tuple[int, ...]  # exponents k of the labels 10^k
    y_tick_step: int  # decades between ticks
    ratio_heading: str  # "layer 1 ÷ layer 10"
    lines: dict[str, str]


def _change(series: Series) -> str:
    """How the norm changes from the last layer back to the first: "falls from 1.1 to 0.2"."""
    first, last = series.first_label, series.last_label
    if first == last:
        return f"stays at {last}"
    verb = "falls" if series.norms[0] < series.norms[-1] else "grows"
    return f"{verb} from {last} to {first}"


def _series(report: GradientReport, init: str, shown: dict[str, str]) -> Series:
    """One measurement with its norms and ratio as ``shown`` (keys first, last, ratio)."""
    name = "sigmoid" if report.activation == "sigmoid" else "ReLU"
    ratio = report.first_to_last_ratio
    return Series(
        activation=report.activation,
        name=name,
        legend=f"{name} ({init} init)",
        norms=tuple(float(n) for n in report.grad_norms),
        log_norms=tuple(math.log10(n) if n > 0 else None for n in report.grad_norms),
        ratio=ratio,
        ratio_label=shown.get("ratio", "none"),
        ratio_tex=as_tex(shown["ratio"]) if ratio is not None else r"\text{none}",
        first_label=shown["first"],
        last_label=shown["last"],
    )


def _worked_numbers(reports: list[GradientReport]) -> dict[str, dict[str, str]]:
    """Per activation, its first and last norms and their ratio, and "advantage": how many times
    ReLU's ratio is sigmoid's, each with the figures that make the narrated quotients work out."""
    terms, relations = {}, []
    for r in reports:
        a = r.activation
        terms[f"{a}.first"], terms[f"{a}.last"] = Term(r.grad_norms[0]), Term(r.grad_norms[-1])
        if r.first_to_last_ratio is not None:
            terms[f"{a}.ratio"] = Term(r.first_to_last_ratio)
            relations.append(Relation(lambda f, l: f / l, (f"{a}.first", f"{a}.last"), f"{a}.ratio"))
    ratios = [r.first_to_last_ratio for r in reports]
    if all(ratios) and ratios[0] < ratios[1]:  # defined, non-zero, and ReLU passes more back
        terms["advantage"] = Term(ratios[1] / ratios[0])
        relations.append(Relation(lambda s, r: r / s, ("sigmoid.ratio", "relu.ratio"), "advantage"))
    texts = worked(terms, relations)
    numbers: dict[str, dict[str, str]] = {"": {}}
    for key, text in texts.items():
        owner, _, name = key.rpartition(".")
        numbers.setdefault(owner, {})[name] = text
    return numbers


def _comparison(sigmoid: Series, relu: Series, depth: int) -> str:
    """What layer 1 gets of layer ``depth``'s gradient in each network, or that it gets none."""
    defined = [s for s in (sigmoid, relu) if s.ratio is not None]
    if len(defined) == 2:
        return (f"Layer 1 gets {sigmoid.ratio_label} of layer {depth}'s gradient with sigmoid and "
                f"{relu.ratio_label} with ReLU")
    if not defined:
        return f"In neither network does any gradient reach layer {depth}, nor layer 1"
    (kept,), lost = defined, relu if sigmoid.ratio is not None else sigmoid
    return (f"Layer 1 gets {kept.ratio_label} of layer {depth}'s gradient with {kept.name}; "
            f"with {lost.name} no gradient reaches layer 1 at all")


def _verdict(sigmoid: Series, relu: Series, advantage: str | None) -> str:
    if relu.ratio is None:  # the comparison said that none reaches layer 1
        return "dead ReLU units block it"
    if relu.ratio == 0:
        return "here dead ReLU units block the gradient completely"
    if sigmoid.ratio is None or sigmoid.ratio == 0:
        return "only ReLU passes any of it back"
    if advantage is not None:
        return f"{advantage} times as much reaches the first layer with ReLU"
    return "in this network ReLU does not pass more of it back"


def build(params: Params) -> Measured:
    """Scene 5 under ``params``: both networks measured once.

    Examples
    --------
    >>> m = build(Params())
    >>> m.sigmoid.ratio_label, m.relu.ratio_label, (m.y_low, m.y_high)
    ('4.5×10⁻⁷', '0.23', (-8, 2))
    >>> print(m.lines["compare_first_and_last"])
    Layer 1 gets 4.5×10⁻⁷ of layer 10's gradient with sigmoid and 0.23 with ReLU:
    520000 times as much reaches the first layer with ReLU.
    """
    n = params.network
    phrase, sigmoid_init, relu_init = _INITS[n.init]
    reports = [measure_gradients(a, n.depth, n.width, n.seed, n.init, n.batch)
               for a in ("sigmoid", "relu")]
    numbers = _worked_numbers(reports)
    sigmoid, relu = (_series(r, i, numbers[r.activation])
                     for r, i in zip(reports, (sigmoid_init, relu_init)))
    shown = [v for v in sigmoid.norms + relu.norms if v > 0]  # a log axis holds no zeros
    low, high, step = log_axis(min(shown), max(shown))
    huge = max(relu.norms) > HUGE_NORM
    values = {
        "depth": str(n.depth),
        "width": str(n.width),
        "batch": str(n.batch),
        "init_phrase": phrase,
        "sig_change": _change(sigmoid),
        "relu_change": _change(relu),
        "relu_note": ": huge norms, from badly scaled weights" if huge else "",
        "comparison": _comparison(sigmoid, relu, n.depth),
        "verdict": _verdict(sigmoid, relu, numbers[""].get("advantage")),
    }
    return Measured(
        depth=n.depth,
        setup=(f"{n.depth} hidden layers", f"{n.width} units each", f"batch {n.batch}, seed {n.seed}"),
        sigmoid=sigmoid,
        relu=relu,
        x_step=label_step(n.depth, MAX_X_LABELS),
        y_low=low,
        y_high=high,
        y_labels=tuple(range(low, high + 1, step)),
        y_tick_step=1 if high - low <= MAX_TICK_DECADES else step,
        ratio_heading=f"layer 1 ÷ layer {n.depth}",
        lines=fill(LINES, values),
    )
