"""Scene 1's numbers: narration and readouts against scipy, under the three parameter sets."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from scipy.special import expit

from sigsat.lesson import params
from sigsat.lesson.scenes import saturation
from tests.conftest import PARAM_SETS


def significant(text: str) -> int:
    """Significant figures of a fixed-point readout ("0.0066" -> 2, "0.9933" -> 4)."""
    return len(text.replace("-", "").replace(".", "").lstrip("0"))


def rounds_to(exact: float, shown: str) -> bool:
    return Decimal(repr(float(exact))).quantize(Decimal(shown), rounding=ROUND_HALF_UP) == Decimal(shown)


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_narrated_numbers_and_final_readouts(name):
    p = params.load(PARAM_SETS[name]) if PARAM_SETS[name] else params.Params()
    s = saturation.build(p)
    z, t = p.saturation.probe_z, p.saturation.threshold
    slope = expit(z) * expit(-z)
    # "within g of 0 or 1" is a bound: true beyond the threshold, and no looser than its last digit
    gap = re.search(r"within (\S+) of 0 or 1", s.lines["shade_the_tails"]).group(1)
    last_digit = float(Decimal(1).scaleb(Decimal(gap).as_tuple().exponent))
    assert expit(-t) <= float(gap) < expit(-t) + last_digit
    said = re.search(rf"only (\S+) at z = {z:g}\.", s.lines["follow_the_probe"]).group(1)
    assert rounds_to(slope, said) and significant(said) == 2
    # The live readouts stop on the values the narration says, to their figures: sigma'(z) to 2,
    # sigma(z) to 4 (one decimal fewer is one figure fewer: the test fails).
    slope_readout = f"{slope:.{s.slope_places}f}"
    output_readout = f"{expit(z):.{s.output_places}f}"
    assert slope_readout == said
    assert significant(output_readout) == 4 and rounds_to(expit(z), output_readout)
    share = 4 * expit(s.plateau_z) * expit(-s.plateau_z)
    percent = re.search(r"moves (\S+)% as far", s.lines["push_the_ball"]).group(1)
    assert rounds_to(100 * share, percent) and significant(percent) == 2
    assert abs(s.plateau_z) >= t and s.z_extent >= abs(z) + 1


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_both_pushed_balls_stay_on_the_plot(name):
    # The scene rolls a ball from z = 0 by `push` and one from the plateau by `push` times the
    # slope's share of the peak (4 sigma(z) sigma(-z)); both must end inside the drawn z range.
    p = params.load(PARAM_SETS[name]) if PARAM_SETS[name] else params.Params()
    s = saturation.build(p)
    assert s.push > 0
    share = 4 * expit(s.plateau_z) * expit(-s.plateau_z)
    for start, moved in ((0.0, s.push), (s.plateau_z, s.push * share)):
        assert -s.z_extent <= start + moved <= s.z_extent


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_the_axes_span_the_curve_with_few_whole_ticks(name):
    # The output axis runs over the sigmoid's whole range, 0 to 1; the z axis has whole-number
    # ticks, at most 6 either side of 0 (more crowd the numbers on the plot).
    p = params.load(PARAM_SETS[name]) if PARAM_SETS[name] else params.Params()
    s = saturation.build(p)
    low, high, step = s.output_range
    assert (low, high) == (0, 1) and step > 0 and (high - low) / step == int((high - low) / step)
    assert s.z_step == int(s.z_step) and 3 <= s.z_extent // s.z_step <= 6


def test_the_tail_gap_is_a_true_bound_at_the_threshold():
    # 1 - sigma(3) = 0.04743: "within 0.047" would be false just past z = 3.
    s = saturation.build(params.from_mapping({"saturation": {"threshold": 3.0}}))
    assert "within 0.048 of 0 or 1" in s.lines["shade_the_tails"]
