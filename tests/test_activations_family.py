"""Part two's activations (tanh, ELU, GELU, SiLU, leaky ReLU) against independent references.

mpmath is not in the venv, so derivatives are checked by the complex step,
f'(x) = Im f(x + ih) / h with h = 1e-30: no subtraction, so it is exact to rounding, and it runs
on reference formulas written here with scipy's complex ``erfc`` and numpy's complex ``exp`` /
``tanh``, not on the code under test. Values are checked against scipy (``ndtr``, ``expit``)
and against long-double (float128) evaluations; kinks are checked by one-sided long-double
central differences.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import erfc, expit, ndtr

from sigsat.core import activations as A

#: Extremes, 0 and its neighbours, and a dense stretch where the curves bend.
GRID = np.concatenate([
    [-1000.0, -745.0, -300.0, -100.0, -40.0, -20.0, -1e-8, 0.0, 1e-8, 20.0, 40.0, 100.0, 300.0,
     745.0, 1000.0],
    np.linspace(-10.0, 10.0, 401),
])
STEP = 1e-30  # complex step: any h this small is exact, there is no cancellation


def _ref_gelu(x):
    return x * 0.5 * erfc(-x / np.sqrt(2.0))


def _ref_silu(x):
    # z sigma(z), written per side so that the complex exponential never overflows
    e = np.exp(-x) if x.real >= 0 else np.exp(x)
    return x / (1.0 + e) if x.real >= 0 else x * e / (1.0 + e)


def _ref_elu(alpha):
    return lambda x: x if x.real > 0 else alpha * (np.exp(x) - 1.0)


def _ref_tanh(x):
    return np.tanh(x)


def _ref_leaky(alpha):
    return lambda x: x if x.real > 0 else alpha * x


def complex_step(f, grid):
    with np.errstate(all="ignore"):  # the reference's own tails; its results are checked finite
        out = np.array([(f(complex(x, STEP))).imag / STEP for x in grid])
    assert np.all(np.isfinite(out))
    return out


CASES = [
    ("tanh", A.tanh_prime, _ref_tanh),
    ("gelu", A.gelu_prime, _ref_gelu),
    ("silu", A.silu_prime, _ref_silu),
    ("elu", A.elu_prime, _ref_elu(1.0)),
    ("leaky_relu", lambda z: A.leaky_relu_prime(z, alpha=0.01), _ref_leaky(0.01)),
]


@pytest.mark.parametrize("name, prime, reference", CASES, ids=[c[0] for c in CASES])
def test_derivatives_match_the_complex_step_on_a_grid_with_extremes(name, prime, reference):
    grid = GRID if name != "leaky_relu" else GRID[GRID != 0]  # the kink: see the conventions
    assert_allclose(prime(grid), complex_step(reference, grid), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("alpha", [0.1, 0.5, 2.0])
def test_elu_prime_for_other_alphas_off_the_kink(alpha):
    grid = GRID[GRID != 0]
    assert_allclose(A.elu_prime(grid, alpha=alpha), complex_step(_ref_elu(alpha), grid),
                    rtol=1e-12, atol=1e-300)


def test_values_match_scipy_and_long_double():
    z = GRID
    # in the far left tail the rounding of z/sqrt(2) is amplified z^2-fold in erfc: 1e-12
    assert_allclose(A.gelu(z), z * ndtr(z), rtol=1e-12, atol=1e-300)
    assert_allclose(A.silu(z), z * expit(z), rtol=1e-14, atol=1e-300)
    with np.errstate(under="ignore"):
        long = z.astype(np.longdouble)
        elu_long = np.where(long > 0, long, np.expm1(np.minimum(long, 0)))
        assert_allclose(A.elu(z), elu_long.astype(float), rtol=1e-15, atol=1e-300)
        assert_allclose(A.tanh(z), np.tanh(long).astype(float), rtol=1e-15, atol=1e-300)


def test_long_double_central_differences_agree_where_the_complex_step_cannot_reach():
    # One-sided differences at the kinks, in float128, of float128 reference formulas.
    h = np.longdouble("1e-9")
    zero = np.longdouble(0)
    left_elu = (np.expm1(zero) - np.expm1(zero - h)) / h
    assert abs(float(left_elu) - A.elu_prime(0.0)) < 1e-8, "ELU at 0 takes the left slope, alpha e^0"
    assert A.elu_prime(0.0, alpha=0.3) == pytest.approx(0.3)
    assert A.leaky_relu_prime(0.0, alpha=0.2) == 0.2
    # GELU near its steepest point, against long-double differences of z Phi(z) with Phi from erfc.
    for z in (-1.41, 0.0, 1.41):
        zl = np.longdouble(z)
        up, down = zl + np.longdouble("1e-6"), zl - np.longdouble("1e-6")
        diff = (up * ndtr(float(up)) - down * ndtr(float(down))) / np.longdouble("2e-6")
        assert abs(float(diff) - A.gelu_prime(z)) < 1e-8


def test_known_values_and_shape_of_each_curve():
    assert A.tanh_prime(0.0) == A.TANH_PEAK_SLOPE == 4 * A.SIGMOID_PEAK_SLOPE
    assert A.gelu_prime(0.0) == 0.5 and A.silu_prime(0.0) == 0.5
    # Taylor at 0: GELU(z) = z/2 + z^2/sqrt(2 pi) + O(z^4); SiLU(z) = z/2 + z^2/4 + O(z^4)
    for z in (1e-3, -1e-3):
        assert A.gelu(z) == pytest.approx(z / 2 + z * z / np.sqrt(2 * np.pi), rel=1e-6)
        assert A.silu(z) == pytest.approx(z / 2 + z * z / 4, rel=1e-6)
    # Both dip below 0 for negative z (the slope a unit keeps there is small but not 0)
    assert A.gelu_prime(-1.5) < 0 and A.silu_prime(-2.5) < 0
    assert A.elu(-1000.0) == -1.0 and A.elu_prime(-1000.0) == 0.0


FUNCTIONS = [A.tanh, A.tanh_prime, A.elu, A.elu_prime, A.gelu, A.gelu_prime, A.silu, A.silu_prime,
             A.leaky_relu, A.leaky_relu_prime]


def test_no_warnings_and_right_limits_at_extremes():
    z = np.array([-np.inf, -1e308, -1000.0, -745.0, 0.0, 745.0, 1000.0, 1e308, np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is right
            outs = {f.__name__: f(z) for f in FUNCTIONS}
    assert not any(np.any(np.isnan(v)) for v in outs.values())
    for name in ("gelu_prime", "silu_prime", "elu_prime", "tanh_prime"):
        assert outs[name][0] == 0.0, f"{name} vanishes at -inf"
    assert outs["gelu_prime"][-1] == outs["silu_prime"][-1] == 1.0
    assert outs["gelu"][0] == outs["silu"][0] == 0.0 and outs["elu"][0] == -1.0


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_scalar_in_scalar_out_and_vectorised(f):
    assert np.ndim(f(1.5)) == 0 and isinstance(f(1.5), float)
    grid = np.linspace(-3, 3, 12).reshape(3, 4)
    out = f(grid)
    assert out.shape == grid.shape
    assert_allclose(out.ravel(), [f(float(v)) for v in grid.ravel()])
