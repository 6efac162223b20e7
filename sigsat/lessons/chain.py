"""Scene 4, practice problem 2: the backward pass multiplies the gradient down, layer by layer."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..display import fmt, fmt_percent, fmt_tex
from ..narration import fill
from ..params import Params
from . import label_step
from ..problems import vanishing_chain

__all__ = ["LINES", "Chain", "build", "decade_range", "VANISHED_BELOW", "SLOWED_BELOW"]

#: Below this share of the output's gradient, the first layer's update counts as negligible.
VANISHED_BELOW = 0.01
#: Below this share (and above VANISHED_BELOW) the first layer learns, but markedly more slowly.
SLOWED_BELOW = 0.5
#: At most this many gaps between labelled decades on the bar scale (so at most one more label).
MAX_SCALE_LABELS = 4
#: Up to this many decades the scale draws a grid line at every decade, beyond it only at labels.
MAX_GRID_DECADES = 12
#: Significant figures of parameters shown as given (0.25, 0.9, 0.05).
PARAM_SIG = 3

LINES = {
    "line_up_the_layers": (
        "Take a chain of {layers_phrase}. The backward pass starts at the output, on the right, "
        "with gradient 1, and carries it back to layer 1, next to the input."
    ),
    "multiply_at_every_layer": (
        "The chain rule multiplies the gradient by each layer's local gradient, {per_layer}: "
        "{trail}."
    ),
    "read_the_log_scale": (
        "On a log scale equal factors are equal steps: multiplying by the same {per_layer} "
        "lowers every bar by the same step, so the tops fall on a straight line."
    ),
    "compute_the_total": (
        "So the gradient that reaches layer 1 is {per_layer} to the power {layers}: {total}."
    ),
    "update_the_first_layer": (
        "With learning rate {learning_rate}, layer 1's weight moves by {learning_rate} times "
        "{total}, or {update}: {verdict}."
    ),
}


@dataclass(frozen=True)
class Chain:
    """What scene 4 shows: the gradient at each layer, its log-scale bars, the total and update."""

    layers: int
    per_layer: float
    learning_rate: float
    gradients: tuple[float, ...]  # gradients[i]: at layer i + 1 (layer 1 next to the input)
    bar_heights: tuple[float, ...]  # gradients on the bar scale, 0 (scale bottom) to 1 (gradient 1)
    scale_low: int  # the bar scale runs from 10**scale_low to 10**0
    scale_labels: tuple[int, ...]  # exponents k of the labelled grid lines 10**k
    scale_grid: tuple[int, ...]  # exponents of all grid lines
    gradient_labels: tuple[str, ...]  # gradients as shown under the bars, layer 1 first
    factor_label: str  # on every link: "×0.2"
    total: float
    update: float
    total_tex: str  # "0.2^{5} = 0.00032"
    update_tex: str  # "\Delta w = 0.1 \times 0.00032 = 0.000032"
    verdict: str  # short on-screen verdict: "the first layer barely learns"
    lines: dict[str, str]


def decade_range(smallest: float) -> int:
    """The exponent of the lowest decade of a log scale from ``smallest`` up to 1.

    ``floor(log10(smallest))``, but at least one decade below 1 so that the scale is never empty.

    Examples
    --------
    >>> decade_range(0.00032), decade_range(0.28), decade_range(1.0), decade_range(0.1)
    (-4, -1, -1, -1)
    """
    return min(-1, math.floor(math.log10(smallest)))


def _trail(gradients: list[str], per_layer: float, total: float) -> str:
    """The gradient along the way: after one layer, after two, ..., at layer 1."""
    if len(gradients) == 1:
        return f"{gradients[0]} at layer 1"
    head = f"{gradients[0]} after one layer"
    if len(gradients) == 2:
        return f"{head} and {gradients[1]} at layer 1"
    fall = "down to" if total < per_layer else "still"
    return f"{head}, {gradients[1]} after two, {fall} {gradients[-1]} at layer 1"


def _verdict(total: float) -> tuple[str, str]:
    """(spoken ending, on-screen verdict) chosen from how much of the gradient reached layer 1."""
    if total < VANISHED_BELOW:
        return "negligible, the first layer barely learns", "the first layer barely learns"
    if total < SLOWED_BELOW:
        slower = fmt(1.0 / total)
        return (f"it learns {slower} times more slowly than a layer at the output",
                f"the first layer learns {slower}× more slowly")
    return (f"with {fmt_percent(total)} of the gradient left, the first layer still learns",
            "the first layer still learns")


def build(params: Params) -> Chain:
    """Scene 4 under ``params``.

    Examples
    --------
    >>> c = build(Params())
    >>> c.gradient_labels, c.scale_low
    (('0.00032', '0.0016', '0.008', '0.04', '0.2'), -4)
    >>> c.total_tex
    '0.2^{5} = 0.00032'
    >>> print(c.lines["compute_the_total"])
    So the gradient that reaches layer 1 is 0.2 to the power 5: 0.00032.
    """
    p = params.chain
    problem = vanishing_chain(p.layers, p.per_layer_gradient, p.learning_rate)
    backward = [float(g) for g in problem.gradients]  # backward[k]: after k + 1 layers
    gradients = backward[::-1]  # gradients[i]: at layer i + 1
    low = decade_range(min(gradients))
    step = label_step(-low, MAX_SCALE_LABELS)
    heights = tuple((math.log10(g) - low) / -low for g in gradients)
    per_layer = fmt(p.per_layer_gradient, PARAM_SIG)
    learning_rate = fmt(p.learning_rate, PARAM_SIG)
    total, update = problem.total, problem.update
    spoken, onscreen = _verdict(total)
    values = {
        "layers_phrase": "one layer" if p.layers == 1 else f"{p.layers} layers",
        "layers": str(p.layers),
        "per_layer": per_layer,
        "trail": _trail([fmt(g) for g in backward], p.per_layer_gradient, total),
        "total": fmt(total),
        "learning_rate": learning_rate,
        "update": fmt(update),
        "verdict": spoken,
    }
    return Chain(
        layers=p.layers,
        per_layer=p.per_layer_gradient,
        learning_rate=p.learning_rate,
        gradients=tuple(gradients),
        bar_heights=heights,
        scale_low=low,
        scale_labels=tuple(range(0, low - 1, -step)),
        scale_grid=tuple(range(0, low - 1, -1 if -low <= MAX_GRID_DECADES else -step)),
        gradient_labels=tuple(fmt(g) for g in gradients),
        factor_label=f"×{per_layer}",
        total=total,
        update=update,
        total_tex=f"{fmt_tex(p.per_layer_gradient, PARAM_SIG)}^{{{p.layers}}} = {fmt_tex(total)}",
        update_tex=(rf"\Delta w = {fmt_tex(p.learning_rate, PARAM_SIG)} \times {fmt_tex(total)}"
                    rf" = {fmt_tex(update)}"),
        verdict=onscreen,
        lines=fill(LINES, values),
    )
