"""The live preview's rules, without a server: which scenes a change affects, the parameter
file write, which requests are refused, which files are served, and the command line's refusals."""

from __future__ import annotations

import json
import socket
import tomllib

import pytest

from sigsat import cli
from sigsat.lesson import lecture, params as params_mod
from sigsat.lesson.params import ParamError
from sigsat.production import preview
from sigsat.production.pipeline import Options

pytest.importorskip("tomlkit", reason="the [preview] extra is not installed")

COMMENTED = """# Lecture 3, autumn term
[saturation]
# where practice problem 1 probes the sigmoid
probe_z = 5.0   # try 6 next year

[chain]
layers = 5
"""


def _keys(params):
    return preview.scene_keys(list(lecture.SCENES), params, Options())


def test_a_parameter_change_affects_exactly_the_scenes_that_read_it():
    before = params_mod.Params()
    after = params_mod.from_mapping({"saturation": {"probe_z": 6.0}})
    # The oracle: the scenes' own recorded reads, not the keys.
    readers = [s.id for s in lecture.SCENES if "saturation.probe_z" in lecture.reads(s, before)]
    assert readers  # the lecture has a scene that shows the probe
    assert preview.affected(_keys(before), _keys(after)) == readers


def test_a_presentation_change_affects_every_scene_and_nothing_changed_affects_none():
    before = params_mod.Params()
    light = params_mod.from_mapping({"theme": {"name": "light"}})
    assert preview.affected(_keys(before), _keys(light)) == [s.id for s in lecture.SCENES]
    assert preview.affected(_keys(before), _keys(before)) == []


def test_scenes_never_shown_are_affected():
    keys = _keys(params_mod.Params())
    assert preview.affected({}, keys) == list(keys)


def test_set_value_keeps_comments_and_layout_and_writes_a_float(tmp_path):
    path = tmp_path / "lecture.toml"
    path.write_text(COMMENTED)
    preview.set_value(path, "saturation.probe_z", 6)
    text = path.read_text()
    assert text == COMMENTED.replace("probe_z = 5.0", "probe_z = 6.0")
    assert params_mod.load(path).saturation.probe_z == 6.0
    assert [p.name for p in tmp_path.iterdir()] == ["lecture.toml"]   # no temporary left behind


def test_set_value_adds_a_missing_table_and_creates_a_missing_file(tmp_path):
    path = tmp_path / "sigsat.toml"
    preview.set_value(path, "chain.layers", 7)
    preview.set_value(path, "theme.name", "light")
    loaded = params_mod.load(path)
    assert (loaded.chain.layers, loaded.theme.name) == (7, "light")


@pytest.mark.parametrize("key, value, named", [
    ("saturation.probe_z", 20, "probe_z = 20"),
    ("chain.layers", 2.5, "layers = 2.5"),
    ("theme.name", "purple", '"purple"'),
    ("saturation.nonsense", 1, "nonsense"),
    ("nowhere.x", 1, "[nowhere]"),
])
def test_a_refused_value_is_the_loaders_message_and_leaves_the_file_alone(tmp_path, key, value, named):
    path = tmp_path / "sigsat.toml"
    path.write_text(COMMENTED)
    with pytest.raises(ParamError) as refused:
        preview.set_value(path, key, value)
    assert str(refused.value).startswith(f"{path}: ") and named in str(refused.value)
    assert path.read_text() == COMMENTED
    # the same words the command line prints for that value in the file
    table, name = key.split(".")
    if table in ("saturation", "chain", "theme") and name != "nonsense":
        bad = tomllib.loads(COMMENTED)
        bad.setdefault(table, {})[name] = value
        with pytest.raises(ParamError) as cli_says:
            params_mod.from_mapping(bad, str(path))
        assert str(cli_says.value) == str(refused.value).replace("20.0", "20")


@pytest.mark.parametrize("method, host, origin, allowed", [
    ("GET", "127.0.0.1:8765", None, True),
    ("GET", "localhost:8765", None, True),
    ("POST", "127.0.0.1:8765", "http://127.0.0.1:8765", True),
    ("POST", "localhost:8765", "http://localhost:8765", True),
    ("POST", "127.0.0.1:8765", "http://evil.example", False),
    ("POST", "127.0.0.1:8765", None, False),                      # no Origin: not our page's fetch
    ("POST", "127.0.0.1:8765", "http://127.0.0.1:9999", False),   # another local server's page
    ("POST", "127.0.0.1:8765", "null", False),                    # a file: page or sandboxed frame
    ("GET", "evil.example:8765", None, False),                    # DNS rebinding
    ("POST", "evil.example:8765", "http://evil.example:8765", False),
    ("GET", None, None, False),
])
def test_refusal(method, host, origin, allowed):
    assert (preview.refusal(method, host, origin, 8765) is None) == allowed


def test_served_files_stay_under_the_root(tmp_path):
    root = tmp_path / "renders"
    (root / "low").mkdir(parents=True)
    (root / "low" / "a.png").write_bytes(b"png")
    (tmp_path / "secret.toml").write_text("x")
    (root / "out").symlink_to(tmp_path / "secret.toml")
    assert preview.served_file(root, "low/a.png") == (root / "low" / "a.png").resolve()
    for bad in ("../secret.toml", "low/../../secret.toml", str(tmp_path / "secret.toml"), "out", "low", ""):
        assert preview.served_file(root, bad) is None, bad


def test_preview_without_the_extra_says_what_to_install(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a))
    assert cli.main(["preview"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sigsat: preview needs uvicorn") and "[preview]" in err


def test_preview_on_a_port_in_use_is_refused_in_one_line(capsys, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["preview", "--port", str(port), "--out", str(tmp_path)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"127.0.0.1:{port}" in err and "--port" in err


@pytest.mark.parametrize("flag", [["--dry-run"], ["--cluster", "local:1"]])
def test_preview_refuses_options_that_do_not_apply(flag, capsys):
    assert cli.main(["preview", *flag]) == cli.EXIT_USAGE
    assert capsys.readouterr().err.startswith("sigsat: preview renders on this machine")


def test_the_stills_worker_is_in_no_render_key_and_the_beat_machinery_is_in_every_one():
    from sigsat.production.keys import SCENES_DIR, source_files

    for spec in lecture.SCENES:
        files = source_files(spec)
        assert SCENES_DIR / "common.py" in files and SCENES_DIR / "preview_worker.py" not in files


def test_a_render_started_by_the_preview_carries_its_tag_into_the_pools_threads():
    """A newer change kills the older render's manim processes by their tag: the tag must reach the
    threads that start them (a plain thread pool starts them untagged, out of reach)."""
    from sigsat.production import pipeline

    with pipeline.tagged("preview-7"), preview._TaggedPool(max_workers=1) as pool:
        assert pool.submit(pipeline._tag.get).result() == "preview-7"


def test_a_scenes_status_shows_its_stills_and_its_video_and_keeps_the_video(tmp_path):
    sent: list[str] = []
    viewer = preview.Previewer([lecture.find_scene("probe")], tmp_path / "p.toml", Options(out=tmp_path), sent.append)
    viewer._status("probe", "video", "video up to date", video="low/dark/03_probe.mp4?v=1")
    viewer._status("probe", "stills", "drawing stills")
    viewer._status("probe", "video", "rendering video")
    scene = json.loads(sent[-1])["scenes"]["probe"]
    assert scene["status"] == "drawing stills; rendering video"
    assert scene["video"] == "low/dark/03_probe.mp4?v=1"
