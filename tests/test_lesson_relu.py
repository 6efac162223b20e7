"""Scene 6's lesson module: the numbers it narrates against independently computed ones."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest

from sigsat.lesson import params
from sigsat.lesson.scenes import relu as lesson
from sigsat.core.network import measure_gradients
from tests.conftest import PARAM_SETS, load_param_set as load

CAPTION_CHARS, CAPTION_LINES = 80, 2  # scenes.common.LAYOUT.caption_chars; the plate holds 2 lines



def two_sig(x: float) -> str:
    """x to 2 significant figures, as a plain decimal (the values here are between 1e-3 and 100)."""
    text = f"{x:.2g}"
    assert "e" not in text
    return text


@pytest.fixture(params=list(PARAM_SETS))
def case(request):
    p = load(request.param)
    return p, lesson.build(p)


def test_dead_units_are_the_measured_relu_network(case):
    p, r = case
    n = p.network
    dead = measure_gradients("relu", n.depth, n.width, n.seed, n.init, n.batch).dead_fraction
    deepest = dead[-1] * n.width
    assert deepest == int(deepest), "a share of whole units"
    expected = (
        f"In our {n.depth}-layer ReLU network, {int(deepest)} of the {n.width} units in the last "
        f"hidden layer never fire on this batch of {n.batch}: {two_sig(100 * dead[-1])}% dead; "
        f"{two_sig(100 * sum(dead) / len(dead))}% over all {n.depth} layers."
    )
    assert r.lines["count_the_dead"] == expected
    assert r.dead_units.sum() == int(deepest) and r.dead_units.shape == (n.width,)


def test_default_dead_fraction_is_the_one_narrated():
    r = lesson.build(params.Params())
    assert "9 of the 32 units" in r.lines["count_the_dead"]
    assert "28% dead; 9.1% over all 10 layers" in r.lines["count_the_dead"]


def test_the_unit_fires_on_its_positive_inputs_and_dies_after_the_drop(case):
    p, r = case
    draw = np.random.default_rng([p.network.seed, 2]).normal(size=lesson.PREACTIVATIONS)
    z = draw - draw.mean()
    firing = sum(1 for v in z if v > 0)
    shift = 0.5 * math.ceil((max(z) + 0.25) / 0.5)
    assert all(v - shift < 0 for v in z), "every input lands left of 0"
    assert r.firing_before == firing and r.firing_after == 0
    assert r.shift == shift
    assert r.lines["kill_a_unit"].startswith(
        f"This unit fires on {firing} of its {lesson.PREACTIVATIONS} inputs. "
        f"A large update lowers its bias by {shift:g}:"
    )
    assert 0 < firing < lesson.PREACTIVATIONS, "centring leaves some inputs on each side"


def test_the_axis_holds_every_input_before_and_after_the_drop(case):
    _, r = case
    assert np.all(np.abs(r.preactivations) < r.z_extent)
    assert np.all(np.abs(r.shifted) < r.z_extent)
    assert r.z_extent / r.z_step <= 5, "at most 10 ticks on the z axis"


def test_balls_move_by_relu_slope(case):
    _, r = case
    assert r.ball_right_z > 0 > r.ball_left_z
    assert (r.ball_right_share, r.ball_left_share) == (1.0, 0.0)
    assert r.ball_right_z + r.push < r.z_extent, "the rolled ball stays on the plot"
    line = r.lines["push_the_ball"]
    assert f"at z = {r.ball_right_z:g} " in line and f"At z = {r.ball_left_z:g}," in line
    assert "100% of the push" in line and line.endswith("it moves 0%.")


def test_slopes_and_the_comparison_with_the_sigmoid():
    r = lesson.build(params.Params())
    assert "1 for every positive z, and 0 for z ≤ 0, zero included" in r.lines["draw_relu_and_slope"]
    peak = 0.5 * (1 - 0.5)  # sigma(0) (1 - sigma(0))
    assert f"{1 / peak:g} times the sigmoid's best of {peak:g}" in r.lines["mark_the_two_regions"]


def test_narration_fits_the_caption_and_reads_aloud(case):
    _, r = case
    assert list(r.lines) == list(lesson.LINES)
    for line in r.lines.values():
        assert len(textwrap.wrap(line, CAPTION_CHARS)) <= CAPTION_LINES, line
        assert not set(line) & set("<>⁰¹²³⁴⁵⁶⁷⁸⁹{}"), f"symbols a voice cannot read: {line}"


def test_preactivations_are_seeded_centred_and_sorted():
    a, b, c = lesson.unit_preactivations(4), lesson.unit_preactivations(4), lesson.unit_preactivations(5)
    assert np.array_equal(a, b) and not np.allclose(a, c)
    assert abs(a.mean()) < 1e-12 and np.all(np.diff(a) >= 0)


def test_a_different_network_changes_the_narration():
    base = lesson.build(params.Params())
    other = lesson.build(params.from_mapping({"network": {"depth": 4, "seed": 9}}))
    assert "In our 4-layer ReLU network" in other.lines["count_the_dead"]
    assert other.lines["count_the_dead"] != base.lines["count_the_dead"]


def test_a_dead_last_layer_is_said_to_stop_every_unit_learning():
    # depth 2, width 2, seed 5, batch 3: layer 2 is dead, so layer 1 gets no gradient either;
    # "50% over all 2 layers" hid that no unit learns.
    r = lesson.build(params.from_mapping({"network": {"depth": 2, "width": 2, "seed": 5, "batch": 3}}))
    line = r.lines["count_the_dead"]
    assert "2 of the 2 units" in line and "100% dead" in line
    assert line.endswith("100% of all units get no gradient.")
    assert "50%" not in line and r.shown["all_layers"] == "100% get no gradient"
