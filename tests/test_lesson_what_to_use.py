"""Part two's closing scene: each takeaway's numbers against the independent computations of the
scene that showed them (the helpers of tests/test_lesson_{families,init,residual}.py)."""

from __future__ import annotations

import textwrap

import pytest
from scipy.special import expit

from sigsat.lesson import params
from sigsat.lesson.scenes import what_to_use as lesson
from tests.conftest import PARAM_SETS
from tests.test_lesson_families import dead_by_hand
from tests.test_lesson_init import by_hand
from tests.test_lesson_residual import norms_by_hand
from tests.test_lesson_tanh import shown


@pytest.fixture(params=list(PARAM_SETS))
def case(request):
    path = PARAM_SETS[request.param]
    p = params.load(path) if path is not None else params.Params()
    return p, lesson.build(p)


def test_every_takeaway_says_what_its_scene_measured(case):
    p, w = case
    t = p.saturation.threshold
    share = 4 * expit(t) * expit(-t)
    import numpy as np
    assert w.lines["prefer_tanh"].endswith(f"It still saturates beyond |z| = {shown(np.arccosh(1 / np.sqrt(share)), 3)}.")
    relu, leaky = dead_by_hand(p, 0.0), dead_by_hand(p, p.families.leaky_slope)
    assert f"leaky ReLU had {leaky} dead units where ReLU had {relu}." in w.lines["use_the_relu_family"]
    n = p.network
    he = by_hand("relu", "he", p.init.depth, n.width, n.seed, n.batch)[0]
    xavier = by_hand("relu", "xavier", p.init.depth, n.width, n.seed, n.batch)[0]
    assert w.lines["match_the_initialisation"].endswith(
        f"was {shown(he)}; with Xavier it fell to {shown(xavier)}.")
    plain, skip = norms_by_hand(p, False), norms_by_hand(p, True)
    assert w.lines["add_skip_connections"].endswith(
        f"kept {shown(skip[0] / skip[-1])} of the last one's gradient, not {shown(plain[0] / plain[-1])}.")


def test_lines_fit_the_caption_plate(case):
    _, w = case
    for line in w.lines.values():
        assert len(textwrap.wrap(line, 80)) <= 2, line
