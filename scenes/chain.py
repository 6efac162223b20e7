"""Scene 4, practice problem 2: the backward pass multiplies the gradient down, layer by layer."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Indicate,
    Line,
    MathTex,
    Rectangle,
    SurroundingRectangle,
    Transform,
    VGroup,
    Write,
)

from manim_voiceover import VoiceoverScene

from sigsat.lesson.scenes import chain

from scenes.common import LAYOUT, beat, make_decade_label, make_text, make_title, start

ROW_Y = 2.2  # the neurons
ROW_LEFT, ROW_RIGHT = -5.65, 6.45  # centres of the input and the output neuron
NODE_RADIUS = 0.28
SCALE_X = -5.65  # the bar scale's axis, under the input (which has no bar)
BAR_TOP, BAR_BOTTOM = 1.4, -0.8  # y of gradient 1 and of the scale's lowest decade
NUMBER_GAP = 0.28  # from the bars' bottom to the centre of the row of values under them
STAGGER = 0.32  # drop of every other value when the values are too wide for one row
NUMBER_SIZE = 22
SCALE_SIZE = 28
FORMULA_SIZE = 42
FORMULA_Y = -1.72
TOTAL_X = -2.6  # the total alone, before the update joins it and the pair is centred
FORMULAS_WIDTH = 13.2  # the total and the update side by side fit in this width
VERDICT_Y = -2.36
DIRECTION_Y = 0.6  # the "backward pass" arrow of the first beat
PASS_TIME = 5.0  # the whole backward pass, however many layers


class GradientsShrinkLayerByLayer(VoiceoverScene):
    """Practice problem 2: every layer multiplies the gradient by its local gradient."""

    def construct(self) -> None:
        self.stage = start(self, chain)
        self.lesson = self.stage.lesson
        self.line_up_the_layers()
        self.multiply_at_every_layer()
        self.read_the_log_scale()
        self.compute_the_total()
        self.update_the_first_layer()

    # ----- beats -----------------------------------------------------------------------------

    @beat
    def line_up_the_layers(self) -> None:
        look = self.stage.look
        self.xs = np.linspace(ROW_LEFT, ROW_RIGHT, self.lesson.layers + 2)
        self.numbers = self.make_numbers()
        self.nodes = self.make_nodes()
        links = VGroup(*[Line(a.get_right(), b.get_left(), color=look.MUTED, stroke_width=3)
                         for a, b in zip(self.nodes[:-1], self.nodes[1:])])
        self.output_bar = self.make_bar(len(self.xs) - 1, 1.0, look.TEXT)
        one = make_text("1", look, NUMBER_SIZE).move_to([self.xs[-1], self.number_y, 0])
        title = make_title(self.stage.title, look)
        self.direction = self.make_direction()
        self.play(FadeIn(title), FadeIn(self.nodes), Create(links), run_time=LAYOUT.draw)
        self.play(GrowFromEdge(self.output_bar, DOWN), FadeIn(one), run_time=LAYOUT.fade * 2)
        self.play(FadeIn(self.direction, shift=LEFT * 0.5), run_time=LAYOUT.fade * 2)

    @beat
    def multiply_at_every_layer(self) -> None:
        look, c = self.stage.look, self.lesson
        factors = self.make_factors()
        self.scale = self.make_scale()
        self.play(FadeOut(self.direction), FadeIn(factors), FadeIn(self.scale),
                  run_time=LAYOUT.fade * 2)
        bars = [self.make_bar(i + 1, h, look.GRADIENT) for i, h in enumerate(c.bar_heights)]
        numbers = self.numbers
        pulse = Dot(self.nodes[-1].get_center(), radius=0.11, color=look.GRADIENT).set_z_index(3)
        self.add(pulse)
        step = PASS_TIME / c.layers / 2
        for layer in range(c.layers, 0, -1):
            self.play(pulse.animate.move_to(self.nodes[layer]), run_time=step)
            self.play(GrowFromEdge(bars[layer - 1], DOWN), FadeIn(numbers[layer - 1]), run_time=step)
        self.remove(pulse)
        self.bars = VGroup(*bars)

    @beat
    def read_the_log_scale(self) -> None:
        look = self.stage.look
        tops = [self.output_bar.get_top()] + [b.get_top() for b in reversed(self.bars)]
        trend = DashedLine(tops[0], tops[-1], color=look.HIGHLIGHT, stroke_width=3).set_z_index(2)
        self.play(Indicate(self.scale[1], color=look.HIGHLIGHT), run_time=LAYOUT.draw)
        self.play(Create(trend), run_time=LAYOUT.draw)

    @beat
    def compute_the_total(self) -> None:
        look = self.stage.look
        self.total = MathTex(self.lesson.total_tex, font_size=FORMULA_SIZE, color=look.GRADIENT)
        self.total.move_to([TOTAL_X, FORMULA_Y, 0])
        first = VGroup(self.bars[0], self.numbers[0])
        ring = SurroundingRectangle(first, color=look.HIGHLIGHT, buff=0.1, corner_radius=0.08)
        self.play(Create(ring), self.nodes[1][0].animate.set_stroke(look.HIGHLIGHT, width=5),
                  Write(self.total), run_time=LAYOUT.draw)

    @beat
    def update_the_first_layer(self) -> None:
        look = self.stage.look
        update = MathTex(self.lesson.update_tex, font_size=FORMULA_SIZE, color=look.TEXT)
        update.next_to(self.total, RIGHT, buff=1.0)
        # The pair of formulas, centred, and narrowed to the frame should long powers of ten need it.
        total, update = formulas = VGroup(self.total.copy(), update)
        if formulas.width > FORMULAS_WIDTH:
            formulas.scale_to_fit_width(FORMULAS_WIDTH)
        formulas.move_to([0, FORMULA_Y, 0])
        verdict = make_text(self.lesson.verdict, look, LAYOUT.label_size, look.HIGHLIGHT)
        verdict.move_to([0, VERDICT_Y, 0])
        self.play(Transform(self.total, total), run_time=LAYOUT.fade)
        self.play(Write(update), run_time=LAYOUT.draw)
        self.play(FadeIn(verdict, shift=UP * 0.2), run_time=LAYOUT.fade * 2)

    # ----- builders --------------------------------------------------------------------------

    def make_nodes(self) -> VGroup:
        """Input, layers 1..N and output as labelled circles along the row."""
        look = self.stage.look
        names = ["x"] + [str(i) for i in range(1, self.lesson.layers + 1)] + ["out"]
        nodes = VGroup()
        for x, name in zip(self.xs, names):
            colour = look.INPUT if name == "x" else look.TEXT if name == "out" else look.ACTIVATION
            circle = Circle(radius=NODE_RADIUS, color=colour, stroke_width=3)
            circle.set_fill(look.BACKGROUND, opacity=1).move_to([x, ROW_Y, 0])
            label = make_text(name, look, NUMBER_SIZE, colour)
            if label.width > 1.6 * NODE_RADIUS:
                label.scale_to_fit_width(1.6 * NODE_RADIUS)
            nodes.add(VGroup(circle, label.move_to(circle)))
        return nodes

    def make_factors(self) -> VGroup:
        """The local gradient over every link it multiplies, in two rows if one is too tight."""
        look, spacing = self.stage.look, self.xs[1] - self.xs[0]
        factors = VGroup()
        for i in range(1, len(self.xs) - 1):
            factor = make_text(self.lesson.factor_label, look, NUMBER_SIZE, look.GRADIENT)
            # Too wide for one link: every other label goes under the row (above, it would meet
            # the title), and a label wider than two links is narrowed.
            crowded = factor.width > spacing - 0.15
            if factor.width > 2 * spacing - 0.2:
                factor.scale_to_fit_width(2 * spacing - 0.2)
            side = -1 if crowded and i % 2 else 1
            factors.add(factor.move_to([(self.xs[i] + self.xs[i + 1]) / 2,
                                        ROW_Y + side * (NODE_RADIUS + 0.22), 0]))
        return factors

    def make_direction(self) -> VGroup:
        """An arrow from the output back towards the input, named "backward pass"."""
        look = self.stage.look
        arrow = Arrow([self.xs[-2], 0, 0], [self.xs[1], 0, 0], buff=0, color=look.GRADIENT,
                      stroke_width=5, max_tip_length_to_length_ratio=0.05)
        name = make_text(self.stage.tr("backward pass"), look, LAYOUT.label_size, look.GRADIENT)
        return VGroup(arrow, name.next_to(arrow, UP, buff=0.2)).move_to([0, DIRECTION_Y, 0])

    def make_bar(self, column: int, height: float, colour) -> Rectangle:
        """A bar on the log scale under neuron ``column``; ``height`` 1 reaches gradient 1."""
        width = min(0.5, 0.45 * (self.xs[1] - self.xs[0]))
        bar = Rectangle(width=width, height=max(height, 1e-3) * (BAR_TOP - self.bar_bottom),
                        stroke_width=0, fill_color=colour, fill_opacity=0.85)
        return bar.move_to([self.xs[column], self.bar_bottom, 0], aligned_edge=DOWN)

    def make_scale(self) -> VGroup:
        """The bars' log scale: grid lines at the labelled decades, labels 10^k, a caption."""
        look, c = self.stage.look, self.lesson
        grid, labels = VGroup(), VGroup()
        for k in c.scale_grid:
            y = self.bar_bottom + (k - c.scale_low) / -c.scale_low * (BAR_TOP - self.bar_bottom)
            grid.add(Line([SCALE_X, y, 0], [ROW_RIGHT + 0.4, y, 0], color=look.MUTED,
                          stroke_width=1.5, stroke_opacity=0.45))
            if k in c.scale_labels:
                label = make_decade_label(k, SCALE_SIZE, look.MUTED)
                labels.add(label.next_to([SCALE_X, y, 0], LEFT, buff=0.1))
        axis = Line([SCALE_X, self.bar_bottom, 0], [SCALE_X, BAR_TOP, 0], color=look.MUTED, stroke_width=2)
        name = make_text(self.stage.tr("gradient (log scale)"), look, NUMBER_SIZE, look.MUTED).rotate(np.pi / 2)
        name.next_to(labels, LEFT, buff=0.12)
        grid.set_z_index(-1)
        return VGroup(VGroup(axis, grid), labels, name)

    def make_numbers(self) -> VGroup:
        """Each layer's gradient under its bar, layer 1 first.

        Values too wide for one row alternate between two rows, and the bars get shorter to make
        room: sets ``self.bar_bottom`` and ``self.number_y`` for the other builders.
        """
        look, c = self.stage.look, self.lesson
        numbers = VGroup(*[make_text(t, look, NUMBER_SIZE, look.GRADIENT) for t in c.gradient_labels])
        spacing = self.xs[1] - self.xs[0]
        stagger = max(n.width for n in numbers) > spacing - 0.2
        self.bar_bottom = BAR_BOTTOM + (STAGGER if stagger else 0.0)
        self.number_y = self.bar_bottom - NUMBER_GAP
        for i, number in enumerate(numbers):
            drop = STAGGER if stagger and i % 2 else 0.0
            number.move_to([self.xs[i + 1], self.number_y - drop, 0])
        return numbers
