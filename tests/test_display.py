"""Display formatting: significant figures, no trailing zeros, powers of ten below 1e-6."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from sigsat.lesson.display import fmt, fmt_percent, fmt_tex


@pytest.mark.parametrize("x, sig, shown", [
    (0.006648, 2, "0.0066"), (0.00032, 2, "0.00032"), (0.000032, 2, "0.000032"),
    (0.25, 2, "0.25"), (0.2, 2, "0.2"), (0.9933071, 4, "0.9933"), (5.0, 3, "5"),
    (-7.5, 3, "-7.5"), (0.04517, 2, "0.045"), (1.526e-5, 2, "0.000015"), (7.63e-7, 2, "7.6×10⁻⁷"),
    (9.96e-8, 2, "1.0×10⁻⁷"), (0.104994, 2, "0.10"), (0.98201, 4, "0.9820"), (0.2 ** 2, 2, "0.04"), (0.5, 4, "0.5"), (0.0996, 2, "0.10"), (0.0625, 2, "0.063"), (0.125, 2, "0.13"), (2.5, 1, "3"), (-0.0625, 2, "-0.063"),
    (518000.0, 2, "520000"), (2.29e46, 2, "2.3×10⁴⁶"), (5e-324, 3, "5×10⁻³²⁴"),
])
def test_fmt(x, sig, shown):
    assert fmt(x, sig) == shown


@given(st.floats(min_value=1e-12, max_value=1e3))
def test_fmt_reads_back_within_rounding(x):
    text = fmt(x, 3)
    if "×10" in text:
        mantissa, exponent = text.split("×10")
        exponent = exponent.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        value = float(mantissa) * 10 ** int(exponent)
    else:
        value = float(text)
    assert math.isclose(value, x, rel_tol=5.01e-3)


def test_tex_and_percent():
    assert fmt_tex(7.63e-7) == r"7.6 \times 10^{-7}"
    assert fmt_tex(0.00032) == "0.00032"
    assert fmt_percent(0.026592) == "2.7%"
    assert fmt_percent(0.0022) == "0.22%"


from decimal import ROUND_HALF_UP, Decimal  # noqa: E402

from sigsat.lesson.display import Relation, Term, exact, fmt_bound, fmt_param, worked  # noqa: E402


@pytest.mark.parametrize("x, shown", [(0.125, "0.125"), (2.0, "2"), (-7.5, "-7.5"), (1e-100, "1×10⁻¹⁰⁰"),
                                      (5e-324, "5×10⁻³²⁴"), (0.1, "0.1"), (10.0, "10")])
def test_a_parameter_reads_as_written(x, shown):
    assert fmt_param(x) == shown


@given(st.floats(min_value=1e-9, max_value=1e3))
def test_a_bound_is_true_and_tight(x):
    above, below = read_back(fmt_bound(x)), read_back(fmt_bound(x, upper=False))
    assert below <= Decimal(repr(x)) <= above
    assert above - below <= Decimal(1).scaleb(above.adjusted() - 1)  # one unit of the 2nd figure


def read_back(text: str) -> Decimal:
    """A shown number at its shown precision; the zeros ending an integer are placeholders."""
    if "×10" in text:
        mantissa, exponent = text.split("×10")
        return Decimal(mantissa).scaleb(int(exponent.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))))
    value = Decimal(text)
    return value.normalize() if "." not in text and value != 0 else value


@given(st.floats(min_value=1e-30, max_value=1e3), st.floats(min_value=1e-30, max_value=1e3),
       st.integers(2, 4))
def test_worked_products_and_quotients_work_out_from_what_is_shown(a, b, sig):
    for op in (lambda x, y: x * y, lambda x, y: x / y):
        exact_result = op(Decimal(repr(a)), Decimal(repr(b)))
        shown = worked({"a": Term(a), "b": Term(b), "r": Term(float(exact_result), sig)},
                       [Relation(op, ("a", "b"), "r")])
        values = {k: read_back(v) for k, v in shown.items()}
        worked_out = op(values["a"], values["b"]).quantize(values["r"], rounding=ROUND_HALF_UP)
        assert worked_out == values["r"], shown


def test_a_fixed_operand_keeps_its_text():
    shown = worked({"lr": exact(0.05), "g": Term(0.25 ** 8), "u": Term(0.05 * 0.25 ** 8)},
                   [Relation(lambda x, y: x * y, ("lr", "g"), "u")])
    # 0.05 x 0.000015 = 7.5e-7 and 0.05 x 0.0000153 = 7.65e-7 miss the true 7.63e-7 -> 7.6e-7
    assert shown == {"lr": "0.05", "g": "0.00001526", "u": "7.6×10⁻⁷"}
