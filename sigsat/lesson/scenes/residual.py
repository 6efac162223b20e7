"""Part two, scene 4, skip connections carry the gradient: a deep sigmoid network measured with and
without a residual connection around every layer."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...core.activations import SIGMOID_PEAK_SLOPE
from ...core.network import GradientReport, measure_gradients
from ..display import fmt
from ..i18n import N_, Language, language
from ..params import Params
from . import log_axis

__all__ = ["LINES", "SCREEN", "Residual", "build"]

LINES = {
    "describe_the_experiment": N_(
        "A sigmoid network of {depth} layers, measured twice: plain, and with a skip connection "
        "around every layer, which adds the layer's input to its output."
    ),
    "plot_without_skips": N_(
        "Without skips, {plain_change}."
    ),
    "plot_with_skips": N_(
        "With skips it goes from {skip_last} to {skip_first}: the first layer keeps {skip_ratio} "
        "of the last one's gradient instead of {plain_ratio}."
    ),
    "add_one_to_the_jacobian": N_(
        "Why: a skip adds the identity to each layer's Jacobian. Alone, a layer scales the gradient "
        "by sigmoid slopes of at most {peak}; the identity passes it on whole."
    ),
}

#: On-screen words.
SCREEN = {"plain": N_("plain"), "skip": N_("with skips"), "layer": N_("layer"), "gradient": N_("gradient norm")}
#: The Jacobian of a residual layer, h' = h + sigma(h W + b), shown as TeX.
JACOBIAN_TEX = (r"\frac{\partial h_{k+1}}{\partial h_k}", r"= I", r"+ \operatorname{diag}\bigl(\sigma'(z_k)\bigr)\,W_k^{\top}")


@dataclass(frozen=True)
class Residual:
    """What the skip-connection scene shows under the parameters."""

    depth: int
    plain: tuple[float | None, ...]    # log10 of each layer's gradient norm, layer 1 first
    skip: tuple[float | None, ...]
    plain_report: GradientReport
    skip_report: GradientReport
    axis: tuple[int, int, int]         # decades (low, high, label step)
    x_step: int
    shown: dict[str, str]      # values as narrated and shown, in the language's form
    screen: dict[str, str]     # SCREEN translated
    jacobian: tuple[str, ...]
    lines: dict[str, str]


def _log(values) -> tuple[float | None, ...]:
    return tuple(math.log10(v) if v > 0 else None for v in values)


def _change(shown: dict[str, str], grows: bool, tr: Language) -> str:
    """How the plain network's gradient norm changes from the last layer to the first, as a whole
    clause: a language puts its verb where its word order wants it."""
    clause = (tr("the gradient norm grows from {plain_last} at layer {depth} to {plain_first} at layer 1")
              if grows else
              tr("the gradient norm falls from {plain_last} at layer {depth} to {plain_first} at layer 1"))
    return clause.format(**shown)


def build(params: Params) -> Residual:
    """The skip-connection scene under ``params``.

    Examples
    --------
    >>> r = build(Params())
    >>> r.shown["plain_ratio"], r.shown["skip_ratio"]
    ('4.1×10⁻¹¹', '0.040')
    """
    n, depth = params.network, params.residual.depth
    tr = language(params)
    reports = {skip: measure_gradients("sigmoid", depth, n.width, n.seed, n.init, n.batch, residual=skip)
               for skip in (False, True)}
    plain, skip = _log(reports[False].grad_norms), _log(reports[True].grad_norms)
    logs = [v for v in plain + skip if v is not None]
    shown = {"depth": str(depth), "peak": fmt(SIGMOID_PEAK_SLOPE)}
    for name, report in (("plain", reports[False]), ("skip", reports[True])):
        shown[f"{name}_first"] = fmt(float(report.grad_norms[0]))
        shown[f"{name}_last"] = fmt(float(report.grad_norms[-1]))
        shown[f"{name}_ratio"] = fmt(report.first_to_last_ratio or 0.0)
    shown = tr.numbers(shown)
    norms = reports[False].grad_norms
    shown["plain_change"] = _change(shown, grows=bool(norms[0] >= norms[-1]), tr=tr)
    return Residual(
        depth=depth, plain=plain, skip=skip, plain_report=reports[False], skip_report=reports[True],
        axis=log_axis(10 ** min(logs), 10 ** max(logs)),
        x_step=next(s for s in (1, 2, 5, 10) if depth / s <= 10),
        shown=shown, screen=tr.lines(SCREEN), jacobian=JACOBIAN_TEX, lines=tr.fill(LINES, shown),
    )
