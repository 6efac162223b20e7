"""Comparing two renders as a viewer would: decoded pictures, decoded sound, subtitle times.

Independent of sigsat's own media code (it reads files with PyAV, numpy and srt only), so a test
built on it does not trust the numbers of the code it checks.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

__all__ = ["video_length", "video_frames", "psnr", "FrameComparison", "compare_frames", "mono_audio",
           "SilentWindow", "soundtrack_lag", "srt_cues"]


def video_length(path: Path) -> tuple[int, float]:
    """``(frames, seconds)`` of the first video stream of ``path``, counted from its packets:
    frames as packets, seconds from the first packet's start to the last one's end."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        times = [(p.pts, p.pts + (p.duration or 0)) for p in container.demux(stream) if p.pts is not None]
    if not times:
        return 0, 0.0
    start, end = min(t[0] for t in times), max(t[1] for t in times)
    return len(times), float((end - start) * stream.time_base)


def video_frames(path: Path) -> Iterator[np.ndarray]:
    """Every frame of the video at ``path``, decoded, in order, as ``(height, width, 3)`` uint8
    RGB arrays (one at a time, so a long 1080p video does not fill memory)."""
    import av

    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            yield frame.to_ndarray(format="rgb24")


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio of two 8-bit images, in dB; ``inf`` when they are identical.

    Notes
    -----
    :math:`10 \\log_{10}(255^2 / \\mathrm{MSE})`, the mean squared error taken over every pixel
    and channel.

    Examples
    --------
    >>> a = np.zeros((2, 2, 3), np.uint8)
    >>> psnr(a, a)
    inf
    >>> round(psnr(a, a + 1), 2)   # every value one step off: MSE 1
    48.13
    """
    if a.shape != b.shape:
        raise ValueError(f"frames of different sizes: {a.shape} and {b.shape}")
    # Integer arithmetic: four times faster than float64 on a 1080p frame, and exact.
    diff = np.subtract(a, b, dtype=np.int16).ravel().astype(np.int64)
    squares = int(np.dot(diff, diff))
    return float("inf") if squares == 0 else float(10 * np.log10(255.0 ** 2 * diff.size / squares))


@dataclass(frozen=True)
class FrameComparison:
    """Frame-by-frame comparison of two videos: ``psnr[i]`` compares their frames ``i`` (as many
    entries as the shorter video has frames)."""

    frames_a: int
    frames_b: int
    psnr: np.ndarray

    def below(self, floor: float) -> list[int]:
        """Indices of the frames whose PSNR is under ``floor``."""
        return [int(i) for i in np.flatnonzero(self.psnr < floor)]


def compare_frames(a: Path, b: Path) -> FrameComparison:
    """Decode videos ``a`` and ``b`` side by side and take the PSNR of each pair of frames."""
    values, count_a, count_b = [], 0, 0
    for fa, fb in itertools.zip_longest(video_frames(a), video_frames(b)):
        count_a += fa is not None
        count_b += fb is not None
        if fa is not None and fb is not None:
            values.append(psnr(fa, fb))
    return FrameComparison(count_a, count_b, np.array(values))


def mono_audio(path: Path) -> tuple[np.ndarray, int]:
    """The first audio stream of ``path``, decoded and mixed to mono: ``(samples, rate)``.

    Sample ``i`` of the float64 array sounds at ``i / rate`` seconds on the file's clock: a stream
    whose first frame starts late is padded with silence in front, one that starts before 0 (an
    encoder's priming) is cut, so two files' arrays line up as their players would play them.
    """
    import av

    with av.open(str(path)) as container:
        if not container.streams.audio:
            raise ValueError(f"{path}: no audio stream")
        stream = container.streams.audio[0]
        rate, first, chunks = stream.rate, None, []
        for frame in container.decode(stream):
            if first is None:
                first = round(float(frame.pts * frame.time_base) * rate) if frame.pts is not None else 0
            chunks.append(_mono(frame))
    sound = np.concatenate(chunks) if chunks else np.zeros(0)
    first = first or 0
    sound = np.concatenate([np.zeros(first), sound]) if first > 0 else sound[-first:]
    return sound, rate


def _mono(frame) -> np.ndarray:
    """One decoded audio frame as float64 mono samples in [-1, 1]."""
    data = frame.to_ndarray()
    channels = len(frame.layout.channels)
    if not frame.format.is_planar:        # interleaved: one row of samples * channels
        data = data.reshape(-1, channels).T
    if np.issubdtype(data.dtype, np.integer):
        data = data / float(np.iinfo(data.dtype).max)
    return data.astype(np.float64).mean(axis=0)


class SilentWindow(ValueError):
    """The window to compare holds no sound, or the other soundtrack has nothing like it."""


def soundtrack_lag(a: np.ndarray, b: np.ndarray, rate: int, at: float, before: float = 0.1,
                   after: float = 0.6, search: float = 0.1, min_similarity: float = 0.5) -> float:
    """How many seconds soundtrack ``b`` lags ``a`` around time ``at`` (negative: ``b`` is early).

    The window ``[at - before, at + after]`` of ``a`` is cross-correlated with ``b`` shifted by up
    to ``search`` seconds either way; the shift with the highest correlation is the lag, to one
    sample.

    Raises
    ------
    SilentWindow
        ``a`` is silent in the window, or no shift of ``b`` matches it with a normalised
        correlation of at least ``min_similarity`` (``b`` lacks the sound, or it differs): a lag
        measured there would mean nothing.
    """
    start, stop, reach = round((at - before) * rate), round((at + after) * rate), round(search * rate)
    window = _slice(a, start, stop)
    energy = np.sqrt(np.sum(window ** 2))
    if energy < 1e-6 * len(window):
        raise SilentWindow(f"no sound in the first soundtrack at {at - before:.3f}-{at + after:.3f} s")
    other = _slice(b, start - reach, stop + reach)
    size = 1 << int(len(other) + len(window)).bit_length()
    # correlation[k] = sum_i window[i] * other[i + k]: other shifted k samples matches the window.
    correlation = np.fft.irfft(np.fft.rfft(other, size) * np.conj(np.fft.rfft(window, size)), size)
    correlation = correlation[:2 * reach + 1]
    k = int(np.argmax(correlation))
    matched = np.sqrt(np.sum(other[k:k + len(window)] ** 2))
    similarity = correlation[k] / (energy * matched) if matched > 0 else 0.0
    if similarity < min_similarity:
        raise SilentWindow(f"the second soundtrack has nothing like the first at {at:.3f} s "
                           f"(best normalised correlation {similarity:.2f} < {min_similarity})")
    return (k - reach) / rate


def _slice(sound: np.ndarray, start: int, stop: int) -> np.ndarray:
    """``sound[start:stop]`` with silence where the range falls outside the array."""
    out = np.zeros(stop - start)
    lo, hi = max(start, 0), min(stop, len(sound))
    if hi > lo:
        out[lo - start:hi - start] = sound[lo:hi]
    return out


def srt_cues(path: Path) -> list[tuple[float, float, str]]:
    """``(start, end, text)`` of every cue of the SubRip file at ``path``, times in seconds."""
    import srt

    return [(c.start.total_seconds(), c.end.total_seconds(), c.content)
            for c in srt.parse(Path(path).read_text(encoding="utf-8"))]
