"""Architecture rules: sigsat never imports manim; the theme is readable."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import sigsat
from sigsat.lesson.theme import PALETTES, TEXT_ROLES, contrast_ratio


def test_importing_every_sigsat_module_does_not_import_manim():
    modules = [m.name for m in pkgutil.walk_packages(sigsat.__path__, "sigsat.")]
    assert "sigsat.production.pipeline" in modules and "sigsat.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "sys.exit(3 if any(m == 'manim' or m.startswith('manim.') for m in sys.modules) else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr or "manim was imported"


@pytest.mark.parametrize("theme", list(PALETTES))
@pytest.mark.parametrize("role", TEXT_ROLES)
def test_text_colours_reach_4_5_to_1_on_background_and_caption_plate(theme, role):
    p = PALETTES[theme]
    assert contrast_ratio(getattr(p, role), p.BACKGROUND) >= 4.5
    assert contrast_ratio(getattr(p, role), p.CAPTION_BG) >= 4.5
