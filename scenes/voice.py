"""Offline speech services for manim-voiceover: Debian's espeak-ng, Festival with its HTS voice,
and a lecturer's own recordings.

All are ``SpeechService`` subclasses, so a lecturer with a cloud voice can swap in any of the
plugin's own services. Their audio lives in a persistent store (``~/.cache/sigsat/voice``), named
by a digest of the text and the service settings (:func:`sigsat.lesson.narration.store_name`, which the
render key uses too) and written atomically, so several renders can share it at once and nothing
is synthesised twice. A part file left by a killed render is swept by the next service. The plugin's own cache (a JSON file that every
call appends to, without a lock) stays in each render's media folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import wave
from pathlib import Path
from typing import Callable

from manim_voiceover.services.base import SpeechService

from sigsat.lesson.narration import (FESTIVAL_VOICE, espeak_input, festival_input, recorded_input,
                                     recording_path, store_name)

__all__ = ["EspeakService", "FestivalService", "RecordedService", "MissingRecording", "append_silence", "part_name",
           "sweep_stale_parts"]


# The services are the store's only writers: each line is written under a part name and renamed
# into place, and a part file whose writer is gone is swept.

_PART = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.part")


def part_name(name: str, pid: int | None = None) -> str:
    """The temporary name under which process ``pid`` (this one) writes store file ``name``."""
    return f".{name}.{os.getpid() if pid is None else pid}.part"


def sweep_stale_parts(store: Path) -> list[Path]:
    """Remove part files of the voice store whose writer is gone (killed mid-write); return them.

    A part file of a live process is being written and stays.
    """
    removed = []
    for path in store.glob(".*.part"):
        found = _PART.fullmatch(path.name)
        if found is None or _alive(int(found["pid"])):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class MissingRecording(FileNotFoundError):
    """A narration line that has no recording; the message names the file and the line."""


def append_silence(path: Path, seconds: float) -> None:
    """Pad a WAV file with ``seconds`` of silence, so that a line's pause is part of its audio and
    the soundtrack spans the whole video."""
    with wave.open(str(path), "rb") as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    silence = b"\0" * (int(round(seconds * params.framerate)) * params.sampwidth * params.nchannels)
    with wave.open(str(path), "wb") as w:
        w.setparams(params)
        w.writeframes(frames + silence)


class _StoredSpeech(SpeechService):
    """A service whose WAVs come from the persistent store, made there once by ``make``."""

    def __init__(self, store: str | Path, pause: float = 0.0, **kwargs):
        self.store = Path(store)
        self.store.mkdir(parents=True, exist_ok=True)
        sweep_stale_parts(self.store)
        self.pause = pause
        super().__init__(**kwargs)

    def _from_store(self, text: str, input_data: dict, cache_dir, make: Callable[[Path], None]) -> dict:
        name = store_name(input_data)
        stored = self.store / name
        if not stored.exists():
            partial = stored.with_name(part_name(name))
            try:
                make(partial)
                append_silence(partial, self.pause)
                os.replace(partial, stored)
            except BaseException:  # a failed tool or an interrupt: leave no part file behind
                partial.unlink(missing_ok=True)
                raise
        local = Path(cache_dir or self.cache_dir) / name
        if not local.exists():
            try:
                os.link(stored, local)
            except OSError:
                shutil.copyfile(stored, local)
        return {"input_text": text, "input_data": input_data, "original_audio": name}


class EspeakService(_StoredSpeech):
    """espeak-ng writing WAV directly (the plugin's pyttsx3 service names WAV data ``.mp3``)."""

    def __init__(self, store: str | Path, voice: str = "en-us", words_per_minute: float = 150,
                 pause: float = 0.0, **kwargs):
        self.voice = voice
        self.words_per_minute = int(round(words_per_minute))
        super().__init__(store, pause, **kwargs)

    def generate_from_text(self, text: str, cache_dir=None, path=None, **kwargs) -> dict:
        input_data = espeak_input(text, self.voice, self.words_per_minute, self.pause)

        def speak(out: Path) -> None:
            subprocess.run(["espeak-ng", "-v", self.voice, "-s", str(self.words_per_minute),
                            "-w", str(out), text], check=True, capture_output=True)

        return self._from_store(text, input_data, cache_dir, speak)


class FestivalService(_StoredSpeech):
    """Festival's ``text2wave`` with Debian's HTS voice (festvox-us-slt-hts): English, offline,
    far less robotic than espeak-ng. It speaks at its own pace (``words_per_minute`` is espeak's)."""

    def generate_from_text(self, text: str, cache_dir=None, path=None, **kwargs) -> dict:
        input_data = festival_input(text, self.pause)

        def speak(out: Path) -> None:
            subprocess.run(["text2wave", "-eval", f"(voice_{FESTIVAL_VOICE})", "-o", str(out)],
                           input=text.encode("utf-8"), check=True, capture_output=True)

        return self._from_store(text, input_data, cache_dir, speak)


class RecordedService(_StoredSpeech):
    """Plays the lecturer's own WAV for each line: ``<folder>/<scene>/<beat>.wav``.

    The line's id comes with each voiceover as ``recording="<scene>/<beat>"``.
    """

    def __init__(self, store: str | Path, folder: str | Path, pause: float = 0.0, **kwargs):
        self.folder = Path(folder)
        super().__init__(store, pause, **kwargs)

    def generate_from_text(self, text: str, cache_dir=None, path=None, recording: str = "", **kwargs) -> dict:
        scene, beat = recording.split("/")
        source = recording_path(self.folder, scene, beat)
        if not source.is_file():
            raise MissingRecording(f"no recording {source} for the line {text!r}")
        input_data = recorded_input(text, source, self.pause)
        return self._from_store(text, input_data, cache_dir, lambda out: shutil.copyfile(source, out))
