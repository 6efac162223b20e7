"""Scene 4's lesson: the gradient chain, its log-scale bars and the narrated numbers, by hand."""

from __future__ import annotations

import math
import textwrap
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose

from sigsat.lesson import params
from sigsat.lesson.display import fmt
from sigsat.lesson.scenes import chain, label_step
from tests.conftest import PARAM_SETS, load_param_set as load

CAPTION_CHARS = 80  # scenes.common.LAYOUT.caption_chars (not imported: that module needs manim)


def as_written(x: float) -> str:
    """A parameter as a user writes it in the TOML file (0.25, 2, 0.125)."""
    text = format(Decimal(repr(x)).normalize(), "f")
    return text


def agrees(label: str, exact: Decimal) -> bool:
    """Whether ``label`` is ``exact`` rounded where ``label`` stops (half up), with >= 2 figures."""
    shown = Decimal(label)
    digits = len(shown.as_tuple().digits)
    return exact.quantize(shown, rounding="ROUND_HALF_UP") == shown and (digits >= 2 or shown == exact)



@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_gradients_are_powers_of_the_per_layer_gradient(name):
    p = load(name).chain
    c = chain.build(load(name))
    # layer i (1 = next to the input) has been multiplied by the local gradient layers - i + 1 times
    expected = [p.per_layer_gradient ** (p.layers - i + 1) for i in range(1, p.layers + 1)]
    assert_allclose(c.gradients, expected, rtol=1e-12)
    per = Decimal(repr(p.per_layer_gradient))
    for i, label in enumerate(c.gradient_labels, start=1):  # layer 1 has the most factors
        assert agrees(label, per ** (p.layers - i + 1)), (i, label)
    assert c.gradient_labels[-1] == as_written(p.per_layer_gradient), "after one layer: the parameter"
    assert_allclose(c.total, p.per_layer_gradient ** p.layers, rtol=1e-12)
    assert_allclose(c.update, p.learning_rate * p.per_layer_gradient ** p.layers, rtol=1e-12)


# What the lesson and the parameter files give, worked out by hand. alt1: 0.25^8 = 0.0000152588
# and 0.05 x 0.0000152588 = 7.63e-7; with the total to 2 figures 0.05 x 0.000015 = 7.5e-7 and to 3,
# 0.05 x 0.0000153 = 7.65e-7 -> 7.7e-7: only 4 figures, 0.00001526, multiply out to 7.6e-7.
# alt2: 0.9^12 = 0.2824, 1 / 0.28 = 3.57 but 1 / 0.2824 = 3.54: the slowdown 3.5 needs 0.282.
KNOWN = {
    "default": dict(total="0.00032", update="0.000032", update_tex="0.000032",
                    first_steps=("0.2 after one layer", "0.04 after two"), low=-4),
    "alt1": dict(total="0.00001526", update="7.6×10⁻⁷", update_tex=r"7.6 \times 10^{-7}",
                 first_steps=("0.25 after one layer", "0.063 after two"), low=-5),
    "alt2": dict(total="0.282", update="0.56", update_tex="0.56",
                 first_steps=("0.9 after one layer", "0.81 after two"), low=-1),
}


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_narrated_numbers(name):
    p, known = load(name).chain, KNOWN[name]
    lines = chain.build(load(name)).lines
    per = as_written(p.per_layer_gradient)
    assert lines["compute_the_total"] == (
        f"So the gradient that reaches layer 1 is {per} to the power {p.layers}: {known['total']}."
    )
    for step in known["first_steps"]:
        assert step in lines["multiply_at_every_layer"]
    assert f"down to {known['total']} at layer 1" in lines["multiply_at_every_layer"]
    lr = as_written(p.learning_rate)
    assert f"by {lr} times {known['total']}, or {known['update']}:" in lines["update_the_first_layer"]
    assert f"{p.layers} layers" in lines["line_up_the_layers"]


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_formulas_on_screen(name):
    p, known = load(name).chain, KNOWN[name]
    c = chain.build(load(name))
    per = as_written(p.per_layer_gradient)
    assert c.total_tex == f"{per}^{{{p.layers}}} = {known['total']}"
    assert c.update_tex.endswith(f"= {known['update_tex']}")
    assert c.factor_label == f"×{per}"


def test_the_lesson_says_barely_learns_only_when_the_gradient_vanished():
    for name in ("default", "alt1"):  # 0.00032 and 0.000015 reach the first layer
        c = chain.build(load(name))
        assert "barely learns" in c.lines["update_the_first_layer"]
        assert c.verdict == "the first layer barely learns"
    alt2 = chain.build(load("alt2"))  # 0.9 ** 12 = 0.28: shrunk, not vanished
    for line in alt2.lines.values():
        assert "barely" not in line and "vanish" not in line and "negligible" not in line
    assert f"{1 / 0.9 ** 12:.1f} times more slowly" in alt2.lines["update_the_first_layer"]
    assert "0.282 at layer 1" in alt2.lines["multiply_at_every_layer"]  # 1 / 0.282 = 3.5
    kept = chain.build(params.from_mapping({"chain": {"layers": 3, "per_layer_gradient": 0.95}}))
    assert "still learns" in kept.lines["update_the_first_layer"]
    assert "86%" in kept.lines["update_the_first_layer"]  # 0.95 ** 3 = 0.857


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_bars_sit_on_a_log_scale_that_holds_them(name):
    c = chain.build(load(name))
    assert c.scale_low == KNOWN[name]["low"]
    assert c.scale_low <= math.log10(min(c.gradients)) < c.scale_low + 1
    expected = [(math.log10(g) - c.scale_low) / -c.scale_low for g in c.gradients]
    assert_allclose(c.bar_heights, expected, rtol=1e-12)
    assert all(0 <= h <= 1 for h in c.bar_heights)
    # equal factors, equal steps: the tops lie on a straight line, as the narration says
    steps = np.diff(c.bar_heights)
    assert_allclose(steps, steps[0], rtol=1e-9)
    assert c.scale_labels[0] == 0 and set(c.scale_labels) <= set(c.scale_grid)
    assert min(c.scale_grid) == c.scale_low


@given(st.integers(min_value=1, max_value=300), st.integers(min_value=1, max_value=10))
def test_label_step_is_the_smallest_round_step_that_fits(decades, most):
    step = label_step(decades, most)
    assert decades / step <= most
    rounds = (1, 2, 5, 10, 20, 50, 100, 200, 500)
    if step in rounds:
        smaller = [r for r in rounds if r < step]
        assert all(decades / r > most for r in smaller)


@given(st.floats(min_value=1e-300, max_value=1.0))
def test_decade_range_is_the_floor_of_log10_but_below_one(smallest):
    low = chain.decade_range(math.log10(smallest))
    assert low <= -1
    assert 10.0 ** low <= smallest * (1 + 1e-12)
    if smallest < 0.1:
        assert smallest < 10.0 ** (low + 1)


@pytest.mark.parametrize("layers", [1, 2, 3, 5, 12])
@pytest.mark.parametrize("per_layer", [0.01, 0.0625, 0.2, 0.25, 0.5, 0.9, 0.999, 1.0])
@pytest.mark.parametrize("learning_rate", [0.001, 0.1, 2.0, 10.0])
def test_every_line_fits_the_two_line_caption(layers, per_layer, learning_rate):
    p = params.from_mapping({"chain": dict(layers=layers, per_layer_gradient=per_layer,
                                           learning_rate=learning_rate)})
    for beat, line in chain.build(p).lines.items():
        assert len(textwrap.wrap(line, CAPTION_CHARS)) <= 2, (beat, line)


def test_one_layer_and_a_factor_of_one_read_correctly():
    one = chain.build(params.from_mapping({"chain": {"layers": 1}}))
    assert "a chain of one layer" in one.lines["line_up_the_layers"]
    assert "0.2 at layer 1" in one.lines["multiply_at_every_layer"]
    flat = chain.build(params.from_mapping({"chain": {"per_layer_gradient": 1.0}}))
    assert "still 1 at layer 1" in flat.lines["multiply_at_every_layer"]
    assert "still learns" in flat.lines["update_the_first_layer"]
