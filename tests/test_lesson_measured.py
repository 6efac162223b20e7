"""Scene 5's lesson: measured gradient norms, their log axis and the narrated ratios."""

from __future__ import annotations

import math
import re
import textwrap
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose

from sigsat.lesson import params
from sigsat.lesson.display import fmt, fmt_tex
from sigsat.lesson.scenes import measured
from sigsat.core.network import measure_gradients
from tests.conftest import PARAM_SETS, load_param_set as load

CAPTION_CHARS = 80  # scenes.common.LAYOUT.caption_chars (not imported: that module needs manim)
SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")



def measure(p: params.Params, activation: str) -> np.ndarray:
    n = p.network
    return measure_gradients(activation, n.depth, n.width, n.seed, n.init, n.batch).grad_norms


def parse(shown: str) -> float:
    """A number as fmt writes it, back to a float ("4.5×10⁻⁷" -> 4.5e-07)."""
    mantissa, _, exponent = shown.partition("×10")
    return float(mantissa) * 10.0 ** int(exponent.translate(SUPERSCRIPT) or 0)


# First layer's norm over the last one's, worked out once and written down; the test below
# recomputes them from the network. They carry the figures the spoken quotient needs: by default
# 0.23 / 4.5e-7 = 511000 reads 510000 where ReLU passes 520000 times as much back (0.2318 /
# 4.474e-7); 0.232 / 4.47e-7 = 519000 reads 520000. alt1: 0.19 / 0.00079 = 240, the true 235.
KNOWN_RATIOS = {"default": ("4.47×10⁻⁷", "0.232"), "alt1": ("0.000792", "0.186"),
                "alt2": ("0.0054", "0.082")}


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_narrated_ratios_are_first_over_last_layer(name):
    p = load(name)
    m = measured.build(p)
    sig, relu = measure(p, "sigmoid"), measure(p, "relu")
    sig_ratio, relu_ratio = sig[0] / sig[-1], relu[0] / relu[-1]
    assert (m.sigmoid.ratio_label, m.relu.ratio_label) == KNOWN_RATIOS[name]
    assert_allclose(parse(m.sigmoid.ratio_label), sig_ratio, rtol=0.05)
    assert_allclose(parse(m.relu.ratio_label), relu_ratio, rtol=0.05)
    line = m.lines["compare_first_and_last"]
    expected_start = (f"Layer 1 gets {KNOWN_RATIOS[name][0]} of layer {p.network.depth}'s gradient "
                      f"with sigmoid and {KNOWN_RATIOS[name][1]} with ReLU: ")
    assert line.startswith(expected_start)
    advantage = re.search(r": (\S+) times as much reaches the first layer with ReLU", line)
    assert advantage is not None
    assert_allclose(parse(advantage.group(1)), relu_ratio / sig_ratio, rtol=0.05)


def test_the_default_comparison_reads_as_the_lesson_expects():
    m = measured.build(load("default"))
    assert m.lines["compare_first_and_last"] == (
        "Layer 1 gets 4.47×10⁻⁷ of layer 10's gradient with sigmoid and 0.232 with ReLU: "
        "520000 times as much reaches the first layer with ReLU."
    )


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_plotted_values_are_the_measured_norms(name):
    p = load(name)
    m = measured.build(p)
    for series, activation in ((m.sigmoid, "sigmoid"), (m.relu, "relu")):
        norms = measure(p, activation)
        assert_allclose(series.norms, norms, rtol=1e-12)
        assert_allclose(series.log_norms, np.log10(norms), rtol=1e-12)


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_narrated_first_and_last_norms(name):
    p = load(name)
    lines = measured.build(p).lines
    for beat, activation in (("plot_sigmoid_gradients", "sigmoid"), ("plot_relu_gradients", "relu")):
        norms = measure(p, activation)
        found = re.search(r"falls from (\S+) to (\S+?)(?=[.:](?:\s|$))", lines[beat])
        assert found is not None, lines[beat]
        last, first = (parse(s) for s in found.groups())
        assert_allclose([last, first], [norms[-1], norms[0]], rtol=0.05)
        assert f"from layer {p.network.depth}" in lines[beat]


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_log_axis_holds_every_point_with_labelled_ends(name):
    m = measured.build(load(name))
    logs = m.sigmoid.log_norms + m.relu.log_norms
    assert m.y_low <= min(logs) and max(logs) <= m.y_high
    step = m.y_labels[1] - m.y_labels[0]
    assert m.y_low == step * math.floor(math.floor(min(logs)) / step)
    assert m.y_high == step * math.ceil(math.ceil(max(logs)) / step)
    assert m.y_labels[0] == m.y_low and m.y_labels[-1] == m.y_high
    assert len(m.y_labels) - 1 <= measured.MAX_Y_LABELS
    assert m.depth / m.x_step <= measured.MAX_X_LABELS


def test_alt2_axis_spans_the_exploding_relu_and_says_so():
    m = measured.build(load("alt2"))  # N(0, 1) weights, 30 layers of 64: ReLU norms near 1e46
    assert (m.y_low, m.y_high, m.y_labels[1] - m.y_labels[0]) == (-10, 50, 10)
    assert "badly scaled" in m.lines["plot_relu_gradients"]
    assert "badly scaled" not in measured.build(load("default")).lines["plot_relu_gradients"]
    assert m.sigmoid.legend == "sigmoid (N(0, 1) init)"
    assert "standard normal" in m.lines["describe_the_experiment"]


def test_auto_init_names_xavier_for_sigmoid_and_he_for_relu():
    m = measured.build(load("default"))
    assert (m.sigmoid.legend, m.relu.legend) == ("sigmoid (Xavier init)", "ReLU (He init)")
    assert m.setup == ("10 hidden layers", "32 units each", "batch 64, seed 0")


def test_the_deepest_widest_experiment_plots_every_layer():
    # (Its build time is a benchmark's business, not a test's.)
    p = load("alt2")  # depth 30, width 64
    m = measured.build(p)
    for series in (m.sigmoid, m.relu):
        assert len(series.log_norms) == p.network.depth
        assert all(v is None or math.isfinite(v) for v in series.log_norms)
    assert math.isfinite(m.y_low) and m.y_low <= min(v for v in m.sigmoid.log_norms if v is not None)


def test_a_dead_relu_network_is_plotted_and_narrated_without_a_ratio():
    m = measured.build(params.from_mapping({"network": {"depth": 10, "width": 2}}))
    assert all(v is None for v in m.relu.log_norms) and m.relu.ratio is None  # 0 / 0: undefined
    assert "stays at 0" in m.lines["plot_relu_gradients"]
    line = m.lines["compare_first_and_last"]
    assert "with ReLU no gradient reaches layer 1 at all" in line and "dead ReLU units" in line
    assert "0 with ReLU" not in line and m.relu.ratio_label == "none"
    assert math.isfinite(m.y_low) and m.y_low <= min(m.sigmoid.log_norms)


@given(st.floats(min_value=1e6, max_value=1e300))
def test_fmt_writes_large_numbers_as_two_figures_times_a_power(x):
    shown = fmt(x)
    mantissa, _, exponent = shown.partition("×10")
    assert 1 <= float(mantissa) < 10 and len(mantissa.replace(".", "")) <= 2
    assert int(exponent.translate(SUPERSCRIPT)) == math.floor(math.log10(x)) or float(mantissa) == 1
    assert_allclose(parse(shown), float(f"{x:.1e}"), rtol=0.011)


# Up to 994999: from 995000 the two-figure value is 1.0×10⁶, written as a power of ten.
@given(st.floats(min_value=1e-300, max_value=994_999))
def test_fmt_below_a_million_is_the_nearest_two_figure_decimal(x):
    # Exact arithmetic: the shown value must be a multiple of the second figure's place value and
    # at most half of it away from x (a hair more for halves, which fmt rounds up from x's
    # shortest decimal form); plain decimals from 1e-6 up, powers of ten below.
    shown = fmt(x)
    assert ("×10" in shown) == (x < 1e-6), shown
    mantissa, _, exponent = shown.partition("×10")
    value = Fraction(mantissa) * Fraction(10) ** int(exponent.translate(SUPERSCRIPT) or 0)
    exact = Fraction(x)
    e = math.floor(math.log10(x))
    e += (Fraction(10) ** (e + 1) <= exact) - (Fraction(10) ** e > exact)  # log10's rounding
    place = Fraction(10) ** (e - 1)
    assert (value / place).denominator == 1, (x, shown)
    assert abs(value - exact) <= place / 2 + exact * Fraction(1, 10**15), (x, shown)


def test_fmt_tex():
    assert fmt_tex(2.29e46) == r"2.3 \times 10^{46}"
    assert fmt_tex(9.96e9) == r"1.0 \times 10^{10}"  # the zero is significant
    assert fmt_tex(4.47e-7) == r"4.5 \times 10^{-7}"


@given(st.floats(min_value=1e-300, max_value=1e300), st.floats(min_value=1.0, max_value=1e30))
def test_log_axis_holds_both_values(smallest, factor):
    largest = min(smallest * factor, 1e300)
    low, high, step = measured.log_axis(smallest, largest)
    assert 10.0 ** low <= smallest * (1 + 1e-12) and largest <= 10.0 ** high * (1 + 1e-12)
    assert low % step == 0 and high % step == 0 and high > low
    assert (high - low) / step <= measured.MAX_Y_LABELS


# The longest numerals the parameters allow, without measuring a 30 x 256 network on 4096 examples.
@pytest.mark.parametrize("depth, width, batch", [(2, 2, 4096), (30, 2, 4096), (2, 256, 4096),
                                                 (30, 256, 64)])
@pytest.mark.parametrize("init", ["auto", "xavier", "he", "normal"])
def test_every_line_fits_the_two_line_caption(depth, width, batch, init):
    p = params.from_mapping({"network": dict(depth=depth, width=width, init=init, seed=4294967295,
                                             batch=batch)})
    for beat, line in measured.build(p).lines.items():
        assert len(textwrap.wrap(line, CAPTION_CHARS)) <= 2, (beat, line)
