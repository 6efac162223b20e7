"""Part two, scene 4: a deep sigmoid network's gradient norms per layer, plain and with a skip
connection around every layer, and the Jacobian the identity path adds to."""

from __future__ import annotations

from manim import DOWN, LEFT, Create, FadeIn, MathTex, VGroup, Write
from manim_voiceover import VoiceoverScene

from sigsat.lesson.scenes import residual as lesson_residual

from scenes.common import LAYOUT, beat, fit_right_of, make_log_axes, make_log_series, make_text, make_title, start

PLOT_LENGTHS = (7.2, 4.2)
PLOT_CENTRE = (-2.3, 0.0)
COLUMN_LEFT = 2.3            # left edge of the legend and the Jacobian right of the plot
LEGEND_Y = 1.9
JACOBIAN_Y = -0.6
PANEL_SIZE = 24
TICK_SIZE = 24
JACOBIAN_SIZE = 30


class SkipConnectionsCarryTheGradient(VoiceoverScene):
    """With h' = h + f(h), each layer's Jacobian is I plus its own: the gradient keeps a path."""

    def construct(self) -> None:
        self.stage = start(self, lesson_residual)
        self.lesson = self.stage.lesson
        self.describe_the_experiment()
        self.plot_without_skips()
        self.plot_with_skips()
        self.add_one_to_the_jacobian()

    def colours(self) -> tuple:
        return self.stage.look.ACTIVATION, self.stage.look.INPUT

    @beat
    def describe_the_experiment(self) -> None:
        look, d = self.stage.look, self.lesson
        low, high, step = d.axis
        self.axes, frame = make_log_axes(look, (0, d.depth, d.x_step), (low, high, step),
                                         tuple(range(low, high + 1, step)), PLOT_LENGTHS, PLOT_CENTRE,
                                         (d.screen["layer"], d.screen["gradient"]), PANEL_SIZE, TICK_SIZE)
        self.legend = VGroup(*[make_text(d.screen[k], look, PANEL_SIZE + 2, c)
                               for k, c in zip(("plain", "skip"), self.colours())])
        self.legend.arrange(DOWN, aligned_edge=LEFT, buff=0.25).move_to([0, LEGEND_Y, 0])
        fit_right_of(self.legend, COLUMN_LEFT)  # "ohne Sprungverbindungen" is wider than "plain"
        self.play(FadeIn(make_title(self.stage.title, look)), Create(frame), run_time=LAYOUT.draw)

    @beat
    def plot_without_skips(self) -> None:
        d = self.lesson
        series = make_log_series(self.axes, d.plain, d.axis[0], self.colours()[0], self.stage.look.DEAD)
        self.play(FadeIn(self.legend[0]), Create(series), run_time=LAYOUT.draw)

    @beat
    def plot_with_skips(self) -> None:
        d = self.lesson
        series = make_log_series(self.axes, d.skip, d.axis[0], self.colours()[1], self.stage.look.DEAD)
        self.play(FadeIn(self.legend[1]), Create(series), run_time=LAYOUT.draw)

    @beat
    def add_one_to_the_jacobian(self) -> None:
        look, d = self.stage.look, self.lesson
        jacobian = MathTex(*d.jacobian, font_size=JACOBIAN_SIZE, color=look.TEXT)
        jacobian[1].set_color(look.INPUT)  # the identity: the skip's own path
        jacobian.move_to([0, JACOBIAN_Y, 0]).align_to([COLUMN_LEFT, 0, 0], LEFT)
        if jacobian.get_right()[0] > 6.9:  # keep inside the frame whatever TeX makes of it
            jacobian.scale_to_fit_width(6.9 - COLUMN_LEFT).align_to([COLUMN_LEFT, 0, 0], LEFT)
        self.play(Write(jacobian), run_time=LAYOUT.draw)
