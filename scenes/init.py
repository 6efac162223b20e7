"""Part two, scene 3: N(0, 1), Xavier and He initialisation measured layer by layer, sigmoid then
ReLU: the activations' spread and the gradient norm on two log plots."""

from __future__ import annotations

from manim import LEFT, RIGHT, Create, FadeIn, VGroup
from manim_voiceover import VoiceoverScene

from sigsat.lesson.scenes import init as lesson_init

from scenes.common import LAYOUT, beat, make_log_axes, make_log_series, make_text, make_title, start

PLOT_LENGTHS = (5.6, 3.9)                      # each plot's (x, y) length
PLOT_CENTRES = ((-3.2, 0.05), (3.6, 0.05))     # spread left, gradient right
LEGEND_Y = 2.75
PANEL_SIZE = 22
TICK_SIZE = 22
DOT_RADIUS = 0.05
FADED = 0.3                                    # opacity of the sigmoid's series once ReLU's are drawn


class InitialisationKeepsTheSignal(VoiceoverScene):
    """Three initialisations measured: only the right scale keeps the signal and the gradient."""

    def construct(self) -> None:
        self.stage = start(self, lesson_init)
        self.lesson = self.stage.lesson
        self.describe_the_experiment()
        self.measure_the_sigmoid()
        self.measure_relu()
        self.explain_the_factor_two()

    def colours(self) -> dict:
        look = self.stage.look
        return {"normal": look.SATURATED, "xavier": look.ACTIVATION, "he": look.RELU}

    def make_plot(self, decades, centre, name: str):
        d = self.lesson
        low, high, step = decades
        labels = tuple(range(low, high + 1, step))
        return make_log_axes(self.stage.look, (0, d.depth, d.x_step), (low, high, step), labels,
                             PLOT_LENGTHS, centre, (d.screen["layer"], name), PANEL_SIZE, TICK_SIZE)

    def make_series(self, axes, logs, low: int, colour) -> VGroup:
        return make_log_series(axes, logs, low, colour, self.stage.look.DEAD, DOT_RADIUS)

    def show_activation(self, activation: str) -> VGroup:
        """Plot ``activation``'s three measurements on both plots; returns what was drawn."""
        d, drawn = self.lesson, VGroup()
        for init in lesson_init.INITS:
            m = d.measurements[(activation, init)]
            colour = self.colours()[init]
            drawn.add(self.make_series(self.spread_axes, m.spread, d.spread_axis[0], colour),
                      self.make_series(self.gradient_axes, m.gradient, d.gradient_axis[0], colour))
        self.play(*[Create(s) for s in drawn], run_time=LAYOUT.draw)
        return drawn

    @beat
    def describe_the_experiment(self) -> None:
        look, d = self.stage.look, self.lesson
        self.spread_axes, spread = self.make_plot(d.spread_axis, PLOT_CENTRES[0], d.screen["spread"])
        self.gradient_axes, gradient = self.make_plot(d.gradient_axis, PLOT_CENTRES[1], d.screen["gradient"])
        legend = VGroup(*[make_text(d.names[i], look, PANEL_SIZE + 4, self.colours()[i])
                          for i in lesson_init.INITS]).arrange(RIGHT, buff=0.8).move_to([0, LEGEND_Y, 0])
        self.play(FadeIn(make_title(self.stage.title, look)), Create(spread), Create(gradient), run_time=LAYOUT.draw)
        self.play(FadeIn(legend), run_time=LAYOUT.fade)

    @beat
    def measure_the_sigmoid(self) -> None:
        look = self.stage.look
        self.sigmoid = self.show_activation("sigmoid")
        self.tag = make_text(self.lesson.screen["sigmoid"], look, PANEL_SIZE + 4, look.TEXT)
        self.tag.move_to([0, LEGEND_Y, 0]).align_to(self.spread_axes, LEFT)  # beside the legend
        self.play(FadeIn(self.tag), run_time=LAYOUT.fade)

    @beat
    def measure_relu(self) -> None:
        look = self.stage.look
        tag = make_text(self.lesson.screen["relu"], look, PANEL_SIZE + 4, look.TEXT).move_to(self.tag, aligned_edge=LEFT)
        self.play(self.sigmoid.animate.set_opacity(FADED), FadeIn(tag), self.tag.animate.set_opacity(0),
                  run_time=LAYOUT.fade)
        self.relu = self.show_activation("relu")

    @beat
    def explain_the_factor_two(self) -> None:
        d = self.lesson
        he = d.measurements[("relu", "he")]
        marks = VGroup(self.make_series(self.spread_axes, he.spread, d.spread_axis[0], self.stage.look.HIGHLIGHT))
        self.play(FadeIn(marks), run_time=LAYOUT.fade * 2)
