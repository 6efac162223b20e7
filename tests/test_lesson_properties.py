"""Every lesson, under any parameters the validator accepts: it builds, and its numbers check out.

Parameter sets are drawn from the ranges declared in sigsat/lesson/params.py (the fields' lo/hi/choices
metadata), extremes and subnormal numbers included. The worked examples are read back from what
the screen and the voice say, parsed with Decimal and worked out here, independently of
sigsat.lesson.display.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from sigsat.lesson import params
from sigsat.lesson.lecture import SCENES
from sigsat.lesson.scenes import chain, derivative, measured, probe, relu, takeaways

#: The measured network's cost grows as depth x batch x width^2; 30 x 4096 x 256^2 takes seconds
#: per build. Sizes are drawn from the declared ranges within this budget (each extreme alone is
#: reachable; tests/test_lesson_measured.py builds the large corners).
NETWORK_BUDGET = 1e6
#: Sections whose keys change what a lesson shows (theme and narration change colours and pace).
LESSON_SECTIONS = ("saturation", "chain", "network", "tanh", "families", "init", "residual")


def _field_strategy(f: dataclasses.Field) -> st.SearchStrategy:
    meta, kind = f.metadata, type(f.default)
    if meta["choices"]:
        return st.sampled_from(meta["choices"])
    if kind is int:
        return st.integers(meta["lo"], meta["hi"])
    lo, hi = meta["lo"], meta["hi"]
    # Subnormal numbers wherever the range reaches them (hypothesis refuses the flag elsewhere).
    subnormal = lo < 2.2250738585072014e-308 and hi > -2.2250738585072014e-308
    return st.floats(lo, hi, exclude_min=meta["lo_open"], exclude_max=meta["hi_open"],
                     allow_nan=False, allow_subnormal=subnormal)


def _section(draw, name: str) -> dict:
    section = next(f for f in dataclasses.fields(params.Params) if f.name == name)
    return {f.name: draw(_field_strategy(f)) for f in dataclasses.fields(section.default_factory())}


@st.composite
def parameter_sets(draw) -> params.Params:
    """A Params drawn from the declared ranges, the network within NETWORK_BUDGET."""
    data = {name: _section(draw, name) for name in LESSON_SECTIONS}
    net = data["network"]
    fields = {f.name: f for f in dataclasses.fields(params.NetworkParams)}
    # Networks measured per build, in units of part one's three (measured: 2, relu: 1): part two
    # adds 4 of [network] depth (families, what_to_use), 8 of [init] depth (init 6, what_to_use 2)
    # and 4 of [residual] depth (residual 2, what_to_use 2), all of [network] width and batch.
    depth = (7 * net["depth"] + 8 * data["init"]["depth"] + 4 * data["residual"]["depth"]) / 3
    most = int(NETWORK_BUDGET // (depth * net["width"] ** 2))
    lo, hi = fields["batch"].metadata["lo"], fields["batch"].metadata["hi"]
    if most < lo:  # too deep and wide for any batch: a narrower layer
        net["width"] = max(fields["width"].metadata["lo"], int((NETWORK_BUDGET / depth) ** 0.5))
        most = int(NETWORK_BUDGET // (depth * net["width"] ** 2))
    net["batch"] = draw(st.integers(lo, max(lo, min(hi, most))))
    return params.from_mapping(data)


EXTREMES = [
    {"saturation": {"threshold": 0.5, "probe_z": -8.0}, "chain": {"per_layer_gradient": 1e-100, "layers": 12}},
    {"saturation": {"threshold": 8.0, "probe_z": 8.0}, "chain": {"per_layer_gradient": 1.0, "layers": 12,
                                                                 "learning_rate": 10.0}},
    {"saturation": {"probe_z": 5e-324}, "chain": {"per_layer_gradient": 5e-324, "learning_rate": 5e-324}},
    {"saturation": {"probe_z": -6.0, "threshold": 2.0}, "chain": {"per_layer_gradient": 0.125}},
    {"saturation": {"probe_z": 1.0}, "network": {"depth": 2, "width": 2, "seed": 5, "batch": 3}},
    {"saturation": {"probe_z": 4.0}, "network": {"depth": 30, "width": 2, "seed": 4294967295, "batch": 1}},
]


def with_extremes(test):
    for mapping in EXTREMES:
        test = example(params.from_mapping(mapping))(test)
    return test


def strings(value) -> list[str]:
    """Every string a lesson holds: what the screen shows and the voice says."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, (tuple, list)):
        return [s for v in value for s in strings(v)]
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in strings(getattr(value, f.name))]
    return []


def build_all(p: params.Params) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (0/0, overflow) fails the build
        return {spec.id: spec.lesson.build(p) for spec in SCENES}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@with_extremes
@given(parameter_sets())
def test_every_lesson_builds_under_any_allowed_parameters(p):
    built = build_all(p)
    for spec in SCENES:
        lesson = built[spec.id]
        assert list(lesson.lines) == list(spec.beats)
        for beat, line in lesson.lines.items():
            assert line.strip() and not re.search(r"[{}]", line), (spec.id, beat, line)
        for text in strings(lesson):
            assert not re.search(r"\b(nan|inf|infinity)\b", text, re.IGNORECASE), (spec.id, text)


def lesson_of(spec, p):
    """One lesson built with warnings as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return spec.lesson.build(p)


# ----- worked examples, read back from the strings ------------------------------------------

_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
NUMBER = r"\(?-?\d+(?:\.\d+)?(?:(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(?: \\times 10\^\{-?\d+\}))?\)?\\?%?"


def number(text: str) -> Decimal:
    """A shown number back as a Decimal that keeps its shown precision ("0.0180" has 3 figures;
    the zeros that end an integer, as in 520000, are placeholders)."""
    text = text.strip().strip("()").replace(r"\%", "").rstrip("%")
    if "×10" in text:
        mantissa, exponent = text.split("×10")
        return Decimal(mantissa).scaleb(int(exponent.translate(_SUPERSCRIPT)))
    if r"\times" in text:
        mantissa, exponent = re.fullmatch(r"(\S+) \\times 10\^\{(-?\d+)\}", text).groups()
        return Decimal(mantissa).scaleb(int(exponent))
    value = Decimal(text)
    return value.normalize() if "." not in text and value != 0 else value


def works_out(value: Decimal, shown: str) -> bool:
    """Whether ``value``, worked from shown operands, rounds to ``shown`` where ``shown`` stops."""
    target = number(shown)
    with localcontext() as ctx:
        ctx.prec, ctx.Emin, ctx.Emax = 100, -999999, 999999
        return +value.quantize(target, rounding=ROUND_HALF_UP) == target if value != 0 else target == 0


def find(pattern: str, text: str) -> tuple[str, ...]:
    found = re.search(pattern.replace("NUM", f"({NUMBER})"), text)
    assert found is not None, (pattern, text)
    return found.groups()


def check(value_of, operands: tuple[str, ...], result: str, where: str) -> None:
    with localcontext() as ctx:
        ctx.prec, ctx.Emin, ctx.Emax = 100, -999999, 999999
        value = value_of(*(number(o) for o in operands))
    assert works_out(value, result), f"{where}: {operands} -> {value} is not {result}"


def check_derivative(d) -> None:
    h, one, h2 = find(r"= NUM \\times \(NUM - NUM\)", d.algebra[2])
    h3, rest = find(r"= NUM \\times NUM$", d.algebra[3])
    (peak,) = find(r"= NUM$", d.algebra[4])
    check(lambda a, b: a - b, (one, h2), rest, "scene 2: 1 - sigma(0)")
    assert h == h2 == h3
    check(lambda a, b: a * b, (h, rest), peak, "scene 2 algebra")
    h, h2, rest, peak = find(r"outputs NUM, so the slope is NUM times NUM, which is NUM\.", d.lines["show_the_algebra"])
    check(lambda a, b: a * b, (h2, rest), peak, "scene 2 narration")
    slope, percent = find(r"fallen to NUM, NUM of the peak", d.lines["mark_the_threshold_slope"])
    check(lambda s, p: s / p * 100, (slope, peak), percent, "scene 2 threshold share")


def check_probe(pr) -> None:
    (e,) = find(r"= \\frac\{1\}\{1 \+ NUM\}$", pr.output_steps[1])
    (output,) = find(r"= NUM$", pr.output_steps[2])
    check(lambda x: 1 / (1 + x), (e,), output, "scene 3 output")
    output2, rest = find(r"= NUM \\times NUM$", pr.slope_steps[1])
    (slope,) = find(r"= NUM$", pr.slope_steps[2])
    assert output2 == output
    check(lambda a, b: a * b, (output, rest), slope, "scene 3 slope")
    assert len(number(slope).as_tuple().digits) >= 3 or number(slope) == Decimal("0.25")
    (peak,) = find(r"\{NUM\}$", pr.ratio_steps[1])
    (share,), (percent,) = find(r"= NUM$", pr.ratio_steps[2]), find(r"= NUM$", pr.ratio_steps[3])
    check(lambda s, p: s / p, (slope, peak), share, "scene 3 share")
    check(lambda s: s * 100, (share,), percent, "scene 3 percent")
    lines = pr.lines
    e, e2, output = find(r"is NUM, so sigma of \S+ is 1 over 1 plus NUM, which is NUM\.", lines["compute_the_output"])
    check(lambda x: 1 / (1 + x), (e2,), output, "scene 3 narrated output")
    output, rest, slope = find(r": NUM times NUM gives NUM\.", lines["compute_the_slope"])
    check(lambda a, b: a * b, (output, rest), slope, "scene 3 narrated slope")
    peak, share, percent = find(r"peak of NUM, that is a share of NUM: NUM of", lines["compare_to_the_peak"])
    check(lambda s, p: s / p, (slope, peak), share, "scene 3 narrated share")
    check(lambda s: s * 100, (share,), percent, "scene 3 narrated percent")


def check_chain(c) -> None:
    n = c.layers
    base, total = find(r"^NUM\^\{\d+\} = NUM$", c.total_tex)
    check(lambda b: b ** n, (base,), total, "scene 4 power")
    lr, total2, update = find(r"^\\Delta w = NUM \\times NUM = NUM$", c.update_tex)
    assert total2.strip("()") == total, "the update multiplies the total as shown"
    check(lambda a, b: a * b, (lr, total), update, "scene 4 update")
    for i, label in enumerate(c.gradient_labels):  # layer i + 1 has passed n - i factors
        check(lambda b, k=n - i: b ** k, (base,), label, f"scene 4 bar {i + 1}")
    base, total = find(r"is NUM to the power \d+: NUM\.", c.lines["compute_the_total"])
    check(lambda b: b ** n, (base,), total, "scene 4 narrated power")
    lr, total2, update = find(r"by NUM times NUM, or NUM:", c.lines["update_the_first_layer"])
    check(lambda a, b: a * b, (lr, total2), update, "scene 4 narrated update")
    line = c.lines["update_the_first_layer"]
    if "times more slowly" in line:
        (slower,) = find(r"learns NUM times more slowly", line)
        check(lambda t: 1 / t, (total,), slower, "scene 4 slowdown")
    if "of the gradient left" in line:
        (kept,) = find(r"with NUM of the gradient left", line)
        check(lambda t: t * 100, (total,), kept, "scene 4 share kept")


def check_measured(m) -> None:
    ratios = {}
    for beat, series in (("plot_sigmoid_gradients", m.sigmoid), ("plot_relu_gradients", m.relu)):
        line = m.lines[beat]
        if "falls from" in line or "grows from" in line:
            last, first = find(r"(?:falls|grows) from NUM to NUM", line)
            check(lambda f, l: f / l, (first, last), series.ratio_label, f"scene 5 {series.name} ratio")
        ratios[series.name] = series.ratio_label
    line = m.lines["compare_first_and_last"]
    if "times as much" in line:
        (advantage,) = find(r": NUM times as much", line)
        check(lambda s, r: r / s, (ratios["sigmoid"], ratios["ReLU"]), advantage, "scene 5 advantage")


def check_relu(r) -> None:
    one, ratio, peak = find(r"slope is NUM however large z gets, NUM times the sigmoid's best of NUM\.",
                            r.lines["mark_the_two_regions"])
    check(lambda a, b: a * b, (ratio, peak), one, "scene 6 ratio")
    dead, width, percent = find(r"NUM of the NUM units in the last hidden layer never fire on this batch "
                                r"of \d+: NUM dead", r.lines["count_the_dead"])
    check(lambda d, w: d / w * 100, (dead, width), percent, "scene 6 dead share")


def check_takeaways(t) -> None:
    h, rest, peak = find(r"= NUM × NUM = NUM$", t.details["peak_is_a_quarter"])
    check(lambda a, b: a * b, (h, rest), peak, "scene 7 peak")
    detail = t.details["gradients_vanish"]
    base, sup, total = re.fullmatch(rf"({NUMBER})([⁰¹²³⁴⁵⁶⁷⁸⁹]+) = ({NUMBER}) reaches the first layer",
                                    detail).groups()
    n = int(sup.translate(_SUPERSCRIPT))
    assert "×" not in base or base.startswith("("), f"a power of ten before an exponent: {detail}"
    check(lambda b: b ** n, (base,), total, "scene 7 power")
    base, total = find(r"NUM to the power \d+ is NUM;", t.lines["gradients_vanish"])
    check(lambda b: b ** n, (base,), total, "scene 7 narrated power")


CHECKS = {"derivative": check_derivative, "probe": check_probe, "chain": check_chain,
          "measured": check_measured, "relu": check_relu, "takeaways": check_takeaways}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@with_extremes
@given(parameter_sets())
def test_every_worked_example_works_out_from_the_numbers_shown(p):
    for scene, check_scene in CHECKS.items():
        check_scene(lesson_of(next(s for s in SCENES if s.id == scene), p))


@pytest.mark.parametrize("scene", list(CHECKS))
def test_the_checks_catch_a_worked_example_that_does_not_work_out(scene):
    """The reader above is not blind: under the lesson's parameters, a result off by one in its
    last digit fails its check."""
    p = params.Params()
    lesson = lesson_of(next(s for s in SCENES if s.id == scene), p)
    broken = {
        "derivative": lambda d: dataclasses.replace(d, algebra=d.algebra[:4] + ("= 0.26",)),
        "probe": lambda x: dataclasses.replace(x, slope_steps=x.slope_steps[:2] + ("= 0.00666",)),
        "chain": lambda c: dataclasses.replace(c, total_tex="0.2^{5} = 0.00033"),
        "measured": lambda m: dataclasses.replace(m, lines={**m.lines, "compare_first_and_last":
                                                           m.lines["compare_first_and_last"].replace("520000", "510000")}),
        "relu": lambda r: dataclasses.replace(r, lines={**r.lines, "count_the_dead":
                                                        r.lines["count_the_dead"].replace("28% dead", "29% dead")}),
        "takeaways": lambda t: dataclasses.replace(t, details={**t.details, "peak_is_a_quarter": "σ′(0) = 0.5 × 0.5 = 0.26"}),
    }[scene](lesson)
    with pytest.raises(AssertionError):
        CHECKS[scene](broken)
    CHECKS[scene](lesson)


def test_the_reader_reads_shown_numbers_at_their_precision():
    assert number("0.0180").as_tuple().exponent == -4 and number("520000") == Decimal("5.2E+5")
    assert number("7.6×10⁻⁷") == Decimal("7.6E-7") and number(r"42\%") == 42
    assert number(r"(1 \times 10^{-100})") == Decimal("1E-100")
    assert works_out(Decimal("0.017676"), "0.0177") and not works_out(Decimal("0.017676"), "0.0176")
    assert works_out(Decimal("0.19667"), "0.197") and not works_out(Decimal("0.10"), "0.105")
    assert not works_out(Decimal("0.4"), "42") and works_out(Decimal("511111"), "510000")
    assert np.isclose(float(number("2.44×10⁻³⁸")), 2.44e-38)
