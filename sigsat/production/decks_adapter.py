"""The one module that talks to manim-slides (pinned at 5.7.0 in pyproject.toml).

sigsat's decks go through manim-slides' converters (``RevealJS``, ``PowerPoint``, ``PDF``) and its
presentation files (``PresentationConfig.to_file``, read back by ``PresentationConfig.from_file``).
Documented options do most of the work: ``template=`` names sigsat's reveal.js template
(``deck_revealjs.html``, manim-slides 5.7.0's own with the changes marked ``sigsat:`` in it), and
``offline=False`` means manim-slides fetches nothing and never opens its download cache.

Two things rely on manim-slides internals, and are confined here:

1. ``RevealJS.convert_to`` renders its template with every field of the converter
   (``self.model_dump()``). :class:`_InlineRevealJS` adds one field, ``reveal_files`` (the texts of
   reveal.js's files, read from the folder set-up filled), which sigsat's template inlines. That
   is how the page gets reveal.js without a CDN and without manim-slides' cache, which it looks
   up under ``$XDG_CACHE_HOME``: no environment variable is set, the user's cache is not read.
2. ``PDF`` and ``PowerPoint`` draw tqdm progress bars on stderr and have no option to turn them
   off. :func:`_quiet` replaces the name ``tqdm`` in ``manim_slides.convert`` with a disabled one
   for the duration of one conversion, under a lock, and puts the original back.

Nothing else global changes. manim-slides is imported when a function here is called (it does not
import manim, but ``import sigsat`` does not need it).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from pathlib import Path
from typing import Mapping, Sequence

from .files import atomic_path

__all__ = ["TEMPLATE", "presentation", "write_presentation", "write_html", "write_pptx", "write_pdf"]

#: sigsat's reveal.js template: manim-slides 5.7.0's ``templates/revealjs.html`` with the changes
#: marked ``sigsat:`` (reveal.js inlined, first clip not muted, notes escaped, the unmute button
#: moved off the caption plate).
TEMPLATE = Path(__file__).with_name("deck_revealjs.html")

_tqdm_lock = threading.Lock()


@contextlib.contextmanager
def _quiet():
    """manim-slides' converters without their tqdm bars on stderr (see the module docstring, 2)."""
    import manim_slides.convert as convert

    with _tqdm_lock:
        original = convert.tqdm
        convert.tqdm = functools.partial(original, disable=True)
        try:
            yield
        finally:
            convert.tqdm = original


@functools.cache
def _inline_revealjs():
    from manim_slides.convert import RevealJS

    class _InlineRevealJS(RevealJS):
        """RevealJS whose template receives reveal.js's files (module docstring, 1)."""

        reveal_files: dict[str, str]

    return _InlineRevealJS


def presentation(clips: Sequence[Path], notes: Sequence[str], size: tuple[int, int],
                 background: str):
    """A ``PresentationConfig``: one slide per clip, with its notes, never looping or advancing.

    The "reverse" clip (``manim-slides present``'s ``V`` key) is the clip itself; no converter
    uses it.
    """
    from manim_slides.config import PresentationConfig, SlideConfig

    slides = [SlideConfig(file=clip, rev_file=clip, notes=text, loop=False, auto_next=False,
                          dedent_notes=False) for clip, text in zip(clips, notes, strict=True)]
    return PresentationConfig(slides=slides, resolution=size, background_color=background)


def write_presentation(config, path: Path) -> None:
    """``config.to_file(path)``, clip paths relative to the folder above ``path``'s folder.

    That is where ``PresentationConfig.from_file`` (and so ``manim-slides present``/``convert``)
    looks for them, so the files work wherever the render folder is moved.
    """
    root = path.parent.parent
    relative = config.model_copy(update={"slides": [
        s.model_copy(update={"file": s.file.relative_to(root), "rev_file": s.rev_file.relative_to(root)})
        for s in config.slides]})
    with atomic_path(path) as tmp:
        relative.to_file(tmp)


def write_html(configs: Sequence, dest: Path, reveal_files: Mapping[str, str], *, theme: str,
               background: str, one_file: bool, title: str, assets_dir: str) -> None:
    """A reveal.js page through manim-slides' ``RevealJS`` converter and sigsat's template.

    ``reveal_files`` maps each ``dist/...`` file name of the reveal.js package to its text.
    ``one_file``: clips inlined as data URIs; otherwise copied to ``assets_dir`` beside ``dest``.
    """
    converter = _inline_revealjs()(
        presentation_configs=list(configs), template=TEMPLATE, reveal_files=dict(reveal_files),
        one_file=one_file, offline=False, reveal_theme=theme, background_color=background,
        title=title, assets_dir=assets_dir,
        # Nothing drawn over the clips but a thin progress line: the arrows and the slide
        # number would sit on the caption plate. Keys (or a clicker) move on; space plays/pauses;
        # S opens the speaker view with the notes and the slide number.
        controls="false", progress="true", slide_number="c/t", show_slide_number="speaker",
    )
    converter.convert_to(dest)


def write_pptx(configs: Sequence, dest: Path, width: int, height: int) -> None:
    """PowerPoint: each clip embedded with a poster frame, playing when its slide opens."""
    from manim_slides.convert import PowerPoint

    with _quiet():
        PowerPoint(presentation_configs=list(configs), width=width, height=height,
                   auto_play_media=True).convert_to(dest)


def write_pdf(configs: Sequence, dest: Path) -> None:
    """PDF: one page per slide, its clip's last frame."""
    from manim_slides.convert import PDF

    with _quiet():
        PDF(presentation_configs=list(configs), frame_index="last").convert_to(dest)
