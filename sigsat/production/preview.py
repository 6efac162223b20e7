"""The live preview's work: which scenes a change affects, their stills, then their videos.

A change (the parameter file saved, a scene or lesson module edited) starts a *cycle*: the
parameters are validated (a refusal is shown, the last good pictures stay), the render keys of the
selected scenes are compared with those of the pictures on the page (:func:`affected`: a key
changes exactly when an input of that scene changed), the affected scenes' beat stills are made by
a warm manim process (:class:`StillsWorker`, ``scenes/preview_worker.py``), then their low-quality
videos by the normal pipeline (:func:`sigsat.production.pipeline.render`). A newer change cancels
the cycle in flight: the stills worker is killed and restarted, the render's manim processes are
killed through their tag (the pipeline keeps earlier outputs).

Everything the page shows is one plain dict (:attr:`Previewer.state`), handed to ``publish`` after
every step; the web side (:mod:`sigsat.production.preview_web`) only forwards it.
"""

from __future__ import annotations

import contextvars
import dataclasses
import json
import shutil
import subprocess
import sys
import threading
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Mapping

from ..lesson import lecture, params as params_mod
from ..lesson.chunks import read_records
from ..lesson.params import ParamError, Params
from ..lesson.stills import still_name
from .files import atomic_write
from .keys import key_parts
from .manifest import OutputRefused
from .naming import stem
from .pipeline import (BusyError, Options, RenderError, render, share_tex, stop_tag, tagged,
                       with_overrides)

__all__ = ["PREVIEW_DIR", "affected", "scene_keys", "set_value", "refusal", "served_file",
           "StillsWorker", "Previewer"]

#: The preview's own folder under the output root: stills, the worker's media cache and log.
PREVIEW_DIR = ".preview"


def scene_keys(specs: list[lecture.SceneSpec], params: Params, options: Options) -> dict[str, str]:
    """Scene id -> render key under ``params`` and the command line's options."""
    effective = with_overrides(params, options)
    return {s.id: key_parts(s, effective, options.quality, options.transparent, options.formats).key
            for s in specs}


def affected(shown: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """The scenes of ``now`` (id -> render key) whose key differs from the one ``shown``, in order.

    Examples
    --------
    >>> affected({"probe": "a", "chain": "b"}, {"probe": "a", "chain": "c", "relu": "d"})
    ['chain', 'relu']
    """
    return [scene for scene, key in now.items() if shown.get(scene) != key]


def _kind(key: str) -> type | None:
    """The Python type of ``"table.key"``'s values, or None for a name the schema does not have."""
    table, _, name = key.partition(".")
    section = next((f.default_factory for f in dataclasses.fields(Params) if f.name == table), None)
    found = next((f for f in dataclasses.fields(section) if f.name == name), None) if section else None
    return type(found.default) if found else None


def set_value(path: Path, key: str, value: Any) -> None:
    """Set ``"table.key"`` to ``value`` in the parameter file at ``path``, keeping its comments and
    layout (tomlkit), in one atomic step; the file is created if missing.

    The new text is validated first, with the loader's own message: a refused value raises
    :class:`~sigsat.lesson.params.ParamError` and leaves the file as it was.
    """
    import tomlkit

    table, _, name = key.partition(".")
    kind = _kind(key)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)   # a whole number typed into a float's field stays a float in the file
    text = params_mod.read_text(path, "") if path.exists() else ""
    document = tomlkit.parse(text)
    if table not in document:
        document[table] = tomlkit.table()
    document[table][name] = value
    new = tomlkit.dumps(document)
    params_mod.from_mapping(tomllib.loads(new), str(path))
    atomic_write(path, new)


def refusal(method: str, host: str | None, origin: str | None, port: int) -> str | None:
    """Why a request must be refused (None: allowed).

    Every request must name this server as its Host (a DNS-rebinding page names its own); a request
    that can change something (anything but GET/HEAD) must also come from this server's own page,
    by its Origin, which browsers set and pages cannot forge.

    Examples
    --------
    >>> refusal("POST", "127.0.0.1:8765", "http://127.0.0.1:8765", 8765) is None
    True
    >>> refusal("POST", "127.0.0.1:8765", "http://evil.example", 8765)
    "Origin 'http://evil.example' is not this preview's page"
    """
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    if host not in hosts:
        return f"Host {host!r} is not this preview"
    if method not in ("GET", "HEAD") and origin not in {f"http://{h}" for h in hosts}:
        return f"Origin {origin!r} is not this preview's page"
    return None


def served_file(root: Path, relative: str) -> Path | None:
    """The file ``relative`` names under ``root``, or None when it is not a file inside it (a
    ``..``, an absolute path or a link leading out, a folder, nothing)."""
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


class StillsCancelled(Exception):
    """The stills worker was killed for a newer change while it worked."""


class StillsWorker:
    """The warm manim process (``python -m scenes.preview_worker``), started once and restarted
    when killed; :meth:`request` sends one scene's request and waits for its answer."""

    def __init__(self, log: Path):
        self.log = log
        self.proc: subprocess.Popen | None = None
        self.lock = threading.Lock()
        self.ready = self.closed = False

    def start(self) -> None:
        """Start the process now (its imports take seconds), unless one is running."""
        with self.lock:
            if not self.closed and (self.proc is None or self.proc.poll() is not None):
                self.log.parent.mkdir(parents=True, exist_ok=True)
                with open(self.log, "ab") as log:
                    self.proc = subprocess.Popen([sys.executable, "-m", "scenes.preview_worker"],
                                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                 stderr=log, text=True)
                self.ready = False

    def request(self, request: dict) -> dict:
        self.start()
        proc = self.proc
        if proc is None:
            raise StillsCancelled()
        try:
            if not self.ready:
                self.ready = bool(json.loads(proc.stdout.readline() or "{}").get("ready"))
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
            answer = proc.stdout.readline()
        except (OSError, ValueError):
            answer = ""
        if not answer:
            raise StillsCancelled()
        return json.loads(answer)

    def close(self) -> None:
        """Kill the process for good: later starts do nothing, requests are cancelled."""
        self.closed = True
        self.kill()

    def kill(self) -> None:
        """Stop the process (cancelling its request) and wait for it to be gone."""
        with self.lock:
            proc, self.proc = self.proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass


class _TaggedPool(ThreadPoolExecutor):
    """A thread pool whose jobs run in the context of the thread that submits them, so the manim
    processes they start carry that thread's render tag (:func:`~sigsat.production.pipeline.tagged`)
    and a newer change can kill exactly those."""

    def submit(self, fn, /, *args, **kwargs):
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)


class Previewer:
    """The preview's cycles, run one at a time on a thread of their own.

    ``publish`` receives the page's state as JSON text after every step (from that thread).
    """

    def __init__(self, specs: list[lecture.SceneSpec], params_path: Path, options: Options,
                 publish: Callable[[str], None]):
        self.specs, self.params_path, self.options, self.publish = specs, params_path, options, publish
        self.folder = options.out / PREVIEW_DIR
        self.worker = StillsWorker(self.folder / "worker.log")
        self.shown: dict[str, str] = {}      # scene -> render key of the stills on the page
        self.rendered: dict[str, str] = {}   # scene -> render key of the video on the page
        self.generation, self.pending, self.sources, self.closing = 0, True, False, False
        self.in_stills, self.tag = False, ""
        self.wake, self.state_lock = threading.Condition(), threading.Lock()
        self.state: dict[str, Any] = {
            "error": None, "video_error": None, "values": {}, "params_file": str(params_path),
            "scenes": {s.id: {"id": s.id, "title": s.title, "reads": [], "beats": [], "video": None,
                              "status": "waiting"} for s in specs}}
        self.thread = threading.Thread(target=self._loop, name="sigsat-preview", daemon=True)

    def start(self) -> None:
        """Start the worker (its imports overlap the first cycle's checks) and the cycles."""
        shutil.rmtree(self.folder / ".work", ignore_errors=True)
        self._publish()
        self.worker.start()
        self.thread.start()

    def changed(self, sources: bool = False) -> None:
        """A watched file changed (``sources``: a module, so the worker must import it afresh):
        cancel the cycle in flight and run a new one."""
        with self.wake:
            self.generation += 1
            self.sources |= sources
            self.pending = True
            self.wake.notify_all()
        if self.in_stills:
            self.worker.kill()
            self.worker.start()   # warm again by the time the new cycle asks
        if self.tag:
            stop_tag(self.tag)

    def show_error(self, message: str | None) -> None:
        """Show ``message`` as the page's error line (None clears it)."""
        with self.state_lock:
            self.state["error"] = message
        self._publish()

    def close(self) -> None:
        """Stop the cycles, the stills worker and any manim process of a render in flight."""
        with self.wake:
            self.closing = True
            self.generation += 1
            self.wake.notify_all()
        self.worker.close()
        if self.tag:
            stop_tag(self.tag)
        if self.thread.is_alive():
            self.thread.join(timeout=60)

    def _publish(self) -> None:
        with self.state_lock:
            text = json.dumps(self.state)
        self.publish(text)

    def _loop(self) -> None:
        while True:
            with self.wake:
                while not self.pending and not self.closing:
                    self.wake.wait()
                if self.closing:
                    return
                generation, sources = self.generation, self.sources
                self.pending, self.sources = False, False
            try:
                self._cycle(generation, sources)
            except Exception as exc:  # the server stays up; the page says what went wrong
                self.show_error(f"preview failed: {type(exc).__name__}: {exc}")

    def _cycle(self, generation: int, sources: bool) -> None:
        if sources:
            self.worker.kill()
            self.worker.start()
        try:
            params = params_mod.load(self.params_path)
        except ParamError as exc:
            self.show_error(str(exc))   # the last good pictures stay
            return
        keys = scene_keys(self.specs, params, self.options)
        effective = with_overrides(params, self.options)
        with self.state_lock:
            self.state["error"] = None
            self.state["values"] = params_mod.flatten(params)
            for spec in self.specs:
                self.state["scenes"][spec.id]["reads"] = list(lecture.reads(spec, effective))
        self._publish()
        # The videos start after the stills: the stills take a few seconds and hand the video
        # render every formula they typeset, which saves it about as long (side by side on two
        # cores, the two would compete for the CPU and typeset the same formulas twice).
        videos = affected(self.rendered, keys)
        for scene in videos:
            self._status(scene, "video", "video after the stills")
        self._stills(affected(self.shown, keys), effective, keys, generation)
        self._videos(videos, params, keys, generation)

    def _status(self, scene: str, part: str, status: str, **changes: Any) -> None:
        """Set the ``part`` ("stills" or "video") of a scene's status line; the page shows both,
        since the two run side by side."""
        with self.state_lock:
            view = self.state["scenes"][scene]
            view.update(changes)
            view[f"{part}_status"] = status
            view["status"] = "; ".join(view[f"{p}_status"] for p in ("stills", "video") if view.get(f"{p}_status"))
        self._publish()

    def _stills(self, todo: list[str], effective: Params, keys: dict[str, str], generation: int) -> bool:
        """Draw the stills of ``todo``; False when a newer change cancelled them."""
        work = self.folder / ".work"
        work.mkdir(parents=True, exist_ok=True)
        params_file = work / f"params.{generation}.toml"
        params_file.write_text(params_mod.to_toml(effective, comments=False))
        for scene in todo:
            if self.generation != generation:
                return False
            self._status(scene, "stills", "drawing stills")
            folder = work / f"{scene}.{generation}"
            self.in_stills = True
            try:
                answer = self.worker.request({"scene": scene, "params": str(params_file.resolve()),
                                              "folder": str(folder.resolve()),
                                              "media": str((self.folder / ".media").resolve())})
            except StillsCancelled:
                if self.generation == generation:   # not cancelled: the worker died by itself
                    self._status(scene, "stills", f"stills failed: the stills worker stopped (log: {self.worker.log})")
                return False
            finally:
                self.in_stills = False
            if not answer.get("ok"):
                self._status(scene, "stills", f"stills failed: {answer.get('error')} (log: {self.worker.log})")
                continue
            # The video render next compiles the same new formulas: hand it the worker's (the
            # worker is idle now, so none of its files is half-written).
            share_tex(self.folder / ".media", self.options.out / ".cache" / "media" / scene)
            self._place(scene, folder, keys[scene])
        return self.generation == generation

    def _place(self, scene: str, folder: Path, key: str) -> None:
        """Move a scene's finished stills into view (a folder per version: the page never sees a
        half-written set, and a browser never shows a cached picture of an older one)."""
        final = self.folder / folder.name
        folder.replace(final)
        for old in self.folder.glob(f"{scene}.*"):
            if old != final:
                shutil.rmtree(old, ignore_errors=True)
        beats = [{"name": r.name, "line": r.line,
                  "image": f"{PREVIEW_DIR}/{final.name}/{still_name(r.index, r.name)}"}
                 for r in read_records(final)]
        self.shown[scene] = key
        self._status(scene, "stills", "stills up to date", beats=beats)

    def _videos(self, todo: list[str], params: Params, keys: dict[str, str], generation: int) -> None:
        """Render the low-quality videos of ``todo`` with the normal pipeline, at the priority of a
        plain render: it runs alone, after the stills (a lowered priority measured 30 to 37 s against
        a plain render's 21 s while another job kept the machine busy)."""
        if not todo:
            return
        for scene in todo:
            self._status(scene, "video", "rendering video")
        self.tag = tag = f"sigsat-preview-{generation}"
        try:
            if self.generation != generation:
                return
            with tagged(tag), _TaggedPool(max_workers=self.options.jobs) as pool:
                report = render(todo, params, self.options, executor=pool)
        except (RenderError, BusyError, OutputRefused, ParamError) as exc:
            if self.generation == generation:
                with self.state_lock:
                    self.state["video_error"] = str(exc)
                for scene in todo:
                    self._status(scene, "video", "video failed")
            return
        finally:
            self.tag = ""
        folder = report.out.relative_to(self.options.out).as_posix()
        with self.state_lock:
            self.state["video_error"] = None
        for spec in self.specs:
            if spec.id in todo:
                self.rendered[spec.id] = keys[spec.id]
                self._status(spec.id, "video", "video up to date", video=f"{folder}/{stem(spec)}.mp4?v={keys[spec.id]}")
