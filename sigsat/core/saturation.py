"""How saturated the sigmoid is at z: its slope as a share of the peak, and where it falls below one."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .activations import SIGMOID_PEAK_SLOPE, sigmoid_prime

__all__ = ["slope_fraction", "saturation_threshold", "tanh_saturation_threshold"]


def slope_fraction(z: ArrayLike):
    r"""The sigmoid's slope at z as a fraction of its peak slope 1/4.

    Notes
    -----
    .. math:: \frac{\sigma'(z)}{\sigma'(0)} = 4\sigma(z)(1-\sigma(z)) = \operatorname{sech}^2(z/2)

    Examples
    --------
    >>> float(slope_fraction(0.0))
    1.0
    >>> round(float(slope_fraction(5.0)), 4)
    0.0266
    """
    return sigmoid_prime(z) / SIGMOID_PEAK_SLOPE


def saturation_threshold(fraction: ArrayLike):
    r"""The |z| beyond which the sigmoid's slope is below ``fraction`` of its peak.

    Parameters
    ----------
    fraction : float in (0, 1]
        Share of the peak slope; 1 gives 0 (only the peak itself reaches it).

    Notes
    -----
    Inverts :func:`slope_fraction` in closed form:
    :math:`\operatorname{sech}^2(z/2) = f \iff |z| = 2\operatorname{arccosh}(1/\sqrt{f})`.

    Examples
    --------
    >>> round(float(saturation_threshold(0.1)), 3)
    3.636
    >>> round(float(saturation_threshold(slope_fraction(3.0))), 12)
    3.0
    """
    f = np.asarray(fraction, dtype=float)
    if np.any((f <= 0) | (f > 1) | ~np.isfinite(f)):
        raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")
    result = 2.0 * np.arccosh(1.0 / np.sqrt(f))
    return result[()] if np.ndim(fraction) == 0 else result


def tanh_saturation_threshold(fraction: ArrayLike):
    r"""The |z| beyond which tanh's slope is below ``fraction`` of its peak slope 1.

    Notes
    -----
    The same closed form as the sigmoid's, since :math:`\tanh(z) = 2\sigma(2z) - 1`:
    :math:`\operatorname{sech}^2 z = f \iff |z| = \operatorname{arccosh}(1/\sqrt{f})`, half
    :func:`saturation_threshold` of the same share.

    Examples
    --------
    >>> round(float(tanh_saturation_threshold(slope_fraction(3.0))), 12)
    1.5
    """
    return saturation_threshold(fraction) / 2.0
