"""The lecture in parts: the registry's part numbers, `sigsat list`, `--part`, and the lecture
files and manifest entries a render of a whole part writes.

Where a part two of known shape is needed, part one's last scene is moved into it (the registry is
monkeypatched; every lesson module stays as it is).
"""

from __future__ import annotations

import dataclasses

import pytest

from sigsat import cli
from sigsat.lesson import lecture
from sigsat.production import manifest as manifest_mod
from sigsat.production.naming import lecture_files
from sigsat.production.pipeline import Options, targets


@pytest.fixture
def two_parts(monkeypatch):
    """A registry of part one's scenes, its last moved into part 2 (whatever the real part 2 holds)."""
    first = lecture.part_scenes(1)
    scenes = first[:-1] + (dataclasses.replace(first[-1], part=2),)
    monkeypatch.setattr(lecture, "SCENES", scenes)
    return scenes


def test_every_part_has_a_title_and_its_scenes_in_lesson_order():
    assert lecture.parts()[0] == 1 and set(lecture.parts()) <= set(lecture.PART_TITLES)
    joined = [s for p in lecture.parts() for s in lecture.part_scenes(p)]
    assert joined == list(lecture.SCENES), "parts are consecutive runs of the lecture"


def test_complete_parts_are_those_whose_every_scene_is_selected(two_parts):
    first, last = two_parts[:-1], two_parts[-1:]
    assert lecture.complete_parts(two_parts) == (1, 2)
    assert lecture.complete_parts(first) == (1,) and lecture.complete_parts(last) == (2,)
    assert lecture.complete_parts(first[1:] + last) == (2,)


def test_a_render_writes_a_parts_lecture_only_with_all_its_scenes(two_parts):
    names = set(targets(two_parts, Options()))
    assert set(lecture_files(1)) <= names and set(lecture_files(2)) <= names
    only_two = set(targets(two_parts[-1:], Options()))
    assert set(lecture_files(2)) <= only_two and not set(lecture_files(1)) & only_two
    assert not {*lecture_files(1), *lecture_files(2)} & set(targets(two_parts[1:-1], Options()))


def test_list_shows_each_part_before_its_first_scene(two_parts, capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    headings = [i for i, line in enumerate(out) if line.startswith("Part ")]
    assert [out[i] for i in headings] == [f"Part {p}: {lecture.PART_TITLES[p]}" for p in (1, 2)]
    assert out[headings[0] + 1].startswith("1. ") and out[headings[1] + 1].startswith(f"{len(two_parts)}. ")


def test_render_part_two_is_its_scenes_and_its_lecture(two_parts, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["render", "--part", "2", "--dry-run", "--out", str(tmp_path / "r")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [two_parts[-1].id, "lecture2"]
    assert lines[-1] == "lecture2: would be assembled"


def test_render_without_part_selects_both_parts(two_parts, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["render", "--dry-run", "--out", str(tmp_path / "r")]) == 0
    heads = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert heads == [s.id for s in two_parts] + ["lecture", "lecture2"]


@pytest.mark.parametrize("argv, culprit", [
    (["render", "--part", "9"], "--part"),
    (["render", "--part", "1", "saturation"], "--part 1 and the scenes saturation"),
])
def test_a_bad_part_is_one_line_and_exit_2(argv, culprit, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main([*argv, "--out", str(tmp_path / "r")]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sigsat: ") and culprit in err
    assert not (tmp_path / "r").exists()


def test_a_malformed_part_two_lecture_entry_is_refused():
    with pytest.raises(manifest_mod.ManifestError, match='"lecture2"'):
        manifest_mod.validate({"scenes": {}, "lecture2": {"key": 3, "files": []}})
    assert manifest_mod.validate({"scenes": {}, "lecture2": {"key": "k", "files": ["lecture2.mp4"]}})


def test_no_scene_imports_another_scenes_modules():
    # A scene's render key leaves out every other scene's lesson and scene module
    # (sigsat.production.keys.source_files): a scene that imported one would keep a stale video
    # when that module changes. Shared code lives in sigsat/lesson/scenes/__init__.py or
    # scenes/common.py.
    import ast
    from pathlib import Path

    from sigsat.production.keys import SCENES_DIR, SIGSAT_DIR

    for spec in lecture.SCENES:
        others = {s.id for s in lecture.SCENES} - {spec.id}
        for path in (SIGSAT_DIR / "lesson" / "scenes" / f"{spec.id}.py", SCENES_DIR / f"{spec.id}.py"):
            for node in ast.walk(ast.parse(Path(path).read_text())):
                if not isinstance(node, ast.ImportFrom):
                    continue
                names = {a.name for a in node.names}
                if node.level == 1:  # inside sigsat/lesson/scenes
                    module = f"sigsat.lesson.scenes.{node.module}" if node.module else "sigsat.lesson.scenes"
                elif node.level == 0:
                    module = node.module
                else:
                    continue  # sigsat.lesson or sigsat.core: no scene's module
                package, _, last = module.rpartition(".")
                imported = ({last} if package in ("scenes", "sigsat.lesson.scenes") else set())
                if module in ("scenes", "sigsat.lesson.scenes"):
                    imported = names
                assert not imported & others, f"{path.name} imports {module} {sorted(names)}"


def test_the_gallery_shows_each_parts_lecture_with_its_chapters(tmp_path):
    from sigsat.production import gallery

    folder = tmp_path / "low" / "dark"
    folder.mkdir(parents=True)
    data = {"scenes": {}}
    for part in lecture.parts():
        for name in lecture_files(part):
            (folder / name).write_bytes(b"x")
        first = lecture.part_scenes(part)[0]
        data[lecture_files(part)[0].removesuffix(".mp4")] = {
            "key": "k", "files": list(lecture_files(part)), "parts": [{"scene": first.id, "start": 0.0}]}
    manifest_mod.write(folder, data)
    page = gallery.write_gallery(tmp_path).read_text()
    for part in lecture.parts():
        assert f"part {part}: {lecture.PART_TITLES[part]}" in page
        assert f'{lecture_files(part)[0]}"' in page and f"{lecture.part_scenes(part)[0].id} 0 s" in page


def test_part_twos_lecture_joins_its_scenes_alone(tmp_path):
    # The slow tier renders part one and one part-two scene only (CI budget): part two's join is
    # checked here on small synthetic videos.
    import srt

    from sigsat.production import media, pipeline
    from sigsat.production.naming import stem
    from tests.media_fixtures import make_srt, make_video

    specs = lecture.part_scenes(2)
    manifest = {"scenes": {}}
    for i, spec in enumerate(specs):
        make_video(tmp_path / f"{stem(spec)}.mp4", frames=3 + i, shade=40 * i)
        (tmp_path / f"{stem(spec)}.srt").write_text(make_srt([(0.0, 0.1, spec.id)]))
        manifest["scenes"][spec.id] = {"key": f"key-{spec.id}", "files": []}
    assert pipeline._assemble_lecture(tmp_path, manifest, 2)
    assert not (tmp_path / "lecture.mp4").exists(), "part one's lecture is not touched"
    whole = media.probe(tmp_path / "lecture2.mp4")
    assert whole.frames == sum(3 + i for i in range(len(specs)))
    cues = list(srt.parse((tmp_path / "lecture2.srt").read_text()))
    assert [c.content for c in cues] == [s.id for s in specs]
    assert [p["scene"] for p in manifest["lecture2"]["parts"]] == [s.id for s in specs]
    assert not pipeline._assemble_lecture(tmp_path, manifest, 2), "up to date: not joined again"
