"""Clojure (each backend) computes bit-identically what direct Python calls do, 200k rows too.

The results come from ``k9tf.parity-test``, run in each backend's clojure.test
suite (see ``clojure_suite`` in ``conftest.py``).
"""

import pytest

import k9tf
from jvm import MODES

pytestmark = pytest.mark.jvm


def python_results():
    x, y = k9tf.sample_logic_fn("xor", 200, seed=3)
    data = (x, y)
    net = k9tf.construct_network(2, 3, 2, seed=3)
    k9net = k9tf.construct_network(2, 4, 4, 2, model="k9", seed=4)
    online = k9tf.train_epochs(5, net, data, 0.5)
    big = k9tf.sample_logic_fn("xor", 200000, seed=7)
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
    }


@pytest.mark.parametrize("mode", MODES)
def test_clojure_matches_python_bit_for_bit(mode, clojure_suite):
    clojure = clojure_suite(mode).parity
    assert clojure is not None, "the Clojure suite wrote no parity results (see test_clojure)"
    assert clojure.pop("backend") == mode
    assert clojure == python_results()
