"""Networks that remember their checked form: never stale, still plain data."""

import copy
import json
import pickle

import numpy as np
import pytest

import k9tf
from k9tf.model import _cache, checked_network, recall

X = [0.7, 0.3]


def fresh(network):
    """Return the same network as plain lists (checked in full, remembered by nothing)."""
    return json.loads(json.dumps(network))


def test_returned_networks_are_plain_data_that_remember_their_form():
    net = k9tf.construct_network(2, 3, 2, seed=1)
    assert type(net) is dict
    assert json.loads(json.dumps(net)) == net
    assert repr(net) == repr(fresh(net))
    assert recall(net) is not None
    for copied in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):  # plain lists
        assert copied == net and recall(copied) is None
        assert type(copied["sizes"]) is type(copied["layers"][0]["weights"][0]) is list
    assert type(copy.copy(net["sizes"])) is list
    assert type(net["layers"][0]["weights"][0][:]) is list
    trained = k9tf.train_epochs(1, net, [[X, [0, 1]]], 0.5)
    assert recall(trained) is not None and recall(k9tf.from_k9([[0, 0], [[0.1], [0.2]], [0]]))


def test_recalled_form_equals_a_full_check():
    for net in (k9tf.construct_network(3, 5, 2, seed=2),
                k9tf.construct_network(2, 4, 2, model="k9", seed=2),
                k9tf.train_epochs(2, k9tf.construct_network(2, 3, 2, seed=3), [[X, [0, 1]]], 0.5)):
        spec, params, packed = checked_network(net)
        spec2, params2, packed2 = checked_network(fresh(net))
        assert spec == spec2 and packed.dtype == packed2.dtype
        assert packed.tobytes() == packed2.tobytes()
        assert all(a.tobytes() == b.tobytes() for a, b in zip(params, params2))


@pytest.mark.parametrize("change", [
    lambda n: n["layers"][0]["weights"][0].__setitem__(1, 0.5),       # one weight, in place
    lambda n: n["layers"][0]["weights"].__setitem__(0, [0.5, 0.5, 0.5]),  # a row replaced
    lambda n: n["layers"][0].__setitem__("weights", [[0.5] * 3] * 2),  # a matrix replaced
    lambda n: n["layers"][1]["biases"].__setitem__(0, 1),             # an int for a float
    lambda n: n["layers"][1]["biases"].__setitem__(slice(0, 2), [2.0, 1.0]),
    lambda n: n["layers"][0]["weights"].reverse(),
    lambda n: n["layers"][0]["weights"][1].sort(),
    lambda n: n.__setitem__("activation", "relu"),
    lambda n: n.__setitem__("output", "sigmoid"),
    lambda n: n["layers"].reverse(),  # then the shapes are wrong
    lambda n: n["layers"][0].__setitem__("biases", n["layers"][1]["biases"]),
])
def test_a_changed_network_is_never_served_from_its_form(change):
    net = k9tf.construct_network(2, 3, 2, seed=4)
    before = k9tf.ff(X, net)
    change(net)
    assert recall(net) is None
    try:
        expected = k9tf.ff(X, fresh(net))
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error)):
            k9tf.ff(X, net)
        return
    assert k9tf.ff(X, net) == expected
    assert k9tf.ff(X, net) != before


def test_a_weight_changed_then_restored_is_checked_and_right():
    net = k9tf.construct_network(2, 3, 2, seed=5)
    before = k9tf.ff(X, net)
    row = net["layers"][0]["weights"][0]
    old = row[0]
    row[0] = old + 1.0
    changed = k9tf.ff(X, net)
    assert changed != before and changed == k9tf.ff(X, fresh(net))
    row[0] = old
    assert k9tf.ff(X, net) == before
    row[0] = True  # a bool is refused, even though True == 1.0
    with pytest.raises(TypeError, match="weights"):
        k9tf.ff(X, net)
    row[0] = -0.0 if old == 0.0 else old
    net["layers"][1]["biases"][0] = -0.0  # -0.0 == 0.0, yet it is another weight
    assert k9tf.ff(X, net) == k9tf.ff(X, fresh(net))


def test_an_equal_network_gives_the_same_result():
    net = k9tf.construct_network(2, 16, 16, 2, seed=6)
    outputs = k9tf.ff(X, net)
    assert k9tf.ff(X, fresh(net)) == outputs
    assert k9tf.ff(X, copy.deepcopy(net)) == outputs
    assert k9tf.ff(X, {**net}) == outputs
    assert recall({**net}) is not None  # the same lists in another dict: the same network
    assert recall({**net, "seed": 7}) is None


def test_bypassing_the_lists_methods_is_the_documented_limit():
    net = k9tf.construct_network(2, 3, 2, seed=8)
    list.__setitem__(net["layers"][0]["weights"][0], 0, 9.0)  # the base class's own method
    assert recall(net) is not None  # not seen, as the module docstring says


def test_big_networks_are_remembered_too():
    net = k9tf.construct_network(784, 128, 10, seed=9)
    x = np.random.default_rng(0).uniform(size=784).tolist()
    outputs = k9tf.ff(x, net)
    assert recall(net) is not None and k9tf.ff(x, fresh(net)) == outputs
    net["layers"][0]["weights"][3][4] += 1.0
    assert recall(net) is None and k9tf.ff(x, net) == k9tf.ff(x, fresh(net))


def test_one_input_row_fast_path_checks_like_the_general_one():
    net = k9tf.construct_network(2, 3, 2, seed=10)
    assert k9tf.ff([1, 0], net) == k9tf.ff([1.0, 0.0], net) == k9tf.ff(np.array([1.0, 0.0]), net)
    assert k9tf.ff([2**62, 0], net) == k9tf.ff([float(2**62), 0.0], net)
    for bad, error in [([1e39, 0], "range"), ([float("nan"), 0], "finite"), ([True, 0], "bool"),
                       ([10**400, 0], "range"), ([1], "1 value"),
                       (np.array([np.inf, 0.0]), "finite")]:
        with pytest.raises((TypeError, ValueError), match=error):
            k9tf.ff(bad, net)


def test_cached_network_is_never_stale():
    net = k9tf.construct_network(2, 3, 2, seed=1)
    before = k9tf.ff([1, 0], net)
    net["layers"][0]["weights"][0][2] += 0.5  # in place
    assert k9tf.ff([1, 0], net) == k9tf.ff([1, 0], copy.deepcopy(net)) != before
    net["layers"][1]["biases"][0] = 1  # an int where a float was
    assert k9tf.ff([1, 0], net) == k9tf.ff([1, 0], json.loads(json.dumps(net)))
    net["activation"] = "relu"
    assert k9tf.ff([1, 0], net) == k9tf.ff([1, 0], copy.deepcopy(net))
    net["layers"][0]["weights"][0] = "x"
    with pytest.raises((TypeError, ValueError)):
        k9tf.ff([1, 0], net)


def test_cached_network_of_arrays_is_never_stale():
    net = k9tf.construct_network(2, 3, 2, seed=1)
    arrays = {**net, "layers": [{k: np.array(v) for k, v in layer.items()}
                                for layer in net["layers"]]}
    assert _cache._snapshot(arrays) is not None  # remembered, like the bridge's networks
    assert k9tf.ff([1, 0], arrays) == k9tf.ff([1, 0], net)
    arrays["layers"][0]["weights"][0, 2] += 0.5  # in place
    net["layers"][0]["weights"][0][2] += 0.5
    assert k9tf.ff([1, 0], arrays) == k9tf.ff([1, 0], net)
    arrays["layers"][1]["biases"] = arrays["layers"][1]["biases"].astype(np.float32)
    assert k9tf.ff([1, 0], arrays) == k9tf.ff([1, 0], net)
    tagged = {**net, "layers": [{k: ("array", "<f8", np.shape(v), np.array(v).tobytes())
                                 for k, v in layer.items()} for layer in net["layers"]]}
    with pytest.raises((TypeError, ValueError)):  # no plain value looks like an array's snapshot
        k9tf.ff([1, 0], tagged)
    weights = arrays["layers"][0]["weights"]

    def with_weights(w):  # the same bytes in another array: another network
        return {**arrays, "layers": [{**arrays["layers"][0], "weights": w}, arrays["layers"][1]]}

    as_ints = weights.view(np.int64)
    assert k9tf.ff([1, 0], with_weights(as_ints)) == k9tf.ff([1, 0], with_weights(as_ints.tolist()))
    with pytest.raises(ValueError, match="weights"):
        k9tf.ff([1, 0], with_weights(weights.reshape(3, 2)))
    arrays["layers"][0]["weights"] = weights.astype(object)
    assert _cache._snapshot(arrays) is None
    assert k9tf.ff([1, 0], arrays) == k9tf.ff([1, 0], net)
    scalars = copy.deepcopy(net)  # numpy scalars: marshal would write their bare bytes
    scalars["layers"][1]["biases"] = [np.float64(b) for b in net["layers"][1]["biases"]]
    assert _cache._snapshot(scalars) is None
    assert k9tf.ff([1, 0], scalars) == k9tf.ff([1, 0], net)


def test_cached_parameters_cannot_be_changed_through_results():
    net = k9tf.construct_network(2, 3, 2, seed=2)
    spec, params, packed = _cache.checked_network(net)
    spec["sizes"].append(9)
    assert not packed.flags.writeable and not any(p.flags.writeable for p in params)
    assert _cache.checked_network(net)[0]["sizes"] == [2, 3, 2]
