"""Lecture assembly by stream copy, subtitle merging and WebVTT, on synthetic videos."""

from __future__ import annotations

import av
import pytest
import srt

from sigsat.production import media
from tests.media_fixtures import make_srt, make_video


def test_concat_is_a_stream_copy_whose_duration_is_the_sum_of_the_parts(tmp_path):
    parts = [make_video(tmp_path / f"p{i}.mp4", n, shade=40 * i) for i, n in enumerate((15, 31, 8))]
    infos = [media.probe(p) for p in parts]
    starts = media.concat_videos(parts, tmp_path / "all.mp4")
    joined = media.probe(tmp_path / "all.mp4")
    assert joined.frames == sum(i.frames for i in infos) == 54
    assert joined.duration == pytest.approx(sum(i.duration for i in infos), abs=1e-3)
    assert starts == pytest.approx([0.0, infos[0].duration, infos[0].duration + infos[1].duration], abs=1e-3)
    # Every frame decodes, in order: the first frame of part 2 sits where part 2 starts.
    with av.open(str(tmp_path / "all.mp4")) as c:
        frames = list(c.decode(video=0))
    assert len(frames) == 54
    times = [float(f.time) for f in frames]
    assert times == sorted(times)
    assert frames[15].to_ndarray(format="rgb24").mean() == pytest.approx(40, abs=3)


def test_merged_subtitles_are_shifted_by_each_parts_start():
    a = make_srt([(0.0, 2.0, "one"), (2.0, 3.5, "two")])
    b = make_srt([(0.0, 1.0, "three")])
    merged = list(srt.parse(media.merge_subtitles([(a, 0.0), (b, 3.5)])))
    assert [s.content for s in merged] == ["one", "two", "three"]
    assert [s.index for s in merged] == [1, 2, 3]
    assert merged[2].start.total_seconds() == pytest.approx(3.5)
    assert merged[2].end.total_seconds() == pytest.approx(4.5)


def test_vtt_has_the_same_cues_as_the_srt():
    text = make_srt([(0.0, 1.25, "first line"), (61.5, 3725.001, "second")])
    vtt = media.srt_to_vtt(text)
    assert vtt.startswith("WEBVTT\n\n")
    assert "00:00:00.000 --> 00:00:01.250\nfirst line" in vtt
    assert "00:01:01.500 --> 01:02:05.001\nsecond" in vtt


def test_vtt_cue_text_is_escaped_and_keeps_its_lines():
    vtt = media.srt_to_vtt(make_srt([(0.0, 1.5, "if a < b & c > d\nthen <b>not bold</b>")]))
    assert ("00:00:00.000 --> 00:00:01.500\n"
            "if a &lt; b &amp; c &gt; d\nthen &lt;b&gt;not bold&lt;/b&gt;\n") in vtt


def test_gif_and_poster(tmp_path):
    video = make_video(tmp_path / "v.mp4", 30, size=(128, 96), shade=100)
    gif = media.write_gif(video, tmp_path / "v.gif", width=64, fps=5)
    from PIL import Image

    with Image.open(gif) as im:
        assert im.size == (64, 48) and im.n_frames == 10
    poster = media.last_frame(video)
    assert poster.size == (128, 96)


def test_last_frame_is_the_videos_last_decoded_frame(tmp_path):
    import numpy as np

    video = make_video(tmp_path / "v.mp4", 24, shade=10)  # each frame 3 grey levels lighter
    with av.open(str(video)) as c:
        decoded = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(decoded) == 24 and abs(float(decoded[-1].mean()) - float(decoded[0].mean())) > 50
    np.testing.assert_array_equal(np.asarray(media.last_frame(video).convert("RGB")), decoded[-1])
