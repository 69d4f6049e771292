"""The clojure.test suite, through every way Clojure reaches the Python core, and its parity
results: Clojure (each backend) computes bit-identically what direct Python calls do, 200k rows
too.

One JVM a backend runs the whole suite (``clojure_suite`` in ``conftest.py``), whose
``k9tf.parity-test`` writes the results compared here; the two tests share it, so they live in
one module (pytest-xdist's ``--dist loadscope`` runs a module in one worker).
"""

import functools

import pytest

import k9tf
from jvm import MODES

pytestmark = pytest.mark.jvm


@pytest.mark.parametrize("mode", MODES)
def test_clojure_suite(mode, clojure_suite):
    done = clojure_suite(mode).process
    print(done.stdout[-5000:], done.stderr[-5000:])
    assert done.returncode == 0, "clojure.test reported failures (see output)"
    assert "0 failures, 0 errors." in done.stdout
    assert "0 reflection warnings." in done.stdout


@functools.cache  # one computation for every backend's comparison in this process
def python_results():
    x, y = k9tf.sample_logic_fn("xor", 200, seed=3)
    data = (x, y)
    net = k9tf.construct_network(2, 3, 2, seed=3)
    k9net = k9tf.construct_network(2, 4, 4, 2, model="k9", seed=4)
    online = k9tf.train_epochs(5, net, data, 0.5)
    big = k9tf.sample_logic_fn("xor", 200000, seed=7)
    rows = [[float(i % 7), 0.5 * i] for i in range(30)]
    kinds = [["low", "mid", "high"][i % 3] for i in range(30)]
    table, samples = k9tf.encode_table(k9tf.construct_network(2, 4, 3, seed=5), rows, kinds,
                                       features=["x", "y"], target="kind", standardize=True,
                                       keywords=True)
    table = k9tf.train_epochs(20, table, samples, 0.1, batch_size=4, optimizer="adam",
                              shuffle=True, seed=1)
    return {
        "net": net,
        "online": online,
        "full": k9tf.train_epochs(30, net, data, 0.5, batch_size=None),
        "mini": k9tf.train_epochs(3, net, data, 0.5, batch_size=16, shuffle=True, seed=2),
        "k9": k9tf.train_epochs(5, k9net, data, 0.2),
        "ff": k9tf.ff([[0, 0], [0, 1], [1, 0], [1, 1], [0.25, 0.75]], online),
        "big-full": k9tf.train_epochs(1, net, big, 0.5, batch_size=None),
        "big-ff": k9tf.ff(big[0].tolist(), online),
        "arrays": k9tf.ff([[0, 1], [0.5, 0.25]], online),
        "adam": k9tf.train_epochs(5, net, data, 0.05, optimizer="adam", alpha=0.001,
                                  batch_size=16, shuffle=True, seed=2),
        "nesterov": k9tf.train_epochs(4, net, data, 0.1, momentum=0.9, nesterov=True,
                                      schedule="step", decay_epochs=2, batch_size=8),
        "early": early_stopped(net, data),
    }


def early_stopped(net, data):
    network, history = k9tf.train(net, data, 0.5, epochs=30, batch_size=16, optimizer="adam",
                                  early_stopping=True, validation_fraction=0.2, patience=1,
                                  seed=5, report_every=None)
    keys = ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "stopped_epoch",
            "best_epoch"]
    return {"network": network, "history": {k.replace("_", "-"): history[k] for k in keys}}


@pytest.mark.parametrize("mode", MODES)
def test_clojure_matches_python_bit_for_bit(mode, clojure_suite):
    clojure = clojure_suite(mode).parity
    assert clojure is not None, "the Clojure suite wrote no parity results (see test_clojure)"
    assert clojure.pop("backend") == mode
    assert clojure == python_results()
