"""Activations against independent oracles: scipy, identities, central differences, extremes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.testing import assert_allclose
from scipy.special import expit

from sigsat.core import activations as A

finite_z = st.floats(min_value=-700, max_value=700, allow_nan=False)
moderate_z = st.floats(min_value=-30, max_value=30, allow_nan=False)


def central_difference(f, z, h=1e-5):
    return (f(z + h) - f(z - h)) / (2 * h)


def test_known_values_of_the_lesson():
    assert A.sigmoid(0.0) == 0.5
    assert A.sigmoid_prime(0.0) == 0.25
    assert_allclose(A.sigmoid(5.0), 1 / (1 + np.exp(-5.0)), rtol=1e-15)
    assert round(float(A.sigmoid_prime(5.0)), 6) == 0.006648
    assert round(float(A.sigmoid_prime(3.0)), 3) == 0.045


@given(finite_z)
def test_sigmoid_matches_scipy_expit(z):
    assert_allclose(A.sigmoid(z), expit(z), rtol=1e-14, atol=0)


@given(finite_z)
def test_sigmoid_symmetry_and_bounds(z):
    s = A.sigmoid(z)
    assert 0.0 <= s <= 1.0
    assert_allclose(A.sigmoid(-z), 1.0 - s, atol=1e-15)


@given(finite_z)
def test_sigmoid_prime_is_bounded_by_the_peak_and_even(z):
    d = A.sigmoid_prime(z)
    assert 0.0 <= d <= A.SIGMOID_PEAK_SLOPE
    assert A.sigmoid_prime(-z) == d


@given(moderate_z)
def test_sigmoid_prime_is_sigma_times_one_minus_sigma(z):
    # sigma(z)(1 - sigma(z)) = sigma(z) sigma(-z): the product form avoids cancellation in 1 - sigma.
    assert_allclose(A.sigmoid_prime(z), expit(z) * expit(-z), rtol=1e-13, atol=1e-300)


def test_sigmoid_prime_keeps_precision_in_the_tails():
    # sigma'(z) ~ e^{-|z|} for large |z|; 1 - sigma(z) would round to 0 beyond z = 37.
    for z in (40.0, 100.0, 700.0):
        assert_allclose(A.sigmoid_prime(z), np.exp(-z), rtol=1e-12)


@pytest.mark.parametrize(
    "f, fprime",
    [(A.sigmoid, A.sigmoid_prime), (A.tanh, A.tanh_prime), (A.relu, A.relu_prime),
     (A.leaky_relu, A.leaky_relu_prime)],
    ids=["sigmoid", "tanh", "relu", "leaky_relu"],
)
def test_derivatives_match_central_differences(f, fprime):
    z = np.linspace(-8, 8, 161) + 0.0123  # stays off the kink at 0
    assert_allclose(fprime(z), central_difference(f, z), rtol=1e-6, atol=1e-9)


@given(moderate_z)
def test_tanh_is_twice_sigmoid_of_twice_z_minus_one(z):
    assert_allclose(A.tanh(z), 2 * expit(2 * z) - 1, atol=1e-14)
    assert_allclose(A.tanh_prime(z), 1 - np.tanh(z) ** 2, atol=1e-14)


def test_conventions_at_the_kink():
    assert A.relu_prime(0.0) == 0.0
    assert A.leaky_relu_prime(0.0, alpha=0.1) == 0.1
    assert A.relu(0.0) == 0.0


def test_no_warnings_at_extremes():
    z = np.array([-1000.0, -745.0, -1e308, 0.0, 1e308, 745.0, 1000.0, -np.inf, np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is right
            for f in (A.sigmoid, A.sigmoid_prime, A.tanh, A.tanh_prime, A.relu, A.relu_prime,
                      A.leaky_relu, A.leaky_relu_prime):
                out = f(z)
                assert not np.any(np.isnan(out)), f.__name__
    assert A.sigmoid(-1000.0) == 0.0 and A.sigmoid(1000.0) == 1.0


@pytest.mark.parametrize("f", [A.sigmoid, A.sigmoid_prime, A.tanh, A.tanh_prime, A.relu,
                               A.relu_prime, A.leaky_relu, A.leaky_relu_prime])
def test_scalar_in_scalar_out_and_vectorised(f):
    assert np.ndim(f(1.5)) == 0 and isinstance(f(1.5), float)
    grid = np.linspace(-3, 3, 12).reshape(3, 4)
    out = f(grid)
    assert out.shape == grid.shape
    assert_allclose(out.ravel(), [f(float(v)) for v in grid.ravel()])


@settings(max_examples=50)
@given(st.floats(min_value=0.5, max_value=20))
def test_sigmoid_saturates_beyond_three(z):
    # The lesson's claim: beyond |z| of about 3, output within 5% of 0 or 1 and slope under a fifth of the peak.
    if z >= 3:
        assert A.sigmoid(z) > 0.95 and A.sigmoid(-z) < 0.05
        assert A.sigmoid_prime(z) < 0.2 * A.SIGMOID_PEAK_SLOPE
