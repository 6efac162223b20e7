"""Render keys: a scene gets a new key exactly when its video would change.

"Would change" is judged by an oracle independent of the key: a dry run of the scene, whose
fingerprint holds its sections, subtitles, duration, what its voice service is asked to say
(text, voice, rate, pause) and a digest of every mobject's points and colours at each section end
(tests/scene_tools.py). The key is never compared with a list of parameters.

The fast tier uses opening runs (each scene until its first line reaches the voice service: about
0.1 s) for every parameter, and whole first beats for the parameters the voice does not show;
the slow tier runs every scene to the end under every parameter change.

Mutations this module kills (fast tier), each checked by putting it in and seeing the test fail:

- ``scene_key`` ignores ``network.batch``:
  ``test_a_silent_scene_is_rekeyed_by_a_parameter_only_its_picture_and_captions_show`` (narrated,
  the audio's store name carries the batch too)
- ``scene_key`` ignores ``--transparent``: ``test_transparent_and_formats_rekey_every_scene``
- ``scene_key`` ignores ``narration.pause`` / ``voice`` / ``words_per_minute``:
  ``test_every_scene_whose_opening_changes_gets_a_new_key[narration.<key>]``
- ``scene_key`` ignores ``narration.mode`` / ``captions``:
  ``test_a_change_the_voice_does_not_show_rekeys_a_scene_whose_first_beat_changes[narration.<key>]``
- the key hashes whether espeak-ng is installed:
  ``test_the_key_does_not_depend_on_espeak_being_installed``
- a failed synthesis keeps its part file: ``test_a_failed_synthesis_leaves_no_part_file``;
  no sweep of dead writers' part files: ``test_a_part_file_of_a_killed_render_is_swept_by_the_next``
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import pytest

from sigsat.lesson import lecture, narration, params as params_mod
from sigsat.production import keys as keys_mod, pipeline, voice_store
from sigsat.lesson.params import Params
from tests.scene_tools import dry_run

SCENE_IDS = [s.id for s in lecture.SCENES]

#: Another valid value of every parameter.
SWEEP = {
    "saturation.threshold": 2.5, "saturation.probe_z": 4.0,
    "chain.layers": 8, "chain.per_layer_gradient": 0.25, "chain.learning_rate": 0.05,
    "network.depth": 6, "network.width": 16, "network.seed": 3, "network.batch": 16,
    "network.init": "normal",
    "tanh.layers": 6, "families.leaky_slope": 0.1, "families.elu_alpha": 0.5, "families.negative_z": -3.0,
    "init.depth": 8, "residual.depth": 8,
    "theme.name": "light",
    "narration.mode": "none", "narration.captions": False, "narration.words_per_minute": 180.0,
    "narration.pause": 1.2, "narration.voice": "en-gb", "narration.recordings": "elsewhere",
    "narration.language": "de",
}


def changed_params(key: str, value) -> Params:
    table, name = key.split(".")
    base = Params()
    return dataclasses.replace(base, **{table: dataclasses.replace(getattr(base, table), **{name: value})})


def keys(params: Params, **options) -> dict[str, str]:
    opts = pipeline.Options(**options)
    return {s.id: keys_mod.scene_key(s, params, opts) for s in lecture.SCENES}


def rekeyed(params: Params) -> set[str]:
    before, after = keys(Params()), keys(params)
    return {s for s in SCENE_IDS if before[s] != after[s]}


def fingerprints(params: Params, folder: Path, ids=SCENE_IDS, **limits) -> dict[str, str]:
    """Dry-run fingerprint of each scene under ``params`` (handed over as manim gets them)."""
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "params.toml"
    file.write_text(params_mod.to_toml(params))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv(params_mod.PARAMS_ENV, str(file))
        return {i: dry_run(lecture.find_scene(i), **limits).fingerprint() for i in ids}


def test_the_sweep_changes_every_parameter():
    assert set(SWEEP) == set(params_mod.flatten(Params()))
    for key, value in SWEEP.items():
        assert params_mod.flatten(changed_params(key, value))[key] != params_mod.flatten(Params())[key]


@pytest.fixture(scope="module")
def openings(tmp_path_factory):
    """Opening fingerprints (until the first line reaches the voice service), by parameter set."""
    root = tmp_path_factory.mktemp("openings")
    made: dict[str, dict[str, str]] = {}

    def of(key: str | None) -> dict[str, str]:
        if key not in made:
            params = Params() if key is None else changed_params(key, SWEEP[key])
            made[key] = fingerprints(params, root / str(key), voices=1, beats=1)
        return made[key]

    return of


# The parameters the issue names: the voice shows them in every scene's opening (pause, voice,
# pace), or in the opening line of the measured networks (batch); the background shows the theme.
SHOWN_IN_OPENINGS = {"narration.pause": set(SCENE_IDS), "narration.voice": set(SCENE_IDS),
                     "narration.words_per_minute": set(SCENE_IDS), "network.batch": {"measured"},
                     "theme.name": set(SCENE_IDS), "narration.language": set(SCENE_IDS)}


@pytest.mark.parametrize("key", [k for k in SWEEP if k != "narration.mode"])
def test_every_scene_whose_opening_changes_gets_a_new_key(key, openings):
    before, after = openings(None), openings(key)
    differs = {s for s in SCENE_IDS if before[s] != after[s]}
    assert differs <= rekeyed(changed_params(key, SWEEP[key])), "a changed video under an old key"
    assert differs >= SHOWN_IN_OPENINGS.get(key, set()), "the oracle sees the change"


def test_a_silent_scene_is_rekeyed_by_a_parameter_only_its_picture_and_captions_show(tmp_path):
    # Narrated, the measured scene's first line speaks the batch size, so the audio's store name
    # changes with it and hides a key that skips the parameter itself; silent, only the reads can
    # carry it.
    def silent(params: Params) -> Params:
        return dataclasses.replace(params, narration=dataclasses.replace(params.narration, mode="none"))

    before, after = silent(Params()), silent(changed_params("network.batch", SWEEP["network.batch"]))
    seen = [fingerprints(p, tmp_path / str(i), ["measured"], beats=1)["measured"]
            for i, p in enumerate((before, after))]
    assert seen[0] != seen[1], "the oracle sees the change"
    assert keys(before)["measured"] != keys(after)["measured"]


@pytest.fixture(scope="module")
def first_beats(tmp_path_factory):
    """Fingerprints of the chain scene's first beat (the cheapest), by parameter set."""
    root = tmp_path_factory.mktemp("first-beats")
    made: dict[str | None, str] = {}

    def of(key: str | None) -> str:
        if key not in made:
            params = Params() if key is None else changed_params(key, SWEEP[key])
            made[key] = fingerprints(params, root / str(key), ["chain"], beats=1)["chain"]
        return made[key]

    return of


@pytest.mark.parametrize("key", ["narration.mode", "narration.captions"])
def test_a_change_the_voice_does_not_show_rekeys_a_scene_whose_first_beat_changes(key, first_beats):
    assert first_beats(None) != first_beats(key)
    assert "chain" in rekeyed(changed_params(key, SWEEP[key]))


def write_recordings(folder: Path, spec: lecture.SceneSpec) -> None:
    for beat in spec.beats:
        path = narration.recording_path(folder, spec.id, beat)
        path.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
            w.writeframes(b"\0\1" * 800)


def test_recorded_narration_is_keyed_by_the_recordings_content(tmp_path):
    spec = lecture.find_scene("chain")
    folder = tmp_path / "recordings"
    write_recordings(folder, spec)
    recorded = changed_params("narration.mode", "recorded")
    recorded = dataclasses.replace(recorded, narration=dataclasses.replace(
        recorded.narration, recordings=str(folder)))
    opts = pipeline.Options()
    first = keys_mod.scene_key(spec, recorded, opts)
    assert first != keys_mod.scene_key(spec, Params(), opts)
    before = fingerprints(recorded, tmp_path / "a", [spec.id], voices=1, beats=1)
    path = narration.recording_path(folder, spec.id, spec.beats[0])
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(b"\0\2" * 800)
    after = fingerprints(recorded, tmp_path / "b", [spec.id], voices=1, beats=1)
    assert before != after and keys_mod.scene_key(spec, recorded, opts) != first


def test_transparent_and_formats_rekey_every_scene():
    """A transparent render writes one more output (the alpha .mov) for every scene."""
    base = keys(Params())
    assert {s for s in SCENE_IDS if keys(Params(), transparent=True)[s] != base[s]} == set(SCENE_IDS)
    assert {s for s in SCENE_IDS if keys(Params(), formats=("gif",))[s] != base[s]} == set(SCENE_IDS)


#: Scenes that read a parameter whose value cannot change their video: a new key there costs a
#: render, never a stale video. The ReLU scene measures its network with ``network.init`` but
#: shows only which units are dead, and every init differs from another only in the weights'
#: scale, which does not change a ReLU unit's sign (found by the sweep below).
READ_BUT_NOT_SHOWN = {"network.init": {"relu"}}
#: The whole runs below cost 7-12 s per scene and parameter: part one's scenes only (CI budget,
#: issue 14: part two would add about 4 min); the openings above cover every scene.
WHOLE_RUN_IDS = [s.id for s in lecture.part_scenes(1)]
#: Tables only part two reads: no scene of the whole runs reads them.
PART_TWO_ONLY = ("tanh", "families", "init", "residual")


@pytest.mark.slow
@pytest.mark.parametrize("key", [k for k in SWEEP if k.split(".")[0] not in PART_TWO_ONLY])
def test_exactly_the_scenes_whose_video_changes_get_a_new_key(key, tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "whole-runs"
    base = root / "base"
    if not (base / "done").exists():
        made = fingerprints(Params(), base, WHOLE_RUN_IDS, frames=False)
        (base / "done").write_text("\n".join(f"{k} {v}" for k, v in made.items()))
    before = dict(line.split() for line in (base / "done").read_text().splitlines())
    # Without drawing frames (each play jumps to its end state): the pictures at section ends,
    # the lines, the voice's input and the timing still differ exactly when the video does.
    after = fingerprints(changed_params(key, SWEEP[key]), root / key, WHOLE_RUN_IDS, frames=False)
    differs = {s for s in WHOLE_RUN_IDS if before[s] != after[s]}
    new_keys = rekeyed(changed_params(key, SWEEP[key])) & set(WHOLE_RUN_IDS)
    assert differs <= new_keys, "a changed video under an old key"
    assert new_keys - differs == READ_BUT_NOT_SHOWN.get(key, set()), "a new key for the same video"


# --- the voice: keyed by the audio used, not by espeak-ng's presence ---------------------------

@pytest.fixture
def no_espeak(tmp_path, monkeypatch):
    """A PATH without espeak-ng (but with the TeX tools every render checks for first) and an
    empty voice store."""
    empty = tmp_path / "bin"
    empty.mkdir()
    for tool in ("latex", "dvisvgm"):
        (empty / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def test_the_key_does_not_depend_on_espeak_being_installed(monkeypatch, tmp_path):
    with_espeak = keys(Params())
    monkeypatch.setenv("PATH", str(tmp_path))
    assert keys(Params()) == with_espeak


def fake_render_job(job: pipeline.Job) -> pipeline.JobResult:
    staging = Path(job.staging_dir)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / f"{job.stem}.mp4").write_text("video")
    return pipeline.JobResult(job.scene_id, job.key, str(staging), (f"{job.stem}.mp4",), 1.0, 1.0, 1.0)


def test_without_espeak_a_cold_voice_store_stops_before_manim_with_one_line(no_espeak, monkeypatch):
    calls = []
    monkeypatch.setattr(pipeline, "render_job", lambda job: calls.append(job) or fake_render_job(job))
    with pytest.raises(pipeline.RenderError) as raised:
        pipeline.render(["chain"], Params(), pipeline.Options(out=no_espeak / "renders"))
    message = str(raised.value)
    assert calls == [] and "\n" not in message
    assert "espeak-ng is not installed" in message and "--narration none" in message


@pytest.mark.parametrize("xdg, expected", [
    ("{tmp}/xdg", "{tmp}/xdg/sigsat/voice"),  # XDG_CACHE_HOME is honoured
    ("", "{tmp}/home/.cache/sigsat/voice"),  # unset: the folder earlier versions used
])
def test_the_voice_store_lives_in_the_user_cache_folder(tmp_path, monkeypatch, xdg, expected):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if xdg:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg.format(tmp=tmp_path))
    else:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert narration.voice_cache_dir() == Path(expected.format(tmp=tmp_path))


def test_without_espeak_a_warm_voice_store_renders(no_espeak, monkeypatch):
    spec = lecture.find_scene("chain")
    store = narration.voice_cache_dir()
    store.mkdir(parents=True)
    for name in voice_store.unvoiced_lines([spec], Params()):
        (store / name).write_bytes(b"RIFF")
    monkeypatch.setattr(pipeline, "render_job", fake_render_job)
    report = pipeline.render(["chain"], Params(), pipeline.Options(out=no_espeak / "renders", chunks="off"))
    assert [r.scene_id for r in report.rendered] == ["chain"]


def test_the_cli_says_what_to_do_without_espeak(no_espeak):
    done = subprocess.run([sys.executable, "-m", "sigsat.cli", "render", "chain", "--out", "renders"],
                          capture_output=True, text=True, cwd=no_espeak, env=dict(os.environ))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sigsat: espeak-ng is not installed")
    assert "--narration none" in lines[0]
    assert not (no_espeak / "renders" / "low" / "dark" / "manifest.json").exists()


# --- the voice store's part files ---------------------------------------------------------------

def test_a_failed_synthesis_leaves_no_part_file(tmp_path):
    from scenes.voice import EspeakService

    service = EspeakService(tmp_path / "store", cache_dir=str(tmp_path / "local"))

    def broken(out: Path) -> None:
        out.write_bytes(b"half a WAV")
        raise subprocess.CalledProcessError(1, "espeak-ng")

    with pytest.raises(subprocess.CalledProcessError):
        service._from_store("Hello.", narration.espeak_input("Hello.", "en-us", 150, 0.6), None, broken)
    assert list((tmp_path / "store").iterdir()) == []


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from scenes.voice import EspeakService
    from sigsat.lesson import narration

    def slow(out):
        out.write_bytes(b"half a WAV")
        print("writing", flush=True)
        time.sleep(60)

    service = EspeakService(sys.argv[1], cache_dir=sys.argv[2])
    service._from_store("Hello.", narration.espeak_input("Hello.", "en-us", 150, 0.6), None, slow)
""")


def test_a_part_file_of_a_killed_render_is_swept_by_the_next(tmp_path):
    from scenes.voice import EspeakService, part_name

    store, local = tmp_path / "store", tmp_path / "local"
    local.mkdir()
    with subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(store), str(local)],
                          stdout=subprocess.PIPE, text=True) as writer:
        try:
            assert writer.stdout.readline().strip() == "writing"
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
    left = list(store.glob(".*.part"))
    assert len(left) == 1 and left[0].name.endswith(f".{writer.pid}.part")
    live = store / part_name("espeak-ng-0123456789abcdef.wav")  # this process's
    live.write_bytes(b"being written")
    EspeakService(store, cache_dir=str(local))
    assert list(store.glob(".*.part")) == [live], "the dead writer's part goes, a live one stays"
