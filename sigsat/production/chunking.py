"""Chunk planning: which beats each manim process renders, so that one scene can use every core.

Pure arithmetic on estimated costs (stdlib only). The render job turns the pieces planned here into
manim processes and joins each scene's chunks back together; nothing here knows about either.

Cost model
----------
A chunk is a run of whole beats ``first..last`` (0-based, inclusive) rendered by one manim process.
It costs

    ``overhead + sum(costs[first:last + 1]) + skip * sum(costs[:first])``

the process's start, imports and exit; the frames of its own beats; and the beats before it, whose
code still runs (without drawing) to bring the scene to the chunk's first beat. Beats after the
chunk cost nothing: the process stops at its last beat. Measured on the derivative scene (warm TeX
cache): ``overhead`` ~1.8 s and ``skip`` ~0.38 (:data:`OVERHEAD`, :data:`SKIP`).

Costs are in one unit throughout, the unit of ``overhead``: seconds of render work with the
defaults. A beat's drawing time is proportional to its frame count, so estimate it as its seconds
of video times the render seconds per second of video at the quality rendered (:func:`beat_costs`):
the derivative scene at ``-ql``, 54.1 s of video drawn in 13.0 - 1.8 s, gives ~0.21.

The model leaves out what the render job adds after the chunks: joining them and laying the audio.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from itertools import accumulate
from typing import Callable, Literal, Mapping, Sequence

__all__ = ["SKIP", "OVERHEAD", "Piece", "beat_costs", "chunk_cost", "split", "schedule",
           "plan_pieces", "critical_path", "critical_paths"]

#: Cost of a skipped beat as a fraction of rendering it (its code runs, no frames are drawn).
SKIP = 0.38
#: Seconds a chunk's manim process spends starting, importing and exiting.
OVERHEAD = 1.8

Range = tuple[int, int]


@dataclass(frozen=True)
class Piece:
    """One manim process's work: beats ``first..last`` (inclusive) of ``scene``, its estimated cost."""

    scene: str
    first: int
    last: int
    cost: float


def beat_costs(video_seconds: Sequence[float], seconds_per_video_second: float) -> list[float]:
    """Estimated render seconds of each beat from its seconds of video.

    Examples
    --------
    >>> beat_costs([2.0, 4.5], 0.5)
    [1.0, 2.25]
    """
    if not (seconds_per_video_second > 0 and math.isfinite(seconds_per_video_second)):
        raise ValueError(f"seconds_per_video_second = {seconds_per_video_second!r}: "
                         "must be a finite number > 0")
    return [s * seconds_per_video_second for s in _checked(video_seconds)]


def _checked(costs: Sequence[float], scene: str = "") -> list[float]:
    """The costs as floats; one clear error for an empty scene or a cost that is not >= 0."""
    where = f"scene {scene!r}: " if scene else ""
    values = [float(c) for c in costs]
    if not values:
        raise ValueError(f"{where}no beats to plan: a scene needs at least one beat")
    for index, value in enumerate(values):
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"{where}beat {index} costs {value!r}: costs must be finite and >= 0")
    return values


def _check_model(skip: float, overhead: float) -> None:
    if not 0 <= skip <= 1:
        raise ValueError(f"skip = {skip!r}: must be between 0 and 1 (a fraction of rendering a beat)")
    if not (overhead >= 0 and math.isfinite(overhead)):
        raise ValueError(f"overhead = {overhead!r}: must be a finite number >= 0")


def _coster(costs: list[float], skip: float, overhead: float) -> Callable[[int, int], float]:
    """``cost(first, last)`` of every chunk of one scene, all from the same prefix sums.

    Computing every chunk's cost the same way makes equal plans compare equal, so ties are broken
    by the rules of :func:`split` and not by rounding.
    """
    before = [0.0, *accumulate(costs)]
    return lambda first, last: overhead + (before[last + 1] - before[first]) + skip * before[first]


def chunk_cost(costs: Sequence[float], first: int, last: int, skip: float = SKIP,
               overhead: float = OVERHEAD) -> float:
    """Estimated cost of rendering beats ``first..last`` (0-based, inclusive) in one process.

    Notes
    -----
    ``overhead + sum(costs[first:last + 1]) + skip * sum(costs[:first])``: later beats cost nothing.

    Examples
    --------
    >>> chunk_cost([4.0, 2.0, 6.0], 1, 1, skip=0.5, overhead=1.0)   # 1 + 2 + 0.5 * 4
    5.0
    >>> chunk_cost([4.0, 2.0, 6.0], 0, 2, skip=0.5, overhead=1.0)   # the whole scene
    13.0
    """
    values = _checked(costs)
    _check_model(skip, overhead)
    if not 0 <= first <= last < len(values):
        raise ValueError(f"beats {first}..{last}: a chunk needs 0 <= first <= last < {len(values)}")
    return _coster(values, skip, overhead)(first, last)


def _least_worst_chunk(cost: Callable[[int, int], float], beats: int, n: int) -> float:
    """The least possible cost of the most expensive chunk, over splits into at most ``n`` chunks."""
    worst = [math.inf] * beats + [0.0]        # no chunk allowed yet: only "no beats left" is possible
    for _ in range(n):
        worst = [min(max(cost(i, last), worst[last + 1]) for last in range(i, beats))
                 for i in range(beats)] + [0.0]
    return worst[0]


def split(costs: Sequence[float], n: int, skip: float = SKIP,
          overhead: float = OVERHEAD) -> list[Range]:
    """Contiguous beat ranges for at most ``n`` processes, the most expensive chunk as cheap as can be.

    Parameters
    ----------
    costs
        Estimated cost of each beat (see the module's cost model), in beat order.
    n
        Most chunks wanted (the workers this scene may use). More than the beats gives at most one
        chunk per beat.
    skip, overhead
        The cost model (:func:`chunk_cost`).

    Returns
    -------
    list of (first, last)
        0-based inclusive beat ranges in order, covering every beat once, none empty.

    Notes
    -----
    Exact, by dynamic programming (O(beats² n)): first the least possible cost ``B`` of the most
    expensive chunk, then, among the splits whose chunks all cost at most ``B``, the one with the
    fewest chunks, then the least total cost, then the earliest chunk ends. The choice depends
    only on the input, so a re-run after a failure plans the same ranges; and a split that does not
    beat the whole scene is never chosen (one chunk is fewer).

    Examples
    --------
    Equal beats, no overhead, skipped beats cost nothing: three chunks of two beats.

    >>> split([1, 1, 1, 1, 1, 1], 3, skip=0, overhead=0)
    [(0, 1), (2, 3), (4, 5)]

    Skipped beats cost something: later chunks get fewer beats.

    >>> split([1, 1, 1, 1, 1, 1], 2, skip=0.5, overhead=0)
    [(0, 3), (4, 5)]

    A skipped beat as dear as a drawn one: the last chunk costs the whole scene, so one chunk.

    >>> split([1, 1], 2, skip=1, overhead=0)
    [(0, 1)]
    """
    values = _checked(costs)
    _check_model(skip, overhead)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n = {n!r}: the number of chunks must be a whole number >= 1")
    cost = _coster(values, skip, overhead)
    beats = len(values)
    bound = _least_worst_chunk(cost, beats, min(n, beats))
    # best[i]: (chunks, total cost, ranges) of the preferred split of beats i.. whose chunks all
    # cost at most `bound`; the key is additive, so the best split of i.. starts a best one of the
    # rest. Ends are tried in increasing order and only a strictly better key replaces, which keeps
    # the earliest chunk end among ties.
    best: list[tuple[int, float, list[Range]] | None] = [None] * beats + [(0, 0.0, [])]
    for i in range(beats - 1, -1, -1):
        for last in range(i, beats):
            rest, here = best[last + 1], cost(i, last)
            if rest is None or here > bound:
                continue
            key = (rest[0] + 1, here + rest[1])
            if best[i] is None or key < best[i][:2]:
                best[i] = (*key, [(i, last), *rest[2]])
    assert best[0] is not None        # the split that attains `bound` is one of the candidates
    return best[0][2]


def _check_workers(workers: int) -> None:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers = {workers!r}: must be a whole number >= 1")


def _loads(durations: Sequence[float], workers: int) -> list[float]:
    """Busy time of each worker when jobs go, in the given order, to the first worker free."""
    _check_workers(workers)
    free = [(0.0, w) for w in range(workers)]        # (time the worker is free, worker number)
    for duration in durations:
        at, worker = heapq.heappop(free)
        heapq.heappush(free, (at + duration, worker))
    return [at for at, _ in free]


def critical_path(chunk_seconds: Sequence[float], workers: int) -> float:
    """Wall time of running these jobs on ``workers`` workers, each job to the first free worker.

    The jobs start in the given order, as a thread pool takes them from its queue.

    Examples
    --------
    >>> critical_path([2.0, 1.0, 1.0], 2)
    2.0
    >>> critical_path([1.0, 1.0, 2.0], 2)     # the same jobs, longest last
    3.0
    """
    return max(_loads(chunk_seconds, workers), default=0.0)


def critical_paths(chunk_seconds: Sequence[float],
                   worker_counts: Sequence[int] = (1, 2, 4, 8)) -> dict[int, float]:
    """:func:`critical_path` of measured jobs for several worker counts, longest job first.

    For the question "what would 4 or 8 workers have given with these chunks?".

    Examples
    --------
    >>> critical_paths([2.0, 3.0, 2.0, 3.0, 2.0], (1, 2, 8))
    {1: 12.0, 2: 7.0, 8: 3.0}
    """
    longest_first = sorted(chunk_seconds, reverse=True)
    return {k: critical_path(longest_first, k) for k in worker_counts}


def _queue(pieces: Sequence[Piece]) -> list[Piece]:
    """Pieces in the order to start them: longest first, then in the order given (sorted is stable)."""
    return sorted(pieces, key=lambda piece: -piece.cost)


def schedule(pieces: Sequence[Piece], workers: int) -> float:
    """Estimated wall time (makespan) of the pieces on ``workers`` workers, longest piece first.

    Examples
    --------
    >>> schedule([Piece("a", 0, 1, 4.0), Piece("b", 0, 0, 3.0), Piece("a", 2, 2, 3.0)], 2)
    6.0
    """
    return critical_path([piece.cost for piece in _queue(pieces)], workers)


Plan = dict[str, list[Range]]


def _pieces(costs: Mapping[str, list[float]], plan: Plan, skip: float,
            overhead: float) -> list[Piece]:
    """The plan's pieces in the order to start them (:func:`schedule`'s order)."""
    pieces = []
    for scene, ranges in plan.items():
        cost = _coster(costs[scene], skip, overhead)
        pieces += [Piece(scene, first, last, cost(first, last)) for first, last in ranges]
    return _queue(pieces)


def _finer(costs: list[float], ranges: list[Range], skip: float,
           overhead: float) -> list[Range] | None:
    """The scene's next split with more chunks and a cheaper most expensive chunk, if any."""
    for n in range(len(ranges) + 1, len(costs) + 1):
        candidate = split(costs, n, skip, overhead)
        if candidate != ranges:
            return candidate
    return None


def _auto(costs: Mapping[str, list[float]], workers: int, skip: float, overhead: float) -> Plan:
    """From whole scenes to every beat apart, one scene's finer split at a time; the best plan seen.

    Each step takes the scene's next finer split (:func:`split` with more chunks) that leaves the
    workers' finish times least, latest first, compared in order. Steps are taken even when the
    makespan does not fall, because one often does not: two equal scenes on four workers need both
    split before the render is shorter. The plan returned is the first to reach the least makespan
    seen, so the steps after it add no processes. A path of at most (beats - scenes) steps, each
    trying every scene: a few thousand small splits for a lecture.
    """
    def finish_times(plan: Plan) -> list[float]:
        pieces = _pieces(costs, plan, skip, overhead)
        return sorted(_loads([piece.cost for piece in pieces], workers), reverse=True)

    plan: Plan = {scene: [(0, len(values) - 1)] for scene, values in costs.items()}
    best, best_plan = finish_times(plan)[0], plan
    # A scene's split is fixed by its chunk count, so its next finer one is computed once.
    finer_than: dict[tuple[str, int], list[Range] | None] = {}
    while True:
        trials = []
        for scene, ranges in plan.items():
            if (scene, len(ranges)) not in finer_than:
                finer_than[scene, len(ranges)] = _finer(costs[scene], ranges, skip, overhead)
            finer = finer_than[scene, len(ranges)]
            if finer is not None:
                trial = {**plan, scene: finer}
                trials.append((finish_times(trial), trial))
        if not trials:
            return best_plan
        times, trial = min(trials, key=lambda t: t[0])      # the first scene's among equals
        plan = trial
        if times[0] < best:
            best, best_plan = times[0], plan


def plan_pieces(scenes: Mapping[str, Sequence[float]], workers: int,
                mode: Literal["auto", "off"] | int = "auto", skip: float = SKIP,
                overhead: float = OVERHEAD) -> list[Piece]:
    """The pieces (scene chunks) to render on ``workers`` workers, in the order to start them.

    Parameters
    ----------
    scenes
        Each scene's beat costs (see the module's cost model), by scene id.
    workers
        Processes that run at once.
    mode
        ``"off"``: every scene whole. An int ``N``: every scene split by :func:`split` into at most
        ``N`` chunks. ``"auto"``: whole scenes while they keep every worker busy, chunks where
        workers would idle (one scene on many workers; the last scenes of a long render): from
        whole scenes, greedily one scene at a time split finer, keeping the plan with the least
        estimated makespan (:func:`schedule`). Never worse than ``"off"``; on one scene the best
        of every ``N``.
    skip, overhead
        The cost model (:func:`chunk_cost`).

    Returns
    -------
    list of Piece
        Longest first, as :func:`schedule` runs them. The pieces of a scene cover its beats
        exactly, in order, so its chunks join back into the scene.

    Examples
    --------
    >>> pieces = plan_pieces({"a": [4.0, 4.0], "b": [1.0]}, 2, "auto", skip=0.5, overhead=1.0)
    >>> [(p.scene, p.first, p.last, p.cost) for p in pieces]
    [('a', 1, 1, 7.0), ('a', 0, 0, 5.0), ('b', 0, 0, 2.0)]
    >>> schedule(pieces, 2), schedule(plan_pieces({"a": [4.0, 4.0], "b": [1.0]}, 2, "off",
    ...                                             skip=0.5, overhead=1.0), 2)
    (7.0, 9.0)
    """
    _check_model(skip, overhead)
    _check_workers(workers)
    costs = {scene: _checked(values, scene) for scene, values in scenes.items()}
    if mode == "off":
        plan = {scene: [(0, len(values) - 1)] for scene, values in costs.items()}
    elif mode == "auto":
        plan = _auto(costs, workers, skip, overhead)
    elif isinstance(mode, int) and not isinstance(mode, bool) and mode >= 1:
        plan = {scene: split(values, mode, skip, overhead) for scene, values in costs.items()}
    else:
        raise ValueError(f"chunks = {mode!r}: must be 'auto', 'off' or a whole number >= 1")
    return _pieces(costs, plan, skip, overhead)
