"""Shared builders and the beat mechanism of every sigsat scene.

Builders (``make_*``) create mobjects and never play; :func:`beat` turns a scene method into a
section with its narration line. Scenes call :func:`start` first, which loads the parameters, applies
the theme and returns what the beats need.
"""

from __future__ import annotations

import functools
import shutil
import textwrap
from pathlib import Path
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    Animation,
    AnimationGroup,
    Arrow,
    Axes,
    Circle,
    FadeIn,
    FadeOut,
    Line,
    ManimColor,
    MathTex,
    Scene,
    SurroundingRectangle,
    ORIGIN,
    RIGHT,
    Text,
    VectorizedPoint,
    VGroup,
    VMobject,
    config,
)
from manim.animation.animation import prepare_animation
from manim.utils.exceptions import EndSceneEarlyException

from sigsat.lesson import params as sigsat_params
from sigsat.lesson.chunks import BeatRange, BeatRecord, write_records
from sigsat.lesson.lecture import SceneInputs, find_scene, scene_inputs
from sigsat.lesson.narration import espeak_voice, recordings_folder, spoken, voice_cache_dir
from sigsat.lesson.params import Params
from sigsat.lesson.stills import still_name, stills_folder
from sigsat.lesson.theme import Palette

__all__ = ["Look", "Stage", "start", "beat", "make_axes", "make_caption", "make_text", "make_title", "moves_label", "fit_column", "fit_right_of", "Readout", "LAYOUT",
           "tangent_ends", "PushStyle", "make_ball_push", "make_decade_label", "make_log_axes", "make_log_series"]


@dataclass(frozen=True)
class Layout:
    """Sizes and run times shared by every scene (frame units: the frame is 14.2 x 8)."""

    title_size: float = 34
    caption_size: float = 26
    label_size: float = 30
    readout_size: float = 34
    font: str = "DejaVu Sans"  # from Debian's fonts-dejavu-core, installed by the Makefile
    caption_chars: int = 80   # characters per caption line before wrapping
    caption_lines: int = 2    # a longer line (German) is wrapped wider and shrunk to stay in two
    caption_max_width: float = 13.4
    caption_bottom: float = -3.85
    title_y: float = 3.45
    fade: float = 0.4         # run time of captions and small reveals
    draw: float = 1.5         # run time of drawing a curve or axes
    move: float = 3.0         # run time of a tracker sweep
    curve_stroke: float = 5   # stroke width of a plotted curve, a tangent, a step

    @property
    def sweep(self) -> float:
        """Run time of a probe's run along a whole curve, slower than a tracker sweep."""
        return self.move * 1.5

    @property
    def write_step(self) -> float:
        """Run time of writing one step of a worked calculation."""
        return self.fade * 2.5


LAYOUT = Layout()


class Look:
    """The theme's colours as manim colours, read from the parameters when a scene runs."""

    def __init__(self, pal: Palette):
        self.palette = pal
        for role, value in vars(pal).items():
            setattr(self, role, ManimColor(value))

    def tex_map(self) -> dict[str, ManimColor]:
        return {k: ManimColor(v) for k, v in self.palette.tex_colors().items()}


@dataclass
class Stage:
    """What a running scene's beats share: parameters, the lesson, colours, the caption."""

    scene: Scene
    params: Params
    lesson: Any           # the lesson module's dataclass; its ``lines`` are the beats' narration
    look: Look
    scene_id: str
    caption: VGroup | None = None
    inputs: SceneInputs | None = None   # what the scene takes from the parameters
    chunk: "Chunk | None" = None        # the beats to draw, when the pipeline renders a chunk
    stills: "Stills | None" = None      # one PNG per beat, when the live preview asks for them
    beats_begun: int = 0

    @property
    def lines(self) -> dict[str, str]:
        return self.lesson.lines

    @property
    def tr(self):
        """The scene's language: ``self.stage.tr("English text")`` translates, ``.number`` localises."""
        return self.inputs.tr

    @property
    def title(self) -> str:
        """The scene's title in its language."""
        return find_scene(self.scene_id).title_in(self.tr)


def start(scene: Scene, lesson_module: ModuleType, params: Params | None = None) -> Stage:
    """Load the parameters (``$SIGSAT_PARAMS`` / ``sigsat.toml`` / defaults), build the scene's
    lesson from them, apply the theme and set up the voice of ``[narration] mode``.

    Everything comes from :func:`sigsat.lesson.lecture.scene_inputs`, which is also how the render
    pipeline finds the parameters a scene reads (its render key): read nothing else here.
    """
    params = params or sigsat_params.load()
    spec = find_scene(type(scene).__name__)
    inputs = scene_inputs(spec, params)
    look = Look(inputs.palette)
    scene.camera.background_color = look.BACKGROUND
    config.background_color = look.BACKGROUND
    stills = stills_folder()
    # A still needs no voice: synthesising it would cost more than drawing the picture.
    voice = make_voice(params) if stills is None else None
    if voice is not None:
        # Our beat writes one subtitle per line, spanning the beat; the plugin's would split
        # long lines into several cues.
        scene.set_speech_service(voice, create_subcaption=False)
    beats = BeatRange.from_environment()
    chunk = Chunk(scene, beats) if beats is not None else None
    return Stage(scene, params, inputs.lesson, look, spec.id, inputs=inputs, chunk=chunk,
                 stills=Stills(scene, stills) if stills is not None else None)


class Stills:
    """A scene rendered as one still per beat (:mod:`sigsat.lesson.stills`).

    Every beat runs under manim's section skipping, so no frame is drawn while it plays; at its end
    the frame is drawn once, which is the picture its clip ends on in a whole render.
    """

    #: False while :mod:`scenes.tex_batch` runs the scene only to find its formulas.
    draw = True

    def __init__(self, scene: Scene, folder: str):
        self.scene, self.folder = scene, Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.records: list[BeatRecord] = []

    def run(self, method: Callable[[Scene], None], stage: Stage, index: int, name: str, line: str) -> None:
        scene = self.scene
        if "play" not in vars(scene):
            play = type(scene).play.__get__(scene)

            @functools.wraps(play)   # manim names the method in its messages
            def to_the_end(*args: Any, **kwargs: Any) -> None:
                _play_to_the_end(scene, play, *args, **kwargs)

            scene.play = to_the_end
        scene.next_section(getattr(scene, "section_prefix", "") + name, skip_animations=True)
        _show_caption(stage, line)
        method(scene)
        if not self.draw:
            return
        scene.renderer.update_frame(scene, ignore_skipping=True)
        scene.renderer.camera.get_image().save(self.folder / still_name(index, name))
        self.records.append(BeatRecord(index, name, line))
        write_records(self.folder, self.records)


def _lands_as_is(animation: Animation) -> bool:
    """Whether ``animation`` ends on its mobject exactly as given (a plain introducer)."""
    return animation.is_introducer() and not animation.is_remover() and animation.rate_func(1.0) == 1.0


def _play_to_the_end(scene: Scene, play: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """``scene.play`` for a still: the state the animations end on, without playing them.

    Even skipped, manim begins every animation, which copies its mobject (and, for ``Create`` and
    ``Write``, an outline of every glyph) only to end where it started. Introducers end on their
    mobject as given and removers on its absence, so those are added or removed directly, in the
    order ``play`` would; anything else goes through ``play`` first, as one call. Then the updaters
    run once, as a skipped play runs them. ``tests/test_preview_stills.py`` checks every beat's
    picture against manim's own skipped play, pixel for pixel.
    """
    direct, played = [], []
    for animation in map(prepare_animation, args):
        members = animation.animations if isinstance(animation, AnimationGroup) else [animation]
        fast = all(_lands_as_is(m) or (m.is_remover() and not m.is_introducer()) for m in members)
        (direct if fast else played).extend(members if fast else [animation])
    if played:
        play(*played, **kwargs)
    # As play does: a remover's mobject that is not on screen as a whole (a group made of parts
    # added one by one) is added first, which takes its parts off the screen with it.
    scene.add_mobjects_from_animations(direct)
    for animation in direct:
        if animation.is_remover():
            scene.remove(animation.mobject)
        else:
            scene.add(animation.mobject)
    if direct:
        scene.update_mobjects(0)


class Chunk:
    """A scene rendered as a chunk of its beats (:mod:`sigsat.lesson.chunks`).

    Sound is not added to the chunk's video: each rendered beat's audio file is copied to the
    record folder with its offset in the beat, and the pipeline lays all of it over the joined
    video at frame-exact times, so no join falls inside a voice.
    """

    def __init__(self, scene: Scene, beats: BeatRange):
        self.scene, self.first, self.last = scene, beats.first, beats.last
        self.folder = Path(beats.record)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.records: list[BeatRecord] = []
        self.began = 0.0
        scene.add_sound = self.add_sound  # the voiceover's add_sound lands here

    def begin(self, index: int, name: str, line: str) -> None:
        self.records.append(BeatRecord(index, name, line))
        self.began = self.scene.time
        write_records(self.folder, self.records)

    def add_sound(self, sound_file, time_offset: float = 0, gain=None, **kwargs) -> None:
        if not self.records or self.records[-1].index < self.first:
            return  # a skipped beat's voice: not this chunk's
        record = self.records[-1]
        source = Path(sound_file)
        copy = self.folder / f"{record.index:02d}_{record.name}{source.suffix}"
        shutil.copyfile(source, copy)
        record.audio, record.audio_offset = copy.name, self.scene.time + time_offset - self.began
        write_records(self.folder, self.records)


def make_voice(params: Params):
    """The manim-voiceover service for ``[narration] mode``, or None for a silent video.

    The services name their audio with :mod:`sigsat.lesson.narration`'s store helpers, from the same
    settings read here, so the render key covers the audio a render uses.
    """
    n = params.narration
    if n.mode == "none":
        return None
    from scenes.voice import EspeakService, FestivalService, RecordedService

    # The plugin's own bookkeeping stays with this render; the audio itself in the shared store.
    local = Path(config.media_dir) / "voiceovers"
    local.mkdir(parents=True, exist_ok=True)
    if n.mode == "espeak":
        return EspeakService(voice_cache_dir(), voice=espeak_voice(n), words_per_minute=n.words_per_minute,
                             pause=n.pause, cache_dir=str(local))
    if n.mode == "festival":
        return FestivalService(voice_cache_dir(), pause=n.pause, cache_dir=str(local))
    return RecordedService(voice_cache_dir(), recordings_folder(n), pause=n.pause, cache_dir=str(local))


def beat(method: Callable[[Scene], None]) -> Callable[[Scene], None]:
    """Make a scene method one beat: a section named after it, its caption, subtitle and voice.

    The beat holds until its narration line has been said (with a voice) or can be read at the
    parameter file's pace (silent), however short its animations are, so the same scene code works
    silent, with a synthetic voice and with a recording. The scene keeps its :class:`Stage` as
    ``self.stage``; ``self.section_prefix`` (set by the whole lecture) prefixes section names.
    """

    @functools.wraps(method)
    def run(self: Scene) -> None:
        stage: Stage = self.stage
        name = method.__name__
        line = stage.lines[name]
        index = stage.beats_begun
        stage.beats_begun += 1
        if stage.stills is not None:
            stage.stills.run(method, stage, index, name, line)
            return
        chunk = stage.chunk
        if chunk is not None and index > chunk.last:
            # Past the chunk: stop before the voiceover, manim writes what was rendered.
            raise EndSceneEarlyException()
        skipped = chunk is not None and index < chunk.first
        self.next_section(getattr(self, "section_prefix", "") + name, skip_animations=skipped)
        began = self.time
        if chunk is not None and not skipped:
            chunk.begin(index, name, line)
        if getattr(self, "speech_service", None) is not None:
            # The line's audio ends with its pause; the voiceover waits for it.
            with self.voiceover(text=spoken(line, stage.tr.code), recording=f"{stage.scene_id}/{name}"):
                _show_caption(stage, line)
                method(self)
        else:
            _show_caption(stage, line)
            method(self)
            remaining = stage.inputs.holds[name] - (self.time - began)
            if remaining > 0:
                self.wait(remaining)
        lasted = self.time - began
        if chunk is None:
            self.add_subcaption(line, duration=lasted, offset=-lasted)

    return run


def _show_caption(stage: Stage, line: str) -> None:
    if not stage.params.narration.captions:
        return
    new = make_caption(line, stage.look)
    old = stage.caption
    if stage.stills is not None:
        # What the fades end on, without their copies of every glyph (most of a still's time).
        stage.scene.add(new)
        if old is not None:
            stage.scene.remove(old)
        stage.caption = new
        return
    animations = [FadeIn(new, run_time=LAYOUT.fade)]
    if old is not None:
        animations.append(FadeOut(old, run_time=LAYOUT.fade))
    stage.scene.play(*animations)
    stage.caption = new


def _caption_lines(line: str) -> list[str]:
    """The caption's lines: wrapped at ``caption_chars``, or, for a line that would take more than
    ``caption_lines`` rows (German runs longer than English), wrapped wider, up to twice as wide;
    the caption is then shrunk to its maximum width, so it never climbs into the picture."""
    width = LAYOUT.caption_chars
    rows = textwrap.wrap(line, width)
    while len(rows) > LAYOUT.caption_lines and width < 2 * LAYOUT.caption_chars:
        width += 4
        rows = textwrap.wrap(line, width)
    return rows


def make_caption(line: str, look: Look) -> VGroup:
    """The narration line as an on-screen subtitle at the bottom of the frame, wrapped to fit."""
    wrapped = "\n".join(_caption_lines(line))
    text = make_text(wrapped, look, LAYOUT.caption_size, line_spacing=0.9)
    if text.width > LAYOUT.caption_max_width:
        text.scale_to_fit_width(LAYOUT.caption_max_width)
    text.move_to([0, 0, 0]).align_to([0, LAYOUT.caption_bottom + 0.12, 0], DOWN)
    plate = SurroundingRectangle(
        text, buff=0.12, corner_radius=0.08, stroke_width=0,
        fill_color=look.CAPTION_BG, fill_opacity=0.75,
    )
    return VGroup(plate, text)


def make_text(text: str, look: Look, size: float, color: ManimColor | None = None, **kwargs) -> Text:
    """Text in the house font (sans serif reads better on a projector than Pango's default serif)."""
    return Text(text, font=LAYOUT.font, font_size=size, color=color or look.TEXT, **kwargs)


def fit_column(mobject: VMobject, centre_x: float, margin: float = 0.1) -> VMobject:
    """Shrink ``mobject`` about its centre, if it must, to fit a column centred at ``centre_x`` that
    reaches to ``margin`` from the frame's nearer side edge: the rule for text that a longer
    language (German) makes wider than the English the layout was made for."""
    room = 2 * (config.frame_width / 2 - margin - abs(centre_x))
    if mobject.width > room:
        mobject.scale_to_fit_width(room)
    return mobject


def fit_right_of(mobject: VMobject, left: float, margin: float = 0.1) -> VMobject:
    """:func:`fit_column` for a column whose left edge is ``left`` and that reaches to ``margin``
    from the frame's right edge: ``mobject`` shrinks to fit if it must, its left edge at ``left``."""
    fit_column(mobject, (left + config.frame_width / 2 - margin) / 2, margin)
    return mobject.align_to([left, 0, 0], LEFT)


def moves_label(tr: Any, percent: str) -> str:
    """"moves 2.7%": how far a pushed ball moves, in the scene's language."""
    return tr("moves {percent}").format(percent=tr.number(percent))


def make_title(title: str, look: Look) -> Text:
    return make_text(title, look, LAYOUT.title_size, weight="BOLD").move_to([0, LAYOUT.title_y, 0])


def make_axes(
    look: Look,
    x_range: tuple[float, float, float],
    y_range: tuple[float, float, float],
    x_length: float,
    y_length: float,
    x_label: str = "z",
    y_label: str | None = None,
    decimal: str = ".",
) -> VGroup:
    """Axes in the theme's muted colour with numbered ticks; returns ``VGroup(axes, labels)``.

    The axes themselves are ``result[0]``; ``decimal`` is the tick labels' decimal sign
    (``Stage.tr.decimal``: 0,5 in German and Spanish).
    """

    axes = Axes(
        x_range=list(x_range),
        y_range=list(y_range),
        x_length=x_length,
        y_length=y_length,
        tips=False,
        axis_config=dict(color=look.MUTED, stroke_width=2, include_numbers=True,
                         font_size=24, decimal_number_config=dict(num_decimal_places=_decimals(x_range[2]))),
        y_axis_config=dict(decimal_number_config=dict(num_decimal_places=_decimals(y_range[2]))),
    )
    for axis in (axes.x_axis, axes.y_axis):
        if decimal != ".":
            _write_decimal_sign(axis.numbers, decimal)
        axis.numbers.set_color(look.MUTED)
    labels = VGroup(
        MathTex(x_label, color=look.INPUT, font_size=LAYOUT.label_size)
        .next_to(axes.x_axis, DOWN, buff=0.15).align_to(axes.x_axis, RIGHT),
    )
    if y_label:
        labels.add(MathTex(y_label, font_size=LAYOUT.label_size).next_to(axes.y_axis, UP, buff=0.15))
    return VGroup(axes, labels)


def make_decade_label(exponent: int, size: float, colour: ManimColor) -> MathTex:
    """The label ``10^k`` of a decade on a log scale."""
    return MathTex(f"10^{{{exponent}}}", font_size=size, color=colour)


# Why not manim's LogBase (``Axes(y_axis_config={"scaling": LogBase(custom_labels=True)})``):
# - its labels are ``Integer(10, unit="^{k}")``, typeset apart from their exponent: at font size 26
#   "10^{-60}" is 0.186 high against MathTex's 0.243, so the picture would change;
# - it labels every tick, and the scenes tick every decade but label every few (60 decades, a label
#   every 10), so half its labels would be removed again;
# - a zero gradient (a dead layer) has no logarithm: ``c2p`` raises, and the scene draws it on the
#   bottom edge. So the axis is linear in the exponent, offset by the lowest decade, labelled here.
def make_log_axes(
    look: Look,
    x_range: tuple[float, float, float],
    decades: tuple[int, int, int],
    labels: tuple[int, ...],
    lengths: tuple[float, float],
    centre: tuple[float, float],
    names: tuple[str, str],
    name_size: float,
    label_size: float,
) -> tuple[Axes, VGroup]:
    """Axes whose y axis is log10 of a value, labelled ``10^k`` at the decades ``labels``.

    Parameters
    ----------
    x_range
        The x axis's (low, high, step), numbered.
    decades
        (lowest, highest, tick step) of the exponents k the y axis spans. The axes' y coordinate is
        ``k - lowest``: a value v sits at ``axes.c2p(x, log10(v) - lowest)``.
    labels
        The exponents that get a label.
    lengths, centre
        (x, y) lengths and where the axes' centre goes, in frame units.
    names
        The (x, y) axis names.

    Returns
    -------
    tuple
        The axes, and everything drawn (axes, labels, names) as one group.
    """
    low, high, step = decades
    axes = make_axes(look, x_range, (0, high - low, step), *lengths)[0]
    axes.y_axis.remove(axes.y_axis.numbers)  # they would be plain exponents offset by low
    axes.move_to([*centre, 0])
    ticks = VGroup(*[make_decade_label(k, label_size, look.MUTED)
                     .next_to(axes.c2p(0, k - low), LEFT, buff=0.15) for k in labels])
    x_name, y_name = (make_text(name, look, name_size, look.MUTED) for name in names)
    y_name.rotate(np.pi / 2).next_to(ticks, LEFT, buff=0.15)
    x_name.next_to(axes.x_axis.numbers, DOWN, buff=0.12).set_x(axes.x_axis.get_center()[0])
    return axes, VGroup(axes, ticks, y_name, x_name)


def make_log_series(axes: Axes, logs, low: int, colour: ManimColor, dead: ManimColor,
                    radius: float = 0.05) -> VGroup:
    """Per-layer values on :func:`make_log_axes`' axes: dots joined by lines, layer 1 first.

    ``logs[i]`` is log10 of layer i + 1's value, or None for a zero (no logarithm): a hollow dot
    in ``dead`` on the bottom edge, where the line breaks. Returns ``VGroup(lines, dots)``.
    """
    dots, lines, previous = VGroup(), VGroup(), None
    for layer, value in enumerate(logs, start=1):
        at = axes.c2p(layer, (low if value is None else value) - low)
        if value is None:
            dots.add(Circle(radius=radius, color=dead, stroke_width=2).move_to(at))
            previous = None
            continue
        dots.add(Circle(radius=radius, color=colour, fill_opacity=1, stroke_width=0).move_to(at))
        if previous is not None:
            lines.add(Line(previous, at, color=colour, stroke_width=3))
        previous = at
    return VGroup(lines, dots)


def tangent_ends(axes: Axes, z: float, value: float, slope: float, length: float) -> tuple[np.ndarray, np.ndarray]:
    """Ends of a tangent of ``length`` (frame units) at ``(z, value)`` with ``slope`` on ``axes``,
    cut where it would leave the axes' z range (a point near either end)."""
    ratio = axes.y_axis.unit_size / axes.x_axis.unit_size
    direction = np.array([1.0, slope * ratio, 0.0])
    direction *= length / 2 / np.linalg.norm(direction)
    centre = axes.c2p(z, value)
    low, high = axes.c2p(axes.x_range[0], 0)[0], axes.c2p(axes.x_range[1], 0)[0]
    room = max(0.0, min(centre[0] - low, high - centre[0]))
    direction *= min(1.0, room / direction[0])
    return centre - direction, centre + direction


@dataclass(frozen=True)
class PushStyle:
    """Sizes of a ball push (frame units and font sizes); scenes differ only in these."""

    radius: float = 0.16
    arrow: float = 0.9         # length of the pushing arrow
    tip_offset: tuple[float, float] = (-0.15, 0.3)  # arrow tip from the ball's start: above-left
    label_size: float = 22
    label_buff: float = 0.35


def make_ball_push(
    axes: Axes,
    curve: Callable[[float], float],
    z0: float,
    z1: float,
    text: str,
    look: Look,
    label_below: bool,
    style: PushStyle = PushStyle(),
) -> tuple[VGroup, Animation]:
    """A ball resting on ``curve`` at ``z0``, pushed from above-left, and ``text`` where it stops.

    Parameters
    ----------
    axes, curve
        The plot and the function drawn on it (the ball rests on the curve).
    z0, z1
        Where the ball starts and where the push takes it.
    text
        The label by the ball's end, below-right of it if ``label_below`` (else above-right, off
        the z axis's numbers), kept inside the axes' right edge.
    look, style
        Colours and sizes.

    Returns
    -------
    tuple
        ``VGroup(ball, arrow, label)`` and the animation that rolls the ball from ``z0`` to ``z1``.
    """
    start_at = axes.c2p(z0, curve(z0)) + UP * style.radius
    end_at = axes.c2p(z1, curve(z1)) + UP * style.radius
    ball = Circle(radius=style.radius, color=look.INPUT, fill_opacity=1).set_z_index(3)
    ball.move_to(start_at)
    # From above-left, clear of the curve and the y-axis numbers.
    tip = start_at + UP * style.tip_offset[1] + RIGHT * style.tip_offset[0]
    push = Arrow(tip + LEFT * style.arrow, tip, buff=0, color=look.TEXT, stroke_width=4,
                 max_tip_length_to_length_ratio=0.3)
    label = make_text(text, look, style.label_size)
    label.next_to(end_at, (DOWN if label_below else UP) + RIGHT, buff=style.label_buff)
    if label.get_right()[0] > axes.get_right()[0]:  # keep clear of what stands right of the plot
        label.align_to(axes, RIGHT)
    return VGroup(ball, push, label), ball.animate.move_to(end_at)


def _decimals(step: float) -> int:
    """Decimal places that show a tick step exactly (1 -> 0, 0.25 -> 2)."""
    for places in range(4):
        if abs(round(step, places) - step) < 1e-9:
            return places
    return 4


def _write_decimal_sign(numbers: VGroup, decimal: str) -> None:
    """Swap each tick label's decimal point for ``decimal``, top-left where the point was.

    manim typesets a number one character at a time and caches each character's glyph for the
    whole process (``manim.mobject.text.numbers.string_to_mob_map``), so the point cannot be
    typeset as a comma at the source without turning every later English point into one.
    """
    for number in numbers:
        for i, glyph in enumerate(number.submobjects):
            if getattr(glyph, "tex_string", None) == ".":
                sign = MathTex(decimal, font_size=number.font_size)
                number.submobjects[i] = sign.align_to(glyph, UP).align_to(glyph, LEFT)


class Readout(VGroup):
    """A live number that is cheap to update every frame.

    ``DecimalNumber.set_value`` rebuilds its glyphs by deep copy (about 10 ms a call, the largest
    cost of a render with live readouts, measured with a sampling profiler). A Readout typesets the
    glyphs ``0-9 . - ,`` once and, on each update, only copies glyph outlines into fixed slots.
    It may be moved, not scaled. ``decimal`` is the language's decimal sign (``Stage.tr.decimal``).
    """

    _CHARS = "0123456789.-,"

    def __init__(self, value: float, places: int, font_size: float, color: ManimColor,
                 slots: int = 10, decimal: str = "."):
        self.decimal = decimal
        glyphs = MathTex(self._CHARS, font_size=font_size)[0]
        # Outlines relative to the baseline start of the typeset string.
        self._start = np.array([glyphs.get_left()[0], glyphs[0].get_bottom()[1], 0.0])
        self._glyphs = {c: g.points - self._start for c, g in zip(self._CHARS, glyphs)}
        self._left = {c: g.get_left()[0] - self._start[0] for c, g in zip(self._CHARS, glyphs)}
        self._width = {c: g.width for c, g in zip(self._CHARS, glyphs)}
        self._gap = 0.045 * font_size / 48
        self.anchor = VectorizedPoint(ORIGIN)
        self.places = places
        super().__init__(self.anchor, *[VMobject(fill_color=color, fill_opacity=1, stroke_width=0)
                                        for _ in range(slots)])
        self.set_value(value)

    def set_value(self, value: float) -> "Readout":
        """Show ``value`` with the readout's decimal places, its left end kept in place."""
        text = f"{value:.{self.places}f}"
        if text.startswith("-") and float(text) == 0:
            text = text[1:]  # no "-0.00"
        text = text.replace(".", self.decimal)
        slots = self.submobjects[1:]
        if len(text) > len(slots):
            raise ValueError(f"{text!r} needs more than the readout's {len(slots)} slots")
        origin = self.anchor.get_location()
        cursor = 0.0
        for slot, char in zip(slots, text.ljust(len(slots))):
            if char == " ":
                slot.clear_points()
                continue
            slot.set_points(self._glyphs[char] + origin + [cursor - self._left[char], 0, 0])
            cursor += self._width[char] + self._gap
        self.value = value
        return self
