"""Scenes at the edges of the parameter ranges: every beat plays, nothing leaves the frame, and
scene 1's tangent stays on its axes."""

from __future__ import annotations

import importlib

import pytest

from sigsat.lesson import params
from sigsat.lesson.lecture import find_scene
from tests.scene_tools import DRY_RUN, dry_run

#: (name, TOML text, scenes that read the parameters it changes)
EXTREMES = [
    ("threshold-0.5", "[saturation]\nthreshold = 0.5\nprobe_z = -8.0\n", ("saturation", "derivative", "probe", "takeaways")),
    ("threshold-8", "[saturation]\nthreshold = 8.0\nprobe_z = 8.0\n", ("saturation", "derivative", "probe", "takeaways")),
    ("threshold-2-probe-1", "[saturation]\nthreshold = 2.0\nprobe_z = 1.0\n", ("saturation", "derivative", "probe")),
    ("probe-minus-6", "[saturation]\nprobe_z = -6.0\n", ("saturation", "probe")),
    ("tiny-chain", "[chain]\nlayers = 12\nper_layer_gradient = 1e-100\nlearning_rate = 5e-324\n", ("chain", "takeaways")),
    ("flat-chain", "[chain]\nlayers = 12\nper_layer_gradient = 1.0\nlearning_rate = 10.0\n", ("chain", "takeaways")),
    ("odd-chain", "[chain]\nlayers = 8\nper_layer_gradient = 0.125\nlearning_rate = 0.05\n", ("chain", "takeaways")),
    ("dead-network", "[network]\ndepth = 2\nwidth = 2\nseed = 5\nbatch = 3\n", ("measured", "relu")),
]
CASES = [(name, text, scene) for name, text, scenes in EXTREMES for scene in scenes]


@pytest.fixture
def extreme(tmp_path, monkeypatch):
    def choose(text: str) -> params.Params:
        path = tmp_path / "extreme.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv(params.PARAMS_ENV, str(path))
        monkeypatch.chdir(tmp_path)
        return params.load()
    return choose


@pytest.mark.parametrize("name, text, scene", CASES, ids=[f"{n}-{s}" for n, _, s in CASES])
def test_scene_plays_inside_the_frame_at_the_extremes(name, text, scene, extreme, monkeypatch):
    p = extreme(text)
    spec = find_scene(scene)
    run = dry_run(spec, monkeypatch)
    assert run.sections == list(spec.beats)
    assert run.subtitles == list(spec.lesson.build(p).lines.values())
    assert not run.offscreen, f"left the frame: {run.offscreen}"


@pytest.mark.parametrize("probe_z", [-6.0, -8.0, 8.0, 5.0])
def test_scene_1s_tangent_stays_on_its_axes(probe_z, extreme):
    # At probe_z = -6 the tangent ran past the left end of the axes (scene 3 cut it there).
    from manim import tempconfig

    extreme(f"[saturation]\nprobe_z = {probe_z}\n")
    module = importlib.import_module("scenes.saturation")
    with tempconfig(DRY_RUN):
        scene = module.SigmoidSaturates()
        scene.render()
    tangent, axes = scene.probe[0], scene.axes
    left, right = axes.c2p(axes.x_range[0], 0)[0], axes.c2p(axes.x_range[1], 0)[0]
    xs = [tangent.get_start()[0], tangent.get_end()[0]]
    assert left - 1e-6 <= min(xs) and max(xs) <= right + 1e-6, (xs, left, right)
    assert max(xs) - min(xs) > 0.3, "a visible tangent is left"
