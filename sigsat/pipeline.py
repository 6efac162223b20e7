"""The render pipeline: which scenes need rendering, rendering them in parallel, atomic outputs.

A scene is rendered only when an input it depends on changed (its scene source, the sigsat code it
uses, the parameters it reads, theme, quality, manim's version). Renders run as one manim process
per scene, submitted through a :class:`concurrent.futures.Executor`; each job stages its outputs
and the calling process moves them into place only when complete, then rewrites the manifest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import hashlib
import importlib.metadata
import importlib.util
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

from . import lecture, manifest as manifest_mod, media, narration, params as params_mod
from .manifest import MANIFEST, OutputRefused
from .params import Params

__all__ = [
    "QUALITIES", "RenderError", "BusyError", "RenderEvent", "OutputRefused", "Options", "Job", "JobResult", "Plan",
    "scene_key", "plan", "render_job", "render", "output_dir", "source_files", "unvoiced_lines",
]

#: quality name -> (manim's -q flag, manim's folder name)
QUALITIES = {"low": ("l", "480p15"), "medium": ("m", "720p30"), "high": ("h", "1080p60"),
             "4k": ("k", "2160p60")}
FORMATS = ("gif",)
PACKAGE_DIR = Path(__file__).resolve().parent


class RenderError(RuntimeError):
    """A render that failed; the message is one line, the log path says where the rest is."""


class BusyError(RuntimeError):
    """Another sigsat render holds the output folder."""


@dataclass(frozen=True)
class RenderEvent:
    """One step of a render for a progress display: plain data, so any executor can report it.

    ``kind`` is ``"started"``, ``"finished"`` (with ``seconds``, the scene's render time) or
    ``"failed"``; ``total`` is the number of scenes this render renders.
    """

    kind: str
    scene: str
    total: int
    seconds: float | None = None


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


def output_dir(options: Options, params: Params) -> Path:
    return options.out / options.quality / params.theme.name


def scene_file(spec: lecture.SceneSpec) -> Path:
    found = importlib.util.find_spec(spec.module)
    if found is None or found.origin is None:
        raise RenderError(f"scene module {spec.module} not found")
    return Path(found.origin)


def source_files(spec: lecture.SceneSpec) -> list[Path]:
    """Every project source file whose change can change the scene's video: the scene module and
    every ``scenes``/``sigsat`` module it imports, directly or not.

    Found by reading import statements, function-level ones included (``scenes/voice.py`` is
    imported only when a voice is set up), so a new import is part of the key without a list.
    """
    roots = {"scenes": scene_file(spec).parent, "sigsat": PACKAGE_DIR}
    found: set[Path] = set()
    todo = [scene_file(spec)]
    while todo:
        path = todo.pop()
        if path not in found:
            found.add(path)
            todo += _imported_files(path, roots)
    return sorted(found)


def _imported_files(path: Path, roots: dict[str, Path]) -> list[Path]:
    """Project files that importing ``path`` runs: each imported module and its packages."""
    stat = path.stat()
    return list(_imports_cached(path, stat.st_mtime_ns, stat.st_size, tuple(roots.items())))


#: An import statement anywhere in a file (function-level ones too), parenthesised lists included.
#: A match inside a docstring only adds a file to the key: safe, and a regex is ten times faster
#: than parsing every file for each plan.
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)"
                     r"|import[ \t]+([^\n]*))", re.M)


@functools.lru_cache(maxsize=512)
def _imports_cached(path: Path, _mtime: int, _size: int, roots: tuple) -> tuple[Path, ...]:
    root_of = dict(roots)
    package = _module_name(path, root_of)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    names = []
    for found in _IMPORT.finditer(path.read_text(encoding="utf-8", errors="replace")):
        source, listed, plain = found.groups()
        if plain is not None:
            names += _listed(plain)
            continue
        base = source.lstrip(".")
        level = len(source) - len(base)
        if level:
            parent = package.split(".")[: len(package.split(".")) - level + 1]
            base = ".".join(parent + ([base] if base else []))
        names += [base] + [f"{base}.{name}" for name in _listed(listed)]
    files = []
    for name in names:
        parts = name.split(".")
        if parts[0] not in root_of:
            continue
        for depth in range(1, len(parts) + 1):  # every package on the way runs its __init__
            stem = root_of[parts[0]].joinpath(*parts[1:depth])
            for candidate in (stem / "__init__.py", stem.with_suffix(".py") if depth > 1 else None):
                if candidate is not None and candidate.is_file():
                    files.append(candidate)
    return tuple(dict.fromkeys(files))


def _listed(names: str) -> list[str]:
    """``a as b, c`` (or a parenthesised, commented list of them) -> ``["a", "c"]``."""
    names = re.sub(r"#[^\n]*", "", names).strip("() \t\n")
    return [n.split()[0] for n in names.split(",") if n.strip()]


def _module_name(path: Path, root_of: dict[str, Path]) -> str:
    for top, root in root_of.items():
        if path.is_relative_to(root):
            rel = path.relative_to(root).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            return ".".join([top, *parts])
    raise RenderError(f"{path} is outside the project's packages")


def scene_key(spec: lecture.SceneSpec, params: Params, options: Options) -> str:
    """A hash of every input of one scene's render: equal keys mean an identical video.

    The parameters are those the scene reads (discovered, :func:`sigsat.lecture.reads`); the
    audio is named by its voice-store file, which is what the render plays whether or not
    espeak-ng is installed.
    """
    h = hashlib.sha256()
    flat = params_mod.flatten(params)
    h.update(f"manim {importlib.metadata.version('manim')}\n".encode())
    h.update(f"quality {options.quality} transparent {options.transparent} "
             f"formats {sorted(options.formats)}\n".encode())
    seen = params_mod.Recording(params)
    inputs = lecture.scene_inputs(spec, seen)
    for key in seen.reads:
        h.update(f"{key}={flat[key]!r}\n".encode())
    for beat, audio in inputs.audio.items():
        h.update(f"audio {beat} {narration.store_name(audio) if audio else 'silent'}\n".encode())
    for path in source_files(spec):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:20]


def unvoiced_lines(specs: Iterable[lecture.SceneSpec], params: Params) -> list[str]:
    """Store names of the lines of ``specs`` that espeak-ng would have to synthesise."""
    store = narration.voice_cache_dir()
    return [name for spec in specs
            for audio in lecture.scene_inputs(spec, params).audio.values()
            if audio and audio["service"] == "espeak-ng"
            and not (store / (name := narration.store_name(audio))).exists()]


def scripts(specs: Iterable[lecture.SceneSpec], params: Params) -> list[tuple[str, str, dict[str, str]]]:
    """(scene id, title, beat -> narration line) of each scene under ``params``."""
    return [(s.id, s.title, s.lesson.build(params).lines) for s in specs]


def with_overrides(params: Params, options: "Options") -> Params:
    """``params`` with the command line's --theme/--narration applied and the recordings folder
    made absolute (manim runs in another folder)."""
    n = params.narration
    narration_changes = {"recordings": str(Path(n.recordings).resolve())}
    if options.narration:
        narration_changes["mode"] = options.narration
    params = dataclasses.replace(params, narration=dataclasses.replace(n, **narration_changes))
    if options.theme:
        params = dataclasses.replace(params, theme=dataclasses.replace(params.theme, name=options.theme))
    return params


def stem(spec: lecture.SceneSpec) -> str:
    """File stem of a scene's outputs, numbered in lesson order: ``01_saturation``."""
    return f"{lecture.SCENES.index(spec) + 1:02d}_{spec.id}"


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


@dataclass(frozen=True)
class JobResult:
    scene_id: str
    key: str
    staging_dir: str
    files: tuple[str, ...]   # names inside staging_dir (a folder for the beat clips)
    seconds: float
    peak_rss_mib: float
    duration: float


_children: set[subprocess.Popen] = set()
_children_lock = threading.Lock()


def _run_manim(args: list[str], env: dict, cwd: Path, log: Path) -> float:
    """Run manim, wait for it, return its peak resident memory in MiB; raise on failure."""
    # A wide console keeps rich from folding file names and the exception across lines.
    env = dict(env, COLUMNS="160")
    with open(log, "ab") as log_file:
        proc = subprocess.Popen([sys.executable, "-m", "manim", "render", *args], cwd=cwd, env=env,
                                stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        with _children_lock:
            _children.add(proc)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            with _children_lock:
                _children.discard(proc)
    if proc.returncode != 0:
        raise RenderError(f"{manim_failure(log.read_text(errors='replace'), proc.returncode)} "
                          f"(full log: {log})")
    return usage.ru_maxrss / 1024


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
    peak = _run_manim([*common, "--save_sections", job.scene_file, job.cls], env, media_dir, log)

    made = media_dir / "videos" / Path(job.scene_file).stem / folder
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
        peak = max(peak, _run_manim([*common, "-t", "--format", "mov", job.scene_file, job.cls],
                                    env, media_dir, log))
        shutil.move(made / f"{job.cls}.mov", staging / f"{job.stem}_alpha.mov")
    files = scene_outputs(job.stem, job.formats, job.transparent)
    return JobResult(job.scene_id, job.key, str(staging), tuple(files),
                     time.perf_counter() - started, peak, media.probe(video).duration)


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
    (target / "sections.json").write_text(json.dumps(listed, indent=2))


@dataclass
class Plan:
    """What a render will do: every selected scene with its key and whether it is up to date."""

    out: Path
    jobs: list[Job] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    lecture: bool = False


def _up_to_date(entry: dict | None, key: str, out: Path) -> bool:
    """Whether a manifest entry has ``key`` and every file it names is as sigsat wrote it."""
    return bool(entry) and entry["key"] == key and manifest_mod.damaged(out, entry) is None


def plan(specs: list[lecture.SceneSpec], params: Params, options: Options,
         manifest: dict | None = None) -> Plan:
    """Which of ``specs`` need rendering into the output folder, given its ``manifest`` (default:
    the folder's own; an unreadable one knows nothing)."""
    out = output_dir(options, params)
    if manifest is None:
        try:
            manifest = manifest_mod.load(out)
        except manifest_mod.ManifestError:
            manifest = manifest_mod.empty()
    cache = options.out / ".cache"
    toml = params_mod.to_toml(params, comments=False)
    result = Plan(out, lecture=len(specs) == len(lecture.SCENES))
    for spec in specs:
        key = scene_key(spec, params, options)
        entry = manifest["scenes"].get(spec.id)
        if not options.force and _up_to_date(entry, key, out):
            result.up_to_date.append(spec.id)
            continue
        result.jobs.append(Job(
            scene_id=spec.id, cls=spec.cls, scene_file=str(scene_file(spec)), stem=stem(spec),
            key=key, quality=options.quality, params_toml=toml,
            media_dir=str((cache / "media" / spec.id).resolve()),
            staging_dir=str((out / ".staging" / spec.id).resolve()),
            formats=options.formats, transparent=options.transparent,
        ))
    return result


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


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _commit(result: JobResult, out: Path, manifest: dict, inputs: dict) -> None:
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
        "inputs": inputs,
        "files": list(result.files),
        "checks": manifest_mod.checks(out, result.files),
        "duration": round(result.duration, 3),
        "render_seconds": round(result.seconds, 2),
        "peak_rss_mib": round(result.peak_rss_mib, 1),
        "rendered": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    manifest_mod.write(out, manifest)


def _assemble_lecture(out: Path, manifest: dict) -> bool:
    """Join the scene videos and subtitles into the lecture, unless it is already up to date."""
    entries = [manifest["scenes"][s.id] for s in lecture.SCENES]
    key = hashlib.sha256("".join(e["key"] for e in entries).encode()).hexdigest()[:20]
    if _up_to_date(manifest.get("lecture"), key, out):
        return False
    stems = [stem(s) for s in lecture.SCENES]
    tmp_video = out / f".lecture.{os.getpid()}.mp4"
    starts = media.concat_videos([out / f"{s}.mp4" for s in stems], tmp_video)
    subtitles = media.merge_subtitles([((out / f"{s}.srt").read_text(), t) for s, t in zip(stems, starts)])
    _atomic_write(out / "lecture.srt", subtitles)
    _atomic_write(out / "lecture.vtt", media.srt_to_vtt(subtitles))
    os.replace(tmp_video, out / "lecture.mp4")
    files = ["lecture.mp4", "lecture.srt", "lecture.vtt"]
    manifest["lecture"] = {
        "key": key,
        "files": files,
        "checks": manifest_mod.checks(out, files),
        "parts": [{"scene": s.id, "start": round(t, 3)} for s, t in zip(lecture.SCENES, starts)],
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
        for proc in list(_children):
            with contextlib.suppress(ProcessLookupError):
                proc.kill()


def scene_outputs(stem: str, formats: Iterable[str] = (), transparent: bool = False) -> list[str]:
    """Names a scene's render writes in its output folder (``stem`` is a folder of beat clips)."""
    names = [f"{stem}.mp4", f"{stem}.srt", f"{stem}.vtt", f"{stem}.png", stem]
    names += [f"{stem}.{fmt}" for fmt in FORMATS if fmt in formats]
    return names + ([f"{stem}_alpha.mov"] if transparent else [])


LECTURE_FILES = ("lecture.mp4", "lecture.srt", "lecture.vtt")


def targets(specs: Iterable[lecture.SceneSpec], options: Options) -> list[str]:
    """Every name a render of ``specs`` may write in its output folder."""
    specs = list(specs)
    names = [n for s in specs for n in scene_outputs(stem(s), options.formats, options.transparent)]
    return names + (list(LECTURE_FILES) if len(specs) == len(lecture.SCENES) else [])


def check_targets(out: Path, root: Path, names: Iterable[str]) -> None:
    """Refuse, before anything is written, to replace a file sigsat did not write: one of
    ``names`` in ``out`` when ``out`` is not a sigsat folder, or a gallery page that is not
    sigsat's in ``root``. Raises :class:`OutputRefused`."""
    from .gallery import check_index  # the gallery reads the pipeline's names

    check_index(root)
    manifest_mod.refuse_foreign(out, names)


def _clean_leftovers(out: Path) -> None:
    """Remove what a killed render can leave: the staging folder, a half-replaced beat-clip
    folder, temporary files. Only names sigsat uses, so nothing of the user's is touched."""
    shutil.rmtree(out / ".staging", ignore_errors=True)
    for spec in lecture.SCENES:
        shutil.rmtree(out / f".{stem(spec)}.old", ignore_errors=True)
    for pattern in (".lecture.*.mp4", f".{MANIFEST}.*.tmp", ".lecture.???.*.tmp"):
        for path in out.glob(pattern):
            if path.name.split(".")[-2].isdigit():   # .<name>.<pid>.tmp, .lecture.<pid>.mp4
                path.unlink(missing_ok=True)


def render(
    names: Iterable[str],
    params: Params,
    options: Options,
    executor: Executor | None = None,
    progress: Callable[[RenderEvent], None] | None = None,
    extra_targets: Iterable[str] = (),
) -> Report:
    """Render the named scenes (all when none are named) and, for all of them, the lecture.

    ``progress`` is called with a :class:`RenderEvent` when a scene starts, finishes or fails.

    ``extra_targets`` names files a later step writes in the output folder (decks, storyboards):
    they are checked with the render's own before anything is written.
    """
    specs = [lecture.find_scene(n) for n in names] or list(lecture.SCENES)
    specs = sorted(dict.fromkeys(specs), key=lecture.SCENES.index)
    params = with_overrides(params, options)
    if params.narration.mode == "recorded":
        problems = narration.recording_problems(params.narration.recordings, scripts(specs, params))
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
            _check_voice(the_plan, params)  # before the folder is claimed: a refusal changes nothing
            if not manifest_mod.is_sigsat_folder(out):
                manifest_mod.write(out, manifest)  # the folder is sigsat's from now on
            return _render_locked(the_plan, params, options, manifest, executor,
                                  progress or (lambda _event: None))
        finally:
            _clean_leftovers(out)


def _render_locked(the_plan: Plan, params: Params, options: Options, manifest: dict,
                   executor: Executor | None, report: Callable[[RenderEvent], None]) -> Report:
    out = the_plan.out
    flat = params_mod.flatten(params)
    # Longest scenes first keeps both cores busy to the end.
    jobs = sorted(the_plan.jobs, key=lambda j: -manifest["scenes"].get(j.scene_id, {}).get("duration", 0))
    done: list[JobResult] = []
    own_pool = executor is None
    pool = executor or ThreadPoolExecutor(max_workers=max(1, options.jobs))
    previous = signal.getsignal(signal.SIGTERM)
    # SIGTERM cleans up like Ctrl-C, unless the caller (sigsat's CLI) already handles it.
    if threading.current_thread() is threading.main_thread() and previous == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    futures: dict[Future, Job] = {}
    try:
        futures = {pool.submit(render_job, job): job for job in jobs}
        # A pool of `jobs` workers takes the queue in order: these are the ones running.
        queue = [j.scene_id for j in jobs]
        running = queue[: max(1, options.jobs)]
        waiting = queue[len(running):]
        for scene in running:
            report(RenderEvent("started", scene, len(jobs)))
        failures = []
        for future in as_completed(futures):
            scene = futures[future].scene_id
            try:
                result = future.result()
            except RenderError as exc:  # the other scenes still render and land
                failures.append(f"{scene}: {exc}")
                report(RenderEvent("failed", scene, len(jobs)))
                _start_next(running, waiting, scene, report, len(jobs))
                continue
            spec = lecture.find_scene(result.scene_id)
            _commit(result, out, manifest, {k: flat[k] for k in lecture.reads(spec, params)})
            done.append(result)
            report(RenderEvent("finished", scene, len(jobs), result.seconds))
            _start_next(running, waiting, scene, report, len(jobs))
        if failures:
            raise RenderError("; ".join(failures))
        assembled = _assemble_lecture(out, manifest) if the_plan.lecture else False
        from .gallery import write_gallery  # gallery reads the pipeline's names

        write_gallery(options.out)
    except BaseException:
        for f in futures:
            f.cancel()
        _kill_children()
        raise
    finally:
        try:
            if own_pool:
                pool.shutdown(wait=True, cancel_futures=True)
        finally:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGTERM, previous)
    return Report(out, done, the_plan.up_to_date, assembled)


def _check_voice(the_plan: Plan, params: Params) -> None:
    """Stop before any manim run when a line must be synthesised and espeak-ng is missing (a warm
    voice store renders without it)."""
    if params.narration.mode != "espeak" or narration.espeak_available():
        return
    unvoiced = unvoiced_lines([lecture.find_scene(j.scene_id) for j in the_plan.jobs], params)
    if unvoiced:
        raise RenderError(f"espeak-ng is not installed and {len(unvoiced)} narration line(s) are not in "
                          f"the voice store {narration.voice_cache_dir()}: install espeak-ng, or render "
                          f"silent with --narration none")


def _start_next(running: list[str], waiting: list[str], finished: str,
                report: Callable[[RenderEvent], None], total: int) -> None:
    """The pool's freed worker takes the next queued scene: report it as started."""
    running.remove(finished)
    if waiting:
        running.append(waiting.pop(0))
        report(RenderEvent("started", running[-1], total))


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
