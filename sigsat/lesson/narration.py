"""What the lecturer says: filling a scene's line templates with computed numbers, and pacing them.

Each lesson module under :mod:`sigsat.lesson.scenes` holds its scene's templates (``LINES``: beat id ->
template, in beat order) beside the computation that fills them, so a changed parameter changes
the narration with the picture.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import platformdirs

__all__ = ["fill", "reading_seconds", "recording_path", "script", "voice_cache_dir", "spoken",
           "voiced_text", "espeak_input", "recorded_input", "line_audio", "store_name"]

_FIELD = re.compile(r"{(\w+)}")


def fill(templates: dict[str, str], values: dict[str, str]) -> dict[str, str]:
    """Every beat's line with ``values`` filled in; a template naming a missing value is an error.

    Examples
    --------
    >>> fill({"intro": "The slope peaks at {peak}."}, {"peak": "0.25"})
    {'intro': 'The slope peaks at 0.25.'}
    """
    lines = {}
    for beat, template in templates.items():
        missing = set(_FIELD.findall(template)) - set(values)
        if missing:
            raise KeyError(f"narration of beat {beat!r} needs {sorted(missing)}")
        lines[beat] = template.format(**values)
    return lines


def reading_seconds(text: str, words_per_minute: float, pause: float) -> float:
    """How long a beat should hold so that its line can be read (or said) at the given pace.

    Examples
    --------
    >>> reading_seconds("one two three four five six seven eight nine ten", 150, pause=0.6)
    4.6
    """
    return round(len(text.split()) * 60.0 / words_per_minute + pause, 3)


def recording_path(folder: str | os.PathLike, scene: str, beat: str) -> Path:
    """Where a lecturer's recording of one line lives: ``<folder>/<scene>/<beat>.wav``."""
    return Path(folder) / scene / f"{beat}.wav"


def script(scripts: list[tuple[str, str, dict[str, str]]]) -> str:
    """The narration as a script to read from: one line per beat, each with its recording id.

    ``scripts`` holds (scene id, scene title, beat id -> line) in lesson order.

    Examples
    --------
    >>> print(script([("intro", "Hello", {"greet": "Good morning."})]))
    # intro: Hello
    intro/greet	Good morning.
    <BLANKLINE>
    """
    out = []
    for scene, title, lines in scripts:
        out.append(f"# {scene}: {title}")
        out += [f"{scene}/{beat}\t{line}" for beat, line in lines.items()]
        out.append("")
    return "\n".join(out)


def voice_cache_dir() -> Path:
    """The persistent folder of synthesised and recorded audio.

    The platform's user cache folder: ``$XDG_CACHE_HOME/sigsat/voice`` or
    ``~/.cache/sigsat/voice`` on Linux (the folder of earlier versions, so existing stores stay
    warm), ``~/Library/Caches/sigsat/voice`` on macOS, ``%LOCALAPPDATA%\\sigsat\\Cache\\voice`` on
    Windows.
    """
    return platformdirs.user_cache_path("sigsat", appauthor=False) / "voice"


# The voice store: one WAV per line and voice, named by a digest of what made it. The scenes'
# speech services (scenes/voice.py) and the render key (sigsat.production.keys) both name files with
# these functions, so the key covers exactly the audio a render uses and the two cannot drift.


def voiced_text(line: str) -> str:
    """The text a voice service receives for a narration line.

    The line as spoken, with whitespace collapsed as manim-voiceover does before it calls the
    service (the store name is a digest of this text).

    Examples
    --------
    >>> voiced_text("σ′(5)   ≈ 0.0066,  tiny ")
    'sigma prime(5) ≈ 0.0066, tiny'
    """
    return " ".join(spoken(line).split())


def espeak_input(text: str, voice: str, words_per_minute: float, pause: float) -> dict[str, Any]:
    """What espeak-ng is asked to say: the input data of one line, digested into its store name."""
    return {"input_text": text, "service": "espeak-ng", "voice": voice,
            "words_per_minute": int(round(words_per_minute)), "pause": pause}


def recorded_input(text: str, recording: Path, pause: float) -> dict[str, Any]:
    """What a recorded line plays: its text and the recording's content (None when missing)."""
    digest = hashlib.sha256(recording.read_bytes()).hexdigest() if recording.is_file() else None
    return {"input_text": text, "service": "recorded", "sha256": digest, "pause": pause}


def line_audio(narration: Any, scene: str, beat: str, line: str) -> dict[str, Any] | None:
    """The voice service's input data for one beat's line under ``[narration]``; None when silent."""
    text = voiced_text(line)
    if narration.mode == "espeak":
        return espeak_input(text, narration.voice, narration.words_per_minute, narration.pause)
    if narration.mode == "recorded":
        return recorded_input(text, recording_path(narration.recordings, scene, beat), narration.pause)
    return None


def store_name(input_data: dict[str, Any]) -> str:
    """The file name of a line's audio in the voice store: content-addressed by its input data.

    Examples
    --------
    >>> hello = store_name(espeak_input("Hello.", "en-us", 150, 0.6))
    >>> hello.startswith("espeak-ng-"), hello == store_name(espeak_input("Hello.", "en-us", 150, 0.8))
    (True, False)
    """
    digest = hashlib.sha256(json.dumps(input_data, sort_keys=True).encode()).hexdigest()[:16]
    return f"{input_data['service']}-{digest}.wav"


_SUPERSCRIPT_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
_SPOKEN = [
    (re.compile(r"(\d(?:\.\d+)?)×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)"),
     lambda m: f"{m[1]} times ten to the {_power(m[2].translate(_SUPERSCRIPT_DIGITS))}"),
    (re.compile(r"([\w.]+)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)"),
     lambda m: f"{m[1]} to the power {m[2].translate(_SUPERSCRIPT_DIGITS)}"),
    (re.compile(r"\|z\|"), lambda m: "the size of z"),
    (re.compile(r"σ[′']"), lambda m: "sigma prime"),
    (re.compile(r"σ"), lambda m: "sigma"),
    (re.compile(r"\s*≤\s*"), lambda m: " at most "),
    (re.compile(r"\s*≥\s*"), lambda m: " at least "),
    (re.compile(r"\s*<\s*"), lambda m: " below "),
    (re.compile(r"\s*>\s*"), lambda m: " above "),
    (re.compile(r"(\d)×"), lambda m: f"{m[1]} times"),
    (re.compile(r"×\s*(\d)"), lambda m: f"times {m[1]}"),
    (re.compile(r"\s*×\s*"), lambda m: " times "),
    (re.compile(r"(\d)\s*=\s*"), lambda m: f"{m[1]} equals "),
]


def _power(exponent: str) -> str:
    return f"minus {exponent[1:]}" if exponent.startswith("-") else exponent


def spoken(line: str) -> str:
    """A narration line as a voice should read it: the written line keeps its symbols.

    Examples
    --------
    >>> spoken("Layer 1 gets 4.5×10⁻⁷ of it, 0.2⁵ in all; |z| ≤ 3, 1.5× faster")
    'Layer 1 gets 4.5 times ten to the minus 7 of it, 0.2 to the power 5 in all; the size of z at most 3, 1.5 times faster'
    """
    for pattern, replacement in _SPOKEN:
        line = pattern.sub(replacement, line)
    return line
