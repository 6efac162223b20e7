"""The sweep gallery page: variants side by side, swept parameters marked, equal renders said once."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from sigsat.lesson import lecture
from sigsat.lesson.params import Params
from sigsat.production import files, manifest
from sigsat.production.gallery import GENERATOR
from sigsat.production.manifest import OutputRefused
from sigsat.production.naming import stem
from sigsat.production.sweep import SweepError, parse_sweep, variant_root, write_record
from sigsat.production.sweep_gallery import write_sweep_gallery

SCENES = [s for s in lecture.SCENES if s.id in ("saturation", "probe", "chain")]


class _Page(HTMLParser):
    """The table of a sweep page: header cells (text, swept items), body rows (cells), every link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.header: list[dict] = []
        self.rows: list[list[dict]] = []
        self.links: list[str] = []
        self.title = ""
        self._cell: dict | None = None
        self._li: dict | None = None
        self._where = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.links += [attrs[a] for a in ("href", "src", "poster") if attrs.get(a)]
        if tag in ("thead", "tbody", "title"):
            self._where = tag
        elif tag == "tr" and self._where == "tbody":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = {"tag": tag, "class": attrs.get("class", ""), "text": "", "items": [], "video": None}
            (self.header if self._where == "thead" else self.rows[-1]).append(self._cell)
        elif tag == "li":
            self._li = {"class": attrs.get("class", ""), "text": ""}
            self._cell["items"].append(self._li)
        elif tag == "video":
            self._cell["video"] = attrs

    def handle_endtag(self, tag):
        if tag == "li":
            self._li = None
        elif tag in ("th", "td"):
            self._cell = None
        elif tag == "title":
            self._where = ""

    def handle_data(self, data):
        if self._where == "title":
            self.title += data
        if self._cell is not None:
            self._cell["text"] += data
        if self._li is not None:
            self._li["text"] += data


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def fake_render(root: Path, theme: str, keys: dict[str, str], quality: str = "low") -> Path:
    """A render folder as sigsat writes it, reduced to what the page reads: a manifest of the right
    shape (checked by manifest.write) naming each scene's key, and its video and poster files."""
    folder = root / quality / theme
    folder.mkdir(parents=True)
    scenes = {}
    for spec in SCENES:
        if spec.id not in keys:
            continue
        name = stem(spec)
        for suffix in (".mp4", ".png"):
            (folder / f"{name}{suffix}").write_bytes(b"fake " + name.encode())
        scenes[spec.id] = {"key": keys[spec.id], "files": [f"{name}.mp4", f"{name}.png"], "inputs": {}}
    manifest.write(folder, {"scenes": scenes})
    return folder


SWEEP = ('name = "probe-study"\n'
         '[[variant]]\nname = "near"\n"saturation.probe_z" = 3\n"chain.layers" = 7\n'
         '[[variant]]\nname = "mid"\n"saturation.probe_z" = 3\n"chain.layers" = 7\n"network.seed" = 1\n'
         '[[variant]]\nname = "far"\n"saturation.probe_z" = 6\n"chain.layers" = 7\n'
         '[[variant]]\nname = "new"\n"saturation.probe_z" = 7\n"chain.layers" = 7\n')


@pytest.fixture
def sweep_root(tmp_path) -> Path:
    """A sweep of four variants: near, mid (same probe_z, another seed), far, new (not rendered).

    Keys: saturation reads no swept parameter (one key everywhere); probe differs between near and
    far; chain differs between near and mid (the seed) and is equal in mid and far."""
    sweep = parse_sweep(SWEEP, "probe-study.toml", Params())
    out = tmp_path / "renders"
    root = out / "sweeps" / sweep.name
    write_record(root, sweep)
    near, mid, far, _ = (variant_root(out, sweep, v) for v in sweep.variants)
    fake_render(near, "dark", {"saturation": "s", "probe": "p3", "chain": "c0"})
    fake_render(mid, "dark", {"saturation": "s", "probe": "p3", "chain": "c1"})
    fake_render(far, "dark", {"saturation": "s", "probe": "p6", "chain": "c1"})
    return root


def test_one_column_per_variant_in_file_order_titled_by_the_sweep(sweep_root):
    page = parse_page(write_sweep_gallery(sweep_root))
    assert "probe-study" in page.title
    assert [c["text"].split()[0] for c in page.header[1:]] == ["near", "mid", "far", "new"]
    titles = [row[0]["text"] for row in page.rows]
    assert titles == [f"{lecture.SCENES.index(s) + 1}. {s.title}" for s in SCENES]  # lesson order


def test_swept_parameters_are_marked_and_the_others_are_not(sweep_root):
    page = parse_page(write_sweep_gallery(sweep_root))
    for column in page.header[1:]:
        items = {li["text"].strip(): li for li in column["items"]}
        marked = {text for text, li in items.items() if "swept" in li["class"]}
        # probe_z differs (3, 3, 6, 7) and network.seed (0, 1, 0, 0); chain.layers is 7 everywhere
        assert {t.split(" = ")[0].lstrip("◆ ") for t in marked} == {"saturation.probe_z", "network.seed"}
        assert all(t.startswith("◆") for t in marked)  # a visible mark, not colour alone
        unmarked = [t for t, li in items.items() if "swept" not in li["class"]]
        assert unmarked == ["chain.layers = 7"]
    assert [li["text"] for li in page.header[1]["items"]][:2] == ["◆ saturation.probe_z = 3.0",
                                                                  "◆ network.seed = 0"]


def test_same_as_appears_exactly_where_a_column_to_the_left_has_the_key(sweep_root):
    page = parse_page(write_sweep_gallery(sweep_root))
    cells = {row[0]["text"].split(". ", 1)[1]: [c["text"].strip() for c in row[1:]] for row in page.rows}
    title = {s.id: s.title for s in SCENES}
    # saturation: one key in near, mid, far: both later ones name the first of the run
    assert cells[title["saturation"]][1:] == ["same as near", "same as near", "not rendered"]
    assert cells[title["probe"]][1] == "same as near"
    assert "same as" not in cells[title["probe"]][2]  # p6 against p3
    assert "same as" not in cells[title["chain"]][1]  # c1 against c0
    assert cells[title["chain"]][2] == "same as mid"
    for row in page.rows:
        assert row[1]["video"] is not None  # the first column always plays its own render


def test_links_are_relative_and_lead_to_the_variants_own_files(sweep_root):
    page_path = write_sweep_gallery(sweep_root)
    page = parse_page(page_path)
    assert page.links
    for link in page.links:
        assert "://" not in link and not link.startswith("/")
        assert (page_path.parent / unquote(link)).is_file(), link
    far_probe = page.rows[1][3]["video"]
    assert unquote(far_probe["src"]) == f"far/low/dark/{stem(SCENES[1])}.mp4"
    assert unquote(far_probe["poster"]) == f"far/low/dark/{stem(SCENES[1])}.png"


def test_a_variant_rendered_with_its_own_theme_is_found_in_that_theme(tmp_path):
    sweep = parse_sweep('[grid]\ntheme = ["dark", "light"]', "themes.toml", Params())
    root = tmp_path / "sweeps" / "themes"
    write_record(root, sweep)
    fake_render(root / "theme-dark", "dark", {"saturation": "d"})
    fake_render(root / "theme-light", "light", {"saturation": "l"})
    fake_render(root / "theme-light", "dark", {"saturation": "d"})  # a stray render, not its theme
    page = parse_page(write_sweep_gallery(root))
    (row,) = page.rows
    assert unquote(row[2]["video"]["src"]).startswith("theme-light/low/light/")


def test_a_page_sigsat_did_not_write_is_left_alone(sweep_root):
    theirs = sweep_root / "index.html"
    theirs.write_text("<html>my own notes</html>")
    with pytest.raises(OutputRefused, match="index.html is in the way"):
        write_sweep_gallery(sweep_root)
    assert theirs.read_text() == "<html>my own notes</html>"


def test_the_page_is_replaced_in_one_step(sweep_root, monkeypatch):
    page = write_sweep_gallery(sweep_root)
    before = page.read_bytes()
    assert GENERATOR in before.decode()
    write_sweep_gallery(sweep_root)  # its own page is replaced
    (sweep_root / "near" / "low" / "dark" / "manifest.json").unlink()  # the next page would differ

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_sweep_gallery(sweep_root)
    assert page.read_bytes() == before
    assert sorted(os.listdir(sweep_root)) == ["far", "index.html", "mid", "near", "sweep.json"]


def test_without_a_record_the_page_is_refused_in_one_line(tmp_path):
    with pytest.raises(SweepError, match="no sweep record"):
        write_sweep_gallery(tmp_path)
    assert not (tmp_path / "index.html").exists()
