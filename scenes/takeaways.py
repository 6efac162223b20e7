"""Scene 7: the key takeaways, each beside a miniature of the picture that showed it."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    Line,
    Rectangle,
    VGroup,
)
from manim_voiceover import VoiceoverScene

from sigsat.core.activations import leaky_relu, relu, sigmoid, sigmoid_prime
from sigsat.lesson.scenes import takeaways

from scenes.common import LAYOUT, Look, beat, make_text, make_title, start

MINI_WIDTH = 2.5
MINI_HEIGHT = 0.85
MINI_X = -5.35            # centre of the miniatures' column
TEXT_LEFT = -3.75         # left edge of the bullets' text
TEXT_RIGHT = 6.85         # the bullets never reach past this
ROW_TOP = 2.6             # centre of the first row
ROW_PITCH = 1.1
BULLET_SIZE = 28
DETAIL_SIZE = 24
MINI_LABEL_SIZE = 22
STROKE = 4
SHADE_OPACITY = 0.25
MARK_RADIUS = 0.06


def make_mini_axes(look: Look, x_range: tuple[float, float], y_range: tuple[float, float]) -> Axes:
    """Plain axes for a miniature: no ticks, no numbers, just the two lines."""
    return Axes(x_range=[*x_range, x_range[1] - x_range[0]], y_range=[*y_range, y_range[1] - y_range[0]],
                x_length=MINI_WIDTH, y_length=MINI_HEIGHT, tips=False,
                axis_config=dict(color=look.MUTED, stroke_width=2, include_ticks=False))


def make_mini_sigmoid(look: Look, extent: float, threshold: float) -> VGroup:
    """The sigmoid with its tails beyond +-threshold shaded as saturated."""
    axes = make_mini_axes(look, (-extent, extent), (0, 1))
    shades = VGroup()
    for lo, hi in ((-extent, -threshold), (threshold, extent)):
        (x0, y0, _), (x1, y1, _) = axes.c2p(lo, 0), axes.c2p(hi, 1)
        shades.add(Rectangle(width=x1 - x0, height=y1 - y0, stroke_width=0, fill_color=look.SATURATED,
                             fill_opacity=SHADE_OPACITY).move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0]))
    curve = axes.plot(sigmoid, x_range=[-extent, extent], color=look.ACTIVATION, stroke_width=STROKE)
    return VGroup(shades, axes, curve)


def make_mini_slope(look: Look, extent: float, peak: float, peak_text: str) -> VGroup:
    """The sigmoid's slope, a bump, its peak marked and labelled."""
    axes = make_mini_axes(look, (-extent, extent), (0, peak))
    curve = axes.plot(sigmoid_prime, x_range=[-extent, extent], color=look.GRADIENT, stroke_width=STROKE)
    mark = Dot(axes.c2p(0, peak), radius=MARK_RADIUS * 1.3, color=look.HIGHLIGHT)
    label = make_text(peak_text, look, MINI_LABEL_SIZE, look.HIGHLIGHT).next_to(mark, RIGHT, buff=0.12)
    return VGroup(axes, curve, mark, label)


def make_mini_bars(look: Look, gradients: np.ndarray) -> VGroup:
    """The gradient as it passes back through the layers: 1 at the output, then each product."""
    heights = np.concatenate([[1.0], gradients])
    slot = MINI_WIDTH / len(heights)
    axis = Line(LEFT * MINI_WIDTH / 2, RIGHT * MINI_WIDTH / 2, color=look.MUTED, stroke_width=2)
    axis.shift(DOWN * MINI_HEIGHT / 2)
    bars = VGroup()
    for k, h in enumerate(heights):
        bar = Rectangle(width=0.7 * slot, height=max(h * MINI_HEIGHT, 1e-3), stroke_width=0,
                        fill_color=look.GRADIENT, fill_opacity=0.9)
        bars.add(bar.move_to(axis.get_left() + [(k + 0.5) * slot, 0, 0], aligned_edge=DOWN))
    return VGroup(axis, bars)


def make_mini_step(look: Look, extent: float) -> VGroup:
    """ReLU's slope: 0 up to z = 0 (filled dot), 1 beyond it (open circle at 0)."""
    axes = make_mini_axes(look, (-extent, extent), (0, 1))
    left = Line(axes.c2p(-extent, 0), axes.c2p(0, 0), color=look.DEAD, stroke_width=STROKE)
    right = Line(axes.c2p(0, 1), axes.c2p(extent, 1), color=look.GRADIENT, stroke_width=STROKE)
    closed = Dot(axes.c2p(0, 0), radius=MARK_RADIUS, color=look.DEAD)
    hole = Circle(radius=MARK_RADIUS, color=look.GRADIENT, stroke_width=2, fill_color=look.BACKGROUND,
                  fill_opacity=1).move_to(axes.c2p(0, 1))
    label = make_text("1", look, MINI_LABEL_SIZE, look.GRADIENT).next_to(right, UP, buff=0.08)
    return VGroup(axes, left, right, closed, hole, label)


def make_mini_relus(look: Look, extent: float, alpha: float, leaky_name: str) -> VGroup:
    """ReLU (solid) and leaky ReLU (dashed, its negative side sloping by ``alpha``).

    The z axis runs over [-extent, extent] and the output axis up to extent / 2, which stretches the
    output scale so that the leaky side's small slope shows.
    """
    top = extent / 2
    axes = make_mini_axes(look, (-extent, extent), (-alpha * extent, top))
    plain = axes.plot(relu, x_range=[-extent, top], discontinuities=[0], color=look.RELU,
                      stroke_width=STROKE)
    leaky = axes.plot(lambda z: leaky_relu(z, alpha=alpha), x_range=[-extent, 0],
                      color=look.GRADIENT, stroke_width=STROKE)
    leaky = DashedVMobject(leaky, num_dashes=7)
    name = make_text(leaky_name, look, MINI_LABEL_SIZE, look.GRADIENT).next_to(leaky, UP, buff=0.12)
    return VGroup(axes, plain, leaky, name)


def make_bullet(look: Look, text: str, detail: str) -> VGroup:
    """A takeaway in the lesson's words, and under it, smaller, the number that shows it."""
    main = make_text(text, look, BULLET_SIZE)
    sub = make_text(detail, look, DETAIL_SIZE, look.MUTED)
    group = VGroup(main, sub).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
    if group.width > TEXT_RIGHT - TEXT_LEFT:
        group.scale_to_fit_width(TEXT_RIGHT - TEXT_LEFT)
    return group


class KeyTakeaways(VoiceoverScene):
    """The lesson's five takeaways in five rows, each revealed beside its miniature."""

    def construct(self) -> None:
        self.stage = start(self, takeaways)
        self.lesson = self.stage.lesson
        self.row = 0
        self.sigmoid_saturates()
        self.peak_is_a_quarter()
        self.gradients_vanish()
        self.relu_keeps_one()
        self.use_relu()

    def reveal(self, beat_id: str, mini: VGroup) -> None:
        """Put the beat's bullet in the next row, ``mini`` beside it, and draw them."""
        look, t = self.stage.look, self.lesson
        y = ROW_TOP - self.row * ROW_PITCH
        self.row += 1
        mini.move_to([MINI_X, y, 0])
        bullet = make_bullet(look, t.bullets[beat_id], t.details[beat_id])
        bullet.move_to([0, y, 0]).align_to([TEXT_LEFT, 0, 0], LEFT)
        self.play(Create(mini), FadeIn(bullet, shift=LEFT * 0.3), run_time=LAYOUT.draw)

    @beat
    def sigmoid_saturates(self) -> None:
        look, t = self.stage.look, self.lesson
        self.play(FadeIn(make_title(self.stage.title, look)),
                  run_time=LAYOUT.fade)
        self.reveal("sigmoid_saturates", make_mini_sigmoid(look, t.sigmoid_extent, t.threshold))

    @beat
    def peak_is_a_quarter(self) -> None:
        look, t = self.stage.look, self.lesson
        self.reveal("peak_is_a_quarter",
                    make_mini_slope(look, t.sigmoid_extent, t.peak_slope, t.shown["peak"]))

    @beat
    def gradients_vanish(self) -> None:
        self.reveal("gradients_vanish", make_mini_bars(self.stage.look, self.lesson.chain.gradients))

    @beat
    def relu_keeps_one(self) -> None:
        self.reveal("relu_keeps_one", make_mini_step(self.stage.look, self.lesson.relu_extent))

    @beat
    def use_relu(self) -> None:
        t = self.lesson
        self.reveal("use_relu", make_mini_relus(self.stage.look, t.relu_extent, t.leaky_alpha, self.stage.tr("leaky")))
