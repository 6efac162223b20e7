"""The render pipeline: which scenes need rendering, rendering them in parallel, atomic outputs.

A scene is rendered only when an input it depends on changed (its render key,
:mod:`sigsat.production.keys`: the source it is made from, the parameters it reads, theme,
quality, manim's version). Renders run as one manim process
per scene, submitted through a :class:`concurrent.futures.Executor`; each job stages its outputs
and the calling process moves them into place only when complete, then rewrites the manifest.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import filelock

from ..lesson import lecture, narration, params as params_mod
from ..lesson.chunks import CHUNK_ENV, BeatRange
from ..lesson.params import Params
from . import chunked, chunking, gallery, manifest as manifest_mod, media
from .sections import read_sections
from .files import atomic_path, atomic_write, sweep_temporaries
from .keys import KeyParts, key_parts, scene_file
from .manifest import OutputRefused
from .naming import QUALITIES, lecture_files, lecture_stem, scene_outputs, stem
from .sections import write_sections
from .voice_store import recording_problems, synthesiser, unvoiced_lines

__all__ = [
    "RenderError", "BusyError", "RenderEvent", "OutputRefused", "Options", "Job", "JobResult", "Plan",
    "plan", "assess", "make_jobs", "render_job", "render", "output_dir", "targets", "with_overrides",
    "scripts", "tagged", "stop_tag", "LocalRunner", "Batch", "run_batch", "finish", "Unit", "Todo", "share_tex",
]

class RenderError(RuntimeError):
    """A render that failed; the message is one line, the log path says where the rest is."""


class BusyError(RuntimeError):
    """Another sigsat render holds the output folder."""


@dataclass(frozen=True)
class RenderEvent:
    """One step of a render for a progress display: plain data, so any executor can report it.

    ``kind`` is ``"started"``, ``"finished"`` (with ``seconds``, the scene's render time) or
    ``"failed"``; ``total`` is the number of scenes this render renders. On a cluster, ``"running"``
    also says that one of the scene's jobs began on ``worker`` (``beats``: a chunk's first and last
    beat, None for the whole scene).
    """

    kind: str
    scene: str
    total: int
    seconds: float | None = None
    worker: str = ""
    beats: tuple[int, int] | None = None


@dataclass(frozen=True)
class Options:
    quality: str = "low"
    theme: str | None = None       # overrides [theme] name
    out: Path = Path("renders")    # root: outputs go to out/<quality>/<theme>/
    jobs: int = os.cpu_count() or 1
    force: bool = False
    formats: tuple[str, ...] = ()
    transparent: bool = False
    narration: str | None = None   # overrides [narration] mode
    lang: str | None = None        # overrides [narration] language
    chunks: str | int = "auto"     # "auto", "off" or N: split scenes into chunks of beats


def output_dir(options: Options, params: Params) -> Path:
    """``OUT/<quality>/<theme>`` in English (where it always was), ``.../<theme>/<lang>`` otherwise."""
    folder = options.out / options.quality / params.theme.name
    language = params.narration.language
    return folder if language == "en" else folder / language


def scripts(specs: Iterable[lecture.SceneSpec], params: Params) -> list[tuple[str, str, dict[str, str]]]:
    """(scene id, title, beat -> narration line) of each scene under ``params``."""
    return [(s.id, lecture.scene_title(s, params), s.lesson.build(params).lines) for s in specs]


def with_overrides(params: Params, options: "Options") -> Params:
    """``params`` with the command line's --theme/--narration/--lang applied and the recordings
    folder made absolute (manim runs in another folder)."""
    n = params.narration
    narration_changes = {"recordings": str(Path(n.recordings).resolve())}
    if options.narration:
        narration_changes["mode"] = options.narration
    if options.lang:
        narration_changes["language"] = options.lang
    params = dataclasses.replace(params, narration=dataclasses.replace(n, **narration_changes))
    params_mod.check_voice(params, "the command line and parameters")
    if options.theme:
        params = dataclasses.replace(params, theme=dataclasses.replace(params.theme, name=options.theme))
    return params


@dataclass(frozen=True)
class Job:
    """One scene to render; plain data, so that any Executor (a cluster's too) can carry it."""

    scene_id: str
    cls: str
    scene_file: str
    stem: str
    key: str
    quality: str
    params_toml: str
    media_dir: str
    staging_dir: str
    formats: tuple[str, ...] = ()
    transparent: bool = False
    #: A chunk: the scene's beats first..last (None: the whole scene), and the chunk store folder
    #: it is kept in once finished.
    beats: tuple[int, int] | None = None
    chunk_dir: str = ""
    cost: float = 0.0   # estimated render seconds, for ordering the queue


@dataclass(frozen=True)
class JobResult:
    scene_id: str
    key: str
    staging_dir: str
    files: tuple[str, ...]   # names inside staging_dir (a folder for the beat clips)
    seconds: float
    peak_rss_mib: float
    duration: float
    chunks: tuple[dict, ...] = ()   # a scene joined from chunks: each one's beats, time, memory
    cpu_seconds: float = 0.0        # CPU time of its manim processes (all chunks for a joined scene)


#: Running manim processes, each with the tag of the render it belongs to (see :func:`tagged`).
_children: dict[subprocess.Popen, str] = {}
_children_lock = threading.Lock()
_stopped_tags: set[str] = set()
_tag: contextvars.ContextVar[str] = contextvars.ContextVar("sigsat_render_tag", default="")


@contextlib.contextmanager
def tagged(tag: str):
    """Tag the manim processes this thread starts, so :func:`stop_tag` can kill only those (a
    cluster worker runs jobs of several renders)."""
    token = _tag.set(tag)
    try:
        yield
    finally:
        _tag.reset(token)


def stop_tag(tag: str) -> int:
    """Kill the manim processes tagged ``tag`` and any it would start later; how many were killed."""
    with _children_lock:
        _stopped_tags.add(tag)
        procs = [proc for proc, t in _children.items() if t == tag]
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    return len(procs)


@dataclass(frozen=True)
class _Usage:
    peak_rss_mib: float
    cpu_seconds: float   # user + system time of the manim process and its threads


def _run_manim(args: list[str], env: dict, cwd: Path, log: Path) -> _Usage:
    """Run manim, wait for it, return its peak resident memory and CPU time; raise on failure."""
    # A wide console keeps rich from folding file names and the exception across lines.
    env = dict(env, COLUMNS="160")
    with open(log, "ab") as log_file:
        proc = subprocess.Popen([sys.executable, "-m", "manim", "render", *args], cwd=cwd, env=env,
                                stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        with _children_lock:
            _children[proc] = tag = _tag.get()
            if tag and tag in _stopped_tags:   # its render was stopped while this job started
                proc.kill()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            with _children_lock:
                _children.pop(proc, None)
    if proc.returncode != 0:
        raise RenderError(f"{manim_failure(log.read_text(errors='replace'), proc.returncode)} "
                          f"(full log: {log})")
    return _Usage(usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


#: Causes known from the exception manim died of (a fragment of its message or its type), in words
#: a lecturer can act on.
KNOWN_CAUSES = [
    ("latex failed but did not produce a log file",
     "LaTeX could not run: check that it is installed ('sigsat doctor') and that the output path "
     "has none of % ~ \\ \" {"),
    ("does not support converting",
     "dvisvgm could not turn LaTeX's output into SVG: install dvisvgm 2.4 or later ('sigsat doctor')"),
    ("EOFError", "a WAV file ended early: an empty or cut-off recording or voice file"),
    ("file does not start with RIFF id", "a recording or voice file is not a WAV file"),
    ("MemoryError", "manim ran out of memory: render fewer scenes at once (--jobs 1)"),
]


def manim_failure(log: str, status: int) -> str:
    r"""One line saying why a manim run failed, from its log and its exit status.

    The cause is the last exception in the log (type and message, however rich wrapped it), the
    innermost frame of this project's code it went through, and plain words for known causes;
    without a traceback, the exit status (or the signal that killed manim) and the last line.

    Examples
    --------
    >>> manim_failure("Traceback (most recent call last):\n  File \"/x/scenes/a.py\", line 3, in f\n"
    ...               "    g()\nEOFError\n", 1)  # doctest: +ELLIPSIS
    'manim failed: EOFError (at /x/scenes/a.py:3): a WAV file ended early: ...'
    >>> manim_failure("", -9)
    'manim was killed by signal SIGKILL'
    """
    exception, frame = _last_exception(log)
    if exception is None:
        if status < 0:
            return f"manim was killed by signal {signal.Signals(-status).name}"
        tail = log.strip().splitlines()[-1:] or ["(no output)"]
        return f"manim failed with exit status {status}: {tail[0].strip()}"
    where = f" (at {frame})" if frame else ""
    plain = next((words for clue, words in KNOWN_CAUSES if clue in exception), None)
    return f"manim failed: {exception}{where}" + (f": {plain}" if plain else "")


_FRAME = re.compile(r"(/\S+?\.py)(?::|\"?, line )(\d+)")


def _last_exception(log: str) -> tuple[str | None, str | None]:
    """(``Type: message``, ``file:line`` of the innermost frame in scenes/ or sigsat/) of the last
    traceback in a manim log, rich's boxed kind or Python's plain kind; (None, None) if none."""
    lines = log.splitlines()
    ends = [i for i, line in enumerate(lines) if line.startswith(("╰", "Traceback (most recent call last)"))]
    if not ends:
        return None, None
    start = ends[-1]
    body = lines[start + 1:]
    if lines[start].startswith("╰"):
        # rich wraps the message at the console width and keeps the space it broke at.
        message = "".join(itertools.takewhile(str.strip, body))
        top = max((i for i, line in enumerate(lines[:start]) if line.startswith("╭")), default=0)
        frames_text = "\n".join(lines[top:start])
    else:
        message = next((l for l in body if l and not l[0].isspace()), "")
        frames_text = "\n".join(body)
    ours = [f"{m[1]}:{m[2]}" for m in _FRAME.finditer(frames_text)
            if "/scenes/" in m[1] or "/sigsat/" in m[1]]
    return " ".join(message.split()) or None, (ours[-1] if ours else None)


def render_job(job: Job) -> JobResult:
    """Render one scene with manim and stage its outputs in ``job.staging_dir``."""
    started = time.perf_counter()
    media_dir, staging = Path(job.media_dir), Path(job.staging_dir)
    media_dir.mkdir(parents=True, exist_ok=True)
    # manim-voiceover's bookkeeping grows by an entry per line on every render: start afresh
    # (the audio itself stays in the persistent voice store).
    shutil.rmtree(media_dir / "voiceovers", ignore_errors=True)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    params_file = media_dir / "params.toml"
    params_file.write_text(job.params_toml)
    env = dict(os.environ, **{params_mod.PARAMS_ENV: str(params_file)})
    flag, folder = QUALITIES[job.quality]
    log = media_dir / "manim.log"
    log.write_text("")
    common = [f"-q{flag}", "--disable_caching", "--media_dir", str(media_dir),
              "--progress_bar", "none", "-v", "WARNING"]
    made = media_dir / "videos" / Path(job.scene_file).stem / folder
    shutil.rmtree(made, ignore_errors=True)  # a chunk's sections must be its own
    shared = media_dir.with_name(media_dir.name.split(".part")[0])   # the scene's whole-render media folder
    if job.beats is not None:
        env[CHUNK_ENV] = BeatRange(*job.beats, record=str(staging)).to_env()
        share_tex(shared, media_dir)
    run = _run_manim([*common, "--save_sections", job.scene_file, job.cls], env, media_dir, log)
    peak, cpu = run.peak_rss_mib, run.cpu_seconds
    if job.beats is not None:
        share_tex(media_dir, shared)
        files = chunked.stage_chunk(made, job.cls, staging)
        return JobResult(job.scene_id, job.key, str(staging), files, time.perf_counter() - started, peak,
                         media.probe(staging / chunked.CHUNK_VIDEO).duration, cpu_seconds=cpu)
    video = staging / f"{job.stem}.mp4"
    shutil.move(made / f"{job.cls}.mp4", video)
    subtitles = (made / f"{job.cls}.srt").read_text()
    (staging / f"{job.stem}.srt").write_text(subtitles)
    (staging / f"{job.stem}.vtt").write_text(media.srt_to_vtt(subtitles))
    media.last_frame(video).save(staging / f"{job.stem}.png")
    _stage_sections(made / "sections", job, staging / job.stem, video)
    if "gif" in job.formats:
        media.write_gif(video, staging / f"{job.stem}.gif")
    if job.transparent:
        alpha = _run_manim([*common, "-t", "--format", "mov", job.scene_file, job.cls], env, media_dir, log)
        peak, cpu = max(peak, alpha.peak_rss_mib), cpu + alpha.cpu_seconds
        shutil.move(made / f"{job.cls}.mov", staging / f"{job.stem}_alpha.mov")
    files = scene_outputs(job.stem, job.formats, job.transparent)
    return JobResult(job.scene_id, job.key, str(staging), tuple(files),
                     time.perf_counter() - started, peak, media.probe(video).duration, cpu_seconds=cpu)


def share_tex(source: Path, target: Path) -> None:
    """Link the LaTeX and text SVGs manim cached in ``source`` into ``target``'s cache.

    A chunk builds every formula of the beats it skips: with the scene's cache it compiles none
    that any render of the scene compiled before. Files are named by a digest of their content, and
    only a folder no manim is writing is read (a chunk's after it exited; the whole scene's, which
    never renders beside its own chunks).
    """
    for cache in ("Tex", "texts"):
        if not (source / cache).is_dir():
            continue
        (target / cache).mkdir(parents=True, exist_ok=True)
        for path in (source / cache).iterdir():
            if path.is_file() and not (target / cache / path.name).exists():
                with contextlib.suppress(OSError):
                    os.link(path, target / cache / path.name)


def _stage_sections(sections: Path, job: Job, target: Path, video: Path) -> None:
    """One clip per beat, named ``NN_beat.mp4``, and ``sections.json`` listing them.

    manim's section clips are silent; when the scene is narrated, each clip gets its stretch of
    the scene's soundtrack back, so a slide or a gallery link plays its beat with the voice.
    """
    target.mkdir()
    entries = json.loads((sections / f"{job.cls}.json").read_text())
    listed = []
    for i, entry in enumerate(entries):
        if not entry.get("video"):
            continue
        listed.append(dict(entry, video=f"{i + 1:02d}_{entry['name']}.mp4"))
    sources = [sections / e["video"] for e in entries if e.get("video")]
    dests = [target / e["video"] for e in listed]
    if media.probe(video).has_audio:
        media.clips_with_audio(video, sources, dests)
    else:
        for source, dest in zip(sources, dests):
            shutil.move(source, dest)
    write_sections(target, listed)


@dataclass
class Plan:
    """What a render will do in one output folder: every selected scene with its key and whether
    it is up to date."""

    out: Path
    jobs: list[Job] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    #: the parts of the lecture every scene of which is selected: their lectures are assembled
    lecture: tuple[int, ...] = ()
    #: scene id -> the parts of its key, for every selected scene (recorded when it is rendered)
    parts: dict[str, KeyParts] = field(default_factory=dict)
    #: scene id -> its chunk store folders in beat order, for each scene rendered in chunks
    #: (chunks kept from an earlier, interrupted render have no job)
    chunks: dict[str, list[str]] = field(default_factory=dict)
    #: the output root the folder is in (its gallery page), and the folder's manifest
    root: Path = Path("renders")
    manifest: dict = field(default_factory=dict, repr=False)

    @property
    def scenes(self) -> list[str]:
        """The scenes this render renders (whole or in chunks), in lesson order."""
        ids = {j.scene_id for j in self.jobs} | set(self.chunks)
        return [s.id for s in lecture.SCENES if s.id in ids]

    def todo(self) -> list[str]:
        """The selected scenes that are not up to date, in lesson order."""
        return [s.id for s in lecture.SCENES if s.id in self.parts and s.id not in self.up_to_date]


def select(names: Iterable[str]) -> list[lecture.SceneSpec]:
    """The named scenes (ids or class names; all when none are named), once each, in lesson order."""
    specs = [lecture.find_scene(n) for n in names] or list(lecture.SCENES)
    return sorted(dict.fromkeys(specs), key=lecture.SCENES.index)


def _up_to_date(entry: dict | None, key: str, out: Path) -> bool:
    """Whether a manifest entry has ``key`` and every file it names is as sigsat wrote it."""
    return bool(entry) and entry["key"] == key and manifest_mod.damaged(out, entry) is None


def assess(specs: list[lecture.SceneSpec], params: Params, options: Options,
           manifest: dict | None = None) -> Plan:
    """Each of ``specs``'s key in the output folder and whether it is up to date there, given the
    folder's ``manifest`` (default: the folder's own; an unreadable one knows nothing); no jobs."""
    out = output_dir(options, params)
    if manifest is None:
        try:
            manifest = manifest_mod.load(out)
        except manifest_mod.ManifestError:
            manifest = manifest_mod.empty()
    result = Plan(out, lecture=lecture.complete_parts(specs), root=options.out, manifest=manifest)
    for spec in specs:
        parts = key_parts(spec, params, options.quality, options.transparent, tuple(options.formats))
        result.parts[spec.id] = parts
        if not options.force and _up_to_date(manifest["scenes"].get(spec.id), parts.key, out):
            result.up_to_date.append(spec.id)
    return result


def plan(specs: list[lecture.SceneSpec], params: Params, options: Options,
         manifest: dict | None = None) -> Plan:
    """Which of ``specs`` need rendering into the output folder, given its ``manifest`` (default:
    the folder's own; an unreadable one knows nothing), and the jobs that render them."""
    result = assess(specs, params, options, manifest)
    toml = params_mod.to_toml(params, comments=False)
    todo = {(sid, result.parts[sid].key): Todo(lecture.find_scene(sid), toml, result.out,
                                               beat_estimates(lecture.find_scene(sid), params, options.quality,
                                                              result.out, result.manifest))
            for sid in result.todo()}
    result.jobs, chunks = make_jobs(todo, options, options.out / ".cache")
    result.chunks = {sid: folders for (sid, _key), folders in chunks.items()}
    return result


#: One scene render: (scene id, render key). A sweep's variants share a unit when their keys agree.
Unit = tuple[str, str]


@dataclass(frozen=True)
class Todo:
    """A unit to render: its scene, the parameters as TOML, the output folder it is staged in,
    and its beats' estimated render seconds."""

    spec: lecture.SceneSpec
    params_toml: str
    out: Path
    costs: list[float]


def make_jobs(todo: dict[Unit, Todo], options: Options, cache: Path,
              media_names: dict[Unit, str] | None = None) -> tuple[list[Job], dict[Unit, list[str]]]:
    """The jobs that render ``todo``, whole or in chunks of beats (:func:`chunking.plan_pieces`
    over ``options.jobs`` workers), and each chunked unit's chunk store folders in beat order.

    ``media_names`` names a unit's manim media folder under ``cache/media`` (default: its scene
    id; units of one scene that render side by side need their own).
    """
    # A transparent render runs manim twice per scene: kept whole.
    mode = "off" if options.transparent else options.chunks
    names = {unit: f"{unit[0]}@{unit[1]}" for unit in todo}   # chunking.Piece names one scene
    pieces = chunking.plan_pieces({names[u]: t.costs for u, t in todo.items()}, max(1, options.jobs), mode) \
        if todo else []
    by_unit: dict[Unit, list[chunking.Piece]] = {}
    for piece in pieces:
        by_unit.setdefault(tuple(piece.scene.split("@", 1)), []).append(piece)
    if mode != "off" and not options.force:
        for unit, t in todo.items():   # a render that did not finish chose these chunks: keep to them
            kept = kept_ranges(cache, *unit, len(t.costs))
            if kept and (mode == "auto" or mode == len(kept)):
                by_unit[unit] = [chunking.Piece(names[unit], a, b, chunking.chunk_cost(t.costs, a, b))
                                 for a, b in kept]
    jobs, chunks = [], {}
    for unit, unit_pieces in by_unit.items():
        (sid, key), t = unit, todo[unit]
        whole = len(unit_pieces) == 1
        ordered = sorted(unit_pieces, key=lambda p: p.first)
        media_name = (media_names or {}).get(unit, sid)
        if not whole:
            chunks[unit] = [str((cache / "chunks" / sid / f"{key}.{p.first}-{p.last}").resolve()) for p in ordered]
        for n, piece in enumerate(ordered):
            store = "" if whole else chunks[unit][n]
            if store and not options.force and chunked.is_complete(Path(store)):
                continue   # kept from an earlier render that did not finish
            jobs.append(Job(
                scene_id=sid, cls=t.spec.cls, scene_file=str(scene_file(t.spec)), stem=stem(t.spec),
                key=key, quality=options.quality, params_toml=t.params_toml,
                media_dir=str((cache / "media" / (media_name if whole else f"{media_name}.part{n}")).resolve()),
                staging_dir=str((t.out / ".staging" / (sid if whole else f"{sid}.{piece.first}-{piece.last}")).resolve()),
                formats=options.formats, transparent=options.transparent,
                beats=None if whole else (piece.first, piece.last), chunk_dir=store, cost=piece.cost,
            ))
    order = [s.id for s in lecture.SCENES]
    jobs.sort(key=lambda j: (order.index(j.scene_id), j.key, j.beats or (0, 0)))
    return jobs, chunks


def _ranges_file(cache: Path, scene: str, key: str) -> Path:
    return cache / "chunks" / scene / f"{key}.ranges.json"


def kept_ranges(cache: Path, scene: str, key: str, beats: int) -> list[tuple[int, int]] | None:
    """The beat ranges an unfinished render of ``scene`` chose under ``key``, if it left them
    (and they still cover its ``beats`` beats)."""
    try:
        ranges = [(int(a), int(b)) for a, b in json.loads(_ranges_file(cache, scene, key).read_text())]
    except (OSError, ValueError, TypeError):
        return None
    starts, ends = [a for a, _ in ranges], [b for _, b in ranges]
    if not ranges or starts != [0] + [e + 1 for e in ends[:-1]] or ends[-1] != beats - 1 \
            or any(a > b for a, b in ranges):
        return None
    return ranges


def _remember_ranges(batch: "Batch", cache: Path) -> None:
    """Write each chunked scene's beat ranges beside its chunks, so that a render after a failure
    splits it the same way and re-renders only the chunks that are missing."""
    for (scene, key), folders in batch.chunks.items():
        path = _ranges_file(cache, scene, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps([list(chunk_range(f)) for f in folders]))


#: Render seconds per second of video, by quality, before a scene has been rendered once
#: (measured on this project's scenes, 2 cores; only their ratio to the chunk overhead matters).
RENDER_RATE = {"low": 0.35, "medium": 0.8, "high": 1.3, "4k": 5.0}


def beat_estimates(spec: lecture.SceneSpec, params: Params, quality: str, out: Path,
                   manifest: dict) -> list[float]:
    """Expected render seconds of each of the scene's beats.

    A beat's length is taken from the scene's last render in this folder when it had the same beats
    (its beat clips' durations), else from its narration line at the parameters' reading pace; the
    render rate (seconds of work per second of video) from that render too, else :data:`RENDER_RATE`.
    """
    n = params.narration
    lines = lecture.scene_lines(spec, params)
    seconds = [narration.reading_seconds(lines[b], n.words_per_minute, n.pause) for b in spec.beats]
    rate = RENDER_RATE[quality]
    entry = manifest["scenes"].get(spec.id) or {}
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        entries = read_sections(out / stem(spec))
        if [e["name"] for e in entries] == list(spec.beats):
            seconds = [float(e["duration"]) for e in entries]
        if entry.get("duration") and entry.get("render_seconds") and not entry.get("chunks"):
            rate = float(entry["render_seconds"]) / float(entry["duration"])
    return chunking.beat_costs([max(s, 0.1) for s in seconds], rate)


@contextlib.contextmanager
def locked(root: Path):
    """Hold the output root's lock (one sigsat writing there at a time) or raise BusyError.

    ``filelock`` takes an OS lock (``flock`` on Linux, ``LockFileEx`` on Windows) that the kernel
    drops when its holder dies, even by SIGKILL, so a crashed render never leaves the folder stuck.
    """
    root.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(root / ".sigsat.lock", timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise BusyError(f"another sigsat render is writing to {root}; wait for it to finish "
                        f"or use another --out") from None
    try:
        yield
    finally:
        lock.release()


def _commit(result: JobResult, out: Path, manifest: dict, parts: KeyParts) -> None:
    """Move a finished job's staged outputs into place, then record them in the manifest."""
    staging = Path(result.staging_dir)
    for name in result.files:
        src, dst = staging / name, out / name
        if src.is_dir():
            old = out / f".{name}.old"
            if old.exists():
                shutil.rmtree(old)
            if dst.exists():
                os.replace(dst, old)
            os.replace(src, dst)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(src, dst)
    shutil.rmtree(staging, ignore_errors=True)
    manifest["scenes"][result.scene_id] = {
        "key": result.key,
        "inputs": dict(parts.params),
        **parts.record(),
        "files": list(result.files),
        "checks": manifest_mod.checks(out, result.files),
        "duration": round(result.duration, 3),
        "render_seconds": round(result.seconds, 2),
        "peak_rss_mib": round(result.peak_rss_mib, 1),
        "cpu_seconds": round(result.cpu_seconds, 2),
        **({"chunks": list(result.chunks)} if result.chunks else {}),
        "rendered": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    manifest_mod.write(out, manifest)


def lecture_key(scene_keys: Iterable[str]) -> str:
    """The lecture's key: the keys of its scenes, in lesson order."""
    return hashlib.sha256("".join(scene_keys).encode()).hexdigest()[:20]


def _assemble_lecture(out: Path, manifest: dict, part: int = 1) -> bool:
    """Join a part's scene videos and subtitles into its lecture, unless it is already up to date."""
    specs, name = lecture.part_scenes(part), lecture_stem(part)
    key = lecture_key(manifest["scenes"][s.id]["key"] for s in specs)
    if _up_to_date(manifest.get(name), key, out):
        return False
    stems = [stem(s) for s in specs]
    video_file, srt_file, vtt_file = lecture_files(part)
    with atomic_path(out / video_file, keep_suffix=True) as video:
        starts = media.concat_videos([out / f"{s}.mp4" for s in stems], video)
    subtitles = media.merge_subtitles([((out / f"{s}.srt").read_text(), t) for s, t in zip(stems, starts)])
    atomic_write(out / srt_file, subtitles)
    atomic_write(out / vtt_file, media.srt_to_vtt(subtitles))
    files = list(lecture_files(part))
    manifest[name] = {
        "key": key,
        "files": files,
        "checks": manifest_mod.checks(out, files),
        "parts": [{"scene": s.id, "start": round(t, 3)} for s, t in zip(specs, starts)],
    }
    manifest_mod.write(out, manifest)
    return True


@dataclass
class Report:
    out: Path
    rendered: list[JobResult]
    up_to_date: list[str]
    lecture_assembled: bool


def _kill_children() -> None:
    with _children_lock:
        procs = list(_children)
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()


def targets(specs: Iterable[lecture.SceneSpec], options: Options) -> list[str]:
    """Every name a render of ``specs`` may write in its output folder."""
    specs = list(specs)
    names = [n for s in specs for n in scene_outputs(stem(s), options.formats, options.transparent)]
    return names + [f for part in lecture.complete_parts(specs) for f in lecture_files(part)]


def check_targets(out: Path, root: Path, names: Iterable[str]) -> None:
    """Refuse, before anything is written, to replace a file sigsat did not write: one of
    ``names`` in ``out`` when ``out`` is not a sigsat folder, or a gallery page that is not
    sigsat's in ``root``. Raises :class:`OutputRefused`."""
    gallery.check_index(root)
    manifest_mod.refuse_foreign(out, names)


def _clean_leftovers(out: Path) -> None:
    """Remove what a killed render can leave: the staging folder, a half-replaced beat-clip
    folder, temporary files. Only names sigsat uses, so nothing of the user's is touched."""
    shutil.rmtree(out / ".staging", ignore_errors=True)
    for spec in lecture.SCENES:
        shutil.rmtree(out / f".{stem(spec)}.old", ignore_errors=True)
    sweep_temporaries(out)
    for path in out.glob(".lecture.*.mp4"):  # what earlier versions left: .lecture.<pid>.mp4
        if path.name.split(".")[-2].isdigit():
            path.unlink(missing_ok=True)


def render(
    names: Iterable[str],
    params: Params,
    options: Options,
    executor: Executor | None = None,
    progress: Callable[[RenderEvent], None] | None = None,
    extra_targets: Iterable[str] = (),
    runner: "Runner | None" = None,
) -> Report:
    """Render the named scenes (all when none are named) and, for all of them, the lecture.

    ``progress`` is called with a :class:`RenderEvent` when a scene starts, finishes or fails.
    Jobs run on ``runner`` (a cluster's, :mod:`sigsat.production.farm`), else in manim processes
    on this machine through ``executor`` (default: a thread pool of ``options.jobs``).

    ``extra_targets`` names files a later step writes in the output folder (decks, storyboards):
    they are checked with the render's own before anything is written.
    """
    specs = select(names)
    params = with_overrides(params, options)
    if params.narration.mode == "recorded":
        problems = recording_problems(narration.recordings_folder(params.narration), scripts(specs, params))
        if problems:  # the lecturer's files: bad input, refused before anything is touched
            raise params_mod.ParamError(
                f"{len(problems)} narration line(s) have no usable recording, the first: {problems[0]}; "
                f"'sigsat narration export' lists every line with its file name")
    out = output_dir(options, params)
    check_targets(out, options.out, [*targets(specs, options), *extra_targets])
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise RenderError(f"cannot write to output folder {out}: {exc.strerror or exc}") from None
    with locked(options.out):
        try:
            _clean_leftovers(out)
            manifest = manifest_mod.read_or_set_aside(out)
            the_plan = plan(specs, params, options, manifest)
            _check_voice(the_plan.jobs, params)  # before the folder is claimed: a refusal changes nothing
            if not manifest_mod.is_sigsat_folder(out):
                manifest_mod.write(out, manifest)  # the folder is sigsat's from now on
            batch = Batch.of(the_plan)
            work = runner or LocalRunner(executor, options.jobs)
            try:
                results = run_batch(batch, options.out / ".cache", options, work, progress or (lambda _e: None))
            finally:
                if runner is None:
                    work.close()
            return finish(the_plan, batch, results)
        finally:
            _clean_leftovers(out)


class LocalRunner:
    """Jobs as manim processes on this machine, through a :class:`concurrent.futures.Executor`.

    The interface every runner has (:class:`sigsat.production.farm.Farm` is the cluster's):
    ``workers`` (jobs at once), ``submit(job)`` (a future), ``receive(job, future)`` (its
    :class:`JobResult`, in the calling thread), ``stop()`` (kill every running job) and
    ``watch(callback)``, which a runner that knows where jobs start calls as
    ``callback(job, worker)``; this one does not (``reports_starts`` is False).
    """

    reports_starts = False

    def __init__(self, executor: Executor | None = None, workers: int = 1):
        # Its manim processes carry this tag (the caller's, when it tagged its render), so that one
        # that starts after stop() (a Ctrl-C racing a job's start) is killed at once.
        self.tag = _tag.get() or f"local-{os.getpid()}-{id(self)}"
        self.workers = max(1, workers)
        self.own = executor is None
        self.pool = executor or ThreadPoolExecutor(max_workers=self.workers)

    def submit(self, job: Job) -> Future:
        return self.pool.submit(_tagged_render, self.tag, job)

    def receive(self, job: Job, future: Future) -> JobResult:
        return future.result()

    def watch(self, callback: Callable[[Job, str], None]) -> None:
        pass

    def stop(self) -> None:
        stop_tag(self.tag)
        _kill_children()

    def close(self) -> None:
        if self.own:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _tagged_render(tag: str, job: Job) -> JobResult:
    with tagged(tag):
        return render_job(job)


@dataclass
class Batch:
    """The renders one run does, and the output folders each one lands in.

    A plain render has one folder; a sweep's variants share every unit whose key they agree on.
    """

    jobs: list[Job]
    chunks: dict[Unit, list[str]]            # a chunked unit's store folders, in beat order
    homes: dict[Unit, list[Plan]]            # the folders a unit lands in; staged in the first
    labels: dict[Unit, str] = field(default_factory=dict)   # a unit's name in progress reports

    @classmethod
    def of(cls, the_plan: Plan) -> "Batch":
        units = {sid: (sid, the_plan.parts[sid].key) for sid in the_plan.scenes}
        return cls(list(the_plan.jobs), {units[sid]: f for sid, f in the_plan.chunks.items()},
                   {unit: [the_plan] for unit in units.values()})

    def label(self, unit: Unit) -> str:
        return self.labels.get(unit, unit[0])


def run_batch(batch: Batch, cache: Path, options: Options, runner, report: Callable[[RenderEvent], None]
              ) -> dict[Unit, JobResult]:
    """Render every unit of ``batch`` on ``runner``, join chunked units, and commit each result
    into every folder that takes it; the results by unit. Raises :class:`RenderError` naming
    every unit that failed, after the others landed."""
    # Longest first keeps every core busy to the end (the planner's estimates).
    jobs = sorted(batch.jobs, key=lambda j: -j.cost)
    total = len(batch.homes)
    progress = _Progress(jobs, runner.workers, report, total, batch)
    runner.watch(progress.running)
    joining = _Joins(batch, jobs, options)
    done: dict[Unit, JobResult] = {}
    previous = signal.getsignal(signal.SIGTERM)
    # SIGTERM cleans up like Ctrl-C, unless the caller (sigsat's CLI) already handles it.
    if threading.current_thread() is threading.main_thread() and previous == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    futures: dict[Future, Job] = {}
    failures: list[str] = []

    def land(unit: Unit, result: JobResult) -> None:
        _land(result, batch.homes[unit])
        if result.chunks:
            shutil.rmtree(Path(joining.store(unit)), ignore_errors=True)
        done[unit] = result
        report(RenderEvent("finished", batch.label(unit), total, result.seconds))

    def join(unit: Unit) -> None:
        try:
            land(unit, joining.join(unit))
        except (OSError, ValueError) as exc:   # media.MediaError is a ValueError
            failures.append(f"{batch.label(unit)}: joining its chunks failed: {exc}")
            report(RenderEvent("failed", batch.label(unit), total))

    try:
        _remember_ranges(batch, cache)
        for unit in joining.ready_at_start():   # every chunk kept by an earlier render
            report(RenderEvent("started", batch.label(unit), total))
            join(unit)
        futures = {runner.submit(job): job for job in jobs}
        progress.begin()
        for future in as_completed(futures):
            job = futures[future]
            unit = (job.scene_id, job.key)
            try:
                result = runner.receive(job, future)
            except RenderError as exc:  # the other scenes still render and land
                if getattr(exc, "fatal", False):
                    raise
                if joining.failed(job):   # a scene's first failure; its other chunks' say the same
                    failures.append(f"{batch.label(unit)}: {exc}")
                    report(RenderEvent("failed", batch.label(unit), total))
                progress.next()
                continue
            if job.beats is None:
                land(unit, result)
            elif joining.finished(job, result):
                join(unit)
            progress.next()
        if failures:
            raise RenderError("; ".join(failures))
    except BaseException:
        for f in futures:
            f.cancel()
        runner.stop()
        raise
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)
    return done


def _land(result: JobResult, homes: list[Plan]) -> None:
    """Commit a staged result into the first folder and, linked from the staged files (a copy
    where a hard link cannot be made), into every other."""
    staged = Path(result.staging_dir)
    extra = []
    for home in homes[1:]:
        target = home.out / ".staging" / f"{result.scene_id}.shared"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(staged, target, copy_function=_link_or_copy)
        extra.append((dataclasses.replace(result, staging_dir=str(target)), home))
    for res, home in [(result, homes[0]), *extra]:
        _commit(res, home.out, home.manifest, home.parts[result.scene_id])


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def finish(the_plan: Plan, batch: Batch, results: dict[Unit, JobResult]) -> Report:
    """Assemble each part's lecture when every scene of it is in the folder, rewrite the gallery page."""
    assembled = [_assemble_lecture(the_plan.out, the_plan.manifest, part) for part in the_plan.lecture]
    gallery.write_gallery(the_plan.root)
    mine = [r for unit, r in results.items() if any(h is the_plan for h in batch.homes[unit])]
    return Report(the_plan.out, mine, the_plan.up_to_date, any(assembled))


def _check_voice(jobs: list[Job], params: Params) -> None:
    """Stop before any manim run when a line must be synthesised and its voice (espeak-ng,
    Festival) is missing (a warm voice store renders without it)."""
    missing = synthesiser(params.narration.mode)
    if missing is None:
        return
    unvoiced = unvoiced_lines([lecture.find_scene(j.scene_id) for j in jobs], params)
    if unvoiced:
        program, packages = missing
        raise RenderError(f"{program} is not installed and {len(unvoiced)} narration line(s) are not in "
                          f"the voice store {narration.voice_cache_dir()}: install {packages}, or render "
                          f"silent with --narration none")


class _Progress:
    """Reports a unit as started when its first job starts. A local pool of ``workers`` takes
    the queue in order, so the running jobs are known without asking the workers; a runner that
    knows (a cluster) calls :meth:`running` instead, naming the worker."""

    def __init__(self, queue: list[Job], workers: int, report: Callable[[RenderEvent], None], total: int,
                 batch: Batch):
        self.waiting, self.workers, self.report, self.total = list(queue), workers, report, total
        self.batch = batch
        self.started: set[Unit] = set()
        self.lock = threading.Lock()
        self.told = False   # the runner reports where jobs start

    def begin(self) -> None:
        for _ in range(self.workers):
            self._take()

    def next(self) -> None:
        """A job ended: its worker takes the next one."""
        self._take()

    def _take(self) -> None:
        if self.waiting and not self.told:
            self._start(self.waiting.pop(0))

    def _start(self, job: Job) -> None:
        unit = (job.scene_id, job.key)
        with self.lock:
            first = unit not in self.started
            self.started.add(unit)
        if first:
            self.report(RenderEvent("started", self.batch.label(unit), self.total))

    def running(self, job: Job, worker: str) -> None:
        """A runner saw ``job`` begin on ``worker`` (called from the runner's own thread)."""
        self.told = True
        self._start(job)
        self.report(RenderEvent("running", self.batch.label((job.scene_id, job.key)), self.total,
                                worker=worker, beats=job.beats))


class _Joins:
    """The chunks of each unit rendered in chunks: kept as they finish, joined when all are."""

    def __init__(self, batch: Batch, jobs: list[Job], options: Options):
        self.batch = batch
        self.pending = {unit: {j.chunk_dir for j in jobs if (j.scene_id, j.key) == unit} for unit in batch.chunks}
        self.broken: set[Unit] = set()
        self.options = options

    def store(self, unit: Unit) -> str:
        return str(Path(self.batch.chunks[unit][0]).parent)

    def ready_at_start(self) -> list[Unit]:
        return [unit for unit, pending in self.pending.items() if not pending]

    def failed(self, job: Job) -> bool:
        """Note a failed job; whether its unit failed just now (report it once)."""
        if job.beats is None:
            return True
        unit = (job.scene_id, job.key)
        first = unit not in self.broken
        self.broken.add(unit)
        return first

    def finished(self, job: Job, result: JobResult) -> bool:
        """Keep a finished chunk; whether its unit can now be joined."""
        unit = (job.scene_id, job.key)
        timing = {"seconds": round(result.seconds, 2), "cpu_seconds": round(result.cpu_seconds, 2),
                  "peak_rss_mib": round(result.peak_rss_mib, 1)}
        (Path(result.staging_dir) / chunked.CHUNK_TIMING).write_text(json.dumps(timing))
        chunked.keep(Path(result.staging_dir), Path(job.chunk_dir))
        self.pending[unit].discard(job.chunk_dir)
        return not self.pending[unit] and unit not in self.broken

    def join(self, unit: Unit) -> JobResult:
        started = time.perf_counter()
        scene, key = unit
        spec = lecture.find_scene(scene)
        out = self.batch.homes[unit][0].out
        folders = self.batch.chunks[unit]
        fps = int(QUALITIES[self.options.quality][1].split("p")[1])   # manim's folder name: 480p15
        the_join = chunked.Join(scene, stem(spec), tuple(folders),
                                str((out / ".staging" / scene).resolve()), fps, tuple(self.options.formats))
        files, duration = chunked.join(the_join)
        # Every chunk's own time and memory, those kept from an earlier render included.
        chunks = tuple({"beats": list(chunk_range(folder)),
                        **json.loads((Path(folder) / chunked.CHUNK_TIMING).read_text())}
                       for folder in folders)
        # The scene's latency when its chunks ran side by side.
        seconds = max(c["seconds"] for c in chunks) + time.perf_counter() - started
        return JobResult(scene, key, the_join.staging_dir, files, seconds,
                         max(c["peak_rss_mib"] for c in chunks), duration, chunks,
                         sum(c.get("cpu_seconds", 0.0) for c in chunks))


def chunk_range(folder: str) -> tuple[int, int]:
    """The beats (first, last) of a chunk store folder, named ``<key>.<first>-<last>``."""
    first, last = folder.rsplit(".", 1)[1].split("-")
    return int(first), int(last)




def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
