"""Scene 3, practice problem 1: the slope at the probe, worked step by step, as a bar against the peak."""

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
    FadeOut,
    GrowFromEdge,
    Line,
    MathTex,
    Rectangle,
    SurroundingRectangle,
    VGroup,
    Write,
)
from manim_voiceover import VoiceoverScene

from sigsat.core.activations import sigmoid
from sigsat.lesson.display import as_tex
from sigsat.lesson.scenes import probe

from scenes.common import LAYOUT, beat, make_axes, make_text, make_title, start, tangent_ends

CONTEXT_PLOT = (-4.9, 1.45, 3.7, 1.7)   # centre x, centre y, width, height of the small sigmoid
STEPS_LEFT = -2.0          # left edge of the worked steps and of the question
STEPS_RIGHT = 6.85         # a row wider than this (long numbers at negative z) is scaled to fit
QUESTION_Y = 2.55
OUTPUT_ROW_Y = 1.55
SLOPE_ROW_Y = 0.5
STEP_SIZE = 34
STEP_GAP = 0.18
BAR_LEFT = -5.0            # where every bar starts (its zero)
BAR_LENGTH = 6.3           # the peak slope 0.25 (or, in the inset, 0.25 / zoom)
BAR_HEIGHT = 0.34
PEAK_ROW_Y = -0.5
SLOPE_BAR_Y = -1.1
INSET_ROW_Y = -2.2
RATIO_LEFT = 2.45          # left edge of the ratio's steps, right of the bars
RATIO_TOP = -0.1
TANGENT_LENGTH = 1.4
VERDICT_SIZE = 32
MARKER_OVERHANG = 0.25     # the probe's marker reaches this far above sigma = 1, clear of the curve


class SlopeAtTheProbe(VoiceoverScene):
    """sigma'(z) at the probe, computed step by step, is a small share of the peak 0.25."""

    def construct(self) -> None:
        self.stage = start(self, probe)
        self.lesson = self.stage.lesson
        self.pose_the_problem()
        self.compute_the_output()
        self.compute_the_slope()
        self.compare_to_the_peak()
        self.draw_the_conclusion()

    def make_context_plot(self) -> VGroup:
        """A small sigmoid with the probe marked: a dot on the curve, a dashed marker, its z."""
        look, s = self.stage.look, self.lesson
        x, y, width, height = CONTEXT_PLOT
        frame = make_axes(look, (-s.z_extent, s.z_extent, s.z_step), (0, 1, 0.5), width, height,
                          decimal=self.stage.tr.decimal)
        frame.shift([x, y, 0] - frame[0].c2p(0, 0.5))
        axes = frame[0]
        frame[1][0].next_to(axes.x_axis.get_right(), RIGHT, buff=0.12)
        curve = axes.plot(sigmoid, x_range=[-s.z_extent, s.z_extent], color=look.ACTIVATION, stroke_width=4)
        # A marker across the whole plot at the probe, named above it: the plot is too small to
        # hold the label beside the dot without touching the curve.
        marker = DashedLine(axes.c2p(s.z, 0), axes.c2p(s.z, 1) + UP * MARKER_OVERHANG, color=look.INPUT,
                            stroke_width=2)
        dot = Dot(axes.c2p(s.z, s.output), radius=0.08, color=look.INPUT).set_z_index(2)
        label = MathTex(f"z = {as_tex(s.shown['z'])}", font_size=LAYOUT.label_size, color=look.INPUT)
        label.next_to(marker, UP, buff=0.1)
        if label.get_left()[0] < axes.get_left()[0]:
            label.align_to(axes, LEFT)
        if label.get_right()[0] > axes.get_right()[0]:
            label.align_to(axes, RIGHT)
        return VGroup(frame, curve, VGroup(marker, dot, label))

    def make_steps(self, steps: tuple[str, ...], y: float) -> VGroup:
        """One row of worked steps, left-aligned with the question, to be revealed one by one."""
        row = VGroup(*[MathTex(t, font_size=STEP_SIZE, color=self.stage.look.TEXT) for t in steps])
        row.arrange(RIGHT, buff=STEP_GAP)
        if row.width > STEPS_RIGHT - STEPS_LEFT:
            row.scale_to_fit_width(STEPS_RIGHT - STEPS_LEFT)
        return row.move_to([0, y, 0]).align_to([STEPS_LEFT, 0, 0], LEFT)

    @beat
    def pose_the_problem(self) -> None:
        look, s = self.stage.look, self.lesson
        self.context = self.make_context_plot()
        question = self.make_steps((s.question,), QUESTION_Y)
        self.play(FadeIn(make_title(s.title, look)), Create(self.context[0]), run_time=LAYOUT.draw)
        self.play(Create(self.context[1]), run_time=LAYOUT.draw)
        self.play(FadeIn(self.context[2]), Write(question), run_time=LAYOUT.draw)
        self.question = question

    @beat
    def compute_the_output(self) -> None:
        look = self.stage.look
        row = self.make_steps(self.lesson.output_steps, OUTPUT_ROW_Y)
        row[0].set_color(look.ACTIVATION)
        row[-1].set_color(look.ACTIVATION)
        for step in row:
            self.play(Write(step), run_time=LAYOUT.write_step)

    @beat
    def compute_the_slope(self) -> None:
        look, s = self.stage.look, self.lesson
        row = self.make_steps(s.slope_steps, SLOPE_ROW_Y)
        row[0].set_color(look.GRADIENT)
        row[-1].set_color(look.GRADIENT)
        ends = tangent_ends(self.context[0][0], s.z, s.output, s.slope, TANGENT_LENGTH)
        tangent = Line(*ends, color=look.GRADIENT, stroke_width=LAYOUT.curve_stroke)
        for step in row:
            self.play(Write(step), run_time=LAYOUT.write_step)
        self.play(Create(tangent.set_z_index(1)), run_time=LAYOUT.fade * 2)

    def make_bar(self, length: float, y: float, colour, opacity: float = 1.0) -> Rectangle:
        """A bar from BAR_LEFT, always to scale (the floor only keeps a zero-width bar drawable)."""
        bar = Rectangle(width=max(length, 1e-3), height=BAR_HEIGHT, stroke_width=0,
                        fill_color=colour, fill_opacity=opacity)
        return bar.move_to([BAR_LEFT, y, 0], aligned_edge=LEFT)

    def make_bars(self) -> VGroup:
        """The peak's bar, the slope's bar to the same scale, and their labels."""
        look, s = self.stage.look, self.lesson
        peak = self.make_bar(BAR_LENGTH, PEAK_ROW_Y, look.HIGHLIGHT, 0.85)
        track = self.make_bar(BAR_LENGTH, SLOPE_BAR_Y, look.GRADIENT, 0).set_stroke(look.MUTED, 1.5)
        slope = self.make_bar(BAR_LENGTH * s.share, SLOPE_BAR_Y, look.GRADIENT)
        names = VGroup(
            MathTex(r"\sigma'(0)", font_size=LAYOUT.label_size, color=look.HIGHLIGHT).next_to(peak, LEFT),
            MathTex(rf"\sigma'({as_tex(s.shown['z'])})", font_size=LAYOUT.label_size, color=look.GRADIENT)
            .next_to(track, LEFT),
        )
        value = MathTex(as_tex(s.shown["slope"]) + r"\quad(" + as_tex(s.shown["percent"]) + ")",
                        font_size=LAYOUT.label_size, color=look.GRADIENT).next_to(slope, RIGHT)
        if value.get_right()[0] > track.get_right()[0]:  # a long bar (probe near 0) holds its label
            value.set_color(look.BACKGROUND).move_to(slope, aligned_edge=LEFT).shift(RIGHT * 0.15)
        values = VGroup(
            MathTex(as_tex(s.shown["peak"]), font_size=LAYOUT.label_size, color=look.HIGHLIGHT).next_to(peak, RIGHT),
            value.set_z_index(1),
        )
        return VGroup(peak, track, slope, names, values)

    def make_inset(self, track: Rectangle) -> VGroup:
        """The first 1/zoom of the slope's track magnified zoom times, with lines to where it comes from."""
        look, s = self.stage.look, self.lesson
        frame = self.make_bar(BAR_LENGTH, INSET_ROW_Y, look.GRADIENT, 0).set_stroke(look.MUTED, 1.5)
        bar = self.make_bar(BAR_LENGTH * s.share * s.zoom, INSET_ROW_Y, look.GRADIENT)
        source = track.get_corner(DOWN + LEFT), track.get_corner(DOWN + LEFT) + RIGHT * BAR_LENGTH / s.zoom
        funnel = VGroup(DashedLine(source[0], frame.get_corner(UP + LEFT), color=look.MUTED, stroke_width=2),
                        DashedLine(source[1], frame.get_corner(UP + RIGHT), color=look.MUTED, stroke_width=2))
        zoom = MathTex(rf"\times {s.shown['zoom']}", font_size=LAYOUT.label_size, color=look.MUTED)
        end = MathTex(as_tex(s.shown["inset_end"]), font_size=LAYOUT.label_size, color=look.MUTED)
        return VGroup(funnel, frame, bar, zoom.next_to(frame, LEFT), end.next_to(frame, RIGHT))

    def make_ratio(self) -> VGroup:
        """The slope's share of the peak, worked in lines right of the bars, each "=" under the first."""
        look, steps = self.stage.look, self.lesson.ratio_steps
        ratio = VGroup(MathTex(*steps[:2], font_size=STEP_SIZE, color=look.TEXT),
                       *[MathTex(t, font_size=STEP_SIZE, color=look.TEXT) for t in steps[2:]])
        ratio.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        ratio[-1].set_color(look.HIGHLIGHT)
        for step in ratio[1:]:
            step.align_to(ratio[0][1], LEFT)
        return ratio.move_to([0, RATIO_TOP, 0], aligned_edge=UP).align_to([RATIO_LEFT, 0, 0], LEFT)

    @beat
    def compare_to_the_peak(self) -> None:
        s = self.lesson
        peak, track, slope, names, values = bars = self.make_bars()
        self.play(FadeIn(names[0]), GrowFromEdge(peak, LEFT), FadeIn(values[0]), run_time=LAYOUT.draw)
        self.play(FadeIn(names[1]), FadeIn(track), GrowFromEdge(slope, LEFT), FadeIn(values[1]),
                  run_time=LAYOUT.draw)
        if s.zoom > 1:  # the true-scale bar is a sliver: magnify the start of its track
            inset = self.make_inset(track)
            self.play(Create(inset[0]), FadeIn(inset[1]), FadeIn(inset[3:]), run_time=LAYOUT.fade * 2)
            self.play(GrowFromEdge(inset[2], LEFT), run_time=LAYOUT.draw)
        ratio = self.make_ratio()
        for step in ratio:
            self.play(Write(step), run_time=LAYOUT.fade * 2)
        self.bars, self.ratio = bars, ratio

    @beat
    def draw_the_conclusion(self) -> None:
        look, s = self.stage.look, self.lesson
        colour = look.SATURATED if s.saturated else look.HIGHLIGHT
        verdict = make_text(s.verdict, look, VERDICT_SIZE, colour, weight="BOLD")
        verdict.move_to(self.question).align_to(self.question, LEFT)
        box = SurroundingRectangle(verdict, color=colour, buff=0.15, corner_radius=0.08)
        self.play(FadeOut(self.question), run_time=LAYOUT.fade)
        self.play(FadeIn(verdict), Create(box), run_time=LAYOUT.draw)
