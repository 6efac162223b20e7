"""Slide decks from rendered scenes: one slide per beat, through manim-slides' converters.

``sigsat render`` already writes one clip per beat (``NN_id/NN_beat.mp4``). This module does not
render anything again: it writes manim-slides' own presentation files (``slides/NN_id.json``,
``slides/files/NN_id/NN_beat.mp4`` hard-linked to the beat clips, so ``manim-slides present`` and
``manim-slides convert`` work on them too), then calls manim-slides' converters to write

* ``slides/deck.html``: reveal.js, ONE self-contained file (clips and reveal.js inlined), which
  works offline; reveal.js comes from a folder filled once at set-up
  (:func:`install_reveal_assets`), never from a CDN;
* ``slides/deck.pptx``: PowerPoint, each clip embedded with a poster frame, playing on entry;
* ``slides/deck.pdf``: one still (the beat's last frame) per slide, for handouts.

Each slide's speaker notes are its beat's narration line. Slides never loop and never advance by
themselves (one click per beat). Each slide plays its beat clip as the render wrote it: with its
stretch of the narration when the scene is narrated, silent when it was rendered with
``--narration none`` (the way to get a deck to speak over).

Everything that touches manim-slides is in :mod:`sigsat.decks_adapter` (which says which of its
internals it relies on); manim-slides is imported only when a deck is built.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..lesson import lecture, params as params_mod
from ..lesson.lecture import scene_lines
from ..lesson.params import Params, params_from_inputs
from ..lesson.theme import PALETTES
from . import decks_adapter, manifest as manifest_mod
from .files import atomic_path, atomic_write
from .naming import stem
from .sections import read_sections

__all__ = [
    "DeckError", "FORMATS", "REVEAL_VERSION", "REVEAL_FILES", "SETUP_COMMAND", "default_assets_dir",
    "install_reveal_assets", "check_reveal_assets", "params_from_inputs", "rendered_scenes",
    "scene_lines", "build_deck", "deck_targets",
]

FORMATS = ("html", "pptx", "pdf")
#: The reveal.js that manim-slides 5.7.0's template is written for (``RevealJS.reveal_version``).
REVEAL_VERSION = "6.0.1"
#: npm's integrity string of ``reveal.js-6.0.1.tgz`` (sha512 of the tarball), checked on install.
REVEAL_INTEGRITY = {
    "6.0.1": "sha512-9eacArNIgqO2HGWOK+93gJNn+gvdGDVbSq+i2u3Ja9kjiHps0XNLpgYTZTYjKRH91uXy3clGimeGiw4umHG/tg==",
}
#: Files of the npm package that manim-slides' reveal.js template loads (plus the licence).
REVEAL_FILES = (
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/theme/black.css",
    "dist/theme/white.css",
    "dist/plugin/highlight/zenburn.css",
    "dist/plugin/notes.js",
    "dist/plugin/markdown.js",
    "LICENSE",
)
#: Environment variable naming the reveal.js assets folder (default: :func:`default_assets_dir`).
ASSETS_ENV = "SIGSAT_REVEAL_ASSETS"
#: What to run when the assets are missing (named in the error message).
SETUP_COMMAND = "make venv (or: .venv/bin/python -m sigsat.production.slides install-reveal)"
#: reveal.js theme per sigsat theme: the deck's text and letterbox match the clips.
REVEAL_THEMES = {"dark": "black", "light": "white"}
DECK_TITLE = "Sigmoid saturation and vanishing gradients"
SLIDES_DIR = "slides"


class DeckError(RuntimeError):
    """A deck that cannot be built; ``str()`` is one line that says what to do."""


# --------------------------------------------------------------------------------------------
# reveal.js assets, fetched once at set-up


def default_assets_dir(version: str = REVEAL_VERSION) -> Path:
    """Where set-up puts reveal.js: ``$SIGSAT_REVEAL_ASSETS``, else ``<venv>/share/sigsat/reveal.js-VER``.

    Examples
    --------
    >>> default_assets_dir("6.0.1").name
    'reveal.js-6.0.1'
    """
    override = os.environ.get(ASSETS_ENV)
    if override:
        return Path(override)
    return Path(sys.prefix) / "share" / "sigsat" / f"reveal.js-{version}"


def check_reveal_assets(assets: Path | None = None, version: str = REVEAL_VERSION) -> Path:
    """The assets folder, after checking that every file the deck needs is there.

    Raises
    ------
    DeckError
        One line naming the missing file and :data:`SETUP_COMMAND`.
    """
    folder = Path(assets) if assets is not None else default_assets_dir(version)
    missing = [f for f in REVEAL_FILES if not (folder / f).is_file()]
    if missing:
        raise DeckError(f"reveal.js {version} assets missing in {folder} ({missing[0]}): "
                        f"run {SETUP_COMMAND}")
    return folder


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def install_reveal_assets(dest: Path | None = None, version: str = REVEAL_VERSION,
                          tarball: Path | None = None) -> Path:
    """Put the reveal.js files the HTML deck needs into ``dest``; do nothing if already there.

    The files come from the npm registry's ``reveal.js`` package (``npm pack reveal.js@VERSION``,
    checked against its pinned integrity hash), or from ``tarball``, an already downloaded
    ``reveal.js-VERSION.tgz``. Only :data:`REVEAL_FILES` are extracted, keeping the package's
    layout (``dest/dist/reveal.js`` ...). This is a set-up step: decks are built offline.

    Returns
    -------
    Path
        ``dest`` (default :func:`default_assets_dir`).
    """
    dest = Path(dest) if dest is not None else default_assets_dir(version)
    with contextlib.suppress(DeckError):
        return check_reveal_assets(dest, version)
    with tempfile.TemporaryDirectory(prefix="sigsat-reveal-") as tmp:
        if tarball is None:
            npm = shutil.which("npm")
            if npm is None:
                raise DeckError("npm not found: install Node.js and npm (Debian: apt-get install npm) "
                                "to fetch reveal.js")
            proc = subprocess.run([npm, "pack", f"reveal.js@{version}", "--pack-destination", tmp,
                                   "--silent"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
            found = sorted(Path(tmp).glob("reveal.js-*.tgz"))
            if proc.returncode != 0 or not found:
                last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                raise DeckError(f"npm pack reveal.js@{version} failed: {last}")
            tarball = found[0]
        data = Path(tarball).read_bytes()
        expected = REVEAL_INTEGRITY.get(version)
        if expected is not None and _integrity(data) != expected:
            raise DeckError(f"{tarball}: integrity {_integrity(data)[:24]}... is not reveal.js "
                            f"{version}'s {expected[:24]}...")
        with tarfile.open(tarball, "r:gz") as archive:
            for name in REVEAL_FILES:
                try:
                    source = archive.extractfile(f"package/{name}")
                except KeyError:
                    source = None
                if source is None:
                    raise DeckError(f"{tarball}: no file package/{name}; is it reveal.js {version}?")
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                atomic_write(dest / name, source.read())
        atomic_write(dest / "VERSION", f"reveal.js {version} {_integrity(data)}\n".encode())
    return check_reveal_assets(dest, version)


# --------------------------------------------------------------------------------------------
# what was rendered, and its narration


def _manifest(out_dir: Path) -> dict:
    try:
        return manifest_mod.load(out_dir, missing_ok=False)
    except FileNotFoundError:
        raise DeckError(f"{out_dir}: no manifest.json; render first (sigsat render)") from None
    except manifest_mod.ManifestError as exc:
        raise DeckError(f"{exc}; render again (sigsat render) to replace it") from None


def deck_targets(specs: Iterable[lecture.SceneSpec], formats: Iterable[str] = FORMATS) -> list[str]:
    """Paths, relative to the render folder, that :func:`build_deck` writes or replaces."""
    names = [f"{SLIDES_DIR}/deck.{fmt}" for fmt in formats]
    names += [f"{SLIDES_DIR}/{stem(s)}.json" for s in specs]
    return names + [f"{SLIDES_DIR}/files", f"{SLIDES_DIR}/deck_assets"]


def rendered_scenes(out_dir: Path) -> list[lecture.SceneSpec]:
    """Scenes with outputs in ``out_dir`` (a ``<quality>/<theme>`` folder), in lesson order."""
    scenes = _manifest(Path(out_dir))["scenes"]
    return [s for s in lecture.SCENES if s.id in scenes]


def _beats(out_dir: Path, spec: lecture.SceneSpec, lines: Mapping[str, str]) -> list[dict]:
    """The scene's ``sections.json`` entries, checked against its lesson's beats."""
    folder = out_dir / stem(spec)
    try:
        sections = read_sections(folder)
    except FileNotFoundError:
        raise DeckError(f"{folder}: no sections.json; render {spec.id} again (sigsat render {spec.id})") from None
    names = [s["name"] for s in sections]
    if names != list(lines):
        raise DeckError(f"{folder}: beats {names} differ from the lesson's {list(lines)}; "
                        f"render {spec.id} again (sigsat render {spec.id})")
    for s in sections:
        if not (folder / s["video"]).is_file():
            raise DeckError(f"{folder / s['video']}: missing; render {spec.id} again")
    return sections


def _scene_params(spec: lecture.SceneSpec, entry: dict, given: Params | None) -> Params:
    """Parameters of one rendered scene: those it was rendered with, checked against ``given``."""
    inputs = entry.get("inputs", {})
    if given is None:
        return params_from_inputs(inputs)
    flat = params_mod.flatten(given)
    for key, value in inputs.items():
        if key in flat and flat[key] != value:
            raise DeckError(f"{spec.id} was rendered with {key} = {value!r}, the parameters say "
                            f"{flat[key]!r}: render it again first (sigsat render {spec.id})")
    return given


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


# --------------------------------------------------------------------------------------------
# the deck


def build_deck(
    out_dir: Path,
    scene_ids: Sequence[str] | None = None,
    params: Params | None = None,
    formats: Iterable[str] = FORMATS,
    *,
    assets: Path | None = None,
    one_file: bool = True,
    title: str = DECK_TITLE,
) -> dict[str, Path]:
    """Write ``out_dir/slides/deck.{html,pptx,pdf}``: one slide per beat of the rendered scenes.

    Parameters
    ----------
    out_dir
        A render folder ``<out>/<quality>/<theme>`` (holds ``manifest.json``).
    scene_ids
        Scene ids or class names, put in lesson order; ``None`` or empty: every rendered scene.
    params
        Parameters for the narration lines (speaker notes). ``None``: the ones each scene was
        rendered with (``manifest.json`` ``inputs``). When given, they must equal those.
    formats
        Any of ``"html"``, ``"pptx"``, ``"pdf"``.
    assets
        reveal.js folder from :func:`install_reveal_assets` (default :func:`default_assets_dir`);
        needed for ``"html"`` only.
    one_file
        The HTML deck embeds its clips (default). ``False``: clips go to ``slides/deck_assets/``
        next to it (smaller page; the folder must travel with it).
    title
        The HTML page title.

    Returns
    -------
    dict
        Format -> path of the written file.

    Raises
    ------
    DeckError
        One-line message: nothing rendered, a scene not rendered, stale or damaged, assets missing.
    """
    out_dir = Path(out_dir)
    formats = _formats(formats)
    manifest = _manifest(out_dir)
    specs = _selected(out_dir, manifest, scene_ids)
    reveal_files = _reveal_files(check_reveal_assets(assets)) if "html" in formats else {}
    scenes = [_scene(out_dir, spec, manifest["scenes"][spec.id], params) for spec in specs]
    theme, background = _theme(out_dir, manifest, specs)
    configs = _presentations(out_dir, scenes, background)
    written = {fmt: _convert(fmt, configs, out_dir / SLIDES_DIR, reveal_files, theme, background,
                             one_file, title) for fmt in formats}
    manifest_mod.record_outputs(out_dir, [p.relative_to(out_dir).as_posix() for p in written.values()]
                                + [f"{SLIDES_DIR}/{stem(s)}.json" for s in specs] + [f"{SLIDES_DIR}/files"])
    return written


def _formats(formats: Iterable[str]) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise DeckError(f"unknown deck format {unknown[0] if unknown else '(none)'}; "
                        f"choose from {', '.join(FORMATS)}")
    return formats


def _selected(out_dir: Path, manifest: dict, scene_ids: Sequence[str] | None) -> list[lecture.SceneSpec]:
    """The named scenes in lesson order (every rendered one if none), each checked rendered."""
    try:
        specs = [lecture.find_scene(n) for n in scene_ids or ()]
    except KeyError as exc:
        raise DeckError(exc.args[0]) from None
    specs = sorted(dict.fromkeys(specs), key=lecture.SCENES.index) or rendered_scenes(out_dir)
    if not specs:
        raise DeckError(f"{out_dir}: no rendered scenes; render first (sigsat render)")
    for spec in specs:
        if spec.id not in manifest["scenes"]:
            raise DeckError(f"{spec.id} is not rendered in {out_dir}; run sigsat render {spec.id}")
    return specs


def _reveal_files(assets: Path) -> dict[str, str]:
    """The text of each reveal.js file the page inlines, by its name in the npm package."""
    return {name: (assets / name).read_text(encoding="utf-8") for name in REVEAL_FILES
            if name.startswith("dist/")}


def _scene(out_dir: Path, spec: lecture.SceneSpec, entry: dict,
           params: Params | None) -> tuple[lecture.SceneSpec, list[dict], dict[str, str]]:
    """One scene's beats and narration lines, after checking its render is current and intact."""
    lines = scene_lines(spec, _scene_params(spec, entry, params))
    sections = _beats(out_dir, spec, lines)
    damaged = manifest_mod.damaged(out_dir, entry)
    if damaged is not None:
        raise DeckError(f"{out_dir / damaged}: not as sigsat wrote it (damaged or changed); "
                        f"render {spec.id} again (sigsat render {spec.id})")
    return spec, sections, lines


def _theme(out_dir: Path, manifest: dict, specs: Sequence[lecture.SceneSpec]) -> tuple[str, str]:
    """The theme the scenes were rendered in (else the folder's name), and its background colour."""
    names = {manifest["scenes"][s.id].get("inputs", {}).get("theme.name", out_dir.name) for s in specs}
    theme = names.pop() if len(names) == 1 else out_dir.name
    return theme, PALETTES[theme].BACKGROUND if theme in PALETTES else "#000000"


def _presentations(out_dir: Path, scenes, background: str) -> list:
    """Link each beat clip into ``slides/files/`` and write manim-slides' ``slides/NN_id.json``.

    The beat clips already carry their stretch of the narration (the render puts it there), so
    they are used as they are.
    """
    slides = out_dir / SLIDES_DIR
    shutil.rmtree(slides / "files", ignore_errors=True)
    for old in slides.glob("[0-9][0-9]_*.json"):
        old.unlink()
    configs = []
    for spec, sections, lines in scenes:
        clips = [slides / "files" / stem(spec) / s["video"] for s in sections]
        for section, clip in zip(sections, clips):
            _link(out_dir / stem(spec) / section["video"], clip)
        size = (int(sections[0]["width"]), int(sections[0]["height"]))
        config = decks_adapter.presentation(clips, [lines[s["name"]] for s in sections], size, background)
        decks_adapter.write_presentation(config, slides / f"{stem(spec)}.json")
        configs.append(config)
    return configs


def _pptx_size(width: int, height: int) -> tuple[int, int]:
    """PowerPoint's slide size: 1280 wide, 720 high for 16:9, else the clips' aspect ratio."""
    return 1280, 720 if abs(width / height - 16 / 9) < 0.01 else round(1280 * height / width)


def _convert(fmt: str, configs: list, slides: Path, reveal_files: Mapping[str, str], theme: str,
             background: str, one_file: bool, title: str) -> Path:
    """Write ``slides/deck.<fmt>`` through manim-slides' converter, replacing it in one step."""
    dest = slides / f"deck.{fmt}"
    with atomic_path(dest, keep_suffix=True) as tmp:
        if fmt == "html":
            # manim-slides keeps clips already in the assets folder: start it afresh
            shutil.rmtree(slides / "deck_assets", ignore_errors=True)
            decks_adapter.write_html(configs, tmp, reveal_files, theme=REVEAL_THEMES.get(theme, "black"),
                                     background=background, one_file=one_file, title=title,
                                     assets_dir="deck_assets")
        elif fmt == "pptx":
            decks_adapter.write_pptx(configs, tmp, *_pptx_size(*configs[0].resolution))
        else:
            decks_adapter.write_pdf(configs, tmp)
    return dest


# --------------------------------------------------------------------------------------------


def _main(argv: list[str] | None = None) -> int:
    """``python -m sigsat.production.slides install-reveal [DEST] [--tarball FILE]``: the set-up step."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m sigsat.production.slides")
    sub = parser.add_subparsers(dest="command", required=True)
    install = sub.add_parser("install-reveal", help=f"fetch reveal.js {REVEAL_VERSION} for offline HTML decks")
    install.add_argument("dest", nargs="?", type=Path, default=None)
    install.add_argument("--tarball", type=Path, help="use this reveal.js-VERSION.tgz instead of npm")
    args = parser.parse_args(argv)
    try:
        print(install_reveal_assets(args.dest, tarball=args.tarball))
    except DeckError as exc:
        print(f"sigsat: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
