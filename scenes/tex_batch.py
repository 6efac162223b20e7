"""Compile a scene's new formulas in one LaTeX run instead of one run each.

manim compiles every ``Tex``/``MathTex`` it has not seen before on its own: a ``latex`` and a
``dvisvgm`` process per formula, about 0.35 s each here, most of it the two programs starting up.
A changed parameter brings a dozen or more new formulas per scene (every number is in several),
which is most of the live preview's wait. This module does the same work in two processes:

1. :func:`collect` runs the scene's ``construct`` once with LaTeX stubbed out (no animation played,
   no frame drawn, no caption set) and notes the ``.tex`` files manim writes for formulas it has no
   ``.svg`` for;
2. :func:`compile_batch` typesets them as the pages of one document (``standalone``'s ``multi``
   option: each page is boxed and cropped exactly as the single document would be), converts all
   pages with one ``dvisvgm`` and files each page under the name manim looks for.

manim then finds every ``.svg`` in its cache and compiles nothing. Each page's SVG draws exactly
what manim's own compile of that formula draws (``tests/test_tex_batch.py`` checks the outlines
against manim's); only the font numbers in glyph ids can differ, when fonts were loaded in another
order by earlier pages. Anything unusual (another compiler or document class, a LaTeX error, a
formula the stubbed pass did not reach) is left to manim, which compiles it the usual way and
reports its errors as usual: this module only ever saves time.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from manim import Scene, config
from manim.mobject.text import tex_mobject
from manim.utils.tex_file_writing import generate_tex_file

__all__ = ["collect", "compile_batch", "prepare"]

_BEGIN = "\\begin{document}"
_END = "\\end{document}"
_PAGE_ENV = "sigsatpage"
_CLASS = re.compile(r"\\documentclass\[([^\]]*)\]\{standalone\}")
_GROUPED = re.compile(r"<g id='(unique\d+)'>}(.*?)\\special{dvisvgm:raw </g>}", re.S)
_GLYPH = re.compile(r"(?<=['#])g(\d+)-(\d+)")
_PAGE_ID = re.compile(r"<g id='page\d+'>")


def _stub_svg(folder: Path, tex_file: Path, expression: str) -> Path:
    """A stand-in SVG: the substring groups manim looks up by id, each with a small square per
    character of its TeX source, at least as many as the glyphs LaTeX would set (code that picks
    glyphs by index finds one)."""
    def squares(tex: str) -> str:
        count = max(1, len("".join(tex.split())))
        return "".join(f"<path d='M{i} 0H{i + 1}V1H{i}Z'/>" for i in range(count))

    parts = _GROUPED.findall(expression)
    body = "".join(f"<g id='{g}'>{squares(tex)}</g>" for g, tex in parts) if parts else squares(expression)
    stub = folder / f"{tex_file.stem}.svg"
    stub.write_text("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1 1'>" + body + "</svg>")
    return stub


@contextlib.contextmanager
def _dry(scene: Scene, stubs: Path, found: list[Path]) -> Iterator[None]:
    """``scene`` with LaTeX, animations, waits and captions stubbed out; new .tex files noted."""
    import scenes.common as common

    def tex_to_svg(expression, environment=None, tex_template=None):
        template = tex_template or config["tex_template"]
        tex_file = generate_tex_file(expression, environment, template)
        if tex_file.with_suffix(".svg").exists():
            return tex_file.with_suffix(".svg")
        # Only what one latex run to DVI can make; anything else is manim's to compile.
        if template.tex_compiler == "latex" and template.output_format == ".dvi" and tex_file not in found:
            found.append(tex_file)
        return _stub_svg(stubs, tex_file, expression)

    saved = tex_mobject.tex_to_svg_file, common._show_caption, common.Stills.draw
    tex_mobject.tex_to_svg_file = tex_to_svg
    common._show_caption = lambda stage, line: None
    common.Stills.draw = False
    scene.play = scene.wait = lambda *args, **kwargs: None
    try:
        yield
    finally:
        tex_mobject.tex_to_svg_file, common._show_caption, common.Stills.draw = saved


def collect(make_scene: Callable[[], Scene], log: Callable[[str], None] = print) -> list[Path]:
    """The ``.tex`` files of the formulas a scene builds and manim has no SVG for yet.

    ``make_scene`` makes the scene as it will be rendered (same environment, same config). Its
    ``construct`` runs with every formula replaced by a stand-in, so a failure in this pass is
    reported to ``log`` and ends the pass with what it found so far; the real render that follows
    meets the same failure and reports it properly.
    """
    found: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="sigsat-stubs-") as stubs:
        scene = make_scene()
        with _dry(scene, Path(stubs), found):
            try:
                scene.setup()
                scene.construct()
            except Exception as exc:  # only an optimisation: the real render reports it
                log(f"formula pass stopped early ({type(exc).__name__}: {exc}); "
                    f"{len(found)} formulas found before it")
    return found


def _normalised(svg: str) -> str:
    """A page's SVG as the single document's would read: page 1, fonts numbered from 0.

    dvisvgm numbers fonts in the order TeX loaded them; on page N of a batch that order counts
    fonts only earlier pages used, so the ids are renumbered by rank. (The outlines and their
    order do not depend on it; this only makes most pages byte-identical to manim's own.)
    """
    fonts = sorted({int(m.group(1)) for m in _GLYPH.finditer(svg)})
    rank = {str(f): str(i) for i, f in enumerate(fonts)}
    svg = _GLYPH.sub(lambda m: f"g{rank[m.group(1)]}-{m.group(2)}", svg)
    return _PAGE_ID.sub("<g id='page1'>", svg, count=1)


def _split(tex_file: Path) -> tuple[str, str] | None:
    """(preamble, body) of one of manim's .tex files, or None if it is not a standalone document."""
    text = tex_file.read_text()
    head, begin, rest = text.partition(_BEGIN)
    body, end, _ = rest.rpartition(_END)
    if not begin or not end or not _CLASS.search(head):
        return None
    return head, body


def _batch_document(head: str, bodies: list[str]) -> str:
    head = _CLASS.sub(lambda m: f"\\documentclass[{m.group(1)},multi={_PAGE_ENV}]{{standalone}}", head, count=1)
    pages = "".join(f"\\begin{{{_PAGE_ENV}}}{body}\\end{{{_PAGE_ENV}}}\n" for body in bodies)
    return f"{head}{_BEGIN}\n{pages}{_END}\n"


def _typeset(head: str, files: list[Path], bodies: list[str], work: Path) -> int:
    """Typeset one group of formulas sharing a preamble; the number of SVGs filed."""
    (work / "batch.tex").write_text(_batch_document(head, bodies))
    latex = subprocess.run(["latex", "-interaction=batchmode", "-halt-on-error", "-output-format=dvi",
                            f"-output-directory={work}", str(work / "batch.tex")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if latex.returncode != 0:
        return 0  # one bad formula fails the batch: manim compiles each and names the culprit
    subprocess.run(["dvisvgm", "--page=1-", "--no-fonts", "--verbosity=0", f"--output={work}/%p.svg",
                    str(work / "batch.dvi")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pages = {int(p.stem): p for p in work.glob("*.svg") if p.stem.isdigit()}
    if sorted(pages) != list(range(1, len(files) + 1)):
        return 0
    for number, tex_file in enumerate(files, start=1):
        staged = work / f"{tex_file.stem}.svg.part"
        staged.write_text(_normalised(pages[number].read_text()))
        staged.replace(tex_file.with_suffix(".svg"))   # manim never sees half a file
    return len(files)


def compile_batch(tex_files: list[Path]) -> int:
    """Typeset ``tex_files`` (manim's, from :func:`collect`) in one LaTeX run per preamble and put
    each SVG where manim looks for it; the number of SVGs made. Files this cannot batch (another
    compiler, another document class, a LaTeX error) are left for manim to compile one by one."""
    if not shutil.which("latex") or not shutil.which("dvisvgm"):
        return 0
    groups: dict[str, tuple[list[Path], list[str]]] = {}
    for tex_file in tex_files:
        parts = _split(tex_file)
        if parts is not None and not tex_file.with_suffix(".svg").exists():
            files, bodies = groups.setdefault(parts[0], ([], []))
            files.append(tex_file)
            bodies.append(parts[1])
    made = 0
    for head, (files, bodies) in groups.items():
        with tempfile.TemporaryDirectory(prefix="batch-", dir=config.get_dir("tex_dir")) as work:
            made += _typeset(head, files, bodies, Path(work))
    return made


def prepare(make_scene: Callable[[], Scene], log: Callable[[str], None] = print) -> int:
    """Compile every new formula of the scene ``make_scene`` makes, ahead of its render."""
    return compile_batch(collect(make_scene, log))
