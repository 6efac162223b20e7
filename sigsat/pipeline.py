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
import fcntl
import functools
import hashlib
import importlib.metadata
import importlib.util
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

from . import lecture, media, narration, params as params_mod
from .params import Params

__all__ = [
    "QUALITIES", "RenderError", "BusyError", "Options", "Job", "JobResult", "Plan",
    "scene_key", "plan", "render_job", "render", "output_dir", "source_files", "unvoiced_lines",
]

#: quality name -> (manim's -q flag, manim's folder name)
QUALITIES = {"low": ("l", "480p15"), "medium": ("m", "720p30"), "high": ("h", "1080p60"),
             "4k": ("k", "2160p60")}
FORMATS = ("gif",)
MANIFEST = "manifest.json"
PACKAGE_DIR = Path(__file__).resolve().parent


class RenderError(RuntimeError):
    """A render that failed; the message is one line, the log path says where the rest is."""


class BusyError(RuntimeError):
    """Another sigsat render holds the output folder."""


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
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
        raise RenderError(f"manim failed with exit status {proc.returncode}: {tail[0].strip()} "
                          f"(full log: {log})")
    return usage.ru_maxrss / 1024


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
    files = []
    video = staging / f"{job.stem}.mp4"
    shutil.move(made / f"{job.cls}.mp4", video)
    files.append(video.name)
    subtitles = (made / f"{job.cls}.srt").read_text()
    (staging / f"{job.stem}.srt").write_text(subtitles)
    (staging / f"{job.stem}.vtt").write_text(media.srt_to_vtt(subtitles))
    files += [f"{job.stem}.srt", f"{job.stem}.vtt"]
    media.last_frame(video).save(staging / f"{job.stem}.png")
    files.append(f"{job.stem}.png")
    files.append(_stage_sections(made / "sections", job, staging / job.stem, video))
    if "gif" in job.formats:
        media.write_gif(video, staging / f"{job.stem}.gif")
        files.append(f"{job.stem}.gif")
    if job.transparent:
        peak = max(peak, _run_manim([*common, "-t", "--format", "mov", job.scene_file, job.cls],
                                    env, media_dir, log))
        shutil.move(made / f"{job.cls}.mov", staging / f"{job.stem}_alpha.mov")
        files.append(f"{job.stem}_alpha.mov")
    return JobResult(job.scene_id, job.key, str(staging), tuple(files),
                     time.perf_counter() - started, peak, media.probe(video).duration)


def _stage_sections(sections: Path, job: Job, target: Path, video: Path) -> str:
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
    return target.name


@dataclass
class Plan:
    """What a render will do: every selected scene with its key and whether it is up to date."""

    out: Path
    jobs: list[Job] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    lecture: bool = False


def _read_manifest(out: Path) -> dict:
    try:
        data = json.loads((out / MANIFEST).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {"scenes": {}}
    data.setdefault("scenes", {})
    return data


def _complete(entry: dict | None, out: Path) -> bool:
    return bool(entry) and all((out / f).exists() for f in entry.get("files", []))


def plan(specs: list[lecture.SceneSpec], params: Params, options: Options) -> Plan:
    out = output_dir(options, params)
    manifest = _read_manifest(out)
    cache = options.out / ".cache"
    toml = params_mod.to_toml(params, comments=False)
    result = Plan(out, lecture=len(specs) == len(lecture.SCENES))
    for spec in specs:
        key = scene_key(spec, params, options)
        entry = manifest["scenes"].get(spec.id)
        if not options.force and entry and entry.get("key") == key and _complete(entry, out):
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
    """Hold the output root's lock (one sigsat writing there at a time) or raise BusyError."""
    root.mkdir(parents=True, exist_ok=True)
    handle = open(root / ".sigsat.lock", "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BusyError(f"another sigsat render is writing to {root}; wait for it to finish "
                        f"or use another --out") from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


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
        "duration": round(result.duration, 3),
        "render_seconds": round(result.seconds, 2),
        "peak_rss_mib": round(result.peak_rss_mib, 1),
        "rendered": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    _atomic_write(out / MANIFEST, json.dumps(manifest, indent=2))


def _assemble_lecture(out: Path, manifest: dict) -> bool:
    """Join the scene videos and subtitles into the lecture, unless it is already up to date."""
    entries = [manifest["scenes"][s.id] for s in lecture.SCENES]
    key = hashlib.sha256("".join(e["key"] for e in entries).encode()).hexdigest()[:20]
    old = manifest.get("lecture")
    if old and old.get("key") == key and _complete(old, out):
        return False
    stems = [stem(s) for s in lecture.SCENES]
    tmp_video = out / f".lecture.{os.getpid()}.mp4"
    starts = media.concat_videos([out / f"{s}.mp4" for s in stems], tmp_video)
    subtitles = media.merge_subtitles([((out / f"{s}.srt").read_text(), t) for s, t in zip(stems, starts)])
    _atomic_write(out / "lecture.srt", subtitles)
    _atomic_write(out / "lecture.vtt", media.srt_to_vtt(subtitles))
    os.replace(tmp_video, out / "lecture.mp4")
    manifest["lecture"] = {
        "key": key,
        "files": ["lecture.mp4", "lecture.srt", "lecture.vtt"],
        "parts": [{"scene": s.id, "start": round(t, 3)} for s, t in zip(lecture.SCENES, starts)],
    }
    _atomic_write(out / MANIFEST, json.dumps(manifest, indent=2))
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


def render(
    names: Iterable[str],
    params: Params,
    options: Options,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Render the named scenes (all when none are named) and, for all of them, the lecture."""
    specs = [lecture.find_scene(n) for n in names] or list(lecture.SCENES)
    specs = sorted(dict.fromkeys(specs), key=lecture.SCENES.index)
    params = with_overrides(params, options)
    if params.narration.mode == "recorded":
        missing = narration.missing_recordings(params.narration.recordings, scripts(specs, params))
        if missing:
            raise RenderError(f"{len(missing)} narration line(s) have no recording, the first: {missing[0]}; "
                              f"'sigsat narration export' lists every line with its file name")
    out = output_dir(options, params)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise RenderError(f"cannot write to output folder {out}: {exc.strerror or exc}") from None
    say = progress or (lambda _msg: None)
    with locked(options.out):
        shutil.rmtree(out / ".staging", ignore_errors=True)
        the_plan = plan(specs, params, options)
        _check_voice(the_plan, params)
        manifest = _read_manifest(out)
        flat = params_mod.flatten(params)
        # Longest scenes first keeps both cores busy to the end.
        jobs = sorted(the_plan.jobs, key=lambda j: -manifest["scenes"].get(j.scene_id, {}).get("duration", 0))
        done: list[JobResult] = []
        own_pool = executor is None
        pool = executor or ThreadPoolExecutor(max_workers=max(1, options.jobs))
        previous = signal.getsignal(signal.SIGTERM)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _raise_interrupt)
        futures: dict[Future, Job] = {}
        try:
            futures = {pool.submit(render_job, job): job for job in jobs}
            # A pool of `jobs` workers takes the queue in order: these are the ones running.
            queue = [j.scene_id for j in jobs]
            running = queue[: max(1, options.jobs)]
            waiting = queue[len(running):]
            if jobs:
                say(f"[0/{len(jobs)}] rendering {', '.join(running)}")
            failures = []
            for i, future in enumerate(as_completed(futures), 1):
                try:
                    result = future.result()
                except RenderError as exc:  # the other scenes still render and land
                    failures.append(f"{futures[future].scene_id}: {exc}")
                    say(f"[{i}/{len(jobs)}] {futures[future].scene_id} FAILED"
                        + _now_rendering(running, waiting, futures[future].scene_id))
                    continue
                spec = lecture.find_scene(result.scene_id)
                _commit(result, out, manifest, {k: flat[k] for k in lecture.reads(spec, params)})
                done.append(result)
                say(f"[{i}/{len(jobs)}] {result.scene_id} rendered in {result.seconds:.1f} s"
                    + _now_rendering(running, waiting, result.scene_id))
            if failures:
                raise RenderError("; ".join(failures))
            assembled = False
            if the_plan.lecture:
                assembled = _assemble_lecture(out, manifest)
            from .gallery import write_gallery  # gallery reads the pipeline's names

            write_gallery(options.out)
        except BaseException:
            for f in futures:
                f.cancel()
            _kill_children()
            raise
        finally:
            if own_pool:
                pool.shutdown(wait=True, cancel_futures=True)
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGTERM, previous)
            shutil.rmtree(out / ".staging", ignore_errors=True)
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


def _now_rendering(running: list[str], waiting: list[str], finished: str) -> str:
    running.remove(finished)
    if waiting:
        running.append(waiting.pop(0))
    return f"; rendering {', '.join(running)}" if running else ""


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
