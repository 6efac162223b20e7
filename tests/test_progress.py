"""What a lecturer sees while scenes render: plain lines in a log, bars on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from sigsat import cli
from sigsat.production import pipeline
from sigsat.lesson.params import Params

SCENES = ["saturation", "chain"]


def fake_render_job(job: pipeline.Job) -> pipeline.JobResult:
    staging = Path(job.staging_dir)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / f"{job.stem}.mp4").write_text("video")
    seconds = 2.5 if job.scene_id == "chain" else 1.5
    return pipeline.JobResult(job.scene_id, job.key, str(staging), (f"{job.stem}.mp4",), seconds, 1.0, 1.0)


def render(tmp_path, monkeypatch, progress, jobs=1):
    monkeypatch.setattr(pipeline, "render_job", fake_render_job)
    options = pipeline.Options(out=tmp_path / "renders", jobs=jobs, narration="none", chunks="off")
    return pipeline.render(SCENES, Params(), options, progress=progress)


def test_the_pipeline_reports_each_scene_starting_then_finishing(tmp_path, monkeypatch):
    events = []
    render(tmp_path, monkeypatch, events.append, jobs=1)
    # one worker: each scene starts when the one before it finished (the longer one first)
    assert [(e.kind, e.scene, e.total) for e in events] == [
        ("started", "chain", 2), ("finished", "chain", 2),
        ("started", "saturation", 2), ("finished", "saturation", 2)]
    assert [e.seconds for e in events if e.kind == "finished"] == [2.5, 1.5]


def test_a_failed_scene_is_reported_and_the_next_one_starts(tmp_path, monkeypatch):
    def fail_saturation(job):
        if job.scene_id == "saturation":
            raise pipeline.RenderError("manim failed")
        return fake_render_job(job)

    events = []
    monkeypatch.setattr(pipeline, "render_job", fail_saturation)
    options = pipeline.Options(out=tmp_path / "renders", jobs=1, narration="none", chunks="off")
    try:
        pipeline.render(SCENES, Params(), options, progress=events.append)
    except pipeline.RenderError:
        pass
    assert [(e.kind, e.scene) for e in events] == [
        ("started", "chain"), ("finished", "chain"), ("started", "saturation"), ("failed", "saturation")]


def test_off_a_terminal_each_finished_scene_is_one_plain_line(tmp_path, monkeypatch):
    log, errors = io.StringIO(), io.StringIO()  # neither is a terminal: `sigsat render > log 2>&1`
    with cli._progress(errors, log) as progress:
        render(tmp_path, monkeypatch, progress)
    assert log.getvalue().splitlines() == ["[1/2] chain rendered in 2.5 s",
                                           "[2/2] saturation rendered in 1.5 s"]
    assert errors.getvalue() == ""  # standard error keeps to the sigsat: lines


def test_on_a_terminal_the_running_scenes_are_named_in_bars(tmp_path):
    screen = io.StringIO()
    bars = cli._Bars(Console(file=screen, force_terminal=True, width=100, color_system=None))
    with bars as progress:
        progress(pipeline.RenderEvent("started", "saturation", 2))
        progress(pipeline.RenderEvent("started", "chain", 2))
        shown = screen.getvalue()
        assert "rendering saturation" in shown and "rendering chain" in shown
        progress(pipeline.RenderEvent("finished", "saturation", 2, 1.5))
        assert "[1/2] saturation rendered in 1.5 s" in screen.getvalue()[len(shown):]
    assert list(bars.tasks) == ["chain"]  # the finished scene's bar is gone
