"""The ``sigsat`` command: render, storyboard, list, params, doctor."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import lecture, params as params_mod
from .params import ParamError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit status 2)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message}\n")


def _render_options(p: argparse.ArgumentParser, formats: bool = True) -> None:
    from .pipeline import FORMATS, QUALITIES

    p.add_argument("scenes", nargs="*", metavar="SCENE", help="scene ids or class names (default: all)")
    p.add_argument("--params", metavar="FILE", help="parameter file (default: sigsat.toml if present)")
    p.add_argument("--quality", choices=list(QUALITIES), default="low")
    p.add_argument("--theme", choices=["dark", "light"], help="override [theme] name")
    p.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1,
                   help="scenes rendered at once (default: number of cores)")
    p.add_argument("--out", type=Path, default=Path("renders"),
                   help="output root; files go to OUT/QUALITY/THEME (default: renders)")
    p.add_argument("--force", action="store_true", help="render even if nothing changed")
    if formats:
        p.add_argument("--format", dest="formats", action="append", choices=list(FORMATS), default=[],
                       help="also write this format per scene")
    p.add_argument("--transparent", action="store_true",
                   help="also write a clip with an alpha channel (.mov, qtrle) per scene")
    p.add_argument("--narration", choices=["none", "espeak", "recorded"],
                   help="override [narration] mode")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


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
    sub.add_parser("list", help="scenes in lesson order with their beats and parameters")
    show = sub.add_parser("params", help="print the effective parameters as TOML")
    show.add_argument("--params", metavar="FILE")
    sub.add_parser("doctor", help="check what rendering needs")
    narr = sub.add_parser("narration", help="the narration script")
    narr_sub = narr.add_subparsers(dest="action", required=True, parser_class=_Parser)
    export = narr_sub.add_parser("export", help="write the script: one line per beat with its recording id")
    export.add_argument("scenes", nargs="*", metavar="SCENE")
    export.add_argument("--params", metavar="FILE")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except ParamError as exc:
        print(f"sigsat: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:  # unknown scene
        print(f"sigsat: {exc.args[0]}", file=sys.stderr)
        return 2


def _params(args) -> params_mod.Params:
    return params_mod.load(args.params)


def cmd_params(args) -> int:
    sys.stdout.write(params_mod.to_toml(_params(args)))
    return 0


def cmd_list(args) -> int:
    params = params_mod.load()  # what a scene reads can depend on the values (a silent voice)
    for i, spec in enumerate(lecture.SCENES, 1):
        print(f"{i}. {spec.id} ({spec.cls}): {spec.title}")
        print(f"   beats: {', '.join(spec.beats)}")
        reads = lecture.reads(spec, params)
        own = [r for r in reads if r.split(".")[0] not in lecture.PRESENTATION_TABLES]
        shown = [r for r in reads if r not in own]
        print(f"   reads: {', '.join(own) or '-'}; presentation: {', '.join(shown)}")
    return 0


def _progress():
    if not sys.stderr.isatty():
        return None
    return lambda message: print(message, file=sys.stderr, flush=True)


def _run_render(args):
    from .pipeline import BusyError, Options, RenderError, render

    for name in args.scenes:
        lecture.find_scene(name)
    options = Options(quality=args.quality, theme=args.theme, out=args.out, jobs=args.jobs,
                      force=args.force, formats=tuple(getattr(args, "formats", ())),
                      transparent=args.transparent, narration=args.narration)
    try:
        return render(args.scenes, _params(args), options, progress=_progress())
    except BusyError as exc:
        print(f"sigsat: {exc}", file=sys.stderr)
        raise SystemExit(3) from None
    except RenderError as exc:
        print(f"sigsat: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        print("sigsat: interrupted; finished scenes and earlier renders are kept", file=sys.stderr)
        raise SystemExit(130) from None


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
    from .pipeline import stem
    from .storyboard import make_grid, section_stills

    report = _run_render(args)
    specs = [lecture.find_scene(n) for n in args.scenes] or list(lecture.SCENES)
    theme = report.out.name
    for spec in specs:
        s = stem(spec)
        board = make_grid(section_stills(report.out / s / "sections.json"),
                          report.out / "storyboards" / f"{s}.png",
                          title=f"{spec.title} ({args.quality}, {theme})")
        print(board)
    return 0


def cmd_narration(args) -> int:
    from .narration import script
    from .pipeline import scripts

    specs = [lecture.find_scene(n) for n in args.scenes] or list(lecture.SCENES)
    text = script(scripts(specs, _params(args)))
    folder = _params(args).narration.recordings
    header = (f"# Record each line as {folder}/<id>.wav (the id is the first column), then render\n"
              f"# with --narration recorded (or [narration] mode = \"recorded\").\n\n")
    if args.output:
        args.output.write_text(header + text)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(header + text)
    return 0


def cmd_slides(args) -> int:
    from .gallery import write_gallery
    from .pipeline import BusyError, locked
    from .slides import DeckError, build_deck

    report = _run_render(args)
    ids = [lecture.find_scene(n).id for n in args.scenes] or None
    try:
        with locked(args.out):
            decks = build_deck(report.out, ids, formats=tuple(args.deck_formats) or ("html", "pptx", "pdf"))
            write_gallery(args.out)
    except (DeckError, BusyError) as exc:
        print(f"sigsat: {exc}", file=sys.stderr)
        return 1
    for path in decks.values():
        print(path)
    return 0


def cmd_doctor(args) -> int:
    from .doctor import run_checks

    return run_checks()


_COMMANDS = {"render": cmd_render, "storyboard": cmd_storyboard, "list": cmd_list,
             "params": cmd_params, "doctor": cmd_doctor, "narration": cmd_narration,
             "slides": cmd_slides}

if __name__ == "__main__":
    raise SystemExit(main())
