"""Shared fixtures; also makes manim's frames_comparison usable in our suite (see pytest_configure)."""

from __future__ import annotations

from pathlib import Path

import pytest

PARAMS_DIR = Path(__file__).parent / "params"
#: Parameter sets every scene is checked under: the lesson's defaults and two others.
PARAM_SETS = {"default": None, "alt1": PARAMS_DIR / "alt1.toml", "alt2": PARAMS_DIR / "alt2.toml"}


def load_param_set(name: str):
    """The parameters of one of :data:`PARAM_SETS`."""
    from sigsat.lesson import params

    path = PARAM_SETS[name]
    return params.Params() if path is None else params.load(path)


def pytest_addoption(parser):
    # manim's frames_comparison reads these options, but the installed package does not add them.
    parser.addoption("--set_test", action="store_true", help="write frames_comparison control data")
    parser.addoption("--show_diff", action="store_true", help="show frames_comparison diffs")


@pytest.fixture
def use_params(monkeypatch, tmp_path):
    """Point $SIGSAT_PARAMS at one of PARAM_SETS (None: the defaults) and return the Params."""
    from sigsat.lesson import params

    def choose(name: str):
        path = PARAM_SETS[name]
        if path is None:
            monkeypatch.delenv(params.PARAMS_ENV, raising=False)
        else:
            monkeypatch.setenv(params.PARAMS_ENV, str(path))
        return params.load()

    monkeypatch.chdir(tmp_path)  # no stray sigsat.toml from the caller's folder; media/ lands here
    return choose


def pytest_configure(config):
    # frames_comparison skips every test on Debian 12's cairo 1.16 ("Cairo version is too old").
    # Control data made here is valid for the cairo it was made with; CI runs on the same kind of
    # machine.
    from manim.utils.testing import frames_comparison

    frames_comparison.MIN_CAIRO_VERSION = 11600
