import json

import numpy as np
import pytest

import k9tf


def test_construct_network_is_plain_json_data():
    net = k9tf.construct_network(2, 3, 2, seed=1)
    assert json.loads(json.dumps(net)) == net
    assert net["sizes"] == [2, 3, 2] and net["seed"] == 1
    assert [len(layer["weights"]) for layer in net["layers"]] == [2, 3]
    assert [len(layer["weights"][0]) for layer in net["layers"]] == [3, 2]
    assert all(b == 0.0 for layer in net["layers"] for b in layer["biases"])
    assert all(type(w) is float for layer in net["layers"] for row in layer["weights"]
               for w in row)


def test_default_preset_learns_reliably():
    net = k9tf.construct_network(2, 3, 2)
    assert (net["model"], net["activation"], net["output"], net["loss"], net["init"]) == (
        "default", "tanh", "softmax", "softmax-cross-entropy", "glorot-uniform")


def test_article_preset():
    net = k9tf.construct_network(2, 16, 16, 2, model="article", seed=0)
    assert (net["activation"], net["output"], net["loss"], net["bias"], net["init"],
            net["dtype"]) == ("relu", "linear", "softmax-cross-entropy", True,
                              "truncated-normal", "float32")
    weights = np.concatenate([np.ravel(layer["weights"]) for layer in net["layers"]])
    assert np.abs(weights).max() <= 2.0 and 0.7 < weights.std() < 1.1


def test_seed_reproduces_and_none_is_random():
    assert k9tf.construct_network(2, 3, 2, seed=5) == k9tf.construct_network(2, 3, 2, seed=5)
    assert k9tf.construct_network(2, 3, 2, seed=5) != k9tf.construct_network(2, 3, 2, seed=6)
    assert k9tf.construct_network(2, 3, 2) != k9tf.construct_network(2, 3, 2)


def test_options_override_preset():
    net = k9tf.construct_network(4, 5, 3, activation="sigmoid", bias=False, dtype="float64",
                                 output="linear", loss="squared-error", init="truncated-normal")
    assert (net["activation"], net["bias"], net["dtype"], net["output"], net["loss"]) == (
        "sigmoid", False, "float64", "linear", "squared-error")


def test_sizes_as_one_list():
    assert k9tf.construct_network([2, 3, 2], seed=1) == k9tf.construct_network(2, 3, 2, seed=1)


def test_float32_weights_are_exact_doubles():
    net = k9tf.construct_network(2, 3, 2, seed=2)
    for layer in net["layers"]:
        values = np.asarray(layer["weights"])
        assert np.array_equal(values.astype(np.float32).astype(float), values)


@pytest.mark.parametrize("sizes, error, match", [
    ((2,), ValueError, "at least an input and an output"),
    ((2, 0, 2), ValueError, "sizes must be an int >= 1"),
    ((2, -3, 2), ValueError, "sizes"),
    ((2, 3.5, 2), TypeError, "sizes must be an int"),
    ((2, "3", 2), TypeError, "sizes"),
    ((2, True, 2), TypeError, "sizes"),
    ((2, 10**9, 2), ValueError, "units"),
])
def test_bad_sizes(sizes, error, match):
    with pytest.raises(error, match=match):
        k9tf.construct_network(*sizes)


@pytest.mark.parametrize("options, match", [
    ({"model": "keras"}, "model must be one of"),
    ({"activation": "gelu"}, "activation must be one of"),
    ({"output": "relu"}, "output must be one of"),
    ({"loss": "hinge"}, "loss must be one of"),
    ({"init": "zeros"}, "init must be one of"),
    ({"dtype": "float16"}, "dtype must be one of"),
    ({"output": "tanh"}, "softmax-cross-entropy"),
    ({"seed": -1}, "seed"),
])
def test_bad_options(options, match):
    with pytest.raises(ValueError, match=match):
        k9tf.construct_network(2, 3, 2, **options)


def test_unknown_option_and_bad_kinds():
    with pytest.raises(TypeError, match="epochs"):
        k9tf.construct_network(2, 3, 2, epochs=3)
    with pytest.raises(TypeError, match="bias"):
        k9tf.construct_network(2, 3, 2, bias="yes")
    with pytest.raises(TypeError, match="seed"):
        k9tf.construct_network(2, 3, 2, seed=1.5)


def test_softmax_needs_two_outputs():
    with pytest.raises(ValueError, match="at least 2 outputs"):
        k9tf.construct_network(2, 3, 1)
    assert k9tf.construct_network(2, 3, 1, model="k9")["sizes"] == [2, 3, 1]


def test_from_k9_takes_numpy_arrays():
    vector = [[0, 0], [[0.1, 0.2], [0.3, 0.4]], [0, 0]]
    arrays = [np.zeros(2), np.array(vector[1]), np.zeros(2)]
    assert k9tf.from_k9(arrays) == k9tf.from_k9(vector)
