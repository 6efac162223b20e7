"""Scene 7's lesson module: the takeaways' numbers against independently computed ones."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal

import pytest
from scipy.special import expit

from sigsat.lesson import params
from sigsat.core.activations import leaky_relu
from sigsat.lesson.scenes import chain as chain_lesson, takeaways as lesson
from tests.conftest import PARAM_SETS, load_param_set as load

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
    bound = t.shown["tail_slope"]
    # A bound: true (sigma' beyond the threshold stays below sigma'(threshold) <= bound) and tight
    # (two figures, less than one unit of its last figure above the slope).
    assert slope <= float(bound) < slope + float(Decimal(1).scaleb(Decimal(bound).as_tuple().exponent))
    assert len(Decimal(bound).as_tuple().digits) == 2
    assert t.details["sigmoid_saturates"] == f"beyond |z| = {th:g} the slope is below {bound}"
    assert f"Beyond |z| = {th:g} its slope is below {bound}," in t.lines["sigmoid_saturates"]


def test_the_slope_bound_is_true_at_threshold_2():
    # sigma'(2) = 0.104994: "below 0.1" was false.
    t = lesson.build(params.from_mapping({"saturation": {"threshold": 2.0}}))
    assert t.details["sigmoid_saturates"] == "beyond |z| = 2 the slope is below 0.11"


def test_peak_takeaway():
    t = lesson.build(params.Params())
    half = expit(0.0)
    assert t.details["peak_is_a_quarter"] == f"σ′(0) = {half:g} × {half:g} = {half * (1 - half):g}"
    assert t.lines["peak_is_a_quarter"].endswith("only 0.5 times 0.5, which is 0.25.")


def test_vanishing_takeaway_is_practice_problem_two(case):
    p, t = case
    c = p.chain
    total = Decimal(repr(c.per_layer_gradient)) ** c.layers
    sup = str(c.layers).translate(SUPERSCRIPT)
    g = f"{c.per_layer_gradient:g}"
    # The same numbers as scene 4 shows, and they are the exact ones rounded.
    scene4 = chain_lesson.build(p).lines["compute_the_total"]
    said_total = re.search(r": (\S+)\.$", scene4).group(1)
    assert total.quantize(Decimal(said_total), rounding="ROUND_HALF_UP") == Decimal(said_total)
    update = re.search(r"or (\S+):", chain_lesson.build(p).lines["update_the_first_layer"]).group(1)
    assert t.details["gradients_vanish"] == f"{g}{sup} = {said_total} reaches the first layer"
    assert (f"{g} to the power {c.layers} is {said_total}; with learning rate "
            f"{c.learning_rate:g}, the first layer's weights move by {update}."
            ) in t.lines["gradients_vanish"]


def test_a_parameter_reads_as_written_in_every_scene():
    # per_layer_gradient = 0.125 read "0.125^3" in the chain scene and "0.13^3" here.
    p = params.from_mapping({"chain": {"per_layer_gradient": 0.125, "layers": 3}})
    assert t_detail(p).startswith("0.125³ = ")
    assert chain_lesson.build(p).total_tex.startswith("0.125^{3} = ")
    assert chain_lesson.build(p).factor_label == "×0.125"


def test_a_power_of_ten_is_bracketed_before_its_exponent():
    # "1×10⁻¹⁰⁰⁵" reads as one power of ten, 10^-1005.
    p = params.from_mapping({"chain": {"per_layer_gradient": 1e-100, "layers": 5}})
    assert t_detail(p) == "(1×10⁻¹⁰⁰)⁵ = 1×10⁻⁵⁰⁰ reaches the first layer"
    assert chain_lesson.build(p).total_tex == r"(1 \times 10^{-100})^{5} = 1 \times 10^{-500}"


def t_detail(p: params.Params) -> str:
    return lesson.build(p).details["gradients_vanish"]


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
