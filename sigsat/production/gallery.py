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
import html
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..lesson import lecture
from ..lesson.params import params_from_inputs
from . import manifest as manifest_mod
from .files import atomic_write
from .manifest import MANIFEST, OutputRefused
from .naming import QUALITIES
from .sections import read_sections

__all__ = ["write_gallery", "render_folders", "check_index", "INDEX", "GENERATOR"]

INDEX = "index.html"
#: The mark of a gallery page sigsat wrote; sigsat replaces no other ``index.html``.
GENERATOR = '<meta name="generator" content="sigsat">'
#: Pages written before the mark existed carry this title instead.
_OLD_MARK = "<title>sigsat renders</title>"
DECKS = (("deck.html", "HTML slides (reveal.js, one file; S: speaker notes)"),
         ("deck.pptx", "PowerPoint"), ("deck.pdf", "PDF handout (last frame of each beat)"))

CSS = """
:root { color-scheme: light dark; --line: color-mix(in srgb, CanvasText 18%, transparent);
        --soft: color-mix(in srgb, CanvasText 6%, Canvas); }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 80rem; padding: 1.5rem; background: Canvas; color: CanvasText;
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
h1 { margin: 0 0 .25rem; font-size: 1.8rem; }
h2 { margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { margin: 1.5rem 0 .5rem; font-size: 1.1rem; }
.card h3 { margin-top: 0; }
a { color: LinkText; }
.muted { opacity: .72; font-size: .9rem; }
nav a { margin-right: 1rem; }
.links a { margin-right: .9rem; white-space: nowrap; }
.grid { display: grid; gap: 1.25rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 24rem), 1fr)); }
.card { border: 1px solid var(--line); border-radius: .6rem; padding: 1rem; background: var(--soft); }
video { display: block; width: 100%; aspect-ratio: 16 / 9; background: #000; border-radius: .35rem; }
.lecture video { max-width: 56rem; }
details { margin-top: .6rem; }
summary { cursor: pointer; font-weight: 600; }
ol.beats { padding-left: 1.4rem; margin: .4rem 0 0; }
ol.beats li { margin: .35rem 0; }
table { border-collapse: collapse; font-size: .92rem; }
th, td { text-align: left; padding: .2rem .8rem .2rem 0; border-bottom: 1px solid var(--line);
         vertical-align: top; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9rem; }
pre { background: var(--soft); border: 1px solid var(--line); padding: .6rem; border-radius: .4rem;
      overflow-x: auto; }
"""


def _url(path: str) -> str:
    """A relative link: every path segment percent-encoded."""
    return quote(path, safe="/")


def _e(text: Any) -> str:
    return html.escape(str(text))


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


def _player(folder: Path, rel: str, stem: str, poster: bool, label: str) -> str:
    """A <video> of ``stem``.mp4 with its subtitles as the default track."""
    attrs = f'controls preload="metadata" src="{_url(f"{rel}/{stem}.mp4")}"'
    if poster and (folder / f"{stem}.png").is_file():
        attrs += f' poster="{_url(f"{rel}/{stem}.png")}"'
    track = ""
    if (folder / f"{stem}.vtt").is_file():
        track = (f'<track kind="subtitles" srclang="en" label="English" default '
                 f'src="{_vtt_data_url(folder / f"{stem}.vtt")}">')
    return f'<video {attrs} aria-label="{_e(label)}">{track}</video>'


def _scene_lines(scene_id: str, inputs: dict) -> dict[str, str]:
    """Narration line per beat under the recorded parameters; empty if it cannot be made."""
    try:
        return lecture.scene_lines(lecture.find_scene(scene_id), params_from_inputs(inputs))
    except Exception:  # a renamed scene or old parameters: the clips are still listed
        return {}


def _beats(folder: Path, rel: str, stem: str, lines: dict[str, str]) -> str:
    try:
        sections = read_sections(folder / stem)
        items = [_beat_item(rel, stem, s, lines) for s in sections]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # damaged: no beat list
        return ""
    return (f'<details><summary>{len(sections)} beats, one clip each</summary>'
            f'<ol class="beats">{"".join(items)}</ol></details>')


def _beat_item(rel: str, stem: str, section: dict, lines: dict[str, str]) -> str:
    seconds = float(section.get("duration") or 0)
    line = lines.get(section["name"], "")
    return (f'<li><a href="{_url(rel + "/" + stem + "/" + section["video"])}">'
            f'{_e(section["name"].replace("_", " "))}</a> '
            f'<span class="muted">{seconds:.1f} s</span>' + (f"<br>{_e(line)}" if line else "") + "</li>")


def _file_links(folder: Path, rel: str, stem: str, entry: dict) -> str:
    labels = {".mp4": "video", ".srt": "subtitles .srt", ".vtt": "subtitles .vtt", ".png": "poster",
              ".gif": "GIF", ".mov": "alpha .mov"}
    links = []
    for name in entry.get("files", []):
        suffix = Path(name).suffix
        if suffix in labels and (folder / name).is_file():
            links.append(f'<a href="{_url(f"{rel}/{name}")}">{labels[suffix]}</a>')
    board = f"storyboards/{stem}.png"
    if (folder / board).is_file():
        links.append(f'<a href="{_url(f"{rel}/{board}")}">storyboard</a>')
    return f'<p class="links">{"".join(links)}</p>'


def _scene_card(folder: Path, rel: str, scene_id: str, entry: dict) -> str:
    try:
        spec = lecture.find_scene(scene_id)
        number, title = lecture.SCENES.index(spec) + 1, spec.title
    except KeyError:
        number, title = 0, scene_id
    stem = f"{number:02d}_{scene_id}"
    if not (folder / f"{stem}.mp4").is_file():
        videos = [n for n in entry.get("files", []) if n.endswith(".mp4")]
        if not videos:
            return ""
        stem = Path(videos[0]).stem
    inputs = entry.get("inputs", {})
    meta = f'{float(entry.get("duration", 0)):.1f} s'
    if entry.get("rendered"):
        meta += " · rendered " + _e(str(entry["rendered"]).replace("T", " ").replace("+00:00", " UTC"))
    params = ", ".join(f"{_e(k)} = {_e(_value(v))}" for k, v in inputs.items()
                       if k.split(".")[0] not in lecture.PRESENTATION_TABLES)
    return (f'<article class="card" id="{_e(rel.replace("/", "-"))}-{_e(scene_id)}">'
            f'<h3>{number}. {_e(title)}</h3>'
            f'{_player(folder, rel, stem, True, title)}'
            f'<p class="muted">{meta}' + (f"<br>{params}" if params else "") + "</p>"
            f'{_file_links(folder, rel, stem, entry)}'
            f'{_beats(folder, rel, stem, _scene_lines(scene_id, inputs))}'
            "</article>")


def _parameters(scenes: dict) -> str:
    """Every recorded parameter: its value and the scenes rendered with it."""
    values: dict[str, dict[str, list[str]]] = {}
    for scene_id, entry in scenes.items():
        for key, value in entry.get("inputs", {}).items():
            values.setdefault(key, {}).setdefault(_value(value), []).append(scene_id)
    if not values:
        return ""
    rows = []
    for key in sorted(values):
        for value, users in values[key].items():
            rows.append(f"<tr><td><code>{_e(key)}</code></td><td><code>{_e(value)}</code></td>"
                        f'<td class="muted">{_e(", ".join(users))}</td></tr>')
    toml, table = [], None
    consistent = all(len(v) == 1 for v in values.values())
    for key in sorted(values):
        section, _, name = key.partition(".")
        if section != table:
            toml.append(f"\n[{section}]")
            table = section
        toml.append(f"{name} = {next(iter(values[key]))}")
    note = ("<details><summary>as a parameter file</summary><pre>"
            f"{_e(chr(10).join(toml).strip())}</pre></details>" if consistent else
            '<p class="muted">Scenes here were rendered with different values; render them again '
            "with one parameter file to make them agree.</p>")
    return ("<h3>Parameters that made these renders</h3>"
            f"<table><tr><th>parameter</th><th>value</th><th>scenes</th></tr>{''.join(rows)}</table>"
            f"{note}")


def _folder_section(root: Path, folder: Path, manifest: dict) -> str:
    rel = folder.relative_to(root).as_posix()
    scenes = manifest["scenes"]
    order = {s.id: i for i, s in enumerate(lecture.SCENES)}
    parts = [f'<section id="{_e(rel.replace("/", "-"))}"><h2>{_e(rel.replace("/", " · "))}</h2>']
    decks = [f'<a href="{_url(f"{rel}/slides/{name}")}">{_e(label)}</a>'
             for name, label in DECKS if (folder / "slides" / name).is_file()]
    if decks:
        parts.append(f'<p class="links"><strong>Slides:</strong> {"".join(decks)}</p>')
    if (folder / "lecture.mp4").is_file():
        starts = manifest.get("lecture", {}).get("parts", [])
        chapters = ", ".join(f'{_e(p["scene"])} {float(p["start"]):.0f} s' for p in starts)
        parts.append(f'<div class="lecture"><h3>The whole lecture</h3>'
                     f'{_player(folder, rel, "lecture", False, "The whole lecture")}'
                     f'<p class="links"><a href="{_url(f"{rel}/lecture.mp4")}">video</a>'
                     + "".join(f'<a href="{_url(f"{rel}/lecture.{x}")}">subtitles .{x}</a>'
                               for x in ("srt", "vtt") if (folder / f"lecture.{x}").is_file())
                     + "</p>" + (f'<p class="muted">Scenes start at: {chapters}</p>' if chapters else "")
                     + "</div>")
    cards = [_scene_card(folder, rel, sid, scenes[sid])
             for sid in sorted(scenes, key=lambda s: (order.get(s, len(order)), s))]
    parts.append(f'<h3>Scenes</h3><div class="grid">{"".join(c for c in cards if c)}</div>')
    parts.append(_parameters(scenes))
    parts.append(f'<p class="muted"><a href="{_url(f"{rel}/{MANIFEST}")}">manifest.json</a></p></section>')
    return "".join(parts)


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
    folders = _readable_folders(root)
    nav = "".join(f'<a href="#{_e(f.relative_to(root).as_posix().replace("/", "-"))}">'
                  f'{_e(f.relative_to(root).as_posix().replace("/", " · "))}</a>' for f, _ in folders)
    body = "".join(_folder_section(root, f, m) for f, m in folders) or (
        '<p>No renders yet: run <code>sigsat render</code>.</p>')
    page = ('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"{GENERATOR}\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>sigsat renders</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            "<header><h1>Sigmoid saturation and vanishing gradients</h1>"
            '<p class="muted">Lecture videos rendered by sigsat. Every file here works offline; '
            "links are relative, so the folder can be copied or zipped as a whole.</p>"
            f"<nav>{nav}</nav></header>\n{body}\n</body>\n</html>\n")
    root.mkdir(parents=True, exist_ok=True)
    atomic_write(root / INDEX, page)
    return root / INDEX
