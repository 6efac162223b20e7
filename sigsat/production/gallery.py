"""``renders/index.html``: one offline page that shows everything a render made.

For every ``<quality>/<theme>/`` folder under the output root that holds a ``manifest.json``: the
slide decks and the lecture video if present, then every scene with its poster, a player with
subtitles, its per-beat clips with their narration lines, and the parameters that made them
(``manifest.json`` ``inputs``).

The page is plain HTML with inline CSS, every link relative, and it loads nothing from the network.
Subtitles are embedded in the page as ``data:`` URLs (the ``.vtt`` files are linked beside them):
Chromium refuses a ``<track src>`` read from another ``file:`` URL ("'file:' URLs are treated as
unique security origins"), so a relative ``src`` would show no subtitles in Chrome or Edge when
the page is opened from disk.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from ..lesson import lecture
from ..lesson.params import params_from_inputs
from . import manifest as manifest_mod
from .files import atomic_write
from .manifest import MANIFEST, OutputRefused
from .naming import QUALITIES, lecture_stem
from .sections import read_sections

__all__ = ["write_gallery", "render_folders", "check_index", "INDEX", "GENERATOR"]

INDEX = "index.html"
#: The mark of a gallery page sigsat wrote; sigsat replaces no other ``index.html``.
GENERATOR = '<meta name="generator" content="sigsat">'
#: Pages written before the mark existed carry this title instead.
_OLD_MARK = "<title>sigsat renders</title>"
DECKS = (("deck.html", "HTML slides (reveal.js, one file; S: speaker notes)"),
         ("deck.pptx", "PowerPoint"), ("deck.pdf", "PDF handout (last frame of each beat)"))

_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("sigsat.production", "templates"),
                                autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def _url(path: str) -> str:
    """A relative link: every path segment percent-encoded."""
    return quote(path, safe="/")


def _value(value: Any) -> str:
    """A parameter value as TOML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def _folder_order(path: Path) -> tuple:
    quality, theme = path.parts[-2:]
    known = list(QUALITIES)
    return (known.index(quality) if quality in known else len(known), quality, theme)


def render_folders(root: Path) -> list[Path]:
    """Every ``<quality>/<theme>`` folder under ``root`` with a manifest, low quality first."""
    root = Path(root)
    found = [m.parent for m in root.glob(f"*/*/{MANIFEST}") if not m.parent.parent.name.startswith(".")]
    return sorted(found, key=_folder_order)


def _vtt_data_url(path: Path) -> str:
    return "data:text/vtt;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _player(folder: Path, rel: str, stem: str, poster: bool, label: str) -> dict:
    """A <video> of ``stem``.mp4 with its subtitles as the default track."""
    vtt = folder / f"{stem}.vtt"
    return {"src": _url(f"{rel}/{stem}.mp4"), "label": label,
            "poster": _url(f"{rel}/{stem}.png") if poster and (folder / f"{stem}.png").is_file() else None,
            "vtt": _vtt_data_url(vtt) if vtt.is_file() else None}


def _scene_lines(scene_id: str, inputs: dict) -> dict[str, str]:
    """Narration line per beat under the recorded parameters; empty if it cannot be made."""
    try:
        return lecture.scene_lines(lecture.find_scene(scene_id), params_from_inputs(inputs))
    except Exception:  # a renamed scene or old parameters: the clips are still listed
        return {}


def _beats(folder: Path, rel: str, stem: str, lines: dict[str, str]) -> list[dict] | None:
    """One clip per beat with its narration line; None when sections.json is missing or damaged."""
    try:
        sections = read_sections(folder / stem)
        return [{"url": _url(f"{rel}/{stem}/{s['video']}"), "name": s["name"].replace("_", " "),
                 "seconds": float(s.get("duration") or 0), "line": lines.get(s["name"], "")}
                for s in sections]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # damaged: no beat list
        return None


def _file_links(folder: Path, rel: str, stem: str, entry: dict) -> list[tuple[str, str]]:
    labels = {".mp4": "video", ".srt": "subtitles .srt", ".vtt": "subtitles .vtt", ".png": "poster",
              ".gif": "GIF", ".mov": "alpha .mov"}
    links = []
    for name in entry.get("files", []):
        suffix = Path(name).suffix
        if suffix in labels and (folder / name).is_file():
            links.append((_url(f"{rel}/{name}"), labels[suffix]))
    board = f"storyboards/{stem}.png"
    if (folder / board).is_file():
        links.append((_url(f"{rel}/{board}"), "storyboard"))
    return links


def _scene_card(folder: Path, rel: str, scene_id: str, entry: dict) -> dict | None:
    """What the page shows of one scene; None when it has no video."""
    try:
        spec = lecture.find_scene(scene_id)
        number, title = lecture.SCENES.index(spec) + 1, spec.title
    except KeyError:
        number, title = 0, scene_id
    stem = f"{number:02d}_{scene_id}"
    if not (folder / f"{stem}.mp4").is_file():
        videos = [n for n in entry.get("files", []) if n.endswith(".mp4")]
        if not videos:
            return None
        stem = Path(videos[0]).stem
    inputs = entry.get("inputs", {})
    meta = f'{float(entry.get("duration", 0)):.1f} s'
    if entry.get("rendered"):
        meta += " · rendered " + str(entry["rendered"]).replace("T", " ").replace("+00:00", " UTC")
    params = ", ".join(f"{k} = {_value(v)}" for k, v in inputs.items()
                       if k.split(".")[0] not in lecture.PRESENTATION_TABLES)
    return {"anchor": f'{rel.replace("/", "-")}-{scene_id}', "number": number, "title": title,
            "player": _player(folder, rel, stem, True, title), "meta": meta, "params": params,
            "links": _file_links(folder, rel, stem, entry),
            "beats": _beats(folder, rel, stem, _scene_lines(scene_id, inputs))}


def _parameters(scenes: dict) -> dict | None:
    """Every recorded parameter: its value and the scenes rendered with it, and the parameter
    file that makes them all (``toml`` None when scenes disagree)."""
    values: dict[str, dict[str, list[str]]] = {}
    for scene_id, entry in scenes.items():
        for key, value in entry.get("inputs", {}).items():
            values.setdefault(key, {}).setdefault(_value(value), []).append(scene_id)
    if not values:
        return None
    rows = [(key, value, ", ".join(users)) for key in sorted(values) for value, users in values[key].items()]
    toml, table = [], None
    for key in sorted(values):
        section, _, name = key.partition(".")
        if section != table:
            toml.append(f"\n[{section}]")
            table = section
        toml.append(f"{name} = {next(iter(values[key]))}")
    consistent = all(len(v) == 1 for v in values.values())
    return {"rows": rows, "toml": "\n".join(toml).strip() if consistent else None}


def _lecture(folder: Path, rel: str, manifest: dict, part: int) -> dict | None:
    """A part's lecture video with its subtitles and chapter starts, or None when it is absent."""
    name = lecture_stem(part)
    if not (folder / f"{name}.mp4").is_file():
        return None
    starts = manifest.get(name, {}).get("parts", [])
    links = [(_url(f"{rel}/{name}.mp4"), "video")] + [
        (_url(f"{rel}/{name}.{x}"), f"subtitles .{x}") for x in ("srt", "vtt") if (folder / f"{name}.{x}").is_file()]
    # Until part two has scenes, the one lecture reads as before.
    title = ("The whole lecture" if lecture.parts() == (1,)
             else f"The whole lecture, part {part}: {lecture.PART_TITLES[part]}")
    return {"title": title, "player": _player(folder, rel, name, False, title), "links": links,
            "chapters": ", ".join(f'{p["scene"]} {float(p["start"]):.0f} s' for p in starts)}


def _folder_section(root: Path, folder: Path, manifest: dict) -> dict:
    """What the page shows of one ``<quality>/<theme>`` folder."""
    rel = folder.relative_to(root).as_posix()
    scenes = manifest["scenes"]
    order = {s.id: i for i, s in enumerate(lecture.SCENES)}
    cards = [_scene_card(folder, rel, sid, scenes[sid])
             for sid in sorted(scenes, key=lambda s: (order.get(s, len(order)), s))]
    return {"anchor": rel.replace("/", "-"), "title": rel.replace("/", " · "),
            "decks": [(_url(f"{rel}/slides/{name}"), label) for name, label in DECKS
                      if (folder / "slides" / name).is_file()],
            "lectures": [x for p in lecture.parts() if (x := _lecture(folder, rel, manifest, p))], "cards": [c for c in cards if c],
            "parameters": _parameters(scenes), "manifest": _url(f"{rel}/{MANIFEST}")}


def _is_ours(page: Path) -> bool:
    """Whether ``page`` is a gallery sigsat wrote (its mark is in the head, the first few KiB)."""
    try:
        with open(page, "rb") as f:
            head = f.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return GENERATOR in head or _OLD_MARK in head


def check_index(root: Path) -> None:
    """Raise :class:`~sigsat.production.manifest.OutputRefused` if ``root/index.html`` exists and is not a
    gallery sigsat wrote: sigsat never replaces a page of the user's own."""
    page = Path(root) / INDEX
    if os.path.lexists(page) and not _is_ours(page):
        raise OutputRefused(f"{page} is in the way: sigsat did not write it and does not replace it; "
                            f"move it elsewhere or pick another --out")


def _readable_folders(root: Path) -> list[tuple[Path, dict]]:
    """(folder, manifest) of every render folder whose manifest can be read; the others are
    named in one line on standard error and left out."""
    found, skipped = [], []
    for folder in render_folders(root):
        try:
            found.append((folder, manifest_mod.load(folder)))
        except manifest_mod.ManifestError as exc:
            skipped.append(str(exc))
    if skipped:
        manifest_mod.notice(f"the gallery leaves out {'; '.join(skipped)} (render there again to repair)")
    return found


def write_gallery(root: Path) -> Path:
    """Write ``root/index.html`` for every render folder under ``root``; return its path.

    A folder whose manifest cannot be read is left out (and named on standard error); an
    ``index.html`` that sigsat did not write is never replaced (:func:`check_index`).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     page = write_gallery(Path(d))
    ...     "No renders yet" in page.read_text()
    True
    """
    root = Path(root)
    check_index(root)
    folders = [_folder_section(root, f, m) for f, m in _readable_folders(root)]
    # The pages `sigsat sweep` wrote under this root (each shows its variants side by side).
    sweeps = [(_url(f"sweeps/{page.parent.name}/{INDEX}"), page.parent.name)
              for page in sorted(root.glob(f"sweeps/*/{INDEX}")) if (page.parent / "sweep.json").is_file()]
    page = _TEMPLATES.get_template("gallery.html.j2").render(generator=GENERATOR, folders=folders, sweeps=sweeps)
    root.mkdir(parents=True, exist_ok=True)
    atomic_write(root / INDEX, page)
    return root / INDEX
