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



def silent(tmp_path, monkeypatch, pause: float):
    """Point $SIGSAT_PARAMS at a silent (``[narration] mode = "none"``) file with ``pause``."""
    from sigsat.lesson import params

    path = tmp_path / f"silent-{pause}.toml"
    # No captions: their fades cost most of a dry run and do not change how long a beat holds.
    path.write_text(f'[narration]\nmode = "none"\ncaptions = false\npause = {pause}\n')
    monkeypatch.setenv(params.PARAMS_ENV, str(path))
    monkeypatch.chdir(tmp_path)
    return params.load()


@pytest.mark.parametrize("spec", SCENES, ids=[s.id for s in SCENES])
def test_a_silent_beat_holds_for_its_reading_time_and_pause(spec, tmp_path, monkeypatch):
    pauses = (0.5, 2.5)  # both long enough that no beat's animations outlast its line
    durations = []
    for pause in pauses:
        params = silent(tmp_path, monkeypatch, pause)
        # Reading time by the README's rule (the line's words at words_per_minute, then the
        # pause), worked out here rather than through hold_seconds.
        reading = [len(line.split()) * 60 / params.narration.words_per_minute + pause
                   for line in spec.lesson.build(params).lines.values()]
        run = dry_run(spec, monkeypatch, frames=False)  # plays take exactly their run time
        monkeypatch.undo()
        assert run.sections == list(spec.beats)
        assert run.lengths == pytest.approx(reading, abs=1e-6), f"pause = {pause}"
        durations.append(run.duration)
    assert durations[1] - durations[0] == pytest.approx(len(spec.beats) * (pauses[1] - pauses[0]))
