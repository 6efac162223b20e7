"""One LaTeX run for a scene's new formulas (``scenes/tex_batch.py``) draws what manim's own does.

The oracle is manim itself: the same ``.tex`` files compiled one by one by manim's
``tex_to_svg_file`` in another folder, parsed by manim's ``SVGMobject`` into outlines.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from sigsat.lesson import lecture, params as params_mod
from sigsat.lesson.stills import STILLS_ENV

manim = pytest.importorskip("manim")

QUIET = {"progress_bar": "none", "verbosity": "WARNING", "disable_caching": True, "quality": "low_quality"}


def _outlines(svg) -> list[np.ndarray]:
    from manim import SVGMobject

    mob = SVGMobject(str(svg), should_center=False, use_svg_cache=False)
    return [m.points for m in mob.family_members_with_points()]


def _probe_formulas(tmp_path, monkeypatch, probe_z: float):
    """The formulas the probe scene needs under ``probe_z``, found by the stubbed pass."""
    from scenes.tex_batch import collect

    spec = lecture.find_scene("probe")
    params_file = tmp_path / "params.toml"
    params = params_mod.from_mapping({"saturation": {"probe_z": probe_z}, "narration": {"mode": "none"}})
    params_file.write_text(params_mod.to_toml(params, comments=False))
    monkeypatch.setenv(params_mod.PARAMS_ENV, str(params_file))
    monkeypatch.setenv(STILLS_ENV, str(tmp_path / "stills"))
    module = __import__(spec.module, fromlist=[spec.cls])
    return collect(getattr(module, spec.cls))


def test_each_page_of_a_batch_draws_what_manims_own_compile_of_that_formula_draws(tmp_path, monkeypatch):
    from manim import tempconfig

    from scenes.tex_batch import compile_batch

    with tempconfig({**QUIET, "media_dir": str(tmp_path / "batch")}):
        found = _probe_formulas(tmp_path, monkeypatch, -4.5)
        assert len(found) >= 15   # the probe scene's own formulas, none cached yet
        assert compile_batch(found) == len(found)
    alone = tmp_path / "alone" / "Tex"
    alone.mkdir(parents=True)
    with tempconfig({**QUIET, "media_dir": str(tmp_path / "alone")}):
        for tex_file in found:
            shutil.copy(tex_file, alone / tex_file.name)
            made = _compile_alone(alone / tex_file.name)
            batch = _outlines(tex_file.with_suffix(".svg"))
            own = _outlines(made)
            assert len(batch) == len(own) > 0, tex_file.name
            for a, b in zip(batch, own):
                np.testing.assert_array_equal(a, b, err_msg=tex_file.read_text())


def _compile_alone(tex_file):
    """manim's own two steps for one formula: latex to DVI, dvisvgm to SVG."""
    from manim import config
    from manim.utils.tex_file_writing import compile_tex, convert_to_svg

    template = config["tex_template"]
    return convert_to_svg(compile_tex(tex_file, template.tex_compiler, template.output_format),
                          template.output_format)


def test_a_batch_with_a_formula_latex_refuses_files_nothing_and_leaves_all_to_manim(tmp_path):
    from manim import config, tempconfig
    from manim.utils.tex_file_writing import generate_tex_file

    from scenes.tex_batch import compile_batch

    with tempconfig({**QUIET, "media_dir": str(tmp_path)}):
        good = generate_tex_file(r"\sigma(z) = 0.5", "align*", config["tex_template"])
        bad = generate_tex_file(r"\frac{1}{", "align*", config["tex_template"])
        assert compile_batch([good, bad]) == 0
        assert not good.with_suffix(".svg").exists() and not bad.with_suffix(".svg").exists()
        assert compile_batch([good]) == 1 and good.with_suffix(".svg").exists()


def test_formulas_already_typeset_are_not_typeset_again(tmp_path, monkeypatch):
    from manim import tempconfig

    from scenes.tex_batch import compile_batch

    with tempconfig({**QUIET, "media_dir": str(tmp_path / "media")}):
        found = _probe_formulas(tmp_path, monkeypatch, 4.5)
        compile_batch(found)
        before = {f: f.with_suffix(".svg").stat().st_mtime_ns for f in found}
        assert _probe_formulas(tmp_path, monkeypatch, 4.5) == []
        assert compile_batch(found) == 0
        assert {f: f.with_suffix(".svg").stat().st_mtime_ns for f in found} == before
