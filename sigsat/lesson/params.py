"""The parameter file: one TOML file drives every number a video shows; defaults reproduce the lesson.

A user file overrides any subset of the defaults. Loading validates everything and refuses bad
input with one line that names the file, the key, the value and what is allowed.

The dataclasses below are the one schema: the loader, :func:`json_schema` (for editors), the
command line's choices (:func:`choices`) and the property tests all read their field metadata.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tomllib
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .i18n import languages

__all__ = [
    "ParamError",
    "Params",
    "load",
    "from_mapping",
    "json_schema",
    "choices",
    "to_toml",
    "flatten",
    "Recording",
    "PARAMS_ENV",
    "DEFAULT_FILE",
    "MAX_FILE_BYTES",
    "read_text",
    "check_voice",
]

#: Environment variable through which `sigsat render` hands a parameter file to manim processes.
PARAMS_ENV = "SIGSAT_PARAMS"
#: Read from the working directory when no file is named.
DEFAULT_FILE = "sigsat.toml"


class ParamError(ValueError):
    """A parameter file or value that sigsat refuses; ``str()`` is the one-line message."""


def _spec(default: Any, doc: str, *, lo=None, hi=None, lo_open=False, hi_open=False, choices=None,
          pattern=None, pattern_doc=None):
    return field(
        default=default,
        metadata=dict(doc=doc, lo=lo, hi=hi, lo_open=lo_open, hi_open=hi_open, choices=choices,
                      pattern=pattern, pattern_doc=pattern_doc),
    )


@dataclass(frozen=True)
class Saturation:
    """Where the sigmoid counts as saturated, and the z of the first practice problem."""

    threshold: float = _spec(3.0, "|z| beyond which the scenes shade the sigmoid as saturated", lo=0.5, hi=8.0)
    probe_z: float = _spec(5.0, "z of practice problem 1", lo=-8.0, hi=8.0)


@dataclass(frozen=True)
class Chain:
    """The backpropagation chain of practice problem 2."""

    layers: int = _spec(5, "layers the gradient passes through (practice problem 2)", lo=1, hi=12)
    per_layer_gradient: float = _spec(0.2, "each layer's local gradient", lo=0.0, hi=1.0, lo_open=True)
    learning_rate: float = _spec(0.1, "step size of the weight update", lo=0.0, hi=10.0, lo_open=True)


@dataclass(frozen=True)
class NetworkParams:
    """The network whose gradients the measured scene shows, layer by layer."""

    depth: int = _spec(10, "hidden layers of the measured network", lo=2, hi=30)
    width: int = _spec(32, "units per hidden layer", lo=2, hi=256)
    seed: int = _spec(0, "seed of the weights and the batch", lo=0, hi=2**32 - 1)
    batch: int = _spec(64, "examples in the measured batch", lo=1, hi=4096)
    init: str = _spec("auto", "weight initialisation ('auto': Xavier for sigmoid, He for ReLU)",
                      choices=("auto", "xavier", "he", "normal"))


@dataclass(frozen=True)
class TanhParams:
    """Part two, tanh against the sigmoid: the chain of peak slopes compared."""

    layers: int = _spec(10, "layers of the chain of peak slopes, 1^n against 0.25^n", lo=1, hi=30)


@dataclass(frozen=True)
class Families:
    """Part two, the ReLU family: the shapes compared and the negative input where their slopes are read."""

    leaky_slope: float = _spec(0.01, "leaky ReLU's slope for negative inputs", lo=0.0, hi=0.5, lo_open=True)
    elu_alpha: float = _spec(1.0, "ELU's alpha: its output tends to -alpha for very negative inputs",
                             lo=0.1, hi=3.0)
    negative_z: float = _spec(-2.0, "negative input at which each activation's slope is read", lo=-8.0, hi=-0.5)


@dataclass(frozen=True)
class InitParams:
    """Part two, initialisation: the deep network measured under N(0,1), Xavier and He."""

    depth: int = _spec(20, "hidden layers of the network measured under each initialisation", lo=2, hi=50)


@dataclass(frozen=True)
class ResidualParams:
    """Part two, skip connections: the deep sigmoid network measured with and without them."""

    depth: int = _spec(20, "hidden layers of the sigmoid network measured with and without skips", lo=2, hi=50)


@dataclass(frozen=True)
class Theme:
    """The look of the videos."""

    name: str = _spec("dark", "colour scheme ('light' for white slides)", choices=("dark", "light"))


@dataclass(frozen=True)
class Narration:
    """The voice, the captions and the pace."""

    mode: str = _spec("espeak", "voice: 'espeak' (offline synthetic), 'festival' (offline, more natural; "
                      "English only), 'recorded' (your WAVs), 'none' (silent)",
                      choices=("none", "espeak", "festival", "recorded"))
    captions: bool = _spec(True, "show each beat's narration line on screen as well as in the .srt")
    words_per_minute: float = _spec(150.0, "pace of reading and of the synthetic voice", lo=60.0, hi=400.0)
    pause: float = _spec(0.6, "seconds of silence after each spoken line", lo=0.0, hi=5.0)
    voice: str = _spec("en-us", "espeak-ng voice of English (espeak-ng --voices lists them); another "
                       "language speaks with its own voice (de, es) unless this names one of them",
                       pattern=r"[a-z]{2,3}([-+][A-Za-z0-9_-]+)*", pattern_doc="an espeak-ng voice name such as en-us")
    recordings: str = _spec("recordings", "folder of recorded lines: <folder>/<scene>/<beat>.wav",
                            pattern=r"\S.*", pattern_doc="a folder path")
    language: str = _spec("en", "language of the narration, subtitles and on-screen text (a shipped catalog)",
                          choices=languages())


@dataclass(frozen=True)
class Params:
    """The effective parameters, one frozen dataclass per TOML table."""

    saturation: Saturation = field(default_factory=Saturation)
    chain: Chain = field(default_factory=Chain)
    network: NetworkParams = field(default_factory=NetworkParams)
    tanh: TanhParams = field(default_factory=TanhParams)
    families: Families = field(default_factory=Families)
    init: InitParams = field(default_factory=InitParams)
    residual: ResidualParams = field(default_factory=ResidualParams)
    theme: Theme = field(default_factory=Theme)
    narration: Narration = field(default_factory=Narration)


def _kind(f: Field) -> type:
    """The Python type a key's values take (every key has a default of that type)."""
    return type(f.default) if f.default is not MISSING else str


def _allowed(meta: dict, kind: type) -> str:
    if meta["choices"]:
        return "one of " + ", ".join(json.dumps(c) for c in meta["choices"])
    if meta["pattern"]:
        return meta["pattern_doc"]
    if kind is bool:
        return "true or false"
    noun = "an integer" if kind is int else "a finite number"
    lo, hi = meta["lo"], meta["hi"]
    if lo is None:
        return noun
    left = "(" if meta["lo_open"] else "["
    right = ")" if meta["hi_open"] else "]"
    return f"{noun} in {left}{lo}, {hi}{right}"


def _check(value: Any, meta: dict, kind: type) -> Any:
    """The value converted to ``kind``, or None when it is not allowed."""
    if kind is bool:
        return value if isinstance(value, bool) else None
    if kind is str:
        if not isinstance(value, str):
            return None
        if meta["choices"]:
            return value if value in meta["choices"] else None
        return value if re.fullmatch(meta["pattern"], value) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if kind is int and not isinstance(value, int):
        return None
    if not math.isfinite(value):
        return None
    lo, hi = meta["lo"], meta["hi"]
    if lo is not None and (value < lo or (meta["lo_open"] and value == lo)):
        return None
    if hi is not None and (value > hi or (meta["hi_open"] and value == hi)):
        return None
    return kind(value)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (dict, list)):
        return json.dumps(value)[:60]
    return json.dumps(value) if isinstance(value, str) else repr(value)


def from_mapping(data: dict, source: str = "<parameters>", base: Params | None = None) -> Params:
    """Overlay a parsed TOML mapping on ``base`` (the defaults), validating every key."""
    params = base or Params()
    sections = {f.name: f for f in fields(Params)}
    for section, table in data.items():
        if section not in sections:
            raise ParamError(f"{source}: unknown table [{section}]; allowed: {', '.join(sections)}")
        if not isinstance(table, dict):
            raise ParamError(f"{source}: [{section}] must be a table of keys, got {_show(table)}")
        current = getattr(params, section)
        keys = {f.name: f for f in fields(current)}
        changes = {}
        for key, value in table.items():
            if key not in keys:
                raise ParamError(
                    f"{source}: unknown key [{section}] {key}; allowed: {', '.join(keys)}"
                )
            f = keys[key]
            kind = _kind(f)
            checked = _check(value, f.metadata, kind)
            if checked is None:
                raise ParamError(
                    f"{source}: [{section}] {key} = {_show(value)} is not allowed: "
                    f"expected {_allowed(f.metadata, kind)}"
                )
            changes[key] = checked
        params = replace(params, **{section: replace(current, **changes)})
    check_voice(params, source)
    return params


def check_voice(params: Params, source: str = "<parameters>") -> None:
    """Refuse a voice that cannot speak the chosen language: Festival's voice speaks English only."""
    n = params.narration
    if n.mode == "festival" and n.language != "en":
        raise ParamError(f"{source}: [narration] mode = \"festival\" speaks English only, and language is "
                         f"{json.dumps(n.language)}: use mode \"espeak\" (or \"recorded\") for it")


#: Largest parameter file read; a real one is well under 2 KiB, so anything bigger is a mistake
#: (a log, a video, /dev/zero) that would otherwise be read into memory whole.
MAX_FILE_BYTES = 1 << 20


def _chosen_file(path: str | os.PathLike | None) -> tuple[Path, str] | None:
    """The parameter file to read and how it was chosen (for messages), or None for the defaults."""
    if path is not None:
        return Path(path), ""
    named = os.environ.get(PARAMS_ENV)
    if named:
        return Path(named), f" (named by ${PARAMS_ENV})"
    # Anything called sigsat.toml counts, so that a folder or a dangling link by that name is
    # refused rather than silently ignored.
    if os.path.lexists(DEFAULT_FILE):
        return Path(DEFAULT_FILE), " (in the working directory)"
    return None


_FIX = {"": "name a TOML file", f" (named by ${PARAMS_ENV})": f"point ${PARAMS_ENV} at a TOML file",
        " (in the working directory)": "rename it, or replace it with a TOML file"}


def read_text(path: Path, origin: str, kind: str = "parameter file") -> str:
    """The file's text, refusing before reading anything that is not a regular file of sane size.

    A FIFO would block and a device such as /dev/zero would never end, so both are refused from
    their ``stat`` alone; the read itself is bounded too, in case the file grows meanwhile.
    ``origin`` says how the file was chosen and ``kind`` what it is, both for messages (a sweep
    file is read the same way as a parameter file).

    Raises
    ------
    ParamError
        One line naming the file: missing, unreadable, not a regular file, over
        :data:`MAX_FILE_BYTES`, or not UTF-8.
    """
    where = f"{path}{origin}"
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ParamError(f"{where}: no such {kind}") from None
    except OSError as exc:
        raise ParamError(f"{where}: cannot read {kind}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ParamError(f"{where}: is {_file_kind(info.st_mode)}, not a {kind}; "
                         f"{_FIX.get(origin, _FIX[''])}")
    if info.st_size > MAX_FILE_BYTES:
        raise ParamError(f"{where}: {info.st_size} bytes is too large for a {kind} "
                         f"(at most {MAX_FILE_BYTES} bytes); {_FIX.get(origin, _FIX[''])}")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ParamError(f"{where}: cannot read {kind}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ParamError(f"{where}: too large for a {kind} (at most {MAX_FILE_BYTES} bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParamError(f"{where}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _file_kind(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def load(path: str | os.PathLike | None = None) -> Params:
    """The effective parameters: defaults, overridden by a file.

    The file is ``path`` if given, else the one named by ``$SIGSAT_PARAMS``, else ``sigsat.toml``
    in the working directory if it exists; with none of them, the defaults. Whichever is chosen
    must be a regular file of at most :data:`MAX_FILE_BYTES`.

    Examples
    --------
    >>> load().chain.layers
    5
    """
    chosen = _chosen_file(path)
    if chosen is None:
        return Params()
    path, origin = chosen
    text = read_text(path, origin)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParamError(f"{path}{origin}: not valid TOML: {exc}") from None
    params = from_mapping(data, f"{path}{origin}")
    recordings = Path(params.narration.recordings)
    if "recordings" in data.get("narration", {}) and not recordings.is_absolute():
        # A folder named in a parameter file is relative to that file, wherever sigsat runs.
        params = replace(params, narration=replace(params.narration, recordings=str(path.parent / recordings)))
    return params


def params_from_inputs(inputs: dict[str, Any]) -> Params:
    """The parameters a render recorded in ``manifest.json`` (``{"table.key": value}``), over the defaults.

    Examples
    --------
    >>> params_from_inputs({"saturation.probe_z": 7.5, "theme.name": "light"}).saturation.probe_z
    7.5
    """
    nested: dict[str, dict[str, Any]] = {}
    for flat_key, value in inputs.items():
        table, _, key = flat_key.partition(".")
        nested.setdefault(table, {})[key] = value
    return from_mapping(nested, "manifest.json inputs")


def flatten(params: Params) -> dict[str, Any]:
    """``{"section.key": value}`` for every parameter, in file order."""
    return {
        f"{s.name}.{k.name}": getattr(getattr(params, s.name), k.name)
        for s in fields(params)
        for k in fields(getattr(params, s.name))
    }


class _RecordingTable:
    """One table of a :class:`Recording`: every key read is noted as ``"table.key"``."""

    __slots__ = ("_table", "_name", "_reads")

    def __init__(self, table: Any, name: str, reads: set[str]):
        self._table, self._name, self._reads = table, name, reads

    def __getattr__(self, key: str) -> Any:
        value = getattr(self._table, key)
        self._reads.add(f"{self._name}.{key}")
        return value


class Recording:
    """``params`` seen through a recorder: which parameters did a computation read?

    Like a compiler's dependency output (``gcc -MD``), the reads are discovered by running the
    code, not declared beside it, so a new read cannot be forgotten. Only attribute access is
    recorded; code that copies a whole table (``dataclasses.replace``, ``asdict``) is not
    supported and fails loudly rather than reading unseen.

    Examples
    --------
    >>> seen = Recording(Params())
    >>> seen.chain.layers, seen.theme.name
    (5, 'dark')
    >>> seen.reads
    ('chain.layers', 'theme.name')
    """

    __slots__ = ("_params", "_reads")

    def __init__(self, params: Params):
        self._params, self._reads = params, set()

    def __getattr__(self, table: str) -> _RecordingTable:
        return _RecordingTable(getattr(self._params, table), table, self._reads)

    @property
    def reads(self) -> tuple[str, ...]:
        """Every ``"table.key"`` read so far, in parameter-file order."""
        return tuple(k for k in flatten(self._params) if k in self._reads)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for the plain names used here
    return repr(value)


def to_toml(params: Params, comments: bool = True) -> str:
    """The parameters as a TOML document that :func:`load` reads back to the same values.

    Examples
    --------
    >>> from_mapping(tomllib.loads(to_toml(load()))) == load()
    True
    """
    lines = []
    for s in fields(params):
        section = getattr(params, s.name)
        lines.append(f"[{s.name}]")
        for k in fields(section):
            entry = f"{k.name} = {_toml_value(getattr(section, k.name))}"
            if comments:
                entry = f"{entry:<32} # {k.metadata['doc']}"
            lines.append(entry)
        lines.append("")
    return "\n".join(lines)


def choices(key: str) -> tuple[str, ...]:
    """The values a ``"table.key"`` parameter allows, for a command-line option that overrides it.

    Examples
    --------
    >>> choices("theme.name")
    ('dark', 'light')
    """
    table, name = key.split(".")
    section = next(f.default_factory for f in fields(Params) if f.name == table)
    allowed = next(f for f in fields(section) if f.name == name).metadata["choices"]
    if not allowed:
        raise ValueError(f"{key} is not a choice among names")
    return tuple(allowed)


def _key_schema(f: Field) -> dict[str, Any]:
    meta, kind = f.metadata, _kind(f)
    out: dict[str, Any] = {"description": meta["doc"], "default": f.default}
    if kind is bool:
        out["type"] = "boolean"
    elif kind is str:
        out["type"] = "string"
        if meta["choices"]:
            out["enum"] = list(meta["choices"])
        else:
            # JSON Schema patterns match anywhere (ECMA-262 search); the loader matches whole values.
            out["pattern"] = f"^(?:{meta['pattern']})$"
    else:
        out["type"] = "integer" if kind is int else "number"
        for bound, closed, open_ in (("lo", "minimum", "exclusiveMinimum"),
                                     ("hi", "maximum", "exclusiveMaximum")):
            if meta[bound] is not None:
                out[open_ if meta[f"{bound}_open"] else closed] = meta[bound]
    return out


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 7) of the parameter file, for editors that complete and check TOML.

    It says what :func:`from_mapping` allows, with two differences JSON cannot express: NaN does not
    exist in JSON (the loader refuses it), and JSON Schema counts ``5.0`` as an integer (the loader
    asks for ``5``).

    Examples
    --------
    >>> json_schema()["properties"]["chain"]["properties"]["layers"]["maximum"]
    12
    """
    tables = {}
    for s in fields(Params):
        section = s.default_factory
        tables[s.name] = {
            "type": "object",
            "description": section.__doc__,
            "properties": {k.name: _key_schema(k) for k in fields(section)},
            "additionalProperties": False,
        }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "sigsat parameters",
        "description": "sigsat.toml: any subset of the defaults, which reproduce the lesson.",
        "type": "object",
        "properties": tables,
        "additionalProperties": False,
    }
