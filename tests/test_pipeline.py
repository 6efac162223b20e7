"""The render pipeline without manim: dependency keys, manifest, lock and CLI errors."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sigsat.lesson import lecture
from sigsat.production import keys as keys_mod, manifest, pipeline
from sigsat.lesson.params import Params


def keys(params=None, **options):
    params = params or Params()
    opts = pipeline.Options(**options)
    return {s.id: keys_mod.scene_key(s, params, opts) for s in lecture.SCENES}


def changed(a: dict, b: dict) -> set[str]:
    return {k for k in a if a[k] != b[k]}


def replace(params: Params, table: str, **values) -> Params:
    return dataclasses.replace(params, **{table: dataclasses.replace(getattr(params, table), **values)})


def test_theme_and_quality_rekey_every_scene():
    base = keys()
    every = {s.id for s in lecture.SCENES}
    assert changed(base, keys(replace(Params(), "theme", name="light"))) == every
    assert changed(base, keys(quality="high")) == every
    assert changed(base, keys(formats=("gif",))) == every
    assert changed(base, keys()) == set()


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A copy of sigsat/ and scenes/ that the key computation reads instead of the real ones."""
    shutil.copytree(keys_mod.SIGSAT_DIR, tmp_path / "sigsat", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(keys_mod.SCENES_DIR, tmp_path / "scenes", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys_mod, "SIGSAT_DIR", tmp_path / "sigsat")
    monkeypatch.setattr(keys_mod, "SCENES_DIR", tmp_path / "scenes")
    return tmp_path


@pytest.mark.parametrize("edited, expected", [
    ("scenes/saturation.py", {"saturation"}),
    ("sigsat/lesson/scenes/chain.py", {"chain"}),
    ("scenes/common.py", "all"),
    ("scenes/voice.py", "all"),
    ("sigsat/lesson/narration.py", "all"),
    ("sigsat/production/media.py", set()),
    ("sigsat/lesson/display.py", "all"),
    ("sigsat/cli.py", set()),
    ("sigsat/production/pipeline.py", set()),
])
def test_a_source_change_rekeys_the_scenes_that_use_it(package_copy, edited, expected):
    before = keys()
    with open(package_copy / edited, "a") as f:
        f.write("\n# edited\n")
    expected = {s.id for s in lecture.SCENES} if expected == "all" else expected
    assert changed(before, keys()) == expected


def test_plan_skips_scenes_whose_manifest_entry_matches_and_whose_files_exist(tmp_path):
    options = pipeline.Options(out=tmp_path, chunks="off")
    params = Params()
    specs = list(lecture.SCENES[:2])
    out = pipeline.output_dir(options, params)
    out.mkdir(parents=True)
    first = pipeline.plan(specs, params, options)
    assert [j.scene_id for j in first.jobs] == [s.id for s in specs] and not first.lecture
    (out / "01_saturation.mp4").write_bytes(b"video")
    entry = {"key": first.jobs[0].key, "files": ["01_saturation.mp4"],
             "checks": manifest.checks(out, ["01_saturation.mp4"])}
    (out / "manifest.json").write_text(json.dumps({"scenes": {"saturation": entry}}))
    (out / "01_saturation.mp4").unlink()
    assert [j.scene_id for j in pipeline.plan(specs, params, options).jobs] == [s.id for s in specs], \
        "a manifest naming a missing file does not count"
    (out / "01_saturation.mp4").write_bytes(b"video")
    second = pipeline.plan(specs, params, options)
    assert second.up_to_date == ["saturation"] and [j.scene_id for j in second.jobs] == [specs[1].id]
    forced = pipeline.plan(specs, params, dataclasses.replace(options, force=True))
    assert len(forced.jobs) == 2
    # With a worker idle, the one scene to render is split into chunks that cover its beats.
    chunked = pipeline.plan(specs, params, dataclasses.replace(options, chunks="auto", jobs=2))
    assert chunked.scenes == [specs[1].id] and len(chunked.jobs) == 2
    beats = [b for j in chunked.jobs for b in range(j.beats[0], j.beats[1] + 1)]
    assert beats == list(range(len(specs[1].beats)))


def fake_job_result(job: pipeline.Job, name: str = "v1") -> pipeline.JobResult:
    staging = Path(job.staging_dir)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / f"{job.stem}.mp4").write_text(name)
    (staging / job.stem).mkdir(exist_ok=True)
    (staging / job.stem / "01_beat.mp4").write_text(name)
    return pipeline.JobResult(job.scene_id, job.key, str(staging), (f"{job.stem}.mp4", job.stem),
                              1.0, 100.0, 10.0)


def test_a_failed_job_leaves_earlier_outputs_and_a_truthful_manifest(tmp_path, monkeypatch):
    options = pipeline.Options(out=tmp_path, jobs=1, chunks="off")
    monkeypatch.setattr(pipeline, "render_job", fake_job_result)
    first = pipeline.render(["saturation"], Params(), options)
    out = first.out
    manifest = json.loads((out / "manifest.json").read_text())
    assert (out / "01_saturation.mp4").read_text() == "v1"

    def failing(job):
        fake_job_result(job, "half-written")  # staged, never committed
        raise pipeline.RenderError("manim failed with exit status -9")

    monkeypatch.setattr(pipeline, "render_job", failing)
    with pytest.raises(pipeline.RenderError, match="saturation: manim failed"):
        pipeline.render(["saturation"], replace(Params(), "saturation", probe_z=4.0), options)
    assert (out / "01_saturation.mp4").read_text() == "v1"
    assert (out / "01_saturation" / "01_beat.mp4").read_text() == "v1"
    assert json.loads((out / "manifest.json").read_text()) == manifest
    assert not (out / ".staging").exists()
    for name in manifest["scenes"]["saturation"]["files"]:
        assert (out / name).exists()


def test_nothing_changed_renders_nothing(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(pipeline, "render_job", lambda job: calls.append(job) or fake_job_result(job))
    options = pipeline.Options(out=tmp_path, chunks="off")
    pipeline.render(["saturation"], Params(), options)
    report = pipeline.render(["saturation"], Params(), options)
    assert len(calls) == 1 and report.rendered == [] and report.up_to_date == ["saturation"]


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sigsat.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_a_second_render_on_the_same_folder_stops_with_a_clear_message(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    with open(tmp_path / ".sigsat.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        done = run_cli("render", "saturation", "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        f"sigsat: another sigsat render is writing to {tmp_path}; wait for it to finish or use another --out"]


def test_the_render_lock_dies_with_its_holder_even_by_sigkill(tmp_path):
    """A render killed with SIGKILL (no clean-up runs) must not leave the folder locked."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from sigsat.production.pipeline import locked\n"
        "with locked(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(20)"),
        str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(pipeline.BusyError, match="another sigsat render is writing to"):
            with pipeline.locked(tmp_path):
                pass
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with pipeline.locked(tmp_path):  # taken at once: the kernel dropped the dead holder's lock
        assert (tmp_path / ".sigsat.lock").exists()


@pytest.mark.parametrize("args, message", [
    (["render", "nosuchscene"], "unknown scene 'nosuchscene'; known scenes: saturation"),
    (["render", "--quality", "ultra"], "invalid choice: 'ultra'"),
    (["render", "--jobs", "0"], "must be a whole number >= 1"),
    (["storyboard", "--theme", "blue"], "invalid choice: 'blue'"),
])
def test_cli_usage_errors_are_one_line(tmp_path, args, message):
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_unwritable_output_folder_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = run_cli("render", "saturation", "--out", str(blocker / "renders"), cwd=tmp_path)
    assert done.returncode in (1, 2)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("sigsat: ") and str(blocker) in lines[0], done.stderr
    assert "cannot write to output folder" in lines[0] or "Not a directory" in lines[0], done.stderr


def test_list_names_every_scene_in_order_with_beats_and_parameters(tmp_path):
    done = run_cli("list", cwd=tmp_path)
    assert done.returncode == 0
    text = done.stdout
    positions = [text.index(f". {s.id} ({s.cls})") for s in lecture.SCENES]
    assert positions == sorted(positions)
    assert "saturation.probe_z" in text and "draw_the_curve" in text


def test_a_manim_that_starts_after_ctrl_c_is_killed_at_once(tmp_path):
    """Ctrl-C can land between a job's start and its manim's: the runner's stop must still reach
    that manim (it would otherwise run to its end while the render waits for it)."""
    fake = tmp_path / "fake" / "manim"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text("import time\ntime.sleep(20)\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "fake"))
    runner = pipeline.LocalRunner(None, 1)
    runner.stop()   # the interrupt, before the job started its manim
    try:
        with pipeline.tagged(runner.tag), pytest.raises(pipeline.RenderError, match="killed by signal SIGKILL"):
            pipeline._run_manim([], env, tmp_path, tmp_path / "manim.log")
    finally:
        runner.close()
