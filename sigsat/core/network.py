"""A small deep fully connected network in numpy, to measure how gradients fade layer by layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import relu, relu_prime, sigmoid, sigmoid_prime, tanh, tanh_prime

__all__ = ["ACTIVATIONS", "INITS", "Network", "GradientReport", "measure_gradients"]

#: activation name -> (function, derivative)
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
}

#: Weight initialisations by name; "auto" picks the usual partner of the activation.
INITS = ("auto", "xavier", "he", "normal")


@dataclass(frozen=True)
class GradientReport:
    """What one forward and backward pass measured.

    ``grad_norms[k]`` is the Frobenius norm of dLoss/dW for hidden layer k + 1 (layer 1 is next to
    the input); ``dead_units[k]`` marks, and ``dead_fraction[k]`` is the share of, of layer k + 1's
    units whose pre-activation is <= 0 for every example of the batch, so that it passes no
    gradient at all (ReLU only; 0 for smooth activations). ``silent_units[k]`` marks the units
    whose weights and bias get no gradient on this batch: the dead ones, and every unit behind a
    layer that is dead throughout, which no gradient reaches.
    """

    activation: str
    grad_norms: np.ndarray
    dead_units: tuple[np.ndarray, ...]  # per hidden layer, a boolean mask of its dead units
    loss: float
    silent_units: tuple[np.ndarray, ...] = ()  # per hidden layer, units that get no gradient

    @property
    def dead_fraction(self) -> np.ndarray:
        return np.array([float(mask.mean()) for mask in self.dead_units])

    @property
    def silent_fraction(self) -> np.ndarray:
        return np.array([float(mask.mean()) for mask in self.silent_units])

    @property
    def first_to_last_ratio(self) -> float | None:
        """How much smaller the first hidden layer's gradient is than the last one's; None when
        no gradient reaches the last hidden layer (a dead layer: the ratio is 0/0, undefined)."""
        last = float(self.grad_norms[-1])
        return float(self.grad_norms[0]) / last if last > 0 else None


class Network:
    """``depth`` hidden layers of ``width`` units and one linear output, trained on squared error.

    Parameters are plain arrays, ``weights[k]`` of shape (width, width) and ``biases[k]`` of shape
    (width,) for the hidden layers, then the (width, 1) output layer.
    """

    def __init__(self, depth: int, width: int, activation: str, init: str = "auto", seed: int = 0):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        if init not in INITS:
            raise ValueError(f"init must be one of {list(INITS)}, got {init!r}")
        self.activation = activation
        self.act, self.act_prime = ACTIVATIONS[activation]
        if init == "auto":
            init = "he" if activation == "relu" else "xavier"
        rng = np.random.default_rng(seed)
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        for fan_out in [width] * depth + [1]:
            fan_in = width
            std = {
                "xavier": np.sqrt(2.0 / (fan_in + fan_out)),
                "he": np.sqrt(2.0 / fan_in),
                "normal": 1.0,
            }[init]
            self.weights.append(rng.normal(0.0, std, size=(fan_in, fan_out)))
            self.biases.append(np.zeros(fan_out))

    def loss_and_gradients(self, x: np.ndarray, y: np.ndarray):
        """Forward and backward pass: (loss, weight grads, bias grads, hidden pre-activations).

        The loss is ``0.5 * mean((output - y) ** 2)`` over the batch.
        """
        activations = [x]
        pre = []
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            z = activations[-1] @ w + b
            pre.append(z)
            activations.append(self.act(z))
        out = activations[-1] @ self.weights[-1] + self.biases[-1]
        n = x.shape[0]
        loss = 0.5 * float(np.mean((out - y) ** 2))

        delta = (out - y) / n  # dLoss/d(output pre-activation)
        grad_w = [np.empty(0)] * len(self.weights)
        grad_b = [np.empty(0)] * len(self.biases)
        for k in range(len(self.weights) - 1, -1, -1):
            grad_w[k] = activations[k].T @ delta
            grad_b[k] = delta.sum(axis=0)
            if k > 0:
                delta = (delta @ self.weights[k].T) * self.act_prime(pre[k - 1])
        return loss, grad_w, grad_b, pre


def measure_gradients(
    activation: str, depth: int, width: int, seed: int, init: str = "auto", batch: int = 64
) -> GradientReport:
    """Per-layer gradient norms of a freshly initialised network on a seeded random batch.

    The weights and the batch come from ``numpy.random.default_rng(seed)``, so the sigmoid and the
    ReLU network of one seed see the same inputs and targets.

    Examples
    --------
    >>> report = measure_gradients("sigmoid", depth=10, width=32, seed=0)
    >>> report.grad_norms.shape
    (10,)
    >>> bool(report.first_to_last_ratio < 1e-3)
    True
    """
    net = Network(depth, width, activation, init=init, seed=seed)
    data = np.random.default_rng([seed, 1])
    x = data.normal(size=(batch, width))
    y = data.normal(size=(batch, 1))
    loss, grad_w, grad_b, pre = net.loss_and_gradients(x, y)
    norms = np.array([np.linalg.norm(g) for g in grad_w[:-1]])
    if activation == "relu":
        dead = tuple(np.all(z <= 0, axis=0) for z in pre)
    else:  # a smooth activation has no flat region: no unit is dead
        dead = tuple(np.zeros(width, dtype=bool) for _ in pre)
    silent = tuple(np.all(w == 0, axis=0) & (b == 0) for w, b in zip(grad_w[:-1], grad_b[:-1]))
    return GradientReport(activation, norms, dead, loss, silent)
