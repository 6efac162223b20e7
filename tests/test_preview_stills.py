"""The preview's stills are the pictures a real render's beats end on.

The stills mode (``$SIGSAT_STILLS``, :mod:`sigsat.lesson.stills`) skips every animation and draws
one frame per beat; each must match the last frame of that beat's clip from a whole render at
480p (decoded H.264 against a lossless PNG), and be clearly further from every other beat's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from sigsat.lesson import lecture, params as params_mod
from sigsat.lesson.chunks import read_records
from sigsat.lesson.stills import still_name
from sigsat.production import media
from sigsat.production.pipeline import Options, render, with_overrides
from sigsat.production.sections import read_sections
from tests.av_compare import psnr


@pytest.mark.slow
def test_each_still_is_the_last_frame_of_its_beat_in_a_real_render(tmp_path):
    params = params_mod.from_mapping({"saturation": {"probe_z": -4.0}})
    options = Options(out=tmp_path / "renders", narration="none", chunks="off", jobs=1)
    report = render(["probe"], params, options)
    clips = report.out / "03_probe"
    frames = [np.asarray(media.last_frame(clips / e["video"]).convert("RGB"))
              for e in read_sections(clips)]

    params_file = tmp_path / "effective.toml"
    params_file.write_text(params_mod.to_toml(with_overrides(params, options), comments=False))
    request = {"scene": "probe", "params": str(params_file), "folder": str(tmp_path / "stills"),
               "media": str(tmp_path / "media")}
    done = subprocess.run([sys.executable, "-m", "scenes.preview_worker"], input=json.dumps(request) + "\n",
                          capture_output=True, text=True, timeout=300)
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert answers[-1]["ok"], done.stderr[-3000:]

    records = read_records(tmp_path / "stills")
    names = [e["name"] for e in read_sections(clips)]
    assert [r.name for r in records] == names
    assert sorted(p.name for p in (tmp_path / "stills").glob("*.png")) == [still_name(i, n) for i, n in enumerate(names)]
    for i, record in enumerate(records):
        still = np.asarray(Image.open(tmp_path / "stills" / still_name(i, record.name)).convert("RGB"))
        assert still.shape == frames[i].shape == (480, 854, 3)
        same = psnr(still, frames[i])
        others = [psnr(still, f) for j, f in enumerate(frames) if j != i]
        assert same >= 33, (record.name, same)   # measured 34.7-41.3 dB: H.264 on thin coloured text
        assert same > max(others) + 10, (record.name, same, others)   # measured: others <= 19.4 dB


@pytest.mark.parametrize("spec", lecture.SCENES, ids=lambda s: s.id)
def test_stills_drawn_without_playing_equal_stills_played_and_need_no_formula_the_first_pass_missed(
        spec, tmp_path, monkeypatch):
    """The worker's two shortcuts change no pixel: the formula pass finds every formula the scene
    typesets (manim compiles none itself afterwards), and ending animations without playing them
    draws exactly what manim's skipped play draws."""
    import scenes.common as common
    from manim.utils import tex_file_writing
    from scenes.preview_worker import render_stills

    params = params_mod.from_mapping({"saturation": {"probe_z": -4.5}, "chain": {"layers": 6}})
    params_file = tmp_path / "params.toml"
    params_file.write_text(params_mod.to_toml(params, comments=False))
    compiled = []
    before = os.environ.get(params_mod.PARAMS_ENV)
    original = tex_file_writing.compile_tex
    monkeypatch.setattr(tex_file_writing, "compile_tex", lambda *a: compiled.append(a[0]) or original(*a))

    def stills(tag: str) -> list[np.ndarray]:
        folder = tmp_path / tag
        answer = render_stills({"scene": spec.id, "params": str(params_file), "folder": str(folder),
                                "media": str(tmp_path / "media")})
        assert answer["ok"], answer
        return [np.asarray(Image.open(folder / still_name(r.index, r.name))) for r in read_records(folder)]

    fast = stills("fast")
    assert compiled == []
    assert os.environ.get(params_mod.PARAMS_ENV) == before   # the request's file does not outlive it
    monkeypatch.setattr(common, "_play_to_the_end", lambda scene, play, *args, **kwargs: play(*args, **kwargs))
    played = stills("played")
    assert len(fast) == len(played) == len(spec.beats)
    for beat, a, b in zip(spec.beats, fast, played):
        assert np.array_equal(a, b), (beat, int(np.abs(a.astype(int) - b.astype(int)).max()))
