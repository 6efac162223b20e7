"""The numpy network: backward pass against central differences, and what it measures."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sigsat.core.network import Network, measure_gradients


def numerical_gradient(net, x, y, array):
    grad = np.zeros_like(array)
    h = 1e-6
    for idx in np.ndindex(array.shape):
        keep = array[idx]
        array[idx] = keep + h
        up = net.loss_and_gradients(x, y)[0]
        array[idx] = keep - h
        down = net.loss_and_gradients(x, y)[0]
        array[idx] = keep
        grad[idx] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_backward_pass_matches_central_differences(activation):
    rng = np.random.default_rng(5)
    net = Network(depth=3, width=4, activation=activation, init="normal", seed=2)
    for b in net.biases:
        b += rng.normal(scale=0.1, size=b.shape)  # non-zero biases exercise their gradients too
    x = rng.normal(size=(6, 4))
    y = rng.normal(size=(6, 1))
    _, grad_w, grad_b, _ = net.loss_and_gradients(x, y)
    for analytic, array in zip(grad_w + grad_b, net.weights + net.biases):
        assert_allclose(analytic, numerical_gradient(net, x, y, array), rtol=1e-5, atol=1e-8)


def test_measurement_is_deterministic_per_seed():
    a = measure_gradients("sigmoid", depth=5, width=8, seed=4)
    b = measure_gradients("sigmoid", depth=5, width=8, seed=4)
    c = measure_gradients("sigmoid", depth=5, width=8, seed=5)
    assert_allclose(a.grad_norms, b.grad_norms, rtol=0)
    assert not np.allclose(a.grad_norms, c.grad_norms)


def test_sigmoid_gradients_vanish_towards_the_input_and_relu_ones_do_not():
    sig = measure_gradients("sigmoid", depth=10, width=32, seed=0)
    relu = measure_gradients("relu", depth=10, width=32, seed=0)
    assert sig.grad_norms.shape == relu.grad_norms.shape == (10,)
    # Each sigmoid layer multiplies by at most 0.25 times a weight factor near 1: orders of magnitude.
    assert sig.first_to_last_ratio < 1e-4
    assert relu.first_to_last_ratio > 1e-2
    assert np.all(np.diff(np.log10(sig.grad_norms)) > 0), "monotone growth from input to output"


def test_dead_fraction_counts_units_that_never_fire():
    report = measure_gradients("relu", depth=4, width=16, seed=1, batch=32)
    net = Network(4, 16, "relu", seed=1)
    data = np.random.default_rng([1, 1])
    x, y = data.normal(size=(32, 16)), data.normal(size=(32, 1))
    pre = net.loss_and_gradients(x, y)[3]
    masks = [np.array([not np.any(z[:, j] > 0) for j in range(16)]) for z in pre]
    assert all(np.array_equal(a, b) for a, b in zip(report.dead_units, masks))
    assert_allclose(report.dead_fraction, [m.mean() for m in masks])
    assert np.all(measure_gradients("sigmoid", 4, 16, 1).dead_fraction == 0)


def test_a_dead_unit_passes_no_gradient():
    net = Network(depth=2, width=3, activation="relu", seed=0)
    net.biases[0][1] = -1e6  # unit 1 of layer 1 never fires
    x = np.random.default_rng(0).normal(size=(8, 3))
    _, grad_w, _, _ = net.loss_and_gradients(x, np.zeros((8, 1)))
    assert np.all(grad_w[0][:, 1] == 0)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="activation"):
        Network(2, 2, "softplus")
    with pytest.raises(ValueError, match="init"):
        Network(2, 2, "relu", init="orthogonal")


def test_a_dead_last_layer_leaves_no_gradient_and_no_ratio():
    # ReLU, depth 2, width 2, seed 5, batch 3: both units of layer 2 never fire on the batch.
    report = measure_gradients("relu", depth=2, width=2, seed=5, batch=3)
    assert report.dead_units[-1].all() and not report.dead_units[0].any()
    assert np.all(report.grad_norms == 0), "no gradient reaches layer 1 either"
    # Layer 1's units fire, but no gradient reaches them: they do not learn either.
    assert all(mask.all() for mask in report.silent_units)
    assert report.first_to_last_ratio is None  # 0 / 0, and no RuntimeWarning (warnings are errors)


def test_silent_units_are_the_units_whose_parameters_get_no_gradient():
    net = Network(depth=3, width=4, activation="relu", seed=0)
    net.biases[1][:] = -1e6  # layer 2 dead throughout; layer 3 gets only zeros, so dead too
    data = np.random.default_rng([0, 1])
    x, y = data.normal(size=(16, 4)), data.normal(size=(16, 1))
    _, grad_w, grad_b, pre = net.loss_and_gradients(x, y)
    assert (pre[0] > 0).any(axis=0).all(), "every unit of layer 1 fires ..."
    for k in range(3):  # ... and still gets no gradient, like the dead layers
        assert all(not grad_w[k][:, j].any() and grad_b[k][j] == 0 for j in range(4))
    report = measure_gradients("relu", depth=10, width=32, seed=0)
    assert np.array_equal(report.silent_fraction, report.dead_fraction), "no dead layer: only the dead"
