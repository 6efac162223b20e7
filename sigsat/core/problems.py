"""The lesson's two practice problems, solved exactly for any parameters, with their worked numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext

import numpy as np

from .activations import SIGMOID_PEAK_SLOPE, sigmoid, sigmoid_prime
from ..lesson.display import (OUTPUT_SIG, SMALL_SIG, WORKED_SIG, Relation, Term, exact, fmt_param,
                      worked)

__all__ = ["SlopeAtProbe", "VanishingChain", "slope_at_probe", "vanishing_chain", "factor_sig",
           "exp_sig", "EXACT", "VANISHED_BELOW", "SLOWED_BELOW"]

#: Below this share of the output's gradient, the first layer's update counts as negligible.
VANISHED_BELOW = 0.01
#: Below this share (and above VANISHED_BELOW) the first layer learns, but markedly more slowly:
#: the lesson says how many times (``slowdown``); from here up, what share is left (``kept``).
SLOWED_BELOW = 0.5

#: Decimal arithmetic for problem 2: 1e-100 to the 12th is 1e-1200, far below a float's range.
EXACT = dict(prec=80, Emin=-999999, Emax=999999)
#: Significant figures a worked factor below 1/2 starts with (e^{-z} below 1, and whichever of
#: sigma and 1 - sigma is below 1/2); sigma from 1/2 up starts with OUTPUT_SIG.
FACTOR_SIG = 3


def factor_sig(x: float) -> int:
    """Significant figures a factor in [0, 1] of the worked steps starts with: 4 from 1/2 up, else 3.

    Examples
    --------
    >>> factor_sig(0.9933071), factor_sig(0.0066929)
    (4, 3)
    """
    return OUTPUT_SIG if x >= 0.5 else FACTOR_SIG


def exp_sig(x: float) -> int:
    """Significant figures e^{-z} starts with: 3 below 1, 4 from 1 up (every integer digit of
    e^{8} = 2981 shows).

    Examples
    --------
    >>> exp_sig(0.0067), exp_sig(1808.0)
    (3, 4)
    """
    return FACTOR_SIG if x < 1 else FACTOR_SIG + 1


def _times(a: Decimal, b: Decimal) -> Decimal:
    return a * b


def _over(a: Decimal, b: Decimal) -> Decimal:
    return a / b


def _percent(a: Decimal) -> Decimal:
    return a * 100


def _sigma_from_exp(e: Decimal) -> Decimal:
    return 1 / (1 + e)


@dataclass(frozen=True)
class SlopeAtProbe:
    """Problem 1: sigma(z), sigma'(z) and its share of the peak slope, exact and as shown.

    ``shown`` holds the worked steps' numbers: 1 / (1 + exp_neg_z) gives output, output times
    one_minus_output gives slope, slope / peak gives share, and share is percent.
    """

    z: float
    output: float
    slope: float
    share_of_peak: float
    shown: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rest = float(sigmoid(-self.z))  # 1 - sigma(z), without the cancellation of 1 - 0.9999
        e = float(np.exp(-self.z))
        terms = {
            "exp_neg_z": Term(e, exp_sig(e)),
            "output": Term(self.output, factor_sig(self.output)),
            "one_minus_output": Term(rest, factor_sig(rest)),
            "slope": Term(self.slope, WORKED_SIG),
            "peak": exact(SIGMOID_PEAK_SLOPE),
            "share": Term(self.share_of_peak, SMALL_SIG),
            "percent": Term(self.share_of_peak, SMALL_SIG, percent=True),
        }
        relations = [
            Relation(_sigma_from_exp, ("exp_neg_z",), "output"),
            Relation(_times, ("output", "one_minus_output"), "slope"),
            Relation(_over, ("slope", "peak"), "share"),
            Relation(_percent, ("share",), "percent"),
        ]
        object.__setattr__(self, "shown", {"z": fmt_param(self.z), **worked(terms, relations)})


def slope_at_probe(z: float) -> SlopeAtProbe:
    """Practice problem 1 at ``z``.

    Examples
    --------
    >>> p = slope_at_probe(5.0)
    >>> p.shown["output"], p.shown["one_minus_output"], p.shown["slope"], p.shown["percent"]
    ('0.9933', '0.00669', '0.00665', '2.7%')
    """
    slope = float(sigmoid_prime(z))
    return SlopeAtProbe(float(z), float(sigmoid(z)), slope, slope / SIGMOID_PEAK_SLOPE)


@dataclass(frozen=True)
class VanishingChain:
    """Problem 2: the gradient after each of ``layers`` layers and the first layer's update.

    ``exact_gradients`` and ``exact_update`` are decimal (no underflow); ``gradients`` and
    ``update`` the same as floats, 0 where they underflow. ``shown`` holds the worked numbers:
    ``per_layer`` to the power ``layers`` is ``total``, ``learning_rate`` times ``total`` is
    ``update``, and, as the verdict needs them, 1 / ``total`` is ``slowdown`` (from VANISHED_BELOW
    to SLOWED_BELOW) or ``total`` is ``kept`` percent (from SLOWED_BELOW up); ``steps`` is the
    gradient after each layer, as shown.
    """

    per_layer: float
    learning_rate: float
    exact_gradients: tuple[Decimal, ...]  # after k + 1 layers, backward from the output
    exact_update: Decimal
    shown: dict[str, str]
    steps: tuple[str, ...]

    @property
    def gradients(self) -> np.ndarray:
        return np.array([float(g) for g in self.exact_gradients])

    @property
    def layers(self) -> int:
        return len(self.exact_gradients)

    @property
    def total(self) -> float:
        return float(self.exact_gradients[-1])

    @property
    def update(self) -> float:
        return float(self.exact_update)


def vanishing_chain(layers: int, per_layer: float, learning_rate: float) -> VanishingChain:
    """Practice problem 2: ``per_layer ** layers`` and the update ``learning_rate`` times it.

    Examples
    --------
    >>> c = vanishing_chain(5, 0.2, 0.1)
    >>> c.shown["total"], c.shown["update"], c.steps[:2]
    ('0.00032', '0.000032', ('0.2', '0.04'))
    >>> vanishing_chain(12, 1e-100, 0.1).shown["total"]
    '1×10⁻¹²⁰⁰'
    """
    with localcontext() as ctx:
        ctx.prec, ctx.Emin, ctx.Emax = EXACT["prec"], EXACT["Emin"], EXACT["Emax"]
        p, lr = Decimal(repr(float(per_layer))), Decimal(repr(float(learning_rate)))
        gradients = tuple(p ** k for k in range(1, layers + 1))
        update = lr * gradients[-1]
        one = Decimal(1)
    names = [f"g{k}" for k in range(1, layers + 1)]
    total = gradients[-1]
    terms = {"per_layer": exact(p), "learning_rate": exact(lr), "one": exact(one),
             names[0]: exact(p), **{n: Term(g) for n, g in zip(names[1:], gradients[1:])},
             "update": Term(update)}
    relations = [Relation(lambda b, k=k: b ** k, ("per_layer",), n)
                 for k, n in enumerate(names[1:], start=2)]
    relations.append(Relation(_times, ("learning_rate", names[-1]), "update"))
    if VANISHED_BELOW <= float(total) < SLOWED_BELOW:
        terms["slowdown"] = Term(one / total)
        relations.append(Relation(_over, ("one", names[-1]), "slowdown"))
    elif float(total) >= SLOWED_BELOW:
        terms["kept"] = Term(total, percent=True)
        relations.append(Relation(_percent, (names[-1],), "kept"))
    texts = worked(terms, relations)
    shown = {"layers": str(layers), "per_layer": texts["per_layer"],
             "learning_rate": texts["learning_rate"], "total": texts[names[-1]],
             "update": texts["update"],
             **{k: texts[k] for k in ("slowdown", "kept") if k in texts}}
    return VanishingChain(float(per_layer), float(learning_rate), gradients, update, shown,
                          tuple(texts[n] for n in names))
