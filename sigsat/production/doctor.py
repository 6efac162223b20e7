"""``sigsat doctor``: is everything rendering needs on this machine? One line per check.

The doctor only looks: it creates no folder and leaves no file (write access is tried with an
unnamed temporary inode, ``O_TMPFILE``, which never appears in the folder), so running it changes
nothing. ``sigsat render`` runs some of the same checks before it starts (:func:`render_problem`).
"""

from __future__ import annotations

import errno
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator, NamedTuple

__all__ = ["Check", "run_checks", "render_problem", "writable_folder_problem", "latex_unsafe", "LATEX_UNSAFE"]

_APT = "sudo apt-get install --no-install-recommends"
#: Characters that make LaTeX fail when they appear in the folder it runs in (manim runs it in
#: OUT/.cache/media): tried one at a time with manim 0.22 and Debian 12's TeX Live 2022.
LATEX_UNSAFE = '%~\\"{'


class Check(NamedTuple):
    """One line of the doctor's report: what was checked, whether it is fine, what to do if not."""

    name: str
    ok: bool
    fix: str


def _font_present(family: str) -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", family], capture_output=True, text=True).stdout
    return bool(out.strip())


def _tool(name: str, label: str, fix: str) -> Check:
    found = bool(shutil.which(name))
    return Check(label if found else f"{label} (not found on PATH)", found, fix)


def _latex() -> Check:
    return _tool("latex", "latex", f"{_APT} texlive-latex-base texlive-latex-extra texlive-fonts-recommended")


def _dvisvgm() -> Check:
    return _tool("dvisvgm", "dvisvgm", f"{_APT} dvisvgm")


def _can_create_in(folder: Path) -> bool:
    """Whether a file can be created in the existing ``folder``, creating nothing there."""
    try:
        fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return False
        # A file system without O_TMPFILE: ask the permission bits instead.
        return os.access(folder, os.W_OK | os.X_OK)
    os.close(fd)
    return True


def writable_folder_problem(folder: Path) -> str | None:
    """Why ``folder`` could not be created or written to, or None when it could.

    Only looks: the nearest part of the path that exists must be a folder sigsat can write in.
    """
    folder = Path(os.path.abspath(folder))
    existing = folder
    while not os.path.lexists(existing):
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    if not _can_create_in(existing):
        return f"{existing} is not writable"
    return None


def _voice_store() -> Check:
    from ..lesson.narration import voice_cache_dir

    store = voice_cache_dir()
    problem = writable_folder_problem(store)
    return Check(f"voice store {store}" + (f" ({problem})" if problem else ""), problem is None,
                 "set XDG_CACHE_HOME to a writable folder, fix the permissions, "
                 "or render with --narration none")


def latex_unsafe(folder: Path) -> str:
    """The characters of ``folder``'s absolute path that LaTeX cannot work under ('' if none).

    Examples
    --------
    >>> latex_unsafe(Path("/tmp/a%b~c"))
    '% ~'
    """
    return " ".join(sorted({c for c in os.path.abspath(folder) if c in LATEX_UNSAFE}))


def _output(out: Path) -> Check:
    bad = latex_unsafe(out)
    problem = (f"its path contains {bad}, which LaTeX cannot work under" if bad
               else writable_folder_problem(out))
    return Check(f"write access to {out}" + (f" ({problem})" if problem else ""), problem is None,
                 f"choose another folder with --out, or fix the permissions of {out}")


def _parameters(params_file: str | None) -> Check:
    from ..lesson.params import ParamError, load

    try:
        load(params_file)
    except ParamError as exc:
        return Check(f"parameters ({exc})", False, "fix the file, or move it out of the way")
    return Check("parameters", True, "")


def _checks(out: Path, params_file: str | None) -> Iterator[Check]:
    yield _latex()
    yield _dvisvgm()
    yield _tool("espeak-ng", "espeak-ng (offline voice)", f"{_APT} espeak-ng  (or render with --narration none)")
    yield _tool("sox", "sox (audio tools for manim-voiceover)", f"{_APT} sox")
    try:
        version = importlib.metadata.version("manim")
    except importlib.metadata.PackageNotFoundError:
        version = None
    yield Check(f"manim {version or '(missing)'}", version is not None, "make venv  (pip install -e '.[test]')")
    pango = importlib.util.find_spec("manimpango") is not None
    yield Check("ManimPango (pango/cairo)", pango, f"{_APT} libpango1.0-dev libcairo2-dev pkg-config, then make venv")
    yield Check("font DejaVu Sans", _font_present("DejaVu Sans"), f"{_APT} fonts-dejavu-core")
    yield _parameters(params_file)
    yield _voice_store()
    yield _output(out)


def run_checks(out: Path = Path("renders"), params_file: str | None = None) -> int:
    """Print one line per check on stdout; with problems, one summary line on stderr.

    Returns the exit status: 0 when everything is there, 1 otherwise.
    """
    failed = []
    for check in _checks(out, params_file):
        print(f"{'ok     ' if check.ok else 'PROBLEM'} {check.name}" + ("" if check.ok else f"  ->  {check.fix}"))
        if not check.ok:
            failed.append(check.name)
    if not failed:
        print("everything rendering needs is here")
        return 0
    print(f"sigsat: {len(failed)} problem(s): {'; '.join(failed)}", file=sys.stderr)
    return 1


def render_problem(narrated: bool) -> str | None:
    """The first thing that would make a render fail on this machine, as one line, or None.

    Checks LaTeX and dvisvgm (every scene typesets) and, when the narration is spoken, the voice
    store. (The render checks its output folder itself.)
    """
    checks = [_latex(), _dvisvgm()] + ([_voice_store()] if narrated else [])
    for check in checks:
        if not check.ok:
            return f"{check.name}; {check.fix} ('sigsat doctor' checks everything)"
    return None
