"""A scene rendered in beat chunks (``--chunks N``) equals the same scene rendered whole.

Both renders go through the real command line into fresh folders, once per case (module-scoped
fixtures), and are compared as a viewer meets them, through :mod:`tests.av_compare`: decoded
frames, decoded sound, subtitle and clip files. Nothing here reads sigsat's own timings.

The scenes are the ones whose first frame of a chunk depends on state built up before it:
``saturation`` (live readouts on ValueTrackers), ``relu`` (the dead-unit grid) and ``derivative``
(the tangent, an always_redraw).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from sigsat.lesson import lecture
from sigsat.production import naming
from tests.av_compare import (SilentWindow, compare_frames, mono_audio, psnr, soundtrack_lag,
                              srt_cues, video_length)

FLOOR_DB = 45.0       # every frame: x264 may decide differently after a join, never visibly
SYNC_S = 0.010        # a narration line starts within 10 ms of where it starts in the whole render
# SRT keeps whole milliseconds, truncated. Cue times are at whole frames in both renders, but
# manim's own are float sums of frame lengths: 2.0 s can come out as 1.99999..., written 1.999.
# So one millisecond, not a frame (a frame at 60 fps is 17 ms and would hide a real slip).
CUE_S = 1.0005e-3
FPS = {"low": 15, "high": 60}   # manim's -ql and -qh



def render(out: Path, scene: str, quality: str, chunks: str | None, *extra: str) -> Path:
    """``sigsat render SCENE`` into ``out`` (``chunks`` None: without the option at all); returns
    the folder of the scene's files."""
    option = [] if chunks is None else ["--chunks", chunks]
    env = {k: v for k, v in os.environ.items() if k != "SIGSAT_PARAMS"}
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "sigsat.cli", "render", scene, "--quality", quality,
                           "--out", str(out), *option, *extra],
                          cwd=out, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"render {scene} {option}: {done.stderr[-2000:]}"
    return out / quality / "dark"


@dataclass(frozen=True)
class Pair:
    """The same scene rendered whole and chunked: its stem, frame rate and the two folders."""

    stem: str
    fps: int
    whole: Path
    chunked: Path
    label: str          # "--chunks N" for messages

    def files(self, suffix: str) -> tuple[Path, Path]:
        return self.whole / f"{self.stem}{suffix}", self.chunked / f"{self.stem}{suffix}"

    def sections(self, folder: Path) -> list[dict]:
        return json.loads((folder / self.stem / "sections.json").read_text(encoding="utf-8"))

    def beat_starts(self) -> list[tuple[str, int]]:
        """``(beat, first frame)`` of every beat of the whole render, from its clips' frame counts."""
        starts, frame = [], 0
        for entry in self.sections(self.whole):
            starts.append((entry["name"], frame))
            frame += video_length(self.whole / self.stem / entry["video"])[0]
        return starts

    def beat_of(self, frame: int) -> str:
        return [name for name, first in self.beat_starts() if first <= frame][-1]


_SLOW = pytest.mark.slow
CASES = [
    pytest.param(("saturation", "low", "3"), id="saturation-low-3"),
    pytest.param(("saturation", "low", "2"), id="saturation-low-2"),
    pytest.param(("relu", "low", "3"), id="relu-low-3"),
    pytest.param(("derivative", "low", "3"), id="derivative-low-3"),
    pytest.param(("saturation", "high", "3"), id="saturation-high-3", marks=_SLOW),
    pytest.param(("relu", "high", "3"), id="relu-high-3", marks=_SLOW),
    pytest.param(("derivative", "high", "3"), id="derivative-high-3", marks=_SLOW),
]


@pytest.fixture(scope="session")
def renders(tmp_path_factory):
    """Render on demand, each (scene, quality, chunks) once per session (whole renders are shared
    by every chunk count)."""
    done: dict[tuple, Path] = {}

    def get(scene: str, quality: str, chunks: str) -> Path:
        key = (scene, quality, chunks)
        if key not in done:
            done[key] = render(tmp_path_factory.mktemp(f"{scene}-{quality}-{chunks}"), *key)
        return done[key]

    return get


@pytest.fixture(scope="module", params=CASES)
def pair(request, renders) -> Pair:
    scene, quality, chunks = request.param
    spec = lecture.find_scene(scene)
    return Pair(naming.stem(spec), FPS[quality], renders(scene, quality, "off"),
                renders(scene, quality, chunks), f"--chunks {chunks}")


def test_same_frames_and_duration(pair):
    check_length(pair)


def test_same_beats(pair):
    check_beats(pair)


def test_same_subtitle_times(pair):
    check_subtitles(pair)


def test_every_frame_looks_the_same(pair):
    check_frames(pair)


def test_the_poster_is_the_same(pair):
    check_poster(pair)


def test_narration_starts_with_each_beat_as_in_the_whole_render(pair):
    check_sync(pair)


def test_beat_clips_carry_their_line_in_sync(pair):
    check_clip_sound(pair)


# The checks are plain functions so that they can be pointed at any two renders (two whole ones
# must pass, a whole one against one with another parameter must fail).

def check_length(pair: Pair) -> None:
    (frames_w, seconds_w), (frames_c, seconds_c) = map(video_length, pair.files(".mp4"))
    assert frames_c == frames_w, f"{pair.label}: {frames_c} frames, whole render {frames_w}"
    assert abs(seconds_c - seconds_w) <= 1 / pair.fps, (
        f"{pair.label}: lasts {seconds_c:.4f} s, whole render {seconds_w:.4f} s (more than a frame apart)")


def check_beats(pair: Pair) -> None:
    whole, chunked = pair.sections(pair.whole), pair.sections(pair.chunked)
    assert [e["name"] for e in chunked] == [e["name"] for e in whole], f"{pair.label}: other beats"
    for w, c in zip(whole, chunked):
        beat = w["name"]
        # Everything manim records but the float duration and rate, which the container rounds
        # differently for a clip that opens a file (0.65 ms); the frame counts below pin those.
        same = {k: w[k] for k in w if k not in ("duration", "avg_frame_rate")}
        differ = {k: (c.get(k), v) for k, v in same.items() if c.get(k) != v}
        assert not differ, f"{pair.label}: sections.json entry of beat {beat}, (chunked, whole): {differ}"
        assert float(c["duration"]) == pytest.approx(float(w["duration"]), abs=1e-3), (
            f"{pair.label}: beat {beat} lasts {c['duration']} s in sections.json, whole {w['duration']}")
        clip_w, clip_c = pair.whole / pair.stem / w["video"], pair.chunked / pair.stem / c["video"]
        assert video_length(clip_c)[0] == video_length(clip_w)[0], (
            f"{pair.label}: clip of beat {beat} has {video_length(clip_c)[0]} frames, "
            f"whole render {video_length(clip_w)[0]}")
        assert _has_sound(clip_c) == _has_sound(clip_w), f"{pair.label}: sound of beat {beat}'s clip"


def _has_sound(clip: Path) -> bool:
    try:
        mono_audio(clip)
    except ValueError:
        return False
    return True


def check_subtitles(pair: Pair) -> None:
    srt_w, srt_c = map(srt_cues, pair.files(".srt"))
    assert [c[2] for c in srt_c] == [c[2] for c in srt_w], f"{pair.label}: other subtitle lines"
    beats = pair.beat_starts()
    for i, ((start_w, end_w, _), (start_c, end_c, _)) in enumerate(zip(srt_w, srt_c)):
        assert abs(start_c - start_w) <= CUE_S and abs(end_c - end_w) <= CUE_S, (
            f"{pair.label}: cue {i + 1} ({beats[i][0]}) at {start_c:.3f}-{end_c:.3f} s, "
            f"whole render {start_w:.3f}-{end_w:.3f} s")
        assert abs(start_c - beats[i][1] / pair.fps) <= CUE_S, (
            f"{pair.label}: cue {i + 1} starts at {start_c:.3f} s, its beat {beats[i][0]} at frame "
            f"{beats[i][1]} ({beats[i][1] / pair.fps:.3f} s)")
    vtt_w, vtt_c = (_vtt_times(p) for p in pair.files(".vtt"))
    assert len(vtt_c) == len(vtt_w) == len(srt_w), f"{pair.label}: VTT cues"
    assert np.all(np.abs(np.array(vtt_c) - np.array(vtt_w)) <= CUE_S), f"{pair.label}: VTT cue times"


def _vtt_times(path: Path) -> list[tuple[float, float]]:
    stamp = r"(?:(\d+):)?(\d\d):(\d\d)\.(\d\d\d)"
    times = []
    for match in re.finditer(rf"{stamp} --> {stamp}", path.read_text(encoding="utf-8")):
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g or 0) for g in match.groups())
        times.append((3600 * h1 + 60 * m1 + s1 + ms1 / 1000, 3600 * h2 + 60 * m2 + s2 + ms2 / 1000))
    return times


def check_frames(pair: Pair) -> None:
    result = compare_frames(*pair.files(".mp4"))
    assert result.frames_b == result.frames_a, (
        f"{pair.label}: {result.frames_b} decoded frames, whole render {result.frames_a}")
    bad = result.below(FLOOR_DB)
    shown = ", ".join(f"frame {i} ({pair.beat_of(i)}, {i / pair.fps:.2f} s) {result.psnr[i]:.1f} dB"
                      for i in bad[:8])
    # Every frame includes each chunk's first, where stale updater or tracker state would show.
    assert not bad, f"{pair.label}: {len(bad)} frames below {FLOOR_DB} dB PSNR: {shown}"


def check_poster(pair: Pair) -> None:
    from PIL import Image

    w, c = (np.asarray(Image.open(p).convert("RGB")) for p in pair.files(".png"))
    assert psnr(w, c) >= FLOOR_DB, f"{pair.label}: poster {psnr(w, c):.1f} dB from the whole render's"


def check_sync(pair: Pair) -> None:
    (a, rate_a), (b, rate_b) = map(mono_audio, pair.files(".mp4"))
    assert rate_b == rate_a, f"{pair.label}: sound at {rate_b} Hz, whole render {rate_a} Hz"
    assert abs(len(b) - len(a)) / rate_a <= 1 / pair.fps + 0.025, (   # + one AAC frame
        f"{pair.label}: sound lasts {len(b) / rate_a:.3f} s, whole render {len(a) / rate_a:.3f} s")
    for beat, first in pair.beat_starts():
        at = first / pair.fps
        try:
            lag = soundtrack_lag(a, b, rate_a, at)
        except SilentWindow as exc:
            pytest.fail(f"{pair.label}: narration of beat {beat} at {at:.3f} s: {exc}")
        assert abs(lag) <= SYNC_S, (
            f"{pair.label}: narration of beat {beat} starts {lag * 1000:+.1f} ms from the whole render's "
            f"({at:.3f} s)")


def check_clip_sound(pair: Pair) -> None:
    for w, c in zip(pair.sections(pair.whole), pair.sections(pair.chunked)):
        clip_w, clip_c = pair.whole / pair.stem / w["video"], pair.chunked / pair.stem / c["video"]
        if not _has_sound(clip_w):
            continue
        (a, rate), (b, _) = mono_audio(clip_w), mono_audio(clip_c)
        try:
            lag = soundtrack_lag(a, b, rate, 0.0)
        except SilentWindow as exc:
            pytest.fail(f"{pair.label}: clip of beat {w['name']}: {exc}")
        assert abs(lag) <= SYNC_S, f"{pair.label}: line of beat {w['name']}'s clip {lag * 1000:+.1f} ms off"
