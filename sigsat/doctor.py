"""``sigsat doctor``: is everything rendering needs on this machine? One line per check."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["run_checks"]

_APT = "sudo apt-get install --no-install-recommends"


def _font_present(family: str) -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", family], capture_output=True, text=True).stdout
    return bool(out.strip())


def _checks(out: Path):
    yield "latex", bool(shutil.which("latex")), f"{_APT} texlive-latex-base texlive-latex-extra texlive-fonts-recommended"
    yield "dvisvgm", bool(shutil.which("dvisvgm")), f"{_APT} dvisvgm"
    yield "espeak-ng (offline voice)", bool(shutil.which("espeak-ng")), f"{_APT} espeak-ng  (or render with --narration none)"
    yield "sox (audio tools for manim-voiceover)", bool(shutil.which("sox")), f"{_APT} sox"
    try:
        version = importlib.metadata.version("manim")
    except importlib.metadata.PackageNotFoundError:
        version = None
    yield f"manim {version or '(missing)'}", version is not None, "make venv  (pip install -e '.[test]')"
    pango = importlib.util.find_spec("manimpango") is not None
    yield "ManimPango (pango/cairo)", pango, f"{_APT} libpango1.0-dev libcairo2-dev pkg-config, then make venv"
    yield "font DejaVu Sans", _font_present("DejaVu Sans"), f"{_APT} fonts-dejavu-core"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out):
            writable = True
    except OSError:
        writable = False
    yield f"write access to {out}", writable, f"choose another folder with --out, or fix the permissions of {out}"


def run_checks(out: Path = Path("renders")) -> int:
    missing = 0
    for name, ok, fix in _checks(out):
        print(f"{'ok     ' if ok else 'MISSING'} {name}" + ("" if ok else f"  ->  {fix}"))
        missing += not ok
    print("everything rendering needs is here" if not missing else f"{missing} missing")
    return 1 if missing else 0
