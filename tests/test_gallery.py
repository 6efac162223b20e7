"""The gallery page's HTML: text from manifests, parameters and scenes is text, never markup."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from sigsat.production import gallery
from tests.test_slides import copy_of_real_render

EVIL = "<script>alert(1)</script>"


class _Elements(HTMLParser):
    """Every start tag of a page, and the text inside its <h3> and <li> elements."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_a_title_line_or_parameter_holding_markup_is_shown_as_text(tmp_path_factory, tmp_path, monkeypatch):
    folder = copy_of_real_render(tmp_path_factory, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    scene_id, entry = next(iter(manifest["scenes"].items()))
    beats = [s["name"] for s in json.loads((folder / entry["files"][-1] / "sections.json").read_text())]
    # an unknown scene is titled by its id; a string parameter is listed with its value
    manifest["scenes"][f"x{EVIL}"] = {**entry, "inputs": {**entry["inputs"], "narration.voice": EVIL}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.setattr(gallery, "_scene_lines", lambda sid, inputs: {b: f"line {EVIL}" for b in beats})

    page = gallery.write_gallery(tmp_path / "renders").read_text()
    parsed = _Elements()
    parsed.feed(page)
    assert "script" not in parsed.tags
    text = "".join(parsed.text)
    assert f"0. x{EVIL}" in text  # the title
    assert text.count(f"line {EVIL}") == 2 * len(beats)  # each beat's line, in both scene cards
    assert json.dumps(EVIL) in text  # the parameter's value as TOML writes it
