"""Rendering on a Dask cluster (``--cluster local[:N]``, ``--scheduler URL``), with real processes.

The fast tests call sigsat in this process (or one plain subprocess) and start no manim. The slow
ones start real Dask schedulers and workers bound to 127.0.0.1, each worker in a working folder,
Dask folder and voice store of its own (as on separate machines) and in a session of its own, so
that a test can kill a worker's whole process group; every process is stopped by the test.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from rich.console import Console

from sigsat import cli
from sigsat.lesson.params import Params
from sigsat.production import farm, pipeline

SILENT = ["--narration", "none", "--quality", "low"]


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
                                    ["--scheduler", "8786"]])
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


def test_a_worker_with_the_same_versions_renders_the_job(tmp_path, monkeypatch):
    """The other side of the refusal: the same check lets an agreeing worker through."""
    def fake_render(job: pipeline.Job) -> pipeline.JobResult:
        staging = Path(job.staging_dir)
        staging.mkdir(parents=True)
        (staging / f"{job.stem}.mp4").write_bytes(b"video")
        return pipeline.JobResult(job.scene_id, job.key, str(staging), (f"{job.stem}.mp4",), 1.0, 1.0, 1.0)

    monkeypatch.setattr(pipeline, "render_job", fake_render)
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
