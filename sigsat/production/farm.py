"""Render jobs on a Dask cluster: a ``LocalCluster`` on this machine, or an existing scheduler.

The coordinator (the machine that runs ``sigsat render``) plans, joins chunks and commits exactly
as for a local render; a worker only runs :func:`sigsat.production.pipeline.render_job` on a
:class:`~sigsat.production.pipeline.Job`, which is plain data. No filesystem is shared:

- a :class:`Shipment` carries the job, the coordinator's tool versions and the lecturer's
  recordings the scene plays; the worker renders into folders of its own (its manim media cache
  is kept between jobs, its voice store is its own) and returns the staged files as one tar
  archive in a :class:`Delivery`, which the coordinator unpacks into its own staging folder;
- a worker whose manim, sigsat sources, espeak-ng or TeX differ from the coordinator's renders
  nothing: its results would carry the coordinator's render key for a different video;
- a worker that dies mid-job has the job re-run elsewhere by Dask's scheduler (up to its
  ``distributed.scheduler.allowed-failures``); a job that fails is not retried (manim fails the
  same way twice);
- stopping (Ctrl-C) cancels the queued jobs and kills the running manim processes on every
  worker through :func:`sigsat.production.pipeline.stop_tag`: Dask's own cancel does not stop a
  subprocess a task started.

``distributed`` is an optional dependency (``pip install -e '.[cluster]'``), imported only here
and only when a cluster is asked for.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.metadata
import io
import logging
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
import tomllib
import uuid
import warnings
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..lesson import lecture, narration, params as params_mod
from . import pipeline
from .keys import SCENES_DIR, SIGSAT_DIR, scene_file
from .pipeline import Job, JobResult, RenderError

__all__ = ["INSTALL", "FarmError", "FarmUnavailable", "Farm", "Shipment", "Delivery", "versions",
           "mismatch", "run_shipment", "parse_cluster", "open_farm"]

INSTALL = "pip install -e '.[cluster]'"
#: How long to wait for a scheduler to answer and for its first worker to join.
CONNECT_SECONDS = 20
WORKER_SECONDS = 60
#: How long Ctrl-C waits for the workers to kill their manim processes.
STOP_SECONDS = 15


class FarmUnavailable(RuntimeError):
    """The cluster cannot be used as asked: Dask is not installed, or the option is malformed."""


class FarmError(RenderError):
    """The cluster cannot render this (no scheduler, no worker, a mismatched worker): the whole
    render stops, unlike a scene whose manim failed."""

    fatal = True


def import_distributed():
    """``distributed``, or :class:`FarmUnavailable` saying what to install."""
    try:
        import distributed
    except ImportError:
        raise FarmUnavailable(f"--cluster and --scheduler need Dask's distributed package, which is not "
                              f"installed: {INSTALL}") from None
    return distributed


def parse_cluster(text: str, most: int) -> int:
    """Workers of ``--cluster local[:N]`` (``local``: ``most // 2``, one per core), or ValueError.

    >>> parse_cluster("local:3", 8), parse_cluster("local", 4)
    (3, 2)
    """
    match = re.fullmatch(r"local(?::(\d+))?", text)
    count = int(match[1]) if match and match[1] else max(1, most // 2)
    if not match or not 1 <= count <= most:
        raise ValueError(f"must be 'local' or 'local:N' with N workers from 1 to {most}, got {text!r}")
    return count


# --- what a worker must agree on ---------------------------------------------------------------

def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    return (done.stdout.strip().splitlines() or ["missing"])[0].strip()


def source_digest() -> str:
    """A digest of every Python source of sigsat and of the scenes: two installs render alike
    only if these agree (the render key covers a scene's own share of them)."""
    digest = hashlib.sha256()
    for root in (SIGSAT_DIR, SCENES_DIR):
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(root.parent).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """What decides how this machine renders: manim, sigsat (its version and sources), espeak-ng
    and TeX. Read once per process."""
    espeak = _first_line(["espeak-ng", "--version"])
    found = re.search(r"\d+(?:\.\d+)+", espeak)
    return {
        "manim": importlib.metadata.version("manim"),
        "sigsat": f"{importlib.metadata.version('sigsat')}+{source_digest()}",
        "espeak-ng": found[0] if found else espeak,
        "TeX": _first_line(["latex", "--version"]),
    }


def mismatch(expected: dict[str, str], found: dict[str, str]) -> str | None:
    """What differs between two :func:`versions` readings, in words, or None.

    >>> mismatch({"manim": "0.22.0", "TeX": "a"}, {"manim": "0.19.0", "TeX": "a"})
    'manim 0.19.0 (the coordinator has 0.22.0)'
    """
    diffs = [f"{name} {found.get(name, 'missing')} (the coordinator has {value})"
             for name, value in expected.items() if found.get(name) != value]
    return "; ".join(diffs) or None


# --- the worker's side --------------------------------------------------------------------------

@dataclass(frozen=True)
class Shipment:
    """What travels to a worker with one job."""

    job: Job
    tag: str                              # the render's tag: its manim runs, to kill on stop
    expected: dict[str, str]              # the coordinator's versions()
    recordings: dict[str, bytes] = field(default_factory=dict)   # "<scene>/<beat>.wav" -> bytes
    job_id: str = ""


@dataclass(frozen=True)
class Delivery:
    """What comes back: the job's result and its staged files as a tar archive, or a refusal."""

    result: JobResult | None
    archive: bytes
    versions: dict[str, str]
    worker: str
    started: float                        # wall-clock times on the worker
    finished: float
    refused: str | None = None


def _worker():
    with contextlib.suppress(ImportError, ValueError):
        from distributed import get_worker

        return get_worker()
    return None


def worker_label(worker) -> str:
    """How progress and errors name a worker: its ``--name`` when it was given one, else its
    address (a LocalCluster numbers its workers 0, 1, ...: the address says more)."""
    if worker is None:
        return "local"
    name = "" if worker.name is None else str(worker.name)
    return worker.address if not name or name.isdigit() or name == worker.address else name


def _worker_base(worker) -> Path:
    """The worker's own folder for sigsat: inside its Dask local directory when it has one."""
    base = Path(worker.local_directory) if worker is not None else Path(tempfile.gettempdir())
    folder = base / "sigsat"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_shipment(shipment: Shipment) -> Delivery:
    """Render one shipped job on this worker and deliver its staged files (the task Dask runs)."""
    started = time.time()
    worker = _worker()
    name = worker_label(worker)
    mine = versions()
    problem = mismatch(shipment.expected, mine)
    if problem:
        return Delivery(None, b"", mine, name, started, time.time(), refused=problem)
    if worker is not None:
        # (the scheduler overwrites a "worker" key with the address: the label goes as "name")
        worker.log_event(f"sigsat-{shipment.tag}", {"job": shipment.job_id, "name": name})
    base = _worker_base(worker)
    work = Path(tempfile.mkdtemp(prefix="job-", dir=base))
    try:
        job = _localise(shipment, base, work)
        with pipeline.tagged(shipment.tag):
            try:
                result = pipeline.render_job(job)
            except RenderError as exc:
                raise RenderError(f"{exc} on worker {name}") from None
        archive = _pack(Path(result.staging_dir))
        return Delivery(dataclasses.replace(result, staging_dir=""), archive, mine, name, started, time.time())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _localise(shipment: Shipment, base: Path, work: Path) -> Job:
    """The job with this worker's paths: its scene module, media cache, staging folder, and the
    shipped recordings written where its parameters say."""
    job = shipment.job
    params_toml = job.params_toml
    if shipment.recordings:
        folder = work / "recordings"
        for name, data in shipment.recordings.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        params = params_mod.from_mapping(tomllib.loads(params_toml), "the shipped parameters")
        params = dataclasses.replace(params, narration=dataclasses.replace(params.narration, recordings=str(folder)))
        params_toml = params_mod.to_toml(params, comments=False)
    return dataclasses.replace(
        job, params_toml=params_toml, scene_file=str(scene_file(lecture.find_scene(job.scene_id))),
        media_dir=str(base / "media" / Path(job.media_dir).name), staging_dir=str(work / "staging"))


def _pack(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(folder.iterdir()):
            tar.add(path, arcname=path.name)
    return buffer.getvalue()


def _unpack(archive: bytes, folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r") as tar:
        tar.extractall(folder, filter="data")   # no absolute paths, no links out of the folder


# --- the coordinator's side ---------------------------------------------------------------------

class Farm:
    """A runner (see :class:`sigsat.production.pipeline.LocalRunner`) on a Dask cluster."""

    reports_starts = True

    def __init__(self, client, cluster=None):
        self.client, self.cluster = client, cluster
        self.tag = uuid.uuid4().hex[:16]
        self.expected = versions()
        self.workers = max(1, sum(client.nthreads().values()))
        # pure=False: two identical jobs (a forced re-render) are two renders, never merged.
        self.executor = client.get_executor(pure=False, retries=0)
        self.jobs: dict[str, Job] = {}
        self.submitted: dict[str, float] = {}
        self.timings: list[dict] = []   # per job: queued, running and transfer seconds, archive bytes
        self.watchers: list[Callable[[Job, str], None]] = []
        self.announced: set[tuple[str, str]] = set()
        self.lock = threading.Lock()
        self.listening = threading.Event()
        topic = f"sigsat-{self.tag}"
        client.subscribe_topic(topic, self._event)
        # The subscription reaches the scheduler asynchronously; an event logged after it comes
        # back once it is in place, so no job's start is missed.
        client.log_event(topic, {"job": "", "worker": ""})
        self.listening.wait(5)

    def check_workers(self) -> None:
        """Refuse the cluster when a worker renders differently from this machine."""
        names = {address: info.get("name") for address, info in
                 self.client.scheduler_info(n_workers=-1)["workers"].items()}
        for address, found in sorted(self.client.run(versions).items()):
            problem = mismatch(self.expected, found)
            if problem:
                name = names.get(address)
                label = address if name is None or str(name).isdigit() else f"{name} ({address})"
                raise FarmError(_refusal(label, problem))

    def watch(self, callback: Callable[[Job, str], None]) -> None:
        self.watchers.append(callback)

    def _event(self, event) -> None:
        _, message = event
        self.listening.set()
        self._announce(message.get("job", ""), message.get("name") or message.get("worker", "?"))

    def _announce(self, job_id: str, worker: str) -> None:
        """Tell the watchers a job began on ``worker``: once per worker (a job re-run after its
        worker died is told again, with the worker that took it over)."""
        with self.lock:
            job = self.jobs.get(job_id) if (job_id, worker) not in self.announced else None
            self.announced.add((job_id, worker))
        if job is not None:
            for callback in self.watchers:
                callback(job, worker)

    def submit(self, job: Job) -> Future:
        job_id = uuid.uuid4().hex
        self.jobs[job_id] = job
        shipment = Shipment(job, self.tag, self.expected, _recordings(job), job_id)
        self.submitted[job_id] = time.time()
        future = self.executor.submit(run_shipment, shipment,
                                      key=f"sigsat-{job.scene_id}-{job_id[:8]}")
        future.job_id = job_id
        return future

    def receive(self, job: Job, future: Future) -> JobResult:
        try:
            delivery: Delivery = future.result()
        except RenderError:
            raise
        except Exception as exc:   # KilledWorker (its workers kept dying), a lost scheduler
            raise RenderError(f"the cluster could not run it: {type(exc).__name__}: {exc}") from None
        if delivery.refused:
            raise FarmError(_refusal(delivery.worker, delivery.refused))
        self._announce(getattr(future, "job_id", ""), delivery.worker)   # if its event was lost
        received = time.time()
        try:
            _unpack(delivery.archive, Path(job.staging_dir))
        except (tarfile.TarError, OSError) as exc:   # a member reaching outside, a cut archive, a full disk
            raise RenderError(f"its files from worker {delivery.worker} could not be unpacked: {exc}") from None
        with self.lock:
            self.timings.append({
                "scene": job.scene_id, "beats": job.beats, "worker": delivery.worker,
                "queued": delivery.started - self.submitted.get(getattr(future, "job_id", ""), delivery.started),
                "running": delivery.finished - delivery.started,
                "transfer": time.time() - delivery.finished, "unpack": time.time() - received,
                "bytes": len(delivery.archive)})
        return dataclasses.replace(delivery.result, staging_dir=job.staging_dir)

    def stop(self) -> None:
        """Cancel what is queued, then kill this render's manim processes on every worker."""
        with contextlib.suppress(Exception):
            self.executor.shutdown(wait=False)   # cancels every future it made
        # On its own thread, bounded: an unresponsive worker must not hold up the coordinator's exit.
        stopper = threading.Thread(target=self._stop_workers, daemon=True)
        stopper.start()
        stopper.join(STOP_SECONDS)

    def _stop_workers(self) -> None:
        with contextlib.suppress(Exception):
            self.client.run(pipeline.stop_tag, self.tag, wait=True, on_error="return")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close(timeout=10)
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=10)


def _refusal(worker: str, problem: str) -> str:
    return (f"worker {worker} is refused: {problem}; its renders would carry this machine's render "
            f"keys for different videos: set it up from the same sigsat with 'make venv'")


def _recordings(job: Job) -> dict[str, bytes]:
    """The lecturer's recordings of the job's scene, when its narration is recorded."""
    data = tomllib.loads(job.params_toml)
    n = data.get("narration", {})
    if n.get("mode") != "recorded":
        return {}
    spec = lecture.find_scene(job.scene_id)
    found = {}
    for beat in spec.beats:
        path = narration.recording_path(n["recordings"], spec.id, beat)
        if path.is_file():
            found[f"{spec.id}/{beat}.wav"] = path.read_bytes()
    return found


@contextlib.contextmanager
def open_farm(cluster: str | None = None, scheduler: str | None = None, local_workers: int = 1):
    """A :class:`Farm` on a new ``LocalCluster`` of ``local_workers`` (``cluster``) or on the
    scheduler at ``scheduler``; closed on exit. Raises :class:`FarmError` when the scheduler does
    not answer, no worker joins, or a worker is refused."""
    distributed = import_distributed()
    logging.getLogger("distributed").setLevel(logging.ERROR)
    local = None
    try:
        if cluster:
            with warnings.catch_warnings():
                # Its scheduler's health/metrics server moves to a free port when 8787 is taken
                # (another cluster on this machine): nothing to tell the lecturer.
                warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
                local = distributed.LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                                                 dashboard_address=None, host="127.0.0.1",
                                                 silence_logs=logging.ERROR)
            client = distributed.Client(local)
        else:
            client = distributed.Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        if local is not None:
            local.close()
        where = "start a local cluster" if cluster else f"reach the Dask scheduler at {scheduler}"
        raise FarmError(f"cannot {where}: {exc}; start one with 'dask scheduler' (README: "
                        f"Rendering on a cluster)") from None
    farm = None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_SECONDS)
        except TimeoutError:
            raise FarmError(f"no Dask worker joined {scheduler or 'the local cluster'} within "
                            f"{WORKER_SECONDS} s; start one with 'dask worker {scheduler} --nthreads 1'") from None
        farm = Farm(client, local)
        farm.check_workers()
        yield farm
    finally:
        if farm is not None:
            farm.close()
        else:
            client.close()
            if local is not None:
                local.close()
