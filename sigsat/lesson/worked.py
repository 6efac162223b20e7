"""The practice problems' worked numbers as the lesson writes them.

:mod:`sigsat.core.problems` solves the problems exactly; this module chooses how many figures each
step shows, so that every written step follows from the written numbers before it
(:func:`sigsat.lesson.display.worked`).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from ..core.activations import SIGMOID_PEAK_SLOPE, sigmoid
from ..core.problems import SLOWED_BELOW, VANISHED_BELOW, SlopeAtProbe, VanishingChain
from .display import OUTPUT_SIG, SMALL_SIG, WORKED_SIG, Relation, Term, exact, fmt_param, worked

__all__ = ["factor_sig", "exp_sig", "probe_shown", "chain_shown"]

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


def probe_shown(problem: SlopeAtProbe) -> dict[str, str]:
    """Problem 1's worked numbers: 1 / (1 + exp_neg_z) gives output, output times
    one_minus_output gives slope, slope / peak gives share, and share is percent.

    Examples
    --------
    >>> from sigsat.core.problems import slope_at_probe
    >>> s = probe_shown(slope_at_probe(5.0))
    >>> s["output"], s["one_minus_output"], s["slope"], s["percent"]
    ('0.9933', '0.00669', '0.00665', '2.7%')
    """
    rest = float(sigmoid(-problem.z))  # 1 - sigma(z), without the cancellation of 1 - 0.9999
    e = float(np.exp(-problem.z))
    terms = {
        "exp_neg_z": Term(e, exp_sig(e)),
        "output": Term(problem.output, factor_sig(problem.output)),
        "one_minus_output": Term(rest, factor_sig(rest)),
        "slope": Term(problem.slope, WORKED_SIG),
        "peak": exact(SIGMOID_PEAK_SLOPE),
        "share": Term(problem.share_of_peak, SMALL_SIG),
        "percent": Term(problem.share_of_peak, SMALL_SIG, percent=True),
    }
    relations = [
        Relation(_sigma_from_exp, ("exp_neg_z",), "output"),
        Relation(_times, ("output", "one_minus_output"), "slope"),
        Relation(_over, ("slope", "peak"), "share"),
        Relation(_percent, ("share",), "percent"),
    ]
    return {"z": fmt_param(problem.z), **worked(terms, relations)}


def chain_shown(problem: VanishingChain) -> tuple[dict[str, str], tuple[str, ...]]:
    """Problem 2's worked numbers, and the gradient after each layer as shown.

    ``per_layer`` to the power ``layers`` is ``total``, ``learning_rate`` times ``total`` is
    ``update``, and, as the verdict needs them, 1 / ``total`` is ``slowdown`` (from VANISHED_BELOW
    to SLOWED_BELOW) or ``total`` is ``kept`` percent (from SLOWED_BELOW up).

    Examples
    --------
    >>> from sigsat.core.problems import vanishing_chain
    >>> shown, steps = chain_shown(vanishing_chain(5, 0.2, 0.1))
    >>> shown["total"], shown["update"], steps[:2]
    ('0.00032', '0.000032', ('0.2', '0.04'))
    >>> chain_shown(vanishing_chain(12, 1e-100, 0.1))[0]["total"]
    '1×10⁻¹²⁰⁰'
    """
    p, lr, one = Decimal(repr(problem.per_layer)), Decimal(repr(problem.learning_rate)), Decimal(1)
    gradients, layers = problem.exact_gradients, problem.layers
    names = [f"g{k}" for k in range(1, layers + 1)]
    total = gradients[-1]
    terms = {"per_layer": exact(p), "learning_rate": exact(lr), "one": exact(one),
             names[0]: exact(p), **{n: Term(g) for n, g in zip(names[1:], gradients[1:])},
             "update": Term(problem.exact_update)}
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
    return shown, tuple(texts[n] for n in names)
