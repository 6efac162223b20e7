"""Sweeps: every variant planned together, each distinct render done once and shared.

Manim is stood in for by a job that writes a small file per scene (the render pipeline itself,
its planning, committing and linking, is real); the oracle for how many renders a sweep needs
is which parameters each scene reads (``lecture.reads``), not the render keys the code compares.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from sigsat import cli
from sigsat.lesson import lecture
from sigsat.lesson.params import Params
from sigsat.production import pipeline
from sigsat.production.sweep import parse_sweep
from sigsat.production.sweep_render import render_sweep

SCENES = [lecture.find_scene(s) for s in ("saturation", "derivative", "probe", "chain")]
GRID = """
name = "study"
[grid]
"saturation.probe_z" = [3, 4, 5]
theme = ["dark", "light"]
"""


@pytest.fixture
def rendered(monkeypatch):
    """Stand in for manim; the jobs it was given."""
    jobs: list[pipeline.Job] = []

    def fake_render_job(job: pipeline.Job) -> pipeline.JobResult:
        jobs.append(job)
        staging = Path(job.staging_dir)
        staging.mkdir(parents=True, exist_ok=True)
        (staging / f"{job.stem}.mp4").write_text(f"{job.scene_id} {job.key}")
        return pipeline.JobResult(job.scene_id, job.key, str(staging), (f"{job.stem}.mp4",), 1.0, 1.0, 1.0)

    monkeypatch.setattr(pipeline, "render_job", fake_render_job)
    return jobs


def _sweep(text: str = GRID):
    return parse_sweep(text, "study.toml", Params())


def _options(tmp_path: Path) -> pipeline.Options:
    return pipeline.Options(out=tmp_path / "renders", jobs=2, narration="none", chunks="off")


def _expected_renders(values: list[float], themes: list[str]) -> int:
    """Distinct videos: a scene that reads probe_z has one per (value, theme), the others one per theme."""
    reads = {s.id: lecture.reads(s, Params()) for s in SCENES}
    return sum(len(themes) * (len(values) if "saturation.probe_z" in reads[s.id] else 1) for s in SCENES)


def test_each_distinct_render_runs_once_and_lands_in_every_variant(tmp_path, rendered):
    report = render_sweep(_sweep(), _options(tmp_path), SCENES)
    assert len(rendered) == _expected_renders([3, 4, 5], ["dark", "light"]) < 6 * len(SCENES)
    assert len({(j.scene_id, j.key) for j in rendered}) == len(rendered), "no unit rendered twice"
    assert report.rendered == len(rendered) and report.wanted == 6 * len(SCENES)
    root = tmp_path / "renders" / "sweeps" / "study"
    for z, theme in itertools.product([3, 4, 5], ["dark", "light"]):
        folder = root / f"probe_z-{z}_theme-{theme}" / "low" / theme
        for spec in SCENES:
            video = folder / f"{lecture.SCENES.index(spec) + 1:02d}_{spec.id}.mp4"
            scene_id, key = video.read_text().split()
            assert scene_id == spec.id
            reads_z = "saturation.probe_z" in lecture.reads(spec, Params())
            # shared by every variant of its theme exactly when it does not read the swept value
            assert video.stat().st_nlink == (1 if reads_z else 3)
    assert (root / "index.html").read_text().count("same as") > 0
    assert 'href="sweeps/study/index.html"' in (tmp_path / "renders" / "index.html").read_text()


def test_a_second_sweep_renders_nothing_and_a_new_value_renders_only_what_reads_it(tmp_path, rendered):
    options = _options(tmp_path)
    render_sweep(_sweep(), options, SCENES)
    rendered.clear()
    again = render_sweep(_sweep(), options, SCENES)
    assert rendered == [] and again.rendered == 0 and again.wanted == 0
    wider = render_sweep(_sweep(GRID.replace("[3, 4, 5]", "[3, 4, 5, 6]")), options, SCENES)
    reads_z = [s.id for s in SCENES if "saturation.probe_z" in lecture.reads(s, Params())]
    assert sorted(j.scene_id for j in rendered) == sorted(reads_z * 2)   # z = 6, both themes
    # the new variants' other scenes are the very files earlier variants hold
    assert wider.linked == 2 * (len(SCENES) - len(reads_z))


def test_a_failed_render_leaves_the_other_variants_landed_and_names_the_variant(tmp_path, rendered, monkeypatch):
    ok = pipeline.render_job

    def fail_probe_at_five(job):
        if job.scene_id == "probe" and "probe_z = 5.0" in job.params_toml:
            raise pipeline.RenderError("manim failed: planted")
        return ok(job)

    monkeypatch.setattr(pipeline, "render_job", fail_probe_at_five)
    with pytest.raises(pipeline.RenderError, match=r"probe \[probe_z-5_theme-dark\]: manim failed: planted"):
        render_sweep(_sweep(), _options(tmp_path), SCENES)
    folder = tmp_path / "renders" / "sweeps" / "study" / "probe_z-3_theme-dark" / "low" / "dark"
    assert (folder / "03_probe.mp4").exists() and not list(folder.parent.rglob(".staging"))


@pytest.mark.parametrize("text, culprit", [
    ('[grid]\n"saturation.probe_zz" = [3]\n', "saturation.probe_zz"),
    ('[grid]\n"saturation.probe_z" = []\n', "saturation.probe_z"),
    ('[[variant]]\nname = "a"\n[[variant]]\nname = "a"\n', '"a"'),
    ('[[variant]]\nname = "far"\n"saturation.probe_z" = 80\n', "80"),
])
def test_a_bad_sweep_file_is_refused_in_one_line_before_anything_is_written(tmp_path, text, culprit):
    (tmp_path / "bad.toml").write_text(text)
    done = subprocess.run([sys.executable, "-m", "sigsat.cli", "sweep", "bad.toml", "--narration", "none"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == cli.EXIT_USAGE
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sigsat: ") and culprit in lines[0], done.stderr
    assert not (tmp_path / "renders").exists()
