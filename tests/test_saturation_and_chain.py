"""Saturation threshold, gradient chain and the practice problems against independent oracles."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose
from scipy.optimize import brentq
from scipy.special import expit

from sigsat.core.chain import gradient_chain, weight_update
from sigsat.core.problems import slope_at_probe, vanishing_chain
from sigsat.lesson.worked import chain_shown, probe_shown
from sigsat.core.saturation import saturation_threshold, slope_fraction


def oracle_slope_fraction(z):
    return 4 * expit(z) * expit(-z)  # = 4 sigma (1 - sigma), without cancellation


@given(st.floats(min_value=-30, max_value=30))
def test_slope_fraction_is_four_sigma_one_minus_sigma(z):
    assert_allclose(slope_fraction(z), oracle_slope_fraction(z), rtol=1e-12, atol=1e-300)


@given(st.floats(min_value=1e-6, max_value=0.999))
def test_threshold_is_where_the_slope_falls_to_the_fraction(fraction):
    root = brentq(lambda z: oracle_slope_fraction(z) - fraction, 0.0, 60.0, xtol=1e-13)
    assert_allclose(saturation_threshold(fraction), root, rtol=1e-8, atol=1e-9)


def test_threshold_of_the_whole_peak_is_zero_and_roundtrip():
    assert saturation_threshold(1.0) == 0.0
    z = np.array([0.5, 3.0, 5.0, 10.0])
    assert_allclose(saturation_threshold(slope_fraction(z)), z, rtol=1e-9)


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5, float("nan")])
def test_threshold_refuses_fractions_outside_0_1(bad):
    with pytest.raises(ValueError, match="fraction"):
        saturation_threshold(bad)


def test_the_lessons_chain_and_update():
    g = gradient_chain([0.2] * 5)
    assert_allclose(g, [0.2, 0.04, 0.008, 0.0016, 0.00032], rtol=1e-12)
    assert_allclose(weight_update(0.1, g[-1]), 0.000032, rtol=1e-12)


@given(st.lists(st.floats(min_value=1e-3, max_value=2.0), min_size=1, max_size=30))
def test_chain_is_the_running_product(factors):
    expected = [math.prod(factors[: k + 1]) for k in range(len(factors))]
    assert_allclose(gradient_chain(factors), expected, rtol=1e-12)


def test_chain_refuses_empty_or_2d_input():
    for bad in ([], [[0.2, 0.2]]):
        with pytest.raises(ValueError):
            gradient_chain(bad)


def test_problem_one_as_the_lesson_states_it():
    p = slope_at_probe(5.0)
    shown = probe_shown(p)
    assert shown["output"] == "0.9933"
    assert shown["exp_neg_z"] == "0.00674"
    # exact 0.006648; the lesson's 0.0067 multiplies rounded factors (0.9933 x 0.0067 = 0.006655).
    # Worked to three figures: 0.9933 x 0.00669 = 0.006645 -> 0.00665, as the exact value rounds.
    assert (shown["one_minus_output"], shown["slope"]) == ("0.00669", "0.00665")
    assert shown["percent"] == "2.7%"
    assert_allclose(p.share_of_peak, expit(5) * (1 - expit(5)) / 0.25, rtol=1e-12)


def test_problem_two_as_the_lesson_states_it():
    c = vanishing_chain(5, 0.2, 0.1)
    shown = chain_shown(c)[0]
    assert shown["total"] == "0.00032" and shown["update"] == "0.000032"
    assert c.layers == 5
    assert_allclose(c.total, 0.2**5, rtol=1e-12)


@given(st.integers(1, 12), st.floats(0.01, 1.0), st.floats(1e-3, 10.0))
def test_problem_two_for_any_parameters(layers, per_layer, lr):
    c = vanishing_chain(layers, per_layer, lr)
    assert_allclose(c.total, per_layer**layers, rtol=1e-12)
    assert_allclose(c.update, lr * per_layer**layers, rtol=1e-12)


def test_problem_two_below_a_floats_range():
    # 1e-100 ** 12 underflows a float to 0 (the old "math domain error"): the exact value is kept.
    c = vanishing_chain(12, 1e-100, 0.1)
    assert c.exact_gradients[-1] == Decimal("1e-1200") and c.exact_update == Decimal("1e-1201")
    shown = chain_shown(c)[0]
    assert shown["total"] == "1×10⁻¹²⁰⁰" and shown["update"] == "1×10⁻¹²⁰¹"
    assert c.total == 0.0  # as a float, for drawing only
