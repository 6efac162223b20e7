"""The backpropagated gradient as a product of per-layer factors, and the weight update it buys."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["gradient_chain", "weight_update"]


def gradient_chain(factors: ArrayLike) -> np.ndarray:
    r"""The gradient after each layer of the backward pass.

    Parameters
    ----------
    factors : 1-d sequence
        Each layer's local gradient, in backward order: ``factors[0]`` is the output layer's.

    Returns
    -------
    numpy.ndarray
        ``out[k]`` is the gradient that has passed through ``k + 1`` layers, so ``out[-1]`` is what
        reaches the first layer.

    Notes
    -----
    The chain rule multiplies: :math:`g_k = \prod_{j \le k} f_j`.

    Examples
    --------
    >>> gradient_chain([0.2] * 5)
    array([0.2    , 0.04   , 0.008  , 0.0016 , 0.00032])
    """
    f = np.asarray(factors, dtype=float)
    if f.ndim != 1 or f.size == 0:
        raise ValueError(f"factors must be a non-empty 1-d sequence, got shape {f.shape}")
    return np.cumprod(f)


def weight_update(learning_rate: float, gradient: ArrayLike):
    r"""The size of a gradient-descent step, :math:`\Delta w = \eta \, g`.

    Examples
    --------
    >>> round(float(weight_update(0.1, 0.2 ** 5)), 10)
    3.2e-05
    """
    g = np.asarray(gradient, dtype=float)
    out = learning_rate * g
    return out[()] if np.ndim(gradient) == 0 else out
