"""The network with part two's activations and residual connections: the backward pass against
central differences, the per-layer statistics and the dead units against a forward pass written
here."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit

from sigsat.core.network import ACTIVATIONS, Network, measure_gradients
from sigsat.core.saturation import saturation_threshold
from tests.test_network import numerical_gradient


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("residual", [False, True, (True, False, True)], ids=["plain", "skip", "mixed"])
def test_backward_pass_matches_central_differences(activation, residual):
    rng = np.random.default_rng(7)
    net = Network(depth=3, width=4, activation=activation, init="normal", seed=3,
                  residual=residual, leaky_slope=0.2)
    for b in net.biases:
        b += rng.normal(scale=0.3, size=b.shape)  # off the kinks at 0, and non-zero bias gradients
    x = rng.normal(size=(6, 4))
    y = rng.normal(size=(6, 1))
    _, grad_w, grad_b, _ = net.loss_and_gradients(x, y)
    for analytic, array in zip(grad_w + grad_b, net.weights + net.biases):
        assert_allclose(analytic, numerical_gradient(net, x, y, array), rtol=1e-5, atol=1e-8)


def test_the_identity_path_passes_the_gradient_on_unchanged():
    # A residual layer with zero weights is the identity: the gradient before it equals the one
    # after it, so the layer below gets exactly the same weight gradient with or without it.
    x = np.random.default_rng(0).normal(size=(5, 3))
    y = np.zeros((5, 1))
    plain = Network(depth=1, width=3, activation="sigmoid", seed=1)
    stacked = Network(depth=2, width=3, activation="sigmoid", seed=1, residual=(False, True))
    stacked.weights[0], stacked.biases[0] = plain.weights[0].copy(), plain.biases[0].copy()
    stacked.weights[1][:] = 0.0
    stacked.biases[1][:] = -1e3  # sigmoid(-1000) = 0: the layer adds nothing to the identity
    stacked.weights[2], stacked.biases[2] = plain.weights[1].copy(), plain.biases[1].copy()
    assert_allclose(stacked.loss_and_gradients(x, y)[1][0], plain.loss_and_gradients(x, y)[1][0],
                    rtol=1e-14)


def forward_by_hand(activation, depth, width, seed, residual, batch):
    """The measured network's hidden pre-activations and outputs, recomputed here: He for ReLU
    family, Xavier otherwise, the same seeded draws as :func:`measure_gradients` documents."""
    f = {"sigmoid": expit, "relu": lambda z: np.maximum(z, 0),
         "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}[activation]
    rng = np.random.default_rng(seed)
    data = np.random.default_rng([seed, 1])
    h = data.normal(size=(batch, width))
    pre, outs = [], []
    for _ in range(depth):
        std = np.sqrt(2.0 / width) if activation != "sigmoid" else np.sqrt(2.0 / (2 * width))
        z = h @ rng.normal(0.0, std, size=(width, width))
        h = h + f(z) if residual else f(z)
        pre.append(z)
        outs.append(h)
    return pre, outs


@pytest.mark.parametrize("activation, residual", [("sigmoid", False), ("sigmoid", True), ("relu", False)])
def test_activation_statistics_are_those_of_the_forward_pass(activation, residual):
    report = measure_gradients(activation, depth=6, width=16, seed=3, batch=40, residual=residual)
    pre, outs = forward_by_hand(activation, 6, 16, 3, residual, 40)
    assert_allclose(report.act_mean, [h.mean() for h in outs], rtol=1e-12, atol=1e-15)
    assert_allclose(report.act_std, [h.std() for h in outs], rtol=1e-12)
    if activation == "sigmoid":  # slope below a tenth of the peak <=> |z| beyond the closed form
        beyond = float(saturation_threshold(0.1))
        assert_allclose(report.saturated_fraction, [np.mean(np.abs(z) > beyond) for z in pre])
    else:  # ReLU's slope is 0 (below a tenth of 1) exactly where z <= 0
        assert_allclose(report.saturated_fraction, [np.mean(z <= 0) for z in pre])


def test_residual_connections_keep_the_sigmoid_gradient():
    plain = measure_gradients("sigmoid", depth=12, width=16, seed=2)
    skip = measure_gradients("sigmoid", depth=12, width=16, seed=2, residual=True)
    assert plain.first_to_last_ratio < 1e-4
    assert skip.first_to_last_ratio > 100 * plain.first_to_last_ratio


def test_leaky_relu_has_no_dead_units_where_relu_has_some():
    relu = measure_gradients("relu", depth=10, width=32, seed=0)
    leaky = measure_gradients("leaky_relu", depth=10, width=32, seed=0)
    pre, _ = forward_by_hand("relu", 10, 32, 0, False, 64)
    by_hand = sum(int(np.all(z <= 0, axis=0).sum()) for z in pre)
    assert relu.dead_count == by_hand > 0
    assert leaky.dead_count == 0 and np.all(leaky.silent_fraction == 0)
    # with a slope of 0 leaky ReLU is ReLU: the same units die
    assert measure_gradients("leaky_relu", 10, 32, 0, leaky_slope=0.0).dead_count == by_hand


def test_bad_residual_flags_are_refused():
    with pytest.raises(ValueError, match="residual"):
        Network(3, 2, "relu", residual=(True, False))
