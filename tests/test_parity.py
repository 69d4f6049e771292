"""Clojure (each backend) computes bit-identically what direct Python calls do, 200k rows too."""

import json

import pytest

import k9tf
from jvm import MODES, run

CLOJURE = """
(require '[k9tf.core :as k9] '[k9tf.python :as py] '[clojure.data.json :as json])
(let [data (k9/sample-logic :xor 200 :seed 3)
      net (k9/construct-network 2 3 2 {:seed 3})
      k9net (k9/construct-network {:sizes [2 4 4 2] :model :k9 :seed 4})
      online (k9/train-epochs 5 net data 0.5)
      big (k9/sample-logic :xor 200000 :seed 7)]
  (println "PARITY" (json/write-str
    {:backend (py/current-backend-kind)
     :net net
     :online online
     :full (k9/train-epochs 30 net data 0.5 :batch-size :full)
     :mini (k9/train-epochs 3 net data 0.5 :batch-size 16 :shuffle true :seed 2)
     :k9 (k9/train-epochs 5 k9net data 0.2)
     :ff (k9/ff [[0 0] [0 1] [1 0] [1 1] [0.25 0.75]] online)
     :big-full (k9/train-epochs 1 net big 0.5 :batch-size :full)
     :big-ff (k9/ff (mapv first big) online)
     :arrays (k9/ff (into-array [(double-array [0 1]) (double-array [0.5 0.25])]) online)})))
(shutdown-agents)
"""


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
def test_clojure_matches_python_bit_for_bit(mode):
    done = run(mode, ["-e", CLOJURE], timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("PARITY ")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-3000:]
    clojure = json.loads(lines[0][len("PARITY "):])
    assert clojure.pop("backend") == mode
    assert clojure == python_results()
