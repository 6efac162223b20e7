"""Slow tests: real renders at the lowest quality, checked by their files' metadata."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import srt
from numpy.testing import assert_array_equal

from sigsat.lesson import lecture
from sigsat.production import media
from sigsat.lesson.params import Params

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
FPS = 15  # -ql
#: What the lecture render renders: part one, and part two's first scene.
RENDERED = [*lecture.part_scenes(1), lecture.part_scenes(2)[0]]


def sigsat(*args, cwd, **kwargs):
    return subprocess.run([sys.executable, "-m", "sigsat.cli", *args], cwd=cwd, capture_output=True,
                          text=True, **kwargs)


def lines_of(spec, params=None):
    return list(spec.lesson.build(params or Params()).lines.values())


def test_plain_manim_renders_the_first_scene_with_subtitles(tmp_path):
    spec = lecture.SCENES[0]
    done = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-ql", "--disable_caching", "--progress_bar", "none",
         "--media_dir", str(tmp_path / "media"), str(ROOT / "scenes" / f"{spec.id}.py"), spec.cls],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "SIGSAT_PARAMS": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    folder = tmp_path / "media" / "videos" / spec.id / "480p15"
    info = media.probe(folder / f"{spec.cls}.mp4")
    assert (info.codec, info.width, info.height) == ("h264", 854, 480)
    assert info.frames == pytest.approx(info.duration * FPS, abs=1)
    cues = list(srt.parse((folder / f"{spec.cls}.srt").read_text()))
    assert [c.content for c in cues] == lines_of(spec)
    assert cues[-1].end.total_seconds() == pytest.approx(info.duration, abs=2 / FPS)


@pytest.fixture(scope="module")
def lecture_render(tmp_path_factory):
    """`sigsat render` at low quality into a fresh folder, done once, of part one and the first
    scene of part two (the CI budget: each part-two scene adds about 40 s here; their dry runs
    cover the rest). While part two has one scene, both parts' lectures are assembled."""
    root = tmp_path_factory.mktemp("render")
    started = time.perf_counter()
    done = sigsat("render", *[s.id for s in RENDERED], "--out", str(root / "renders"), "--jobs", "2", cwd=root)
    assert done.returncode == 0, done.stderr[-3000:]
    return root, root / "renders" / "low" / "dark", time.perf_counter() - started


def test_every_scene_has_every_promised_output(lecture_render):
    _, out, _ = lecture_render
    manifest = json.loads((out / "manifest.json").read_text())
    for spec in RENDERED:
        stem = f"{lecture.SCENES.index(spec) + 1:02d}_{spec.id}"
        entry = manifest["scenes"][spec.id]
        assert sorted(entry["files"]) == sorted([f"{stem}.mp4", f"{stem}.srt", f"{stem}.vtt", f"{stem}.png", stem])
        info = media.probe(out / f"{stem}.mp4")
        assert info.codec == "h264" and (info.width, info.height) == (854, 480)
        assert info.frames == pytest.approx(info.duration * FPS, abs=1)
        assert info.has_audio and info.audio_codec == "aac", "narrated with the default offline voice"
        assert info.audio_duration == pytest.approx(info.duration, abs=0.25)
        cues = list(srt.parse((out / f"{stem}.srt").read_text()))
        assert [c.content for c in cues] == lines_of(spec)
        assert (out / f"{stem}.vtt").read_text().count(" --> ") == len(cues)
        from PIL import Image

        with Image.open(out / f"{stem}.png") as poster:
            assert poster.size == (854, 480)
            assert_array_equal(np.asarray(poster.convert("RGB")), _decoded_frames(out / f"{stem}.mp4")[-1],
                               err_msg="the poster is the video's last frame")
        sections = json.loads((out / stem / "sections.json").read_text())
        assert [s["name"] for s in sections] == list(spec.beats)
        clip_frames = [media.probe(out / stem / s["video"]).frames for s in sections]
        assert sum(clip_frames) == info.frames, "the beat clips add up to the scene"


def _decoded_frames(video: Path) -> list[np.ndarray]:
    """Every frame of ``video``, decoded, as RGB arrays (as many as its packets say)."""
    import av

    with av.open(str(video)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == media.probe(video).frames
    return frames


@pytest.mark.parametrize("part", [p for p in lecture.parts() if set(lecture.part_scenes(p)) <= set(RENDERED)])
def test_the_lecture_is_the_scenes_joined_with_subtitles_shifted(lecture_render, part):
    _, out, _ = lecture_render
    specs = lecture.part_scenes(part)
    name = "lecture" if part == 1 else f"lecture{part}"
    stems = [f"{lecture.SCENES.index(s) + 1:02d}_{s.id}" for s in specs]
    parts = [media.probe(out / f"{s}.mp4") for s in stems]
    whole = media.probe(out / f"{name}.mp4")
    assert whole.frames == sum(p.frames for p in parts)
    assert whole.has_audio and whole.audio_duration == pytest.approx(whole.duration, abs=0.5)
    assert whole.duration == pytest.approx(sum(p.duration for p in parts), abs=1e-3)
    cues = list(srt.parse((out / f"{name}.srt").read_text()))
    assert [c.content for c in cues] == [line for s in specs for line in lines_of(s)]
    starts = json.loads((out / "manifest.json").read_text())[name]["parts"]
    assert [p["scene"] for p in starts] == [s.id for s in specs]
    first_cue_of_each = [c for c in cues if any(c.content == lines_of(s)[0] for s in specs)]
    # SRT times are whole milliseconds and the manifest rounds each start to a millisecond on its
    # own, so the two may differ by one millisecond (42.532 against 42.533), never by more.
    for cue, part_start in zip(first_cue_of_each, starts):
        assert cue.start.total_seconds() == pytest.approx(part_start["start"], abs=1.0005e-3)


def test_a_second_render_with_nothing_changed_renders_nothing(lecture_render):
    root, out, _ = lecture_render
    before = (out / "lecture.mp4").stat().st_mtime_ns
    done = sigsat("render", *[s.id for s in RENDERED], "--out", str(root / "renders"), cwd=root)
    assert done.returncode == 0 and done.stdout.startswith("nothing to render"), done.stdout
    assert (out / "lecture.mp4").stat().st_mtime_ns == before


@pytest.mark.parametrize("how", ["kill the manim process", "SIGTERM to sigsat", "SIGKILL to everything"])
def test_a_killed_render_leaves_the_previous_outputs_and_manifest(lecture_render, tmp_path, how):
    root, out, _ = lecture_render
    manifest_before = (out / "manifest.json").read_text()
    video_before = (out / "01_saturation.mp4").read_bytes()
    changed = tmp_path / "changed.toml"
    changed.write_text("[saturation]\nprobe_z = 4.5\n")
    proc = subprocess.Popen([sys.executable, "-m", "sigsat.cli", "render", "saturation", "--params", str(changed),
                             "--out", str(root / "renders")], cwd=root, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        manim = _wait_for_child(proc.pid, "manim")
        time.sleep(1.5)  # mid-render
        if how == "kill the manim process":
            os.kill(manim, signal.SIGKILL)
        elif how == "SIGTERM to sigsat":
            os.kill(proc.pid, signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        _wait_gone(manim)  # killed, not left to finish its render (which takes far longer)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode != 0
    if how != "SIGKILL to everything":
        assert len(stderr.strip().splitlines()) == 1, stderr
    assert (out / "01_saturation.mp4").read_bytes() == video_before
    assert (out / "manifest.json").read_text() == manifest_before
    for entry in json.loads(manifest_before)["scenes"].values():
        assert all((out / f).exists() for f in entry["files"])


def _children(pid: int) -> list[int]:
    """Child processes of ``pid``, including those started by its threads."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return found


def _wait_for_child(pid: int, word: str, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in _children(pid):
            try:
                if word in Path(f"/proc/{child}/cmdline").read_text():
                    return child
            except FileNotFoundError:
                pass
        time.sleep(0.05)
    raise AssertionError("the render never started manim")


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie has ended; nobody may have reaped it yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _wait_gone(pid: int, timeout: float = 5) -> None:
    """Return once ``pid`` has ended; fail if it still runs after ``timeout`` seconds.

    A killed process ends in milliseconds; the render it was doing would take many seconds
    more, so a process still there after ``timeout`` was not killed.
    """
    deadline = time.monotonic() + timeout
    while _running(pid):
        if time.monotonic() > deadline:
            raise AssertionError(f"process {pid} still runs {timeout} s after the kill")
        time.sleep(0.05)


def test_gif_and_transparent_outputs(tmp_path):
    done = sigsat("render", "saturation", "--format", "gif", "--transparent", "--out", str(tmp_path / "r"),
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    out = tmp_path / "r" / "low" / "dark"
    from PIL import Image

    with Image.open(out / "01_saturation.gif") as gif:
        assert gif.n_frames > 100 and gif.size[0] == 640
    import av

    with av.open(str(out / "01_saturation_alpha.mov")) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "qtrle"
        frame = next(c.decode(video=0))
        assert frame.format.name == "argb"
        alpha = frame.to_ndarray()[..., 0]
        assert alpha.min() == 0, "the background is transparent"


def test_audio_is_cached_and_never_synthesised_again(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = sigsat("render", "saturation", "--out", str(tmp_path / "r"), cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    voice = tmp_path / "cache" / "sigsat" / "voice"
    before = {p.name: p.stat().st_mtime_ns for p in voice.iterdir()}
    assert sum(name.endswith(".wav") for name in before) == len(lecture.SCENES[0].beats)
    # A second render with espeak-ng unable to speak (it still reports its version): any
    # synthesis would fail the render.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "espeak-ng").write_text('#!/bin/sh\n[ "$1" = --version ] && exec /usr/bin/espeak-ng --version\nexit 1\n')
    (fake / "espeak-ng").chmod(0o755)
    env["PATH"] = f"{fake}:{env['PATH']}"
    again = sigsat("render", "saturation", "--force", "--out", str(tmp_path / "r"), cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr[-2000:]
    after = {p.name: p.stat().st_mtime_ns for p in voice.iterdir() if p.suffix == ".wav"}
    assert after == {k: v for k, v in before.items() if k.endswith(".wav")}


def write_tone(path: Path, seconds: float, rate: int = 22050) -> None:
    import wave

    import numpy as np

    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


def test_recorded_narration_plays_the_lecturers_files_and_sets_the_pace(tmp_path):
    spec = lecture.SCENES[0]
    seconds = {beat: 3.0 + 4 * i for i, beat in enumerate(spec.beats)}  # the last one outlasts its animation
    for beat, length in seconds.items():
        write_tone(tmp_path / "recordings" / spec.id / f"{beat}.wav", length)
    done = sigsat("render", spec.id, "--narration", "recorded", "--out", str(tmp_path / "r"), cwd=tmp_path,
                  env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr[-2000:]
    out = tmp_path / "r" / "low" / "dark"
    info = media.probe(out / "01_saturation.mp4")
    assert info.has_audio
    sections = json.loads((out / "01_saturation" / "sections.json").read_text())
    last = sections[-1]
    pause = Params().narration.pause
    assert float(last["duration"]) == pytest.approx(seconds[last["name"]] + pause, abs=2 / FPS)
    assert info.audio_duration == pytest.approx(info.duration, abs=0.25)


def test_a_missing_recording_is_one_clear_line(tmp_path):
    spec = lecture.SCENES[0]
    write_tone(tmp_path / "recordings" / spec.id / f"{spec.beats[0]}.wav", 1.0)
    done = sigsat("render", spec.id, "--narration", "recorded", "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"recordings/{spec.id}/{spec.beats[1]}.wav" in lines[0] and "no recording" in lines[0]
    assert not (tmp_path / "r" / "low" / "dark" / "01_saturation.mp4").exists()


def test_the_whole_lecture_renders_as_one_scene_with_a_section_per_beat(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-ql", "--save_sections", "--disable_caching",
         "--progress_bar", "none", "--media_dir", str(tmp_path / "media"),
         str(ROOT / "scenes" / "lecture.py"), "WholeLecture"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "SIGSAT_PARAMS": ""})
    assert done.returncode == 0, done.stderr[-3000:]
    folder = tmp_path / "media" / "videos" / "lecture" / "480p15"
    index = json.loads((folder / "sections" / "WholeLecture.json").read_text())
    part_one = lecture.part_scenes(1)   # WholeLecture is part one; WholeLectureTwo is part two
    assert [s["name"] for s in index] == [f"{s.id}.{beat}" for s in part_one for beat in s.beats]
    cues = list(srt.parse((folder / "WholeLecture.srt").read_text()))
    assert [c.content for c in cues] == [line for s in part_one for line in lines_of(s)]
    info = media.probe(folder / "WholeLecture.mp4")
    assert info.has_audio
    assert sum(float(s["duration"]) for s in index) == pytest.approx(info.duration, abs=len(index) / FPS)
    assert cues[-1].end.total_seconds() <= info.duration + 1 / FPS
