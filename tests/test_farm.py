"""Rendering on a Dask cluster (``--cluster local[:N]``, ``--scheduler URL``), with real processes.

The fast tests call sigsat in this process (or one plain subprocess) and start no manim. The slow
ones start real Dask schedulers and workers bound to 127.0.0.1, each worker in a working folder,
Dask folder and voice store of its own (as on separate machines) and in a session of its own, so
that a test can kill a worker's whole process group; every process is stopped by the test.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rich.console import Console

from sigsat import cli
from sigsat.lesson.params import Params
from sigsat.production import farm, manifest as manifest_mod, media, pipeline
from tests.av_compare import compare_frames
from tests.signals import ctrl_c_reaches_it

SILENT = ["--narration", "none", "--quality", "low"]
FLOOR_DB = 45.0   # every frame of a video: x264 may decide differently, never visibly


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(argv: list[str], capsys) -> tuple[int, list[str]]:
    """``sigsat ARGV`` in this process: (exit status, lines on standard error)."""
    try:
        status = cli.main(argv)
    except SystemExit as exc:
        status = exc.code
    return status, capsys.readouterr().err.splitlines()


def everything_in(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


# --- fast: the command line --------------------------------------------------------------------

def test_without_distributed_the_flag_says_what_to_install_and_writes_nothing(tmp_path):
    out = tmp_path / "renders"
    # This interpreter behaves as if distributed were not installed: its import raises ImportError.
    code = ("import sys; sys.modules['distributed'] = None\n"
            "from sigsat import cli\n"
            f"sys.exit(cli.main(['render', 'probe', '--cluster', 'local', '--out', {str(out)!r}, "
            "'--narration', 'none']))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "SIGSAT_PARAMS"})
    lines = done.stderr.splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and lines[0].startswith("sigsat: "), lines
    assert "pip install -e '.[cluster]'" in lines[0]
    assert everything_in(out) == []


@pytest.mark.parametrize("option", [["--cluster", "local:0"], ["--cluster", "remote"],
                                    ["--scheduler", "8786"], ["--scheduler", "tcp://127.0.0.1:99999"],
                                    ["--scheduler", "tcp://127.0.0.1:0"]],
                         ids=["local:0", "remote", "bare-port", "port-99999", "port-0"])
def test_malformed_cluster_options_are_refused_in_one_line(tmp_path, capsys, option):
    out = tmp_path / "renders"
    status, lines = run_cli(["render", "probe", *SILENT, "--out", str(out), *option], capsys)
    assert status == 2
    assert len(lines) == 1 and lines[0].startswith("sigsat: "), lines
    assert option[0] in lines[0] and repr(option[1]) in lines[0]
    assert everything_in(out) == []


def test_no_scheduler_listening_is_a_one_line_failure_naming_the_address(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(farm, "CONNECT_SECONDS", 2)
    address = f"tcp://127.0.0.1:{free_port()}"
    out = tmp_path / "renders"
    status, lines = run_cli(["render", "probe", *SILENT, "--out", str(out), "--scheduler", address], capsys)
    assert status == 1
    assert len(lines) == 1 and lines[0].startswith("sigsat: "), lines
    assert address in lines[0] and "dask scheduler" in lines[0]
    assert everything_in(out) == []


# --- fast: the worker's side, in this process ---------------------------------------------------

def a_job(tmp_path: Path, scene: str = "probe") -> pipeline.Job:
    """The job a plain render of ``scene`` would run (planned by the pipeline itself)."""
    options = pipeline.Options(out=tmp_path / "renders", narration="none", chunks="off", jobs=1)
    params = pipeline.with_overrides(Params(), options)
    specs = pipeline.select([scene])
    the_plan = pipeline.plan(specs, params, options, {"scenes": {}})
    return the_plan.jobs[0]


def test_a_worker_with_other_versions_refuses_the_job_and_renders_nothing(tmp_path, monkeypatch):
    rendered = []
    monkeypatch.setattr(pipeline, "render_job", lambda job: rendered.append(job))
    expected = dict(farm.versions(), manim="0.0.1")
    delivery = farm.run_shipment(farm.Shipment(a_job(tmp_path), "tag", expected, job_id="j"))
    assert delivery.refused is not None and "manim" in delivery.refused and "0.0.1" in delivery.refused
    assert delivery.result is None and delivery.archive == b""
    assert rendered == []


def fake_one_file(job: pipeline.Job) -> pipeline.JobResult:
    """Stands in for manim: the scene's video, holding the word "video"."""
    staging = Path(job.staging_dir)
    staging.mkdir(parents=True)
    (staging / f"{job.stem}.mp4").write_bytes(b"video")
    return pipeline.JobResult(job.scene_id, job.key, str(staging), (f"{job.stem}.mp4",), 1.0, 1.0, 1.0)


def test_a_worker_with_the_same_versions_renders_the_job(tmp_path, monkeypatch):
    """The other side of the refusal: the same check lets an agreeing worker through."""
    monkeypatch.setattr(pipeline, "render_job", fake_one_file)
    job = a_job(tmp_path)
    delivery = farm.run_shipment(farm.Shipment(job, "tag", farm.versions(), job_id="j"))
    assert delivery.refused is None and delivery.result.files == (f"{job.stem}.mp4",)
    farm._unpack(delivery.archive, tmp_path / "got")
    assert (tmp_path / "got" / f"{job.stem}.mp4").read_bytes() == b"video"


def test_pack_and_unpack_carry_files_and_folders_unchanged(tmp_path):
    staged = tmp_path / "staged"
    (staged / "01_x").mkdir(parents=True)
    files = {"01_x.mp4": os.urandom(5000), "01_x.srt": b"1\n00:00:00,000 --> 00:00:01,000\nhi\n",
             "01_x/01_beat.mp4": os.urandom(300), "01_x/sections.json": b"[]"}
    for name, data in files.items():
        (staged / name).write_bytes(data)
    target = tmp_path / "unpacked"
    (target / "stale").mkdir(parents=True)   # what an earlier attempt left is not kept
    farm._unpack(farm._pack(staged), target)
    assert {str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()} == files


def archive_of(name: str, link: str | None = None) -> bytes:
    """A tar archive of one member ``name``: a small file, or a symbolic link to ``link``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        member = tarfile.TarInfo(name)
        if link is None:
            member.size = 4
            tar.addfile(member, io.BytesIO(b"evil"))
        else:
            member.type, member.linkname = tarfile.SYMTYPE, link
            tar.addfile(member)
    return buffer.getvalue()


@pytest.mark.parametrize("name, link", [("../evil", None), ("sub/../../evil", None),
                                        ("01_x.mp4", "/etc/passwd"), ("01_x.mp4", "../../evil")],
                         ids=["dotdot", "nested-dotdot", "absolute-link", "dotdot-link"])
def test_unpack_refuses_members_that_reach_outside_the_staging_folder(tmp_path, name, link):
    target = tmp_path / "deep" / "staging"
    with pytest.raises(tarfile.FilterError):
        farm._unpack(archive_of(name, link), target)
    assert not (tmp_path / "deep" / "evil").exists() and not (tmp_path / "evil").exists()
    assert list(target.iterdir()) == []


def test_unpack_puts_an_absolute_member_inside_the_staging_folder(tmp_path):
    """tarfile's data filter strips the leading slash: the file lands in the folder, not at the path."""
    outside = tmp_path / "outside" / "evil"
    target = tmp_path / "staging"
    farm._unpack(archive_of(str(outside)), target)
    assert not outside.exists()
    assert (target / str(outside).lstrip("/")).read_bytes() == b"evil"


class ThreadClient:
    """Stands in for a ``distributed.Client`` in this process: what :class:`farm.Farm` asks of one,
    with jobs run by :func:`farm.run_shipment` in threads and ``run`` calling on two "workers"."""

    WORKERS = ("tcp://127.0.0.1:1", "tcp://127.0.0.1:2")

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=len(self.WORKERS))

    def nthreads(self) -> dict[str, int]:
        return dict.fromkeys(self.WORKERS, 1)

    def get_executor(self, **options):
        return self

    def submit(self, fn, *args, key: str = ""):
        return self.pool.submit(fn, *args)

    def shutdown(self, wait: bool = True) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=True)

    def subscribe_topic(self, topic, handler) -> None:
        self.handler = handler

    def log_event(self, topic, message) -> None:
        self.handler((0.0, message))

    def scheduler_info(self, n_workers: int = -1) -> dict:
        return {"workers": {worker: {"name": n} for n, worker in enumerate(self.WORKERS)}}

    def run(self, fn, *args, wait: bool = True, on_error: str = "raise") -> dict:
        return {worker: fn(*args) for worker in self.WORKERS}

    def close(self, timeout: float = 0) -> None:
        self.shutdown()


def farm_render(tmp_path: Path, monkeypatch, scenes: list[str]) -> pipeline.Report:
    """``scenes`` rendered through a :class:`farm.Farm` on a :class:`ThreadClient`; the workers'
    folders are under ``tmp_path / "worker"``."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "worker"))
    (tmp_path / "worker").mkdir()
    runner = farm.Farm(ThreadClient())
    runner.check_workers()
    options = pipeline.Options(out=tmp_path / "renders", narration="none", chunks="off", jobs=runner.workers)
    try:
        return pipeline.render(scenes, Params(), options, runner=runner)
    finally:
        runner.close()


def test_what_workers_deliver_is_committed_as_a_local_render_commits_it(tmp_path, monkeypatch):
    """Through the pipeline, in this process: each job travels as a shipment and comes back as a
    tar archive, and the files in it are the ones in the output folder and its manifest."""
    made: dict[str, bytes] = {}

    def fake_render(job: pipeline.Job) -> pipeline.JobResult:
        staging = Path(job.staging_dir)
        (staging / job.stem).mkdir(parents=True)
        for name in (f"{job.stem}.mp4", f"{job.stem}/01_beat.mp4"):
            made[name] = os.urandom(64)
            (staging / name).write_bytes(made[name])
        return pipeline.JobResult(job.scene_id, job.key, str(staging), (f"{job.stem}.mp4", job.stem), 1.0, 1.0, 2.0)

    monkeypatch.setattr(pipeline, "render_job", fake_render)
    report = farm_render(tmp_path, monkeypatch, ["saturation", "probe"])
    folder = report.out
    assert sorted(r.scene_id for r in report.rendered) == ["probe", "saturation"]
    assert {name: (folder / name).read_bytes() for name in made} == made
    manifest = json.loads((folder / "manifest.json").read_text())
    for scene, entry in manifest["scenes"].items():
        assert manifest_mod.damaged(folder, entry) is None, scene
    assert not (folder / ".staging").exists()
    assert list((tmp_path / "worker" / "sigsat").glob("job-*")) == []   # the workers kept nothing


def test_a_delivery_reaching_outside_its_folder_fails_its_scene_in_one_line(tmp_path, monkeypatch):
    """A worker's archive is unpacked with tarfile's data filter; what it refuses is the scene's
    failure, named with the worker (not a traceback), and the other scene still lands."""
    real_run_shipment = farm.run_shipment

    def evil_for_probe(shipment: farm.Shipment) -> farm.Delivery:
        delivery = real_run_shipment(shipment)
        if shipment.job.scene_id != "probe":
            return delivery
        return dataclasses.replace(delivery, archive=archive_of("../../evil"), worker="w9")

    monkeypatch.setattr(pipeline, "render_job", fake_one_file)
    monkeypatch.setattr(farm, "run_shipment", evil_for_probe)
    with pytest.raises(pipeline.RenderError) as failure:
        farm_render(tmp_path, monkeypatch, ["saturation", "probe"])
    message = str(failure.value)
    assert "probe" in message and "w9" in message and "\n" not in message, message
    assert not [p for p in tmp_path.rglob("evil")]
    folder = tmp_path / "renders" / "low" / "dark"
    assert sorted(json.loads((folder / "manifest.json").read_text())["scenes"]) == ["saturation"]


# --- fast: progress names the worker -------------------------------------------------------------

def test_a_log_line_says_which_beats_began_on_which_worker():
    log = io.StringIO()
    lines = cli._Lines(log)
    lines(pipeline.RenderEvent("running", "saturation", 2, worker="tcp://127.0.0.1:4001", beats=(0, 2)))
    lines(pipeline.RenderEvent("running", "probe", 2, worker="w2", beats=(3, 3)))
    lines(pipeline.RenderEvent("running", "chain", 2, worker="w1"))
    assert log.getvalue().splitlines() == ["      saturation: beats 1-3 on tcp://127.0.0.1:4001",
                                           "      probe: beat 4 on w2",
                                           "      chain: on w1"]


def test_a_bar_names_the_workers_its_scene_runs_on():
    screen = io.StringIO()
    bars = cli._Bars(Console(file=screen, force_terminal=True, width=120, color_system=None))
    with bars as progress:
        progress(pipeline.RenderEvent("started", "saturation", 1))
        progress(pipeline.RenderEvent("running", "saturation", 1, worker="w1", beats=(0, 1)))
        progress(pipeline.RenderEvent("running", "saturation", 1, worker="w2", beats=(2, 4)))
        description = bars.bars.tasks[0].description
        assert description == "rendering saturation (beats 1-2 on w1, beats 3-5 on w2)"
        assert "beats 3-5 on w2" in screen.getvalue()


# --- slow: real clusters --------------------------------------------------------------------------

DASK = Path(sys.executable).with_name("dask")
#: How long a worker may take to show a manim process, a render to end, a worker to join.
START_S, RENDER_S, JOIN_S = 120, 300, 60
#: After Ctrl-C, how long the workers may take to lose their manim processes (they are killed at
#: once; a manim left running goes on for the 20-odd seconds its scene takes).
STOP_S = 15


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without a parameter file of the caller's, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k != "SIGSAT_PARAMS"}
    return {**env, **extra}


def own_folders(home: Path) -> dict[str, str]:
    """Environment giving a process its own voice store and temporary folder (Dask's scratch space
    of a LocalCluster or a scheduler is made there) under ``home``, removed with the test's."""
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    return {"XDG_CACHE_HOME": str(home / "cache"), "TMPDIR": str(home / "tmp")}


def sigsat_process(args: list[str], cwd: Path) -> subprocess.Popen:
    """``sigsat ARGS`` as a process of its own (the coordinator), its output captured."""
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "sigsat.cli", *args], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=clean_env(**own_folders(cwd)), preexec_fn=ctrl_c_reaches_it)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children of every thread, recursively)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(k) for k in children.read_text().split()]
            except OSError:   # the thread or process ended meanwhile
                continue
            found += kids
            todo += kids
    return found


def manim_below(pid: int) -> list[int]:
    """The manim processes below ``pid``: their command line runs ``-m manim``."""
    found = []
    for child in descendants(pid):
        try:
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"manim" in argv and b"-m" in argv:
            found.append(child)
    return found


class DaskProcesses:
    """A real ``dask scheduler`` and named ``dask worker`` processes on 127.0.0.1, each in its own
    session (its process group can be killed whole), working folder, Dask folder and voice store."""

    def __init__(self, root: Path):
        self.root, self.port = root, free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.addresses: dict[str, str] = {}   # worker name -> its address

    def start(self, name: str, argv: list[str], **env: str) -> None:
        home = self.root / name
        home.mkdir(parents=True)
        with open(home / "log", "wb") as log:
            self.procs[name] = subprocess.Popen(
                [str(DASK), *argv], cwd=home, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=clean_env(**own_folders(home), **env), start_new_session=True)

    def up(self, workers: dict[str, dict[str, str]]) -> None:
        """Start the scheduler and ``workers`` (name -> extra environment); wait until all joined."""
        import distributed

        self.start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"])
        for name, env in workers.items():
            self.start(name, ["worker", self.address, "--nthreads", "1", "--no-dashboard", "--name", name,
                              "--host", "127.0.0.1", "--local-directory", str(self.root / name / "dask")], **env)
        with distributed.Client(self.address, timeout=JOIN_S) as client:
            client.wait_for_workers(len(workers), timeout=JOIN_S)
            info = client.scheduler_info()["workers"]
        self.addresses = {str(w["name"]): address for address, w in info.items()}

    def manim_on(self, name: str) -> list[int]:
        return manim_below(self.procs[name].pid)

    def kill(self, name: str, how: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.procs[name].pid, how)

    def down(self) -> None:
        """Stop every process group, workers first; wait for each."""
        for name in reversed(list(self.procs)):
            self.kill(name, signal.SIGTERM)
        for name in reversed(list(self.procs)):
            try:
                self.procs[name].wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill(name)
                self.procs[name].wait()
            self.kill(name)   # what a stopped worker left in its group (a manim still running)


@pytest.fixture
def dask_processes(tmp_path):
    """Start with ``.up(workers)``; everything is stopped after the test, passed or failed."""
    processes = DaskProcesses(tmp_path / "dask")
    try:
        yield processes
    finally:
        processes.down()


def wait_for_manim(processes: DaskProcesses, names: list[str], coordinator: subprocess.Popen) -> str:
    """The first of the workers ``names`` seen running manim (fails if the render ends first)."""
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        for name in names:
            if processes.manim_on(name):
                return name
        if coordinator.poll() is not None:
            pytest.fail(f"the render ended ({coordinator.returncode}) before manim ran: {coordinator.stderr.read()}")
        time.sleep(0.1)
    pytest.fail(f"no manim process on {names} within {START_S} s")


@pytest.mark.slow
def test_a_render_survives_a_worker_killed_mid_scene(tmp_path, dask_processes):
    dask_processes.up({"w1": {}, "w2": {}})
    scenes = ["saturation", "derivative", "probe"]
    out = tmp_path / "renders"
    render = sigsat_process(["render", *scenes, *SILENT, "--chunks", "off", "--out", str(out),
                             "--scheduler", dask_processes.address], tmp_path / "coordinator")
    victim = wait_for_manim(dask_processes, ["w1", "w2"], render)
    survivor = "w2" if victim == "w1" else "w1"
    dask_processes.kill(victim)
    stdout, stderr = render.communicate(timeout=RENDER_S)
    assert render.returncode == 0, stderr
    folder = out / "low" / "dark"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert sorted(manifest["scenes"]) == sorted(scenes)
    for scene, entry in manifest["scenes"].items():
        assert manifest_mod.damaged(folder, entry) is None, scene
        assert media.probe(folder / entry["files"][0]).duration > 0, scene
    # Where each job began (a worker started with --name is named by it): the victim's scene
    # there first, then every scene on the survivor.
    started = [line.strip() for line in stdout.splitlines() if line.startswith("      ")]
    assert any(line.endswith(f" on {victim}") for line in started), stdout
    for scene in scenes:
        assert f"{scene}: on {survivor}" in started, stdout
    assert not (folder / ".staging").exists()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def earlier_render(tmp_path_factory) -> Path:
    """An output root holding a plain render of ``saturation``, made once; copy it before use."""
    out = tmp_path_factory.mktemp("earlier") / "renders"
    done = subprocess.run([sys.executable, "-m", "sigsat.cli", "render", "saturation", *SILENT, "--chunks", "off",
                           "--out", str(out)], cwd=out.parent, env=clean_env(), capture_output=True, text=True,
                          timeout=RENDER_S)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
@pytest.mark.parametrize("how, status, said", [(signal.SIGINT, 130, "interrupted"),
                                               (signal.SIGTERM, 143, "terminated")], ids=["ctrl-c", "sigterm"])
def test_stopping_kills_manim_on_every_worker_and_keeps_earlier_renders(tmp_path, dask_processes, earlier_render,
                                                                         how, status, said):
    out = tmp_path / "renders"
    shutil.copytree(earlier_render, out)
    folder = out / "low" / "dark"
    before = snapshot(folder)
    dask_processes.up({"w1": {}, "w2": {}})
    render = sigsat_process(["render", "derivative", "probe", *SILENT, "--chunks", "off", "--out", str(out),
                             "--scheduler", dask_processes.address], tmp_path / "coordinator")
    wait_for_manim(dask_processes, ["w1", "w2"], render)
    render.send_signal(how)
    interrupted = time.monotonic()
    _, stderr = render.communicate(timeout=60)
    assert render.returncode == status, stderr
    assert stderr.splitlines() == [f"sigsat: {said}; finished scenes and earlier renders are kept"]
    while any(dask_processes.manim_on(w) for w in ("w1", "w2")) and time.monotonic() < interrupted + STOP_S:
        time.sleep(0.2)
    assert not dask_processes.manim_on("w1") and not dask_processes.manim_on("w2")
    assert not (folder / ".staging").exists()
    assert snapshot(folder) == before


@pytest.mark.slow
def test_a_worker_with_another_espeak_is_refused_before_anything_renders(tmp_path, dask_processes):
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    espeak = fake / "espeak-ng"
    espeak.write_text("#!/bin/sh\necho 'eSpeak NG text-to-speech: 0.99.9  Data at: /x'\n")
    espeak.chmod(0o755)
    dask_processes.up({"oddworker": {"PATH": f"{fake}:{os.environ['PATH']}"}})
    out = tmp_path / "renders"
    render = sigsat_process(["render", "saturation", *SILENT, "--chunks", "off", "--out", str(out),
                             "--scheduler", dask_processes.address], tmp_path / "coordinator")
    stdout, stderr = render.communicate(timeout=RENDER_S)
    lines = stderr.splitlines()
    assert render.returncode == 1, stderr
    assert len(lines) == 1 and lines[0].startswith("sigsat: "), lines
    # Named by its address (the check at connection) or its name (the worker's own check of a job).
    assert "espeak-ng 0.99.9" in lines[0], lines
    assert dask_processes.addresses["oddworker"] in lines[0] or "worker oddworker " in lines[0], lines
    assert not [p for p in out.rglob("*") if p.suffix in (".mp4", ".png", ".srt", ".vtt")]
    assert not (out / "low" / "dark" / "manifest.json").exists()


def render_into(out: Path, *extra: str) -> tuple[Path, str]:
    """``sigsat render saturation`` (the shortest scene) into ``out`` in two chunks of beats (jobs
    as a cluster gets them by default): (its render folder, what it printed)."""
    done = subprocess.run([sys.executable, "-m", "sigsat.cli", "render", "saturation", *SILENT,
                           "--chunks", "2", "--out", str(out), *extra], cwd=out.parent,
                          env=clean_env(**own_folders(out.parent)),
                          capture_output=True, text=True, timeout=RENDER_S)
    assert done.returncode == 0, done.stderr
    return out / "low" / "dark", done.stdout


def names_in(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".cache" not in p.relative_to(root).parts)


@pytest.mark.slow
def test_a_local_cluster_renders_what_a_local_render_does(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "farm").mkdir()
    plain, _ = render_into(tmp_path / "plain" / "renders", "--jobs", "2")
    farmed, printed = render_into(tmp_path / "farm" / "renders", "--cluster", "local:2")
    assert names_in(tmp_path / "plain" / "renders") == names_in(tmp_path / "farm" / "renders")
    scenes_a = json.loads((plain / "manifest.json").read_text())["scenes"]
    scenes_b = json.loads((farmed / "manifest.json").read_text())["scenes"]
    assert {s: e["key"] for s, e in scenes_a.items()} == {s: e["key"] for s, e in scenes_b.items()}
    assert sorted(scenes_b) == ["saturation"]
    names = names_in(plain)
    for name in [n for n in names if n.endswith((".srt", ".vtt", "sections.json"))]:
        assert (plain / name).read_bytes() == (farmed / name).read_bytes(), name
    videos = [n for n in names if n.endswith((".mp4", ".png"))]
    assert len(videos) > 2
    for name in videos:   # x264 may decide differently from run to run: compared as a viewer sees it
        if (plain / name).read_bytes() == (farmed / name).read_bytes():
            continue   # the same bytes decode to the same frames (and spare seconds of decoding)
        frames = compare_frames(plain / name, farmed / name)
        assert frames.frames_a == frames.frames_b > 0, name
        assert frames.below(FLOOR_DB) == [], name
    assert [c["beats"] for c in scenes_a["saturation"]["chunks"]] == \
        [c["beats"] for c in scenes_b["saturation"]["chunks"]]
    # Where each chunk began: one of the cluster's workers, named by its address.
    began = re.findall(r"^ {6}saturation: beats? [-\d]+ on tcp://127\.0\.0\.1:\d+$", printed, re.M)
    assert len(began) == len(scenes_b["saturation"]["chunks"]) == 2, printed
