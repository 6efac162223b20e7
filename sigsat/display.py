"""Numbers as the videos show them: every on-screen and narrated value is formatted here, once.

Decision on rounding (the lesson's "0.0067" for sigma'(5) comes from multiplying rounded factors,
0.9933 x 0.0067; the exact value is 0.006648): values are computed exactly and rounded only for
display, to a fixed number of significant figures. So sigma'(5) reads 0.0066 and its share of the
peak, 0.006648 / 0.25 = 2.66 %, reads 2.7 % as in the lesson.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["fmt", "fmt_percent", "fmt_tex", "decimals_for", "SMALL_SIG", "OUTPUT_SIG"]

#: Significant figures of slopes, gradients and updates (0.0066, 0.00032, 0.000032).
SMALL_SIG = 2
#: Significant figures of sigmoid outputs (0.9933).
OUTPUT_SIG = 4
#: Outside [_PLAIN_FLOOR, _PLAIN_CEILING) a plain decimal gets too long to read: powers of ten.
_PLAIN_FLOOR = 1e-6
_PLAIN_CEILING = 1e6


def fmt(x: float, sig: int = SMALL_SIG) -> str:
    """``x`` to ``sig`` significant figures, as a plain decimal without trailing zeros.

    Magnitudes below 1e-6 or from 1e6 up are written as ``m×10^e`` with a Unicode superscript
    exponent.

    Examples
    --------
    >>> fmt(0.006648), fmt(0.2 ** 5), fmt(0.1 * 0.2 ** 5), fmt(0.25), fmt(0.993307, 4)
    ('0.0066', '0.00032', '0.000032', '0.25', '0.9933')
    >>> fmt(1.0), fmt(0.0), fmt(-0.5), fmt(3.0517578125e-08), fmt(518000.0), fmt(2.29e46)
    ('1', '0', '-0.5', '3.1×10⁻⁸', '520000', '2.3×10⁴⁶')
    """
    x = float(x)
    if _as_power(x):
        mantissa, exponent = _split(x, sig)
        sup = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
        return f"{mantissa}×10{sup}"
    return _plain(_round(x, sig))


def fmt_tex(x: float, sig: int = SMALL_SIG) -> str:
    r"""Like :func:`fmt`, as TeX for ``MathTex``.

    Examples
    --------
    >>> fmt_tex(0.00032), fmt_tex(3.0517578125e-08), fmt_tex(2.29e46)
    ('0.00032', '3.1 \\times 10^{-8}', '2.3 \\times 10^{46}')
    """
    x = float(x)
    if _as_power(x):
        mantissa, exponent = _split(x, sig)
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return fmt(x, sig)


def decimals_for(x: float, sig: int = SMALL_SIG, minimum: int = 1) -> int:
    """Decimal places a fixed-point readout needs so that ``x`` shows ``sig`` significant figures
    (at least ``minimum``), so that a live number ends on the value the narration says.

    Examples
    --------
    >>> decimals_for(0.006648), decimals_for(0.000553), decimals_for(0.0177), decimals_for(0.9933, 4)
    (4, 5, 3, 4)
    """
    x = abs(float(x))
    if x == 0:
        return minimum
    return max(minimum, sig - 1 - _round(x, sig).adjusted())


def fmt_percent(fraction: float, sig: int = SMALL_SIG) -> str:
    """A fraction as a percentage to ``sig`` significant figures.

    Examples
    --------
    >>> fmt_percent(0.006648 / 0.25), fmt_percent(1.0), fmt_percent(0.1807)
    ('2.7%', '100%', '18%')
    """
    return f"{fmt(100.0 * float(fraction), sig)}%"


def _as_power(x: float) -> bool:
    return x != 0 and not _PLAIN_FLOOR <= abs(x) < _PLAIN_CEILING


def _round(x: float, sig: int) -> Decimal:
    """``x`` to ``sig`` significant figures, halves rounded up as people do (0.0625 -> 0.063),
    from its shortest decimal form."""
    d = Decimal(repr(x))
    if d == 0:
        return Decimal(0)
    return d.quantize(Decimal(1).scaleb(d.adjusted() - sig + 1), rounding=ROUND_HALF_UP)


def _plain(d: Decimal) -> str:
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _split(x: float, sig: int) -> tuple[str, int]:
    """Mantissa text and exponent of ``x`` to ``sig`` figures (subnormals included)."""
    rounded = _round(x, sig)
    exponent = rounded.adjusted()
    return _plain(rounded.scaleb(-exponent)), exponent
