"""Numbers as the videos show them: every on-screen and narrated value is formatted here, once.

Values are computed exactly and rounded only for display, to a number of significant figures.
A rounded value keeps its significant trailing zeros (0.105 to two figures reads 0.10, not 0.1);
a value that is exactly a short decimal reads as that decimal (0.5, 0.25, 1). Parameters read as
the user wrote them (:func:`fmt_param`). A bound rounds in the direction that keeps it true
(:func:`fmt_bound`).

Worked examples (a product, a quotient or a power shown with its operands) go through
:func:`worked`: it gives each operand as many figures as it takes for the shown operands, worked
out by hand, to round to the shown result, and the shown result is the exact result rounded. So
sigma'(4) reads 0.9820 x 0.0180 = 0.0177 and a student who multiplies lands on 0.0177.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Callable, Mapping, Sequence, Union

from babel.numbers import format_decimal, format_percent

__all__ = ["fmt", "fmt_percent", "localize", "fmt_tex", "fmt_param", "fmt_bound", "as_tex", "decimals_for",
           "exact", "Term", "Relation", "worked", "SMALL_SIG", "OUTPUT_SIG", "WORKED_SIG"]

#: Significant figures of slopes, gradients and updates (0.0066, 0.00032, 0.000032).
SMALL_SIG = 2
#: Significant figures of sigmoid outputs (0.9933).
OUTPUT_SIG = 4
#: Significant figures of the result of a worked step by hand (0.9820 x 0.0180 = 0.0177).
WORKED_SIG = 3
#: Outside [_PLAIN_FLOOR, _PLAIN_CEILING) a plain decimal gets too long to read: powers of ten.
_PLAIN_FLOOR = Decimal("1e-6")
_PLAIN_CEILING = Decimal("1e6")
#: A float this close (relatively) to its rounded form is that decimal, off by binary noise only:
#: 0.2 ** 2 = 0.04000000000000001 reads 0.04, not 0.040.
_NOISE = Decimal("1e-12")
#: Most figures :func:`worked` gives an operand (a float holds 17).
_MAX_SIG = 17
#: Arithmetic of worked examples: far more digits than any shown value has, and no underflow.
_CONTEXT = Context(prec=80, Emin=-999999, Emax=999999)

Number = Union[float, int, Decimal]


def _decimal(x: Number) -> Decimal:
    """The shortest decimal that reads back as ``x`` (a float's repr), or ``x`` itself."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"cannot show {x!r}: not a finite number")
    return Decimal(repr(float(x))) if isinstance(x, float) else Decimal(x)


def _round(x: Number, sig: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``x`` to ``sig`` significant figures (halves up, as people round: 0.0625 -> 0.063); a value
    that is the shorter decimal up to binary noise comes back as that decimal."""
    d = _decimal(x)
    if d == 0:
        return Decimal(0)
    with localcontext(_CONTEXT):
        rounded = d.quantize(Decimal(1).scaleb(d.adjusted() - sig + 1), rounding=rounding)
        if rounded.adjusted() > d.adjusted():  # rounded up to the next power of ten: 9.96 -> 10.0
            rounded = rounded.quantize(Decimal(1).scaleb(rounded.adjusted() - sig + 1))
        if rounding == ROUND_HALF_UP and abs(rounded - d) <= abs(d) * _NOISE:
            return rounded.normalize()
    return rounded


def _text(d: Decimal, tex: bool = False) -> str:
    """A rounded decimal as shown: plain, or ``m×10ᵉ`` outside [1e-6, 1e6); all its digits."""
    if d == 0:
        return "0"
    if _PLAIN_FLOOR <= abs(d) < _PLAIN_CEILING:
        text = format(d, "f")
        return text
    exponent = d.adjusted()
    mantissa = format(d.scaleb(-exponent), "f")
    if tex:
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return f"{mantissa}×10{str(exponent).translate(_SUPERSCRIPT)}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt(x: Number, sig: int = SMALL_SIG) -> str:
    """``x`` to ``sig`` significant figures, significant trailing zeros kept.

    Magnitudes below 1e-6 or from 1e6 up are written as ``m×10^e`` with a Unicode superscript
    exponent. A value that is exactly a shorter decimal is written as that decimal.

    Examples
    --------
    >>> fmt(0.006648), fmt(0.2 ** 5), fmt(0.1 * 0.2 ** 5), fmt(0.25), fmt(0.993307, 4)
    ('0.0066', '0.00032', '0.000032', '0.25', '0.9933')
    >>> fmt(0.104994), fmt(0.98201, 4), fmt(0.5, 4), fmt(0.2 ** 2), fmt(1.0)
    ('0.10', '0.9820', '0.5', '0.04', '1')
    >>> fmt(0.0), fmt(-0.5), fmt(3.0517578125e-08), fmt(518000.0), fmt(2.29e46), fmt(9.96e-8)
    ('0', '-0.5', '3.1×10⁻⁸', '520000', '2.3×10⁴⁶', '1.0×10⁻⁷')
    """
    return _text(_round(x, sig))


def fmt_tex(x: Number, sig: int = SMALL_SIG) -> str:
    r"""Like :func:`fmt`, as TeX for ``MathTex``.

    Examples
    --------
    >>> fmt_tex(0.00032), fmt_tex(3.0517578125e-08), fmt_tex(2.29e46)
    ('0.00032', '3.1 \\times 10^{-8}', '2.3 \\times 10^{46}')
    """
    return _text(_round(x, sig), tex=True)


def fmt_param(x: Number) -> str:
    """A parameter as the user wrote it: every digit of its shortest decimal form, no more.

    Examples
    --------
    >>> fmt_param(0.125), fmt_param(2.0), fmt_param(-7.5), fmt_param(1e-100), fmt_param(5e-324)
    ('0.125', '2', '-7.5', '1×10⁻¹⁰⁰', '5×10⁻³²⁴')
    """
    return _text(_decimal(x).normalize() if _decimal(x) != 0 else Decimal(0))


def fmt_bound(x: Number, sig: int = SMALL_SIG, upper: bool = True) -> str:
    """``x`` rounded to ``sig`` figures away from the values it bounds, so that "below" (``upper``)
    or "above" stays true: sigma'(2) = 0.104994 bounds the tails' slopes as "below 0.11".

    Examples
    --------
    >>> fmt_bound(0.104994), fmt_bound(0.045177), fmt_bound(0.25), fmt_bound(0.104994, upper=False)
    ('0.11', '0.046', '0.25', '0.10')
    """
    d = _decimal(x)
    rounded = _round(d, sig, ROUND_CEILING if upper else ROUND_FLOOR)
    return _text(rounded.normalize() if rounded == d else rounded)


def fmt_percent(fraction: Number, sig: int = SMALL_SIG) -> str:
    """A fraction as a percentage to ``sig`` significant figures.

    Examples
    --------
    >>> fmt_percent(0.006648 / 0.25), fmt_percent(1.0), fmt_percent(0.1807), fmt_percent(0.40001)
    ('2.7%', '100%', '18%', '40%')
    """
    with localcontext(_CONTEXT):
        return f"{fmt(_decimal(fraction) * 100, sig)}%"


#: A number as the formatters above write it: sign, digits, decimals, power of ten, percent.
_SHOWN = re.compile(r"(-?\d+(?:\.\d+)?)(×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?(%)?")


def localize(text: str, locale: str = "en") -> str:
    """A shown number (from :func:`fmt`, :func:`worked`, ...) in ``locale``'s form, by Babel's
    locale data: its decimal and minus signs and its percent pattern. The digits stay as they are
    (the rounding rules above chose them); no grouping, as in English. Text that is not one shown
    number comes back unchanged.

    Examples
    --------
    >>> localize("0.0066", "de"), localize("2.7%", "de"), localize("-0.5", "es"), localize("2.7%")
    ('0,0066', '2,7\xa0%', '-0,5', '2.7%')
    >>> localize("3.1×10⁻⁸", "es"), localize("Xavier", "de"), localize("520000", "de")
    ('3,1×10⁻⁸', 'Xavier', '520000')
    """
    match = _SHOWN.fullmatch(text)
    if locale == "en" or match is None:
        return text
    mantissa, power, percent = match.groups()
    places = len(mantissa.partition(".")[2])
    pattern = "0" + ("." + "0" * places if places else "")
    shown = format_decimal(Decimal(mantissa), format=pattern, locale=locale) + (power or "")
    if percent:
        # The locale's percent pattern around the number: "#,##0 %" in German puts a no-break space.
        shown = format_percent(0, locale=locale).replace("0", shown, 1)
    return shown


def as_tex(text: str) -> str:
    r"""A shown number (from :func:`fmt`, :func:`worked`, :func:`localize`, ...) as TeX.

    A decimal comma goes in braces, ``0{,}0066``, or TeX would add a space after it as after a
    punctuation comma; a no-break space before % becomes a thin space.

    Examples
    --------
    >>> as_tex("7.6×10⁻⁷"), as_tex("42%"), as_tex("0.25"), as_tex("2,7\xa0%")
    ('7.6 \\times 10^{-7}', '42\\%', '0.25', '2{,}7\\,\\%')
    """
    text = text.replace(",", "{,}").replace("\xa0", r"\,")
    if "×10" in text:
        mantissa, exponent = text.split("×10")
        exponent = exponent.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return text.replace("%", r"\%")


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


@dataclass
class Term:
    """One number of a worked example: its exact value and the figures it starts with.

    ``grow``: :func:`worked` may give it more figures; ``percent``: ``value`` is a fraction shown
    as a percentage. A term with ``sig=None`` is shown exactly as it is (a parameter, a constant).
    """

    value: Number
    sig: int | None = SMALL_SIG
    grow: bool = True
    percent: bool = False

    def shown(self) -> Decimal:
        """The value as shown (a percentage in percent)."""
        with localcontext(_CONTEXT):
            value = _decimal(self.value) * (100 if self.percent else 1)
            if self.sig is None:
                return value.normalize() if value != 0 else Decimal(0)
            return _round(value, self.sig)


def exact(value: Number) -> Term:
    """A term shown exactly as it is: a parameter as the user wrote it, or a constant (0.25)."""
    return Term(value, sig=None, grow=False)


@dataclass(frozen=True)
class Relation:
    """``result = combine(*operands)``, with terms named as in :func:`worked`."""

    combine: Callable[..., Decimal]
    operands: tuple[str, ...]
    result: str

    def holds(self, shown: Mapping[str, Decimal]) -> bool:
        """Whether the shown operands, worked out, round to the shown result."""
        return self.work(shown) == shown[self.result]

    def work(self, shown: Mapping[str, Decimal]) -> Decimal:
        """The shown operands worked out, rounded where the shown result stops."""
        with localcontext(_CONTEXT):
            value = self.combine(*(shown[name] for name in self.operands))
            target = shown[self.result]
            if value == 0:
                return Decimal(0) if target == 0 else value
            return value.quantize(Decimal(1).scaleb(target.as_tuple().exponent), rounding=ROUND_HALF_UP)


def worked(terms: Mapping[str, Term], relations: Sequence[Relation]) -> dict[str, str]:
    """Every term's text such that each relation, worked out from the shown operands, gives its
    shown result at the result's precision, and every result is its exact value rounded.

    While a relation fails, its growable operands with the fewest figures get one more (a
    student's product of rounded factors drifts; more figures bring it back). Terms shared by
    several relations satisfy them all. If figures run out (a tie at the last digit, or no operand
    may grow), the result is taken from the shown operands instead, so a worked example always
    works out. Percentages come back with ``%``.

    Examples
    --------
    >>> from decimal import Decimal
    >>> times = lambda a, b: a * b
    >>> s = 0.9820137900379085  # sigma(4)
    >>> shown = worked({"s": Term(s, 4), "rest": Term(1 - s, 3), "slope": Term(s * (1 - s), 3)},
    ...                [Relation(times, ("s", "rest"), "slope")])
    >>> shown["s"], shown["rest"], shown["slope"]
    ('0.9820', '0.0180', '0.0177')
    >>> by_peak = lambda a, b: a / b
    >>> worked({"slope": Term(0.104994), "peak": exact(0.25), "share": Term(0.419976, percent=True)},
    ...        [Relation(lambda a, b: a / b * 100, ("slope", "peak"), "share")])
    {'slope': '0.105', 'peak': '0.25', 'share': '42%'}
    """
    terms = {name: Term(t.value, t.sig, t.grow, t.percent) for name, t in terms.items()}
    for _ in range(len(terms) * _MAX_SIG):
        shown = {name: t.shown() for name, t in terms.items()}
        failing = [r for r in relations if not r.holds(shown)]
        if not failing or not any([_grow(terms, r) for r in failing]):
            break
    shown = {name: t.shown() for name, t in terms.items()}
    for r in relations:  # figures ran out: the shown operands decide
        if not r.holds(shown):
            shown[r.result] = r.work(shown)
    return {name: _text(shown[name]) + ("%" if terms[name].percent else "") for name in terms}


def _grow(terms: dict[str, Term], relation: Relation) -> bool:
    """One more figure for the growable operands of ``relation`` with the fewest; False if none."""
    growable = [terms[n] for n in relation.operands if terms[n].grow and terms[n].sig < _MAX_SIG]
    if not growable:
        return False
    fewest = min(t.sig for t in growable)
    for t in growable:
        if t.sig == fewest:
            t.sig += 1
    return True
