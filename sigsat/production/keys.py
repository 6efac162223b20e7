"""Render keys: one hash of everything a scene's video is made from, and its parts, by name.

A key covers the scene's parameters (discovered: :func:`sigsat.lesson.lecture.reads`), the audio
each beat plays (its voice-store name), manim's version and the render settings, and the source
files. Sources are whole folders, not a list of modules, so a new module is in the key the moment
it exists: all of ``sigsat/core`` and ``sigsat/lesson`` and the scene kit ``scenes/`` (voice
services included), minus the other scenes' own modules (``sigsat/lesson/scenes/<id>.py``,
``scenes/<id>.py``) and the whole-lecture scene ``scenes/lecture.py``. ``sigsat/production`` and
the command line only move files around: editing them re-renders nothing.

A scene in another language than English also has in its key the catalog entries it uses: the
translation of every message marked in its sources (see :func:`scene_messages`), so a changed German
line re-renders only the German scenes whose sources mark it. The catalogs themselves live outside
the keyed folders (``sigsat/locale``), so editing one changes no other key.

The parts are kept in the manifest entry (:func:`KeyParts.record`), so ``sigsat render
--dry-run`` can say which of them changed.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_file

from ..lesson import i18n, lecture, narration, params as params_mod
from ..lesson.params import Params

__all__ = ["SIGSAT_DIR", "SCENES_DIR", "KeyParts", "key_parts", "scene_key", "source_files",
           "scene_file", "scene_messages"]

#: The package whose ``core`` and ``lesson`` folders are in every key.
SIGSAT_DIR = Path(__file__).resolve().parents[1]
#: The manim side: the scene kit, the voice services and one module per scene.
SCENES_DIR = Path(importlib.util.find_spec("scenes").origin).resolve().parent
#: Folders of ``sigsat`` in the key; the others (production) never change a picture.
KEYED_FOLDERS = ("core", "lesson")
#: The scene module that joins all scenes: not part of any one scene's video.
LECTURE_SCENE = "lecture.py"
#: The live preview's stills worker: it runs scenes, draws nothing of its own into a video.
PREVIEW_WORKER = "preview_worker.py"


def scene_file(spec: lecture.SceneSpec) -> Path:
    """The manim module of ``spec``: ``scenes/<id>.py``."""
    return SCENES_DIR / f"{spec.id}.py"


def _is_source(path: Path) -> bool:
    """A file of the project, not a cache or an editor's hidden file."""
    return (path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")
            and path.suffix != ".pyc")


def source_files(spec: lecture.SceneSpec) -> list[Path]:
    """Every file whose change can change ``spec``'s video, sorted.

    ``sigsat/__init__.py``, everything under ``sigsat/core`` and ``sigsat/lesson`` and in
    ``scenes/``, except another scene's lesson or scene module, ``scenes/lecture.py`` and the
    preview's ``scenes/preview_worker.py``.
    """
    others = {f"{s.id}.py" for s in lecture.SCENES if s != spec}
    own_lessons = SIGSAT_DIR / "lesson" / "scenes"
    files = [SIGSAT_DIR / "__init__.py"]
    for folder in KEYED_FOLDERS:
        files += [p for p in (SIGSAT_DIR / folder).rglob("*")
                  if _is_source(p) and not (p.parent == own_lessons and p.name in others)]
    files += [p for p in SCENES_DIR.rglob("*")
              if _is_source(p) and not (p.parent == SCENES_DIR and p.name in others | {LECTURE_SCENE, PREVIEW_WORKER})]
    return sorted(files)


def _label(path: Path) -> str:
    """``sigsat/core/chain.py``, ``scenes/voice.py``: a source's name in keys and manifests."""
    for root in (SIGSAT_DIR, SCENES_DIR):
        if path.is_relative_to(root):
            return f"{root.name}/{path.relative_to(root).as_posix()}"
    return path.as_posix()


@functools.lru_cache(maxsize=1024)
def _digest(path: Path, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@dataclass(frozen=True)
class KeyParts:
    """The inputs of one scene's render, each by name; :attr:`key` is their hash."""

    params: dict[str, Any]         # "table.key" -> value, the parameters the scene reads
    audio: dict[str, str]          # beat -> voice-store file name, or "silent"
    settings: dict[str, Any]       # manim version, quality, transparent, formats
    sources: dict[str, str]        # "sigsat/core/chain.py" -> digest of its bytes
    # English message -> its translation, for a scene in another language (empty in English)
    translations: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        parts = [{k: repr(v) for k, v in self.params.items()}, self.audio, self.settings, self.sources]
        if self.translations:  # English keys keep the form they always had
            parts.append(self.translations)
        text = json.dumps(parts, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def record(self) -> dict[str, Any]:
        """What a manifest entry keeps besides ``inputs`` (the parameters) to explain a new key."""
        kept = {"audio": dict(self.audio), "settings": dict(self.settings), "sources": dict(self.sources)}
        if self.translations:
            kept["translations"] = dict(self.translations)
        return kept


@functools.lru_cache(maxsize=1024)
def _marked(path: Path, _mtime_ns: int, _size: int) -> frozenset[str]:
    keywords = {k: None for k in i18n.KEYWORDS}
    with path.open("rb") as f:
        found = extract_from_file("python", f.name, keywords=keywords)
        return frozenset(m[1] for m in found if isinstance(m[1], str))


def scene_messages(spec: lecture.SceneSpec) -> list[str]:
    """The English messages ``spec``'s video can show or say: every one marked for translation in
    its sources, except the other scenes' titles (the scene list lives in one shared module)."""
    registry = SIGSAT_DIR / "lesson" / "lecture.py"
    found = {spec.title}
    for path in source_files(spec):
        if path.suffix == ".py" and path != registry:
            stat = path.stat()
            found |= _marked(path, stat.st_mtime_ns, stat.st_size)
    return sorted(found)


def key_parts(spec: lecture.SceneSpec, params: Params, quality: str, transparent: bool = False,
              formats: tuple[str, ...] = ()) -> KeyParts:
    """The parts of ``spec``'s render key under ``params`` and these render settings.

    The audio is named by its voice-store file, which is what the render plays whether or not
    espeak-ng is installed.
    """
    flat = params_mod.flatten(params)
    seen = params_mod.Recording(params)
    inputs = lecture.scene_inputs(spec, seen)
    audio = {beat: narration.store_name(data) if data else "silent"
             for beat, data in inputs.audio.items()}
    settings = {"manim": importlib.metadata.version("manim"), "quality": quality,
                "transparent": transparent, "formats": sorted(formats)}
    sources = {_label(p): _file_digest(p) for p in source_files(spec)}
    language = params.narration.language
    translations = ({} if language == i18n.SOURCE_LANGUAGE
                    else i18n.entries(language, scene_messages(spec)))
    return KeyParts({k: flat[k] for k in seen.reads}, audio, settings, sources, translations)


def scene_key(spec: lecture.SceneSpec, params: Params, options: Any) -> str:
    """A hash of every input of one scene's render: equal keys mean an identical video.

    ``options`` is a :class:`sigsat.production.pipeline.Options` (quality, transparent, formats).
    """
    return key_parts(spec, params, options.quality, options.transparent, tuple(options.formats)).key
