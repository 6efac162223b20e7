"""Part two's initialisation scene: the spreads and gradient ratios it narrates against a forward
and backward pass written out here (the seeded draws the network documents, zero biases)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from scipy.special import expit

from sigsat.lesson.scenes import init as lesson
from tests.conftest import PARAM_SETS, load_param_set as load
from tests.test_lesson_tanh import shown

STD = {"normal": lambda n: 1.0, "xavier": lambda n: np.sqrt(1.0 / n), "he": lambda n: np.sqrt(2.0 / n)}



@pytest.fixture(params=list(PARAM_SETS))
def case(request):
    p = load(request.param)
    return p, lesson.build(p)


def by_hand(activation: str, init: str, depth: int, width: int, seed: int, batch: int):
    """(last hidden layer's activation std, first layer's / last layer's weight-gradient norm)."""
    f, fp = {"sigmoid": (expit, lambda z: expit(z) * expit(-z)),
             "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float))}[activation]
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, STD[init](width), size=(width, width)) for _ in range(depth)]
    out_std = STD[init](width) if init != "xavier" else np.sqrt(2.0 / (width + 1))
    w_out = rng.normal(0.0, out_std, size=(width, 1))
    data = np.random.default_rng([seed, 1])
    x, y = data.normal(size=(batch, width)), data.normal(size=(batch, 1))
    hs, zs = [x], []
    for w in weights:
        zs.append(hs[-1] @ w)
        hs.append(f(zs[-1]))
    g = ((hs[-1] @ w_out - y) / batch) @ w_out.T
    norms = [0.0] * depth
    for k in range(depth - 1, -1, -1):
        delta = g * fp(zs[k])
        norms[k] = np.linalg.norm(hs[k].T @ delta)
        g = delta @ weights[k].T
    return float(hs[-1].std()), norms[0] / norms[-1]


def test_narrated_spreads_and_ratios_are_the_measured_ones(case):
    p, i = case
    n, depth = p.network, p.init.depth
    spread = {k: by_hand("relu", k, depth, n.width, n.seed, n.batch)[0] for k in lesson.INITS}
    ratio = {k: by_hand("sigmoid", k, depth, n.width, n.seed, n.batch)[1] for k in lesson.INITS}
    assert i.lines["measure_the_sigmoid"] == (
        f"Sigmoid: the first layer's gradient is {shown(ratio['normal'])} of the last one's under "
        f"N(0, 1), {shown(ratio['xavier'])} under Xavier and {shown(ratio['he'])} under He.")
    assert i.lines["measure_relu"] == (
        f"ReLU: after {depth} layers the activations' spread is {shown(spread['normal'])} under "
        f"N(0, 1), {shown(spread['xavier'])} under Xavier and {shown(spread['he'])} under He, from 1 "
        f"at the input.")


def test_the_factor_two_and_the_share_of_units_off(case):
    p, i = case
    n, depth = p.network, p.init.depth
    assert i.lines["explain_the_factor_two"].endswith(f"He's 2/{n.width} puts the factor 2 back.")
    off = i.measurements[("relu", "he")].report.saturated_fraction.mean()
    rng = np.random.default_rng(n.seed)
    h = np.random.default_rng([n.seed, 1]).normal(size=(n.batch, n.width))
    shares = []
    for _ in range(depth):
        z = h @ rng.normal(0.0, np.sqrt(2.0 / n.width), size=(n.width, n.width))
        shares.append(np.mean(z <= 0))
        h = np.maximum(z, 0)
    assert off == pytest.approx(np.mean(shares), rel=1e-12)
    assert f"{shown(100 * off)}% of its units are off" in i.lines["explain_the_factor_two"]


def test_lines_fit_and_every_value_is_on_its_axis(case):
    _, i = case
    for line in i.lines.values():
        assert len(textwrap.wrap(line, 80)) <= 2, line
    for m in i.measurements.values():
        for logs, (low, high, _) in ((m.spread, i.spread_axis), (m.gradient, i.gradient_axis)):
            assert all(low <= v <= high for v in logs if v is not None)
