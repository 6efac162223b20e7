"""Small synthetic videos and subtitles for testing media handling without manim."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np


def make_video(path: Path, frames: int, fps: int = 15, size: tuple[int, int] = (64, 48),
               shade: int = 0) -> Path:
    """An H.264 mp4 of ``frames`` frames of a flat grey (``shade``) at ``fps``."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps, 1))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            image = np.full((size[1], size[0], 3), (shade + 3 * i) % 256, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def make_srt(cues: list[tuple[float, float, str]]) -> str:
    import datetime

    import srt

    return srt.compose([srt.Subtitle(i + 1, datetime.timedelta(seconds=a), datetime.timedelta(seconds=b), text)
                        for i, (a, b, text) in enumerate(cues)])
