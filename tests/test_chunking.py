"""The chunk planner (sigsat.production.chunking) against brute force and worked examples.

Costs in the property tests are whole numbers and the model's ``skip`` a binary fraction, so every
sum is exact in floating point and the planner can be held to the oracle's exact choice, ties
included.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigsat.production.chunking import (Piece, chunk_cost, critical_path, critical_paths,
                                         plan_pieces, schedule, split)

costs_st = st.lists(st.integers(0, 40), min_size=1, max_size=8)
skip_st = st.sampled_from([0.0, 0.25, 0.375, 0.5, 1.0])
overhead_st = st.sampled_from([0.0, 1.0, 1.75, 6.0])
scenes_st = st.dictionaries(st.sampled_from("abcd"), st.lists(st.integers(1, 30), min_size=1,
                                                                  max_size=5), max_size=4)


def direct_cost(costs, first, last, skip, overhead):
    """The cost model as written in the brief, summed directly (not from prefix sums)."""
    return overhead + sum(costs[first:last + 1]) + skip * sum(costs[:first])


def every_split(beats, most):
    """Every way to cut beats 0..beats-1 into at most `most` contiguous, non-empty ranges."""
    for cuts in range(min(most, beats)):
        for inner in itertools.combinations(range(1, beats), cuts):
            bounds = [0, *inner, beats]
            yield [(bounds[i], bounds[i + 1] - 1) for i in range(len(bounds) - 1)]


def brute_force_split(costs, n, skip, overhead):
    """The documented choice, by trying every split: least worst chunk, fewest chunks, least
    total, earliest chunk ends."""
    def key(ranges):
        chunk = [direct_cost(costs, f, l, skip, overhead) for f, l in ranges]
        return max(chunk), len(ranges), sum(chunk), [last for _, last in ranges]
    return min(every_split(len(costs), n), key=key)


def worst_chunk(costs, ranges, skip, overhead):
    return max(direct_cost(costs, f, l, skip, overhead) for f, l in ranges)


def assert_covers(ranges, beats):
    """Ranges in order, none empty, each starting where the last ended: every beat exactly once."""
    assert ranges[0][0] == 0 and ranges[-1][1] == beats - 1
    assert all(first <= last for first, last in ranges)
    assert all(ranges[i][1] + 1 == ranges[i + 1][0] for i in range(len(ranges) - 1))


def list_schedule(durations, workers):
    """Each job in order to the worker that is free first (lowest number among equals)."""
    loads = [0.0] * workers
    for duration in durations:
        loads[loads.index(min(loads))] += duration
    return max(loads)


# --- split -----------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(costs=costs_st, n=st.integers(1, 9), skip=skip_st, overhead=overhead_st)
def test_split_is_the_brute_force_choice_ties_included(costs, n, skip, overhead):
    assert split(costs, n, skip, overhead) == brute_force_split(costs, n, skip, overhead)


@settings(max_examples=100, deadline=None)
@given(costs=st.lists(st.floats(0.01, 30.0), min_size=1, max_size=7), n=st.integers(1, 8),
       skip=st.floats(0.0, 1.0), overhead=st.floats(0.0, 5.0))
def test_split_attains_the_least_worst_chunk_with_real_costs(costs, n, skip, overhead):
    ranges = split(costs, n, skip, overhead)
    assert_covers(ranges, len(costs))
    assert len(ranges) <= min(n, len(costs))
    least = min(worst_chunk(costs, r, skip, overhead) for r in every_split(len(costs), n))
    assert worst_chunk(costs, ranges, skip, overhead) == pytest.approx(least, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(costs=costs_st, n=st.integers(1, 9), skip=skip_st, overhead=overhead_st)
def test_split_covers_every_beat_once_and_is_deterministic(costs, n, skip, overhead):
    ranges = split(costs, n, skip, overhead)
    assert_covers(ranges, len(costs))
    assert len(ranges) <= min(n, len(costs))
    assert split(tuple(float(c) for c in costs), n, skip, overhead) == ranges
    assert split(list(costs), n, skip, overhead) == ranges


@settings(max_examples=100, deadline=None)
@given(costs=costs_st, skip=skip_st, overhead=overhead_st)
def test_one_chunk_is_the_whole_scene_and_more_chunks_are_never_worse(costs, skip, overhead):
    assert split(costs, 1, skip, overhead) == [(0, len(costs) - 1)]
    worst = [worst_chunk(costs, split(costs, n, skip, overhead), skip, overhead)
             for n in range(1, len(costs) + 3)]
    assert all(later <= earlier for earlier, later in zip(worst, worst[1:]))


def test_worked_example_later_chunks_take_fewer_beats():
    # costs [6, 2, 2, 2], skip 0.5, overhead 1; by hand, the 2-splits:
    #   (0,0)(1,3): 1+6 = 7,  1+6+0.5*6 = 10   -> worst 10
    #   (0,1)(2,3): 1+8 = 9,  1+4+0.5*8 = 9    -> worst 9   (best)
    #   (0,2)(3,3): 1+10 = 11                  -> worst 11
    # and the 3-splits: (0,0)(1,1)(2,3): 7, 6, 9; (0,0)(1,2)(3,3): 7, 8, 8 (best); (0,1)(2,2)(3,3): 9, ...
    assert split([6, 2, 2, 2], 2, skip=0.5, overhead=1) == [(0, 1), (2, 3)]
    assert split([6, 2, 2, 2], 3, skip=0.5, overhead=1) == [(0, 0), (1, 2), (3, 3)]
    assert split([6, 2, 2, 2], 4, skip=0.5, overhead=1) == [(0, 0), (1, 2), (3, 3)]  # 4 chunks: 7, 6, 7, 8


def test_worked_example_ties():
    # [1, 1, 1] in two, nothing skipped, no overhead: (0,0)(1,2) and (0,1)(2,2) both have worst
    # chunk 2, two chunks, total 3: the earlier first end wins.
    assert split([1, 1, 1], 2, skip=0, overhead=0) == [(0, 0), (1, 2)]
    # [1, 1, 1, 1] in at most three: worst chunk 2 needs only two chunks; a third saves nothing.
    assert split([1, 1, 1, 1], 3, skip=0, overhead=0) == [(0, 1), (2, 3)]
    # Skipping as dear as drawing: the last chunk always costs the whole scene, so one chunk.
    assert split([3, 1, 2], 3, skip=1, overhead=0.5) == [(0, 2)]


def test_more_chunks_than_beats_gives_one_beat_each_at_most():
    assert split([5, 5, 5], 10, skip=0, overhead=1) == [(0, 0), (1, 1), (2, 2)]


def test_chunk_cost_worked_example():
    # beats 1..2 of [4, 2, 6]: overhead 1, draws 2 + 6, skips 4 at half price: 1 + 8 + 2
    assert chunk_cost([4, 2, 6], 1, 2, skip=0.5, overhead=1) == 11.0
    assert chunk_cost([4, 2, 6], 0, 0, skip=0.5, overhead=1) == 5.0   # later beats cost nothing


@settings(max_examples=100, deadline=None)
@given(costs=costs_st, skip=skip_st, overhead=overhead_st, data=st.data())
def test_chunk_cost_is_the_cost_model(costs, skip, overhead, data):
    last = data.draw(st.integers(0, len(costs) - 1))
    first = data.draw(st.integers(0, last))
    assert chunk_cost(costs, first, last, skip, overhead) == direct_cost(costs, first, last, skip,
                                                                          overhead)


@pytest.mark.parametrize("call, culprit", [
    (lambda: split([], 2), "no beats"),
    (lambda: split([1, -2], 2), "beat 1 costs -2.0"),
    (lambda: split([1, float("nan")], 2), "beat 1 costs nan"),
    (lambda: split([1, 2], 0), "n = 0"),
    (lambda: split([1, 2], True), "n = True"),
    (lambda: split([1, 2], 2, skip=1.5), "skip = 1.5"),
    (lambda: split([1, 2], 2, overhead=-1), "overhead = -1"),
    (lambda: chunk_cost([1, 2], 1, 0), "beats 1..0"),
    (lambda: chunk_cost([1, 2], 0, 2), "beats 0..2"),
    (lambda: plan_pieces({"a": [1.0]}, 2, "fast"), "chunks = 'fast'"),
    (lambda: plan_pieces({"a": [1.0]}, 2, 0), "chunks = 0"),
    (lambda: plan_pieces({"a": [1.0]}, 0), "workers = 0"),
    (lambda: plan_pieces({"a": [1.0], "b": []}, 2), "scene 'b': no beats"),
    (lambda: plan_pieces({"a": [1.0, -1.0]}, 2, "off"), "scene 'a': beat 1 costs -1.0"),
])
def test_bad_input_is_one_line_naming_the_culprit(call, culprit):
    with pytest.raises(ValueError) as raised:
        call()
    assert culprit in str(raised.value) and "\n" not in str(raised.value)


# --- scheduling ------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(durations=st.lists(st.integers(0, 50), max_size=12), workers=st.integers(1, 6))
def test_critical_path_is_list_scheduling_in_the_given_order(durations, workers):
    path = critical_path(durations, workers)
    assert path == list_schedule(durations, workers)
    # Graham's bounds: no better than the longest job or a perfect share, and a job only waits
    # while every worker is busy.
    assert path >= max(durations, default=0) and path >= sum(durations) / workers
    assert path <= sum(durations) / workers + max(durations, default=0)
    assert critical_path(durations, workers + 1) <= path          # more workers are never worse


def test_critical_path_worked_example():
    # [3, 3, 2, 2, 2] on two workers: 3 | 3, then 2 -> 5 | 3, 2 -> 5 | 5, 2 -> 7 | 5
    assert critical_path([3, 3, 2, 2, 2], 2) == 7
    # longest last on two: 1 | 1, then 2 -> 3 | 1; longest first: 2 | 1, then 1 -> 2 | 2
    assert critical_path([1, 1, 2], 2) == 3
    assert critical_paths([1, 1, 2], (1, 2, 3)) == {1: 4, 2: 2, 3: 2}


def test_schedule_runs_pieces_longest_first():
    pieces = [Piece("a", 0, 0, 1.0), Piece("b", 0, 0, 1.0), Piece("c", 0, 0, 2.0)]
    assert schedule(pieces, 2) == 2.0       # in the given order it would take 3
    assert schedule([], 3) == 0.0


# --- plan_pieces -----------------------------------------------------------------------------

def by_scene(pieces):
    ranges = {}
    for piece in pieces:
        ranges.setdefault(piece.scene, []).append((piece.first, piece.last))
    return {scene: sorted(r) for scene, r in ranges.items()}


@settings(max_examples=60, deadline=None)
@given(scenes=scenes_st, workers=st.integers(1, 5), skip=skip_st, overhead=overhead_st,
       mode=st.one_of(st.just("auto"), st.just("off"), st.integers(1, 6)))
def test_pieces_cover_each_scene_cost_their_chunk_and_run_longest_first(scenes, workers, skip,
                                                                          overhead, mode):
    pieces = plan_pieces(scenes, workers, mode, skip, overhead)
    assert set(by_scene(pieces)) == set(scenes)
    for scene, ranges in by_scene(pieces).items():
        assert_covers(ranges, len(scenes[scene]))
    for piece in pieces:
        assert piece.cost == direct_cost(scenes[piece.scene], piece.first, piece.last, skip,
                                         overhead)
    assert [p.cost for p in pieces] == sorted((p.cost for p in pieces), reverse=True)
    assert plan_pieces(dict(scenes), workers, mode, skip, overhead) == pieces


@settings(max_examples=60, deadline=None)
@given(scenes=scenes_st, workers=st.integers(1, 5), n=st.integers(1, 6))
def test_off_is_whole_scenes_and_a_number_splits_every_scene(scenes, workers, n):
    assert by_scene(plan_pieces(scenes, workers, "off")) == {
        scene: [(0, len(costs) - 1)] for scene, costs in scenes.items()}
    assert by_scene(plan_pieces(scenes, workers, n)) == {
        scene: split(costs, n) for scene, costs in scenes.items()}


@settings(max_examples=60, deadline=None)
@given(scenes=scenes_st, workers=st.integers(1, 5), skip=skip_st, overhead=overhead_st)
def test_auto_is_never_slower_than_whole_scenes(scenes, workers, skip, overhead):
    auto = schedule(plan_pieces(scenes, workers, "auto", skip, overhead), workers)
    assert auto <= schedule(plan_pieces(scenes, workers, "off", skip, overhead), workers)


@settings(max_examples=60, deadline=None)
@given(costs=st.lists(st.integers(1, 30), min_size=1, max_size=8), workers=st.integers(1, 5),
       skip=skip_st, overhead=overhead_st)
def test_auto_on_one_scene_is_the_best_chunk_count(costs, workers, skip, overhead):
    auto = schedule(plan_pieces({"a": costs}, workers, "auto", skip, overhead), workers)
    every = [schedule(plan_pieces({"a": costs}, workers, n, skip, overhead), workers)
             for n in range(1, len(costs) + 1)]
    assert auto == min(every)


def test_auto_one_scene_on_two_workers_is_split_in_two():
    # [6, 2, 2, 2], skip 0.5, overhead 1 (see the worked split above): 13 whole, 9 | 9 in two
    pieces = plan_pieces({"d": [6, 2, 2, 2]}, 2, "auto", skip=0.5, overhead=1)
    assert by_scene(pieces) == {"d": [(0, 1), (2, 3)]}
    assert schedule(pieces, 2) == 9


def test_auto_splits_the_tail_of_a_render_and_only_as_much_as_helps():
    # Three scenes [2, 2], skip 0.5, overhead 1: 5 each whole, two workers: 5+5 | 5 = 10.
    # Split one in two (3 and 1+2+1 = 4): pieces 5, 5, 4, 3 -> 5+4 | 5+3 = 9.
    # Split two of them: 5, 4, 4, 3, 3 = 19 of work, at least 9.5; all three: 21, at least 10.5.
    scenes = {"a": [2, 2], "b": [2, 2], "c": [2, 2]}
    pieces = plan_pieces(scenes, 2, "auto", skip=0.5, overhead=1)
    assert schedule(pieces, 2) == 9
    assert by_scene(pieces) == {"a": [(0, 0), (1, 1)], "b": [(0, 1)], "c": [(0, 1)]}


def test_auto_keeps_whole_scenes_that_keep_every_worker_busy():
    # Four scenes of 5 on two workers: 10 each; any split adds work (overhead and skipped beats)
    # to a schedule that is already a perfect share.
    scenes = {s: [2, 2] for s in "abcd"}
    pieces = plan_pieces(scenes, 2, "auto", skip=0.5, overhead=1)
    assert by_scene(pieces) == {s: [(0, 1)] for s in "abcd"}


def test_auto_splits_two_equal_scenes_on_four_workers():
    # Splitting one scene alone leaves the other whole (5): the render is shorter only once both
    # are split, so the planner must look past a step that gains nothing.
    pieces = plan_pieces({"a": [2, 2], "b": [2, 2]}, 4, "auto", skip=0.5, overhead=1)
    assert by_scene(pieces) == {"a": [(0, 0), (1, 1)], "b": [(0, 0), (1, 1)]}
    assert schedule(pieces, 4) == 4
