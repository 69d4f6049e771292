"""Every bad argument gets a clear TypeError/ValueError and leaves the process healthy."""

import copy

import pytest

import k9tf

NET = k9tf.construct_network(2, 3, 2, seed=1)
GOOD = [[[0, 1], [1, 0]], [[1, 1], [0, 1]]]


def _network(**changes):
    net = copy.deepcopy(NET)
    net.update(changes)
    return net


def _layer(**changes):
    net = copy.deepcopy(NET)
    net["layers"][0].update(changes)
    return net


BAD_TRAIN = [
    # (network, samples, learning_rate, kwargs, error, match)
    (NET, [], 0.5, {}, ValueError, "samples must not be empty"),
    (NET, [[[0, 1, 1], [1, 0]]], 0.5, {}, ValueError, "samples inputs must have 2 values"),
    (NET, [[[0, 1], [1, 0, 0]]], 0.5, {}, ValueError, "samples targets must have 2 values"),
    (NET, [[[0, 1], [1, 0]], [[0], [1, 0]]], 0.5, {}, ValueError, "rectangular"),
    (NET, [[[0, 1]]], 0.5, {}, ValueError, r"samples\[0\] must be an \[input, target\] pair"),
    (NET, [[["a", 1], [1, 0]]], 0.5, {}, TypeError, "numbers"),
    (NET, [[[None, 1], [1, 0]]], 0.5, {}, ValueError, "samples inputs"),
    (NET, [[[float("nan"), 1], [1, 0]]], 0.5, {}, ValueError, "finite"),
    (NET, [[[float("inf"), 1], [1, 0]]], 0.5, {}, ValueError, "finite"),
    (NET, [[[0, 1], [float("-inf"), 0]]], 0.5, {}, ValueError, "finite"),
    (NET, ([[0, 1]], [[1, 0], [0, 1]]), 0.5, {}, ValueError, "as many targets as inputs"),
    (NET, ([[0, 1]],), 0.5, {}, ValueError, r"\(inputs, labels\)"),
    (NET, {"inputs": [[0, 1]]}, 0.5, {}, ValueError, "'inputs' and 'labels'"),
    (NET, "samples", 0.5, {}, TypeError, "samples must be"),
    (NET, 42, 0.5, {}, TypeError, "samples must be"),
    (NET, GOOD, 0, {}, ValueError, "learning_rate"),
    (NET, GOOD, -0.1, {}, ValueError, "learning_rate"),
    (NET, GOOD, float("nan"), {}, ValueError, "learning_rate"),
    (NET, GOOD, float("inf"), {}, ValueError, "learning_rate"),
    (NET, GOOD, "0.5", {}, TypeError, "learning_rate"),
    (NET, GOOD, None, {}, TypeError, "learning_rate"),
    (NET, GOOD, 0.5, {"epochs": -1}, ValueError, "epochs"),
    (NET, GOOD, 0.5, {"epochs": 2.5}, TypeError, "epochs"),
    (NET, GOOD, 0.5, {"epochs": "3"}, TypeError, "epochs"),
    (NET, GOOD, 0.5, {"batch_size": 0}, ValueError, "batch_size"),
    (NET, GOOD, 0.5, {"batch_size": 1.0}, TypeError, "batch_size"),
    (NET, GOOD, 0.5, {"shuffle": "yes"}, TypeError, "shuffle"),
    (NET, GOOD, 0.5, {"seed": -5}, ValueError, "seed"),
    (NET, GOOD, 0.5, {"report_every": 0}, ValueError, "report_every"),
    (NET, GOOD, 0.5, {"loop": "eager"}, ValueError, "loop must be one of"),
    (NET, GOOD, 0.5, {"validation": [[[0], [1, 0]]]}, ValueError, "validation inputs"),
    (NET, GOOD, 0.5, {"callback": 3}, TypeError, "callback"),
    (NET, GOOD, 0.5, {"momentum": 0.9}, TypeError, "momentum"),
    ([], GOOD, 0.5, {}, TypeError, "network must be a dict"),
    (None, GOOD, 0.5, {}, TypeError, "network must be a dict"),
    (_network(layers=[]), GOOD, 0.5, {}, ValueError, "list of 2 layers"),
    (_network(sizes=[2, 0, 2]), GOOD, 0.5, {}, ValueError, "sizes"),
    (_network(activation="swish"), GOOD, 0.5, {}, ValueError, "activation must be one of"),
    (_network(version=99), GOOD, 0.5, {}, ValueError, "version"),
    (_network(extra=1), GOOD, 0.5, {}, ValueError, "unknown keys"),
    ({k: v for k, v in NET.items() if k != "layers"}, GOOD, 0.5, {}, ValueError,
     "missing keys"),
    (_layer(weights=[[0.1, 0.2, 0.3]]), GOOD, 0.5, {}, ValueError, "weights 2x3"),
    (_layer(weights=[[0.1, "x", 0.3], [1, 2, 3]]), GOOD, 0.5, {}, TypeError, "numbers"),
    (_layer(weights=[[0.1, float("nan"), 0.3], [1, 2, 3]]), GOOD, 0.5, {}, ValueError,
     "finite"),
    (_layer(biases=[0, 0]), GOOD, 0.5, {}, ValueError, "3 biases"),
    (_layer(bias=[0, 0, 0]), GOOD, 0.5, {}, ValueError, "'weights' and 'biases'"),
]


@pytest.mark.parametrize("network, samples, lr, kwargs, error, match", BAD_TRAIN)
def test_train_rejects(network, samples, lr, kwargs, error, match):
    with pytest.raises(error, match=match):
        k9tf.train(network, samples, lr, **kwargs)


def test_still_healthy_after_errors():
    for network, samples, lr, kwargs, error, _ in BAD_TRAIN[:5]:
        with pytest.raises(error):
            k9tf.train_epochs(1, network, samples, lr, **kwargs)
    assert k9tf.train_epochs(1, NET, GOOD, 0.5) != NET
