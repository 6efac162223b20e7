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
           "voiced_text", "espeak_input", "festival_input", "espeak_voice", "recordings_folder", "recorded_input", "line_audio", "store_name"]

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


def recordings_folder(narration: Any) -> Path:
    """The recordings of ``[narration]``'s language: ``recordings`` itself for English (where they
    always were), ``recordings/<lang>`` for another language."""
    folder = Path(narration.recordings)
    return folder if narration.language == "en" else folder / narration.language


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


def voiced_text(line: str, language: str = "en") -> str:
    """The text a voice service receives for a narration line.

    The line as spoken, with whitespace collapsed as manim-voiceover does before it calls the
    service (the store name is a digest of this text).

    Examples
    --------
    >>> voiced_text("σ′(5)   ≈ 0.0066,  tiny ")
    'sigma prime(5) ≈ 0.0066, tiny'
    """
    return " ".join(spoken(line, language).split())


def espeak_input(text: str, voice: str, words_per_minute: float, pause: float) -> dict[str, Any]:
    """What espeak-ng is asked to say: the input data of one line, digested into its store name."""
    return {"input_text": text, "service": "espeak-ng", "voice": voice,
            "words_per_minute": int(round(words_per_minute)), "pause": pause}


#: Festival's HTS voice (Debian's festvox-us-slt-hts): US English, female, offline.
FESTIVAL_VOICE = "cmu_us_slt_arctic_hts"


def festival_input(text: str, pause: float) -> dict[str, Any]:
    """What Festival is asked to say (its voice speaks at its own pace, not words_per_minute)."""
    return {"input_text": text, "service": "festival", "voice": FESTIVAL_VOICE, "pause": pause}


def espeak_voice(narration: Any) -> str:
    """The espeak-ng voice of ``[narration]``: ``voice`` for English, and for another language
    ``voice`` when it is one of that language's (``de+f3``), else the language's own (``de``).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> [espeak_voice(NS(language=l, voice=v)) for l, v in (("en", "en-gb"), ("de", "en-us"), ("de", "de+f3"))]
    ['en-gb', 'de', 'de+f3']
    """
    voice, language = narration.voice, narration.language
    if language == "en" or re.split(r"[-+]", voice)[0] == language:
        return voice
    return language


def recorded_input(text: str, recording: Path, pause: float) -> dict[str, Any]:
    """What a recorded line plays: its text and the recording's content (None when missing)."""
    digest = hashlib.sha256(recording.read_bytes()).hexdigest() if recording.is_file() else None
    return {"input_text": text, "service": "recorded", "sha256": digest, "pause": pause}


def line_audio(narration: Any, scene: str, beat: str, line: str) -> dict[str, Any] | None:
    """The voice service's input data for one beat's line under ``[narration]``; None when silent."""
    language = narration.language
    text = voiced_text(line, language)
    if narration.mode == "espeak":
        return espeak_input(text, espeak_voice(narration), narration.words_per_minute, narration.pause)
    if narration.mode == "festival":
        return festival_input(text, narration.pause)
    if narration.mode == "recorded":
        return recorded_input(text, recording_path(recordings_folder(narration), scene, beat), narration.pause)
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

#: How each language says the lecture's symbols. espeak-ng reads a number in its own language's
#: form (``de``: "0,0066" is "null Komma null null sechs sechs", "2,7 %" "zwei Komma sieben
#: Prozent") but skips a superscript exponent, the Spanish voice drops a minus sign (and says a
#: spaced "−" in English), and the German one reads "1/32" as "eins zweiunddreißig": those are
#: written out here. English keeps what its voice always said (no ``over``).
_SAID = {
    "en": dict(ten="times ten to the {e}", power="to the power {e}", size="the size of z",
               prime="sigma prime", sigma="sigma", le="at most", ge="at least", lt="below",
               gt="above", fold="{n} times", times="times", equals="equals", minus="minus"),
    "de": dict(ten="mal zehn hoch {e}", power="hoch {e}", size="der Betrag von z",
               prime="Sigma Strich", sigma="Sigma", le="höchstens", ge="mindestens", lt="unter",
               gt="über", fold="{n} mal", times="mal", equals="gleich", minus="minus", over="durch"),
    "es": dict(ten="por diez elevado a {e}", power="elevado a {e}", size="el valor absoluto de z",
               prime="sigma prima", sigma="sigma", le="como mucho", ge="al menos", lt="por debajo de",
               gt="por encima de", fold="{n} veces", times="por", equals="igual a", minus="menos",
               over="entre", say_minus="yes"),
}


def _power(exponent: str, said: dict[str, str]) -> str:
    exponent = exponent.translate(_SUPERSCRIPT_DIGITS)
    return f"{said['minus']} {exponent[1:]}" if exponent.startswith("-") else exponent


def _rules(said: dict[str, str]) -> list:
    return [
        (re.compile(r"(\d(?:[.,]\d+)?)×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)"),
         lambda m: f"{m[1]} {said['ten'].format(e=_power(m[2], said))}"),
        (re.compile(r"([\w.,]+)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)"),
         lambda m: f"{m[1]} {said['power'].format(e=_power(m[2], said))}"),
        (re.compile(r"\|z\|"), lambda m: said["size"]),
        (re.compile(r"σ[′']"), lambda m: said["prime"]),
        (re.compile(r"σ"), lambda m: said["sigma"]),
        (re.compile(r"\s*≤\s*"), lambda m: f" {said['le']} "),
        (re.compile(r"\s*≥\s*"), lambda m: f" {said['ge']} "),
        (re.compile(r"\s*<\s*"), lambda m: f" {said['lt']} "),
        (re.compile(r"\s*>\s*"), lambda m: f" {said['gt']} "),
        (re.compile(r"(\d)×"), lambda m: said["fold"].format(n=m[1])),
        (re.compile(r"×\s*(\d)"), lambda m: f"{said['times']} {m[1]}"),
        (re.compile(r"\s*×\s*"), lambda m: f" {said['times']} "),
        (re.compile(r"(\d)\s*=\s*"), lambda m: f"{m[1]} {said['equals']} "),
    ] + ([(re.compile(r"(?<![\w.,])[-−] ?(\d)"), lambda m: f"{said['minus']} {m[1]}")]
         if said.get("say_minus") else []) + \
        ([(re.compile(r"(\d)/(\d)"), lambda m: f"{m[1]} {said['over']} {m[2]}")] if "over" in said else [])


_SPOKEN = {code: _rules(said) for code, said in _SAID.items()}


def spoken(line: str, language: str = "en") -> str:
    """A narration line as a voice should read it: the written line keeps its symbols.

    Examples
    --------
    >>> spoken("Layer 1 gets 4.5×10⁻⁷ of it, 0.2⁵ in all; |z| ≤ 3, 1.5× faster")
    'Layer 1 gets 4.5 times ten to the minus 7 of it, 0.2 to the power 5 in all; the size of z at most 3, 1.5 times faster'
    >>> spoken("Schicht 1 erhält 4,5×10⁻⁷ davon, 0,2⁵; σ′(5) ist 0,0066", "de")
    'Schicht 1 erhält 4,5 mal zehn hoch minus 7 davon, 0,2 hoch 5; Sigma Strich(5) ist 0,0066'
    >>> spoken("z = -0,5", "es")
    'z = menos 0,5'
    """
    for pattern, replacement in _SPOKEN.get(language, _SPOKEN["en"]):
        line = pattern.sub(replacement, line)
    return line
