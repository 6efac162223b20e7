"""Scene 2's lesson: the numbers it shows and says, against values computed independently."""

from __future__ import annotations

import pytest
from decimal import Decimal

from scipy.special import expit

from sigsat.lesson.display import fmt, fmt_percent
from sigsat.lesson.scenes import derivative
from tests.conftest import PARAM_SETS


def oracle_slope(z: float) -> float:
    s = float(expit(z))
    return s * (1.0 - s)


@pytest.fixture(params=list(PARAM_SETS))
def lesson(request, use_params):
    params = use_params(request.param)
    return params, derivative.build(params)


def test_the_lines_come_in_beat_order_and_are_filled():
    assert list(derivative.LINES) == [
        "draw_sigmoid_and_slope", "trace_slope_along_curve", "mark_the_peak",
        "show_the_algebra", "mark_the_threshold_slope",
    ]


def test_peak_is_a_quarter_at_zero(lesson):
    _, d = lesson
    assert d.peak_z == 0.0
    assert d.peak_output == pytest.approx(float(expit(0.0)), abs=0)
    assert d.peak_slope == pytest.approx(oracle_slope(0.0), rel=1e-15)
    assert "its peak is 0.25." in d.lines["mark_the_peak"]
    assert "the slope is 0.5 times 0.5, which is 0.25." in d.lines["show_the_algebra"]


def test_the_algebra_multiplies_out_step_by_step(lesson):
    _, d = lesson
    slope, formula, substituted, multiplied, result = d.algebra
    assert (slope, formula) == (r"\sigma'(0)", r"= \sigma(0)\,\bigl(1 - \sigma(0)\bigr)")
    assert substituted == r"= 0.5 \times (1 - 0.5)"
    assert multiplied == r"= 0.5 \times 0.5"
    assert result == f"= {fmt(0.5 * 0.5)}" == "= 0.25"


def test_threshold_slope_and_share_match_an_independent_sigmoid(lesson):
    params, d = lesson
    t = params.saturation.threshold
    slope = oracle_slope(t)
    assert d.threshold_slope == pytest.approx(slope, rel=1e-12)
    assert d.threshold_slope == pytest.approx(oracle_slope(-t), rel=1e-12)  # both signs
    assert d.threshold_share == pytest.approx(slope / 0.25, rel=1e-12)
    line = d.lines["mark_the_threshold_slope"]
    assert f"z = {t:g} or {-t:g}" in line
    shown = Decimal(d.shown["threshold_slope"])
    assert Decimal(repr(slope)).quantize(shown, rounding="ROUND_HALF_UP") == shown
    assert f"fallen to {d.shown['threshold_slope']}, {fmt_percent(slope / 0.25)} of the peak." in line


# By hand: sigma'(2.5) = 0.070104 (0.070: its zero is significant); sigma'(4) = 0.017663, and
# 0.018 / 0.25 = 7.2% where the share is 7.07%: the slope needs a third figure, 0.0177 / 0.25 = 7.1%.
@pytest.mark.parametrize("name, expected", [
    ("default", ("3", "0.045", "18%")),
    ("alt1", ("2.5", "0.070", "28%")),
    ("alt2", ("4", "0.0177", "7.1%")),
])
def test_threshold_line_reads_as_computed_by_hand(name, expected, use_params):
    d = derivative.build(use_params(name))
    assert (d.shown["threshold"], d.shown["threshold_slope"], d.shown["threshold_percent"]) == expected


def test_axes_hold_the_curves_and_the_threshold(lesson):
    params, d = lesson
    low, high, step = d.slope_range
    assert low == 0 and high > d.peak_slope and step > 0
    assert d.output_range[:2] == (0.0, 1.0)
    assert d.z_extent >= params.saturation.threshold + 1
    assert d.z_extent / d.z_step <= 6  # at most 13 numbered ticks along the shared z axis


@pytest.mark.parametrize("threshold", [0.5, 3.0, 8.0])
def test_the_live_slope_readout_ends_on_two_figures_like_scene_1s(threshold):
    # Scene 2's readout had a fixed 4 decimals: sigma'(9) = 0.000123 read 0.0001.
    from sigsat.lesson.params import from_mapping

    d = derivative.build(from_mapping({"saturation": {"threshold": threshold}}))
    end = oracle_slope(d.z_extent)  # the sweep stops at the right end of the z axis
    text = f"{end:.{d.slope_places}f}"
    assert len(text.replace(".", "").lstrip("0")) == 2, text
    assert abs(float(text) - end) <= 0.5 * 10 ** -d.slope_places
