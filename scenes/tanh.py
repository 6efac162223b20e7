"""Part two, scene 1: tanh beside the sigmoid, centred with peak slope 1, yet saturating."""

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
    MathTex,
    Rectangle,
    VGroup,
    Write,
)
from manim_voiceover import VoiceoverScene

from sigsat.core.activations import sigmoid, sigmoid_prime, tanh, tanh_prime
from sigsat.lesson.display import as_tex
from sigsat.lesson.scenes import tanh as lesson_tanh

from scenes.common import LAYOUT, beat, fit_column, make_axes, make_text, make_title, start

PLOT_X = -2.9               # centre of both plots
PLOT_WIDTH = 7.6
OUTPUT_PLOT = (1.7, 1.9)    # (centre y, height) of the outputs' plot
SLOPE_PLOT = (-1.3, 1.9)    # (centre y, height) of the slopes' plot, clear of a two-line caption
COLUMN_X = 4.3              # centre of the column right of the plots
COLUMN_TOP = 2.4            # first line of the column
LINE_GAP = 0.75             # between lines of the column
TEXT_SIZE = 30
MARK_SIZE = 26
DOT_RADIUS = 0.09
SHADE_OPACITY = 0.18


class TanhIsCentredButSaturates(VoiceoverScene):
    """tanh = 2 sigma(2z) - 1: centred, peak slope 1 (four times the sigmoid's), yet it saturates."""

    def construct(self) -> None:
        self.stage = start(self, lesson_tanh)
        self.lesson = self.stage.lesson
        self.draw_tanh_beside_the_sigmoid()
        self.compare_the_slopes()
        self.mark_where_it_saturates()
        self.chain_the_peaks()

    def make_plot(self, y_range, centre_y: float, height: float) -> VGroup:
        """Axes over the lesson's z range, centred on the plot's column."""
        d = self.lesson
        frame = make_axes(self.stage.look, (-d.z_extent, d.z_extent, d.z_step), y_range,
                          x_length=PLOT_WIDTH, y_length=height, decimal=self.stage.tr.decimal)
        frame[1][0].next_to(frame[0].x_axis.get_right(), RIGHT, buff=0.15)
        middle = frame[0].c2p(0, (y_range[0] + y_range[1]) / 2)
        return frame.shift([PLOT_X - middle[0], centre_y - middle[1], 0])

    def make_pair(self, axes, funcs, texs, label_ys) -> VGroup:
        """Two curves (tanh's then the sigmoid's) on ``axes``, each named at its left end."""
        look, e = self.stage.look, self.lesson.z_extent
        group = VGroup()
        for func, tex, colour, y in zip(funcs, texs, (look.INPUT, look.ACTIVATION), label_ys):
            curve = axes.plot(func, x_range=[-e, e], color=colour, stroke_width=LAYOUT.curve_stroke)
            name = MathTex(tex, font_size=LAYOUT.label_size, color=colour)
            name.next_to(axes.c2p(-e, y), RIGHT, buff=0.15)
            # in front of the thresholds' dashed lines, should one come this far out
            name.add_background_rectangle(color=look.BACKGROUND, opacity=1, buff=0.05).set_z_index(2)
            group.add(VGroup(curve.set_z_index(1), name))
        return group

    def column_line(self, tex: str, row: float, colour) -> MathTex:
        """A line of the right-hand column, ``row`` lines below its top."""
        return fit_column(MathTex(tex, font_size=TEXT_SIZE, color=colour).move_to(
            [COLUMN_X, COLUMN_TOP - row * LINE_GAP, 0]), COLUMN_X)

    @beat
    def draw_tanh_beside_the_sigmoid(self) -> None:
        look, d = self.stage.look, self.lesson
        self.top = self.make_plot(d.output_range, *OUTPUT_PLOT)
        axes = self.top[0]
        top_y = d.output_range[1]
        pair = self.make_pair(axes, (tanh, sigmoid), (r"\tanh(z)", r"\sigma(z)"), (top_y * 0.8, top_y * 0.35))
        centre = VGroup(Dot(axes.c2p(0, float(tanh(0.0))), radius=DOT_RADIUS, color=look.INPUT),
                        Dot(axes.c2p(0, float(sigmoid(0.0))), radius=DOT_RADIUS, color=look.ACTIVATION))
        formula = self.column_line(r"\tanh(z) = 2\,\sigma(2z) - 1", 0, look.INPUT)
        self.play(FadeIn(make_title(self.stage.title, look)), Create(self.top), run_time=LAYOUT.draw)
        self.play(*[Create(p[0]) for p in pair], *[FadeIn(p[1]) for p in pair], run_time=LAYOUT.draw)
        self.play(FadeIn(centre.set_z_index(3)), Write(formula), run_time=LAYOUT.fade * 2)

    @beat
    def compare_the_slopes(self) -> None:
        look, d = self.stage.look, self.lesson
        self.bottom = self.make_plot(d.slope_range, *SLOPE_PLOT)
        self.slope_axes = axes = self.bottom[0]
        pair = self.make_pair(axes, (tanh_prime, sigmoid_prime), (r"\tanh'(z)", r"\sigma'(z)"),
                              (d.tanh_peak * 0.85, d.tanh_peak * 0.45))
        peaks = VGroup()
        for value, key, colour, side in ((d.tanh_peak, "tanh_peak", look.INPUT, UP + RIGHT),
                                         (d.sigmoid_peak, "sigmoid_peak", look.ACTIVATION, UP + RIGHT)):
            dot = Dot(axes.c2p(0, value), radius=DOT_RADIUS, color=colour).set_z_index(3)
            label = MathTex(as_tex(d.shown[key]), font_size=MARK_SIZE, color=colour).next_to(dot, side, buff=0.08)
            peaks.add(VGroup(dot, label))
        ratio = self.column_line(
            rf"\tanh'(0) = {as_tex(d.shown['ratio'])} \times \sigma'(0)", 1, look.TEXT)
        self.play(Create(self.bottom), run_time=LAYOUT.fade * 2)
        self.play(*[Create(p[0]) for p in pair], *[FadeIn(p[1]) for p in pair], run_time=LAYOUT.draw)
        self.play(FadeIn(peaks), Write(ratio), run_time=LAYOUT.fade * 2)

    @beat
    def mark_where_it_saturates(self) -> None:
        look, d, axes = self.stage.look, self.lesson, self.slope_axes
        e, t, low, high = d.z_extent, d.tanh_threshold, d.slope_range[0], d.slope_range[1]
        shades, edges = VGroup(), VGroup()
        for lo, hi, edge in ((-e, -t, -t), (t, e, t)):
            a, b = axes.c2p(lo, low), axes.c2p(hi, high)
            shades.add(Rectangle(width=b[0] - a[0], height=b[1] - a[1], stroke_width=0,
                                 fill_color=look.SATURATED, fill_opacity=SHADE_OPACITY).move_to((a + b) / 2))
            edges.add(DashedLine(axes.c2p(edge, low), axes.c2p(edge, high), color=look.SATURATED))
        for edge in (-d.threshold, d.threshold):  # the sigmoid's edge, twice as far out
            edges.add(DashedLine(axes.c2p(edge, low), axes.c2p(edge, high), color=look.ACTIVATION,
                                 stroke_width=2))
        word = make_text(d.screen["saturated"], look, MARK_SIZE, look.SATURATED)
        word.move_to(shades[1]).align_to(shades[1], UP).shift(DOWN * 0.15)
        if word.width > shades[1].width:  # a threshold near the axis's end: the column says it
            word = VGroup()
        rule = VGroup(
            self.column_line(rf"|z| > {as_tex(d.shown['tanh_threshold'])}:", 2, look.SATURATED),
            fit_column(make_text(d.screen["rule"], look, TEXT_SIZE * 0.8,
                                 look.SATURATED).move_to([COLUMN_X, COLUMN_TOP - 2.6 * LINE_GAP, 0]), COLUMN_X),
        )
        self.play(FadeIn(shades.set_z_index(-1)), Create(edges), FadeIn(word), run_time=LAYOUT.draw)
        self.play(Write(rule), run_time=LAYOUT.fade * 2)

    @beat
    def chain_the_peaks(self) -> None:
        look, d = self.stage.look, self.lesson
        n = d.shown["layers"]
        rows = VGroup(
            self.column_line(rf"{as_tex(d.shown['tanh_peak'])}^{{{n}}} = {as_tex(d.shown['tanh_chain'])}",
                             3.6, look.INPUT),
            self.column_line(rf"{as_tex(d.shown['sigmoid_peak'])}^{{{n}}} = {as_tex(d.shown['sigmoid_chain'])}",
                             4.4, look.ACTIVATION),
        )
        for row in rows:
            row.align_to(rows[1], LEFT)
        for row in rows:
            self.play(Write(row), run_time=LAYOUT.write_step)
