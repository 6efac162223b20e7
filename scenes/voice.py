"""Offline speech services for manim-voiceover: Debian's espeak-ng, and a lecturer's own recordings.

Both are ``SpeechService`` subclasses, so a lecturer with a cloud voice can swap in any of the
plugin's own services. Audio is cached by text and service settings in a persistent folder.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import wave
from pathlib import Path

from manim_voiceover.services.base import SpeechService

from sigsat.narration import recording_path

__all__ = ["EspeakService", "RecordedService", "MissingRecording"]


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


class EspeakService(SpeechService):
    """espeak-ng writing WAV directly (the plugin's pyttsx3 service names WAV data ``.mp3``)."""

    def __init__(self, voice: str = "en-us", words_per_minute: float = 150, pause: float = 0.0, **kwargs):
        self.voice = voice
        self.words_per_minute = int(round(words_per_minute))
        self.pause = pause
        super().__init__(**kwargs)

    def generate_from_text(self, text: str, cache_dir=None, path=None, **kwargs) -> dict:
        cache_dir = Path(cache_dir or self.cache_dir)
        input_data = {"input_text": text, "service": "espeak-ng", "voice": self.voice,
                      "words_per_minute": self.words_per_minute, "pause": self.pause}
        cached = self.get_cached_result(input_data, cache_dir)
        if cached is not None and (cache_dir / cached["original_audio"]).exists():
            return cached
        audio = path or self.get_audio_basename(input_data) + ".wav"
        subprocess.run(["espeak-ng", "-v", self.voice, "-s", str(self.words_per_minute),
                        "-w", str(cache_dir / audio), text], check=True, capture_output=True)
        append_silence(cache_dir / audio, self.pause)
        return {"input_text": text, "input_data": input_data, "original_audio": audio}


class RecordedService(SpeechService):
    """Plays the lecturer's own WAV for each line: ``<folder>/<scene>/<beat>.wav``.

    The line's id comes with each voiceover as ``recording="<scene>/<beat>"``.
    """

    def __init__(self, folder: str | Path, pause: float = 0.0, **kwargs):
        self.folder = Path(folder)
        self.pause = pause
        super().__init__(**kwargs)

    def generate_from_text(self, text: str, cache_dir=None, path=None, recording: str = "", **kwargs) -> dict:
        cache_dir = Path(cache_dir or self.cache_dir)
        scene, beat = recording.split("/")
        source = recording_path(self.folder, scene, beat)
        if not source.is_file():
            raise MissingRecording(f"no recording {source} for the line {text!r}")
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
        input_data = {"input_text": text, "service": "recorded", "sha256": digest, "pause": self.pause}
        cached = self.get_cached_result(input_data, cache_dir)
        if cached is not None and (cache_dir / cached["original_audio"]).exists():
            return cached
        audio = f"{scene}-{beat}-{digest}.wav"
        shutil.copyfile(source, cache_dir / audio)
        append_silence(cache_dir / audio, self.pause)
        return {"input_text": text, "input_data": input_data, "original_audio": audio}
