"""Display formatting: significant figures, no trailing zeros, powers of ten below 1e-6."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from sigsat.display import fmt, fmt_percent, fmt_tex


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
