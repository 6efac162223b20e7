"""Activation functions and their analytic derivatives, vectorised and numerically stable."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "relu",
    "relu_prime",
    "leaky_relu",
    "leaky_relu_prime",
    "elu",
    "elu_prime",
    "gelu",
    "gelu_prime",
    "silu",
    "silu_prime",
    "SIGMOID_PEAK_SLOPE",
    "TANH_PEAK_SLOPE",
]

#: The largest value of the sigmoid's slope, reached at z = 0: sigma(0)(1 - sigma(0)) = 1/4.
SIGMOID_PEAK_SLOPE = 0.25
#: The largest value of tanh's slope, reached at z = 0: 1 - tanh(0)^2 = 1.
TANH_PEAK_SLOPE = 1.0
# Beyond this |z| the slope is computed from e^{-|z|}; below it from cosh, which cannot overflow there.
_TAIL = 40.0


def _out(result: np.ndarray, z: ArrayLike):
    """Return a numpy scalar for scalar input and an array otherwise."""
    return result[()] if np.ndim(z) == 0 else result


def sigmoid(z: ArrayLike):
    r"""The logistic sigmoid, stable for any float.

    Notes
    -----
    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}

    Evaluated through :math:`e = e^{-|z|} \in (0, 1]`, which never overflows:
    :math:`\sigma(z) = 1/(1+e)` for :math:`z \ge 0` and :math:`e/(1+e)` otherwise.

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> round(float(sigmoid(5.0)), 4)
    0.9933
    >>> float(sigmoid(-1000.0)), float(sigmoid(1000.0))
    (0.0, 1.0)
    """
    x = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(x))
    return _out(np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)), z)


def sigmoid_prime(z: ArrayLike):
    r"""The sigmoid's slope, :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`.

    Notes
    -----
    Written as :math:`\tfrac14\operatorname{sech}^2(z/2)` near the centre (never above the
    peak 1/4, even after rounding) and as :math:`e / (1 + e)^2` with :math:`e = e^{-|z|}` in the
    tails, which keeps full relative precision where :math:`1 - \sigma(z)` would round to 0.

    Examples
    --------
    >>> float(sigmoid_prime(0.0))
    0.25
    >>> round(float(sigmoid_prime(5.0)), 6)
    0.006648
    """
    x = np.abs(np.asarray(z, dtype=float))
    centre = 0.25 / np.cosh(np.minimum(x, _TAIL) / 2.0) ** 2
    e = np.exp(-x)
    return _out(np.where(x < _TAIL, centre, e / (1.0 + e) ** 2), z)


def tanh(z: ArrayLike):
    r"""The hyperbolic tangent, :math:`\tanh(z) = 2\sigma(2z) - 1`.

    Examples
    --------
    >>> float(tanh(0.0))
    0.0
    """
    x = np.asarray(z, dtype=float)
    return _out(np.tanh(x), z)


def tanh_prime(z: ArrayLike):
    r"""The slope of tanh, :math:`1 - \tanh^2(z) = \operatorname{sech}^2(z)`.

    Notes
    -----
    Computed as :math:`4e/(1+e)^2` with :math:`e = e^{-2|z|}`, accurate in the tails.

    Examples
    --------
    >>> float(tanh_prime(0.0))
    1.0
    """
    x = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(x)) ** 2  # e^{-2|z|}, without overflowing 2|z|
    return _out(4.0 * e / (1.0 + e) ** 2, z)


def relu(z: ArrayLike):
    r"""The rectified linear unit, :math:`\max(0, z)`.

    Examples
    --------
    >>> float(relu(-2.0)), float(relu(3.0))
    (0.0, 3.0)
    """
    x = np.asarray(z, dtype=float)
    return _out(np.maximum(x, 0.0), z)


def relu_prime(z: ArrayLike):
    r"""The slope of ReLU: 1 for z > 0 and 0 for z <= 0.

    Notes
    -----
    ReLU has no derivative at 0; like the lesson (and PyTorch, JAX), we take ``relu_prime(0) == 0``,
    so a unit whose input is exactly 0 passes no gradient.

    Examples
    --------
    >>> float(relu_prime(0.0)), float(relu_prime(1e-12)), float(relu_prime(-3.0))
    (0.0, 1.0, 0.0)
    """
    x = np.asarray(z, dtype=float)
    return _out((x > 0).astype(float), z)


def leaky_relu(z: ArrayLike, alpha: float = 0.01):
    r"""Leaky ReLU: z for z > 0, alpha z otherwise.

    Examples
    --------
    >>> float(leaky_relu(-2.0, alpha=0.1))
    -0.2
    """
    x = np.asarray(z, dtype=float)
    return _out(np.where(x > 0, x, alpha * x), z)


def leaky_relu_prime(z: ArrayLike, alpha: float = 0.01):
    r"""The slope of leaky ReLU: 1 for z > 0, alpha for z <= 0 (same convention at 0 as ReLU).

    Examples
    --------
    >>> float(leaky_relu_prime(0.0, alpha=0.1)), float(leaky_relu_prime(2.0))
    (0.1, 1.0)
    """
    x = np.asarray(z, dtype=float)
    return _out(np.where(x > 0, 1.0, alpha), z)


def elu(z: ArrayLike, alpha: float = 1.0):
    r"""The exponential linear unit: z for z > 0, :math:`\alpha(e^z - 1)` otherwise.

    Notes
    -----
    The negative side is computed with ``expm1`` of :math:`\min(z, 0)`, exact near 0 and never
    overflowing for large positive z (that branch is discarded there anyway).

    Examples
    --------
    >>> float(elu(2.0)), round(float(elu(-1.0)), 6), float(elu(-1000.0))
    (2.0, -0.632121, -1.0)
    """
    x = np.asarray(z, dtype=float)
    return _out(np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0))), z)


def elu_prime(z: ArrayLike, alpha: float = 1.0):
    r"""The slope of ELU: 1 for z > 0, :math:`\alpha e^z` for z <= 0.

    Notes
    -----
    At 0 we take the left slope, :math:`\alpha`, as ReLU and leaky ReLU do; with the usual
    :math:`\alpha = 1` both sides agree and ELU is continuously differentiable. For large negative
    z the slope tends to 0: ELU saturates on the left, towards :math:`-\alpha`.

    Examples
    --------
    >>> float(elu_prime(0.0)), float(elu_prime(3.0)), round(float(elu_prime(-1.0)), 6)
    (1.0, 1.0, 0.367879)
    """
    x = np.asarray(z, dtype=float)
    return _out(np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))), z)


_SQRT2 = np.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
# Beyond this |z| the normal density exp(-z^2/2) is below 1e-300: capping z^2 there avoids
# squaring huge inputs (which would overflow) and changes nothing.
_DENSITY_CAP = 40.0
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    r"""The standard normal CDF :math:`\Phi(x) = \tfrac12\operatorname{erfc}(-x/\sqrt2)`,
    accurate in the left tail, where ``1 + erf`` would cancel to 0."""
    return 0.5 * np.asarray(_erfc(-x / _SQRT2), dtype=float)


def _normal_pdf(x: np.ndarray) -> np.ndarray:
    capped = np.minimum(np.abs(x), _DENSITY_CAP)
    return _INV_SQRT_2PI * np.exp(-0.5 * capped * capped)


def _times(x: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """``x * factor``, taking the limit 0 where ``x`` is infinite and ``factor`` is 0 (the
    density or the sigmoid in a tail) instead of the NaN of inf x 0."""
    return np.where(np.isinf(x) & (factor == 0), 0.0, x) * factor


def gelu(z: ArrayLike):
    r"""The Gaussian error linear unit, exact form: :math:`z\,\Phi(z)`.

    Notes
    -----
    .. math:: \operatorname{GELU}(z) = z\,\Phi(z) = \tfrac{z}{2}\operatorname{erfc}(-z/\sqrt2)

    This is the exact GELU (PyTorch's ``approximate='none'``), computed with the error function
    (``math.erfc``), not the tanh approximation :math:`\tfrac z2(1 + \tanh(\sqrt{2/\pi}(z + 0.044715 z^3)))`.

    Examples
    --------
    >>> float(gelu(0.0)), round(float(gelu(1.0)), 6), round(float(gelu(-1.0)), 6)
    (0.0, 0.841345, -0.158655)
    >>> float(gelu(-1000.0)), float(gelu(1000.0))
    (-0.0, 1000.0)
    """
    x = np.asarray(z, dtype=float)
    return _out(_times(x, _normal_cdf(x)), z)


def gelu_prime(z: ArrayLike):
    r"""The slope of the exact GELU: :math:`\Phi(z) + z\,\varphi(z)`.

    Notes
    -----
    :math:`\varphi(z) = e^{-z^2/2}/\sqrt{2\pi}` is the standard normal density. The slope is
    0.5 at 0, dips slightly below 0 for negative z (its minimum is about -0.13 near z = -1.41)
    and peaks at about 1.13 near z = 1.41.

    Examples
    --------
    >>> float(gelu_prime(0.0)), round(float(gelu_prime(1.0)), 6), float(gelu_prime(-1000.0))
    (0.5, 1.083315, 0.0)
    """
    x = np.asarray(z, dtype=float)
    return _out(_normal_cdf(x) + _times(x, _normal_pdf(x)), z)


def silu(z: ArrayLike):
    r"""The sigmoid linear unit (Swish with :math:`\beta = 1`): :math:`z\,\sigma(z)`.

    Examples
    --------
    >>> float(silu(0.0)), round(float(silu(1.0)), 6), float(silu(-1000.0))
    (0.0, 0.731059, -0.0)
    """
    x = np.asarray(z, dtype=float)
    return _out(_times(x, sigmoid(x)), z)


def silu_prime(z: ArrayLike):
    r"""The slope of SiLU: :math:`\sigma(z) + z\,\sigma'(z) = \sigma(z)\,(1 + z(1 - \sigma(z)))`.

    Notes
    -----
    Summed from the stable :func:`sigmoid` and :func:`sigmoid_prime`, so neither term overflows
    and the slope keeps its precision in both tails. It is 0.5 at 0, dips below 0 for negative z
    (about -0.10 near z = -2.40) and peaks at about 1.10 near z = 2.40.

    Examples
    --------
    >>> float(silu_prime(0.0)), round(float(silu_prime(1.0)), 6), float(silu_prime(1000.0))
    (0.5, 0.927671, 1.0)
    """
    x = np.asarray(z, dtype=float)
    return _out(sigmoid(x) + _times(x, sigmoid_prime(x)), z)
