"""The voice store and the lecturer's recordings, as files: what is missing, what can be made.

The store's file names are :mod:`sigsat.lesson.narration`'s (the render key uses them too); the
speech services that write the store are the manim side's (``scenes/voice.py``).
"""

from __future__ import annotations

import os
import shutil
import wave
from pathlib import Path
from typing import Iterable

from ..lesson import lecture, narration
from ..lesson.params import Params

__all__ = ["recording_problems", "espeak_available", "synthesiser", "unvoiced_lines"]

#: ``[narration] mode`` -> (the program that synthesises its lines, the Debian package that has it)
SYNTHESISERS = {"espeak": ("espeak-ng", "espeak-ng"), "festival": ("text2wave", "festival festvox-us-slt-hts")}


def recording_problems(folder: str | os.PathLike, scripts: list[tuple[str, str, dict[str, str]]]) -> list[str]:
    """``path (what is wrong)`` for every line of ``scripts`` whose recording in ``folder`` is
    missing, empty, unreadable or not a WAV file with audio, in script order."""
    problems = []
    for scene, _, lines in scripts:
        for beat, line in lines.items():
            path = narration.recording_path(folder, scene, beat)
            problem = _wav_problem(path)
            if problem:
                problems.append(f"{path} ({problem}; the line: {line[:40]!r}...)")
    return problems


def _wav_problem(path: Path) -> str | None:
    """What keeps ``path`` from being played as a recording (the voice reads it with ``wave``)."""
    try:
        if not path.is_file():
            return "no recording" if not path.exists() else "no recording: not a file"
        if path.stat().st_size == 0:
            return "empty: 0 bytes"
        with wave.open(str(path), "rb") as audio:
            if audio.getnframes() == 0:
                return "a WAV file without audio"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    except (EOFError, wave.Error) as exc:
        return f"not a PCM WAV file ({exc or 'cut off'})"
    return None


def espeak_available() -> bool:
    """Whether espeak-ng can be run (lines missing from the voice store need it)."""
    return shutil.which("espeak-ng") is not None


def synthesiser(mode: str) -> tuple[str, str] | None:
    """(program, Debian packages) of a synthetic voice ``mode`` that is not installed; None when it
    is, or when ``mode`` synthesises nothing."""
    if mode not in SYNTHESISERS or shutil.which(SYNTHESISERS[mode][0]):
        return None
    return SYNTHESISERS[mode]


def unvoiced_lines(specs: Iterable[lecture.SceneSpec], params: Params) -> list[str]:
    """Store names of the lines of ``specs`` that the synthetic voice would have to synthesise."""
    store = narration.voice_cache_dir()
    return [name for spec in specs
            for audio in lecture.scene_inputs(spec, params).audio.values()
            if audio and audio["service"] in ("espeak-ng", "festival")
            and not (store / (name := narration.store_name(audio))).exists()]
