"""The ``sigsat`` command: render, storyboard, list, params, doctor."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import signal
import sys
from pathlib import Path

from .lesson import i18n, lecture, params as params_mod
from .lesson.params import ParamError

__all__ = ["main"]


#: Exit statuses shared across the project (README, "When something goes wrong").
EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line starting ``sigsat: `` (and exit status 2)."""

    def error(self, message: str):
        command = self.prog.removeprefix("sigsat").strip()
        hint = f"; see 'sigsat {command} --help'" if command else "; see 'sigsat --help'"
        self.exit(EXIT_USAGE, f"sigsat: {message}{hint}\n")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same clean-up runs, but reported as exit 143."""


def _render_options(p: argparse.ArgumentParser, formats: bool = True, scenes: bool = True) -> None:
    from .production.naming import FORMATS, QUALITIES

    if scenes:
        p.add_argument("scenes", nargs="*", metavar="SCENE", help="scene ids or class names (default: all)")
        p.add_argument("--part", type=int, choices=lecture.parts(),
                       help="only the scenes of this part of the lecture (and its lecture video)")
    p.add_argument("--params", metavar="FILE", help="parameter file (default: sigsat.toml if present)")
    p.add_argument("--quality", choices=list(QUALITIES), default="low")
    p.add_argument("--theme", choices=params_mod.choices("theme.name"), help="override [theme] name")
    p.add_argument("--jobs", type=_job_count, default=os.cpu_count() or 1,
                   help=f"scenes rendered at once, 1 to {_max_jobs()} (default: number of cores)")
    # A string default goes through _output_root too: the working folder's path can be the problem.
    p.add_argument("--out", type=_output_root, default="renders",
                   help="output root; files go to OUT/QUALITY/THEME (default: renders)")
    p.add_argument("--force", action="store_true", help="render even if nothing changed")
    p.add_argument("--dry-run", action="store_true",
                   help="say what would be rendered and why (which input changed); change nothing")
    if formats:
        p.add_argument("--format", dest="formats", action="append", choices=list(FORMATS), default=[],
                       help="also write this format per scene")
    if scenes:
        p.add_argument("--transparent", action="store_true",
                       help="also write a clip with an alpha channel (.mov, qtrle) per scene")
    p.add_argument("--narration", choices=params_mod.choices("narration.mode"),
                   help="override [narration] mode")
    _lang_option(p)
    p.add_argument("--chunks", type=_chunks, default="auto", metavar="auto|off|N",
                   help="split scenes into chunks of whole beats rendered in parallel: auto when "
                        "workers would idle (default), off, or N chunks per scene")
    farm = p.add_mutually_exclusive_group()
    farm.add_argument("--cluster", type=_cluster, metavar="local[:N]",
                      help="render on a Dask cluster of N worker processes on this machine (needs the "
                           "[cluster] extra; default N: one per core); --jobs is then the cluster's size")
    farm.add_argument("--scheduler", type=_scheduler, metavar="tcp://HOST:PORT",
                      help="render on the workers of a running Dask scheduler (README: Rendering on a cluster)")


def _max_jobs() -> int:
    """Two manim processes per core at most: one already keeps ~1.2 cores busy (its encoder
    thread), so more only add 250-650 MiB of memory each and no speed."""
    return 2 * (os.cpu_count() or 1)


def _job_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    top = _max_jobs()
    if not 1 <= value <= top:
        raise argparse.ArgumentTypeError(
            f"must be a whole number >= 1 and at most {top} (2 per core on this machine's "
            f"{os.cpu_count() or 1} cores), got {text!r}")
    return value


def _chunks(text: str) -> str | int:
    if text in ("auto", "off"):
        return text
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be 'auto', 'off' or a whole number of chunks from 1 "
                                         f"to 64, got {text!r}")
    return value


def _cluster(text: str) -> int:
    from .production.farm import parse_cluster

    try:
        return parse_cluster(text, _max_jobs())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _scheduler(text: str) -> str:
    import re

    match = re.fullmatch(r"(tcp|tls)://[^\s/:]+:(\d{1,5})", text)
    # A port out of range is a typo to point out now, not a connection to wait 20 s for.
    if not match or not 1 <= int(match[2]) <= 65535:
        raise argparse.ArgumentTypeError(f"must be a scheduler address such as tcp://HOST:8786 (a port from 1 to 65535), got {text!r}")
    return text


def _output_root(text: str) -> Path:
    """--out, refused up front when LaTeX could not run under it (manim's message would only
    say 'Check your LaTeX installation')."""
    if not text:
        raise argparse.ArgumentTypeError("must name a folder, got ''")
    from .production.doctor import LATEX_UNSAFE, latex_unsafe

    bad = latex_unsafe(Path(text))
    if bad:
        raise argparse.ArgumentTypeError(
            f"{os.path.abspath(text)!r} contains {bad}, which LaTeX cannot work under; choose a folder "
            f"whose path has none of {' '.join(LATEX_UNSAFE)}")
    return Path(text)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, got {text!r}")
    return value


def _output_file(text: str) -> Path:
    if not text:
        raise argparse.ArgumentTypeError("must name a file, got ''")
    return Path(text)


def _lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=params_mod.choices("narration.language"),
                   help="override [narration] language (outputs of another language than English go "
                        "to OUT/QUALITY/THEME/LANG)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sigsat", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    render = sub.add_parser("render", help="render scenes and the lecture into renders/")
    _render_options(render)
    board = sub.add_parser("storyboard", help="one PNG per scene: the last frame of every beat")
    _render_options(board)
    deck = sub.add_parser("slides", help="slide decks, one slide per beat (renders first if needed)")
    _render_options(deck, formats=False)
    deck.add_argument("--format", dest="deck_formats", action="append", choices=["html", "pptx", "pdf"],
                      default=[], help="deck format (default: all three)")
    sweep = sub.add_parser("sweep", help="render every variant a sweep file lists into OUT/sweeps/<sweep>/<variant>/")
    sweep.add_argument("sweep_file", metavar="SWEEP.toml", help="the variants, by hand or as a grid (README: Sweeps)")
    sweep.add_argument("scenes", nargs="*", metavar="SCENE", help="scene ids or class names (default: all)")
    _render_options(sweep, formats=False, scenes=False)
    preview = sub.add_parser("preview", help="a live preview in the browser: edit a parameter, see the "
                                             "affected scenes' beats, then their videos")
    _render_options(preview)
    preview.add_argument("--port", type=_port, default=8765,
                         help="port on 127.0.0.1 (default: 8765; 0: any free port)")
    sub.add_parser("list", help="scenes in lesson order with their beats and parameters")
    show = sub.add_parser("params", help="print the effective parameters as TOML")
    source = show.add_mutually_exclusive_group()
    source.add_argument("--params", metavar="FILE")
    source.add_argument("--schema", action="store_true",
                        help="print the parameter file's JSON Schema instead (for editors; see README)")
    doctor = sub.add_parser("doctor", help="check what rendering needs (changes nothing)")
    doctor.add_argument("--out", type=Path, default=Path("renders"),
                        help="the output root you will render to (default: renders)")
    doctor.add_argument("--params", metavar="FILE", help="parameter file to check (default: as render)")
    narr = sub.add_parser("narration", help="the narration script")
    narr_sub = narr.add_subparsers(dest="action", required=True, parser_class=_Parser)
    export = narr_sub.add_parser("export", help="write the script: one line per beat with its recording id")
    export.add_argument("scenes", nargs="*", metavar="SCENE")
    export.add_argument("--params", metavar="FILE")
    export.add_argument("--output", "-o", type=_output_file, help="file to write (default: standard output)")
    _lang_option(export)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one sigsat command; the return value is the exit status (see EXIT_*)."""
    if _in_main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        try:
            status = _run(build_parser().parse_args(argv))
        except SystemExit as exc:  # --help, a usage error, a command that stopped early
            status = exc.code or 0
        # Flush here, not at exit, so that a reader that went away is seen while we can handle it.
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # The Python docs' recipe (library/signal, "Note on SIGPIPE"): point stdout at devnull so
        # that the interpreter's final flush does not raise again, and exit quietly as
        # `yes | head` does (128 + SIGPIPE).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Terminated:
        _say("terminated")
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _terminate(signum, frame):
    raise Terminated


def _say(message: str) -> None:
    """One line on stderr, which may itself be gone (then there is no one to tell)."""
    try:
        print(f"sigsat: {message}", file=sys.stderr, flush=True)
    except OSError:
        pass


def _run(args) -> int:
    try:
        _part_as_scenes(args)
        return _COMMANDS[args.command](args)
    except ParamError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except KeyError as exc:  # unknown scene
        _say(exc.args[0])
        return EXIT_USAGE


def _part_as_scenes(args) -> None:
    """``--part N`` names the part's scenes, as if they were typed (a render of all of them
    assembles the part's lecture); naming scenes as well is a usage error."""
    part = getattr(args, "part", None)
    if part is None:
        return
    if args.scenes:
        raise ParamError(f"--part {part} and the scenes {' '.join(args.scenes)}: name scenes or a part, not both")
    args.scenes = [spec.id for spec in lecture.part_scenes(part)]


def _params(args) -> params_mod.Params:
    return params_mod.load(args.params)


def cmd_params(args) -> int:
    if args.schema:
        sys.stdout.write(json.dumps(params_mod.json_schema(), indent=2) + "\n")
        return 0
    sys.stdout.write(params_mod.to_toml(_params(args)))
    return 0


def cmd_list(args) -> int:
    params = params_mod.load()  # what a scene reads can depend on the values (a silent voice)
    for i, spec in enumerate(lecture.SCENES, 1):
        if spec is lecture.part_scenes(spec.part)[0]:
            print(f"Part {spec.part}: {lecture.PART_TITLES[spec.part]}")
        print(f"{i}. {spec.id} ({spec.cls}): {spec.title}")
        print(f"   beats: {', '.join(spec.beats)}")
        reads = lecture.reads(spec, params)
        own = [r for r in reads if r.split(".")[0] not in lecture.PRESENTATION_TABLES]
        shown = [r for r in reads if r not in own]
        print(f"   reads: {', '.join(own) or '-'}; presentation: {', '.join(shown)}")
    return 0


def _finished_line(done: int, event) -> str:
    return f"[{done}/{event.total}] {event.scene} rendered in {event.seconds:.1f} s"


def _running_part(event) -> str:
    """``beats 1-3 on tcp://10.0.0.5:40311``: where a job of a scene began (a cluster's report)."""
    if not event.beats:
        return f"on {event.worker}"
    first, last = event.beats[0] + 1, event.beats[1] + 1
    return (f"beat {first}" if first == last else f"beats {first}-{last}") + f" on {event.worker}"


class _Lines(contextlib.AbstractContextManager):
    """Progress for logs and pipes: one plain line per finished scene (a failed one is named
    by the render's own one-line error on standard error at the end)."""

    def __init__(self, stream) -> None:
        self.stream, self.done = stream, 0

    def __exit__(self, *exc) -> None:
        return None

    def __call__(self, event) -> None:
        if event.kind == "finished":
            self.done += 1
            print(_finished_line(self.done, event), file=self.stream, flush=True)
        elif event.kind == "running":
            print(f"      {event.scene}: {_running_part(event)}", file=self.stream, flush=True)


class _Bars(contextlib.AbstractContextManager):
    """Progress on a terminal (rich): a bar with elapsed time per running scene, and above the
    bars the same line per finished scene as :class:`_Lines` writes."""

    def __init__(self, console) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bars = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             TimeElapsedColumn(), console=console, transient=True)
        self.tasks: dict = {}
        self.where: dict[str, list[str]] = {}
        self.done = 0

    def __enter__(self):
        self.bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bars.stop()

    def __call__(self, event) -> None:
        if event.kind == "started":
            self.tasks[event.scene] = self.bars.add_task(f"rendering {event.scene}", total=None)
            self.where[event.scene] = []
        elif event.kind == "running":
            if event.scene in self.tasks:
                self.where[event.scene].append(_running_part(event))
                self.bars.update(self.tasks[event.scene],
                                 description=f"rendering {event.scene} ({', '.join(self.where[event.scene])})")
        else:
            self.bars.remove_task(self.tasks.pop(event.scene))
            self.done += 1
            self.bars.console.print(_finished_line(self.done, event) if event.kind == "finished"
                                    else f"[{self.done}/{event.total}] {event.scene} FAILED",
                                    markup=False, highlight=False)
        self.bars.refresh()


def _progress(terminal=None, log=None):
    """The render's progress display: rich bars on ``terminal`` (standard error) when it is one,
    otherwise plain lines on ``log`` (standard output, beside the render's summary line), so
    standard error keeps to the ``sigsat:`` lines."""
    terminal, log = terminal or sys.stderr, log or sys.stdout
    if terminal.isatty():
        from rich.console import Console

        return _Bars(Console(file=terminal))
    return _Lines(log)


def _run_render(args, extra_targets=()):
    from .production.doctor import render_problem
    from .production.pipeline import Options, render

    for name in args.scenes:
        lecture.find_scene(name)
    params = _params(args)
    options = Options(quality=args.quality, theme=args.theme, out=args.out, jobs=args.jobs,
                      force=args.force, formats=tuple(getattr(args, "formats", ())),
                      transparent=args.transparent, narration=args.narration, lang=args.lang, chunks=args.chunks)
    if args.dry_run:
        _dry_run(args.scenes, params, options, extra_targets)
    problem = render_problem(narrated=(args.narration or params.narration.mode) != "none")
    if problem:
        _say(problem)
        raise SystemExit(EXIT_FAILED)
    with _render_errors(), _farm(args) as farm, _progress() as progress:
        if farm is not None:
            options = dataclasses.replace(options, jobs=farm.workers)
        return render(args.scenes, params, options, progress=progress,
                      extra_targets=extra_targets, runner=farm)


@contextlib.contextmanager
def _render_errors():
    """A render's refusals and failures as one line on standard error and the exit status."""
    from .production.pipeline import BusyError, OutputRefused, RenderError

    try:
        yield
    except OutputRefused as exc:
        _say(str(exc))
        raise SystemExit(EXIT_USAGE) from None
    except BusyError as exc:
        _say(str(exc))
        raise SystemExit(EXIT_BUSY) from None
    except RenderError as exc:
        _say(str(exc))
        raise SystemExit(EXIT_FAILED) from None
    except KeyboardInterrupt as exc:
        how = "terminated" if isinstance(exc, Terminated) else "interrupted"
        _say(f"{how}; finished scenes and earlier renders are kept")
        raise SystemExit(EXIT_TERMINATED if how == "terminated" else EXIT_INTERRUPTED) from None


@contextlib.contextmanager
def _farm(args):
    """The Dask cluster the command line names (closed at the end), or None for local manim runs."""
    cluster, scheduler = getattr(args, "cluster", None), getattr(args, "scheduler", None)
    if not cluster and not scheduler:
        yield None
        return
    from .production.farm import FarmUnavailable, import_distributed, open_farm

    try:
        import_distributed()
    except FarmUnavailable as exc:
        _say(str(exc))
        raise SystemExit(EXIT_USAGE) from None
    with open_farm("local" if cluster else None, scheduler, cluster or 1) as farm:
        yield farm


def _dry_run(names, params, options, extra_targets) -> None:
    """Print what the command would do, then stop (exit status 0): reads only, takes no lock."""
    from .production.dryrun import dry_run
    from .production.pipeline import output_dir, with_overrides

    for line in dry_run(names, params, options):
        print(line)
    out = output_dir(options, with_overrides(params, options))
    for name in extra_targets:
        print(f"would write {out / name}")
    raise SystemExit(0)


def cmd_render(args) -> int:
    report = _run_render(args)
    if not report.rendered and not report.lecture_assembled:
        print(f"nothing to render: {len(report.up_to_date)} scene(s) up to date in {report.out}")
        return 0
    parts = [f"{r.scene_id} {r.seconds:.1f} s" for r in report.rendered]
    line = f"rendered {len(report.rendered)} scene(s)" + (f" ({', '.join(parts)})" if parts else "")
    if report.up_to_date:
        line += f", {len(report.up_to_date)} up to date"
    if report.lecture_assembled:
        line += ", lecture assembled"
    print(f"{line}; outputs in {report.out}")
    return 0


def cmd_storyboard(args) -> int:
    from .production.manifest import record_outputs
    from .production.naming import stem
    from .production.pipeline import BusyError, locked
    from .production.storyboard import make_grid, section_stills

    specs = [lecture.find_scene(n) for n in args.scenes] or list(lecture.SCENES)
    boards = [f"storyboards/{stem(spec)}.png" for spec in specs]
    report = _run_render(args, extra_targets=boards)
    tr = i18n.Language(args.lang or _params(args).narration.language)
    try:
        with locked(args.out):
            for spec, board in zip(specs, boards):
                make_grid(section_stills(report.out / stem(spec)), report.out / board,
                          title=f"{spec.title_in(tr)} ({args.quality}, {report.out.name})")
            record_outputs(report.out, boards)
    except BusyError as exc:
        _say(str(exc))
        return EXIT_BUSY
    for board in boards:
        print(report.out / board)
    return 0


def cmd_narration(args) -> int:
    from .lesson.narration import recordings_folder, script
    from .production.pipeline import scripts

    specs = [lecture.find_scene(n) for n in args.scenes] or list(lecture.SCENES)
    params = _params(args)
    if args.lang:
        params = dataclasses.replace(params, narration=dataclasses.replace(params.narration, language=args.lang))
    text = script(scripts(specs, params))
    header = (f"# Record each line as {recordings_folder(params.narration)}/<id>.wav (the id is the first "
              f"column), then render\n# with --narration recorded (or [narration] mode = \"recorded\").\n\n")
    if not args.output:
        sys.stdout.write(header + text)
        return 0
    try:
        write_atomically(args.output, header + text)
    except _PathInTheWay as exc:
        _say(str(exc))
        return EXIT_USAGE
    except OSError as exc:
        _say(f"cannot write {args.output}: {exc.strerror or exc}; nothing was written")
        return EXIT_FAILED
    print(f"wrote {args.output}")
    return 0


class _PathInTheWay(OSError):
    """An output path the user must change: a folder, or a parent that is missing or a file."""


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that the file is either the old one or the whole new one.

    :func:`sigsat.production.files.atomic_write`, once the path is known to name a file: a
    symbolic link is followed, so the file it points to is replaced and the link kept.

    Raises
    ------
    _PathInTheWay
        ``path`` is a folder, or its folder does not exist or is not a folder.
    OSError
        Writing failed (permissions, a full disk); the old file, if any, is untouched.
    """
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise _PathInTheWay(f"{path} is a folder; name a file to write, such as {path / 'script.txt'}")
    if not target.parent.is_dir():
        raise _PathInTheWay(f"{path}: folder {target.parent} does not exist (or is not a folder); "
                            f"create it first or name another file")
    from .production.files import atomic_write

    atomic_write(target, text)


def cmd_slides(args) -> int:
    from .production.gallery import write_gallery
    from .production.pipeline import BusyError, locked
    from .production.slides import FORMATS, DeckError, build_deck, deck_targets

    specs = [lecture.find_scene(n) for n in args.scenes] or list(lecture.SCENES)
    report = _run_render(args, extra_targets=deck_targets(specs, tuple(args.deck_formats) or FORMATS))
    ids = [spec.id for spec in specs] if args.scenes else None
    try:
        with locked(args.out):
            decks = build_deck(report.out, ids, formats=tuple(args.deck_formats) or FORMATS)
            write_gallery(args.out)
    except BusyError as exc:
        _say(str(exc))
        return EXIT_BUSY
    except DeckError as exc:
        _say(str(exc))
        return EXIT_FAILED
    for path in decks.values():
        print(path)
    return 0


def cmd_doctor(args) -> int:
    from .production.doctor import run_checks

    return run_checks(args.out, args.params)


def cmd_sweep(args) -> int:
    from .production.pipeline import Options
    from .production.sweep import load_sweep
    from .production.sweep_render import plan_sweep, render_sweep, effective

    from .production.doctor import render_problem

    specs = [lecture.find_scene(name) for name in args.scenes]
    sweep = load_sweep(args.sweep_file, _params(args))
    options = Options(quality=args.quality, theme=args.theme, out=args.out, jobs=args.jobs, force=args.force,
                      narration=args.narration, lang=args.lang, chunks=args.chunks)
    if args.dry_run:
        the_plan = plan_sweep(effective(sweep, options), options, specs)
        for plan in the_plan.plans:
            print(f"{plan.root.name}: {len(plan.todo())} scene(s) to render, {len(plan.up_to_date)} up to date")
        print(f"{len(the_plan.batch.homes)} distinct render(s) in {len(the_plan.batch.jobs)} manim run(s) for "
              f"{the_plan.wanted} variant scene(s); {len(the_plan.linked)} linked from another variant")
        return 0
    problem = render_problem(narrated=any(v.params.narration.mode != "none" for v in effective(sweep, options).variants))
    if problem:
        _say(problem)
        return EXIT_FAILED
    with _render_errors(), _farm(args) as farm, _progress() as progress:
        if farm is not None:
            options = dataclasses.replace(options, jobs=farm.workers)
        report = render_sweep(sweep, options, specs, runner=farm, progress=progress)
    print(f"sweep {sweep.name}: {len(sweep.variants)} variant(s), {report.wanted} scene(s) to make: "
          f"{report.rendered} rendered ({report.jobs} manim run(s)), {report.wanted - report.rendered - report.linked} "
          f"shared between variants, {report.linked} linked from earlier renders; "
          f"page: {report.root / 'index.html'}")
    return 0


#: What `sigsat preview` needs beyond sigsat's own dependencies (the [preview] extra).
PREVIEW_MODULES = ("starlette", "uvicorn", "watchfiles", "tomlkit")


def cmd_preview(args) -> int:
    import importlib.util

    from .production.pipeline import Options

    missing = [m for m in PREVIEW_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        _say(f"preview needs {', '.join(missing)}: install the [preview] extra "
             f"(.venv/bin/pip install -e '.[preview]', or make venv)")
        return EXIT_USAGE
    unsupported = [flag for flag, on in (("--dry-run", args.dry_run), ("--cluster", args.cluster),
                                         ("--scheduler", args.scheduler)) if on]
    if unsupported:
        _say(f"preview renders on this machine and writes as it goes: {unsupported[0]} does not apply; "
             f"use 'sigsat render' for it")
        return EXIT_USAGE
    from .production.preview_web import bind, serve

    specs = [lecture.find_scene(n) for n in args.scenes] or list(lecture.SCENES)
    path = Path(args.params or os.environ.get(params_mod.PARAMS_ENV) or params_mod.DEFAULT_FILE)
    options = Options(quality=args.quality, theme=args.theme, out=args.out, jobs=args.jobs, force=args.force,
                      formats=tuple(args.formats), transparent=args.transparent, narration=args.narration, lang=args.lang,
                      chunks=args.chunks)
    try:
        sock = bind(args.port)
    except OSError as exc:
        _say(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}; choose another --port")
        return EXIT_USAGE
    serve(specs, path, options, sock, lambda line: print(line, flush=True))
    return 0


_COMMANDS = {"render": cmd_render, "preview": cmd_preview, "sweep": cmd_sweep, "storyboard": cmd_storyboard, "list": cmd_list,
             "params": cmd_params, "doctor": cmd_doctor, "narration": cmd_narration,
             "slides": cmd_slides}

if __name__ == "__main__":
    raise SystemExit(main())
