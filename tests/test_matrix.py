"""The matrix of bad input, faults and interruptions: every one ends in one clear line, nothing lost.

Each row of a table below runs the real ``sigsat`` command as a subprocess in a fresh folder and
checks what a lecturer sees: the exit status, exactly one line on stderr starting ``sigsat: ``
that names the culprit, no traceback, and no change to an earlier render's files (compared byte
for byte) or to the working folder. Add a case by adding a row.

Placeholders in a row's arguments and culprit: ``{tmp}`` is the case's own (working) folder,
``{out}`` the output root holding an earlier render. The earlier render is made once per module,
through sigsat's own pipeline with a stand-in for manim (fast tier), and again with real manim
(slow tier); refusals must leave either byte-identical.

Interruptions run the real pipeline against a stand-in ``manim`` package (``FAKE_MANIM``) put
first on PYTHONPATH, so the render has a child process to wait for, kill or be failed by.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from sigsat.lesson import params as params_mod
from sigsat.production import pipeline
from sigsat.lesson.params import Params
from tests.signals import ctrl_c_reaches_it

TIMEOUT = 60  # seconds; a FIFO read or an unbounded /dev/zero read would hang past it


# --- how a case is run and checked -------------------------------------------------------------

def sigsat(args, cwd: Path, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sigsat.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT, **kwargs)


def base_env(tmp: Path) -> dict[str, str]:
    """The caller's environment without a parameter file, with a private, writable cache."""
    env = {k: v for k, v in os.environ.items() if k != params_mod.PARAMS_ENV}
    env["XDG_CACHE_HOME"] = str(tmp / ".xdg-cache")
    return env


def snapshot(root: Path) -> dict[str, object]:
    """Every entry under ``root``: a file's bytes, a link's target, or another entry's type.

    Special files (FIFOs) are recorded by type only: reading them would block.
    """
    entries: dict[str, object] = {}
    if not root.exists():
        return entries
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        rel = str(path.relative_to(root))
        if stat.S_ISREG(info.st_mode):
            entries[rel] = path.read_bytes()
        elif stat.S_ISLNK(info.st_mode):
            entries[rel] = ("link", os.readlink(path))
        else:
            entries[rel] = ("type", stat.S_IFMT(info.st_mode))
    return entries


def assert_one_line(stderr: str, culprit: str) -> str:
    """The single stderr line, checked: ``sigsat: `` prefix, names ``culprit``, no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("sigsat: "), lines[0]
    assert culprit in lines[0], (culprit, lines[0])
    return lines[0]


# --- the table ---------------------------------------------------------------------------------

Setup = Callable[[Path], dict[str, str]]


def no_setup(tmp: Path) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Case:
    """One bad input or fault: the arguments, what must happen, and how to set the stage."""

    name: str
    args: tuple[str, ...]
    status: int
    culprit: str
    setup: Setup = no_setup                    # makes files under tmp, returns environment changes
    unchanged: tuple[str, ...] = ("{out}", "{tmp}")  # folders that must be byte-identical after
    cwd: str = "{tmp}"


def param_file(text: str | bytes, name: str = "lecture.toml") -> Setup:
    def setup(tmp: Path) -> dict[str, str]:
        path = tmp / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return {}
    return setup


def fifo(name: str = "lecture.toml", env: str | None = None) -> Setup:
    def setup(tmp: Path) -> dict[str, str]:
        os.mkfifo(tmp / name)
        return {env: str(tmp / name)} if env else {}
    return setup


def folder(name: str) -> Setup:
    def setup(tmp: Path) -> dict[str, str]:
        (tmp / name).mkdir()
        return {}
    return setup


def env_var(**changes: str) -> Setup:
    return lambda tmp: dict(changes)


#: Bad parameter files: (id, how it is made, the name it is given to sigsat by, culprit).
BAD_PARAM_FILES = [
    ("unknown table", param_file("[chian]\nlayers = 5\n"), "[chian]"),
    ("unknown key", param_file("[chain]\nlayres = 5\n"), "[chain] layres"),
    ("wrong type", param_file('[chain]\nlayers = "5"\n'), '[chain] layers = "5"'),
    ("NaN", param_file("[chain]\nlearning_rate = nan\n"), "learning_rate = nan"),
    ("infinity", param_file("[saturation]\nprobe_z = inf\n"), "probe_z = inf"),
    ("out of range", param_file("[network]\ndepth = 31\n"), "[network] depth = 31"),
    ("not TOML", param_file("[chain\nlayers = 5\n"), "not valid TOML"),
    ("not UTF-8", param_file(b"[chain]\nlayers = 5 # \xff\n"), "not UTF-8"),
    ("missing file", no_setup, "no such parameter file"),
    ("a folder", folder("lecture.toml"), "is a folder"),
    ("a FIFO", fifo(), "is a named pipe"),
    ("oversized", param_file("#" * ((1 << 20) + 1)), "too large"),
]

PARAM_CASES = [
    Case(f"params: {name}", ("params", "--params", "{tmp}/lecture.toml"), 2, culprit, setup)
    for name, setup, culprit in BAD_PARAM_FILES
] + [
    Case(f"render: {name}", ("render", "--out", "{out}", "--params", "{tmp}/lecture.toml"), 2, culprit, setup)
    for name, setup, culprit in BAD_PARAM_FILES
] + [
    Case("params: /dev/zero", ("params", "--params", "/dev/zero"), 2, "/dev/zero: is a character device"),
    Case("render: /dev/zero", ("render", "--out", "{out}", "--params", "/dev/zero"), 2, "/dev/zero"),
    Case("narration export: /dev/zero", ("narration", "export", "--params", "/dev/zero"), 2, "/dev/zero"),
    Case("sigsat.toml is a folder", ("render", "--out", "{out}"), 2, "sigsat.toml (in the working directory)",
         folder("sigsat.toml")),
    Case("sigsat.toml is malformed", ("params",), 2, "sigsat.toml (in the working directory): [chain] layers",
         param_file("[chain]\nlayers = 0\n", "sigsat.toml")),
    Case("$SIGSAT_PARAMS is /dev/zero", ("render", "--out", "{out}"), 2, "/dev/zero (named by $SIGSAT_PARAMS)",
         env_var(SIGSAT_PARAMS="/dev/zero")),
    Case("$SIGSAT_PARAMS is a FIFO", ("params",), 2, "(named by $SIGSAT_PARAMS): is a named pipe",
         fifo("pipe.toml", env=params_mod.PARAMS_ENV)),
]


def recordings(bad: str, content: bytes | None) -> Setup:
    """Good WAVs for every line of the first scene, except ``bad`` (None: missing)."""
    def setup(tmp: Path) -> dict[str, str]:
        import wave

        from sigsat.lesson import lecture

        spec = lecture.SCENES[0]
        for beat in spec.beats:
            path = tmp / "recordings" / spec.id / f"{beat}.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            if beat != bad:
                with wave.open(str(path), "wb") as audio:
                    audio.setnchannels(1), audio.setsampwidth(2), audio.setframerate(8000)
                    audio.writeframes(b"\0\0" * 800)
            elif content is not None:
                path.write_bytes(content)
        return {}
    return setup


def _first_beat() -> str:
    from sigsat.lesson import lecture

    return lecture.SCENES[0].beats[0]


def read_only_folder(tmp: Path) -> Path:
    """A folder no one may write in: root ignores permission bits, but not sysfs's refusal."""
    if os.geteuid() == 0:
        return Path("/sys")
    locked = tmp / "locked"
    locked.mkdir(exist_ok=True)
    locked.chmod(0o555)
    return locked


def home_is_a_file(tmp: Path) -> dict[str, str]:
    """$HOME is a regular file: ~/.cache (the voice store's home) can never be created."""
    (tmp / "home").write_text("a file, not a folder\n")
    return {"HOME": str(tmp / "home"), "XDG_CACHE_HOME": ""}


def path_with_only(*tools: str) -> Setup:
    """A PATH holding only the named tools (links to the real ones)."""
    def setup(tmp: Path) -> dict[str, str]:
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        for tool in tools:
            (bin_dir / tool).symlink_to(shutil.which(tool))
        return {"PATH": str(bin_dir)}
    return setup


SCENE = "saturation"
CLI_CASES = [
    Case("unknown command", ("frobnicate",), 2, "'frobnicate'"),
    Case("unknown scene", ("render", "nosuchscene", "--out", "{out}"), 2, "unknown scene 'nosuchscene'"),
    Case("unknown quality", ("render", "--quality", "ultra", "--out", "{out}"), 2, "'ultra'"),
    Case("unknown theme", ("storyboard", "--theme", "blue", "--out", "{out}"), 2, "'blue'"),
    Case("unknown deck format", ("slides", "--format", "doc", "--out", "{out}"), 2, "'doc'"),
    Case("--jobs 0", ("render", "--jobs", "0", "--out", "{out}"), 2, "--jobs"),
    Case("--jobs many", ("render", "--jobs", "many", "--out", "{out}"), 2, "'many'"),
    Case("--jobs 1000", ("render", SCENE, "--jobs", "1000", "--out", "{out}"), 2,
         f"at most {2 * (os.cpu_count() or 1)}"),
    Case("--out with %", ("render", SCENE, "--out", "{tmp}/a%b"), 2, "contains %"),
    Case("--out with ~", ("render", SCENE, "--out", "{tmp}/a~b"), 2, "contains ~"),
    Case("--out with a backslash", ("storyboard", SCENE, "--out", "{tmp}/a\\b"), 2, "contains \\"),
    Case("--out ''", ("render", SCENE, "--out", ""), 2, "--out"),
    Case("default --out in a working folder with ~", ("render", SCENE), 2, "{tmp}/a~b/renders' contains ~",
         folder("a~b"), cwd="{tmp}/a~b"),
    Case("narration export -o a folder", ("narration", "export", "-o", "{tmp}"), 2, "{tmp} is a folder"),
    Case("narration export -o ''", ("narration", "export", "-o", ""), 2, "--output/-o"),
    Case("narration export -o in a missing folder", ("narration", "export", "-o", "{tmp}/nowhere/s.txt"), 2,
         "{tmp}/nowhere"),
    Case("narration export of an unknown scene", ("narration", "export", "nosuchscene"), 2, "'nosuchscene'"),
    Case("recording missing", ("render", SCENE, "--narration", "recorded", "--out", "{out}"), 2,
         f"recordings/{SCENE}/{_first_beat()}.wav (no recording", recordings(_first_beat(), None)),
    Case("recording empty", ("render", SCENE, "--narration", "recorded", "--out", "{out}"), 2,
         f"recordings/{SCENE}/{_first_beat()}.wav (empty: 0 bytes", recordings(_first_beat(), b"")),
    Case("recording not a WAV", ("render", SCENE, "--narration", "recorded", "--out", "{out}"), 2,
         f"recordings/{SCENE}/{_first_beat()}.wav (not a PCM WAV", recordings(_first_beat(), b"ID3\x04 an mp3")),
]

ENVIRONMENT_CASES = [
    Case("no latex on PATH", ("render", SCENE, "--narration", "none", "--out", "{out}"), 1, "latex (not found on PATH)",
         path_with_only()),
    Case("no dvisvgm on PATH", ("render", SCENE, "--narration", "none", "--out", "{out}"), 1,
         "dvisvgm (not found on PATH)", path_with_only("latex")),
    Case("HOME not writable: render", ("render", SCENE, "--narration", "espeak", "--out", "{out}"), 1,
         "voice store {tmp}/home/.cache/sigsat/voice ({tmp}/home is a file", home_is_a_file),
    Case("HOME not writable: doctor", ("doctor", "--out", "{out}"), 1, "voice store {tmp}/home/.cache",
         home_is_a_file),
    Case("doctor: malformed sigsat.toml", ("doctor", "--out", "{out}"), 1, "sigsat.toml (in the working directory)",
         param_file("[chain]\nlayers = 0\n", "sigsat.toml")),
    Case("doctor: --out under a file", ("doctor", "--out", "{tmp}/lecture.toml/renders"), 1,
         "{tmp}/lecture.toml is a file", param_file("")),
    Case("doctor: --out with ~", ("doctor", "--out", "{tmp}/a~b"), 1, "contains ~"),
    Case("narration export to a read-only folder", ("narration", "export", "-o", "{ro}/script.txt"), 1,
         "cannot write {ro}/script.txt"),
]

CASES = PARAM_CASES + CLI_CASES + ENVIRONMENT_CASES


# --- the earlier render every refusal must leave alone -----------------------------------------

def _stub_render_job(job: pipeline.Job) -> pipeline.JobResult:
    """What render_job stages, with stand-in bytes for the media (no manim)."""
    staging = Path(job.staging_dir)
    (staging / job.stem).mkdir(parents=True)
    for name in (f"{job.stem}.mp4", f"{job.stem}.srt", f"{job.stem}.vtt", f"{job.stem}.png"):
        (staging / name).write_bytes(f"{name} of {job.key}\n".encode())
    (staging / job.stem / "01_beat.mp4").write_bytes(b"beat clip\n")
    (staging / job.stem / "sections.json").write_text("[]")
    files = (f"{job.stem}.mp4", f"{job.stem}.srt", f"{job.stem}.vtt", f"{job.stem}.png", job.stem)
    return pipeline.JobResult(job.scene_id, job.key, str(staging), files, 0.1, 1.0, 1.0)


@pytest.fixture(scope="module", params=["stub", pytest.param("real", marks=pytest.mark.slow)])
def earlier(request, tmp_path_factory) -> Path:
    """An output root holding an earlier render of the first scene (and its gallery)."""
    root = tmp_path_factory.mktemp("earlier") / "renders"
    options = pipeline.Options(out=root, jobs=1, narration="none", chunks="off")
    if request.param == "stub":
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pipeline, "render_job", _stub_render_job)
            pipeline.render([SCENE], Params(), options)
    else:
        done = sigsat(["render", SCENE, "--narration", "none", "--jobs", "1", "--out", str(root)],
                      cwd=root.parent, env=base_env(root.parent))
        assert done.returncode == 0, done.stderr[-2000:]
    assert (root / "low" / "dark" / "manifest.json").is_file()
    return root


def run_case(case: Case, tmp: Path, out: Path) -> subprocess.CompletedProcess:
    tmp.mkdir(exist_ok=True)
    env = base_env(tmp)
    env.update(case.setup(tmp))
    if env.get("XDG_CACHE_HOME") == "":
        del env["XDG_CACHE_HOME"]
    fill = dict(tmp=str(tmp), out=str(out), ro=str(read_only_folder(tmp)))
    watched = [Path(p.format(**fill)) for p in case.unchanged]
    before = [snapshot(p) for p in watched]
    done = sigsat([a.format(**fill) for a in case.args], cwd=case.cwd.format(**fill), env=env)
    assert done.returncode == case.status, done.stderr
    assert_one_line(done.stderr, case.culprit.format(**fill))
    for path, seen in zip(watched, before):
        assert snapshot(path) == seen, f"{path} changed"
    return done


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_and_faults_end_in_one_line_and_lose_nothing(case, earlier, tmp_path):
    run_case(case, tmp_path / "work", earlier)


# --- one-offs the table cannot express -----------------------------------------------------------

def test_doctor_changes_nothing_and_reports_a_healthy_machine(tmp_path, earlier):
    env = base_env(tmp_path)
    before = snapshot(tmp_path), snapshot(earlier)
    done = sigsat(["doctor", "--out", str(earlier)], cwd=tmp_path, env=env)
    assert (snapshot(tmp_path), snapshot(earlier)) == before  # no ./renders, no voice store made
    assert "voice store" in done.stdout and f"write access to {earlier}" in done.stdout
    assert "parameters" in done.stdout


def test_narration_export_never_leaves_a_half_written_file(tmp_path):
    """A write cut short (a file-size limit) keeps the old script whole and leaves no debris."""
    target = tmp_path / "script.txt"
    target.write_text("the lecturer's own notes\n")

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing

    done = sigsat(["narration", "export", "-o", str(target)], cwd=tmp_path, env=base_env(tmp_path),
                  preexec_fn=small_files)
    assert done.returncode == 1
    assert_one_line(done.stderr, f"cannot write {target}")
    assert target.read_text() == "the lecturer's own notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["script.txt"]


def test_narration_export_writes_the_script(tmp_path):
    target = tmp_path / "script.txt"
    done = sigsat(["narration", "export", "-o", str(target)], cwd=tmp_path, env=base_env(tmp_path))
    assert done.returncode == 0 and done.stderr == ""
    shown = sigsat(["narration", "export"], cwd=tmp_path, env=base_env(tmp_path)).stdout
    assert target.read_text() == shown and f"{SCENE}/{_first_beat()}\t" in shown


# --- a reader that goes away ---------------------------------------------------------------------

PIPE_CASES = [("list",), ("params",), ("narration", "export"), ("doctor",), ("params", "--params", "{tmp}/p.toml")]


@pytest.mark.parametrize("args", PIPE_CASES, ids=[" ".join(a) for a in PIPE_CASES])
def test_a_closed_stdout_ends_quietly_with_141(args, tmp_path):
    """`sigsat list | head -n 1`: the reader is gone before sigsat writes (deterministically:
    its end of the pipe is closed first), and sigsat exits 141 saying nothing."""
    (tmp_path / "p.toml").write_text("[chain]\nlayers = 3\n")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "sigsat.cli", *(a.format(tmp=tmp_path) for a in args)],
                              cwd=tmp_path, env=base_env(tmp_path), stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=TIMEOUT)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, "")


# --- interruptions: a render waiting on its manim child ------------------------------------------

FAKE_MANIM = '''
"""Stands in for `python -m manim`: says it started, then does what SIGSAT_FAKE_MANIM asks."""
import os, sys, time
from pathlib import Path

Path(os.environ["SIGSAT_FAKE_STARTED"]).write_text(str(os.getpid()))
how = os.environ["SIGSAT_FAKE_MANIM"]
if how == "hang":
    time.sleep(TIMEOUT)
elif how == "sigkill":
    os.kill(os.getpid(), 9)
else:  # fail the way manim does: rich's boxed traceback on stderr, exit status 1
    from rich.console import Console
    try:
        exec(how)
    except Exception:
        Console(stderr=True).print_exception()
    sys.exit(1)
'''.replace("TIMEOUT", str(TIMEOUT))


@pytest.fixture
def fake_manim(tmp_path):
    """Environment (and the file the child's pid lands in) for a render whose manim is FAKE_MANIM."""
    package = tmp_path / "fake" / "manim"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(FAKE_MANIM)
    started = tmp_path / "manim-started"

    def env(how: str) -> dict[str, str]:
        return dict(base_env(tmp_path), PYTHONPATH=str(tmp_path / "fake"), SIGSAT_FAKE_MANIM=how,
                    SIGSAT_FAKE_STARTED=str(started))
    return env, started


def _render_then(fake_manim, out: Path, tmp: Path, how: str, act: Callable[[subprocess.Popen, int], None]):
    env, started = fake_manim
    out_folder = out / "low" / "dark"
    before = snapshot(out_folder)
    proc = subprocess.Popen([sys.executable, "-m", "sigsat.cli", "render", SCENE, "--force", "--jobs", "1",
                             "--narration", "none", "--out", str(out)], cwd=tmp, env=env(how),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_reaches_it)
    try:
        deadline = time.monotonic() + TIMEOUT
        while not (started.exists() and started.read_text()) and proc.poll() is None:
            assert time.monotonic() < deadline, "the render never started manim"
            time.sleep(0.05)
        act(proc, int(started.read_text() or 0))
        _, stderr = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()   # closes its pipes: a test that failed here must not leak them into the next
    assert snapshot(out_folder) == before, "the earlier render changed"
    return proc.returncode, stderr


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


SIGNAL_CASES = [("SIGTERM", signal.SIGTERM, 143, "sigsat: terminated"),
                ("SIGINT (Ctrl-C)", signal.SIGINT, 130, "sigsat: interrupted")]


@pytest.mark.parametrize("name, signum, status, culprit", SIGNAL_CASES, ids=[c[0] for c in SIGNAL_CASES])
def test_an_interrupted_render_exits_with_its_status_and_loses_nothing(name, signum, status, culprit, earlier,
                                                                         fake_manim, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(earlier, out)  # the render is forced to start: it must not touch the original
    child = []
    returncode, stderr = _render_then(fake_manim, out, tmp_path, "hang",
                                      lambda proc, pid: (child.append(pid), proc.send_signal(signum)))
    assert returncode == status
    assert_one_line(stderr, culprit)
    assert _gone(child[0]), "the manim child outlived sigsat"
    assert not (out / "low" / "dark" / ".staging").exists()


FAILURE_CASES = [
    ("latex under %", "raise RuntimeError('latex failed but did not produce a log file. Check your LaTeX "
                      "installation.')", "RuntimeError: latex failed but did not produce a log file. Check your "
                                         "LaTeX installation."),
    ("dvisvgm, a message rich wraps",
     "raise ValueError('Your installation does not support converting .dvi files to SVG. Consider updating "
     "dvisvgm to at least version 2.4. If this does not solve the problem, please refer to our troubleshooting "
     "guide at: https://docs.manim.community/en/stable/faq/general.html#my-installation-does-not-support-"
     "converting-pdf-to-svg-help')",
     "to our troubleshooting guide at: https://docs.manim.community/en/stable/faq/general.html#my-installation-"
     "does-not-support-converting-pdf-to-svg-help: dvisvgm could not turn LaTeX's output into SVG"),
    ("cut-off WAV", "import io, wave; wave.open(io.BytesIO(b''))", "EOFError: a WAV file ended early"),
    ("killed", "sigkill", "manim was killed by signal SIGKILL"),
]


@pytest.mark.parametrize("name, how, cause", FAILURE_CASES, ids=[c[0] for c in FAILURE_CASES])
def test_a_failed_manim_run_is_reported_by_its_cause_and_log(name, how, cause, earlier, fake_manim, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(earlier, out)
    returncode, stderr = _render_then(fake_manim, out, tmp_path, how, lambda proc, pid: None)
    assert returncode == 1
    line = assert_one_line(stderr, cause)
    assert f"full log: {out}/.cache/media/{SCENE}/manim.log" in line


# --- `make test` where chromium is a snap -----------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SNAP_STUB = """#!/bin/sh
echo "Command '$0' requires the chromium snap to be installed." >&2
echo "Please install it with: snap install chromium" >&2
exit 1
"""
CHROME = '#!/bin/sh\necho "Google Chrome 131.0.6778.85 "\n'
# Stand-ins for Debian's package tools: every package is installed but chromium; apt-get notes
# what it was asked to install.
DPKG_QUERY = '#!/bin/sh\nfor a; do p=$a; done\n[ "$p" = chromium ] || printf "install ok installed"\n'
APT_GET = '#!/bin/sh\necho "$@" >> "$FAKE_APT_LOG"\n'


def _system_deps(tmp: Path, distro: str, browsers: dict[str, str]) -> tuple[subprocess.CompletedProcess, str]:
    """Run `.ci/system-deps.sh PYTHON chromium` (what `make test` runs) on a pretend ``distro``."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    stubs = dict.fromkeys(["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"], SNAP_STUB)
    tools = {**stubs, **browsers, "dpkg-query": DPKG_QUERY, "apt-get": APT_GET, "sudo": '#!/bin/sh\nexec "$@"\n'}
    for name, text in tools.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    os_release = tmp / "os-release"
    os_release.write_text({"ubuntu": 'ID=ubuntu\nID_LIKE=debian\n', "mint": 'ID=linuxmint\nID_LIKE="ubuntu debian"\n',
                           "debian": 'ID=debian\n'}[distro])
    log = tmp / "apt.log"
    log.write_text("")
    env = dict(os.environ, PATH=f"{bin_dir}:/usr/bin:/bin", SIGSAT_OS_RELEASE=str(os_release), FAKE_APT_LOG=str(log))
    done = subprocess.run(["bash", str(ROOT / ".ci" / "system-deps.sh"), sys.executable, "chromium"],
                          env=env, capture_output=True, text=True, timeout=TIMEOUT)
    return done, log.read_text()


@pytest.mark.parametrize("distro", ["ubuntu", "mint"])
def test_make_test_on_ubuntu_without_a_working_browser_says_what_to_install(tmp_path, distro):
    done, apt = _system_deps(tmp_path, distro, {})
    assert done.returncode == 1
    assert_one_line(done.stderr, "google-chrome")
    assert apt == ""  # the snap stub is never installed


def test_make_test_on_ubuntu_uses_any_working_browser(tmp_path):
    done, apt = _system_deps(tmp_path, "ubuntu", {"google-chrome": CHROME})
    assert done.returncode == 0, done.stderr
    assert "chromium" not in apt
    found = subprocess.run(["bash", str(ROOT / ".ci" / "find-browser.sh")], capture_output=True, text=True,
                           env=dict(os.environ, PATH=f"{tmp_path / 'bin'}:/usr/bin:/bin"))
    assert found.stdout.strip() == str(tmp_path / "bin" / "google-chrome")  # what the tests will drive


def test_make_test_on_debian_installs_chromium_as_before(tmp_path):
    done, apt = _system_deps(tmp_path, "debian", {"google-chrome": CHROME})
    assert done.returncode == 0, done.stderr
    assert apt.split()[-1:] == ["chromium"] and "install" in apt


@pytest.mark.slow
def test_a_real_manim_failure_is_reported_by_its_exception_and_log(tmp_path, earlier):
    """Real manim, with a dvisvgm that fails: the line carries manim's whole ValueError (rich wraps
    it over three lines of the log), the scene code it came through, and plain words."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dvisvgm").write_text("#!/bin/sh\nexit 1\n")
    (bin_dir / "dvisvgm").chmod(0o755)
    out = tmp_path / "copy"
    shutil.copytree(earlier, out)
    shutil.rmtree(out / ".cache", ignore_errors=True)  # formulas cached as SVG would skip dvisvgm
    before = snapshot(out / "low" / "dark")
    env = dict(base_env(tmp_path), PATH=f"{bin_dir}:{os.environ['PATH']}")
    done = sigsat(["render", SCENE, "--force", "--narration", "none", "--out", str(out)], cwd=tmp_path, env=env)
    assert done.returncode == 1
    line = assert_one_line(done.stderr, "ValueError: Your installation does not support converting .dvi files to "
                                        "SVG.")
    assert "#my-installation-does-not-support-converting-pdf-to-svg-help (at " in line
    assert "/scenes/" in line and "dvisvgm could not turn LaTeX's output into SVG" in line
    # The scene's own log, or with two workers one of its chunks' (media folders <scene>.partN).
    assert re.search(rf"full log: {re.escape(str(out))}/\.cache/media/{SCENE}(\.part\d+)?/manim\.log", line), line
    assert snapshot(out / "low" / "dark") == before
