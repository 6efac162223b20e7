"""Scene 5: real networks measured: gradient norms per layer, sigmoid beside ReLU, on a log axis."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Axes,
    Circle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    LaggedStart,
    Line,
    MathTex,
    VGroup,
)
from manim_voiceover import VoiceoverScene

from sigsat.lesson.scenes import measured
from sigsat.lesson.scenes.measured import Series

from scenes.common import LAYOUT, beat, make_log_axes, make_text, make_title, start

AXES_LENGTH = (7.6, 4.4)  # x, y
AXES_CENTRE = (-2.05, 0.35)
PANEL_LEFT = 2.65  # left edge of the column right of the plot
SETUP_Y = 2.3  # centres, in the column, of the experiment's description, the legend, the ratios
LEGEND_Y = 0.7
RATIOS_Y = -1.2
ROW_GAP = 0.25  # between rows of the legend and of the ratios
PANEL_SIZE = 24
TICK_SIZE = 26
DOT_RADIUS = 0.07
TIP_LENGTH = 0.2
SPLIT = 0.06  # half the gap between the two series' comparison bars, in frame units


class RealNetworksMeasured(VoiceoverScene):
    """The vanishing gradient measured in a sigmoid and a ReLU network, not only multiplied."""

    def construct(self) -> None:
        self.stage = start(self, measured)
        self.lesson = self.stage.lesson
        self.describe_the_experiment()
        self.plot_sigmoid_gradients()
        self.plot_relu_gradients()
        self.compare_first_and_last()

    # ----- beats -----------------------------------------------------------------------------

    @beat
    def describe_the_experiment(self) -> None:
        look = self.stage.look
        title = make_title(self.stage.title, look)
        self.axes, frame = self.make_log_axes()
        setup = VGroup(*[make_text(line, look, PANEL_SIZE) for line in self.lesson.setup])
        setup.arrange(DOWN, aligned_edge=LEFT, buff=0.18).move_to([0, SETUP_Y, 0])
        self.legend = self.make_legend()
        VGroup(setup, self.legend).align_to([PANEL_LEFT, 0, 0], LEFT)
        self.play(FadeIn(title), Create(frame), run_time=LAYOUT.draw)
        self.play(FadeIn(setup, shift=LEFT * 0.3), run_time=LAYOUT.fade * 2)

    @beat
    def plot_sigmoid_gradients(self) -> None:
        self.show_series(self.lesson.sigmoid, self.stage.look.ACTIVATION, self.legend[0])

    @beat
    def plot_relu_gradients(self) -> None:
        self.show_series(self.lesson.relu, self.stage.look.RELU, self.legend[1])

    @beat
    def compare_first_and_last(self) -> None:
        look, m = self.stage.look, self.lesson
        marks = VGroup()
        rows = VGroup(make_text(m.ratio_heading, look, PANEL_SIZE, look.MUTED))
        for series, colour, side in ((m.sigmoid, look.ACTIVATION, -1), (m.relu, look.RELU, 1)):
            marks.add(self.make_drop(series, colour, side))
            name = make_text(series.name, look, PANEL_SIZE, colour)
            value = MathTex(series.ratio_tex, font_size=LAYOUT.readout_size, color=colour)
            rows.add(VGroup(name, value).arrange(RIGHT, buff=0.25))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=ROW_GAP).move_to([0, RATIOS_Y, 0])
        rows.align_to([PANEL_LEFT, 0, 0], LEFT)
        values_at = max(row[0].get_right()[0] for row in rows[1:]) + 0.25
        for row in rows[1:]:  # the two ratios in one column
            row[1].align_to([values_at, 0, 0], LEFT)
        self.play(Create(marks), run_time=LAYOUT.draw)
        self.play(FadeIn(rows, shift=UP * 0.2), run_time=LAYOUT.fade * 2)

    # ----- builders --------------------------------------------------------------------------

    def make_log_axes(self) -> tuple[Axes, VGroup]:
        """Layers on x, the gradient norm on a log y axis labelled 10^k; returns (axes, frame)."""
        m = self.lesson
        return make_log_axes(self.stage.look, (0, m.depth, m.x_step), (m.y_low, m.y_high, m.y_tick_step),
                             m.y_labels, AXES_LENGTH, AXES_CENTRE, (self.stage.tr("layer"), self.stage.tr("gradient norm")),
                             PANEL_SIZE, TICK_SIZE)

    def point(self, layer: int, log_norm: float | None) -> np.ndarray:
        """Where a layer's norm sits on the plot (a zero norm on the bottom edge)."""
        m = self.lesson
        return self.axes.c2p(layer, (m.y_low if log_norm is None else log_norm) - m.y_low)

    def make_series(self, series: Series, colour) -> VGroup:
        """Dots joined by lines, layer 1 first; zero norms as hollow dots on the bottom edge."""
        dead = self.stage.look.DEAD
        dots, lines, run = VGroup(), VGroup(), []
        for layer, log_norm in enumerate(series.log_norms, start=1):
            at = self.point(layer, log_norm)
            if log_norm is None:
                dots.add(Circle(radius=DOT_RADIUS, color=dead, stroke_width=2).move_to(at))
                run = []
                continue
            dots.add(Dot(at, radius=DOT_RADIUS, color=colour))
            run.append(at)
            if len(run) == 2:
                lines.add(Line(*run, color=colour, stroke_width=3))
                run = [at]
        return VGroup(lines, dots.set_z_index(1))

    def make_legend(self) -> VGroup:
        """One row per series: a dot on a line in its colour, then its name and initialisation."""
        look = self.stage.look
        rows = VGroup()
        for series, colour in ((self.lesson.sigmoid, look.ACTIVATION), (self.lesson.relu, look.RELU)):
            sample = VGroup(Line(LEFT * 0.25, RIGHT * 0.25, color=colour, stroke_width=3),
                            Dot(radius=DOT_RADIUS, color=colour))
            rows.add(VGroup(sample, make_text(series.legend, look, PANEL_SIZE, colour))
                     .arrange(RIGHT, buff=0.2))
        return rows.arrange(DOWN, aligned_edge=LEFT, buff=ROW_GAP).move_to([0, LEGEND_Y, 0])

    def make_drop(self, series: Series, colour, side: int) -> VGroup:
        """The last layer's level carried back to layer 1, and an arrow down (or up) to layer 1."""
        last = self.point(self.lesson.depth, series.log_norms[-1])
        first = self.point(1, series.log_norms[0])
        level = np.array([first[0], last[1], 0]) + RIGHT * side * SPLIT
        carry = DashedLine(last, level, color=colour, stroke_width=2, stroke_opacity=0.7)
        if np.linalg.norm(level - first - RIGHT * side * SPLIT) < 0.1:  # no drop to point at
            return VGroup(carry)
        drop = Arrow(level, first + RIGHT * side * SPLIT, buff=0, color=colour, stroke_width=4,
                     tip_length=TIP_LENGTH, max_tip_length_to_length_ratio=0.5,
                     max_stroke_width_to_length_ratio=20)
        return VGroup(carry, drop)

    def show_series(self, series: Series, colour, legend_row: VGroup) -> None:
        """Draw one measurement from the last layer back to the first, its legend row beside it."""
        lines, dots = self.make_series(series, colour)
        self.play(FadeIn(legend_row, shift=LEFT * 0.3), run_time=LAYOUT.fade)
        drawing = [LaggedStart(*[FadeIn(d, scale=0.5) for d in reversed(dots)], lag_ratio=0.3)]
        if lines:  # zero norms leave no segment between them
            drawing.append(LaggedStart(*[Create(seg) for seg in reversed(lines)], lag_ratio=0.3))
        self.play(*drawing, run_time=LAYOUT.move)
        self.add(VGroup(lines, dots))
