"""A scene rendered in chunks of whole beats, and the chunks joined into the scene's outputs.

A chunk job runs manim on a range of the scene's beats (:mod:`sigsat.lesson.chunks`): it writes
only those beats' frames, a silent video, one clip per beat, and a record of each beat's narration
line and audio. Finished chunks are kept in the chunk store (``<out>/.cache/chunks/<scene>/``),
named by the scene's render key and the beat range, so a render that failed part-way re-renders
only the chunks that are missing.

Joining copies the chunks' video packets one after another (no re-encoding), lays the whole
narration over the joined picture once, at times counted in frames (so no join falls inside a
voice), and writes the subtitles, beat clips and poster exactly as a whole-scene render does.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import srt
import datetime

from ..lesson.chunks import read_records
from . import media
from .naming import scene_outputs
from .sections import write_sections

__all__ = ["CHUNK_VIDEO", "CHUNK_SECTIONS", "stage_chunk", "is_complete", "keep", "Join", "join"]

CHUNK_VIDEO = "video.mp4"
CHUNK_SECTIONS = "sections"   # folder: the beat clips and manim's sections.json


def stage_chunk(made: Path, cls: str, staging: Path) -> tuple[str, ...]:
    """Move what manim made for a chunk (``made``: its quality folder) into ``staging``, where
    the scene wrote its beat record; return the names it holds."""
    shutil.move(made / f"{cls}.mp4", staging / CHUNK_VIDEO)
    sections = staging / CHUNK_SECTIONS
    sections.mkdir()
    entries = [e for e in json.loads((made / "sections" / f"{cls}.json").read_text()) if e.get("video")]
    for entry in entries:
        shutil.move(made / "sections" / entry["video"], sections / entry["video"])
    (sections / "sections.json").write_text(json.dumps(entries, indent=1))
    return tuple(sorted(p.name for p in staging.iterdir()))


def is_complete(folder: Path) -> bool:
    """Whether a kept chunk folder holds a whole chunk (it is moved into place only when it does)."""
    return (folder / CHUNK_VIDEO).is_file() and (folder / CHUNK_SECTIONS / "sections.json").is_file()


def keep(staging: Path, folder: Path) -> None:
    """Move a finished chunk from ``staging`` into the chunk store at ``folder``, atomically."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(staging, folder)


@dataclass(frozen=True)
class Join:
    """Joining one scene's kept chunks (plain data, so any executor can carry it)."""

    scene_id: str
    stem: str
    chunks: tuple[str, ...]      # kept chunk folders, in beat order
    staging_dir: str
    formats: tuple[str, ...] = ()


def join(job: Join) -> tuple[tuple[str, ...], float]:
    """Write the scene's outputs from its chunks into ``job.staging_dir``; return the names
    written (as a whole render's) and the video's duration in seconds."""
    staging = Path(job.staging_dir)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    chunks = [Path(c) for c in job.chunks]
    silent = staging / f".{job.stem}.silent.mp4"
    media.concat_videos([c / CHUNK_VIDEO for c in chunks], silent)
    fps = Fraction(media.probe(silent).fps).limit_denominator(1001)
    beats = _beats(chunks)
    starts, frames = [], 0
    for beat in beats:
        starts.append(Fraction(frames) / fps)
        frames += beat["frames"]
    video = staging / f"{job.stem}.mp4"
    sounds = [(b["folder"] / b["audio"], float(t + Fraction(b["audio_offset"]))) for b, t in zip(beats, starts)
              if b["audio"]]
    if sounds:
        wav = staging / f".{job.stem}.wav"
        media.mix_sounds(sounds, float(Fraction(frames) / fps), wav)
        media.with_soundtrack(silent, wav, video)
        wav.unlink()
        silent.unlink()
    else:
        os.replace(silent, video)
    cues = [srt.Subtitle(i + 1, _delta(t), _delta(t + Fraction(b["frames"]) / fps), b["line"])
            for i, (b, t) in enumerate(zip(beats, starts))]
    subtitles = srt.compose(cues, reindex=True)
    (staging / f"{job.stem}.srt").write_text(subtitles)
    (staging / f"{job.stem}.vtt").write_text(media.srt_to_vtt(subtitles))
    media.last_frame(video).save(staging / f"{job.stem}.png")
    _beat_clips(beats, video, staging / job.stem)
    if "gif" in job.formats:
        media.write_gif(video, staging / f"{job.stem}.gif")
    return tuple(scene_outputs(job.stem, job.formats)), media.probe(video).duration


def _beats(chunks: list[Path]) -> list[dict]:
    """Every rendered beat of the chunks in order: manim's section entry, the beat's record
    (index, line, audio) and its clip's frame count."""
    beats = []
    for folder in chunks:
        entries = json.loads((folder / CHUNK_SECTIONS / "sections.json").read_text())
        records = read_records(folder)
        if [e["name"] for e in entries] != [r.name for r in records]:
            raise ValueError(f"chunk {folder}: its sections {[e['name'] for e in entries]} do not match "
                             f"its beats {[r.name for r in records]}")
        for entry, record in zip(entries, records):
            clip = folder / CHUNK_SECTIONS / entry["video"]
            beats.append(dict(entry=entry, clip=clip, folder=folder, index=record.index, name=record.name,
                              line=record.line, audio=record.audio, audio_offset=record.audio_offset,
                              frames=media.video_frames(clip)))
    return beats


def _beat_clips(beats: list[dict], video: Path, target: Path) -> None:
    """The beat clips and their ``sections.json``, named as a whole render names them."""
    target.mkdir()
    listed = [dict(b["entry"], video=f"{b['index'] + 1:02d}_{b['name']}.mp4") for b in beats]
    dests = [target / e["video"] for e in listed]
    if media.probe(video).has_audio:
        media.clips_with_audio(video, [b["clip"] for b in beats], dests)
    else:
        for beat, dest in zip(beats, dests):
            shutil.copyfile(beat["clip"], dest)
    write_sections(target, listed)


def _delta(seconds: Fraction) -> datetime.timedelta:
    return datetime.timedelta(seconds=float(seconds))
