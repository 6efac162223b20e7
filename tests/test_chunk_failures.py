"""A scene rendered in chunks fails, is interrupted and resumes as a whole scene does: earlier
outputs stay byte-identical, and the next render re-does only the chunks that are missing."""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from sigsat.lesson.params import Params
from sigsat.production import chunked, pipeline
from tests.av_compare import compare_frames

SCENE = "saturation"
SILENT = dataclasses.replace(Params(), narration=dataclasses.replace(Params().narration, mode="none"))
MOVED = dataclasses.replace(SILENT, saturation=dataclasses.replace(SILENT.saturation, probe_z=4.0))


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    """A finished whole-scene render, silent (the sound is covered by the equality tests)."""
    root = tmp_path_factory.mktemp("earlier")
    pipeline.render([SCENE], SILENT, pipeline.Options(out=root, chunks="off", jobs=1))
    return root


@dataclass
class Copy:
    """A copy of the earlier render to render into in chunks: root, options, scene folder, files."""

    root: Path
    options: pipeline.Options
    out: Path
    before: dict[str, bytes]


@pytest.fixture
def copy(earlier, tmp_path) -> Copy:
    root = tmp_path / "renders"
    shutil.copytree(earlier, root)
    options = pipeline.Options(out=root, chunks=2, jobs=2)
    out = pipeline.output_dir(options, SILENT)
    return Copy(root, options, out, files(out))


def test_a_failed_chunk_loses_nothing_and_is_the_only_one_rendered_again(copy, tmp_path, monkeypatch):
    root, options, out, before = copy.root, copy.options, copy.out, copy.before
    real = pipeline.render_job
    calls: list[tuple[int, int] | None] = []

    def second_chunk_fails(job: pipeline.Job) -> pipeline.JobResult:
        calls.append(job.beats)
        if job.beats and job.beats[0] > 0:
            raise pipeline.RenderError("manim was killed by signal SIGKILL")
        return real(job)

    monkeypatch.setattr(pipeline, "render_job", second_chunk_fails)
    with pytest.raises(pipeline.RenderError, match="saturation: manim was killed"):
        pipeline.render([SCENE], MOVED, options)
    assert files(out) == before, "a failed chunk changed the earlier render"
    assert len(calls) == 2 and calls[0] is not None
    failed = next(b for b in calls if b[0] > 0)
    kept = sorted(p.name for p in (root / ".cache" / "chunks" / SCENE).iterdir() if p.is_dir())
    assert len(kept) == 1 and kept[0].endswith(f".0-{failed[0] - 1}"), kept

    calls.clear()
    monkeypatch.setattr(pipeline, "render_job", lambda job: calls.append(job.beats) or real(job))
    report = pipeline.render([SCENE], MOVED, options)
    assert calls == [failed], "only the missing chunk is rendered again"
    assert [r.scene_id for r in report.rendered] == [SCENE]
    entry = json.loads((out / "manifest.json").read_text())["scenes"][SCENE]
    assert [c["beats"] for c in entry["chunks"]] == [[0, failed[0] - 1], list(failed)]
    assert files(out) != before and not (root / ".cache" / "chunks" / SCENE).exists()
    # The joined scene is what a whole render under the same parameters makes, beat for beat.
    whole = tmp_path / "whole"
    pipeline.render([SCENE], MOVED, pipeline.Options(out=whole, chunks="off", jobs=1))
    whole_out = pipeline.output_dir(options, MOVED).relative_to(root)
    ours, theirs = files(out), files(whole / whole_out)
    assert ours.keys() == theirs.keys()
    for name in ours:
        if name.endswith(".srt") or name.endswith(".vtt"):
            assert ours[name] == theirs[name], name
        if "/" in name and name.endswith(".mp4"):   # beat clips: the same frames (x264's bytes may vary)
            compared = compare_frames(out / name, whole / whole_out / name)
            assert compared.frames_a == compared.frames_b and not compared.below(45.0), f"beat clip {name} differs"


def test_chunks_finished_before_a_failed_join_are_joined_without_rendering_again(copy, monkeypatch):
    options, out, before = copy.options, copy.out, copy.before
    real_join = chunked.join

    def disk_full(job):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(chunked, "join", disk_full)
    with pytest.raises(pipeline.RenderError, match="saturation: joining its chunks failed: .*No space left"):
        pipeline.render([SCENE], MOVED, options)
    assert files(out) == before
    monkeypatch.setattr(chunked, "join", real_join)
    calls = []
    real = pipeline.render_job
    monkeypatch.setattr(pipeline, "render_job", lambda job: calls.append(job) or real(job))
    report = pipeline.render([SCENE], MOVED, options)
    assert calls == [] and [r.scene_id for r in report.rendered] == [SCENE]
    assert files(out) != before
