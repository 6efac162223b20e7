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
themselves (one click per beat); the "reverse" clip that ``manim-slides present`` plays on its
``V`` key is the forward clip itself (no reversed copies are encoded; the HTML, PowerPoint and PDF
converters never use it).

manim writes its section (beat) clips without sound: the narration is muxed into the scene video
only. When the scene video has a voice, each slide's clip gets its slice of it back
(:func:`sigsat.production.media.clips_with_audio`: the beat's video stream copied, its audio cut sample-exactly from the
scene's and encoded as AAC).

manim-slides is imported only inside :func:`build_deck` (it does not import manim).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..lesson import lecture, params as params_mod
from ..lesson.lecture import scene_lines
from ..lesson.params import Params, params_from_inputs
from ..lesson.theme import PALETTES
from . import manifest as manifest_mod
from .files import atomic_path, atomic_write
from .media import MediaError, _has_audio, clips_with_audio
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


_env_lock = threading.Lock()


@contextlib.contextmanager
def _manim_slides_cache(assets: Path, version: str):
    """A throw-away ``$XDG_CACHE_HOME`` whose manim-slides cache holds our reveal.js files.

    manim-slides' ``offline`` mode reads reveal.js from ``$XDG_CACHE_HOME/manim-slides/
    revealjs<ver>/<file name>`` and only downloads what is missing there; every file is present,
    so it never goes to the network. The user's own cache is never touched.
    """
    with _env_lock, tempfile.TemporaryDirectory(prefix="sigsat-xdg-") as tmp:
        cache = Path(tmp) / "manim-slides" / f"revealjs{version}"
        cache.mkdir(parents=True)
        for name in REVEAL_FILES:
            if name.startswith("dist/"):
                shutil.copyfile(assets / name, cache / Path(name).name)
        saved = os.environ.get("XDG_CACHE_HOME")
        os.environ["XDG_CACHE_HOME"] = tmp
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = saved


@contextlib.contextmanager
def _no_progress_bars():
    """manim-slides' converters draw tqdm bars on stderr; a library call should stay quiet."""
    import functools

    import manim_slides.convert as convert

    original = convert.tqdm
    convert.tqdm = functools.partial(original, disable=True)
    try:
        yield
    finally:
        convert.tqdm = original


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
# beat clips with their narration


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
    audio: bool = True,
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
    audio
        Give each slide's clip its slice of the scene's narration (when the scene video has
        sound). ``False``: silent clips, for a lecturer who speaks over them.
    title
        The HTML page title.

    Returns
    -------
    dict
        Format -> path of the written file.

    Raises
    ------
    DeckError
        One-line message: nothing rendered, a scene not rendered or stale, assets missing.
    """
    out_dir = Path(out_dir)
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise DeckError(f"unknown deck format {unknown[0] if unknown else '(none)'}; "
                        f"choose from {', '.join(FORMATS)}")
    manifest = _manifest(out_dir)
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
    if "html" in formats:
        assets = check_reveal_assets(assets)

    scenes = []  # (spec, sections, lines)
    for spec in specs:
        entry = manifest["scenes"][spec.id]
        lines = scene_lines(spec, _scene_params(spec, entry, params))
        scenes.append((spec, _beats(out_dir, spec, lines), lines))
    theme_names = {manifest["scenes"][s.id].get("inputs", {}).get("theme.name", out_dir.name) for s in specs}
    theme = theme_names.pop() if len(theme_names) == 1 else out_dir.name
    background = PALETTES[theme].BACKGROUND if theme in PALETTES else "#000000"

    from manim_slides.config import PresentationConfig, SlideConfig

    slides = out_dir / SLIDES_DIR
    files = slides / "files"
    shutil.rmtree(files, ignore_errors=True)
    for old in slides.glob("[0-9][0-9]_*.json"):
        old.unlink()
    configs, html_configs = [], []
    for spec, sections, lines in scenes:
        scene_stem = stem(spec)
        slide_configs, html_slides = [], []
        sources = [out_dir / scene_stem / section["video"] for section in sections]
        clips = [files / scene_stem / section["video"] for section in sections]
        try:
            if audio and _has_audio(out_dir / f"{scene_stem}.mp4") and not _has_audio(sources[0]):
                clips_with_audio(out_dir / f"{scene_stem}.mp4", sources, clips)
            else:
                for source, clip in zip(sources, clips):
                    _link(source, clip)
        except MediaError as exc:
            raise DeckError(f"{exc}; render it again (sigsat render {spec.id} --force)") from None
        for section, clip in zip(sections, clips):
            common = dict(file=clip, rev_file=clip, loop=False, auto_next=False, dedent_notes=False)
            slide_configs.append(SlideConfig(notes=lines[section["name"]], **common))
            # reveal.js's template inserts notes as raw HTML (under its markdown plugin)
            html_slides.append(SlideConfig(notes=html.escape(lines[section["name"]], quote=False), **common))
        size = (int(sections[0]["width"]), int(sections[0]["height"]))
        config = PresentationConfig(slides=slide_configs, resolution=size, background_color=background)
        configs.append(config)
        html_configs.append(PresentationConfig(slides=html_slides, resolution=size, background_color=background))
        _write_presentation_file(config, slides / f"{scene_stem}.json", out_dir)

    with _no_progress_bars():
        written = _convert(formats, configs, html_configs, slides, assets, theme, background,
                           one_file, title)
    manifest_mod.record_outputs(out_dir, [p.relative_to(out_dir).as_posix() for p in written.values()]
                                + [f"{SLIDES_DIR}/{stem(s)}.json" for s in specs] + [f"{SLIDES_DIR}/files"])
    return written


def _convert(formats, configs, html_configs, slides: Path, assets, theme, background, one_file,
             title) -> dict[str, Path]:
    written: dict[str, Path] = {}
    width, height = configs[0].resolution
    for fmt in formats:
        dest = slides / f"deck.{fmt}"
        with atomic_path(dest, keep_suffix=True) as tmp:
            if fmt == "html":
                # manim-slides keeps clips already in the assets folder: start it afresh
                shutil.rmtree(slides / "deck_assets", ignore_errors=True)
                _write_html(html_configs, tmp, assets, theme, background, one_file, title)
            elif fmt == "pptx":
                from manim_slides.convert import PowerPoint

                ppt_height = 720 if abs(width / height - 16 / 9) < 0.01 else round(1280 * height / width)
                PowerPoint(presentation_configs=configs, width=1280, height=ppt_height,
                           auto_play_media=True).convert_to(tmp)
            else:
                from manim_slides.convert import PDF

                PDF(presentation_configs=configs, frame_index="last").convert_to(tmp)
        written[fmt] = dest
    return written


def _write_presentation_file(config, path: Path, out_dir: Path) -> None:
    """manim-slides' ``slides/<Scene>.json``, file paths relative to the folder above ``slides/``."""
    data = json.loads(config.model_dump_json())
    for slide in data["slides"]:
        for key in ("file", "rev_file"):
            slide[key] = Path(slide[key]).relative_to(out_dir).as_posix()
    path.write_text(json.dumps(data, indent=2))


#: manim-slides' template mutes the first slide's clip so that browsers let it autoplay; that
#: would silence the first beat's voice. reveal.js 6 mutes a clip itself, and shows an unmute
#: button, only when a browser refuses to play it with sound.
_FIRST_SLIDE_MUTED = """          {% if loop.index == 1 and outer_loop.index == 1 %}
          data-background-video-muted
          {% endif %}
"""

#: reveal.js's "Unmute video" button sits bottom left, on the caption plate; the top left corner
#: is empty in every scene (titles are centred). More specific than reveal.css, inlined later.
_EXTRA_CSS = "<style>html .reveal .r-media-play-button { top: 15px; bottom: auto; }</style>"


def _write_html(configs, dest: Path, assets: Path, theme: str, background: str, one_file: bool,
                title: str) -> None:
    from manim_slides.convert import RevealJS

    converter = RevealJS(
        presentation_configs=configs,
        one_file=one_file,
        offline=True,
        reveal_version=REVEAL_VERSION,
        reveal_theme=REVEAL_THEMES.get(theme, "black"),
        background_color=background,
        title=title,
        # Nothing drawn over the clips but a thin progress line: the arrows and the slide
        # number would sit on the caption plate. Keys (or a clicker) move on; space plays/pauses;
        # S opens the speaker view with the notes and the slide number.
        controls="false",
        progress="true",
        slide_number="c/t",
        show_slide_number="speaker",
        assets_dir="deck_assets",
    )
    template = dest.with_name(f".{dest.name}.template.html")
    template.write_text(converter.load_template().replace(_FIRST_SLIDE_MUTED, "")
                        .replace("</head>", f"{_EXTRA_CSS}\n  </head>", 1))
    converter.template = template
    try:
        with _manim_slides_cache(assets, REVEAL_VERSION):
            converter.convert_to(dest)
    except RuntimeError as exc:  # manim-slides could not find an asset in the cache
        raise DeckError(f"{exc}: reveal.js assets in {assets} are incomplete; "
                        f"run {SETUP_COMMAND}") from None
    finally:
        template.unlink(missing_ok=True)


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
