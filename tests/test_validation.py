"""Every bad argument gets a clear TypeError/ValueError and leaves the process healthy."""

import copy

import numpy as np
import pytest

import k9tf
from k9tf.model import all_finite

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
    (NET, [[[0, 1, 1], [1, 0]]], 0.5, {}, ValueError,
     r"samples\[0\] input has 3 values, the network takes 2\."),
    (NET, [[[0, 1], [1, 0, 0]]], 0.5, {}, ValueError,
     r"samples\[0\] target has 3 values, the network gives 2\."),
    (NET, [[[0, 1], [1, 0]], [[0], [1, 0]]], 0.5, {}, ValueError,
     r"samples\[1\] input has 1 value, the network takes 2\."),
    (NET, [[[0, 1]]], 0.5, {}, ValueError, r"samples\[0\] must be \[input, target\]"),
    (NET, [[1, 2]], 0.5, {}, TypeError, r"samples\[0\] must be \[input, target\].*got \[1, 2\]"),
    (NET, [[["a", 1], [1, 0]]], 0.5, {}, TypeError,
     r"samples\[0\] input\[0\] must be a number, got 'a'\."),
    (NET, [[[None, 1], [1, 0]]], 0.5, {}, TypeError, r"samples\[0\] input\[0\].*got None"),
    (NET, [[[float("nan"), 1], [1, 0]]], 0.5, {}, ValueError, "finite"),
    (NET, [[[float("inf"), 1], [1, 0]]], 0.5, {}, ValueError, "finite"),
    (NET, [[[0, 1], [float("-inf"), 0]]], 0.5, {}, ValueError, "finite"),
    (NET, ([[0, 1]], [[1, 0], [0, 1]]), 0.5, {}, ValueError, "as many labels as inputs"),
    (NET, ([[0, 1]], [1]), 0.5, {}, TypeError, "samples labels row 0 must be a list of 2 numbers"),
    (NET, ([[0, 1], [1]], [[1, 0], [0, 1]]), 0.5, {}, ValueError,
     "samples inputs row 1 has 1 value, the network takes 2"),
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
    (NET, GOOD, 0.5, {"validation": [[[0], [1, 0]]]}, ValueError,
     r"validation\[0\] input has 1 value"),
    (NET, GOOD, 0.5, {"callback": 3}, TypeError, "callback"),
    (NET, GOOD, 0.5, {"momentum": "0.9"}, TypeError, "momentum must be a real number"),
    (NET, GOOD, 0.5, {"nesterovs_momentum": True}, TypeError, "nesterovs_momentum"),
    ([], GOOD, 0.5, {}, TypeError, "network must be a dict"),
    (None, GOOD, 0.5, {}, TypeError, "network must be a dict"),
    (_network(layers=[]), GOOD, 0.5, {}, ValueError, "list of 2 layers"),
    (_network(sizes=[2, 0, 2]), GOOD, 0.5, {}, ValueError, "sizes"),
    (_network(activation="swish"), GOOD, 0.5, {}, ValueError, "activation must be one of"),
    (_network(version=99), GOOD, 0.5, {}, ValueError, "version"),
    (_network(extra=1), GOOD, 0.5, {}, ValueError, "unknown keys"),
    ({k: v for k, v in NET.items() if k != "layers"}, GOOD, 0.5, {}, ValueError,
     "missing keys"),
    (_layer(weights=[[0.1, 0.2, 0.3]]), GOOD, 0.5, {}, ValueError, "weights must be 2x3"),
    (_layer(weights=[[0.1, "x", 0.3], [1, 2, 3]]), GOOD, 0.5, {}, TypeError,
     r"network layer 0 weights\[0\]\[1\] must be a number, got 'x'"),
    (_layer(weights=[[0.1, float("nan"), 0.3], [1, 2, 3]]), GOOD, 0.5, {}, ValueError,
     "finite"),
    (_layer(biases=[0, 0]), GOOD, 0.5, {}, ValueError,
     "network layer 0 biases has 2 values, the layer has 3 units"),
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


# Issue 11, reproduction 11: values beyond the network's dtype, booleans, byte strings,
# malformed versions and accuracy's arguments; issue 10: messages in the caller's terms.

K9_NET = k9tf.construct_network(2, 3, 2, model="k9", seed=1)  # float64


@pytest.mark.parametrize("call", [
    lambda: k9tf.ff([1e39, 0], NET),
    lambda: k9tf.ff([[0, 1], [0, -1e39]], NET),
    lambda: k9tf.ff([10**400, 0], K9_NET),
    lambda: k9tf.train_epochs(1, NET, [[[1e39, 0], [1, 0]]], 0.5),
    lambda: k9tf.train_epochs(1, NET, ([[0, 1]], np.array([[3e38 * 10, 0.0]])), 0.5),
    lambda: k9tf.ff([1, 0], _layer(weights=[[0.1, 1e39, 0.3], [1, 2, 3]])),
    lambda: k9tf.ff([1, 0], _layer(biases=[0, 0, -1e39])),
])
def test_values_beyond_the_dtype_are_refused_like_nan(call):
    with pytest.raises(ValueError, match=r"must be within float(32|64)'s range \(±"):
        call()


def test_float64_networks_take_large_floats():
    assert len(k9tf.ff([1e39, 0], K9_NET)) == 2


@pytest.mark.parametrize("bad", [
    [True, 0], [True, False], [1, np.True_], np.array([True, False]), [[0, 1], [False, 1]],
])
def test_booleans_are_not_numbers(bad):
    with pytest.raises(TypeError, match=r"must be a number, got (True|False) \(booleans are not "
                                        r"numbers here; use 1 or 0\)"):
        k9tf.ff(bad, NET)


@pytest.mark.parametrize("samples", [
    [[[True, 0], [1, 0]]], [[[0, 1], [True, False]]], ([[0, 1]], np.array([[True, False]])),
])
def test_booleans_in_samples(samples):
    with pytest.raises(TypeError, match="booleans are not numbers"):
        k9tf.train_epochs(1, NET, samples, 0.5)


@pytest.mark.parametrize("bad", [b"\x01\x00", bytearray(b"\x01\x00"), memoryview(b"\x01\x00"),
                                 "10"])
def test_bytes_and_text_are_not_inputs(bad):
    with pytest.raises(TypeError, match="^input must be a list of numbers"):
        k9tf.ff(bad, NET)
    with pytest.raises(TypeError, match=r"^samples\[0\] must be \[input, target\]|^samples "):
        k9tf.train_epochs(1, NET, [[bad, [1, 0]]], 0.5)


@pytest.mark.parametrize("version", [True, 1.0, "1", None, 3])
def test_version_must_be_the_int_1_or_2(version):
    with pytest.raises(ValueError, match=r"^network version must be 1 or 2 \(with data\), got "
                                         f"{version!r}"):
        k9tf.ff([1, 0], _network(version=version))
    with pytest.raises(ValueError, match=r"missing keys \['data'\]"):
        k9tf.ff([1, 0], _network(version=2))


@pytest.mark.parametrize("predictions, labels, error, match", [
    ([[float("nan"), 0]], [[1, 0]], ValueError, r"^predictions\[0\]\[0\] must be a finite number"),
    ([[0.5, 0.5]], [[float("inf"), 0]], ValueError, r"^labels\[0\]\[0\] must be a finite number"),
    ([["0.9", "0.1"]], [[1, 0]], TypeError, r"^predictions\[0\]\[0\] must be a number, got '0\.9'"),
    ("ab", [[1, 0]], TypeError, "^predictions must be a list of rows"),
    ([[0.9, 0.1]], [[True, False]], TypeError, "booleans"),
    ([[0.9, 0.1]], [[1, 0, 0]], ValueError, r"^labels row 0 has 3 values, predictions have 2\."),
    ([[0.9, 0.1]], [[1, 0], [0, 1]], ValueError, "^labels must have one row per prediction"),
    ([], [], ValueError, "^predictions must not be empty"),
])
def test_accuracy_rejects(predictions, labels, error, match):
    with pytest.raises(error, match=match):
        k9tf.accuracy(predictions, labels)


@pytest.mark.parametrize("call, message", [
    (lambda: k9tf.train_epochs(10, NET, [[1, 2]], 0.5),
     "samples[0] must be [input, target], two lists of numbers; got [1, 2]."),
    (lambda: k9tf.ff([[0, 1], [1, 0], [1, 1], [1]], NET),
     "input row 3 has 1 value, the network takes 2."),
    (lambda: k9tf.ff([1, "a"], NET), "input[1] must be a number, got 'a'."),
    (lambda: k9tf.ff(np.array(["1", "0"]), NET), "input[0] must be a number, got '1'."),
    (lambda: k9tf.ff([[1, 0], [np.str_("1"), 0]], NET), "input[1][0] must be a number, got '1'."),
    (lambda: k9tf.ff([1, None], NET), "input[1] must be a number, got None."),
    (lambda: k9tf.train_epochs(1, NET, [[[0, 1], [1, 0]], [[0, 1], ["x", 0]]], 0.5),
     "samples[1] target[0] must be a number, got 'x'."),
    (lambda: k9tf.train(NET, (np.array([[0, 1, 1]]), [[1, 0]]), 0.5),
     "samples inputs row 0 has 3 values, the network takes 2."),
])
def test_messages_speak_the_callers_language(call, message):
    with pytest.raises((TypeError, ValueError)) as error:
        call()
    assert str(error.value) == message


def test_all_finite_sees_every_nan_and_inf_and_no_overflow_of_the_sum():
    big = np.full((1000, 8), np.finfo(np.float32).max, np.float32)  # their sum overflows
    assert all_finite(big)
    for bad in (np.nan, np.inf, -np.inf):
        x = big.copy()
        x[999, 7] = bad
        assert not all_finite(x)
    mixed = np.zeros((3, 2))
    mixed[0, 0], mixed[2, 1] = np.inf, -np.inf  # their sum is NaN
    assert not all_finite(mixed)
    assert all_finite(np.zeros((0, 4)))


def test_input_with_one_nan_in_a_large_array_is_named():
    x = np.ones((50_000, 4), np.float32)
    x[43_210, 3] = np.nan
    with pytest.raises(ValueError, match=r"input\[43210\]\[3\] must be a finite number"):
        k9tf.ff(x, k9tf.construct_network(4, 3, 2, seed=1))
