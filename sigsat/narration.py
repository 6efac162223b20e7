"""What the lecturer says: filling a scene's line templates with computed numbers, and pacing them.

Each lesson module under :mod:`sigsat.lessons` holds its scene's templates (``LINES``: beat id ->
template, in beat order) beside the computation that fills them, so a changed parameter changes
the narration with the picture.
"""

from __future__ import annotations

import os
import re
import subprocess
import wave
from pathlib import Path

__all__ = ["fill", "reading_seconds", "recording_path", "script", "recording_problems",
           "voice_cache_dir", "espeak_version", "spoken"]

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


def reading_seconds(text: str, words_per_minute: float, pause: float = 0.8) -> float:
    """How long a beat should hold so that its line can be read (or said) at the given pace.

    Examples
    --------
    >>> reading_seconds("one two three four five six seven eight nine ten", 150)
    4.8
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


def recording_problems(folder: str | os.PathLike, scripts: list[tuple[str, str, dict[str, str]]]) -> list[str]:
    """``path (what is wrong)`` for every line of ``scripts`` whose recording in ``folder`` is
    missing, empty, unreadable or not a WAV file with audio, in script order."""
    problems = []
    for scene, _, lines in scripts:
        for beat, line in lines.items():
            path = recording_path(folder, scene, beat)
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


def voice_cache_dir() -> Path:
    """The persistent folder of synthesised and recorded audio (``$XDG_CACHE_HOME/sigsat/voice``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sigsat" / "voice"


def espeak_version() -> str:
    """espeak-ng's version line (part of the render key: another espeak speaks differently)."""
    try:
        done = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "espeak-ng missing"
    return done.stdout.split("Data at")[0].strip()


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
