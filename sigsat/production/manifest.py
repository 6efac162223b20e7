"""``manifest.json``: a render folder's record of what sigsat wrote there, read and written only here.

A render folder (``<out>/<quality>/<theme>``) holds one ``manifest.json``::

    {"scenes": {"<scene id>": {"key": "...", "inputs": {...}, "files": ["01_x.mp4", "01_x", ...],
                               "checks": {"01_x.mp4": [size, "sha256"], "01_x/01_beat.mp4": [...]},
                               "audio": {...}, "settings": {...}, "sources": {...},
                               "duration": 12.3, ...}},
     "lecture": {"key": "...", "files": [...], "checks": {...}, "parts": [...]},
     "lecture2": {...},   # part two's lecture, shaped like part one's
     "outputs": {"slides/deck.html": [size, "sha256"], "storyboards/01_x.png": [...]}}

``checks`` holds the size and content hash of every file an entry names (each file inside a
named folder too), so "up to date" means the bytes on disk are the ones sigsat wrote. ``inputs``,
``audio``, ``settings`` and ``sources`` are the parts of the scene's render key
(:class:`sigsat.production.keys.KeyParts`): what ``sigsat render --dry-run`` compares to say
what changed.

Every reader (pipeline, gallery, slides) goes through :func:`load`, which checks the shape; a file
that is not such a manifest raises :class:`ManifestError`, one line naming it and saying why.
A folder holding a manifest, readable or not, is sigsat's own (:func:`is_sigsat_folder`): sigsat
refuses to replace files in any other folder (:func:`refuse_foreign`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from .files import atomic_write

__all__ = ["MANIFEST", "CORRUPT", "ManifestError", "OutputRefused", "empty", "validate", "load",
           "read_or_set_aside", "write", "is_sigsat_folder", "refuse_foreign", "checksum", "checks",
           "damaged", "record_outputs", "notice"]

MANIFEST = "manifest.json"
#: Where an unreadable manifest is kept when a render replaces it.
CORRUPT = "manifest.json.corrupt"


class ManifestError(ValueError):
    """A ``manifest.json`` that cannot be read or has the wrong shape; ``str()`` is one line."""


class OutputRefused(RuntimeError):
    """A file sigsat would write is in the way and sigsat did not write it; ``str()`` is one line."""


def notice(message: str) -> None:
    """One line on standard error, prefixed ``sigsat: ``."""
    print(f"sigsat: {message}", file=sys.stderr, flush=True)


def empty() -> dict:
    """A manifest that knows nothing."""
    return {"scenes": {}}


# ------------------------------------------------------------------------------------------------
# shape


def _is_name(value: Any) -> bool:
    """A relative path inside the folder: no absolute path, no ``..``, nothing empty."""
    if not isinstance(value, str) or not value or "\\" in value or "\0" in value:
        return False
    path = PurePosixPath(value)
    return not path.is_absolute() and ".." not in path.parts and "." not in value.split("/")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_check(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
            and not isinstance(value[0], bool) and value[0] >= 0 and isinstance(value[1], str)
            and len(value[1]) == 64)


def _checks_problem(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "is not an object"
    bad = next((k for k, v in value.items() if not _is_name(k) or not _is_check(v)), None)
    return None if bad is None else f"entry {bad!r} is not a file name with [size, sha256]"


def _entry_problem(entry: Any) -> str | None:
    """Why a scene's or the lecture's entry is malformed, or None."""
    if not isinstance(entry, dict):
        return "is not an object"
    if not isinstance(entry.get("key"), str):
        return '"key" is not a string'
    files = entry.get("files")
    if not isinstance(files, list) or not all(_is_name(f) for f in files):
        return '"files" is not a list of file names'
    if "checks" in entry and (problem := _checks_problem(entry["checks"])):
        return f'"checks" {problem}'
    inputs = entry.get("inputs", {})
    if not isinstance(inputs, dict) or not all(
            isinstance(v, (str, bool, int, float)) for v in inputs.values()):
        return '"inputs" is not an object of parameter values'
    for name in ("audio", "sources"):
        if name in entry and not (isinstance(entry[name], dict) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in entry[name].items())):
            return f'"{name}" is not an object of names'
    if "settings" in entry and not isinstance(entry["settings"], dict):
        return '"settings" is not an object'
    for name in ("duration", "render_seconds", "peak_rss_mib", "cpu_seconds"):
        if name in entry and not _is_number(entry[name]):
            return f'"{name}" is not a number'
    parts = entry.get("parts", [])
    if not isinstance(parts, list) or not all(
            isinstance(p, dict) and isinstance(p.get("scene"), str) and _is_number(p.get("start"))
            for p in parts):
        return '"parts" is not a list of {"scene", "start"}'
    return None


def validate(data: Any) -> dict:
    """``data`` if it has a manifest's shape; otherwise :class:`ManifestError` saying what is wrong.

    Examples
    --------
    >>> validate({"scenes": {}})
    {'scenes': {}}
    >>> validate({"scenes": []})
    Traceback (most recent call last):
    ...
    sigsat.production.manifest.ManifestError: "scenes" is not an object
    """
    if not isinstance(data, dict):
        raise ManifestError(f"is {type(data).__name__}, not an object")
    if not isinstance(data.get("scenes"), dict):
        raise ManifestError('"scenes" is not an object')
    for scene_id, entry in data["scenes"].items():
        if problem := _entry_problem(entry):
            raise ManifestError(f'scene "{scene_id}" {problem}')
    for name in [k for k in data if re.fullmatch(r"lecture\d*", k)]:  # one per part: lecture, lecture2
        if problem := _entry_problem(data[name]):
            raise ManifestError(f'"{name}" {problem}')
    if "outputs" in data and (problem := _checks_problem(data["outputs"])):
        raise ManifestError(f'"outputs" {problem}')
    return data


# ------------------------------------------------------------------------------------------------
# reading and writing


def load(folder: Path, missing_ok: bool = True) -> dict:
    """The manifest of ``folder``, checked; :func:`empty` when there is none (and ``missing_ok``).

    Raises
    ------
    ManifestError
        One line naming the file: not UTF-8, not JSON, or not a manifest's shape.
    FileNotFoundError
        No manifest and not ``missing_ok``.
    """
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        if missing_ok:
            return empty()
        raise
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return validate(data)
    except ManifestError as exc:
        raise ManifestError(f"{path}: not a sigsat manifest ({exc})") from None


def read_or_set_aside(folder: Path) -> dict:
    """The manifest of ``folder`` for a render: an unreadable one is moved to :data:`CORRUPT`
    (said in one line on standard error) and counts as knowing nothing, so everything it
    described is rendered again and a good manifest is written."""
    try:
        return load(folder)
    except ManifestError as exc:
        os.replace(Path(folder) / MANIFEST, Path(folder) / CORRUPT)
        notice(f"{exc}; kept it as {Path(folder) / CORRUPT} and rendering again what it listed")
        return empty()


def write(folder: Path, manifest: dict) -> None:
    """Replace ``folder``'s manifest in one step (a reader sees the old one or the new one)."""
    atomic_write(Path(folder) / MANIFEST, json.dumps(validate(manifest), indent=2))


# ------------------------------------------------------------------------------------------------
# what sigsat wrote


def is_sigsat_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a manifest (readable or not): sigsat made it and owns its outputs."""
    return os.path.lexists(Path(folder) / MANIFEST)


def refuse_foreign(folder: Path, names: Iterable[str]) -> None:
    """Raise :class:`OutputRefused` naming the first of ``names`` that exists in ``folder`` when
    the folder is not sigsat's own: sigsat only replaces files it wrote."""
    folder = Path(folder)
    if is_sigsat_folder(folder):
        return
    for name in names:
        if os.path.lexists(folder / name):
            raise OutputRefused(f"{folder / name} is in the way: sigsat did not write it and does not "
                                f"replace it; move it elsewhere or pick another --out")


def checksum(path: Path) -> list:
    """``[size, sha256 hex]`` of a file's bytes."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
            size += len(block)
    return [size, digest.hexdigest()]


def checks(folder: Path, names: Iterable[str]) -> dict[str, list]:
    """:func:`checksum` of each named file in ``folder``, and of every file inside a named folder."""
    folder = Path(folder)
    found: dict[str, list] = {}
    for name in names:
        path = folder / name
        inside = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in inside:
            found[file.relative_to(folder).as_posix()] = checksum(file)
    return found


def damaged(folder: Path, entry: dict) -> str | None:
    """The first file of a manifest entry that is not as sigsat wrote it (missing, another size or
    content), or ``None`` when all are intact. An entry without checks cannot be trusted."""
    folder = Path(folder)
    recorded = entry.get("checks")
    if not recorded:
        return entry["files"][0] if entry.get("files") else "(no files recorded)"
    for name in entry["files"]:
        if not os.path.lexists(folder / name):
            return name
    for name, (size, digest) in recorded.items():
        path = folder / name
        try:
            if path.stat().st_size != size or checksum(path)[1] != digest:
                return name
        except OSError:
            return name
    return None


def record_outputs(folder: Path, names: Iterable[str]) -> None:
    """Add files written after rendering (decks, storyboards) to ``folder``'s manifest."""
    names = list(names)
    manifest = load(folder)
    outputs = manifest.setdefault("outputs", {})
    for name in names:  # a folder written again: what was in it before is gone
        for old in [k for k in outputs if k == name or k.startswith(name + "/")]:
            del outputs[old]
    outputs.update(checks(folder, names))
    write(folder, manifest)
