"""The hardening matrix for outputs: files in the way, corrupt manifests, damaged outputs, leftovers.

Every case starts from a copy of one real render (scene ``derivative``, low quality, silent), made
once per module, and checks the exit status, that standard error is one ``sigsat:`` line naming
the culprit without a traceback, and that earlier outputs are byte-identical afterwards (or, where
they were damaged, replaced by good ones).

Refusals stop before anything renders, so they run the real command line. Cases that need a scene
rendered again run the command in-process with ``pipeline.render_job`` replaced by one that
stages the real render's own files (the bytes manim made), so the fast tier stays fast; one slow
case renders again for real.

Mutations these tests kill (each checked by hand):

- ``pipeline._commit`` records ``list(result.files)[:-1]``:
  ``test_commit_records_every_staged_file_with_its_size_and_hash``
- ``pipeline._up_to_date`` ignores ``manifest.damaged``: ``test_the_planner_renders_a_damaged_scene_again``
- ``pipeline.render`` reads with ``manifest.load`` instead of ``read_or_set_aside``:
  ``test_a_render_replaces_a_corrupt_manifest_and_keeps_it_aside``
- the gallery parses each manifest with ``json.loads``:
  ``test_a_corrupt_sibling_manifest_is_left_out_of_the_gallery_and_named``
- ``gallery.check_index`` or ``manifest.refuse_foreign`` accepts every file:
  ``test_a_file_sigsat_did_not_write_is_refused_before_anything_is_written``
- ``pipeline.render`` does not clean up on the way out: ``test_an_interrupted_render_leaves_no_staging_folder``
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sigsat import cli
from sigsat.production import gallery, keys, manifest, media, naming, pipeline, slides
from sigsat.lesson import lecture
from sigsat.lesson.params import PARAMS_ENV, Params

SCENE = lecture.find_scene("derivative")
STEM = naming.stem(SCENE)          # 02_derivative
SILENT = ("--narration", "none")


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != PARAMS_ENV}


def sigsat(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sigsat.cli", *args], cwd=cwd, env=clean_env(),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def real_render(tmp_path_factory) -> Path:
    """``renders/`` after one real `sigsat render derivative --narration none` (low quality)."""
    root = tmp_path_factory.mktemp("real")
    done = sigsat("render", SCENE.id, *SILENT, "--out", str(root / "renders"), "--jobs", "1", cwd=root)
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "renders"


@pytest.fixture
def renders(real_render, tmp_path, monkeypatch) -> Path:
    """A private copy of the real render's ``renders/``; the working folder is its parent."""
    copy = tmp_path / "renders"
    shutil.copytree(real_render, copy, symlinks=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(PARAMS_ENV, raising=False)
    return copy


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` but manim's cache and the lock file."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(root).parts and p.name != ".sigsat.lock"}


def one_line(stderr: str, *names: str) -> str:
    """The single ``sigsat:`` line of ``stderr``, after checking it names each of ``names``."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("sigsat: "), lines[0]
    for name in names:
        assert str(name) in lines[0], (name, lines[0])
    return lines[0]


def run_inprocess(argv: list[str], capsys) -> tuple[int, str]:
    """`sigsat ARGV` in this process: (exit status, standard error)."""
    try:
        status = cli.main(argv)
    except SystemExit as exc:
        status = exc.code
    return status, capsys.readouterr().err


@pytest.fixture
def restage(real_render, monkeypatch) -> list[str]:
    """Replace manim by a copy of the real render's files for the scene; returns the scenes 'rendered'."""
    real_out = real_render / "low" / "dark"
    calls: list[str] = []

    def job(j: pipeline.Job) -> pipeline.JobResult:
        calls.append(j.scene_id)
        staging = Path(j.staging_dir)
        staging.mkdir(parents=True)
        names = naming.scene_outputs(j.stem, j.formats, j.transparent)
        for name in names:
            copy = shutil.copytree if (real_out / name).is_dir() else shutil.copyfile
            copy(real_out / name, staging / name)
        return pipeline.JobResult(j.scene_id, j.key, str(staging), tuple(names), 0.1, 1.0,
                                  media.probe(staging / f"{j.stem}.mp4").duration)

    monkeypatch.setattr(pipeline, "render_job", job)
    return calls


def options_for(renders: Path, **changes) -> tuple[Params, pipeline.Options]:
    options = pipeline.Options(out=renders, narration="none", **{"chunks": "off", **changes})
    return pipeline.with_overrides(Params(), options), options


# ------------------------------------------------------------------------------------------------
# 1. files in the way: refused before anything is written, exit status 2


def _user_index(renders: Path) -> Path:
    (renders / "index.html").write_text("<html><body>My own course page</body></html>\n")
    return renders / "index.html"


def _index_folder(renders: Path) -> Path:
    (renders / "index.html").unlink()
    (renders / "index.html").mkdir()
    (renders / "index.html" / "notes.txt").write_text("mine")
    return renders / "index.html"


def _copied_without_manifest(renders: Path) -> Path:
    """A render folder the user copied without its manifest: sigsat cannot tell it wrote these."""
    (renders / "low" / "dark" / "manifest.json").unlink()
    return renders / "low" / "dark" / f"{STEM}.mp4"


def _user_file(relative: str, culprit: str | None = None):
    """The lecturer's own file at ``relative`` in a folder sigsat never wrote to; ``culprit``
    (default: the file) is what the refusal names."""
    def make(renders: Path) -> Path:
        folder = renders / "low" / "light"
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(b"the lecturer's own file")
        return folder / (culprit or relative)
    return make


REFUSALS = {
    "user index.html, render": (_user_index, ["render", SCENE.id]),
    "user index.html, slides": (_user_index, ["slides", SCENE.id, "--format", "pdf"]),
    "user index.html, storyboard": (_user_index, ["storyboard", SCENE.id]),
    "index.html is a folder": (_index_folder, ["render", SCENE.id]),
    "copied folder without manifest": (_copied_without_manifest, ["render", SCENE.id]),
    "user scene video": (_user_file(f"{STEM}.mp4"), ["render", SCENE.id, "--theme", "light"]),
    "user beat-clip folder": (_user_file(f"{STEM}/notes.txt", STEM), ["render", SCENE.id, "--theme", "light"]),
    "user gif": (_user_file(f"{STEM}.gif"), ["render", SCENE.id, "--theme", "light", "--format", "gif"]),
    "user alpha clip": (_user_file(f"{STEM}_alpha.mov"),
                        ["render", SCENE.id, "--theme", "light", "--transparent"]),
    "user lecture file": (_user_file("lecture.srt"), ["render", "--theme", "light"]),
    "user deck": (_user_file("slides/deck.pptx"), ["slides", SCENE.id, "--theme", "light"]),
    "user presentation file": (_user_file(f"slides/{STEM}.json"),
                               ["slides", SCENE.id, "--theme", "light", "--format", "pdf"]),
    "user storyboard": (_user_file(f"storyboards/{STEM}.png"), ["storyboard", SCENE.id, "--theme", "light"]),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_file_sigsat_did_not_write_is_refused_before_anything_is_written(renders, case):
    make, argv = REFUSALS[case]
    culprit = make(renders)
    before = snapshot(renders)
    done = sigsat(*argv, *SILENT, "--out", str(renders), cwd=renders.parent)
    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr, culprit)
    assert "move it" in line and "--out" in line
    assert snapshot(renders) == before, "nothing written, nothing replaced"


def test_sigsat_replaces_its_own_gallery_and_one_written_before_the_mark(renders, capsys):
    page = renders / "index.html"
    assert page.read_text().count(gallery.GENERATOR) == 1
    # A page written by sigsat before pages carried the generator mark.
    page.write_text(page.read_text().replace(gallery.GENERATOR + "\n", ""))
    status, err = run_inprocess(["render", SCENE.id, *SILENT, "--out", str(renders)], capsys)
    assert (status, err) == (0, "")
    assert gallery.GENERATOR in page.read_text()


# ------------------------------------------------------------------------------------------------
# 2. a corrupt manifest: set aside, everything it described rendered again, a good one written


CORRUPT = {
    "invalid UTF-8": b'{"scenes": {"\xff\xfe": 1}}',
    "empty file": b"",
    "not JSON": b"{scenes: ",
    "a list": b"[]",
    "null": b"null",
    "scenes is a list": b'{"scenes": []}',
    "no scenes": b'{"lecture": {}}',
    "entry is a number": b'{"scenes": {"derivative": 5}}',
    "files is a string": b'{"scenes": {"derivative": {"key": "k", "files": "02_derivative.mp4"}}}',
    "files hold a number": b'{"scenes": {"derivative": {"key": "k", "files": [1]}}}',
    "files escape the folder": b'{"scenes": {"derivative": {"key": "k", "files": ["../../x"]}}}',
    "checks malformed": b'{"scenes": {"derivative": {"key": "k", "files": [], "checks": {"a": 3}}}}',
    "duration is text": b'{"scenes": {"derivative": {"key": "k", "files": [], "duration": "long"}}}',
    "outputs malformed": b'{"scenes": {}, "outputs": []}',
}


@pytest.mark.parametrize("case", CORRUPT)
def test_every_reader_refuses_a_corrupt_manifest_with_one_line_naming_it(tmp_path, case):
    (tmp_path / "manifest.json").write_bytes(CORRUPT[case])
    with pytest.raises(manifest.ManifestError) as raised:
        manifest.load(tmp_path)
    assert str(raised.value).startswith(f"{tmp_path / 'manifest.json'}: ")
    assert "\n" not in str(raised.value)
    with pytest.raises(slides.DeckError, match="manifest.json"):
        slides.rendered_scenes(tmp_path)


@pytest.mark.parametrize("case", CORRUPT)
def test_the_planner_treats_a_corrupt_manifest_as_knowing_nothing(renders, case):
    params, options = options_for(renders)
    assert pipeline.plan([SCENE], params, options).up_to_date == [SCENE.id], "the copy is up to date"
    (renders / "low" / "dark" / "manifest.json").write_bytes(CORRUPT[case])
    assert [j.scene_id for j in pipeline.plan([SCENE], params, options).jobs] == [SCENE.id]


@pytest.mark.parametrize("case", CORRUPT)
@pytest.mark.parametrize("force", [False, True])
def test_a_render_replaces_a_corrupt_manifest_and_keeps_it_aside(renders, restage, capsys, case, force):
    out = renders / "low" / "dark"
    before = snapshot(renders)
    (out / "manifest.json").write_bytes(CORRUPT[case])
    status, err = run_inprocess(["render", SCENE.id, *SILENT, "--out", str(renders)]
                                + ["--force"] * force, capsys)
    assert status == 0
    one_line(err, out / "manifest.json", out / "manifest.json.corrupt")
    assert (out / "manifest.json.corrupt").read_bytes() == CORRUPT[case]
    assert restage == [SCENE.id], "rendered again"
    after = snapshot(renders)
    assert {k: v for k, v in after.items() if k in before and "manifest" not in k and k != "index.html"} \
        == {k: v for k, v in before.items() if "manifest" not in k and k != "index.html"}
    entry = manifest.load(out)["scenes"][SCENE.id]
    assert manifest.damaged(out, entry) is None
    params, options = options_for(renders)
    assert pipeline.plan([SCENE], params, options).up_to_date == [SCENE.id]


# ------------------------------------------------------------------------------------------------
# 3. a corrupt manifest next door: the gallery leaves it out, names it, and the render succeeds


@pytest.mark.parametrize("case", ["not JSON", "a list", "files is a string"])
def test_a_corrupt_sibling_manifest_is_left_out_of_the_gallery_and_named(renders, case):
    sibling = renders / "low" / "light"
    sibling.mkdir()
    (sibling / "manifest.json").write_bytes(CORRUPT[case])
    before = snapshot(renders)
    done = sigsat("render", SCENE.id, *SILENT, "--out", str(renders), cwd=renders.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("nothing to render")
    one_line(done.stderr, sibling)
    after = snapshot(renders)
    assert after.pop("index.html") and before.pop("index.html")
    assert after == before, "the dark render and the sibling's manifest are untouched"
    page = (renders / "index.html").read_text()
    assert 'id="low-dark"' in page and 'id="low-light"' not in page


# ------------------------------------------------------------------------------------------------
# 4. damaged outputs are not "up to date"


def _truncate(path: Path, size: int | None = None) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 if size is None else size])


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _first_clip(out: Path) -> Path:
    return sorted((out / STEM).glob("*.mp4"))[0]


DAMAGE = {
    "0-byte scene video": lambda out: _truncate(out / f"{STEM}.mp4", 0),
    "truncated scene video": lambda out: _truncate(out / f"{STEM}.mp4"),
    "scene video, one byte changed": lambda out: _flip_a_byte(out / f"{STEM}.mp4"),
    "deleted beat clip": lambda out: _first_clip(out).unlink(),
    "0-byte beat clip": lambda out: _truncate(_first_clip(out), 0),
    "deleted sections.json": lambda out: (out / STEM / "sections.json").unlink(),
    "deleted poster": lambda out: (out / f"{STEM}.png").unlink(),
    "truncated subtitles": lambda out: _truncate(out / f"{STEM}.vtt"),
    "clip folder replaced by a file": lambda out: (shutil.rmtree(out / STEM), (out / STEM).write_text("")),
}


@pytest.mark.parametrize("case", DAMAGE)
def test_the_planner_renders_a_damaged_scene_again(renders, case):
    out = renders / "low" / "dark"
    params, options = options_for(renders)
    assert pipeline.plan([SCENE], params, options).up_to_date == [SCENE.id]
    DAMAGE[case](out)
    again = pipeline.plan([SCENE], params, options)
    assert [j.scene_id for j in again.jobs] == [SCENE.id] and again.up_to_date == []


def test_an_entry_without_checksums_is_not_trusted(renders):
    out = renders / "low" / "dark"
    data = json.loads((out / "manifest.json").read_text())
    del data["scenes"][SCENE.id]["checks"]
    (out / "manifest.json").write_text(json.dumps(data))
    params, options = options_for(renders)
    assert [j.scene_id for j in pipeline.plan([SCENE], params, options).jobs] == [SCENE.id]


@pytest.mark.parametrize("case", ["0-byte scene video", "deleted beat clip", "scene video, one byte changed"])
def test_a_render_replaces_damaged_outputs_with_good_ones(renders, restage, capsys, case):
    out = renders / "low" / "dark"
    before = snapshot(renders)
    DAMAGE[case](out)
    status, err = run_inprocess(["render", SCENE.id, *SILENT, "--out", str(renders)], capsys)
    assert (status, err) == (0, "") and restage == [SCENE.id]
    after = snapshot(renders)
    outputs = {k for k in before if k.startswith(STEM)}
    assert {k: after[k] for k in outputs} == {k: before[k] for k in outputs}, "restored byte for byte"
    assert media.probe(out / f"{STEM}.mp4").frames > 0


@pytest.mark.slow
def test_slides_on_a_0_byte_scene_video_renders_it_again_for_real(renders):
    out = renders / "low" / "dark"
    _truncate(out / f"{STEM}.mp4", 0)
    done = sigsat("slides", SCENE.id, *SILENT, "--format", "pdf", "--out", str(renders), cwd=renders.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert media.probe(out / f"{STEM}.mp4").frames > 0
    data = manifest.load(out)
    assert manifest.damaged(out, data["scenes"][SCENE.id]) is None
    assert "slides/deck.pdf" in data["outputs"], "the deck is recorded as sigsat's"


# ------------------------------------------------------------------------------------------------
# 5. an unreadable video is one line naming it


@pytest.mark.parametrize("content", [b"", b"not a video at all", None])
def test_probing_an_unreadable_video_is_one_line_naming_it(tmp_path, content):
    path = tmp_path / "scene.mp4"
    if content is not None:
        path.write_bytes(content)
    for read in (media.probe, media.last_frame, media._has_audio):
        with pytest.raises(media.MediaError) as raised:
            read(path)
        assert str(raised.value).startswith(f"{path}: not a readable video") and "\n" not in str(raised.value)


def test_a_deck_from_a_0_byte_scene_video_is_one_line_naming_it(renders):
    out = renders / "low" / "dark"
    _truncate(out / f"{STEM}.mp4", 0)
    with pytest.raises(slides.DeckError) as raised:
        slides.build_deck(out, [SCENE.id], formats=("pdf",))
    assert str(raised.value).startswith(f"{out / f'{STEM}.mp4'}: not as sigsat wrote it")
    assert f"sigsat render {SCENE.id}" in str(raised.value)


# ------------------------------------------------------------------------------------------------
# 6. what a killed render leaves is cleaned up, and nothing else


def _leftovers(out: Path) -> list[Path]:
    (out / ".staging" / SCENE.id).mkdir(parents=True)
    (out / ".staging" / SCENE.id / f"{STEM}.mp4").write_bytes(b"half")
    (out / f".{STEM}.old").mkdir()
    (out / f".manifest.json.{os.getpid() + 1}.tmp").write_text("{")
    (out / f".lecture.{os.getpid() + 1}.mp4").write_bytes(b"half")
    return [out / ".staging", out / f".{STEM}.old", out / f".manifest.json.{os.getpid() + 1}.tmp",
            out / f".lecture.{os.getpid() + 1}.mp4"]


def test_the_next_render_removes_what_a_killed_one_left_and_only_that(renders, restage, capsys):
    out = renders / "low" / "dark"
    left = _leftovers(out)
    (out / ".staging-notes.txt").write_text("the user's")   # names sigsat does not use
    (out / ".draft.old").mkdir()
    status, err = run_inprocess(["render", SCENE.id, *SILENT, "--out", str(renders)], capsys)
    assert (status, err) == (0, "") and restage == [], "nothing to render, still cleaned"
    assert [p for p in left if p.exists()] == []
    assert (out / ".staging-notes.txt").read_text() == "the user's" and (out / ".draft.old").is_dir()


@pytest.mark.parametrize("where", ["in the job", "while committing", "while writing the gallery"])
def test_an_interrupted_render_leaves_no_staging_folder(renders, restage, monkeypatch, capsys, where):
    out = renders / "low" / "dark"
    before = snapshot(renders)

    def interrupt(*args, **kwargs):
        (out / ".staging").mkdir(exist_ok=True)  # an (empty) staging folder exists at this point
        raise KeyboardInterrupt

    target = {"in the job": (pipeline, "render_job"), "while committing": (pipeline, "_commit"),
              "while writing the gallery": (gallery, "write_gallery")}[where]
    monkeypatch.setattr(*target, interrupt)
    status, err = run_inprocess(["render", SCENE.id, *SILENT, "--out", str(renders), "--force"], capsys)
    assert status == 130
    one_line(err, "interrupted")
    assert not (out / ".staging").exists()
    after = snapshot(renders)
    # The manifest may have recorded the (identical) re-render when the interruption came later.
    assert {k: v for k, v in after.items() if not k.endswith("manifest.json")} == \
        {k: v for k, v in before.items() if not k.endswith("manifest.json")}
    assert manifest.damaged(out, manifest.load(out)["scenes"][SCENE.id]) is None


# ------------------------------------------------------------------------------------------------
# 7. the manifest lists every file a job made, with its checks


def test_commit_records_every_staged_file_with_its_size_and_hash(tmp_path):
    staging, out = tmp_path / "staging", tmp_path / "out"
    out.mkdir()
    names = naming.scene_outputs(STEM, ("gif",), True)
    for name in names:
        if name == STEM:
            (staging / STEM).mkdir(parents=True)
            for clip in ("01_a.mp4", "02_b.mp4", "sections.json"):
                (staging / STEM / clip).write_text(f"{clip} bytes")
        else:
            staging.mkdir(exist_ok=True)
            (staging / name).write_text(f"{name} bytes")
    result = pipeline.JobResult(SCENE.id, "k", str(staging), tuple(names), 1.0, 1.0, 2.0)
    data = manifest.empty()
    parts = keys.KeyParts({"theme.name": "dark"}, {}, {}, {})
    pipeline._commit(result, out, data, parts)
    entry = manifest.load(out)["scenes"][SCENE.id]
    assert entry["files"] == names
    expected = {n: len(f"{n} bytes") for n in names if n != STEM}
    expected.update({f"{STEM}/{c}": len(f"{c} bytes") for c in ("01_a.mp4", "02_b.mp4", "sections.json")})
    assert {k: size for k, (size, _) in entry["checks"].items()} == expected
    assert all(digest == hashlib.sha256((out / k).read_bytes()).hexdigest()
               for k, (_, digest) in entry["checks"].items())
    assert manifest.damaged(out, entry) is None
