"""``renders/sweeps/<sweep>/index.html``: a sweep's variants side by side.

One column per variant, headed by its name and parameters, the swept ones (those that differ
between variants) marked; one row per scene, in lesson order. A cell whose video is the same
render as the variant to its left (equal render keys in the manifests) says "same as <variant>"
instead of showing it again, so a lecturer sees at a glance which scenes a parameter changes.
Built like the render gallery (:mod:`sigsat.production.gallery`): autoescaped, relative links,
inline CSS, nothing from the network, written in one step, never over a page sigsat did not write.
"""

from __future__ import annotations

from pathlib import Path

from ..lesson import i18n, lecture
from . import manifest as manifest_mod
from .files import atomic_write
from .gallery import _TEMPLATES, GENERATOR, INDEX, _url, _value, check_index, render_folders
from .naming import QUALITIES, stem
from .sweep import read_record

__all__ = ["write_sweep_gallery"]


def _columns(record: dict) -> list[dict]:
    """Each variant's header: its name, then its swept parameters (marked), then its other overrides."""
    columns = []
    for variant in record["variants"]:
        shown = [(k, _value(v), True) for k, v in variant["swept_values"].items()]
        shown += [(k, _value(v), False) for k, v in variant["overrides"].items()
                  if k not in variant["swept_values"]]
        columns.append({"name": variant["name"], "params": shown})
    return columns


def _qualities(root: Path, record: dict) -> list[str]:
    """Every quality some variant was rendered at, lowest first."""
    found = {folder.parent.name for v in record["variants"] for folder in render_folders(root / v["name"])}
    known = list(QUALITIES)
    return sorted(found, key=lambda q: (known.index(q) if q in known else len(known), q))


def _manifest(folder: Path) -> dict:
    """The folder's manifest; an unreadable one counts as nothing rendered (and is named)."""
    try:
        return manifest_mod.load(folder)
    except manifest_mod.ManifestError as exc:
        manifest_mod.notice(f"the sweep gallery leaves out {exc} (render the sweep again to repair)")
        return manifest_mod.empty()


def _video_stem(scene_id: str, entry: dict) -> str | None:
    try:
        return stem(lecture.find_scene(scene_id))
    except KeyError:  # a scene no longer in the lesson: its video, as the manifest lists it
        return next((Path(f).stem for f in entry.get("files", []) if f.endswith(".mp4")), None)


def _cell(root: Path, folder: Path, entry: dict | None, scene_id: str) -> dict | None:
    """What one variant shows of one scene; None when it has no video there."""
    name = _video_stem(scene_id, entry) if entry else None
    if name is None or not (folder / f"{name}.mp4").is_file():
        return None
    rel = folder.relative_to(root).as_posix()
    poster = folder / f"{name}.png"
    return {"key": entry["key"], "src": _url(f"{rel}/{name}.mp4"),
            "poster": _url(f"{rel}/{name}.png") if poster.is_file() else None}


def _scene_order(manifests: list[dict]) -> list[tuple[str, str]]:
    """(id, title) of every scene some variant rendered, lesson order first, then unknown ids."""
    ids = {sid for m in manifests for sid in m["scenes"]}
    known = [(s.id, f"{n}. {s.title}") for n, s in enumerate(lecture.SCENES, 1) if s.id in ids]
    return known + [(sid, sid) for sid in sorted(ids - {s.id for s in lecture.SCENES})]


def _language_folder(variant: dict) -> str:
    """The language subfolder of a variant's render ("" for English, or a record that names none
    or a language sigsat does not ship)."""
    lang = variant.get("lang")
    return lang if lang in i18n.languages()[1:] else ""


def _section(root: Path, record: dict, quality: str) -> dict:
    """One quality: a row per scene, a cell per variant; a cell whose key a column to its left
    already showed is "same as" that column (a grid's neighbours often differ in another key)."""
    folders = [root / v["name"] / quality / v["theme"] / _language_folder(v) for v in record["variants"]]
    manifests = [_manifest(f) for f in folders]
    rows = []
    for scene_id, title in _scene_order(manifests):
        cells: list[dict | None] = []
        first_with: dict[str, str] = {}
        for variant, folder, manifest in zip(record["variants"], folders, manifests):
            cell = _cell(root, folder, manifest["scenes"].get(scene_id), scene_id)
            if cell is not None:
                cell["same_as"] = first_with.get(cell["key"])
                cell["variant"] = variant["name"]
                first_with.setdefault(cell["key"], variant["name"])
            cells.append(cell)
        rows.append({"title": title, "cells": cells})
    return {"quality": quality, "rows": rows}


def write_sweep_gallery(root: Path) -> Path:
    """Write ``root/index.html`` for the sweep in ``root`` (``out/sweeps/<name>``); return its path.

    Reads ``root/sweep.json`` (:func:`sigsat.production.sweep.write_record`) and every variant's
    ``<variant>/<quality>/<theme>/manifest.json``; a variant not rendered yet shows "not
    rendered". An ``index.html`` that sigsat did not write is never replaced.

    Raises
    ------
    sigsat.production.sweep.SweepError
        ``sweep.json`` is missing or damaged.
    sigsat.production.manifest.OutputRefused
        ``root/index.html`` is a page sigsat did not write.
    """
    root = Path(root)
    record = read_record(root)
    check_index(root)
    sections = [_section(root, record, q) for q in _qualities(root, record)]
    page = _TEMPLATES.get_template("sweep_gallery.html.j2").render(
        generator=GENERATOR, name=record["name"], columns=_columns(record), sections=sections)
    atomic_write(root / INDEX, page)
    return root / INDEX
