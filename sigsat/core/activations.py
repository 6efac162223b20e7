"""Activation functions and their analytic derivatives, vectorised and numerically stable."""

from __future__ import annotations

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
    "SIGMOID_PEAK_SLOPE",
]

#: The largest value of the sigmoid's slope, reached at z = 0: sigma(0)(1 - sigma(0)) = 1/4.
SIGMOID_PEAK_SLOPE = 0.25
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
