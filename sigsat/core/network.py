"""A small deep fully connected network in numpy, to measure how gradients fade layer by layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .activations import (
    SIGMOID_PEAK_SLOPE,
    TANH_PEAK_SLOPE,
    elu,
    elu_prime,
    gelu,
    gelu_prime,
    leaky_relu,
    leaky_relu_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    silu,
    silu_prime,
    tanh,
    tanh_prime,
)

__all__ = ["ACTIVATIONS", "INITS", "INPUT_STD", "init_std", "REFERENCE_SLOPE", "PIECEWISE_LINEAR", "SATURATED_BELOW",
           "Network", "GradientReport", "measure_gradients"]

#: activation name -> (function, derivative); leaky ReLU's negative slope is the network's
#: ``leaky_slope``.
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "elu": (elu, elu_prime),
    "gelu": (gelu, gelu_prime),
    "silu": (silu, silu_prime),
}

#: The slope a unit's "saturated" share is measured against: the peak for the squashing
#: activations, the slope of the linear side for the ReLU family.
REFERENCE_SLOPE = {"sigmoid": SIGMOID_PEAK_SLOPE, "tanh": TANH_PEAK_SLOPE, "relu": 1.0,
                   "leaky_relu": 1.0, "elu": 1.0, "gelu": 1.0, "silu": 1.0}
#: A unit's input counts as saturated where its slope is below this share of the reference slope
#: (the lesson's default threshold, |z| = 3 for the sigmoid, leaves 18%; a tenth is well past it).
SATURATED_BELOW = 0.1
#: Activations whose slope is exactly 0 over a whole region, so that a unit can die.
PIECEWISE_LINEAR = ("relu", "leaky_relu")
#: The activations whose usual initialisation is He's (the rest get Xavier's).
_HE_BY_DEFAULT = ("relu", "leaky_relu", "elu", "gelu", "silu")

#: Weight initialisations by name; "auto" picks the usual partner of the activation.
INITS = ("auto", "xavier", "he", "normal")
#: The standard deviation of the measured batch's inputs (standard normal).
INPUT_STD = 1.0


@dataclass(frozen=True)
class GradientReport:
    """What one forward and backward pass measured.

    ``grad_norms[k]`` is the Frobenius norm of dLoss/dW for hidden layer k + 1 (layer 1 is next to
    the input); ``dead_units[k]`` marks, and ``dead_fraction[k]`` is the share of, of layer k + 1's
    units whose slope is exactly 0 for every example of the batch (pre-activation <= 0 under
    ReLU), so that it passes no gradient at all (never under leaky ReLU with a positive slope or a
    smooth activation). ``silent_units[k]`` marks the units whose weights and bias get no gradient
    on this batch: the dead ones, and every unit behind a layer that is dead throughout, which no
    gradient reaches (unless a residual connection carries it past).

    ``act_mean[k]`` and ``act_std[k]`` are the mean and standard deviation of layer k + 1's output
    over the batch and its units (with a residual connection, the sum the next layer sees);
    ``saturated_fraction[k]`` is the share of (example, unit) pairs whose slope is below
    :data:`SATURATED_BELOW` times the activation's :data:`REFERENCE_SLOPE`.
    """

    activation: str
    grad_norms: np.ndarray
    dead_units: tuple[np.ndarray, ...]  # per hidden layer, a boolean mask of its dead units
    loss: float
    silent_units: tuple[np.ndarray, ...] = ()  # per hidden layer, units that get no gradient
    act_mean: np.ndarray = field(default_factory=lambda: np.zeros(0))
    act_std: np.ndarray = field(default_factory=lambda: np.zeros(0))
    saturated_fraction: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def dead_fraction(self) -> np.ndarray:
        return np.array([float(mask.mean()) for mask in self.dead_units])

    @property
    def dead_count(self) -> int:
        """Dead units over all hidden layers."""
        return int(sum(int(mask.sum()) for mask in self.dead_units))

    @property
    def silent_fraction(self) -> np.ndarray:
        return np.array([float(mask.mean()) for mask in self.silent_units])

    @property
    def first_to_last_ratio(self) -> float | None:
        """How much smaller the first hidden layer's gradient is than the last one's; None when
        no gradient reaches the last hidden layer (a dead layer: the ratio is 0/0, undefined)."""
        last = float(self.grad_norms[-1])
        return float(self.grad_norms[0]) / last if last > 0 else None


def init_std(init: str, fan_in: int, fan_out: int) -> float:
    """The standard deviation of a layer's initial weights under ``init`` (not "auto").

    Examples
    --------
    >>> round(init_std("he", 32, 32) ** 2 / init_std("xavier", 32, 32) ** 2, 12)
    2.0
    """
    return float({
        "xavier": np.sqrt(2.0 / (fan_in + fan_out)),
        "he": np.sqrt(2.0 / fan_in),
        "normal": 1.0,
    }[init])


class Network:
    """``depth`` hidden layers of ``width`` units and one linear output, trained on squared error.

    Parameters are plain arrays, ``weights[k]`` of shape (width, width) and ``biases[k]`` of shape
    (width,) for the hidden layers, then the (width, 1) output layer.

    ``residual`` (one flag for every hidden layer, or one per layer) adds a layer's input to its
    output, :math:`h_{k+1} = h_k + f(h_k W_k + b_k)`, so that its Jacobian is the identity plus
    the layer's own. ``leaky_slope`` is leaky ReLU's slope for negative inputs.
    """

    def __init__(self, depth: int, width: int, activation: str, init: str = "auto", seed: int = 0,
                 residual: bool | Sequence[bool] = False, leaky_slope: float = 0.01):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        if init not in INITS:
            raise ValueError(f"init must be one of {list(INITS)}, got {init!r}")
        flags = [bool(residual)] * depth if isinstance(residual, bool) else [bool(r) for r in residual]
        if len(flags) != depth:
            raise ValueError(f"residual must be one flag or {depth} flags, got {len(flags)}")
        self.activation, self.residual = activation, tuple(flags)
        self.act, self.act_prime = ACTIVATIONS[activation]
        if activation == "leaky_relu":
            # closures, not functools.partial: the core imports numpy and little else
            self.act = lambda z: leaky_relu(z, alpha=leaky_slope)
            self.act_prime = lambda z: leaky_relu_prime(z, alpha=leaky_slope)
        if init == "auto":
            init = "he" if activation in _HE_BY_DEFAULT else "xavier"
        rng = np.random.default_rng(seed)
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        for fan_out in [width] * depth + [1]:
            self.weights.append(rng.normal(0.0, init_std(init, width, fan_out), size=(width, fan_out)))
            self.biases.append(np.zeros(fan_out))

    def forward(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
        """(every layer's output, input ``x`` first; hidden pre-activations; network output)."""
        outputs, pre = [x], []
        for w, b, skip in zip(self.weights[:-1], self.biases[:-1], self.residual):
            z = outputs[-1] @ w + b
            pre.append(z)
            outputs.append(outputs[-1] + self.act(z) if skip else self.act(z))
        return outputs, pre, outputs[-1] @ self.weights[-1] + self.biases[-1]

    def loss_and_gradients(self, x: np.ndarray, y: np.ndarray):
        """Forward and backward pass: (loss, weight grads, bias grads, hidden pre-activations).

        The loss is ``0.5 * mean((output - y) ** 2)`` over the batch.
        """
        outputs, pre, out = self.forward(x)
        loss = 0.5 * float(np.mean((out - y) ** 2))
        delta = (out - y) / x.shape[0]  # dLoss/d(output pre-activation)
        grad_w = [np.empty(0)] * len(self.weights)
        grad_b = [np.empty(0)] * len(self.biases)
        grad_w[-1], grad_b[-1] = outputs[-1].T @ delta, delta.sum(axis=0)
        upstream = delta @ self.weights[-1].T  # dLoss/d(last hidden layer's output)
        for k in range(len(pre) - 1, -1, -1):
            delta = upstream * self.act_prime(pre[k])
            grad_w[k], grad_b[k] = outputs[k].T @ delta, delta.sum(axis=0)
            through = delta @ self.weights[k].T
            upstream = upstream + through if self.residual[k] else through  # the identity's 1
        return loss, grad_w, grad_b, pre


def _layer_statistics(net: Network, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per hidden layer: mean and standard deviation of its output, share of saturated inputs."""
    outputs, pre, _ = net.forward(x)
    floor = SATURATED_BELOW * REFERENCE_SLOPE[net.activation]
    return (np.array([float(h.mean()) for h in outputs[1:]]),
            np.array([float(h.std()) for h in outputs[1:]]),
            np.array([float(np.mean(np.abs(net.act_prime(z)) < floor)) for z in pre]))


def measure_gradients(
    activation: str, depth: int, width: int, seed: int, init: str = "auto", batch: int = 64,
    residual: bool | Sequence[bool] = False, leaky_slope: float = 0.01,
) -> GradientReport:
    """Per-layer gradient norms and activation statistics of a freshly initialised network on a
    seeded random batch.

    The weights and the batch come from ``numpy.random.default_rng(seed)``, so the networks of one
    seed (any activation, with or without residual connections) see the same inputs and targets.

    Examples
    --------
    >>> report = measure_gradients("sigmoid", depth=10, width=32, seed=0)
    >>> report.grad_norms.shape
    (10,)
    >>> bool(report.first_to_last_ratio < 1e-3)
    True
    >>> skip = measure_gradients("sigmoid", depth=10, width=32, seed=0, residual=True)
    >>> bool(skip.first_to_last_ratio > 1e4 * report.first_to_last_ratio)
    True
    >>> measure_gradients("leaky_relu", depth=10, width=32, seed=0).dead_count
    0
    """
    net = Network(depth, width, activation, init=init, seed=seed, residual=residual,
                  leaky_slope=leaky_slope)
    data = np.random.default_rng([seed, 1])
    x = data.normal(0.0, INPUT_STD, size=(batch, width))
    y = data.normal(size=(batch, 1))
    loss, grad_w, grad_b, pre = net.loss_and_gradients(x, y)
    norms = np.array([np.linalg.norm(g) for g in grad_w[:-1]])
    if activation in PIECEWISE_LINEAR:
        dead = tuple(np.all(net.act_prime(z) == 0, axis=0) for z in pre)
    else:  # a smooth activation has no flat region: no unit is dead
        dead = tuple(np.zeros(width, dtype=bool) for _ in pre)
    silent = tuple(np.all(w == 0, axis=0) & (b == 0) for w, b in zip(grad_w[:-1], grad_b[:-1]))
    mean, std, saturated = _layer_statistics(net, x)
    return GradientReport(activation, norms, dead, loss, silent, mean, std, saturated)
