"""Pixel regression: the last frame of every scene, both themes, against tests/control_data/.

After an intended visual change: .venv/bin/python -m pytest tests/test_pixels.py --set_test
"""

from __future__ import annotations

import importlib

import pytest
from manim.utils.testing.frames_comparison import frames_comparison

from scenes.lecture import play_part
from sigsat.lesson.lecture import find_scene

__module_test__ = "scenes"


@pytest.fixture(params=["dark", "light"])
def theme(request, tmp_path, monkeypatch):
    path = tmp_path / "theme.toml"
    path.write_text(f'[theme]\nname = "{request.param}"\n[narration]\nmode = "none"\n')
    monkeypatch.setenv("SIGSAT_PARAMS", str(path))
    return request.param


def _play(scene, scene_id: str) -> None:
    spec = find_scene(scene_id)
    play_part(scene, getattr(importlib.import_module(spec.module), spec.cls))


@frames_comparison(last_frame=True)
def test_saturation_last_frame(scene, theme):
    _play(scene, "saturation")


@frames_comparison(last_frame=True)
def test_chain_last_frame(scene, theme):
    _play(scene, "chain")


@frames_comparison(last_frame=True)
def test_relu_last_frame(scene, theme):
    _play(scene, "relu")


@frames_comparison(last_frame=True)
def test_takeaways_last_frame(scene, theme):
    _play(scene, "takeaways")


@frames_comparison(last_frame=True)
def test_derivative_last_frame(scene, theme):
    _play(scene, "derivative")


@frames_comparison(last_frame=True)
def test_probe_last_frame(scene, theme):
    _play(scene, "probe")


@frames_comparison(last_frame=True)
def test_measured_last_frame(scene, theme):
    _play(scene, "measured")
