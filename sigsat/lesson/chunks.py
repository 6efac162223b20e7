"""The contract between the render pipeline and a scene rendered in chunks of whole beats.

A chunk is a range of a scene's beats, ``first`` to ``last`` (0-based, inclusive). The pipeline
names it in ``$SIGSAT_CHUNK`` when it starts manim; the scene then draws only those beats' frames
(earlier beats run with manim's section skipping, so every mobject, tracker and updater reaches the
state it has in a whole render), stops after ``last``, adds no sound and writes no subtitles. It
records instead, in ``<record>/beats.json``, each rendered beat's narration line and audio file,
which the pipeline lays over the joined video once.

This module is the whole contract: plain data, read by both sides, no manim.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["CHUNK_ENV", "BEATS_FILE", "BeatRange", "BeatRecord", "read_records", "write_records"]

CHUNK_ENV = "SIGSAT_CHUNK"
BEATS_FILE = "beats.json"


@dataclass(frozen=True)
class BeatRange:
    """Beats ``first`` to ``last`` of a scene, with the folder the scene records them in.

    Examples
    --------
    >>> r = BeatRange(2, 4, "/tmp/x")
    >>> BeatRange.parse(r.to_env()) == r
    True
    """

    first: int
    last: int
    record: str

    def __post_init__(self) -> None:
        if not 0 <= self.first <= self.last:
            raise ValueError(f"a chunk's beats must satisfy 0 <= first <= last, not {self.first}..{self.last}")

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def parse(cls, text: str) -> "BeatRange":
        return cls(**json.loads(text))

    @classmethod
    def from_environment(cls) -> "BeatRange | None":
        """The chunk a scene is asked to render, or None for the whole scene."""
        text = os.environ.get(CHUNK_ENV)
        return cls.parse(text) if text else None


@dataclass
class BeatRecord:
    """One beat a chunk rendered: its index in the scene, name, narration line, and the audio the
    beat's voiceover would have added (a file in the record folder, and where in the beat it
    starts, in seconds), if any."""

    index: int
    name: str
    line: str
    audio: str | None = None
    audio_offset: float = 0.0


def write_records(folder: str | os.PathLike, records: list[BeatRecord]) -> None:
    path = Path(folder) / BEATS_FILE
    partial = path.with_name(f".{BEATS_FILE}.{os.getpid()}.part")
    partial.write_text(json.dumps([asdict(r) for r in records], indent=1))
    os.replace(partial, path)


def read_records(folder: str | os.PathLike) -> list[BeatRecord]:
    """The beats a chunk recorded, in order."""
    return [BeatRecord(**entry) for entry in json.loads((Path(folder) / BEATS_FILE).read_text())]
