"""Scene 2: the sigmoid's slope, drawn under the sigmoid, peaks at 0.25 and is small at the threshold."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    MathTex,
    Mobject,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from manim_voiceover import VoiceoverScene

from sigsat.core.activations import sigmoid, sigmoid_prime
from sigsat.lesson.display import as_tex
from sigsat.lesson.scenes import derivative

from scenes.common import LAYOUT, Readout, beat, make_axes, make_title, start

PLOT_X = -2.6          # centre of both plots
PLOT_WIDTH = 8.2
OUTPUT_PLOT = (1.75, 1.7)   # (centre y, height) of the sigma plot
SLOPE_PLOT = (-0.95, 2.2)   # (centre y, height) of the sigma' plot
COLUMN_X = 4.55        # centre of the column right of the plots
FORMULA_Y = 2.55       # the slope's formula heads the column
ALGEBRA_SIZE = 32
MARK_SIZE = 28         # labels of marked points
DOT_RADIUS = 0.08


def overlaps(a: Mobject, b: Mobject) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` intersect."""
    return bool(np.all(a.get_corner(DOWN + LEFT)[:2] < b.get_corner(UP + RIGHT)[:2])
                and np.all(b.get_corner(DOWN + LEFT)[:2] < a.get_corner(UP + RIGHT)[:2]))


class DerivativePeaksAtAQuarter(VoiceoverScene):
    """sigma'(z) = sigma(z)(1 - sigma(z)) peaks at 1/4 at z = 0 and is small past the threshold."""

    def construct(self) -> None:
        self.stage = start(self, derivative)
        self.lesson = self.stage.lesson
        self.draw_sigmoid_and_slope()
        self.trace_slope_along_curve()
        self.mark_the_peak()
        self.show_the_algebra()
        self.mark_the_threshold_slope()

    def make_plot(self, y_range, centre_y: float, height: float, numbered_z: bool) -> VGroup:
        """Axes over the lesson's z range, one of two stacked plots sharing the z axis."""
        d = self.lesson
        frame = make_axes(self.stage.look, (-d.z_extent, d.z_extent, d.z_step), y_range,
                          x_length=PLOT_WIDTH, y_length=height, decimal=self.stage.tr.decimal)
        if not numbered_z:  # the plot below carries the shared z axis's numbers and label
            frame[0].x_axis.remove(frame[0].x_axis.numbers)
            frame.remove(frame[1])
        else:  # "z" at the axis's right end, clear of the caption below
            frame[1][0].next_to(frame[0].x_axis.get_right(), RIGHT, buff=0.15)
        middle = frame[0].c2p(0, (y_range[0] + y_range[1]) / 2)
        return frame.shift([PLOT_X - middle[0], centre_y - middle[1], 0])

    def make_curve_label(self, tex: str, axes, colour) -> MathTex:
        """A curve's name in the upper left of its plot, where both curves are near zero."""
        label = MathTex(tex, font_size=LAYOUT.label_size, color=colour)
        # In front of the threshold's dashed lines, should a threshold come this far out.
        label.add_background_rectangle(color=self.stage.look.BACKGROUND, opacity=1, buff=0.06)
        label.set_z_index(2)
        return label.next_to(axes.c2p(-self.lesson.z_extent, axes.y_range[1]), DOWN + RIGHT, buff=0.1)

    @beat
    def draw_sigmoid_and_slope(self) -> None:
        look, d = self.stage.look, self.lesson
        self.top = self.make_plot(d.output_range, *OUTPUT_PLOT, numbered_z=False)
        self.bottom = self.make_plot(d.slope_range, *SLOPE_PLOT, numbered_z=True)
        self.out_axes, self.slope_axes = self.top[0], self.bottom[0]
        z_range = [-d.z_extent, d.z_extent]
        self.out_curve = self.out_axes.plot(sigmoid, x_range=z_range, color=look.ACTIVATION,
                                            stroke_width=LAYOUT.curve_stroke).set_z_index(1)
        self.slope_curve = self.slope_axes.plot(sigmoid_prime, x_range=z_range, color=look.GRADIENT,
                                                stroke_width=LAYOUT.curve_stroke).set_z_index(1)
        names = VGroup(
            self.make_curve_label(r"\sigma(z)", self.out_axes, look.ACTIVATION),
            self.make_curve_label(r"\sigma'(z)", self.slope_axes, look.GRADIENT),
        )
        formula = MathTex(r"\sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr)",
                          font_size=ALGEBRA_SIZE, color=look.GRADIENT).move_to([COLUMN_X, FORMULA_Y, 0])
        self.play(FadeIn(make_title(d.title, look)),
                  Create(self.top), Create(self.bottom), run_time=LAYOUT.draw)
        self.play(Create(self.out_curve), FadeIn(names[0]), run_time=LAYOUT.draw)
        self.play(Create(self.slope_curve), FadeIn(names[1]), Write(formula), run_time=LAYOUT.draw)

    @beat
    def trace_slope_along_curve(self) -> None:
        look, d = self.stage.look, self.lesson
        z = ValueTracker(-d.z_extent)
        link = DashedLine(UP, DOWN, color=look.MUTED, stroke_width=2)
        dots = VGroup(Dot(radius=DOT_RADIUS, color=look.ACTIVATION),
                      Dot(radius=DOT_RADIUS, color=look.GRADIENT)).set_z_index(3)

        def follow(group):
            zv = z.get_value()
            top = self.out_axes.c2p(zv, sigmoid(zv))
            low = self.slope_axes.c2p(zv, sigmoid_prime(zv))
            group[0].put_start_and_end_on(self.out_axes.c2p(zv, d.output_range[1]),
                                          self.slope_axes.c2p(zv, 0))
            group[1][0].move_to(top)
            group[1][1].move_to(low)

        tracer = VGroup(link, dots)
        follow(tracer)
        readout = self.make_slope_readout(z)
        self.play(FadeIn(tracer), FadeIn(readout), run_time=LAYOUT.fade)
        tracer.add_updater(follow)
        self.play(z.animate.set_value(d.z_extent), run_time=LAYOUT.sweep, rate_func=linear)
        tracer.remove_updater(follow)
        readout.number.clear_updaters()
        self.play(FadeOut(tracer), FadeOut(readout), run_time=LAYOUT.fade)

    def make_slope_readout(self, z: ValueTracker) -> VGroup:
        """Live z and sigma'(z) in the right column."""
        look = self.stage.look
        rows = VGroup()
        for tex, colour, func, places in (("z =", look.INPUT, float, 2),
                                          (r"\sigma'(z) =", look.GRADIENT, sigmoid_prime,
                                           self.lesson.slope_places)):
            number = Readout(float(func(z.get_value())), places, LAYOUT.readout_size, look.TEXT,
                             decimal=self.stage.tr.decimal)
            number.add_updater(lambda m, f=func: m.set_value(float(f(z.get_value()))))
            rows.add(VGroup(MathTex(tex, font_size=LAYOUT.readout_size, color=colour), number)
                     .arrange(RIGHT, buff=0.2))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        rows[0][1].align_to(rows[1][1], LEFT)
        rows.move_to([COLUMN_X, SLOPE_PLOT[0], 0])
        rows.number = VGroup(rows[0][1], rows[1][1])
        return rows

    @beat
    def mark_the_peak(self) -> None:
        look, d = self.stage.look, self.lesson
        top = self.out_axes.c2p(d.peak_z, d.peak_output)
        peak = self.slope_axes.c2p(d.peak_z, d.peak_slope)
        dots = VGroup(Dot(top, radius=DOT_RADIUS * 1.3, color=look.HIGHLIGHT),
                      Dot(peak, radius=DOT_RADIUS * 1.3, color=look.HIGHLIGHT)).set_z_index(3)
        link = DashedLine(top, peak, color=look.HIGHLIGHT, stroke_width=2)
        labels = VGroup(
            MathTex(r"\sigma(0) = " + as_tex(d.shown["half"]), font_size=MARK_SIZE, color=look.HIGHLIGHT)
            .next_to(top, DOWN + RIGHT, buff=0.1),
            MathTex(r"\max \sigma' = \sigma'(0) = " + as_tex(d.shown["peak"]), font_size=MARK_SIZE,
                    color=look.HIGHLIGHT).next_to(peak, RIGHT, buff=0.25).shift(UP * 0.25),
        )
        for label in labels:  # the threshold's dashed lines pass behind, not through, the labels
            label.add_background_rectangle(color=look.BACKGROUND, opacity=1, buff=0.06)
        labels.set_z_index(2)
        self.play(Create(link), FadeIn(dots), run_time=LAYOUT.fade * 2)
        self.play(Flash(dots[1], color=look.HIGHLIGHT), Write(labels), run_time=LAYOUT.draw)
        self.peak_marks = VGroup(dots, link, labels)

    @beat
    def show_the_algebra(self) -> None:
        look, d = self.stage.look, self.lesson
        steps = VGroup(MathTex(*d.algebra[:2], font_size=ALGEBRA_SIZE, color=look.GRADIENT),
                       *[MathTex(step, font_size=ALGEBRA_SIZE, color=look.TEXT) for step in d.algebra[2:]])
        steps[-1].set_color(look.HIGHLIGHT)
        steps.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        for step in steps[1:]:  # each "=" under the first line's "="
            step.align_to(steps[0][1], LEFT)
        steps.next_to([COLUMN_X, FORMULA_Y - 0.55, 0], DOWN, buff=0)
        for step in steps:
            self.play(Write(step), run_time=LAYOUT.fade * 2)
        self.algebra = steps

    @beat
    def mark_the_threshold_slope(self) -> None:
        look, d = self.stage.look, self.lesson
        marks = VGroup()
        for sign, side in ((-1, LEFT), (1, RIGHT)):
            zt = sign * d.threshold
            line = DashedLine(self.out_axes.c2p(zt, d.output_range[1]), self.slope_axes.c2p(zt, 0),
                              color=look.SATURATED, stroke_width=2)
            point = self.slope_axes.c2p(zt, d.threshold_slope)
            dot = Dot(point, radius=DOT_RADIUS * 1.3, color=look.SATURATED).set_z_index(3)
            value = MathTex(as_tex(d.shown["threshold_slope"]), font_size=MARK_SIZE, color=look.SATURATED)
            value.next_to(point, UP + side, buff=0.1)
            if value.get_left()[0] < self.slope_axes.get_left()[0]:  # a threshold near the axis's end
                value.next_to(point, UP + RIGHT, buff=0.1)
            if value.get_right()[0] > self.slope_axes.get_right()[0]:
                value.next_to(point, UP + LEFT, buff=0.1)
            crowded = VGroup(self.peak_marks, self.slope_axes.y_axis.numbers)
            if any(overlaps(value, other) for other in crowded):  # a threshold close to 0:
                value = VGroup()  # the summary beside the plots carries the value alone
            marks.add(VGroup(line, dot, value))
        summary = MathTex(
            rf"\sigma'(\pm {as_tex(d.shown['threshold'])}) = {as_tex(d.shown['threshold_slope'])}",
            r"= " + as_tex(d.shown["threshold_percent"]) + r"\text{ " + self.stage.tr("of the peak") + "}",
            font_size=ALGEBRA_SIZE, color=look.SATURATED,
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        summary.move_to([COLUMN_X, SLOPE_PLOT[0] - 0.6, 0])
        self.play(*[Create(m[0]) for m in marks], run_time=LAYOUT.draw)
        self.play(*[FadeIn(m[1:]) for m in marks], Write(summary), run_time=LAYOUT.draw)
