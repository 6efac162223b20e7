"""``sigsat render --dry-run``: what a render would do and why, like ``make -n``.

For each selected scene: "up to date", or the inputs of its render key that changed since the
manifest recorded them (parameters with their old and new values, source files, render settings,
the audio of beats), a damaged output, or "never rendered". Reads only: renders nothing, writes
nothing and takes no lock, so it can run beside a render.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from ..lesson import lecture
from ..lesson.params import Params
from . import manifest as manifest_mod
from .keys import KeyParts, key_parts
from .naming import lecture_stem
from .pipeline import Options, Plan, chunk_range, lecture_key, output_dir, plan, select, with_overrides

__all__ = ["changes", "dry_run"]

_ABSENT = object()


def _shown(value: Any) -> str:
    """A value as the parameter file writes it; a parameter the scene did not read is ``(unread)``."""
    if value is _ABSENT:
        return "(unread)"
    return json.dumps(value) if isinstance(value, (str, bool, list)) else str(value)


def _differences(old: dict, new: dict) -> list[tuple[str, Any, Any]]:
    """(name, old, new) of every name whose value differs, missing ones as ``_ABSENT``."""
    return [(k, old.get(k, _ABSENT), new.get(k, _ABSENT)) for k in sorted(set(old) | set(new))
            if old.get(k, _ABSENT) != new.get(k, _ABSENT)]


def changes(entry: dict | None, parts: KeyParts, out: Path) -> list[str]:
    """Why a scene whose key inputs are ``parts`` would be rendered again into ``out``, given its
    manifest ``entry``: empty when it is up to date.

    Examples
    --------
    >>> parts = KeyParts({"saturation.probe_z": 7.5}, {"intro": "silent"}, {"quality": "low"},
    ...                  {"scenes/voice.py": "b"})
    >>> old = {"key": "x", "files": [], "inputs": {"saturation.probe_z": 5.0},
    ...        "audio": {"intro": "silent"}, "settings": {"quality": "low"},
    ...        "sources": {"scenes/voice.py": "a"}}
    >>> changes(old, parts, Path("."))
    ['parameter saturation.probe_z: 5.0 -> 7.5', 'source changed: scenes/voice.py']
    >>> changes(None, parts, Path("."))
    ['never rendered']
    """
    if entry is None:
        return ["never rendered"]
    if entry["key"] == parts.key:
        damaged = manifest_mod.damaged(out, entry)
        return [f"damaged: {damaged}"] if damaged else []
    found = [f"parameter {k}: {_shown(a)} -> {_shown(b)}"
             for k, a, b in _differences(entry.get("inputs", {}), parts.params)]
    if "sources" not in entry:
        return found + ["rendered by an earlier sigsat, which did not record its sources"]
    found += [f"{name}: {_shown(a)} -> {_shown(b)}"
              for name, a, b in _differences(entry.get("settings", {}), parts.settings)]
    beats = [beat for beat, _, _ in _differences(entry.get("audio", {}), parts.audio)]
    if beats:
        found.append(f"audio of {len(beats)} beat(s) changed: {', '.join(beats)}")
    lines = [message for message, _, _ in _differences(entry.get("translations", {}), parts.translations)]
    if lines:
        found.append(f"translation of {len(lines)} message(s) changed: {', '.join(repr(m[:40]) for m in lines)}")
    for name, a, b in _differences(entry["sources"], parts.sources):
        found.append(f"source {'added' if a is _ABSENT else 'removed' if b is _ABSENT else 'changed'}: {name}")
    return found or ["its key changed"]


def dry_run(names: Iterable[str], params: Params, options: Options) -> list[str]:
    """One line per selected scene, and one per part's lecture when all its scenes are selected: what
    :func:`sigsat.production.pipeline.render` would do with these arguments, and why."""
    specs = select(names)
    params = with_overrides(params, options)
    out = output_dir(options, params)
    lines = []
    try:
        manifest = manifest_mod.load(out)
    except manifest_mod.ManifestError as exc:
        lines.append(f"{exc}: it would be set aside and every scene rendered")
        manifest = manifest_mod.empty()
    keys, stale = {}, set()
    the_plan = plan(specs, params, options, manifest)
    for spec in specs:
        parts = key_parts(spec, params, options.quality, options.transparent, tuple(options.formats))
        keys[spec.id] = parts.key
        why = ["--force"] if options.force else changes(manifest["scenes"].get(spec.id), parts, out)
        if why:
            stale.add(spec.id)
        line = f"{spec.id}: " + (f"would render ({'; '.join(why)})" if why else "up to date")
        lines.append(line + _chunks(the_plan, spec.id))
    for part in the_plan.lecture:
        name, ids = lecture_stem(part), [s.id for s in lecture.part_scenes(part)]
        entry = manifest.get(name)
        fresh = (stale.isdisjoint(ids) and entry is not None
                 and entry["key"] == lecture_key(keys[i] for i in ids)
                 and manifest_mod.damaged(out, entry) is None)
        lines.append(f"{name}: " + ("up to date" if fresh else "would be assembled"))
    return lines


def _chunks(the_plan: Plan, scene: str) -> str:
    """How a scene would be split: `` in 2 chunks (beats 1-3, 4-5; 1 kept from an earlier render)``."""
    folders = the_plan.chunks.get(scene)
    if not folders:
        return ""
    ranges = [chunk_range(f) for f in folders]
    shown = ", ".join(f"{a + 1}-{b + 1}" if a != b else str(a + 1) for a, b in ranges)
    rendering = {j.chunk_dir for j in the_plan.jobs if j.scene_id == scene}
    kept = sum(1 for f in folders if f not in rendering)
    return f" in {len(folders)} chunks (beats {shown}" + (f"; {kept} kept from an earlier render)" if kept else ")")
