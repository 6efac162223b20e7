"""Part two's tanh scene: the numbers it narrates against numbers worked out here (scipy's
root finder for the threshold, plain powers for the chain), not through sigsat's own helpers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import expit

from sigsat.lesson import params
from sigsat.lesson.scenes import tanh as lesson
from tests.conftest import PARAM_SETS, load_param_set as load

CAPTION_CHARS, CAPTION_LINES = 80, 2  # scenes.common.LAYOUT.caption_chars; the plate holds 2 lines
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")



def shown(x: float, sig: int = 2) -> str:
    """x as the lecture shows it, written out here: ``sig`` figures (halves up, trailing zeros
    kept unless x is exactly the shorter decimal), plain, or m×10ⁿ outside [1e-6, 1e6)."""
    d = Decimal(repr(float(x)))
    if d == 0:
        return "0"
    q = d.quantize(Decimal(1).scaleb(d.adjusted() - sig + 1), rounding=ROUND_HALF_UP)
    if q.adjusted() > d.adjusted():
        q = q.quantize(Decimal(1).scaleb(q.adjusted() - sig + 1))
    if abs(q - d) <= abs(d) * Decimal("1e-12"):
        q = q.normalize()
    if Decimal("1e-6") <= abs(q) < Decimal("1e6"):
        return format(q, "f")
    mantissa = format(q.scaleb(-q.adjusted()), "f")
    return f"{mantissa}×10{str(q.adjusted()).translate(SUPERSCRIPT)}"


@pytest.fixture(params=list(PARAM_SETS))
def case(request):
    p = load(request.param)
    return p, lesson.build(p)


def test_the_threshold_is_where_tanh_keeps_the_sigmoids_share_of_its_peak(case):
    p, t = case
    edge = p.saturation.threshold
    share = 4 * expit(edge) * expit(-edge)  # sigma'(t) / sigma'(0)
    root = brentq(lambda z: (1 - np.tanh(z) ** 2) - share, 1e-9, 20, xtol=1e-14)
    assert t.tanh_threshold == pytest.approx(root, rel=1e-12)
    assert t.tanh_threshold == pytest.approx(edge / 2, rel=1e-12), "half the sigmoid's, as narrated"
    assert t.lines["mark_where_it_saturates"] == (
        f"But tanh saturates too: beyond |z| = {shown(root, 3)} its slope is below "
        f"{shown(100 * share)}% of the peak. The same closed form puts the sigmoid's edge at "
        f"{edge:g}, {shown(edge / root)} times as far.")


def test_the_chain_of_peak_slopes(case):
    p, t = case
    n = p.tanh.layers
    assert t.lines["chain_the_peaks"] == (
        f"Through {n} layers, even at their best, the sigmoid keeps {shown(0.25 ** n)} of the "
        f"gradient and tanh {shown(1.0 ** n)}. Saturated units still shrink it.")


def test_centre_and_peaks():
    t = lesson.build(params.Params())
    assert t.lines["draw_tanh_beside_the_sigmoid"].startswith(
        f"tanh squashes z into the range from {np.tanh(-np.inf):g} to {np.tanh(np.inf):g} and is "
        f"centred: tanh(0) = {np.tanh(0.0):g}, where the sigmoid gives {expit(0.0):g}.")
    slope_tanh, slope_sigmoid = 1 - np.tanh(0.0) ** 2, expit(0.0) * expit(-0.0)
    assert t.lines["compare_the_slopes"].startswith(
        f"Its slope peaks at {slope_tanh:g} at z = 0, {slope_tanh / slope_sigmoid:g} times the "
        f"sigmoid's {slope_sigmoid:g}")


def test_every_line_fits_the_caption_plate(case):
    import textwrap

    _, t = case
    for line in t.lines.values():
        assert len(textwrap.wrap(line, CAPTION_CHARS)) <= CAPTION_LINES, line


def test_the_axes_hold_both_thresholds(case):
    _, t = case
    assert t.threshold < t.z_extent and t.z_extent / t.z_step <= 5
    assert t.slope_range[1] > t.tanh_peak
