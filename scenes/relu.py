"""Scene 6: ReLU keeps the gradient: slope 1 on the right, a dead plateau on the left, units that die."""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    Rectangle,
    ValueTracker,
    VGroup,
    Write,
    config,
    linear,
)

from manim_voiceover import VoiceoverScene

from sigsat.core.activations import relu, relu_prime
from sigsat.lesson.scenes import relu as relu_lesson

from sigsat.lesson.display import as_tex

from scenes.common import (LAYOUT, Look, PushStyle, beat, fit_column, make_ball_push, make_axes, make_text, make_title,
                           moves_label, start)

AXES_X = -2.55           # centre of the two stacked plots
AXES_WIDTH = 7.6
RELU_HEIGHT = 2.2
RELU_BOTTOM = 0.6        # y of the upper plot's z axis
SLOPE_HEIGHT = 1.4
SLOPE_BOTTOM = -2.05     # y of the lower plot's z axis
COLUMN_X = 4.45          # centre of the column right of the plots
COLUMN_WIDTH = 4.7
BALL_PUSH = PushStyle(arrow=0.7, label_size=24, label_buff=0.3)
DOT_RADIUS = 0.075
NEURON_RADIUS = 0.5
NEURON_Y = 1.75
GRID_TOP = -0.55         # top of the last hidden layer's grid of units
GRID_HEIGHT = 1.25
GRID_COLUMNS = 16
GRID_PITCH = 0.28
SHADE_OPACITY = 0.2
FRAME_MARGIN = 0.1       # text keeps at least this far from the frame's edge
DROP_ARROW = 1.6       # length of the arrow beside 'bias - shift'
FORMULA_SIZE = 40
NOTE_SIZE = 24           # the words beside the plots and the units
SLOPE_WORD_SIZE = 26     # "slope 1" on the upper plot
SLOPE_WORD_AT = 0.6      # ... by the point (a, a) of ReLU with a = this share of the z extent
DROP_AT = (-0.5, 0.6)    # 'bias - shift' on the lower plot: (share of the z extent, ReLU' value)
SLOPE_STROKE = 8         # the highlighted slope, thicker than the curve under it
DEAD_OPACITY = 0.35      # fill of a dead unit (the killed one, the grid's dead ones)
DEAD_WIRES_OPACITY = 0.3
TEXT_GAP = 0.2           # between a heading or a summary and the grid, and between stacked notes


def make_step(axes, look: Look) -> VGroup:
    """ReLU'(z) drawn as a step: two flat segments, open at (0, 1), closed at (0, 0)."""
    e = axes.x_range[1]
    right = Line(axes.c2p(0, 1), axes.c2p(e, 1), color=look.GRADIENT, stroke_width=LAYOUT.curve_stroke)
    left = Line(axes.c2p(-e, 0), axes.c2p(0, 0), color=look.DEAD, stroke_width=LAYOUT.curve_stroke)
    hole = Circle(radius=DOT_RADIUS * 1.2, color=look.GRADIENT, stroke_width=3,
                  fill_color=look.BACKGROUND, fill_opacity=1).move_to(axes.c2p(0, 1))
    closed = Dot(axes.c2p(0, 0), radius=DOT_RADIUS * 1.2, color=look.DEAD)
    return VGroup(left, right, closed, hole).set_z_index(1)


def make_dead_shade(axes, look: Look) -> Rectangle:
    """The region z <= 0 of a plot, shaded as dead."""
    (x0, y0, _), (x1, y1, _) = axes.c2p(axes.x_range[0], axes.y_range[0]), axes.c2p(0, axes.y_range[1])
    shade = Rectangle(width=x1 - x0, height=y1 - y0, stroke_width=0,
                      fill_color=look.DEAD, fill_opacity=SHADE_OPACITY)
    return shade.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0]).set_z_index(-1)


def make_neuron(look: Look, inputs: int) -> VGroup:
    """A unit: ``inputs`` lines converging on a filled circle, and an output arrow."""
    body = Circle(radius=NEURON_RADIUS, color=look.RELU, fill_opacity=0.85, stroke_width=3)
    body.move_to([COLUMN_X, NEURON_Y, 0])
    wires = VGroup(*[
        Line(body.get_center() + [-1.7, 0.9 * (2 * k / max(inputs - 1, 1) - 1), 0],
             body.get_left(), color=look.MUTED, stroke_width=2)
        for k in range(inputs)
    ])
    out = Arrow(body.get_right(), body.get_right() + RIGHT * 1.2, buff=0.05, color=look.RELU,
                stroke_width=4, max_tip_length_to_length_ratio=0.25)
    return VGroup(wires, body, out)


def make_layer_grid(look: Look, width: int, dead: np.ndarray) -> VGroup:
    """The last hidden layer as a grid of ``width`` units, the dead ones grey."""
    columns = min(width, GRID_COLUMNS)
    rows = math.ceil(width / columns)
    pitch = min(GRID_PITCH, GRID_HEIGHT / rows, COLUMN_WIDTH / columns)
    units = VGroup()
    for k in range(width):
        colour = look.DEAD if dead[k] else look.RELU
        unit = Circle(radius=0.36 * pitch, color=colour, fill_opacity=DEAD_OPACITY if dead[k] else 0.9,
                      stroke_width=2)
        units.add(unit.move_to([(k % columns) * pitch, -(k // columns) * pitch, 0]))
    return units.move_to([COLUMN_X, GRID_TOP - rows * pitch / 2, 0])


def make_input_dots(look: Look, axes, preactivations: np.ndarray, bias: ValueTracker) -> VGroup:
    """A unit's inputs as dots on the ReLU' plot at (z, ReLU'(z)), z = pre-activation - bias drop.

    ``result.place`` moves them to the tracker's current drop: add it as an updater while it moves.
    """
    dots = VGroup(*[Dot(radius=DOT_RADIUS, color=look.INPUT, stroke_width=2,
                        stroke_color=look.BACKGROUND).set_z_index(3) for _ in preactivations])

    def place(group: VGroup) -> None:
        for dot, z0 in zip(group, preactivations):
            z = z0 - bias.get_value()
            dot.move_to(axes.c2p(z, relu_prime(z)))

    place(dots)
    dots.place = place
    return dots


def make_bias_drop(look: Look, at: np.ndarray, text: str) -> VGroup:
    """``text`` ('bias - shift') centred at ``at``, with an arrow pointing left into it."""
    label = make_text(text, look, NOTE_SIZE).move_to(at)
    arrow = Arrow(label.get_right() + RIGHT * DROP_ARROW, label.get_right() + RIGHT * 0.1, buff=0,
                  color=look.TEXT, stroke_width=4, max_tip_length_to_length_ratio=0.2)
    return VGroup(label, arrow)


class ReluKeepsTheGradient(VoiceoverScene):
    """ReLU's slope is 1 for every positive input and 0 otherwise; a unit left of 0 everywhere dies."""

    def construct(self) -> None:
        self.stage = start(self, relu_lesson)
        self.lesson = self.stage.lesson
        self.draw_relu_and_slope()
        self.mark_the_two_regions()
        self.push_the_ball()
        self.kill_a_unit()
        self.count_the_dead()

    @beat
    def draw_relu_and_slope(self) -> None:
        look, r = self.stage.look, self.lesson
        e, step = r.z_extent, r.z_step
        top = make_axes(look, (-e, e, step), (0, e, step), AXES_WIDTH, RELU_HEIGHT)
        bottom = make_axes(look, (-e, e, step), (0, 1, 1), AXES_WIDTH, SLOPE_HEIGHT)
        for frame, base in ((top, RELU_BOTTOM), (bottom, SLOPE_BOTTOM)):
            frame.shift([AXES_X, base, 0] - frame[0].c2p(0, 0))
        self.top, self.bottom = top[0], bottom[0]
        self.relu_curve = self.top.plot(relu, x_range=[-e, e], discontinuities=[0],
                                        color=look.RELU, stroke_width=LAYOUT.curve_stroke).set_z_index(1)
        self.step = make_step(self.bottom, look)
        self.relu_formula = MathTex(r"\mathrm{ReLU}(z) = \max(0, z)", font_size=FORMULA_SIZE,
                                    color=look.RELU).move_to([COLUMN_X, RELU_BOTTOM + RELU_HEIGHT / 2, 0])
        self.step_formula = MathTex(
            rf"\mathrm{{ReLU}}'(z) = \begin{{cases}} {as_tex(r.shown['one'])} & z > 0 \\ "
            rf"{as_tex(r.shown['zero'])} & z \leq 0 \end{{cases}}",
            font_size=FORMULA_SIZE, color=look.GRADIENT,
        ).move_to([COLUMN_X, SLOPE_BOTTOM + SLOPE_HEIGHT / 2, 0])
        title = make_title(self.stage.title, look)
        self.play(FadeIn(title), Create(top), Create(bottom), run_time=LAYOUT.draw)
        self.play(Create(self.relu_curve), Write(self.relu_formula), run_time=LAYOUT.draw)
        self.play(Create(self.step), Write(self.step_formula), run_time=LAYOUT.draw)

    @beat
    def mark_the_two_regions(self) -> None:
        look, r, top, tr = self.stage.look, self.lesson, self.top, self.stage.tr
        e = r.z_extent
        shades = VGroup(make_dead_shade(top, look), make_dead_shade(self.bottom, look))
        dead_word = make_text(tr("dead: slope {zero}").format(zero=r.shown["zero"]), look, NOTE_SIZE, look.DEAD)
        dead_word.move_to(top.c2p(-e / 2, 0)).shift(UP * RELU_HEIGHT / 2)
        slope = Line(top.c2p(0, 0), top.c2p(e, e), color=look.GRADIENT, stroke_width=SLOPE_STROKE)
        slope.set_z_index(2)
        slope_word = make_text(tr("slope {one}").format(one=r.shown["one"]), look, SLOPE_WORD_SIZE, look.GRADIENT)
        slope_word.next_to(top.c2p(SLOPE_WORD_AT * e, SLOPE_WORD_AT * e), UP + LEFT, buff=0.15)
        one, ratio, peak = (as_tex(r.shown[k]) for k in ("one", "ratio", "peak"))
        compare = MathTex(rf"{one} = {ratio} \times {peak}",
                          font_size=FORMULA_SIZE, color=look.GRADIENT)
        caption = make_text(tr("the sigmoid's best: {peak}").format(peak=r.shown["peak"]), look, NOTE_SIZE, look.MUTED)
        compare_group = VGroup(compare, caption).arrange(DOWN, buff=0.15)
        compare_group.next_to(self.relu_formula, DOWN, buff=0.4)
        fit_column(compare_group, compare_group.get_center()[0], FRAME_MARGIN)
        self.play(FadeIn(shades), FadeIn(dead_word), run_time=LAYOUT.fade * 2)
        self.play(Create(slope), FadeIn(slope_word), FadeIn(compare_group), run_time=LAYOUT.draw)
        self.play(FadeOut(slope), run_time=LAYOUT.fade)
        self.regions = VGroup(dead_word, slope_word, compare_group)

    @beat
    def push_the_ball(self) -> None:
        look, r, top = self.stage.look, self.lesson, self.top
        self.play(FadeOut(self.regions[1:]), run_time=LAYOUT.fade)
        groups, moves = VGroup(), []
        for z0, share in ((r.ball_right_z, r.ball_right_share), (r.ball_left_z, r.ball_left_share)):
            z1 = z0 + r.push * share
            text = moves_label(self.stage.tr, r.shown['right_percent' if z0 > 0 else 'left_percent'])
            group, move = make_ball_push(top, relu, z0, z1, text, look, label_below=share > 0,
                                         style=BALL_PUSH)
            groups.add(group)
            moves.append(move)
        self.play(FadeOut(self.regions[0]), FadeIn(groups), run_time=LAYOUT.fade)
        self.play(*moves, run_time=LAYOUT.move)
        self.balls = groups

    @beat
    def kill_a_unit(self) -> None:
        look, r, bottom, tr = self.stage.look, self.lesson, self.bottom, self.stage.tr
        neuron = make_neuron(look, len(r.preactivations))
        before = make_text(tr("fires on {firing} of {inputs} inputs").format(**r.shown), look, NOTE_SIZE)
        after = make_text(tr("fires on {firing} of {inputs}: dead").format(firing=r.firing_after, inputs=r.shown["inputs"]),
                          look, NOTE_SIZE, look.DEAD)
        for text in (before, after):
            text.next_to(neuron[1], DOWN, buff=0.3)
            fit_column(text, text.get_center()[0], FRAME_MARGIN)
        bias = ValueTracker(0.0)
        dots = make_input_dots(look, bottom, r.preactivations, bias)
        drop = make_bias_drop(look, bottom.c2p(DROP_AT[0] * r.z_extent, DROP_AT[1]), tr("bias − {shift}").format(shift=r.shown["shift"]))
        self.play(FadeOut(self.balls), FadeOut(self.relu_formula), run_time=LAYOUT.fade)
        self.play(FadeIn(neuron), FadeIn(before), FadeIn(dots), run_time=LAYOUT.fade * 2)
        dots.add_updater(dots.place)
        self.play(FadeIn(drop), run_time=LAYOUT.fade)
        self.play(bias.animate.set_value(r.shift), run_time=LAYOUT.move, rate_func=linear)
        dots.remove_updater(dots.place)
        self.play(neuron[1].animate.set_fill(look.DEAD, opacity=DEAD_OPACITY).set_stroke(look.DEAD),
                  neuron[2].animate.set_color(look.DEAD), neuron[0].animate.set_opacity(DEAD_WIRES_OPACITY),
                  FadeOut(before), FadeIn(after), run_time=LAYOUT.fade * 2)

    @beat
    def count_the_dead(self) -> None:
        look, r, tr = self.stage.look, self.lesson, self.stage.tr
        grid = make_layer_grid(look, r.width, r.dead_units)
        header = make_text(tr("last hidden layer: {width} units").format(width=r.shown["width"]), look, NOTE_SIZE)
        header.next_to(grid, UP, buff=TEXT_GAP)
        fit_column(header, header.get_center()[0], FRAME_MARGIN)
        summary = VGroup(
            make_text(tr("{deepest_dead} dead: {deepest_percent}").format(**r.shown), look, NOTE_SIZE, look.DEAD),
            make_text(tr("all layers: {all_layers}").format(**r.shown), look, NOTE_SIZE, look.MUTED),
        ).arrange(RIGHT, buff=0.45).next_to(grid, DOWN, buff=TEXT_GAP)
        edge = config.frame_width / 2 - FRAME_MARGIN
        if summary.get_right()[0] > edge:  # "... get no gradient" takes a row of its own
            summary.arrange(DOWN, buff=0.15).next_to(grid, DOWN, buff=TEXT_GAP)
            summary.shift(LEFT * max(0.0, summary.get_right()[0] - edge))
            fit_column(summary, summary.get_center()[0], FRAME_MARGIN)
        self.play(FadeOut(self.step_formula), run_time=LAYOUT.fade)
        self.play(FadeIn(header), FadeIn(grid, lag_ratio=0.02), run_time=LAYOUT.draw)
        self.play(FadeIn(summary), run_time=LAYOUT.fade * 2)
