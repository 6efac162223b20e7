"""The render comparison helpers can fail: tiny synthetic videos and soundtracks made with PyAV."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from tests.av_compare import SilentWindow, compare_frames, mono_audio, soundtrack_lag, srt_cues
from tests.media_fixtures import make_srt

FPS, SIZE, RATE = 15, (64, 48), 48000
FLOOR = 45.0   # the PSNR every frame of a chunked render must reach


def scene(count: int = 12) -> list[np.ndarray]:
    """A light square crossing a dark frame, one step a frame (like an animation's moving dot)."""
    frames = []
    for i in range(count):
        image = np.full((SIZE[1], SIZE[0], 3), 20, np.uint8)
        image[16:28, 4 + 3 * i:16 + 3 * i] = (230, 200, 40)
        frames.append(image)
    return frames


def encode(path: Path, frames: list[np.ndarray]) -> Path:
    """An H.264 yuv420p mp4 of ``frames`` at FPS (manim's codec and pixel format)."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(FPS, 1))
        stream.width, stream.height, stream.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        # Fine enough that a changed frame does not drag its neighbours under the floor too (they
        # are predicted from it); at manim's crf 23 a 64x48 picture is too coarse for that.
        stream.options = {"crf": "12"}
        for image in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode())
    return path


def test_the_same_frames_encoded_twice_compare_identical(tmp_path):
    result = compare_frames(encode(tmp_path / "a.mp4", scene()), encode(tmp_path / "b.mp4", scene()))
    assert (result.frames_a, result.frames_b) == (12, 12)
    assert np.all(result.psnr == np.inf) and result.below(FLOOR) == []


def test_a_noisy_frame_falls_below_the_floor(tmp_path):
    frames = scene()
    noise = np.random.default_rng(0).normal(0, 12, frames[5].shape)
    frames[5] = np.clip(frames[5] + noise, 0, 255).astype(np.uint8)
    result = compare_frames(encode(tmp_path / "a.mp4", scene()), encode(tmp_path / "b.mp4", frames))
    assert result.below(FLOOR) == [5]
    assert np.all(np.delete(result.psnr, 5) > FLOOR), "the other frames stay close (x264 predicts from the noisy one)"


def test_one_object_shifted_in_one_frame_falls_below_the_floor(tmp_path):
    frames = scene()
    frames[7] = scene()[8]          # the square a step ahead: an updater one frame late
    result = compare_frames(encode(tmp_path / "a.mp4", scene()), encode(tmp_path / "b.mp4", frames))
    assert result.below(FLOOR) == [7]


def test_frame_counts_are_counted_apart(tmp_path):
    result = compare_frames(encode(tmp_path / "a.mp4", scene(12)), encode(tmp_path / "b.mp4", scene(11)))
    assert (result.frames_a, result.frames_b, len(result.psnr)) == (12, 11, 11)


def burst(onset: float, length: float = 1.5, seed: int = 1) -> np.ndarray:
    """Silence, then 0.6 s of a voice-like sound (noise over a 150 Hz buzz) from ``onset``."""
    t = np.arange(round(0.6 * RATE)) / RATE
    voice = 0.3 * np.random.default_rng(seed).normal(size=t.size) + 0.4 * np.sign(np.sin(2 * np.pi * 150 * t))
    sound = np.zeros(round(length * RATE))
    start = round(onset * RATE)
    sound[start:start + t.size] = np.clip(voice, -0.9, 0.9)
    return sound


def encode_audio(path: Path, sound: np.ndarray, late: int = 0) -> Path:
    """``sound`` as AAC in an mp4, as sigsat's scene videos carry it (priming and all), its first
    sample stamped ``late`` samples after 0."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=RATE, layout="mono")
        for start in range(0, sound.size, 1024):
            frame = av.AudioFrame.from_ndarray(sound[None, start:start + 1024].astype(np.float32),
                                               format="fltp", layout="mono")
            frame.rate, frame.pts = RATE, late + start
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def test_decoded_sound_starts_where_it_was_encoded(tmp_path):
    sound, rate = mono_audio(encode_audio(tmp_path / "a.mp4", burst(0.5)))
    onset = np.flatnonzero(np.abs(sound) > 0.2)[0] / rate
    assert rate == RATE and onset == pytest.approx(0.5, abs=1e-3)


def test_a_soundtrack_that_starts_late_is_placed_on_the_file_clock(tmp_path):
    sound, rate = mono_audio(encode_audio(tmp_path / "a.mp4", burst(0.5), late=RATE // 4))
    assert np.flatnonzero(np.abs(sound) > 0.2)[0] / rate == pytest.approx(0.75, abs=1e-3)


@pytest.mark.parametrize("delay", [0.020, -0.020, 0.0])
def test_a_delayed_soundtrack_is_measured_to_the_millisecond(tmp_path, delay):
    a, _ = mono_audio(encode_audio(tmp_path / "a.mp4", burst(0.5)))
    b, _ = mono_audio(encode_audio(tmp_path / "b.mp4", burst(0.5 + delay)))
    assert soundtrack_lag(a, b, RATE, at=0.5) == pytest.approx(delay, abs=1e-3)


def other_noise(like: np.ndarray) -> np.ndarray:
    """Unrelated sound of the same loudness where ``like`` sounds: another line, not a delay."""
    return np.where(np.abs(like) > 0.01, np.random.default_rng(7).normal(0, 0.4, like.size), 0.0)


def test_no_lag_is_claimed_where_one_soundtrack_is_silent_or_different(tmp_path):
    a, _ = mono_audio(encode_audio(tmp_path / "a.mp4", burst(0.5)))
    silent = np.zeros_like(a)
    with pytest.raises(SilentWindow, match="no sound in the first"):
        soundtrack_lag(silent, a, RATE, at=0.5)
    with pytest.raises(SilentWindow, match="nothing like the first"):
        soundtrack_lag(a, silent, RATE, at=0.5)
    with pytest.raises(SilentWindow, match="nothing like the first"):
        soundtrack_lag(a, other_noise(a), RATE, at=0.5)


def test_srt_cue_times_in_seconds(tmp_path):
    path = tmp_path / "a.srt"
    path.write_text(make_srt([(0.0, 2.5, "one"), (2.5, 61.234, "two")]))
    assert srt_cues(path) == [(0.0, 2.5, "one"), (2.5, 61.234, "two")]
