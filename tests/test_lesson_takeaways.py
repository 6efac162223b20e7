"""Scene 7's lesson module: the takeaways' numbers against independently computed ones."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest
from scipy.special import expit

from sigsat import params
from sigsat.activations import leaky_relu
from sigsat.lessons import takeaways as lesson
from tests.conftest import PARAM_SETS

CAPTION_CHARS, CAPTION_LINES = 80, 2
#: The lesson's key takeaways, word for word (with its own 0.25 and 1).
LESSON_TAKEAWAYS = [
    "Sigmoid saturates at extreme values (gradient near 0)",
    "Maximum sigmoid gradient is only 0.25",
    "Vanishing gradients prevent learning in deep networks",
    "ReLU has constant gradient = 1 for positive inputs",
    "Modern networks use ReLU (or variants) for hidden layers",
]
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def shown(x: float) -> str:
    """x to 2 significant figures as the house style writes it: a plain decimal, or m×10ᵉ below 1e-6."""
    mantissa, exponent = f"{x:.1e}".split("e")
    if abs(x) < 1e-6:
        return f"{mantissa.rstrip('0').rstrip('.')}×10{str(int(exponent)).translate(SUPERSCRIPT)}"
    text = format(Decimal(f"{x:.2g}"), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def load(name: str) -> params.Params:
    path = PARAM_SETS[name]
    return params.load(path) if path is not None else params.Params()


@pytest.fixture(params=list(PARAM_SETS))
def case(request):
    p = load(request.param)
    return p, lesson.build(p)


def test_bullets_are_the_lessons_takeaways_in_order(case):
    _, t = case
    assert list(t.bullets.values()) == LESSON_TAKEAWAYS
    assert list(t.bullets) == list(t.details) == list(t.lines) == list(lesson.LINES)


def test_saturation_takeaway(case):
    p, t = case
    th = p.saturation.threshold
    slope = expit(th) * expit(-th)
    assert t.details["sigmoid_saturates"] == f"beyond |z| = {th:g} the slope is below {shown(slope)}"
    assert f"Beyond |z| = {th:g} its slope is below {shown(slope)}," in t.lines["sigmoid_saturates"]


def test_peak_takeaway():
    t = lesson.build(params.Params())
    half = expit(0.0)
    assert t.details["peak_is_a_quarter"] == f"σ′(0) = {half:g} × {half:g} = {half * (1 - half):g}"
    assert t.lines["peak_is_a_quarter"].endswith("only 0.5 times 0.5, which is 0.25.")


def test_vanishing_takeaway_is_practice_problem_two(case):
    p, t = case
    c = p.chain
    total = c.per_layer_gradient ** c.layers
    update = c.learning_rate * total
    sup = str(c.layers).translate(SUPERSCRIPT)
    g = f"{c.per_layer_gradient:g}"
    assert t.details["gradients_vanish"] == f"{g}{sup} = {shown(total)} reaches the first layer"
    assert (f"{g} to the power {c.layers} is {shown(total)}; with learning rate "
            f"{c.learning_rate:g}, the first layer's weights move by {shown(update)}."
            ) in t.lines["gradients_vanish"]


def test_default_vanishing_numbers_are_the_lessons():
    t = lesson.build(params.Params())
    assert "0.2 to the power 5 is 0.00032" in t.lines["gradients_vanish"]
    assert t.lines["gradients_vanish"].endswith("move by 0.000032.")


def test_relu_takeaways(case):
    p, t = case
    sup = str(p.chain.layers).translate(SUPERSCRIPT)
    assert t.details["relu_keeps_one"] == f"1{sup} = 1: nothing shrinks on the way back"
    h = 1e-6  # the leaky side's slope, by central differences
    a = lesson.LEAKY_ALPHA
    alpha = (leaky_relu(-1 + h, alpha=a) - leaky_relu(-1 - h, alpha=a)) / (2 * h)
    assert f"with a slope of {shown(alpha)} below zero" in t.lines["use_relu"]
    assert t.details["use_relu"] == f"leaky ReLU keeps a slope of {shown(alpha)} for z ≤ 0"


def test_narration_fits_the_caption_and_reads_aloud(case):
    _, t = case
    for line in t.lines.values():
        assert len(textwrap.wrap(line, CAPTION_CHARS)) <= CAPTION_LINES, line
        assert not set(line) & set("<>{}"), f"symbols a voice cannot read: {line}"


def test_superscript():
    assert lesson.superscript(5) == "⁵" and lesson.superscript(12) == "¹²"


def test_oracle_formatting():
    values = [shown(0.00032), shown(0.045176), shown(7.63e-7), shown(0.28)]
    assert values == ["0.00032", "0.045", "7.6×10⁻⁷", "0.28"]
