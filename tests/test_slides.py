"""Slide decks (sigsat.production.slides): one slide per beat, notes = narration, an offline one-file HTML deck.

Fast tests build decks from a synthetic render folder (tiny H.264 clips laid out as `sigsat render`
lays them out); the slow test builds one from a real low-quality render.
"""

from __future__ import annotations

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
from sigsat.production import media, slides
from sigsat.lesson.params import Params
from tests.media_fixtures import make_video

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC_SCENES = lecture.SCENES[:2]


# ------------------------------------------------------------------------------------------------
# helpers, also used by tests/test_gallery_browser.py


def stem(spec: lecture.SceneSpec) -> str:
    return f"{lecture.SCENES.index(spec) + 1:02d}_{spec.id}"


def expected_lines(specs, params: Params | None = None) -> list[str]:
    """Every beat's narration line, in deck order (computed by the lessons, as the renders do)."""
    return [line for s in specs for line in s.lesson.build(params or Params()).lines.values()]


RATE = 48_000


def tone(beat: int) -> float:
    """The pitch (Hz) of beat ``beat``'s voice in a synthetic scene."""
    return 300.0 * (beat + 1)


def beat_frames(beat: int) -> int:
    return 6 + beat  # at 15 fps


def make_scene_with_voice(path: Path, beats: int) -> Path:
    """A scene video whose sound is a steady tone per beat (:func:`tone`), beat after beat."""
    import av
    import numpy as np

    frames = sum(beat_frames(i) for i in range(beats))
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=15)
        video.width, video.height, video.pix_fmt = 64, 36, "yuv420p"
        audio = container.add_stream("aac", rate=RATE, layout="stereo")
        for i in range(frames):
            image = np.full((36, 64, 3), 5 * i % 256, dtype=np.uint8)
            for packet in video.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        sound = np.concatenate([
            0.3 * np.sin(2 * np.pi * tone(b) * np.arange(round(beat_frames(b) / 15 * RATE)) / RATE)
            for b in range(beats)]).astype(np.float32)
        for i in range(0, sound.size, 1024):
            chunk = np.ascontiguousarray(np.vstack([sound[i:i + 1024]] * 2))
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = RATE, i
            for packet in audio.encode(frame):
                container.mux(packet)
        for packet in audio.encode():
            container.mux(packet)
    return path


def make_synthetic_render(out: Path, specs=SYNTHETIC_SCENES, params: Params | None = None,
                          voiced: int = 0) -> Path:
    """A ``<root>/low/dark`` folder shaped like `sigsat render`'s output, with tiny clips.

    Like manim's, the beat clips are silent; scene ``voiced`` (an index into ``specs``) has a
    voice in its scene video (:func:`make_scene_with_voice`), the others are silent throughout.
    """
    params = params or Params()
    flat = params_mod.flatten(params)
    manifest = {"scenes": {}}
    for n, spec in enumerate(specs):
        s = stem(spec)
        (out / s).mkdir(parents=True)
        sections = []
        for i, beat in enumerate(spec.lesson.build(params).lines):
            name = f"{i + 1:02d}_{beat}.mp4"
            make_video(out / s / name, frames=beat_frames(i), size=(64, 36), shade=40 * n + 20 * i)
            sections.append({"name": beat, "type": "default.normal", "video": name, "width": 64,
                             "height": 36, "duration": str(beat_frames(i) / 15)})
        (out / s / "sections.json").write_text(json.dumps(sections))
        if n == voiced:
            make_scene_with_voice(out / f"{s}.mp4", len(sections))
        else:
            shutil.copyfile(out / s / sections[0]["video"], out / f"{s}.mp4")
        media.last_frame(out / f"{s}.mp4").save(out / f"{s}.png")
        (out / f"{s}.vtt").write_text("WEBVTT\n\n1\n00:00:00.000 --> 00:00:00.300\nline\n")
        manifest["scenes"][spec.id] = {"key": "synthetic", "inputs": {k: flat[k] for k in lecture.reads(spec, Params())},
                                       "files": [f"{s}.mp4", f"{s}.vtt", f"{s}.png", s], "duration": 0.4}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def render_real(root: Path, scene_id: str) -> Path:
    """`sigsat render SCENE --out root/renders` at low quality; returns the ``low/dark`` folder."""
    done = subprocess.run([sys.executable, "-m", "sigsat.cli", "render", scene_id, "--out",
                           str(root / "renders"), "--jobs", "1"], cwd=root, capture_output=True,
                          text=True, env=_clean_env())
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "renders" / "low" / "dark"


def _clean_env() -> dict:
    env = dict(os.environ)
    env.pop(params_mod.PARAMS_ENV, None)
    return env


def real_render(tmp_path_factory) -> Path:
    """One real render of the first scene per test session, shared by the slow tests."""
    root = tmp_path_factory.getbasetemp() / "real-render"
    out = root / "renders" / "low" / "dark"
    if not (out / "manifest.json").is_file():
        root.mkdir(exist_ok=True)
        render_real(root, lecture.SCENES[0].id)
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
            "poster": parts["image"].content_type if "image" in parts else None,
            "notes": slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "",
        })
    return out


# ------------------------------------------------------------------------------------------------
# fast: synthetic render folder


@pytest.fixture
def synthetic(tmp_path) -> Path:
    return make_synthetic_render(tmp_path / "renders" / "low" / "dark")


def test_reveal_assets_are_installed_for_manim_slides_template():
    """Set-up put reveal.js where build_deck looks; its version is the one the template expects."""
    from manim_slides.convert import RevealJS

    assert RevealJS.model_fields["reveal_version"].default == slides.REVEAL_VERSION
    folder = slides.check_reveal_assets()
    assert folder == slides.default_assets_dir()
    assert "Reveal" in (folder / "dist/reveal.js").read_text()[:2000]


def test_deck_has_one_slide_per_beat_with_clip_poster_and_notes(synthetic):
    written = slides.build_deck(synthetic)
    assert set(written) == {"html", "pptx", "pdf"}
    assert all(p.parent == synthetic / "slides" and p.stat().st_size > 0 for p in written.values())
    lines = expected_lines(SYNTHETIC_SCENES)
    got = pptx_slides(written["pptx"])
    assert len(got) == len(lines)
    for slide, line in zip(got, lines):
        assert len(slide["movies"]) == 1
        assert slide["video_type"] == "video/mp4" and slide["video_bytes"] > 0
        assert slide["poster"] == "image/png"
    assert [s["notes"] for s in got] == lines
    # each embedded clip is the beat's clip, in lesson order
    clips = [synthetic / "slides" / "files" / stem(s) / e["video"] for s in SYNTHETIC_SCENES
             for e in json.loads((synthetic / stem(s) / "sections.json").read_text())]
    assert [s["video_bytes"] for s in got] == [c.stat().st_size for c in clips]

    page = written["html"].read_text()
    assert notes_in_html(page) == lines
    sections = sections_in_html(page)
    assert len(sections) == len(lines)
    assert all(s["data-background-video"].startswith("data:video/mp4;base64,") for s in sections)
    assert not any("data-background-video-loop" in s or "data-autoslide" in s for s in sections)
    assert not any("data-background-video-muted" in s for s in sections)  # the first voice is heard
    assert remote_loads(page) == []

    assert pdf_pages(written["pdf"]) == len(lines)


def test_html_deck_beside_its_assets_folder_also_works_offline(synthetic):
    """one_file=False: clips and reveal.js in slides/deck_assets/, linked relatively."""
    page = slides.build_deck(synthetic, formats=["html"], one_file=False)["html"].read_text()
    assert remote_loads(page) == []
    sections = sections_in_html(page)
    assert len(sections) == len(expected_lines(SYNTHETIC_SCENES))
    for s in sections:
        assert s["data-background-video"].startswith("deck_assets/")
        assert (synthetic / "slides" / s["data-background-video"]).is_file()
    assert (synthetic / "slides" / "deck_assets" / "reveal.js").is_file()


def test_manim_slides_presentation_files_point_at_the_clips(synthetic):
    """slides/NN_id.json is manim-slides' own format: its loader reads our files back."""
    from manim_slides.config import PresentationConfig

    slides.build_deck(synthetic, formats=["pdf"])
    for spec, lines in zip(SYNTHETIC_SCENES, (s.lesson.build(Params()).lines for s in SYNTHETIC_SCENES)):
        config = PresentationConfig.from_file(synthetic / "slides" / f"{stem(spec)}.json")
        assert [c.notes for c in config.slides] == list(lines.values())
        assert all(not c.loop and not c.auto_next for c in config.slides)
        for c, beat in zip(config.slides, lines):
            assert c.file.name.endswith(f"_{beat}.mp4")
            assert c.file.parent == synthetic / "slides" / "files" / stem(spec)


def dominant_pitch(samples, rate: int = RATE) -> float:
    import numpy as np

    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1 / rate)[np.argmax(spectrum)])


def decoded_audio(path: Path):
    import av
    import numpy as np

    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray()[0] for f in container.decode(container.streams.audio[0])])


def test_each_slide_clip_carries_its_beat_of_the_voice(synthetic):
    """manim's beat clips are silent; the deck's get the scene's voice back, beat by beat."""
    slides.build_deck(synthetic, formats=["pdf"])
    voiced, silent = SYNTHETIC_SCENES
    for i, beat in enumerate(voiced.beats):
        clip = synthetic / "slides" / "files" / stem(voiced) / f"{i + 1:02d}_{beat}.mp4"
        original = synthetic / stem(voiced) / clip.name
        info, before = media.probe(clip), media.probe(original)
        assert not before.has_audio and info.has_audio
        assert (info.frames, info.duration) == (before.frames, before.duration)   # video copied
        assert info.audio_duration == pytest.approx(info.duration, abs=0.03)
        samples = decoded_audio(clip)
        # away from the encoder's edges, the clip's sound is its own beat's tone
        assert dominant_pitch(samples[2048:-2048]) == pytest.approx(tone(i), abs=10)
    for beat_file in (synthetic / stem(silent)).glob("*.mp4"):  # no voice: the very same files
        assert (synthetic / "slides" / "files" / stem(silent) / beat_file.name).samefile(beat_file)
    slides.build_deck(synthetic, formats=["pdf"], audio=False)
    assert not any(media.probe(c).has_audio for c in (synthetic / "slides" / "files").rglob("*.mp4"))


def test_named_scenes_only_and_in_lesson_order(synthetic):
    second, first = SYNTHETIC_SCENES[1], SYNTHETIC_SCENES[0]
    written = slides.build_deck(synthetic, [second.cls, first.id], formats=("pptx",))
    assert [s["notes"] for s in pptx_slides(written["pptx"])] == expected_lines([first, second])
    written = slides.build_deck(synthetic, [second.id], formats=("pptx",))
    assert [s["notes"] for s in pptx_slides(written["pptx"])] == expected_lines([second])


def test_notes_follow_the_parameters_the_scenes_were_rendered_with(tmp_path):
    alt = params_mod.load(ROOT / "tests" / "params" / "alt1.toml")
    out = make_synthetic_render(tmp_path / "low" / "dark", params=alt)
    written = slides.build_deck(out, formats=("pptx",))          # params from manifest.json
    notes = [s["notes"] for s in pptx_slides(written["pptx"])]
    assert notes == expected_lines(SYNTHETIC_SCENES, alt)
    assert notes != expected_lines(SYNTHETIC_SCENES)            # the parameters do change the lines
    with pytest.raises(slides.DeckError, match=r"rendered with .* render it again"):
        slides.build_deck(out, params=Params(), formats=("pptx",))


def test_html_notes_are_escaped_text(synthetic, monkeypatch):
    spec = SYNTHETIC_SCENES[0]
    real = slides.scene_lines

    def with_markup(s, p):
        lines = real(s, p)
        return {k: (v + " <b>&</b> z < 0" if s is spec else v) for k, v in lines.items()}

    monkeypatch.setattr(slides, "scene_lines", with_markup)
    written = slides.build_deck(synthetic, [spec.id], formats=("html", "pptx"))
    page = written["html"].read_text()
    assert "<b>&</b>" not in page and "&lt;b&gt;&amp;&lt;/b&gt; z &lt; 0" in page
    assert notes_in_html(page)[0].endswith(" <b>&</b> z < 0")
    assert pptx_slides(written["pptx"])[0]["notes"].endswith(" <b>&</b> z < 0")


def test_missing_reveal_assets_is_one_clear_line(synthetic, tmp_path):
    with pytest.raises(slides.DeckError) as err:
        slides.build_deck(synthetic, assets=tmp_path / "nowhere")
    message = str(err.value)
    assert "\n" not in message and "reveal.js 6.0.1 assets missing" in message
    assert slides.SETUP_COMMAND in message
    assert not (synthetic / "slides" / "deck.html").exists()
    # formats that need no reveal.js still build
    assert set(slides.build_deck(synthetic, formats=["pptx"], assets=tmp_path / "nowhere")) == {"pptx"}


@pytest.mark.parametrize("breakage, message", [
    ("no-manifest", "no manifest.json"),
    ("stale-beats", "differ from the lesson"),
    ("missing-clip", "missing; render"),
    ("unknown-scene", "unknown scene"),
    ("not-rendered", "is not rendered"),
    ("bad-format", "unknown deck format"),
])
def test_unusable_renders_are_refused_in_one_line(synthetic, breakage, message):
    names, formats = None, ("pdf",)
    first = synthetic / stem(SYNTHETIC_SCENES[0])
    if breakage == "no-manifest":
        (synthetic / "manifest.json").unlink()
    elif breakage == "stale-beats":
        sections = json.loads((first / "sections.json").read_text())
        (first / "sections.json").write_text(json.dumps(sections[:-1]))
    elif breakage == "missing-clip":
        next(first.glob("02_*.mp4")).unlink()
    elif breakage == "unknown-scene":
        names = ["no_such_scene"]
    elif breakage == "not-rendered":
        names = [lecture.SCENES[-1].id]
    else:
        formats = ("keynote",)
    with pytest.raises(slides.DeckError, match=message) as err:
        slides.build_deck(synthetic, names, formats=formats)
    assert "\n" not in str(err.value)


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


# ------------------------------------------------------------------------------------------------
# slow: a real render


@pytest.mark.slow
def test_deck_from_a_real_render(tmp_path_factory):
    out = real_render(tmp_path_factory)
    spec = lecture.SCENES[0]
    written = slides.build_deck(out, [spec.id])
    lines = expected_lines([spec])
    sections = json.loads((out / stem(spec) / "sections.json").read_text())
    got = pptx_slides(written["pptx"])
    assert len(got) == len(lines) == len(sections)
    assert all(len(s["movies"]) == 1 and s["video_type"] == "video/mp4" and s["poster"] == "image/png"
               for s in got)
    deck_clips = [out / "slides" / "files" / stem(spec) / e["video"] for e in sections]
    assert [s["video_bytes"] for s in got] == [c.stat().st_size for c in deck_clips]
    assert media.probe(out / f"{stem(spec)}.mp4").has_audio, "the default voice narrates the scene"
    for clip, e in zip(deck_clips, sections):
        info, beat = media.probe(clip), media.probe(out / stem(spec) / e["video"])
        assert info.has_audio and (info.frames, info.duration) == (beat.frames, beat.duration)
        assert info.audio_duration == pytest.approx(info.duration, abs=0.03)
    assert [s["notes"] for s in got] == lines
    page = written["html"].read_text()
    assert remote_loads(page) == []
    assert notes_in_html(page) == lines
    clips = sum(c.stat().st_size for c in deck_clips)
    # one file: every clip inlined (base64: 4/3 of the bytes) plus reveal.js, nothing alongside
    assert written["html"].stat().st_size > 4 / 3 * clips
    assert not (out / "slides" / "deck_assets").exists()
    assert pdf_pages(written["pdf"]) == len(lines)
