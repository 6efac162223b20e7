"""The gallery page and the HTML deck, opened FROM FILES in headless Chromium with no network.

Chromium (Debian's, or any Chromium or Chrome on PATH that runs: the one .ci/find-browser.sh
finds, as `make test` does) is driven by Playwright's Python package; the network is unavailable
(the browser context is offline, and every request that is not file:, data: or blob: is recorded
and aborted). Screenshots go to the test's tmp dir and to /tmp/sigsat-screens/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sigsat.production import gallery, media, slides
from sigsat.lesson import lecture
from tests.test_slides import RENDERED, copy_of_real_render, expected_lines, stem


def _find_chromium() -> Path | None:
    done = subprocess.run(["bash", str(Path(__file__).resolve().parents[1] / ".ci" / "find-browser.sh")],
                          capture_output=True, text=True)
    return Path(done.stdout.strip()) if done.returncode == 0 else None


CHROMIUM = _find_chromium()
SCREENS = Path("/tmp/sigsat-screens")
# The flags that keep Chromium off the network on a machine with no internet: without the
# background-networking ones it retries blocked connections at every start.
# Playwright adds --headless itself, and --user-data-dir from launch_persistent_context's argument.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("file:", "data:", "blob:")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium or Chrome that runs on PATH "
                                                          "(make test-system-deps says what to install)")


class Browser:
    """One offline Chromium context; ``remote`` lists every non-local request it saw."""

    def __init__(self, profile: Path, color_scheme: str = "light"):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.context = self._pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS, offline=True,
            viewport={"width": 1280, "height": 720}, color_scheme=color_scheme)
        self.remote: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.context.on("request", self._seen)

    def _seen(self, request):
        if not request.url.startswith(LOCAL):
            self.remote.append(request.url)

    def _route(self, route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def open(self, path: Path):
        page = self.context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.goto(path.resolve().as_uri())
        return page

    def close(self):
        self.context.close()
        self._pw.stop()


@pytest.fixture
def browser(tmp_path):
    b = Browser(tmp_path / "profile")
    yield b
    b.close()


def keep_screenshot(page, tmp_path: Path, name: str, full_page: bool = False) -> Path:
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=full_page)
    SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENS / name)
    assert shot.stat().st_size > 10_000  # a picture, not a blank page
    return shot


VIDEOS_READY = """() => Array.from(document.querySelectorAll('video')).every(v => v.readyState >= 1)"""
FRAMES_READY = """() => Array.from(document.querySelectorAll('video')).every(v => v.readyState >= 2)"""
VIDEO_FACTS = """() => Array.from(document.querySelectorAll('video')).map(v => ({
    src: v.currentSrc, duration: v.duration, error: v.error && v.error.message,
    cues: Array.from(v.textTracks).map(t => t.cues ? t.cues.length : -1),
    modes: Array.from(v.textTracks).map(t => t.mode)}))"""
LINKS = """() => Array.from(document.querySelectorAll('a[href], video[src], video[poster]'))
    .flatMap(e => [e.href, e.src, e.poster].filter(Boolean))"""


def check_gallery(browser: Browser, root: Path, tmp_path: Path, name: str) -> list[dict]:
    page = browser.open(root / "index.html")
    page.wait_for_function(VIDEOS_READY, timeout=20_000)
    # cues load after metadata: wait until every subtitle track has its cues
    page.wait_for_function("""() => Array.from(document.querySelectorAll('video'))
        .every(v => v.textTracks.length === 0 || (v.textTracks[0].cues && v.textTracks[0].cues.length > 0))""",
                           timeout=20_000)
    facts = page.evaluate(VIDEO_FACTS)
    for link in page.evaluate(LINKS):
        url = urlsplit(link)
        assert url.scheme == "file", link
        assert Path(unquote(url.path)).exists(), f"broken link {link}"
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_function(FRAMES_READY, timeout=20_000)
    page.wait_for_timeout(1000)  # Chromium's loading spinner fades out after the first frame
    keep_screenshot(page, tmp_path, name, full_page=True)
    page.close()
    return facts


def test_gallery_plays_offline_with_subtitles(browser, tmp_path_factory, tmp_path):
    """A copy of the session's real render with decks; every player loads, every subtitle track has cues."""
    out = copy_of_real_render(tmp_path_factory, tmp_path)
    slides.build_deck(out)
    index = gallery.write_gallery(tmp_path / "renders")
    facts = check_gallery(browser, index.parent, tmp_path, "gallery-two-scenes.png")
    assert len(facts) == len(RENDERED)
    for fact, spec in zip(facts, RENDERED):
        assert fact["error"] is None and 0 < fact["duration"] < float("inf"), fact
        assert fact["modes"] == ["showing"] and fact["cues"] == [len(spec.beats)]
    assert browser.remote == [] and browser.errors == []


@pytest.mark.slow
def test_gallery_and_deck_of_a_real_render_offline(tmp_path_factory, tmp_path):
    out = copy_of_real_render(tmp_path_factory, tmp_path)
    spec = lecture.SCENES[0]
    written = slides.build_deck(out, [spec.id])
    root = out.parent.parent
    index = gallery.write_gallery(root)
    page_text = index.read_text()
    for name in ("deck.html", "deck.pptx", "deck.pdf"):
        assert f'href="low/dark/slides/{name}"' in page_text
    sections = json.loads((out / stem(spec) / "sections.json").read_text())

    for scheme in ("light", "dark"):
        b = Browser(tmp_path / f"profile-{scheme}", color_scheme=scheme)
        try:
            facts = check_gallery(b, root, tmp_path, f"gallery-{scheme}.png")
            assert b.remote == [] and b.errors == []
        finally:
            b.close()
    fact = facts[0]  # scene 1, the one in the deck
    assert fact["error"] is None and fact["src"].endswith(f"/{stem(spec)}.mp4")
    assert fact["duration"] == pytest.approx(media.probe(out / f"{stem(spec)}.mp4").duration, abs=0.2)
    assert fact["cues"] == [len(sections)]

    b = Browser(tmp_path / "profile-deck")
    try:
        page = b.open(written["html"])
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
        assert page.evaluate("Reveal.getTotalSlides()") == len(sections)
        page.wait_for_timeout(1500)
        keep_screenshot(page, tmp_path, "deck-first-slide.png")
        # Opened without a click, a browser may refuse the first clip's sound: reveal.js then plays
        # it muted and shows "Unmute video", which must not sit on the caption plate (bottom).
        button = page.query_selector(".r-media-play-button")
        if button is not None and button.is_visible():
            assert button.bounding_box()["y"] < 100
        for i, section in enumerate(sections):
            page.evaluate(f"Reveal.slide({i})")
            page.wait_for_function("""() => { const v = Reveal.getCurrentSlide()
                .slideBackgroundContentElement.querySelector('video'); return v && v.readyState >= 1 }""",
                                   timeout=20_000)
            duration, notes = page.evaluate("""() => [Reveal.getCurrentSlide()
                .slideBackgroundContentElement.querySelector('video').duration, Reveal.getSlideNotes()]""")
            clip = media.probe(out / stem(spec) / section["video"]).duration
            assert duration == pytest.approx(clip, abs=0.2), section["name"]
            assert notes.replace("<p>", "").replace("</p>", "").strip() == expected_lines([spec])[i]
        # the last beat's finished picture, as a lecturer sees it
        page.evaluate("""() => new Promise(done => { const v = Reveal.getCurrentSlide()
            .slideBackgroundContentElement.querySelector('video'); v.pause();
            v.addEventListener('seeked', () => done(), {once: true}); v.currentTime = v.duration - 0.05 })""")
        page.wait_for_timeout(300)
        keep_screenshot(page, tmp_path, "deck-last-slide.png")
        page.close()
        assert b.remote == [] and b.errors == []
    finally:
        b.close()


def test_subtitle_lines_with_markup_characters_read_as_written(browser, tmp_path_factory, tmp_path):
    """Lines with ``<``, ``&`` and two lines in a cue, through :func:`media.srt_to_vtt` as a
    render writes them: Chromium shows exactly the SRT's text."""
    out = copy_of_real_render(tmp_path_factory, tmp_path)
    lines = ["if z < -4 & z > 4: σ' < 0.02", "two lines\n<b>in one</b> cue"]
    srt = "".join(f"{i + 1}\n00:00:00,{i}00 --> 00:00:00,{i}90\n{line}\n\n" for i, line in enumerate(lines))
    (out / f"{stem(lecture.SCENES[0])}.vtt").write_text(media.srt_to_vtt(srt))
    page = browser.open(gallery.write_gallery(tmp_path / "renders"))
    page.wait_for_function("() => { const t = document.querySelector('video').textTracks[0];"
                           " return t.cues && t.cues.length > 0; }", timeout=20_000)
    shown = page.evaluate("() => Array.from(document.querySelector('video').textTracks[0].cues)"
                          ".map(c => c.getCueAsHTML().textContent)")
    assert shown == lines
    assert browser.remote == [] and browser.errors == []
