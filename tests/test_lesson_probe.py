"""Scene 3's lesson (practice problem 1): its worked steps, against values computed independently."""

from __future__ import annotations

import math

import numpy as np
import pytest
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, strategies as st
from scipy.special import expit

from sigsat.lesson.display import fmt, fmt_percent
from sigsat.lesson.scenes import probe
from sigsat.lesson.params import from_mapping
from tests.conftest import PARAM_SETS


@pytest.fixture(params=list(PARAM_SETS))
def lesson(request, use_params):
    params = use_params(request.param)
    return params.saturation.probe_z, probe.build(params)


def test_the_lines_come_in_beat_order():
    assert list(probe.LINES) == [
        "pose_the_problem", "compute_the_output", "compute_the_slope",
        "compare_to_the_peak", "draw_the_conclusion",
    ]


# Worked by hand: 0.9933 x 0.00669 = 0.006645 -> 0.00665 (exact 0.006648); 0.9820 x 0.0180 =
# 0.017676 -> 0.0177 (exact 0.017663); 1 / (1 + 1808) = 0.00055279 and 0.0005528 x 0.9994 =
# 0.00055247 -> 0.000552 (exact 0.00055247), where 0.000553 x 0.9994 would give 0.000553.
@pytest.mark.parametrize("name, exp_neg_z, output, rest, slope, percent", [
    ("default", "0.00674", "0.9933", "0.00669", "0.00665", "2.7%"),
    ("alt1", "0.0183", "0.9820", "0.0180", "0.0177", "7.1%"),
    ("alt2", "1808", "0.0005528", "0.9994", "0.000552", "0.22%"),
])
def test_worked_steps_read_as_computed_by_hand(name, exp_neg_z, output, rest, slope, percent, use_params):
    p = probe.build(use_params(name))
    z = p.shown["z"]
    neg = z[1:] if z.startswith("-") else f"-{z}"
    assert p.output_steps == (
        rf"\sigma({z}) = \frac{{1}}{{1 + e^{{{neg}}}}}", rf"= \frac{{1}}{{1 + {exp_neg_z}}}", f"= {output}",
    )
    assert p.slope_steps[1:] == (rf"= {output} \times {rest}", f"= {slope}")
    assert p.ratio_steps[-1] == "= " + percent.replace("%", r"\%")
    lines = " ".join(p.lines.values())
    for number in (exp_neg_z, output, rest, slope, percent):
        assert number in lines


def test_values_match_an_independent_sigmoid(lesson):
    z, p = lesson
    s = float(expit(z))
    slope = s * (1.0 - s)
    assert p.output == pytest.approx(s, rel=1e-12)
    assert p.slope == pytest.approx(slope, rel=1e-9)
    assert p.share == pytest.approx(slope / 0.25, rel=1e-9)
    assert rounds_to(slope, p.shown["slope"]) and figures(p.shown["slope"]) >= 3 or slope == 0.25
    assert p.shown["percent"] == fmt_percent(slope / 0.25)
    assert rounds_to(math.exp(-z), p.shown["exp_neg_z"])
    assert f"At z = {fmt(z, 3)} the gradient is {fmt_percent(slope / 0.25)} of the maximum." \
        in p.lines["draw_the_conclusion"]


def figures(shown: str) -> int:
    return len(Decimal(shown).as_tuple().digits)


def rounds_to(exact: float, shown: str) -> bool:
    """Whether ``exact`` rounded (half up) where ``shown`` stops is ``shown``."""
    return Decimal(repr(float(exact))).quantize(Decimal(shown), rounding=ROUND_HALF_UP) == Decimal(shown)


def test_the_steps_on_screen_multiply_out_to_the_slope_on_screen(lesson):
    _, p = lesson
    e, output, rest, slope = (Decimal(p.shown[k]) for k in ("exp_neg_z", "output", "one_minus_output", "slope"))
    # 1 / (1 + e^{-z}) from the shown e^{-z} gives the shown sigma ...
    assert (1 / (1 + e)).quantize(output, rounding=ROUND_HALF_UP) == output
    # ... and the shown factors multiply to the shown slope.
    assert (output * rest).quantize(slope, rounding=ROUND_HALF_UP) == slope


@pytest.mark.parametrize("z, factors, slope", [
    (4.0, r"0.9820 \times 0.0180", "0.0177"),   # the 0.982 x 0.018 = 0.018
    (1.0, r"0.7311 \times 0.269", "0.197"),    # the 0.7311 times 0.269 gives 0.2
])
def test_a_worked_slope_keeps_the_figures_the_factors_carry(z, factors, slope):
    p = probe.build(from_mapping({"saturation": {"probe_z": z}}))
    assert p.slope_steps[1:] == (f"= {factors}", f"= {slope}")
    assert f"times {factors.split(' ')[-1]} gives {slope}." in p.lines["compute_the_slope"]


def test_the_default_reaches_the_lessons_conclusion(use_params):
    p = probe.build(use_params("default"))
    assert p.verdict == "Learning is extremely slow here"
    assert p.lines["draw_the_conclusion"].endswith("Learning is extremely slow in this saturated region.")


def test_the_verdict_follows_the_share():
    assert probe.build(from_mapping({"saturation": {"probe_z": 0.0}})).verdict == "Learning is fast here"
    assert probe.build(from_mapping({"saturation": {"probe_z": 2.0}})).verdict == "Learning is slowed down here"
    assert probe.build(from_mapping({"saturation": {"probe_z": -6.0}})).verdict.endswith("extremely slow here")


@given(st.floats(min_value=1e-6, max_value=1.0))
def test_zoom_magnifies_a_small_share_into_view_and_no_further(share):
    zoom = probe.zoom_for(share)
    assert zoom >= 1 and math.log10(zoom) == round(math.log10(zoom))  # a power of ten
    # the smallest power of ten that brings the share up to the target
    assert share * zoom >= probe.ZOOM_TARGET
    assert zoom == 1 or share * (zoom // 10) < probe.ZOOM_TARGET


@given(st.floats(min_value=-8.0, max_value=8.0))
def test_the_context_axis_holds_the_probe_in_three_ticks_a_side(z):
    p = probe.build(from_mapping({"saturation": {"probe_z": z}}))
    assert abs(z) + 1 <= p.z_extent
    assert p.z_extent % 3 == 0 and p.z_step * 3 == p.z_extent


def test_the_inset_is_there_when_the_bar_would_be_a_sliver(use_params):
    assert probe.build(use_params("alt2")).zoom == 100  # 0.22% of the peak
    assert probe.build(use_params("default")).zoom == 10
    assert probe.build(from_mapping({"saturation": {"probe_z": 1.0}})).zoom == 1
    assert np.isclose(probe.build(use_params("alt2")).share * 100, 0.2211, atol=1e-3)
