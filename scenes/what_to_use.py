"""Part two, scene 5: what to use, four takeaways, each beside a miniature of its picture."""

from __future__ import annotations

from manim import DOWN, LEFT, Axes, Create, FadeIn, Line, VGroup
from manim_voiceover import VoiceoverScene

from sigsat.core.activations import leaky_relu, relu, sigmoid, tanh
from sigsat.lesson.scenes import what_to_use as lesson_what

from scenes.common import LAYOUT, Look, beat, make_text, make_title, start

MINI_WIDTH = 2.5
MINI_HEIGHT = 0.95
MINI_X = -5.35            # centre of the miniatures' column
TEXT_LEFT = -3.75         # left edge of the bullets' text
TEXT_RIGHT = 6.85         # the bullets never reach past this
ROW_TOP = 2.45            # centre of the first row
ROW_PITCH = 1.35
BULLET_SIZE = 28
DETAIL_SIZE = 24
STROKE = 4
MINI_EXTENT = 3.0         # the miniature curves run over z in [-MINI_EXTENT, MINI_EXTENT]


def make_mini_axes(look: Look, x_range, y_range) -> Axes:
    """Plain axes for a miniature: no ticks, no numbers."""
    return Axes(x_range=[*x_range, x_range[1] - x_range[0]], y_range=[*y_range, y_range[1] - y_range[0]],
                x_length=MINI_WIDTH, y_length=MINI_HEIGHT, tips=False,
                axis_config=dict(color=look.MUTED, stroke_width=2, include_ticks=False))


def make_mini_curves(look: Look, y_range, curves) -> VGroup:
    """``curves`` (function, colour, kinked) over the miniature's z range."""
    axes = make_mini_axes(look, (-MINI_EXTENT, MINI_EXTENT), y_range)
    drawn = [axes.plot(f, x_range=[-MINI_EXTENT, MINI_EXTENT], color=c, stroke_width=STROKE,
                       **(dict(discontinuities=[0.0], use_smoothing=False) if kinked else {}))
             for f, c, kinked in curves]
    return VGroup(axes, *drawn)


def make_mini_series(look: Look, series) -> VGroup:
    """Per-layer log10 values (``series``: (values, colour) pairs) as lines on shared axes."""
    values = [v for s, _ in series for v in s]
    low, high = min(values), max(values)
    layers = len(series[0][0])
    axes = make_mini_axes(look, (1, max(layers, 2)), (low, high if high > low else low + 1))
    lines = VGroup(*[VGroup(*[Line(axes.c2p(i + 1, a), axes.c2p(i + 2, b), color=c, stroke_width=STROKE)
                              for i, (a, b) in enumerate(zip(s, s[1:]))]) for s, c in series])
    return VGroup(axes, lines)


def make_bullet(look: Look, text: str, detail: str) -> VGroup:
    """A takeaway and, under it, smaller, the number that shows it."""
    group = VGroup(make_text(text, look, BULLET_SIZE), make_text(detail, look, DETAIL_SIZE, look.MUTED))
    group.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
    if group.width > TEXT_RIGHT - TEXT_LEFT:
        group.scale_to_fit_width(TEXT_RIGHT - TEXT_LEFT)
    return group


class WhatToUse(VoiceoverScene):
    """Part two's four takeaways in four rows, each revealed beside its miniature."""

    def construct(self) -> None:
        self.stage = start(self, lesson_what)
        self.lesson = self.stage.lesson
        self.row = 0
        self.prefer_tanh()
        self.use_the_relu_family()
        self.match_the_initialisation()
        self.add_skip_connections()

    def reveal(self, beat_id: str, mini: VGroup) -> None:
        """Put the beat's bullet in the next row, ``mini`` beside it, and draw them."""
        y = ROW_TOP - self.row * ROW_PITCH
        self.row += 1
        mini.move_to([MINI_X, y, 0])
        bullet = make_bullet(self.stage.look, self.lesson.bullets[beat_id], self.lesson.details[beat_id])
        bullet.move_to([0, y, 0]).align_to([TEXT_LEFT, 0, 0], LEFT)
        self.play(Create(mini), FadeIn(bullet, shift=LEFT * 0.3), run_time=LAYOUT.draw)

    @beat
    def prefer_tanh(self) -> None:
        look = self.stage.look
        self.play(FadeIn(make_title(self.stage.title, look)), run_time=LAYOUT.fade)
        self.reveal("prefer_tanh", make_mini_curves(look, (-1, 1), [(tanh, look.INPUT, False),
                                                                     (sigmoid, look.ACTIVATION, False)]))

    @beat
    def use_the_relu_family(self) -> None:
        look, slope = self.stage.look, self.lesson.leaky_slope
        self.reveal("use_the_relu_family", make_mini_curves(
            look, (-slope * MINI_EXTENT, MINI_EXTENT),  # ReLU last: on top where the two agree
            [(lambda z: leaky_relu(z, alpha=slope), look.GRADIENT, True), (relu, look.RELU, True)]))

    @beat
    def match_the_initialisation(self) -> None:
        look, d = self.stage.look, self.lesson
        self.reveal("match_the_initialisation", make_mini_series(
            look, [(d.he_spread, look.RELU), (d.xavier_spread, look.ACTIVATION)]))

    @beat
    def add_skip_connections(self) -> None:
        look, d = self.stage.look, self.lesson
        self.reveal("add_skip_connections", make_mini_series(
            look, [(d.plain_norms, look.ACTIVATION), (d.skip_norms, look.INPUT)]))
