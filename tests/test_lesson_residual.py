"""Part two's skip-connection scene: the gradient norms it narrates against a forward and backward
pass written out here, with the identity path added by hand."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from scipy.special import expit

from sigsat.lesson import params
from sigsat.lesson.scenes import residual as lesson
from tests.conftest import PARAM_SETS, load_param_set as load
from tests.test_lesson_tanh import shown



@pytest.fixture(params=list(PARAM_SETS))
def case(request):
    p = load(request.param)
    return p, lesson.build(p)


def norms_by_hand(p: params.Params, skip: bool) -> list[float]:
    """Each hidden layer's weight-gradient norm, layer 1 first (Xavier unless init is normal/he)."""
    n, depth, w = p.network, p.residual.depth, p.network.width
    std = {"normal": 1.0, "he": np.sqrt(2 / w)}.get(n.init, np.sqrt(1 / w))
    out_std = {"normal": 1.0, "he": np.sqrt(2 / w)}.get(n.init, np.sqrt(2 / (w + 1)))
    rng = np.random.default_rng(n.seed)
    weights = [rng.normal(0.0, std, size=(w, w)) for _ in range(depth)]
    w_out = rng.normal(0.0, out_std, size=(w, 1))
    data = np.random.default_rng([n.seed, 1])
    x, y = data.normal(size=(n.batch, w)), data.normal(size=(n.batch, 1))
    hs, zs = [x], []
    for weight in weights:
        zs.append(hs[-1] @ weight)
        hs.append(hs[-1] + expit(zs[-1]) if skip else expit(zs[-1]))
    g = ((hs[-1] @ w_out - y) / n.batch) @ w_out.T
    norms = [0.0] * depth
    for k in range(depth - 1, -1, -1):
        delta = g * expit(zs[k]) * expit(-zs[k])
        norms[k] = float(np.linalg.norm(hs[k].T @ delta))
        g = delta @ weights[k].T + (g if skip else 0.0)  # the identity's Jacobian passes g on
    return norms


def test_narrated_norms_are_the_measured_ones(case):
    p, r = case
    plain, skip = norms_by_hand(p, False), norms_by_hand(p, True)
    assert r.lines["plot_without_skips"] == (
        f"Without skips, the gradient norm {'falls' if plain[0] < plain[-1] else 'grows'} from "
        f"{shown(plain[-1])} at layer {p.residual.depth} to {shown(plain[0])} at layer 1.")
    assert r.lines["plot_with_skips"] == (
        f"With skips it goes from {shown(skip[-1])} to {shown(skip[0])}: the first layer keeps "
        f"{shown(skip[0] / skip[-1])} of the last one's gradient instead of {shown(plain[0] / plain[-1])}.")
    assert skip[0] / skip[-1] > plain[0] / plain[-1], "the skips carry more of the gradient back"


def test_lines_fit_and_the_axis_holds_both_series(case):
    _, r = case
    for line in r.lines.values():
        assert len(textwrap.wrap(line, 80)) <= 2, line
    low, high, _ = r.axis
    assert all(low <= v <= high for v in r.plain + r.skip if v is not None)
