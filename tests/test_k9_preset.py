"""The k9 preset against k9's own published test vectors (gigasquid/k9 core_test.clj)."""

import numpy as np
import pytest

import k9tf

INPUT_HIDDEN = [[0.12, 0.2, 0.13], [0.01, 0.02, 0.03]]
HIDDEN_OUTPUT = [[0.15, 0.16], [0.02, 0.03], [0.01, 0.02]]
NN = [[0, 0], INPUT_HIDDEN, [0, 0, 0], HIDDEN_OUTPUT, [0, 0]]


def k9_reference_step(weights, x, t, lr):
    """k9's train-network in numpy float64: tanh everywhere, deltas from old weights."""
    acts = [np.asarray(x, float)]
    for w in weights:
        acts.append(np.tanh(acts[-1] @ w))
    delta = (1 - acts[-1] ** 2) * (np.asarray(t, float) - acts[-1])
    new = [None] * len(weights)
    for i in reversed(range(len(weights))):
        new[i] = weights[i] + lr * np.outer(acts[i], delta)
        delta = (1 - acts[i] ** 2) * (weights[i] @ delta)
    return new


@pytest.fixture(scope="module")
def nn():
    return k9tf.from_k9(NN)


def test_from_k9_builds_k9_preset(nn):
    assert nn["sizes"] == [2, 3, 2]
    assert (nn["model"], nn["activation"], nn["output"], nn["loss"]) == (
        "k9", "tanh", "tanh", "squared-error")
    assert nn["bias"] is False and nn["dtype"] == "float64"
    assert nn["layers"][0]["weights"] == INPUT_HIDDEN
    assert nn["layers"][1]["biases"] == [0.0, 0.0]


def test_untrained_ff_matches_k9(nn):
    expected = [0.02315019005321053, 0.027608061500083565]
    assert k9tf.ff([1, 0], nn) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("loop", ["xla", "session"])
def test_train_data_matches_k9_n2(nn, loop):
    data = [[[1, 0], [0, 1]], [[0.5, 0], [0, 0.5]], [[0.25, 0], [0, 0.25]]]
    trained = k9tf.train_data(nn, data, 0.5, loop=loop)
    expected = [0.03765676393050254, 0.10552175312900794]
    assert k9tf.ff([1, 0], trained) == pytest.approx(expected, abs=1e-12)


def test_one_update_matches_k9_strengths(nn):
    trained = k9tf.train_data(nn, [[[1, 0], [0, 1]]], 0.2)
    expected = [[0.14996511847614283, 0.20551384334705303, 0.13377615028650064],
                [0.01, 0.02, 0.03]]
    assert np.allclose(trained["layers"][0]["weights"], expected, atol=1e-12, rtol=0)


def test_train_epochs_matches_k9_reference_loop():
    rng = np.random.default_rng(7)
    weights = [rng.uniform(0, 1 / 12, (2, 6)), rng.uniform(0, 1 / 36, (6, 6)),
               rng.uniform(0, 1 / 12, (6, 2))]
    net = k9tf.from_k9([[0, 0], weights[0].tolist(), [0] * 6, weights[1].tolist(), [0] * 6,
                        weights[2].tolist(), [0, 0]])
    data = [[[float(a), float(b)], [float(a and b), float(not (a and b))]]
            for a, b in rng.integers(0, 2, (50, 2))]
    reference = weights
    for _ in range(20):
        for x, t in data:
            reference = k9_reference_step(reference, x, t, 0.5)
    trained = k9tf.train_epochs(20, net, data, 0.5)
    for layer, expected in zip(trained["layers"], reference):
        assert np.allclose(layer["weights"], expected, atol=1e-12, rtol=0)
    assert trained["layers"][0]["biases"] == [0.0] * 6


def test_k9_construct_network_draws_k9_strengths():
    net = k9tf.construct_network(2, 3, 2, model="k9", seed=3)
    first = np.asarray(net["layers"][0]["weights"])
    assert first.shape == (2, 3) and first.min() >= 0 and first.max() < 1 / 6


def test_from_k9_rejects_malformed_vectors():
    with pytest.raises(ValueError, match="odd number"):
        k9tf.from_k9([[0, 0], INPUT_HIDDEN])
    with pytest.raises(ValueError, match="^k9_network is not a valid k9 network: .*3x3"):
        k9tf.from_k9([[0, 0, 0], INPUT_HIDDEN, [0, 0, 0]])
    with pytest.raises(TypeError):
        k9tf.from_k9("k9")
