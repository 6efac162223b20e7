"""Video and subtitle files: probing, posters, GIFs, WebVTT, and stream-copy assembly of a lecture.

Uses PyAV and srt (both installed with manim; neither imports manim).
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

__all__ = ["MediaError", "VideoInfo", "probe", "srt_to_vtt", "merge_subtitles", "concat_videos", "write_gif",
           "last_frame", "clips_with_audio", "video_frames", "mix_sounds", "with_soundtrack"]


class MediaError(ValueError):
    """A file that is not a readable video; ``str()`` is one line naming it."""


@contextlib.contextmanager
def open_video(path: Path):
    """``av.open(path)`` for reading; a missing, empty, truncated or foreign file raises
    :class:`MediaError` naming it, never PyAV's own error.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".mp4") as f:
    ...     probe(Path(f.name))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sigsat.production.media.MediaError: /tmp/....mp4: not a readable video (empty file); render it again
    """
    import av

    try:
        if Path(path).stat().st_size == 0:
            raise MediaError(f"{path}: not a readable video (empty file); render it again")
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(f"{path}: not a readable video (no video stream); render it again")
            yield container
    except (av.error.FFmpegError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).split(":")[0] or type(exc).__name__
        raise MediaError(f"{path}: not a readable video ({reason}); render it again") from None


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    width: int
    height: int
    frames: int
    duration: float  # seconds, from the packets' timestamps
    fps: float
    has_audio: bool
    audio_duration: float | None
    audio_codec: str | None = None


def probe(path: Path) -> VideoInfo:
    """Stream facts of a video file, counted from its packets (no decoding); :class:`MediaError`
    if it cannot be read."""
    with open_video(path) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        frames, end = 0, 0
        audio_end = 0
        for packet in container.demux():
            if packet.pts is None:
                continue
            stop = packet.pts + (packet.duration or 0)
            if packet.stream is video:
                frames += 1
                end = max(end, stop)
            elif packet.stream is audio:
                audio_end = max(audio_end, stop)
        duration = float(end * video.time_base) - float((video.start_time or 0) * video.time_base)
        return VideoInfo(
            codec=video.codec_context.name,
            width=video.codec_context.width,
            height=video.codec_context.height,
            frames=frames,
            duration=duration,
            fps=float(video.average_rate or 0),
            has_audio=audio is not None,
            audio_duration=float(audio_end * audio.time_base) if audio is not None else None,
            audio_codec=audio.codec_context.name if audio is not None else None,
        )


def last_frame(video: Path):
    """The last frame of ``video`` as a PIL image.

    Decoding starts at the last keyframe (found from the packets, without decoding), not at the
    first frame: a 50 s 1080p60 scene would otherwise decode 3000 frames for its poster.
    """
    with open_video(video) as container:
        stream = container.streams.video[0]
        keyframes = [p.pts for p in container.demux(stream) if p.pts is not None and p.is_keyframe]
    frame = None
    with open_video(video) as container:
        stream = container.streams.video[0]
        if keyframes:
            container.seek(max(keyframes), stream=stream, backward=True)
        for frame in container.decode(stream):
            pass
    if frame is None:
        raise ValueError(f"{video}: no video frames")
    return frame.to_image()


def write_gif(video: Path, out: Path, width: int = 640, fps: float = 10.0) -> Path:
    """An animated GIF of ``video``, ``width`` pixels wide at ``fps`` frames a second.

    One palette for the whole clip (ffmpeg's palettegen/paletteuse, as manim's own GIF export),
    so colours do not flicker from frame to frame.
    """
    import av

    with av.open(str(video)) as source, av.open(str(out), "w", format="gif") as sink:
        template = source.streams.video[0]
        height = round(template.codec_context.height * width / template.codec_context.width / 2) * 2
        stream = sink.add_stream("gif", rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height, stream.pix_fmt = width, height, "pal8"
        graph = av.filter.Graph()
        chain = [graph.add_buffer(template=template), graph.add("fps", str(fps)),
                 graph.add("scale", f"{width}:{height}:flags=lanczos"), graph.add("split")]
        for a, b in zip(chain, chain[1:]):
            a.link_to(b)
        palette = graph.add("palettegen", "stats_mode=diff")
        use = graph.add("paletteuse", "dither=bayer:bayer_scale=5:diff_mode=rectangle")
        sink_filter = graph.add("buffersink")
        chain[-1].link_to(palette, 0, 0)
        chain[-1].link_to(use, 1, 0)
        palette.link_to(use, 0, 1)
        use.link_to(sink_filter)
        graph.configure()
        for frame in source.decode(video=0):
            graph.push(frame)
        graph.push(None)
        count = 0
        while True:
            try:
                frame = graph.pull()
            except (av.error.EOFError, av.error.BlockingIOError):
                break
            frame.pts, frame.time_base = count, Fraction(1) / stream.codec_context.framerate
            count += 1
            for packet in stream.encode(frame):
                sink.mux(packet)
        for packet in stream.encode():
            sink.mux(packet)
    if count == 0:
        raise ValueError(f"{video}: no video frames")
    return out


def srt_to_vtt(srt_text: str) -> str:
    """WebVTT (for HTML ``<track>``) with the same cues as an SRT document.

    Cue text is escaped: in WebVTT ``<`` opens a tag and ``&`` a character reference, so a line
    such as ``a < b`` would otherwise lose its text up to the next ``>`` (WebVTT parsing rules).
    (webvtt-py and pysubs2 both copy ``<`` and ``&`` through unescaped, and pysubs2 drops
    ``<b>``-like text; hence these few lines of our own.)

    Examples
    --------
    >>> print(srt_to_vtt("1\\n00:00:00,000 --> 00:00:01,500\\nHello\\n"))
    WEBVTT
    <BLANKLINE>
    1
    00:00:00.000 --> 00:00:01.500
    Hello
    <BLANKLINE>
    """
    import srt

    cues = []
    for sub in srt.parse(srt_text):
        text = sub.content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        cues.append(f"{sub.index}\n{_vtt_time(sub.start)} --> {_vtt_time(sub.end)}\n{text}\n")
    return "WEBVTT\n\n" + "\n".join(cues)


def _vtt_time(t: datetime.timedelta) -> str:
    ms = round(t.total_seconds() * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def merge_subtitles(parts: list[tuple[str, float]]) -> str:
    """One SRT from (srt text, start offset in seconds) pairs, cues shifted and renumbered."""
    import srt

    merged = []
    for text, offset in parts:
        shift = datetime.timedelta(seconds=offset)
        for sub in srt.parse(text):
            merged.append(srt.Subtitle(0, sub.start + shift, sub.end + shift, sub.content))
    return srt.compose(merged, reindex=True)


def concat_videos(videos: list[Path], out: Path) -> list[float]:
    """Join videos of identical encoding into ``out`` by stream copy (no re-encoding).

    Returns each part's start time in the joined video, in seconds. Audio streams are carried
    along when every part has one.
    """
    import av

    if not videos:
        raise ValueError("no videos to join")
    starts: list[float] = []
    with av.open(str(videos[0])) as first:
        with_audio = all(_has_audio(v) for v in videos)
        out_container = av.open(str(out), "w", format="mp4")
        try:
            templates = [first.streams.video[0]] + ([first.streams.audio[0]] if with_audio else [])
            outputs = [out_container.add_stream_from_template(t) for t in templates]
            offset = Fraction(0)  # seconds
            for path in videos:
                starts.append(float(offset))
                with av.open(str(path)) as part:
                    streams = [part.streams.video[0]] + ([part.streams.audio[0]] if with_audio else [])
                    # The picture sets each part's length; sound past it (a line's trailing
                    # pause, rounded up to a whole audio frame) is dropped, so the next part's
                    # sound starts exactly with its picture.
                    video_end = _stream_end(part, streams[0])
                    part.seek(0)
                    for packet in part.demux(streams):
                        if packet.dts is None:
                            continue
                        tb = packet.stream.time_base
                        if packet.stream is not streams[0] and packet.pts * tb >= video_end:
                            continue
                        shift = round(offset / tb)
                        packet.pts += shift
                        packet.dts += shift
                        packet.stream = outputs[streams.index(packet.stream)]
                        out_container.mux(packet)
                    offset += video_end
        finally:
            out_container.close()
    return starts


def _stream_end(container, stream) -> Fraction:
    """Where ``stream`` ends, in seconds from 0, counted from its packets."""
    end = max((p.pts + (p.duration or 0) for p in container.demux(stream) if p.pts is not None), default=0)
    return Fraction(end) * stream.time_base


def _has_audio(path: Path) -> bool:
    with open_video(path) as c:
        return bool(c.streams.audio)


def _video_seconds(clip: Path) -> Fraction:
    """Exact length of a clip's video stream, from its packets' timestamps."""
    with open_video(clip) as container:
        video = container.streams.video[0]
        end = max((p.pts + (p.duration or 0) for p in container.demux(video) if p.pts is not None),
                  default=0)
        return Fraction(end - (video.start_time or 0)) * video.time_base


def clips_with_audio(scene_video: Path, clips: Sequence[Path], dests: Sequence[Path]) -> None:
    """Write each of ``clips`` to ``dests`` with its slice of ``scene_video``'s sound.

    ``clips`` are the scene's consecutive sections (beat clips), which together make the scene
    video: clip ``k`` starts where clips ``0..k-1`` end. Video packets are copied unchanged; the
    audio is cut at exact sample positions and encoded as AAC at the scene's rate and layout.
    """
    import av
    import numpy as np

    with av.open(str(scene_video)) as scene:
        stream = scene.streams.audio[0]
        rate, layout, fmt = stream.rate, stream.layout.name, None
        chunks, first = [], None
        for frame in scene.decode(stream):
            fmt = fmt or frame.format.name
            if first is None:
                first = round(float(frame.pts * stream.time_base) * rate) if frame.pts is not None else 0
            chunks.append(frame.to_ndarray())
    if not chunks or fmt is None or not av.AudioFormat(fmt).is_planar:
        raise ValueError(f"{scene_video}: no planar audio to cut (found {fmt or 'none'})")
    sound = np.concatenate(chunks, axis=1)
    if first > 0:   # the voice starts late: pad with silence so sample i is at i / rate
        sound = np.concatenate([np.zeros((sound.shape[0], first), sound.dtype), sound], axis=1)
    elif first < 0:
        sound = sound[:, -first:]
    start = Fraction(0)
    for clip, dest in zip(clips, dests, strict=True):
        length = _video_seconds(clip)
        part = sound[:, round(start * rate):round((start + length) * rate)]
        start += length
        dest.parent.mkdir(parents=True, exist_ok=True)
        with av.open(str(clip)) as source, av.open(str(dest), "w", format="mp4") as out:
            video = source.streams.video[0]
            out_video = out.add_stream_from_template(video)
            out_audio = out.add_stream("aac", rate=rate, layout=layout)
            for packet in source.demux(video):
                if packet.dts is None:
                    continue
                packet.stream = out_video
                out.mux(packet)
            for i in range(0, part.shape[1], 1024):
                frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(part[:, i:i + 1024]),
                                                   format=fmt, layout=layout)
                frame.sample_rate, frame.pts, frame.time_base = rate, i, Fraction(1, rate)
                for packet in out_audio.encode(frame):
                    out.mux(packet)
            for packet in out_audio.encode(None):
                out.mux(packet)


def video_frames(clip: Path) -> int:
    """The number of frames in a clip's video stream, counted from its packets (no decoding)."""
    with open_video(clip) as container:
        video = container.streams.video[0]
        return sum(1 for p in container.demux(video) if p.pts is not None)


def mix_sounds(sounds: Sequence[tuple[Path, float]], seconds: float, out: Path) -> None:
    """Write ``out``, a 16-bit WAV ``seconds`` long, with each ``(file, start)`` of ``sounds``
    placed at ``start`` seconds (to the sample) and the overlaps summed.

    The mix takes the highest sample rate and channel count among the sounds, as manim's own
    soundtrack does (pydub converts every sound up to the richest), so a scene rendered in chunks
    sounds like one rendered whole.
    """
    import wave

    import av
    import numpy as np

    infos = []
    for path, _ in sounds:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            infos.append((stream.rate, stream.channels))
    rate = max((r for r, _ in infos), default=22050)
    channels = max((c for _, c in infos), default=1)
    total = np.zeros((channels, int(round(seconds * rate))), np.int64)
    layout = "mono" if channels == 1 else "stereo"
    for path, start in sounds:
        resampler = av.AudioResampler(format="s16p", layout=layout, rate=rate)
        parts = []
        with av.open(str(path)) as container:
            for frame in container.decode(audio=0):
                parts += [f.to_ndarray() for f in resampler.resample(frame)]
        parts += [f.to_ndarray() for f in resampler.resample(None)]
        if not parts:
            continue
        sound = np.concatenate(parts, axis=1)
        at = int(round(start * rate))
        end = min(total.shape[1], at + sound.shape[1])
        if end > at:
            total[:, at:end] += sound[:, : end - at]
    pcm = np.clip(total, -32768, 32767).astype("<i2").T.copy()
    with wave.open(str(out), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def with_soundtrack(video: Path, wav: Path, out: Path) -> None:
    """``video``'s picture (copied, not re-encoded) with ``wav`` as its sound, in AAC.

    The sound goes the way manim's own does (WAV to an AAC stream, whose packets are muxed beside
    the picture's), so the two start at the same instant as in a scene manim rendered whole.
    """
    import av

    aac = out.with_name(out.name + ".aac")
    try:
        with av.open(str(wav)) as source, av.open(str(aac), "w") as sink:
            stream = sink.add_stream("aac")
            for frame in source.decode(audio=0):
                for packet in stream.encode(frame):
                    sink.mux(packet)
            for packet in stream.encode():
                sink.mux(packet)
        with av.open(str(video)) as picture, av.open(str(aac)) as sound, \
                av.open(str(out), "w", format="mp4") as sink:
            outputs = {}
            for source in (picture.streams.video[0], sound.streams.audio[0]):
                outputs[source] = sink.add_stream_from_template(source)
            for container, source in ((picture, picture.streams.video[0]), (sound, sound.streams.audio[0])):
                for packet in container.demux(source):
                    if packet.dts is None:
                        continue
                    packet.stream = outputs[source]
                    sink.mux(packet)
    finally:
        aac.unlink(missing_ok=True)
