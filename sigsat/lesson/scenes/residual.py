"""Part two, scene 4, skip connections carry the gradient: a deep sigmoid network measured with and
without a residual connection around every layer."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...core.activations import SIGMOID_PEAK_SLOPE
from ...core.network import GradientReport, measure_gradients
from ..display import fmt
from ..narration import fill
from ..params import Params
from . import log_axis

__all__ = ["LINES", "TITLE", "SCREEN", "Residual", "build"]

LINES = {
    "describe_the_experiment": (
        "A sigmoid network of {depth} layers, measured twice: plain, and with a skip connection "
        "around every layer, which adds the layer's input to its output."
    ),
    "plot_without_skips": (
        "Without skips, the gradient norm {plain_verb} from {plain_last} at layer {depth} to "
        "{plain_first} at layer 1."
    ),
    "plot_with_skips": (
        "With skips it goes from {skip_last} to {skip_first}: the first layer keeps {skip_ratio} "
        "of the last one's gradient instead of {plain_ratio}."
    ),
    "add_one_to_the_jacobian": (
        "Why: a skip adds the identity to each layer's Jacobian. Alone, a layer scales the gradient "
        "by sigmoid slopes of at most {peak}; the identity passes it on whole."
    ),
}

TITLE = "Skip connections carry the gradient"
SCREEN = {"plain": "plain", "skip": "with skips", "layer": "layer", "gradient": "gradient norm"}
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
    shown: dict[str, str]
    screen: dict[str, str]
    jacobian: tuple[str, ...]
    title: str
    lines: dict[str, str]


def _log(values) -> tuple[float | None, ...]:
    return tuple(math.log10(v) if v > 0 else None for v in values)


def build(params: Params) -> Residual:
    """The skip-connection scene under ``params``.

    Examples
    --------
    >>> r = build(Params())
    >>> r.shown["plain_ratio"], r.shown["skip_ratio"]
    ('4.1×10⁻¹¹', '0.040')
    """
    n, depth = params.network, params.residual.depth
    reports = {skip: measure_gradients("sigmoid", depth, n.width, n.seed, n.init, n.batch, residual=skip)
               for skip in (False, True)}
    plain, skip = _log(reports[False].grad_norms), _log(reports[True].grad_norms)
    logs = [v for v in plain + skip if v is not None]
    shown = {"depth": str(depth), "peak": fmt(SIGMOID_PEAK_SLOPE)}
    for name, report in (("plain", reports[False]), ("skip", reports[True])):
        shown[f"{name}_first"] = fmt(float(report.grad_norms[0]))
        shown[f"{name}_last"] = fmt(float(report.grad_norms[-1]))
        shown[f"{name}_ratio"] = fmt(report.first_to_last_ratio or 0.0)
        shown[f"{name}_verb"] = "falls" if report.grad_norms[0] < report.grad_norms[-1] else "grows"
    return Residual(
        depth=depth, plain=plain, skip=skip, plain_report=reports[False], skip_report=reports[True],
        axis=log_axis(10 ** min(logs), 10 ** max(logs)),
        x_step=next(s for s in (1, 2, 5, 10) if depth / s <= 10),
        shown=shown, screen=dict(SCREEN), jacobian=JACOBIAN_TEX, title=TITLE, lines=fill(LINES, shown),
    )
