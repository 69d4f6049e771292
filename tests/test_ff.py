import copy
import math

import numpy as np
import pytest

import k9tf


@pytest.fixture(scope="module")
def net():
    return k9tf.construct_network(2, 3, 2, seed=4)


def test_ff_single_and_batch(net):
    one = k9tf.ff([1, 0], net)
    assert isinstance(one, list) and len(one) == 2 and all(type(v) is float for v in one)
    assert math.isclose(sum(one), 1.0, rel_tol=1e-6)  # softmax output
    batch = k9tf.ff([[1, 0], [0, 1]], net)
    assert batch[0] == one and len(batch) == 2  # bit-identical: rows are computed alone


def test_ff_accepts_numpy(net):
    assert k9tf.ff(np.array([1.0, 0.0]), net) == k9tf.ff([1, 0], net)
    assert k9tf.ff(np.array([[1.0, 0.0]]), net) == [k9tf.ff([1, 0], net)]


def test_ff_does_not_mutate(net):
    before = copy.deepcopy(net)
    k9tf.ff([1, 1], net)
    assert net == before


def test_article_ff_returns_logits():
    net = k9tf.construct_network(2, 3, 2, model="article", seed=1)
    w = [np.asarray(layer["weights"]) for layer in net["layers"]]
    expected = np.maximum(np.array([1.0, 1.0]) @ w[0], 0) @ w[1]
    assert np.allclose(k9tf.ff([1, 1], net), expected, atol=1e-5)


@pytest.mark.parametrize("bad, error, match", [
    ([1, 0, 1], ValueError, "input has 3 values, the network takes 2"),
    ([1], ValueError, "input has 1 value, the network takes 2"),
    ([], ValueError, "input"),
    ([[1, 0], [1]], ValueError, "input row 1 has 1 value, the network takes 2"),
    (["a", 1], TypeError, r"input\[0\] must be a number, got 'a'"),
    ([None, 1], TypeError, "input"),
    ([float("nan"), 1], ValueError, "finite"),
    ([float("inf"), 1], ValueError, "finite"),
    ("10", TypeError, "input"),
    (5, TypeError, "input"),
])
def test_ff_bad_input(net, bad, error, match):
    with pytest.raises(error, match=match):
        k9tf.ff(bad, net)
    assert len(k9tf.ff([1, 0], net)) == 2  # still healthy


def test_accuracy():
    assert k9tf.accuracy([[0.9, 0.1], [0.2, 0.8]], [[1, 0], [1, 0]]) == 0.5
    with pytest.raises(ValueError, match="one row per prediction"):
        k9tf.accuracy([[1, 0]], [[1, 0], [0, 1]])
