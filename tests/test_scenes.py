"""Every scene constructs under dry_run, with the lesson's and two other parameter sets."""

from __future__ import annotations

import pytest

from sigsat.lesson import lecture
from sigsat.lesson.lecture import SCENES
from sigsat.lesson.narration import store_name
from tests.conftest import PARAM_SETS
from tests.scene_tools import dry_run


@pytest.mark.parametrize("param_set", list(PARAM_SETS))
@pytest.mark.parametrize("spec", SCENES, ids=[s.id for s in SCENES])
def test_scene_plays_its_beats_in_order_with_their_lines(spec, param_set, use_params, monkeypatch):
    params = use_params(param_set)
    run = dry_run(spec, monkeypatch)
    assert run.sections == list(spec.beats), "one section per beat, in the lesson module's order"
    assert run.subtitles == list(spec.lesson.build(params).lines.values())
    assert not run.offscreen, f"left the frame: {run.offscreen}"
    # The render key hashes what sigsat.lesson.lecture finds without manim: the scene may read no more,
    # and its voice must ask for the very store files the key names.
    assert set(run.reads) <= set(lecture.reads(spec, params))
    keyed = [a for a in lecture.scene_inputs(spec, params).audio.values() if a]
    assert [store_name(a) for a in run.audio] == [store_name(a) for a in keyed]


def test_a_beat_lasts_at_least_as_long_as_its_line_takes_to_read(use_params, monkeypatch):
    from sigsat.lesson.scenes import hold_seconds

    params = use_params("default")
    spec = SCENES[0]
    run = dry_run(spec, monkeypatch)
    minimum = sum(hold_seconds(params, line) for line in spec.lesson.build(params).lines.values())
    assert run.duration >= minimum - 1e-6
