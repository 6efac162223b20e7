"""``sigsat render --dry-run`` and the render keys it explains: what changed, and nothing written.

A "render" here is a manifest entry committed the way a real job's is (pipeline._commit) over
placeholder files: the keys and the explanations do not depend on the video bytes, so no manim
runs. Which files a scene uses is found independently of the key code: by importing the scene in
a fresh interpreter and listing the project modules Python loaded.
"""

from __future__ import annotations

import dataclasses
import re
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sigsat import cli
from sigsat.lesson import lecture
from sigsat.lesson.params import Params, to_toml
from sigsat.production import keys, manifest, naming, pipeline
from sigsat.production.dryrun import dry_run

SCENE = lecture.find_scene("probe")
OTHER = lecture.find_scene("chain")
SILENT = dataclasses.replace(Params(), narration=dataclasses.replace(Params().narration, mode="none"))


def options(root: Path, **changes) -> pipeline.Options:
    return pipeline.Options(out=root, **{"chunks": "off", **changes})


def fake_render(root: Path, params: Params, specs=lecture.SCENES) -> Path:
    """Record ``specs`` as rendered under ``params`` into ``root``, as a job's commit does."""
    opts = options(root)
    the_plan = pipeline.plan(list(specs), pipeline.with_overrides(params, opts), opts)
    out = the_plan.out
    out.mkdir(parents=True, exist_ok=True)
    data = manifest.load(out)
    for job in the_plan.jobs:
        staging = root / ".staging" / job.scene_id
        for name in naming.scene_outputs(job.stem):
            if name == job.stem:
                (staging / name).mkdir(parents=True)
                (staging / name / "01_beat.mp4").write_bytes(b"clip")
            else:
                staging.mkdir(parents=True, exist_ok=True)
                (staging / name).write_bytes(name.encode())
        result = pipeline.JobResult(job.scene_id, job.key, str(staging),
                                    tuple(naming.scene_outputs(job.stem)), 1.0, 1.0, 1.0)
        pipeline._commit(result, out, data, the_plan.parts[job.scene_id])
    return out


def status(root: Path, params: Params, spec=SCENE) -> str:
    (line,) = dry_run([spec.id], params, options(root))
    return line


def test_up_to_date_then_each_kind_of_change_is_named(tmp_path):
    out = fake_render(tmp_path, SILENT)
    assert status(tmp_path, SILENT) == "probe: up to date"
    moved = dataclasses.replace(SILENT, saturation=dataclasses.replace(SILENT.saturation, probe_z=7.5))
    assert status(tmp_path, moved) == "probe: would render (parameter saturation.probe_z: 5.0 -> 7.5)"
    assert status(tmp_path, moved, lecture.find_scene("measured")) == "measured: up to date"
    voiced = dataclasses.replace(SILENT, narration=Params().narration)
    line = status(tmp_path, voiced)
    assert 'parameter narration.mode: "none" -> "espeak"' in line
    assert 'parameter narration.voice: (unread) -> "en-us"' in line and "audio of 5 beat(s) changed" in line
    (line,) = dry_run([SCENE.id], SILENT, options(tmp_path, formats=("gif",)))
    assert line == 'probe: would render (formats: [] -> ["gif"])'
    (line,) = dry_run([SCENE.id], SILENT, options(tmp_path, force=True))
    assert line == "probe: would render (--force)"
    (out / f"{naming.stem(SCENE)}.srt").write_text("changed by hand")
    assert status(tmp_path, SILENT) == f"probe: would render (damaged: {naming.stem(SCENE)}.srt)"
    assert status(tmp_path, SILENT, OTHER) == "chain: up to date"


def test_a_scene_never_rendered_and_the_lecture(tmp_path):
    fake_render(tmp_path, SILENT, [SCENE])
    lines = dry_run([], SILENT, options(tmp_path))
    assert lines[lecture.SCENES.index(SCENE)] == "probe: up to date"
    assert lines[0] == "saturation: would render (never rendered)"
    assert lines[-2:] == ["lecture: would be assembled", "lecture2: would be assembled"]  # one per part


def test_an_unreadable_manifest_is_reported_and_left_alone(tmp_path):
    out = fake_render(tmp_path, SILENT, [SCENE])
    (out / "manifest.json").write_text("{")
    lines = dry_run([SCENE.id], SILENT, options(tmp_path))
    assert "not valid JSON" in lines[0] and lines[1] == "probe: would render (never rendered)"
    assert (out / "manifest.json").read_text() == "{"


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ``root`` with its bytes and modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("command", ["render", "storyboard", "slides"])
def test_the_command_writes_nothing_and_takes_no_lock(tmp_path, capsys, command):
    root = tmp_path / "renders"
    fake_render(root, SILENT, [SCENE, OTHER])
    changed = tmp_path / "changed.toml"
    changed.write_text(to_toml(dataclasses.replace(
        SILENT, saturation=dataclasses.replace(SILENT.saturation, probe_z=6.0))))
    before = snapshot(tmp_path)
    assert not (root / ".sigsat.lock").exists()
    status = cli.main([command, "probe", "chain", "--dry-run", "--params", str(changed), "--out", str(root)])
    printed = capsys.readouterr().out.splitlines()
    assert status == 0 and snapshot(tmp_path) == before
    assert printed[0].startswith("probe: would render (parameter saturation.probe_z: 5.0 -> 6.0)")
    assert printed[1] == "chain: up to date"
    if command != "render":
        assert printed[2].startswith("would write ") and len(printed) > 2
    else:
        assert len(printed) == 2


# ------------------------------------------------------------------------------------------------
# the keys cover every file a scene uses, and no other scene's module

ROOT = Path(__file__).resolve().parents[1]
LOADED = """
import importlib, json, sys
importlib.import_module("scenes." + sys.argv[1])
importlib.import_module("scenes.voice")   # imported inside a function, when a voice is set up
from sigsat.lesson import lecture
lecture.scene_inputs(lecture.find_scene(sys.argv[1]), lecture.params_mod.Params())  # its lesson module
print(json.dumps(sorted({m.__file__ for m in list(sys.modules.values())
                         if getattr(m, "__file__", None) and m.__file__.startswith(sys.argv[2])})))
"""


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A copy of sigsat/ and scenes/ that the keys read instead of the real ones."""
    copy = tmp_path / "src"
    for name in ("sigsat", "scenes"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "SIGSAT_DIR", copy / "sigsat")
    monkeypatch.setattr(keys, "SCENES_DIR", copy / "scenes")
    return copy


def files_loaded_by(scene_id: str, copy: Path) -> list[Path]:
    """The project files Python runs to import the scene and its voice services, from ``copy``."""
    env = dict(os.environ, PYTHONPATH=str(copy))
    done = subprocess.run([sys.executable, "-c", LOADED, scene_id, str(copy)], capture_output=True,
                          text=True, env=env, cwd=copy, check=True)
    return [Path(p) for p in json.loads(done.stdout)]


def edited(path: Path):
    """Context: ``path`` with a comment appended, restored afterwards."""
    import contextlib

    @contextlib.contextmanager
    def edit():
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        try:
            yield
        finally:
            path.write_bytes(original)
    return edit()


def test_editing_any_file_the_scene_uses_makes_it_stale(tree, tmp_path):
    used = files_loaded_by(SCENE.id, tree)
    names = {p.relative_to(tree).as_posix() for p in used}
    assert {"scenes/voice.py", "scenes/common.py", "scenes/probe.py", "sigsat/lesson/scenes/probe.py",
            "sigsat/core/activations.py", "sigsat/lesson/narration.py"} <= names
    assert not any(n.startswith("sigsat/production/") for n in names)
    fake_render(tmp_path / "renders", SILENT, [SCENE])
    for path in used:
        with edited(path):
            line = status(tmp_path / "renders", SILENT)
        assert line == f"probe: would render (source changed: {path.relative_to(tree).as_posix()})", path
    assert status(tmp_path / "renders", SILENT) == "probe: up to date"


def test_a_new_module_is_in_the_key_without_being_listed(tree, tmp_path):
    fake_render(tmp_path / "renders", SILENT, [SCENE])
    (tree / "scenes" / "kit.py").write_text("LAYOUT = 1\n")
    assert status(tmp_path / "renders", SILENT) == "probe: would render (source added: scenes/kit.py)"


@pytest.mark.parametrize("other", ["scenes/chain.py", "sigsat/lesson/scenes/chain.py", "scenes/lecture.py",
                                   "sigsat/production/pipeline.py", "sigsat/cli.py"])
def test_editing_another_scenes_module_or_production_leaves_it_up_to_date(tree, tmp_path, other):
    fake_render(tmp_path / "renders", SILENT, [SCENE])
    with edited(tree / other):
        assert status(tmp_path / "renders", SILENT) == "probe: up to date"


def test_a_scene_to_render_in_chunks_names_them_and_those_an_earlier_render_kept(tmp_path):
    opts = options(tmp_path, chunks=2)
    (line,) = dry_run([SCENE.id], SILENT, opts)
    found = re.fullmatch(r"probe: would render \(never rendered\) in 2 chunks \(beats 1-(\d), (\d)-(\d)\)", line)
    assert found, line
    assert int(found[2]) == int(found[1]) + 1 and int(found[3]) == len(SCENE.beats)
    # An interrupted render kept the first chunk (and the ranges it chose).
    the_plan = pipeline.plan([SCENE], pipeline.with_overrides(SILENT, opts), opts)
    first = Path(the_plan.chunks[SCENE.id][0])
    (first / "sections").mkdir(parents=True)
    (first / "video.mp4").write_bytes(b"video")
    (first / "sections" / "sections.json").write_text("[]")
    (first / "timing.json").write_text('{"seconds": 1.0, "peak_rss_mib": 1.0}')
    pipeline._remember_ranges(pipeline.Batch.of(the_plan), tmp_path / ".cache")
    (again,) = dry_run([SCENE.id], SILENT, opts)
    assert again == line[:-1] + "; 1 kept from an earlier render)"
    assert [j.beats for j in pipeline.plan([SCENE], pipeline.with_overrides(SILENT, opts), opts).jobs] == \
        [(int(found[2]) - 1, int(found[3]) - 1)], "only the missing chunk renders"
