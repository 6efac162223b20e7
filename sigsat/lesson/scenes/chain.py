"""Scene 4, practice problem 2: the backward pass multiplies the gradient down, layer by layer."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, localcontext

from ..display import as_tex
from ..i18n import N_, Language, language
from ..params import Params
from ...core.problems import EXACT, SLOWED_BELOW, VANISHED_BELOW, VanishingChain, vanishing_chain
from ..worked import chain_shown
from . import label_step

__all__ = ["LINES", "Chain", "build", "decade_range", "log10", "power_tex", "VANISHED_BELOW", "SLOWED_BELOW"]

#: At most this many gaps between labelled decades on the bar scale (so at most one more label).
MAX_SCALE_LABELS = 4
#: Up to this many decades the scale draws a grid line at every decade, beyond it only at labels.
MAX_GRID_DECADES = 12

LINES = {
    "line_up_the_layers": N_(
        "Take a chain of {layers_phrase}. The backward pass starts at the output, on the right, "
        "with gradient 1, and carries it back to layer 1, next to the input."
    ),
    "multiply_at_every_layer": N_(
        "The chain rule multiplies the gradient by each layer's local gradient, {per_layer}: "
        "{trail}."
    ),
    "read_the_log_scale": N_(
        "On a log scale equal factors are equal steps: multiplying by the same {per_layer} "
        "lowers every bar by the same step, so the tops fall on a straight line."
    ),
    "compute_the_total": N_(
        "So the gradient that reaches layer 1 is {per_layer} to the power {layers}: {total}."
    ),
    "update_the_first_layer": N_(
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
    gradients: tuple[float, ...]  # gradients[i]: at layer i + 1 (layer 1 next to the input); 0 if
    # it underflows a float (the bars and the texts come from the exact values)
    bar_heights: tuple[float, ...]  # gradients on the bar scale, 0 (scale bottom) to 1 (gradient 1)
    scale_low: int  # the bar scale runs from 10**scale_low to 10**0
    scale_labels: tuple[int, ...]  # exponents k of the labelled grid lines 10**k
    scale_grid: tuple[int, ...]  # exponents of all grid lines
    gradient_labels: tuple[str, ...]  # gradients as shown under the bars, layer 1 first
    factor_label: str  # on every link: "×0.2"
    total: float
    update: float
    total_tex: str  # "0.2^{5} = 0.00032" (a base in powers of ten in parentheses)
    update_tex: str  # "\Delta w = 0.1 \times 0.00032 = 0.000032"
    verdict: str  # short on-screen verdict: "the first layer barely learns"
    lines: dict[str, str]


def decade_range(log_smallest: float) -> int:
    """The exponent of the lowest decade of a log scale from 10**``log_smallest`` up to 1.

    ``floor(log_smallest)``, but at least one decade below 1 so that the scale is never empty.

    Examples
    --------
    >>> decade_range(math.log10(0.00032)), decade_range(math.log10(0.28)), decade_range(0.0)
    (-4, -1, -1)
    >>> decade_range(-1200.0), decade_range(-1.0)
    (-1200, -1)
    """
    return min(-1, math.floor(log_smallest))


def log10(x: Decimal) -> float:
    """log10 of a positive decimal, however small (1e-1200 is below a float's range).

    Examples
    --------
    >>> log10(Decimal("1e-1200")), log10(Decimal("0.001"))
    (-1200.0, -3.0)
    """
    with localcontext() as ctx:
        ctx.prec, ctx.Emin, ctx.Emax = EXACT["prec"], EXACT["Emin"], EXACT["Emax"]
        return float(x.log10())


def _trail(steps: tuple[str, ...], falls: bool, tr: Language) -> str:
    """The gradient along the way: after one layer, after two, ..., at layer 1."""
    if len(steps) == 1:
        return tr("{first} at layer 1").format(first=steps[0])
    if len(steps) == 2:
        return tr("{first} after one layer and {last} at layer 1").format(first=steps[0], last=steps[1])
    template = (tr("{first} after one layer, {second} after two, down to {last} at layer 1") if falls
                else tr("{first} after one layer, {second} after two, still {last} at layer 1"))
    return template.format(first=steps[0], second=steps[1], last=steps[-1])


def _verdict(problem: VanishingChain, shown: dict[str, str], tr: Language) -> tuple[str, str]:
    """(spoken ending, on-screen verdict) chosen from how much of the gradient reached layer 1."""
    if problem.total < VANISHED_BELOW:  # the same test as vanishing_chain's
        return tr("negligible, the first layer barely learns"), tr("the first layer barely learns")
    if "slowdown" in shown:
        slower = shown["slowdown"]
        return (tr("it learns {slower} times more slowly than a layer at the output").format(slower=slower),
                tr("the first layer learns {slower}× more slowly").format(slower=slower))
    return (tr("with {kept} of the gradient left, the first layer still learns").format(kept=shown["kept"]),
            tr("the first layer still learns"))


def power_tex(base: str, exponent: int) -> str:
    r"""TeX of a shown ``base`` to the power ``exponent``; a base in powers of ten is bracketed.

    Examples
    --------
    >>> power_tex("0.2", 5), power_tex("1×10⁻¹⁰⁰", 12)
    ('0.2^{5}', '(1 \\times 10^{-100})^{12}')
    """
    tex = as_tex(base)
    return (f"({tex})" if "×" in base or base.startswith("-") else tex) + f"^{{{exponent}}}"


def _factor_tex(shown: str) -> str:
    """TeX of a factor in a product; a power of ten in brackets (0.1 x (1 x 10^-1200))."""
    return f"({as_tex(shown)})" if "×" in shown else as_tex(shown)


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
    tr = language(params)
    problem = vanishing_chain(p.layers, p.per_layer_gradient, p.learning_rate)
    shown, steps = chain_shown(problem)
    shown, steps = tr.numbers(shown), tuple(tr.number(s) for s in steps)
    logs = [log10(g) for g in problem.exact_gradients[::-1]]  # logs[i]: at layer i + 1
    low = decade_range(min(logs))
    step = label_step(-low, MAX_SCALE_LABELS)
    spoken, onscreen = _verdict(problem, shown, tr)
    values = {
        "layers_phrase": tr("one layer") if p.layers == 1 else tr("{layers} layers").format(layers=p.layers),
        "layers": shown["layers"],
        "per_layer": shown["per_layer"],
        "trail": _trail(steps, problem.exact_gradients[-1] < problem.exact_gradients[0], tr),
        "total": shown["total"],
        "learning_rate": shown["learning_rate"],
        "update": shown["update"],
        "verdict": spoken,
    }
    return Chain(
        layers=p.layers,
        per_layer=p.per_layer_gradient,
        learning_rate=p.learning_rate,
        gradients=tuple(problem.gradients[::-1]),
        bar_heights=tuple((g - low) / -low for g in logs),
        scale_low=low,
        scale_labels=tuple(range(0, low - 1, -step)),
        scale_grid=tuple(range(0, low - 1, -1 if -low <= MAX_GRID_DECADES else -step)),
        gradient_labels=steps[::-1],
        factor_label=f"×{shown['per_layer']}",
        total=problem.total,
        update=problem.update,
        total_tex=f"{power_tex(shown['per_layer'], p.layers)} = {as_tex(shown['total'])}",
        update_tex=(rf"\Delta w = {_factor_tex(shown['learning_rate'])} \times "
                    rf"{_factor_tex(shown['total'])} = {as_tex(shown['update'])}"),
        verdict=onscreen,
        lines=tr.fill(LINES, values),
    )
