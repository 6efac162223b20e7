"""Scene 5, real networks measured: per-layer gradient norms of a sigmoid and a ReLU network."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..display import Relation, Term, as_tex, worked
from ..i18n import N_, Language, language
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
    "auto": (N_("sigmoid with Xavier and ReLU with He initialisation"), "Xavier", "He"),
    "xavier": (N_("both with Xavier initialisation"), "Xavier", "Xavier"),
    "he": (N_("both with He initialisation"), "He", "He"),
    "normal": (N_("both with standard normal weights"), "N(0, 1)", "N(0, 1)"),
}

LINES = {
    "describe_the_experiment": N_(
        "Now measure it: two networks of {depth} hidden layers, {width} units wide, one seed, "
        "one batch of {batch}: {init_phrase}."
    ),
    "plot_sigmoid_gradients": N_(
        "Sigmoid first. Going back from layer {depth} to layer 1, its gradient norm "
        "{sig_change}."
    ),
    "plot_relu_gradients": N_(
        "Now ReLU, same seed and batch: from layer {depth} back to layer 1 its gradient norm "
        "{relu_change}{relu_note}."
    ),
    "compare_first_and_last": N_("{comparison}: {verdict}."),
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


def _change(series: Series, tr: Language) -> str:
    """How the norm changes from the last layer back to the first: "falls from 1.1 to 0.2"."""
    first, last = series.first_label, series.last_label
    if first == last:
        return tr("stays at {last}").format(last=last)
    template = (tr("falls from {last} to {first}") if series.norms[0] < series.norms[-1]
                else tr("grows from {last} to {first}"))
    return template.format(last=last, first=first)


def _series(report: GradientReport, init: str, shown: dict[str, str], tr: Language) -> Series:
    """One measurement with its norms and ratio as ``shown`` (keys first, last, ratio)."""
    name = tr("sigmoid") if report.activation == "sigmoid" else "ReLU"
    ratio = report.first_to_last_ratio
    none = tr("none")
    return Series(
        activation=report.activation,
        name=name,
        legend=tr("{name} ({init} init)").format(name=name, init=init),
        norms=tuple(float(n) for n in report.grad_norms),
        log_norms=tuple(math.log10(n) if n > 0 else None for n in report.grad_norms),
        ratio=ratio,
        ratio_label=shown.get("ratio", none),
        ratio_tex=as_tex(shown["ratio"]) if ratio is not None else rf"\text{{{none}}}",
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


def _comparison(sigmoid: Series, relu: Series, depth: int, tr: Language) -> str:
    """What layer 1 gets of layer ``depth``'s gradient in each network, or that it gets none."""
    defined = [s for s in (sigmoid, relu) if s.ratio is not None]
    if len(defined) == 2:
        return tr("Layer 1 gets {sigmoid_ratio} of layer {depth}'s gradient with sigmoid and "
                  "{relu_ratio} with ReLU").format(sigmoid_ratio=sigmoid.ratio_label, depth=depth,
                                                   relu_ratio=relu.ratio_label)
    if not defined:
        return tr("In neither network does any gradient reach layer {depth}, nor layer 1").format(depth=depth)
    (kept,), lost = defined, relu if sigmoid.ratio is not None else sigmoid
    return tr("Layer 1 gets {ratio} of layer {depth}'s gradient with {kept}; "
              "with {lost} no gradient reaches layer 1 at all").format(
        ratio=kept.ratio_label, depth=depth, kept=kept.name, lost=lost.name)


def _verdict(sigmoid: Series, relu: Series, advantage: str | None, tr: Language) -> str:
    if relu.ratio is None:  # the comparison said that none reaches layer 1
        return tr("dead ReLU units block it")
    if relu.ratio == 0:
        return tr("here dead ReLU units block the gradient completely")
    if sigmoid.ratio is None or sigmoid.ratio == 0:
        return tr("only ReLU passes any of it back")
    if advantage is not None:
        return tr("{advantage} times as much reaches the first layer with ReLU").format(advantage=advantage)
    return tr("in this network ReLU does not pass more of it back")


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
    tr = language(params)
    phrase, sigmoid_init, relu_init = _INITS[n.init]
    reports = [measure_gradients(a, n.depth, n.width, n.seed, n.init, n.batch)
               for a in ("sigmoid", "relu")]
    numbers = {owner: tr.numbers(texts) for owner, texts in _worked_numbers(reports).items()}
    sigmoid, relu = (_series(r, i, numbers[r.activation], tr)
                     for r, i in zip(reports, (sigmoid_init, relu_init)))
    shown = [v for v in sigmoid.norms + relu.norms if v > 0]  # a log axis holds no zeros
    low, high, step = log_axis(min(shown), max(shown))
    huge = max(relu.norms) > HUGE_NORM
    values = {
        "depth": str(n.depth),
        "width": str(n.width),
        "batch": str(n.batch),
        "init_phrase": tr(phrase),
        "sig_change": _change(sigmoid, tr),
        "relu_change": _change(relu, tr),
        "relu_note": tr(": huge norms, from badly scaled weights") if huge else "",
        "comparison": _comparison(sigmoid, relu, n.depth, tr),
        "verdict": _verdict(sigmoid, relu, numbers[""].get("advantage"), tr),
    }
    return Measured(
        depth=n.depth,
        setup=(tr("{depth} hidden layers").format(depth=n.depth), tr("{width} units each").format(width=n.width),
               tr("batch {batch}, seed {seed}").format(batch=n.batch, seed=n.seed)),
        sigmoid=sigmoid,
        relu=relu,
        x_step=label_step(n.depth, MAX_X_LABELS),
        y_low=low,
        y_high=high,
        y_labels=tuple(range(low, high + 1, step)),
        y_tick_step=1 if high - low <= MAX_TICK_DECADES else step,
        ratio_heading=tr("layer 1 ÷ layer {depth}").format(depth=n.depth),
        lines=tr.fill(LINES, values),
    )
