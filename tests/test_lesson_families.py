"""Part two's ReLU family scene: the slopes and dead-unit counts it narrates against values
worked out here (scipy's normal distribution and logistic function, a forward pass written out)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import norm

from sigsat.lesson import params
from sigsat.lesson.scenes import families as lesson
from tests.conftest import PARAM_SETS, load_param_set as load
from tests.test_lesson_tanh import shown

CAPTION_CHARS, CAPTION_LINES = 80, 2



@pytest.fixture(params=list(PARAM_SETS))
def case(request):
    p = load(request.param)
    return p, lesson.build(p)


def signed(x: float) -> str:
    return shown(x)


def test_each_members_slope_at_the_negative_input(case):
    p, f = case
    z, a, slope = p.families.negative_z, p.families.elu_alpha, p.families.leaky_slope
    expected = {"relu": 0.0, "leaky_relu": slope, "elu": a * np.exp(z),
                "gelu": norm.cdf(z) + z * norm.pdf(z), "silu": expit(z) * (1 + z * expit(-z))}
    got = {m.id: m.negative_slope for m in f.members}
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-300), key
    line = f.lines["read_the_negative_slopes"]
    assert line == (f"At z = {z:g} ReLU's slope is 0: no gradient. Leaky ReLU keeps {slope:g}, "
                    f"ELU {signed(expected['elu'])}, GELU {signed(expected['gelu'])} and SiLU "
                    f"{signed(expected['silu'])}.")


def dead_by_hand(p: params.Params, slope: float) -> int:
    """Units of the measured network whose slope is 0 on every example, by a forward pass written
    here (zero biases; He's scale unless [network] init says otherwise, as the network documents)."""
    n = p.network
    std = {"auto": np.sqrt(2 / n.width), "he": np.sqrt(2 / n.width), "normal": 1.0,
           "xavier": np.sqrt(1 / n.width)}[n.init]
    rng = np.random.default_rng(n.seed)
    h = np.random.default_rng([n.seed, 1]).normal(size=(n.batch, n.width))
    dead = 0
    for _ in range(n.depth):
        z = h @ rng.normal(0.0, std, size=(n.width, n.width))
        slopes = np.where(z > 0, 1.0, slope)
        dead += int(np.all(slopes == 0, axis=0).sum())
        h = np.where(z > 0, z, slope * z)
    return dead


def test_dead_units_of_relu_and_leaky_relu_on_the_same_network(case):
    p, f = case
    relu, leaky = dead_by_hand(p, 0.0), dead_by_hand(p, p.families.leaky_slope)
    assert (f.relu_dead, f.leaky_dead) == (relu, leaky) and leaky == 0 < relu
    assert f.lines["count_the_dead"] == (
        f"On our {p.network.depth}-layer network, ReLU has {relu} dead units of "
        f"{p.network.depth * p.network.width}; leaky ReLU, with slope {p.families.leaky_slope:g} on "
        f"the left, has {leaky}.")


def test_the_slopes_on_the_right_and_at_zero_are_the_ones_narrated(case):
    _, f = case
    right = {m.id: float(m.prime(f.z_extent * 10)) for m in f.members}
    assert all(v == pytest.approx(1.0, abs=1e-9) for v in right.values())
    zero = {m.id: float(m.prime(0.0)) for m in f.members if m.id in ("gelu", "silu")}
    assert zero == {"gelu": norm.cdf(0.0), "silu": expit(0.0)}
    assert "tends to 1," in f.lines["draw_their_slopes"] and "through 0.5 at z = 0" in f.lines["draw_their_slopes"]


def test_lines_fit_and_the_axes_hold_every_curve(case):
    _, f = case
    for line in f.lines.values():
        assert len(textwrap.wrap(line, CAPTION_CHARS)) <= CAPTION_LINES, line
    grid = np.linspace(-f.z_extent, f.z_extent, 401)
    low, high, _ = f.output_range
    s_low, s_high, _ = f.slope_range
    for m in f.members:
        assert low <= m.f(grid).min() and m.f(grid).max() <= high, m.id
        assert s_low <= m.prime(grid).min() and m.prime(grid).max() <= s_high, m.id
