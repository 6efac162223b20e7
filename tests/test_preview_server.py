"""`sigsat preview` for real: the server as a subprocess on a free port of 127.0.0.1, driven over
HTTP and through its page in headless Chromium, then stopped with Ctrl-C (SIGINT).

One server serves the whole module (its warm worker and first render are the slow part); the
Ctrl-C test stops it and so runs last.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sigsat.lesson import lecture, params as params_mod
from tests.test_gallery_browser import CHROMIUM, FLAGS, keep_screenshot
from tests.signals import ctrl_c_reaches_it

pytest.importorskip("uvicorn", reason="the [preview] extra is not installed")

PARAMS = """# Lecture 3, autumn term
[saturation]
# where practice problem 1 probes the sigmoid
probe_z = 5.0   # try 6 next year
"""


class Preview:
    """A running `sigsat preview probe` in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder
        (folder / "lecture.toml").write_text(PARAMS)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sigsat.cli", "preview", "probe", "--port", "0", "--params", "lecture.toml",
             "--out", "renders", "--narration", "none", "--jobs", "2"],
            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_reaches_it)
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", self.proc.stdout.readline())
        assert found, self.proc.stderr.read()
        self.port = int(found[1])

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path, body=json.dumps(body) if body is not None else None,
                           headers={"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def state(self) -> dict:
        """The state the page would be sent now (the stream's first event)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", "/api/events")
        response = connection.getresponse()
        line = response.readline().decode()
        connection.close()
        return json.loads(line.removeprefix("data: "))

    def wait_for(self, check, timeout: float = 120) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            state = self.state()
            if check(state):
                return state
            time.sleep(0.2)
        raise AssertionError(f"timed out; last state: {json.dumps(state)[:2000]}")

    def descendants(self) -> set[int]:
        """Every process below the server, read from /proc."""
        found, todo = set(), [self.proc.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    children = (task / "children").read_text().split()
                except OSError:
                    continue
                for child in map(int, children):
                    if child not in found:
                        found.add(child)
                        todo.append(child)
        return found


def _probe(state: dict) -> dict:
    return state["scenes"]["probe"]


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    server = Preview(tmp_path_factory.mktemp("preview"))
    try:
        server.wait_for(lambda s: len(_probe(s)["beats"]) == len(lecture.find_scene("probe").beats))
        yield server
    finally:
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGINT)
            server.proc.wait(timeout=60)
        server.proc.stdout.close()
        server.proc.stderr.close()


def test_writes_from_another_origin_or_host_and_paths_out_of_the_folder_are_refused(preview):
    params = preview.folder / "lecture.toml"
    change = {"key": "saturation.probe_z", "value": 1}
    own = f"http://127.0.0.1:{preview.port}"
    for headers in ({"Origin": "http://evil.example"}, {}, {"Origin": "null"},
                    {"Origin": own, "Host": "evil.example"}, {"Origin": own, "Host": f"evil.example:{preview.port}"}):
        status, _ = preview.request("POST", "/api/params", change, headers)
        assert status == 403, headers
    assert preview.request("GET", "/", headers={"Host": f"rebound.example:{preview.port}"})[0] == 403
    assert params.read_text() == PARAMS
    image = _probe(preview.state())["beats"][0]["image"]
    assert preview.request("GET", f"/files/{image}")[0] == 200
    for path in ("/files/../lecture.toml", "/files/%2e%2e/lecture.toml", "/files/..%2flecture.toml",
                 f"/files/{preview.folder / 'lecture.toml'}", "/files//etc/passwd", "/files/.preview/../../lecture.toml"):
        status, data = preview.request("GET", path)
        assert status == 404 and b"Lecture 3" not in data, path


PAGE_IMAGES = "() => Array.from(document.querySelectorAll('#scene-probe img')).map(i => [i.getAttribute('src'), i.naturalWidth])"
PAGE_LINES = "() => Array.from(document.querySelectorAll('#scene-probe .line')).map(e => e.textContent)"


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium or Chrome that runs on PATH")
def test_a_value_changed_on_the_page_redraws_the_scene_and_a_bad_one_is_shown_and_changes_nothing(preview, tmp_path):
    from playwright.sync_api import sync_playwright

    params, probe = preview.folder / "lecture.toml", lecture.find_scene("probe")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=str(CHROMIUM),
                                                        headless=True, args=FLAGS, viewport={"width": 1400, "height": 1000})
        elsewhere: list[str] = []
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(f"http://127.0.0.1:{preview.port}/")
                      else (elsewhere.append(r.request.url), r.abort()))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"http://127.0.0.1:{preview.port}/")
        page.wait_for_function(f"() => document.querySelectorAll('#scene-probe img').length === {len(probe.beats)}")
        before = page.evaluate(PAGE_IMAGES)
        old_bytes = [preview.request("GET", src)[1] for src, _ in before]
        field = page.locator('input[name="saturation.probe_z"]')
        assert field.input_value() == "5"

        field.fill("6")
        field.dispatch_event("change")
        page.wait_for_function("() => document.querySelector('#scene-probe .line').textContent.includes('z = 6')",
                               timeout=60_000)
        page.wait_for_function("() => Array.from(document.querySelectorAll('#scene-probe img')).every(i => i.complete && i.naturalWidth > 0)")
        after = page.evaluate(PAGE_IMAGES)
        assert params.read_text() == PARAMS.replace("probe_z = 5.0", "probe_z = 6.0")   # comments kept
        assert all(a[0] != b[0] and a[1] == 854 for a, b in zip(after, before))   # new 480p stills
        now = params_mod.from_mapping({"saturation": {"probe_z": 6.0}})
        assert page.evaluate(PAGE_LINES) == list(lecture.scene_lines(probe, now).values())
        assert "z = 6" in page.evaluate(PAGE_LINES)[-1]
        new_bytes = [preview.request("GET", src)[1] for src, _ in after]
        assert all(new.startswith(b"\x89PNG") for new in new_bytes)
        assert new_bytes != old_bytes, "every still is byte-identical to the one for z = 5"

        field.fill("20")
        field.dispatch_event("change")
        error = page.locator("#error")
        error.wait_for(state="visible")
        assert "probe_z = 20" in error.inner_text() and "[-8.0, 8.0]" in error.inner_text()
        page.wait_for_timeout(1000)
        assert page.evaluate(PAGE_IMAGES) == after and "z = 6" in page.evaluate(PAGE_LINES)[-1]
        assert params.read_text() == PARAMS.replace("probe_z = 5.0", "probe_z = 6.0")
        page.wait_for_function("() => document.querySelector('#scene-probe video') !== null", timeout=120_000)
        keep_screenshot(page, tmp_path, "preview.png", full_page=True)
        assert not errors and not elsewhere
        context.close()


def test_ctrl_c_stops_every_manim_process_and_leaves_the_output_folder_consistent(preview):
    own = {"Origin": f"http://127.0.0.1:{preview.port}"}
    assert preview.request("POST", "/api/params", {"key": "saturation.probe_z", "value": 3}, own)[0] == 200
    preview.wait_for(lambda s: "rendering video" in _probe(s)["status"])
    end = time.monotonic() + 30
    while not any("manim" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")
                  for p in preview.descendants() if Path(f"/proc/{p}").exists()) and time.monotonic() < end:
        time.sleep(0.1)
    below = preview.descendants()
    assert below, "no worker or manim process to stop"
    preview.proc.send_signal(signal.SIGINT)
    assert preview.proc.wait(timeout=60) == 130
    assert preview.proc.stderr.read().strip().splitlines()[-1] == "sigsat: interrupted"
    alive = [pid for pid in below if Path(f"/proc/{pid}").exists()
             and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]
    assert not alive
    out = preview.folder / "renders" / "low" / "dark"
    assert not (out / ".staging").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest.get("scenes", {}).values():
        assert all((out / name).exists() for name in entry["files"])
