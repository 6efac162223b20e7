"""Part two, scene 2: the ReLU family on one grid, their slopes, the slope each keeps for a
negative input, and the dead units of ReLU against leaky ReLU."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    VGroup,
    Write,
)
from manim_voiceover import VoiceoverScene

from sigsat.lesson.scenes import families as lesson_families

from scenes.common import LAYOUT, beat, make_axes, make_text, make_title, start

PLOT_X = -3.0               # centre of both plots
PLOT_WIDTH = 7.4
OUTPUT_PLOT = (1.55, 2.1)   # (centre y, height) of the outputs' plot
SLOPE_PLOT = (-1.45, 1.9)   # (centre y, height) of the slopes' plot, clear of a two-line caption
COLUMN_LEFT = 2.2           # left edge of the column right of the plots
COLUMN_TOP = 2.35           # top of the legend; the slopes' heading goes above it
ROW_GAP = 0.5
TEXT_SIZE = 26
DOT_RADIUS = 0.07
CURVE_STROKE = 4            # five curves on one grid: thinner than a lone curve


class TheReluFamily(VoiceoverScene):
    """ReLU, leaky ReLU, ELU, GELU and SiLU: the slope each keeps for negative inputs."""

    def construct(self) -> None:
        self.stage = start(self, lesson_families)
        self.lesson = self.stage.lesson
        self.draw_the_family()
        self.draw_their_slopes()
        self.read_the_negative_slopes()
        self.count_the_dead()

    def colours(self) -> list:
        look = self.stage.look
        return [look.RELU, look.INPUT, look.ACTIVATION, look.GRADIENT, look.HIGHLIGHT]

    def make_plot(self, y_range, centre_y: float, height: float) -> VGroup:
        d = self.lesson
        frame = make_axes(self.stage.look, (-d.z_extent, d.z_extent, d.z_step), y_range,
                          x_length=PLOT_WIDTH, y_length=height, decimal=self.stage.tr.decimal)
        frame[1][0].next_to(frame[0].x_axis.get_right(), RIGHT, buff=0.15)
        middle = frame[0].c2p(0, (y_range[0] + y_range[1]) / 2)
        return frame.shift([PLOT_X - middle[0], centre_y - middle[1], 0])

    def make_curves(self, axes, slopes: bool) -> VGroup:
        """Each member's curve (or slope) on ``axes``; kinks kept sharp, jumps not bridged."""
        e, curves = self.lesson.z_extent, VGroup()
        for member, colour in zip(self.lesson.members, self.colours()):
            func = member.prime if slopes else member.f
            options = dict(discontinuities=[0.0], use_smoothing=False) if member.kinked or (
                slopes and member.id == "relu") else {}
            curve = axes.plot(lambda z, f=func: float(f(z)), x_range=[-e, e], color=colour,
                              stroke_width=CURVE_STROKE, **options)
            # ReLU on top: the others lie along its two straight pieces and would hide it
            curves.add(curve.set_z_index(2 if member.id == "relu" else 1))
        return curves

    def make_legend(self) -> VGroup:
        """The members' names in their colours, one row each, heading the column."""
        rows = VGroup(*[make_text(m.name, self.stage.look, TEXT_SIZE, colour)
                        for m, colour in zip(self.lesson.members, self.colours())])
        rows.arrange(DOWN, aligned_edge=LEFT, buff=ROW_GAP - 0.3)
        return rows.align_to([COLUMN_LEFT, 0, 0], LEFT).align_to([0, COLUMN_TOP, 0], UP)

    @beat
    def draw_the_family(self) -> None:
        look, d = self.stage.look, self.lesson
        self.top = self.make_plot(d.output_range, *OUTPUT_PLOT)
        curves = self.make_curves(self.top[0], slopes=False)
        self.legend = self.make_legend()
        self.play(FadeIn(make_title(self.stage.title, look)), Create(self.top), run_time=LAYOUT.draw)
        self.play(*[Create(c) for c in curves], FadeIn(self.legend), run_time=LAYOUT.draw)

    @beat
    def draw_their_slopes(self) -> None:
        self.bottom = self.make_plot(self.lesson.slope_range, *SLOPE_PLOT)
        self.slope_axes = self.bottom[0]
        curves = self.make_curves(self.slope_axes, slopes=True)
        self.play(Create(self.bottom), run_time=LAYOUT.fade * 2)
        self.play(*[Create(c) for c in curves], run_time=LAYOUT.draw)

    @beat
    def read_the_negative_slopes(self) -> None:
        look, d, axes = self.stage.look, self.lesson, self.slope_axes
        z, (low, high, _) = d.negative_z, d.slope_range
        line = DashedLine(axes.c2p(z, low), axes.c2p(z, high), color=look.MUTED, stroke_width=2)
        dots = VGroup(*[Dot(axes.c2p(z, m.negative_slope), radius=DOT_RADIUS, color=c).set_z_index(3)
                        for m, c in zip(d.members, self.colours())])
        heading = make_text(d.screen["at"], look, TEXT_SIZE, look.MUTED)
        heading.next_to(self.legend, UP, buff=0.25).align_to(self.legend, LEFT)
        values = VGroup()
        for row, member, colour in zip(self.legend, d.members, self.colours()):
            value = make_text(member.shown_slope, look, TEXT_SIZE, colour)
            value.move_to(row).align_to([self.legend.get_right()[0] + 0.4, 0, 0], LEFT)
            values.add(value)
        self.play(Create(line), FadeIn(dots), run_time=LAYOUT.fade * 2)
        self.play(FadeIn(heading), Write(values), run_time=LAYOUT.draw)
        self.values = values

    @beat
    def count_the_dead(self) -> None:
        look, d = self.stage.look, self.lesson
        heading = make_text(d.screen["dead"], look, TEXT_SIZE, look.DEAD)
        rows = VGroup(heading)
        for member, count, colour in ((d.members[0], d.screen["relu_count"], look.RELU),
                                      (d.members[1], d.screen["leaky_count"], look.INPUT)):
            rows.add(VGroup(make_text(member.name, look, TEXT_SIZE, colour),
                            make_text(count, look, TEXT_SIZE, look.TEXT)))
        for row in rows[1:]:
            row[1].next_to(row[0], RIGHT, buff=0.3)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        rows.next_to(self.legend, DOWN, buff=0.8).align_to(self.legend, LEFT)
        for row in rows[1:]:
            row[1].align_to(self.values, LEFT)
        self.play(FadeIn(heading), run_time=LAYOUT.fade)
        for row in rows[1:]:
            self.play(Write(row), run_time=LAYOUT.write_step)
