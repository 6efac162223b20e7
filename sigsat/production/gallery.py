"""``renders/index.html``: one offline page that shows everything a render made.

For every ``<quality>/<theme>/`` folder (English) and ``<quality>/<theme>/<lang>/`` folder (another
language) under the output root that holds a ``manifest.json``: the
slide decks and the lecture video if present, then every scene with its poster, a player with
subtitles, its per-beat clips with their narration lines, and the parameters that made them
(``manifest.json`` ``inputs``). A switch at the top shows one language's folders; each player
carries the subtitles of every language rendered at its quality and theme (its own as default).

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

from babel import Locale

from ..lesson import i18n, lecture
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


def folder_language(path: Path) -> str:
    """The language of a render folder: its last part when that names a shipped language, else English."""
    return path.name if path.name in i18n.languages()[1:] else i18n.SOURCE_LANGUAGE


def _theme_folder(path: Path) -> Path:
    """The ``<quality>/<theme>`` folder of a render folder (itself, for English)."""
    return path.parent if folder_language(path) != i18n.SOURCE_LANGUAGE else path


def _folder_order(path: Path) -> tuple:
    quality, theme = _theme_folder(path).parts[-2:]
    known, languages = list(QUALITIES), i18n.languages()
    return (known.index(quality) if quality in known else len(known), quality, theme,
            languages.index(folder_language(path)))


def render_folders(root: Path) -> list[Path]:
    """Every ``<quality>/<theme>`` and ``<quality>/<theme>/<lang>`` folder under ``root`` with a
    manifest, low quality first, English first."""
    root = Path(root)
    found = [m.parent for m in root.glob(f"*/*/{MANIFEST}") if not m.parent.parent.name.startswith(".")]
    found += [m.parent for m in root.glob(f"*/*/*/{MANIFEST}")
              if not m.parent.parent.parent.name.startswith(".") and folder_language(m.parent) != "en"]
    return sorted(found, key=_folder_order)


def language_name(code: str) -> str:
    """A language's name in itself: English, Deutsch, español (Babel's locale data)."""
    return Locale.parse(code).get_display_name(code)


def _vtt_data_url(path: Path) -> str:
    return "data:text/vtt;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _tracks(folder: Path, stem: str) -> list[dict]:
    """Subtitles of ``stem`` in every language rendered beside ``folder`` (same quality and theme),
    its own language first and the default."""
    own = folder_language(folder)
    base = _theme_folder(folder)
    tracks = []
    for code in sorted(i18n.languages(), key=lambda c: c != own):
        vtt = (base if code == i18n.SOURCE_LANGUAGE else base / code) / f"{stem}.vtt"
        if vtt.is_file():
            tracks.append({"lang": code, "label": language_name(code), "default": code == own,
                           "src": _vtt_data_url(vtt)})
    return tracks


def _player(folder: Path, rel: str, stem: str, poster: bool, label: str) -> dict:
    """A <video> of ``stem``.mp4 with its subtitles in every language, its own as the default."""
    return {"src": _url(f"{rel}/{stem}.mp4"), "label": label,
            "poster": _url(f"{rel}/{stem}.png") if poster and (folder / f"{stem}.png").is_file() else None,
            "tracks": _tracks(folder, stem)}


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
        number, title = lecture.SCENES.index(spec) + 1, spec.title_in(i18n.Language(folder_language(folder)))
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


def _lecture(folder: Path, rel: str, manifest: dict, part: int, tr: i18n.Language) -> dict | None:
    """A part's lecture video with its subtitles and chapter starts, or None when it is absent;
    its title in ``tr``'s language (the folder's)."""
    name = lecture_stem(part)
    if not (folder / f"{name}.mp4").is_file():
        return None
    starts = manifest.get(name, {}).get("parts", [])
    links = [(_url(f"{rel}/{name}.mp4"), "video")] + [
        (_url(f"{rel}/{name}.{x}"), f"subtitles .{x}") for x in ("srt", "vtt") if (folder / f"{name}.{x}").is_file()]
    # Until part two has scenes, the one lecture reads as before.
    title = (tr("The whole lecture") if lecture.parts() == (1,)
             else tr("The whole lecture, part {part}: {title}").format(part=part, title=tr(lecture.PART_TITLES[part])))
    return {"title": title, "player": _player(folder, rel, name, False, title), "links": links,
            "chapters": ", ".join(f'{p["scene"]} {float(p["start"]):.0f} s' for p in starts)}


def _words(tr: i18n.Language) -> dict[str, str]:
    """The headings of one folder's part of the page, in its language."""
    return {"slides": tr("Slides:"), "lecture": tr("The whole lecture"), "starts": tr("Scenes start at:"),
            "scenes": tr("Scenes"), "beats": tr("{count} beats, one clip each"),
            "parameters": tr("Parameters that made these renders"), "as_file": tr("as a parameter file")}


def _folder_section(root: Path, folder: Path, manifest: dict) -> dict:
    """What the page shows of one ``<quality>/<theme>`` folder."""
    rel = folder.relative_to(root).as_posix()
    scenes = manifest["scenes"]
    order = {s.id: i for i, s in enumerate(lecture.SCENES)}
    cards = [_scene_card(folder, rel, sid, scenes[sid])
             for sid in sorted(scenes, key=lambda s: (order.get(s, len(order)), s))]
    language = folder_language(folder)
    tr = i18n.Language(language)
    return {"anchor": rel.replace("/", "-"), "title": rel.replace("/", " · "), "lang": language,
            "language": language_name(language), "words": _words(tr),
            "decks": [(_url(f"{rel}/slides/{name}"), label) for name, label in DECKS
                      if (folder / "slides" / name).is_file()],
            "lectures": [x for p in lecture.parts() if (x := _lecture(folder, rel, manifest, p, tr))], "cards": [c for c in cards if c],
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
    languages = sorted({f["lang"] for f in folders}, key=i18n.languages().index)
    page = _TEMPLATES.get_template("gallery.html.j2").render(
        generator=GENERATOR, folders=folders, sweeps=sweeps,
        languages=[(code, language_name(code)) for code in languages])
    root.mkdir(parents=True, exist_ok=True)
    atomic_write(root / INDEX, page)
    return root / INDEX
