"""Slide decks (sigsat.production.slides): one slide per beat, notes = narration, an offline one-file HTML deck.

Every deck is built from a copy of one real render (scenes 1 and 2, low quality, narrated by
espeak-ng), made once per test session: the clips, sections.json and manifest.json are the ones
`sigsat render` writes, voice included.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sigsat.lesson import lecture, params as params_mod
from sigsat.lesson.params import Params
from sigsat.production import decks_adapter, manifest, media, slides

ROOT = Path(__file__).resolve().parents[1]
#: The scenes of the real render every deck test starts from.
RENDERED = lecture.SCENES[:2]


# ------------------------------------------------------------------------------------------------
# helpers, also used by tests/test_gallery_browser.py


def stem(spec: lecture.SceneSpec) -> str:
    return f"{lecture.SCENES.index(spec) + 1:02d}_{spec.id}"


def expected_lines(specs, params: Params | None = None) -> list[str]:
    """Every beat's narration line, in deck order (computed by the lessons, as the renders do)."""
    return [line for s in specs for line in s.lesson.build(params or Params()).lines.values()]


def render_real(root: Path, *scene_ids: str) -> Path:
    """`sigsat render SCENES --out root/renders` at low quality, default (espeak) narration;
    returns the ``low/dark`` folder."""
    done = subprocess.run([sys.executable, "-m", "sigsat.cli", "render", *scene_ids, "--out",
                           str(root / "renders"), "--jobs", "1"], cwd=root, capture_output=True,
                          text=True, env=_clean_env(), stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "renders" / "low" / "dark"


def _clean_env() -> dict:
    env = dict(os.environ)
    env.pop(params_mod.PARAMS_ENV, None)
    return env


def real_render(tmp_path_factory) -> Path:
    """One real, narrated render of :data:`RENDERED` per test session, shared by the deck and
    gallery tests (read it; build decks in :func:`copy_of_real_render`)."""
    root = tmp_path_factory.getbasetemp() / "real-render"
    out = root / "renders" / "low" / "dark"
    if not (out / "manifest.json").is_file():
        root.mkdir(exist_ok=True)
        render_real(root, *(s.id for s in RENDERED))
    return out


def copy_of_real_render(tmp_path_factory, tmp_path: Path) -> Path:
    """A private copy of :func:`real_render`'s ``low/dark`` folder, at ``tmp_path/renders/low/dark``."""
    out = tmp_path / "renders" / "low" / "dark"
    shutil.copytree(real_render(tmp_path_factory), out)
    return out


class _Loads(HTMLParser):
    """Collects what a browser would fetch: URL attributes, <style> text, <script> text."""

    URL_ATTRS = {"src", "href", "poster", "data", "action", "formaction", "srcset", "background",
                 "data-src", "data-background-image", "data-background-video", "data-background-iframe"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.css: list[str] = []
        self.js: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in self.URL_ATTRS:
                self.urls += [part.strip() for part in value.split(",")] if name == "srcset" else [value.strip()]
            elif name == "style":
                self.css.append(value)
        if tag in ("style", "script"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.css.append(data)
        elif self._in == "script":
            self.js.append(data)


REMOTE = r"""['"`]?\s*(?:https?:)?//"""
CSS_LOADS = [re.compile(r"url\(\s*" + REMOTE, re.I), re.compile(r"@import\s+(?:url\()?\s*" + REMOTE, re.I)]
JS_LOADS = [re.compile(p) for p in (
    r"\bimport\s*\(\s*['\"`]https?:", r"\bfrom\s*['\"`]https?:", r"\bimport\s+['\"`]https?:",
    r"\bfetch\s*\(\s*['\"`]https?:", r"\bimportScripts\s*\(\s*['\"`]https?:",
    r"\.open\s*\(\s*['\"`][A-Z]+['\"`]\s*,\s*['\"`]https?:", r"\.src\s*=\s*['\"`]https?:",
    r"\bnew\s+(?:Worker|EventSource|WebSocket)\s*\(\s*['\"`](?:https?|wss?):")]


def remote_loads(page: str) -> list[str]:
    """Every http(s) or protocol-relative URL the page would load when viewed.

    Looks where loads happen (URL attributes, CSS ``url()``/``@import``, JS import/fetch/src
    assignments), not at comments or licence text that merely mention a URL.
    """
    parser = _Loads()
    parser.feed(page)
    found = [u for u in parser.urls if re.match(r"(?:https?:)?//", u, re.I)]
    found += [m.group(0) for text in parser.css for rx in CSS_LOADS for m in rx.finditer(text)]
    found += [m.group(0) for text in parser.js for rx in JS_LOADS for m in rx.finditer(text)]
    return found


class _Notes(HTMLParser):
    """Text of every ``<aside class="notes">`` element (not the like-looking strings inside scripts)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.notes: list[str] = []
        self.sections: list[dict] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.sections.append(dict(attrs))
        if tag == "aside" and "notes" in (dict(attrs).get("class") or "").split():
            self._open = True
            self.notes.append("")

    def handle_endtag(self, tag):
        if tag == "aside":
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.notes[-1] += data


def notes_in_html(page: str) -> list[str]:
    parser = _Notes()
    parser.feed(page)
    return [n.strip() for n in parser.notes]


def sections_in_html(page: str) -> list[dict]:
    """Attributes of every ``<section>`` (one per slide) of a reveal.js page."""
    parser = _Notes()
    parser.feed(page)
    return parser.sections


def pdf_pages(path: Path) -> int:
    """Pages of a PDF written by Pillow (uncompressed page objects)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page\b", data))


def pptx_slides(path: Path) -> list[dict]:
    """Per slide: its movies, the content types of its media parts, its notes (python-pptx)."""
    import pptx
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    prs = pptx.Presentation(str(path))
    out = []
    for slide in prs.slides:
        parts = {r.reltype.rsplit("/", 1)[1]: r.target_part for r in slide.part.rels.values()}
        out.append({
            "movies": [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA],
            "video_type": parts["video"].content_type if "video" in parts else None,
            "video_bytes": len(parts["video"].blob) if "video" in parts else 0,
            "blob": parts["video"].blob if "video" in parts else b"",
            "poster": parts["image"].content_type if "image" in parts else None,
            "notes": slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "",
        })
    return out


# ------------------------------------------------------------------------------------------------
# decks from a real render


@pytest.fixture(scope="module")
def render(tmp_path_factory) -> Path:
    """The session's real render (made on first use); tests build decks in copies of it."""
    return real_render(tmp_path_factory)


@pytest.fixture
def rendered(render, tmp_path_factory, tmp_path) -> Path:
    return copy_of_real_render(tmp_path_factory, tmp_path)


def beat_clips(out: Path, spec: lecture.SceneSpec) -> list[Path]:
    return [out / stem(spec) / e["video"] for e in json.loads((out / stem(spec) / "sections.json").read_text())]


def test_reveal_assets_are_installed_for_manim_slides_template():
    """Set-up put reveal.js where build_deck looks; its version is the one the template expects."""
    from manim_slides.convert import RevealJS

    assert RevealJS.model_fields["reveal_version"].default == slides.REVEAL_VERSION
    folder = slides.check_reveal_assets()
    assert folder == slides.default_assets_dir()
    assert "Reveal" in (folder / "dist/reveal.js").read_text()[:2000]


def test_deck_template_is_manim_slides_own_with_the_marked_changes():
    """sigsat's template differs from manim-slides 5.7.0's only where it says ``sigsat:``: the
    reveal.js links and scripts (inlined), the first clip's mute, and the notes (escaped)."""
    import difflib
    from importlib import resources

    from manim_slides import templates

    upstream = resources.files(templates).joinpath("revealjs.html").read_text().splitlines()
    ours = decks_adapter.TEMPLATE.read_text().splitlines()
    diff = list(difflib.ndiff(upstream, ours))
    removed = [line[2:].strip() for line in diff if line.startswith("- ")]
    added = [line[2:].strip() for line in diff if line.startswith("+ ")]
    assert removed == [
        '<link rel="stylesheet" href="{{ cdn_url }}/dist/reveal.css">',
        '<link rel="stylesheet" href="{{ cdn_url }}/dist/theme/{{ reveal_theme }}.css">',
        '<link rel="stylesheet" href="{{ cdn_url }}/dist/plugin/highlight/zenburn.css">',
        '{% if loop.index == 1 and outer_loop.index == 1 %}', 'data-background-video-muted', '{% endif %}',
        '<aside class="notes" data-markdown>{{ slide_config.notes }}</aside>',
        '<script src="{{ cdn_url }}/dist/reveal.js"></script>',
        '<script src="{{ cdn_url }}/dist/plugin/notes.js"></script>',
        '<script src="{{ cdn_url }}/dist/plugin/markdown.js"></script>',
    ]
    assert all("reveal_files[" in a or a.startswith("{# sigsat:") or "r-media-play-button" in a
               or a.endswith("{{ slide_config.notes | e }}</aside>") for a in added), added


def test_deck_has_one_slide_per_beat_with_its_voiced_clip_poster_and_notes(rendered):
    written = slides.build_deck(rendered)
    assert set(written) == {"html", "pptx", "pdf"}
    assert all(p.parent == rendered / "slides" and p.stat().st_size > 0 for p in written.values())
    lines = expected_lines(RENDERED)
    got = pptx_slides(written["pptx"])
    assert len(got) == len(lines)
    for slide in got:
        assert len(slide["movies"]) == 1
        assert slide["video_type"] == "video/mp4" and slide["video_bytes"] > 0
        assert slide["poster"] == "image/png"
    assert [s["notes"] for s in got] == lines
    # each slide plays its beat's clip as the render wrote it, voice and all, in lesson order
    clips = [c for s in RENDERED for c in beat_clips(rendered, s)]
    assert [s["blob"] for s in got] == [c.read_bytes() for c in clips]
    assert all(media.probe(c).has_audio for c in clips), "the default voice narrates every beat"

    page = written["html"].read_text()
    assert notes_in_html(page) == lines
    sections = sections_in_html(page)
    assert [base64.b64decode(s["data-background-video"].removeprefix("data:video/mp4;base64,"))
            for s in sections] == [c.read_bytes() for c in clips]
    assert not any("data-background-video-loop" in s or "data-autoslide" in s for s in sections)
    assert not any("data-background-video-muted" in s for s in sections)  # the first voice is heard
    assert remote_loads(page) == []
    assert not (rendered / "slides" / "deck_assets").exists()   # one file, nothing alongside

    assert pdf_pages(written["pdf"]) == len(lines)


def test_html_deck_beside_its_assets_folder_also_works_offline(rendered):
    """one_file=False: the clips go to slides/deck_assets/, linked relatively; reveal.js is inlined."""
    page = slides.build_deck(rendered, formats=["html"], one_file=False)["html"].read_text()
    assert remote_loads(page) == []
    sections = sections_in_html(page)
    clips = [c for s in RENDERED for c in beat_clips(rendered, s)]
    assert len(sections) == len(clips)
    for s, clip in zip(sections, clips):
        assert s["data-background-video"].startswith("deck_assets/")
        assert (rendered / "slides" / s["data-background-video"]).read_bytes() == clip.read_bytes()
    assets = slides.check_reveal_assets()
    theme = "dist/theme/black.css"   # the dark render's reveal.js theme
    for name in ("dist/reveal.css", theme, "dist/reveal.js", "dist/plugin/notes.js", "dist/plugin/markdown.js"):
        assert (assets / name).read_text() in page, f"{name} is not inlined"


def test_manim_slides_presentation_files_point_at_the_clips(rendered):
    """slides/NN_id.json is manim-slides' own format: its loader reads our files back."""
    from manim_slides.config import PresentationConfig

    slides.build_deck(rendered, formats=["pdf"])
    for spec in RENDERED:
        lines = spec.lesson.build(Params()).lines
        config = PresentationConfig.from_file(rendered / "slides" / f"{stem(spec)}.json")
        assert [c.notes for c in config.slides] == list(lines.values())
        assert all(not c.loop and not c.auto_next for c in config.slides)
        for c, clip in zip(config.slides, beat_clips(rendered, spec), strict=True):
            assert c.file == rendered / "slides" / "files" / stem(spec) / clip.name
            assert c.file.samefile(clip)          # the render's clip, linked, not encoded again
        saved = json.loads((rendered / "slides" / f"{stem(spec)}.json").read_text())
        assert all(not Path(s["file"]).is_absolute() for s in saved["slides"])  # the folder can move


def test_building_a_deck_leaves_no_global_state_behind(rendered, tmp_path, monkeypatch, capfd):
    """No environment variable, no manim-slides attribute, no cache and no progress bar on stderr."""
    import manim_slides.convert as convert

    cache = tmp_path / "user-cache"
    cache.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))   # where manim-slides keeps its reveal.js cache
    environ, tqdm, revealjs = dict(os.environ), convert.tqdm, dict(convert.RevealJS.model_fields)
    slides.build_deck(rendered)
    assert dict(os.environ) == environ
    assert convert.tqdm is tqdm and dict(convert.RevealJS.model_fields) == revealjs
    assert list(cache.iterdir()) == []
    assert capfd.readouterr().err == ""


def test_named_scenes_only_and_in_lesson_order(rendered):
    first, second = RENDERED
    written = slides.build_deck(rendered, [second.cls, first.id], formats=("pptx",))
    assert [s["notes"] for s in pptx_slides(written["pptx"])] == expected_lines([first, second])
    written = slides.build_deck(rendered, [second.id], formats=("pptx",))
    assert [s["notes"] for s in pptx_slides(written["pptx"])] == expected_lines([second])


def test_notes_follow_the_parameters_the_scenes_were_rendered_with(rendered):
    """The notes come from the parameters manifest.json records (here: as if rendered with
    tests/params/alt1.toml, whose values change these scenes' lines but not their beats)."""
    alt = params_mod.load(ROOT / "tests" / "params" / "alt1.toml")
    flat = params_mod.flatten(alt)
    data = manifest.load(rendered)
    for spec in RENDERED:
        inputs = data["scenes"][spec.id]["inputs"]
        inputs.update({k: flat[k] for k in inputs})
    manifest.write(rendered, data)
    written = slides.build_deck(rendered, formats=("pptx",))          # params from manifest.json
    notes = [s["notes"] for s in pptx_slides(written["pptx"])]
    assert notes == expected_lines(RENDERED, alt)
    assert notes != expected_lines(RENDERED)            # the parameters do change the lines
    with pytest.raises(slides.DeckError, match=r"rendered with .* render it again"):
        slides.build_deck(rendered, params=Params(), formats=("pptx",))


def test_html_notes_are_escaped_text(rendered, monkeypatch):
    spec = RENDERED[0]
    real = slides.scene_lines

    def with_markup(s, p):
        lines = real(s, p)
        return {k: (v + " <b>&</b> z < 0" if s is spec else v) for k, v in lines.items()}

    monkeypatch.setattr(slides, "scene_lines", with_markup)
    written = slides.build_deck(rendered, [spec.id], formats=("html", "pptx"))
    page = written["html"].read_text()
    assert "<b>&</b>" not in page and "&lt;b&gt;&amp;&lt;/b&gt; z &lt; 0" in page
    assert notes_in_html(page)[0].endswith(" <b>&</b> z < 0")
    assert pptx_slides(written["pptx"])[0]["notes"].endswith(" <b>&</b> z < 0")


def test_missing_reveal_assets_is_one_clear_line(rendered, tmp_path):
    with pytest.raises(slides.DeckError) as err:
        slides.build_deck(rendered, assets=tmp_path / "nowhere")
    message = str(err.value)
    assert "\n" not in message and "reveal.js 6.0.1 assets missing" in message
    assert slides.SETUP_COMMAND in message
    assert not (rendered / "slides" / "deck.html").exists()
    # formats that need no reveal.js still build
    assert set(slides.build_deck(rendered, formats=["pptx"], assets=tmp_path / "nowhere")) == {"pptx"}


@pytest.mark.parametrize("breakage, message", [
    ("no-manifest", "no manifest.json"),
    ("stale-beats", "differ from the lesson"),
    ("missing-clip", "missing; render"),
    ("damaged-clip", "not as sigsat wrote it"),
    ("unknown-scene", "unknown scene"),
    ("not-rendered", "is not rendered"),
    ("bad-format", "unknown deck format"),
])
def test_unusable_renders_are_refused_in_one_line(rendered, breakage, message):
    names, formats = None, ("pdf",)
    first = rendered / stem(RENDERED[0])
    if breakage == "no-manifest":
        (rendered / "manifest.json").unlink()
    elif breakage == "stale-beats":
        sections = json.loads((first / "sections.json").read_text())
        (first / "sections.json").write_text(json.dumps(sections[:-1]))
    elif breakage == "missing-clip":
        next(first.glob("02_*.mp4")).unlink()
    elif breakage == "damaged-clip":
        clip = next(first.glob("02_*.mp4"))
        data = bytearray(clip.read_bytes())
        data[len(data) // 2] ^= 0xFF
        clip.write_bytes(bytes(data))
        message = f"{re.escape(str(clip))}: not as sigsat wrote it .*sigsat render {RENDERED[0].id}"
    elif breakage == "unknown-scene":
        names = ["no_such_scene"]
    elif breakage == "not-rendered":
        names = [lecture.SCENES[-1].id]
    else:
        formats = ("keynote",)
    with pytest.raises(slides.DeckError, match=message) as err:
        slides.build_deck(rendered, names, formats=formats)
    assert "\n" not in str(err.value)
    assert not (rendered / "slides" / "deck.pdf").exists()


def test_remote_loads_finds_cdn_links_but_not_mentions():
    page = ('<html><head><!-- see https://revealjs.com --><link rel="stylesheet" href="https://cdn.x/r.css">'
            '<style>a{background:url("https://x/y.png")} @import "//fonts.x/f.css";</style>'
            '<script src="https://cdn.x/reveal.js"></script>'
            '<script>/* https://licence.example */ import("https://esm.x/m.js"); const s = "http://";</script>'
            '</head><body><video data-background-video="data:video/mp4;base64,AAAA"></video></body></html>')
    assert remote_loads(page) == ["https://cdn.x/r.css", "https://cdn.x/reveal.js", 'url("https://',
                                  '@import "//', 'import("https:']
    assert remote_loads('<p>https://example.org</p><script>// https://x\nvar a = 1;</script>') == []


def test_install_reveal_assets_from_a_tarball(tmp_path):
    """Set-up with an already downloaded tarball: only the needed files, then a no-op; a forged tarball is refused."""
    tarball = tmp_path / "reveal.js-9.9.9.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name in (*slides.REVEAL_FILES, "dist/reveal.esm.js", "package.json"):
            data = f"/* {name} */".encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    dest = tmp_path / "assets"
    assert slides.install_reveal_assets(dest, version="9.9.9", tarball=tarball) == dest
    got = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert got == sorted([*slides.REVEAL_FILES, "VERSION"])
    assert (dest / "dist/reveal.js").read_text() == "/* dist/reveal.js */"
    tarball.unlink()
    assert slides.install_reveal_assets(dest, version="9.9.9", tarball=tarball) == dest  # already there
    with pytest.raises(slides.DeckError, match="integrity"):
        slides.install_reveal_assets(tmp_path / "forged", version="6.0.1",
                                     tarball=_copy_tarball(tmp_path, "6.0.1"))


def _copy_tarball(tmp_path: Path, version: str) -> Path:
    path = tmp_path / f"reveal.js-{version}.tgz"
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("package/dist/reveal.js")
        archive.addfile(info, io.BytesIO(b""))
    return path
