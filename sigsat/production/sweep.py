"""The sweep file: variants of the parameters, each rendered into its own output root.

``sigsat sweep SWEEP.toml`` renders every variant into ``renders/sweeps/<sweep>/<variant>/``, a
complete output root (``<quality>/<theme>/manifest.json`` and the rest, as ``renders/`` holds for
a plain render). Variants are listed by hand, as a grid, or both (hand variants first)::

    name = "probe-study"          # optional; else the file's stem
    [[variant]]
    name = "near"                 # a folder name: letters, digits, . _ -
    "saturation.probe_z" = 3      # a parameter as "table.key", quoted
    theme = "light"               # short for "theme.name"
    [[variant]]
    name = "far"
    "saturation.probe_z" = 6

    [grid]                        # every combination, the last key varying fastest
    "saturation.probe_z" = [3, 4, 5]
    theme = ["dark", "light"]

A grid variant is named after its values, ``<key>-<value>`` joined by ``_`` (``probe_z-3_theme-dark``),
where ``<key>`` is the key's last part (``theme`` for ``theme.name``; the whole key when two grid
keys share a last part).
Every value is checked by the same code as the parameter file; anything wrong is refused in one
line before any render.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..lesson import params as params_mod
from ..lesson.params import ParamError, Params
from .files import atomic_write

__all__ = ["SweepError", "Variant", "Sweep", "parse_sweep", "load_sweep", "variant_root",
           "SWEEP_RECORD", "write_record", "read_record", "MAX_VARIANTS", "NAME_PATTERN"]

SWEEP_RECORD = "sweep.json"
#: More variants than this is almost surely a grid typed wrong (each one is a whole lesson).
MAX_VARIANTS = 256
#: Sweep and variant names are folder names: no separators, nothing hidden, nothing a shell mangles.
NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_MAX_NAME = 64
#: Short keys a sweep file may use for a whole "table.key".
_SHORT_KEYS = {"theme": "theme.name"}
_LABELS = {full: short for short, full in _SHORT_KEYS.items()}
_TOP_LEVEL = ("name", "variant", "grid")


class SweepError(ParamError):
    """A sweep file sigsat refuses; ``str()`` is the one-line message (file, culprit, what is allowed)."""


@dataclass(frozen=True)
class Variant:
    """One set of parameters in a sweep."""

    name: str                    # folder-safe (:data:`NAME_PATTERN`), at most 64 characters
    overrides: dict[str, Any]    # "table.key" -> value as validated ("theme" stored as "theme.name")
    params: Params               # the base parameters with the overrides applied


@dataclass(frozen=True)
class Sweep:
    """A parsed sweep file: its name and its variants (hand variants in file order, then the grid's)."""

    name: str
    variants: tuple[Variant, ...]

    @property
    def swept(self) -> tuple[str, ...]:
        """The ``"table.key"``s whose value differs between variants, in parameter-file order."""
        flat = [params_mod.flatten(v.params) for v in self.variants]
        if not flat:
            return ()
        return tuple(k for k in flat[0] if any(f[k] != flat[0][k] for f in flat[1:]))


def _is_name(name: Any) -> bool:
    return isinstance(name, str) and len(name) <= _MAX_NAME and re.fullmatch(NAME_PATTERN, name) is not None


def _show(value: Any) -> str:
    return json.dumps(value)[:60] if not isinstance(value, float) else repr(value)


def _flat_keys(table: dict, where: str) -> dict[str, tuple[str, Any]]:
    """``{"table.key": (as written, value)}`` of a variant or the grid; unknown keys refused.

    Keys are quoted (``"saturation.probe_z" = 3``), short (``theme``) or TOML's own dotted keys
    (``saturation.probe_z = 3`` parses as a nested table), so all three are accepted.
    """
    known = params_mod.flatten(Params())
    out: dict[str, tuple[str, Any]] = {}
    for written, value in table.items():
        pairs = ([(f"{written}.{k}", v) for k, v in value.items()]
                 if isinstance(value, dict) and written not in known else [(written, value)])
        for key, item in pairs:
            full = _SHORT_KEYS.get(key, key)
            if full not in known:
                raise SweepError(f"{where}: unknown parameter {json.dumps(key)}; `sigsat params` lists "
                                 f"them (write them as \"table.key\", e.g. \"saturation.probe_z\")")
            if full in out:
                raise SweepError(f"{where}: parameter {json.dumps(full)} is given twice")
            out[full] = (key, item)
    return out


def _variant(name: str, overrides: dict[str, Any], source: str, base: Params) -> Variant:
    """The variant with its overrides range-checked by the parameter file's own code."""
    nested: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        table, _, leaf = key.partition(".")
        nested.setdefault(table, {})[leaf] = value
    try:
        applied = params_mod.from_mapping(nested, f"{source}: variant {json.dumps(name)}", base)
    except ParamError as exc:
        raise SweepError(str(exc)) from None
    flat = params_mod.flatten(applied)
    return Variant(name, {k: flat[k] for k in overrides}, applied)


def _hand_variants(tables: Any, source: str, base: Params) -> list[Variant]:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise SweepError(f"{source}: variant must be [[variant]] tables, each with a name and parameters")
    variants = []
    for number, table in enumerate(tables, 1):
        where = f"{source}: [[variant]] number {number}"
        if "name" not in table:
            raise SweepError(f'{where} has no name; add name = "..." ({NAME_PATTERN}, at most {_MAX_NAME} characters)')
        name = table["name"]
        if not _is_name(name):
            raise SweepError(f"{where}: name = {_show(name)} is not allowed: expected a folder name "
                             f"{NAME_PATTERN}, at most {_MAX_NAME} characters")
        keys = _flat_keys({k: v for k, v in table.items() if k != "name"}, f"{where} ({name})")
        variants.append(_variant(name, {k: v for k, (_, v) in keys.items()}, source, base))
    return variants


def _value_label(value: Any) -> str:
    """A grid value as it reads in a folder name: ``3``, ``4.5``, ``-3``, ``1e-05``, ``light``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value).replace("e+", "e") if isinstance(value, float) else str(value)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", text)
    # a value made safe by replacing characters could meet another; its digest keeps them apart
    return safe if safe == text else f"{safe}.{hashlib.sha1(text.encode()).hexdigest()[:6]}"


def _grid_name(labels: list[str], values: tuple) -> str:
    name = "_".join(f"{label}-{_value_label(v)}" for label, v in zip(labels, values))
    if len(name) > _MAX_NAME:  # keep it a folder name: a readable start and a digest of the rest
        name = f"{name[:_MAX_NAME - 9]}.{hashlib.sha1(name.encode()).hexdigest()[:8]}"
    return name


def _grid_lists(grid: Any, source: str) -> dict[str, tuple[str, list]]:
    if not isinstance(grid, dict):
        raise SweepError(f"{source}: grid = {_show(grid)} is not allowed: expected a [grid] table of "
                         f'parameters with lists of values, e.g. "saturation.probe_z" = [3, 4, 5]')
    if not grid:
        raise SweepError(f"{source}: [grid] is empty; give it at least one parameter with a list of "
                         f'values, e.g. "saturation.probe_z" = [3, 4, 5]')
    keys = _flat_keys(grid, f"{source}: [grid]")
    for key, (written, values) in keys.items():
        if not isinstance(values, list) or not values:
            raise SweepError(f"{source}: [grid] {json.dumps(written)} = {_show(values)} is not allowed: "
                             f"expected a non-empty list of values, e.g. [3, 4, 5]")
    return keys


def _grid_variants(grid: Any, source: str, base: Params, hand: int) -> list[Variant]:
    """Every combination of the grid's lists, row-major (the last key varies fastest)."""
    keys = _grid_lists(grid, source)
    lists = [values for _, values in keys.values()]
    count = math.prod(len(v) for v in lists)
    if count + hand > MAX_VARIANTS:
        sizes = " x ".join(str(len(v)) for v in lists)
        raise SweepError(f"{source}: the grid makes {count} variants ({sizes})"
                         f"{f' and {hand} are listed by hand' if hand else ''}; at most {MAX_VARIANTS}")
    short = [_LABELS.get(key, key.rsplit(".", 1)[-1]) for key in keys]
    labels = [s if short.count(s) == 1 else full for s, full in zip(short, keys)]
    return [_variant(_grid_name(labels, combo), dict(zip(keys, combo)), source, base)
            for combo in itertools.product(*lists)]


def _refuse_duplicates(variants: list[Variant], source: str) -> None:
    seen: set[str] = set()
    for variant in variants:
        if variant.name in seen:
            raise SweepError(f"{source}: two variants are named {json.dumps(variant.name)} (a [grid] "
                             f"variant is named after its values); give each variant its own name")
        seen.add(variant.name)


def parse_sweep(text: str, source: str, base: Params) -> Sweep:
    """The sweep described by ``text`` (a sweep file's content; ``source`` names it in messages).

    ``base`` is the parameters every variant starts from. The sweep's name is the file's
    ``name`` key, else the stem of ``source``.

    Raises
    ------
    SweepError
        One line naming the file and the culprit: bad TOML, an unknown key, table or parameter, an
        empty grid, a missing, bad or duplicate name, a value out of range, none or too many variants.

    Examples
    --------
    >>> s = parse_sweep('[grid]\\n"saturation.probe_z" = [3, 4.5]\\ntheme = ["dark", "light"]',
    ...                 "study.toml", Params())
    >>> s.name, [v.name for v in s.variants]
    ('study', ['probe_z-3_theme-dark', 'probe_z-3_theme-light', 'probe_z-4.5_theme-dark', 'probe_z-4.5_theme-light'])
    >>> s.variants[2].params.saturation.probe_z, s.swept
    (4.5, ('saturation.probe_z', 'theme.name'))
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SweepError(f"{source}: not valid TOML: {exc}") from None
    unknown = next((k for k in data if k not in _TOP_LEVEL), None)
    if unknown is not None:
        raise SweepError(f"{source}: unknown key or table {json.dumps(unknown)}; allowed: name = \"...\", "
                         f"[[variant]] tables, one [grid] table")
    name = data.get("name", Path(source).stem)
    if not _is_name(name):
        raise SweepError(f"{source}: sweep name {_show(name)} is not a folder name ({NAME_PATTERN}, "
                         f'at most {_MAX_NAME} characters); set name = "..." at the top of the file')
    variants = _hand_variants(data.get("variant", []), source, base)
    if "grid" in data:
        variants += _grid_variants(data["grid"], source, base, len(variants))
    if not variants:
        raise SweepError(f"{source}: no variants; add [[variant]] tables or a [grid] table")
    if len(variants) > MAX_VARIANTS:
        raise SweepError(f"{source}: {len(variants)} variants; at most {MAX_VARIANTS}")
    _refuse_duplicates(variants, source)
    return Sweep(name, tuple(variants))


def load_sweep(path: str | os.PathLike, base: Params) -> Sweep:
    """The sweep in the file at ``path`` (a regular UTF-8 TOML file of at most 1 MiB).

    Raises
    ------
    SweepError
        The file is missing, unreadable, not a regular file, too large or not UTF-8, or
        :func:`parse_sweep` refuses it.
    """
    path = Path(path)
    try:
        text = params_mod.read_text(path, "", kind="sweep file")
    except ParamError as exc:
        raise SweepError(str(exc)) from None
    return parse_sweep(text, str(path), base)


def variant_root(out: Path, sweep: Sweep, variant: Variant) -> Path:
    """The output root of one variant: ``out/sweeps/<sweep>/<variant>``.

    Examples
    --------
    >>> s = parse_sweep('[[variant]]\\nname = "near"', "s.toml", Params())
    >>> variant_root(Path("renders"), s, s.variants[0]).as_posix()
    'renders/sweeps/s/near'
    """
    return Path(out) / "sweeps" / sweep.name / variant.name


def write_record(root: Path, sweep: Sweep) -> None:
    """Write ``root/sweep.json`` (``root`` is ``out/sweeps/<name>``) in one step: what the gallery reads.

    Per variant: its name, its overrides, its theme and language (which ``<quality>/<theme>``
    or ``<quality>/<theme>/<lang>`` folder is its render) and the value of every swept parameter (those it inherits from the base included).
    """
    swept = sweep.swept
    variants = []
    for v in sweep.variants:
        flat = params_mod.flatten(v.params)
        variants.append({"name": v.name, "overrides": v.overrides, "theme": v.params.theme.name,
                         "lang": v.params.narration.language, "swept_values": {k: flat[k] for k in swept}})
    record = {"name": sweep.name, "variants": variants, "swept": list(swept)}
    Path(root).mkdir(parents=True, exist_ok=True)
    atomic_write(Path(root) / SWEEP_RECORD, json.dumps(record, indent=2))


def read_record(root: Path) -> dict:
    """The record :func:`write_record` wrote in ``root``.

    Raises
    ------
    SweepError
        One line naming the file: missing, unreadable, or not a sweep record.
    """
    path = Path(root) / SWEEP_RECORD
    try:
        record = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise SweepError(f"{path}: no sweep record; run `sigsat sweep` to make it") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SweepError(f"{path}: cannot read the sweep record ({exc}); run `sigsat sweep` again") from None
    good = (isinstance(record, dict) and _is_name(record.get("name"))
            and isinstance(record.get("swept"), list) and isinstance(record.get("variants"), list)
            and all(isinstance(v, dict) and _is_name(v.get("name")) and isinstance(v.get("overrides"), dict)
                    and isinstance(v.get("theme"), str) and isinstance(v.get("swept_values"), dict)
                    for v in record["variants"]))
    if not good:
        raise SweepError(f"{path}: not a sweep record; run `sigsat sweep` again")
    return record
