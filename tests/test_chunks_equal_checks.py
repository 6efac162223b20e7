"""The chunk equality checks have teeth: on real whole renders of scene 1, a second whole render
passes them all, and a copy with one known defect fails exactly the check for that defect.

The defects are the ones a chunked render could make: narration laid 20 ms late, a cue one frame
off, a chunk whose first frame shows state from a second earlier (a stale tracker), a changed
parameter. It compares whole renders only, so it also runs where ``--chunks`` does not exist.
"""

from __future__ import annotations

import datetime
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from sigsat.lesson import lecture
from sigsat.production import naming
from tests.test_chunks_equal import (FPS, Pair, check_beats, check_clip_sound, check_frames,
                                     check_length, check_poster, check_subtitles, check_sync, render)

pytestmark = pytest.mark.slow
STEM = naming.stem(lecture.find_scene("saturation"))
CHECKS = (check_length, check_beats, check_subtitles, check_frames, check_poster, check_sync,
          check_clip_sound)
#: A whole render: ``--chunks off`` (the default, auto, may chunk a scene).
WHOLE = "off"


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    return render(tmp_path_factory.mktemp("whole"), "saturation", "low", WHOLE)


def pair(whole: Path, other: Path) -> Pair:
    return Pair(STEM, FPS["low"], whole, other, "[copy]")


def failures(p: Pair) -> dict[str, str]:
    """Name -> message of every check that fails on ``p``."""
    failed = {}
    for check in CHECKS:
        try:
            check(p)
        except (AssertionError, pytest.fail.Exception) as exc:
            failed[check.__name__] = str(exc).splitlines()[0]
    return failed


def copy_of(whole: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copy"
    shutil.copytree(whole, dest)
    return dest


def remux(video: Path, audio_shift: int = 0, stale: tuple[int, int] | None = None) -> None:
    """Rewrite ``video`` in place with its sound ``audio_shift`` samples late, or with frame
    ``stale[0]`` replaced by frame ``stale[1]`` (re-encoded losslessly, so no other frame changes)."""
    import av

    source = video.with_suffix(".orig.mp4")
    video.rename(source)
    with av.open(str(source)) as src, av.open(str(video), "w", format="mp4") as out:
        v_in, a_in = src.streams.video[0], src.streams.audio[0]
        a_out = out.add_stream_from_template(a_in)
        if stale is None:
            v_out = out.add_stream_from_template(v_in)
        else:
            v_out = out.add_stream("libx264", rate=Fraction(FPS["low"], 1))
            v_out.width, v_out.height, v_out.pix_fmt = v_in.width, v_in.height, "yuv420p"
            v_out.options = {"qp": "0"}
            frames = [f.to_ndarray(format="yuv420p") for f in src.decode(v_in)]
            frames[stale[0]] = frames[stale[1]]
            for k, image in enumerate(frames):
                frame = av.VideoFrame.from_ndarray(image, format="yuv420p")
                frame.pts, frame.time_base = k, Fraction(1, FPS["low"])
                out.mux(v_out.encode(frame))
            out.mux(v_out.encode())
            src.seek(0)
        for packet in src.demux(a_in) if stale else src.demux(v_in, a_in):
            if packet.dts is None:
                continue
            if packet.stream is a_in:
                packet.pts += audio_shift
                packet.dts += audio_shift
            packet.stream = a_out if packet.stream is a_in else v_out
            out.mux(packet)
    source.unlink()


def test_a_second_whole_render_passes_every_check(whole, tmp_path):
    again = render(tmp_path, "saturation", "low", WHOLE)
    assert failures(pair(whole, again)) == {}


def test_narration_laid_20_ms_late_fails_only_the_sync_check(whole, tmp_path):
    other = copy_of(whole, tmp_path)
    remux(other / f"{STEM}.mp4", audio_shift=round(0.020 * 48000))
    failed = failures(pair(whole, other))
    assert list(failed) == ["check_sync"] and "+20.0 ms" in failed["check_sync"]


def test_a_cue_one_frame_late_fails_only_the_subtitle_check(whole, tmp_path):
    import srt

    other = copy_of(whole, tmp_path)
    path = other / f"{STEM}.srt"
    cues = list(srt.parse(path.read_text(encoding="utf-8")))
    cues[1].end += datetime.timedelta(seconds=1 / FPS["low"])
    cues[2].start += datetime.timedelta(seconds=1 / FPS["low"])
    path.write_text(srt.compose(cues), encoding="utf-8")
    failed = failures(pair(whole, other))
    assert list(failed) == ["check_subtitles"] and "cue 2" in failed["check_subtitles"]


def test_a_chunk_opening_on_stale_state_fails_only_the_frame_check(whole, tmp_path):
    other = copy_of(whole, tmp_path)
    third_beat = pair(whole, other).beat_starts()[2][1]
    remux(other / f"{STEM}.mp4", stale=(third_beat, third_beat - FPS["low"]))
    failed = failures(pair(whole, other))
    assert list(failed) == ["check_frames"]
    assert f"1 frames below 45.0 dB PSNR: frame {third_beat} (follow_the_probe" in failed["check_frames"]


def test_another_parameter_fails_every_whole_render_check(whole, tmp_path):
    (tmp_path / "p.toml").write_text("[saturation]\nthreshold = 2.5\n", encoding="utf-8")
    other = render(tmp_path / "out", "saturation", "low", WHOLE, "--params", str(tmp_path / "p.toml"))
    failed = failures(pair(whole, other))
    # The first beat's line is the same, so its clip's sound is too; everything else moved.
    assert set(failed) == {c.__name__ for c in CHECKS} - {"check_clip_sound"}
