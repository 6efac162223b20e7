"""Scene 1: the sigmoid saturates: flat tails, a tangent that flattens, a ball that will not roll."""

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
    Line,
    MathTex,
    Rectangle,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from manim_voiceover import VoiceoverScene

from sigsat.lesson.scenes import saturation
from sigsat.core.activations import sigmoid, sigmoid_prime
from sigsat.lesson.display import as_tex, fmt_param, fmt_percent

from scenes.common import LAYOUT, Readout, moves_label, beat, make_axes, make_ball_push, make_text, make_title, start, tangent_ends

AXES_LENGTH = (8.8, 4.0)  # x, y
AXES_CENTRE = (-1.9, 0.15)
TANGENT_LENGTH = 2.6
READOUT_X = 5.2  # centre of the column right of the axes
FORMULA_Y = 2.2
READOUTS_Y = 0.3
EDGE_SIZE = 26  # "z = ±threshold" over the dashed edges
WORD_SIZE = 22  # "saturated" in the bands
WORD_OFFSET = 0.9  # the word sits this far above (left band) or below (right band) the band's centre
SHADE_OPACITY = 0.18
DOT_RADIUS = 0.09


class SigmoidSaturates(VoiceoverScene):
    """The sigmoid's tails are flat: beyond the threshold its output barely moves."""

    def construct(self) -> None:
        self.stage = start(self, saturation)
        self.lesson = self.stage.lesson
        self.draw_the_curve()
        self.shade_the_tails()
        self.follow_the_probe()
        self.push_the_ball()

    @beat
    def draw_the_curve(self) -> None:
        look, e = self.stage.look, self.lesson.z_extent
        self.frame = make_axes(look, (-e, e, self.lesson.z_step), self.lesson.output_range,
                               *AXES_LENGTH, y_label=None, decimal=self.stage.tr.decimal)
        self.frame.move_to([*AXES_CENTRE, 0])
        self.axes = self.frame[0]
        self.curve = self.axes.plot(sigmoid, x_range=[-e, e], color=look.ACTIVATION, stroke_width=LAYOUT.curve_stroke)
        self.curve.set_z_index(1)
        formula = MathTex(r"\sigma(z) = \frac{1}{1 + e^{-z}}", font_size=LAYOUT.label_size,
                          color=look.ACTIVATION)
        formula.move_to([READOUT_X, FORMULA_Y, 0])
        title = make_title(self.stage.title, look)
        self.play(FadeIn(title), Create(self.frame), run_time=LAYOUT.draw)
        self.play(Create(self.curve), Write(formula), run_time=LAYOUT.draw)

    @beat
    def shade_the_tails(self) -> None:
        look, axes, e, t = self.stage.look, self.axes, self.lesson.z_extent, self.lesson.threshold
        shades, edges, labels = VGroup(), VGroup(), VGroup()
        for lo, hi, edge in ((-e, -t, -t), (t, e, t)):
            corner_a, corner_b = axes.c2p(lo, 0), axes.c2p(hi, 1)
            band = Rectangle(width=corner_b[0] - corner_a[0], height=corner_b[1] - corner_a[1],
                             stroke_width=0, fill_color=look.SATURATED, fill_opacity=SHADE_OPACITY)
            band.move_to((corner_a + corner_b) / 2)
            shades.add(band)
            edges.add(DashedLine(axes.c2p(edge, 0), axes.c2p(edge, 1), color=look.SATURATED))
            label = MathTex(f"z = {as_tex(self.stage.tr.number(fmt_param(edge)))}", font_size=EDGE_SIZE,
                            color=look.SATURATED)
            labels.add(label.next_to(axes.c2p(edge, 1), UP, buff=0.08))
        word = make_text(self.stage.tr("saturated"), look, WORD_SIZE, look.SATURATED)
        words = VGroup(word.copy().move_to(shades[0]).shift(UP * WORD_OFFSET),
                       word.copy().move_to(shades[1]).shift(DOWN * WORD_OFFSET))
        shades.set_z_index(-1)
        self.play(FadeIn(shades), Create(edges), FadeIn(labels), FadeIn(words), run_time=LAYOUT.draw)

    @beat
    def follow_the_probe(self) -> None:
        look, axes = self.stage.look, self.axes
        z = ValueTracker(0.0)

        def place_dot(dot):
            dot.move_to(axes.c2p(z.get_value(), sigmoid(z.get_value())))

        def place_tangent(line):
            zv = z.get_value()
            line.put_start_and_end_on(*tangent_ends(axes, zv, sigmoid(zv), sigmoid_prime(zv),
                                                    TANGENT_LENGTH))

        tangent = Line(LEFT, RIGHT, color=look.GRADIENT, stroke_width=LAYOUT.curve_stroke).set_z_index(2)
        dot = Dot(radius=DOT_RADIUS, color=look.HIGHLIGHT).set_z_index(3)
        place_tangent(tangent), place_dot(dot)
        readouts = self.make_readouts(z)
        self.play(FadeIn(tangent), FadeIn(dot), FadeIn(readouts), run_time=LAYOUT.fade)
        movers = (tangent, place_tangent), (dot, place_dot)
        for mobject, updater in movers:
            mobject.add_updater(updater)
        self.play(z.animate.set_value(self.lesson.probe_z), run_time=LAYOUT.sweep, rate_func=linear)
        for mobject, updater in movers:
            mobject.remove_updater(updater)
        for number in readouts.numbers:
            number.clear_updaters()
        self.probe = VGroup(tangent, dot, readouts)

    def make_readouts(self, z: ValueTracker) -> VGroup:
        """z, sigma(z) and sigma'(z) as live numbers in a column right of the axes."""
        look = self.stage.look
        rows = VGroup()
        numbers = []
        for tex, colour, func, places in (
            ("z =", look.INPUT, lambda v: v, 2),
            (r"\sigma(z) =", look.ACTIVATION, sigmoid, self.lesson.output_places),
            (r"\sigma'(z) =", look.GRADIENT, sigmoid_prime, self.lesson.slope_places),
        ):
            label = MathTex(tex, font_size=LAYOUT.readout_size, color=colour)
            number = Readout(func(z.get_value()), places, LAYOUT.readout_size, look.TEXT,
                             decimal=self.stage.tr.decimal)
            number.add_updater(lambda m, f=func: m.set_value(float(f(z.get_value()))))
            numbers.append(number)
            rows.add(VGroup(label, number).arrange(RIGHT, buff=0.2))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        for row in rows:  # line the numbers up on their left edge
            row[1].align_to(rows[2][1], LEFT)
        rows.move_to([READOUT_X, READOUTS_Y, 0])
        rows.numbers = numbers
        return rows

    @beat
    def push_the_ball(self) -> None:
        look, axes, s, tr = self.stage.look, self.axes, self.lesson, self.stage.tr
        self.play(FadeOut(self.probe), run_time=LAYOUT.fade)
        groups, moves = VGroup(), []
        for z0, share in ((0.0, 1.0), (s.plateau_z, s.plateau_share)):
            z1 = z0 + s.push * share
            # Below the ball, unless it sits on the bottom plateau, where the z numbers are.
            group, move = make_ball_push(axes, sigmoid, z0, z1, moves_label(tr, fmt_percent(share)), look,
                                         label_below=sigmoid(z1) >= 0.5)
            groups.add(group)
            moves.append(move)
        self.play(FadeIn(groups), run_time=LAYOUT.fade)
        self.play(*moves, run_time=LAYOUT.move)
