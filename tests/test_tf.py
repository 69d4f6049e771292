"""TensorFlow's import: late, without Keras (which still works afterwards), with XLA's options."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from k9tf.engine import _tf

SCRIPT = """
import json, sys
import numpy as np
import k9tf
loaded = {"tensorflow after import": "tensorflow" in sys.modules}
net = k9tf.construct_network(2, 3, 2, seed=1)
out = k9tf.ff([1, 0], net)
loaded["keras after ff"] = "keras" in sys.modules
import keras
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                          keras.layers.Dense(2, activation="softmax")])
model.set_weights([np.array(layer[k]) for layer in net["layers"] for k in ("weights", "biases")])
loaded["keras agrees"] = float(abs(model.predict(np.array([[1.0, 0.0]]), verbose=0)[0]
                                   - out).max()) < 1e-6
loaded["optimizers registered"] = "keras.src.optimizers" in sys.modules
print(json.dumps(loaded))
"""


def test_tensorflow_loads_late_and_without_keras():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"tensorflow after import": False, "keras after ff": False,
                      "keras agrees": True, "optimizers registered": True}


@pytest.mark.parametrize("flags, version, expected, why", [
    ("", (2, 21), "--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=65536",
     None),
    ("--xla_cpu_enable_fast_math=false", (2, 22),
     "--xla_cpu_enable_fast_math=false "
     "--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=65536", None),
    ("--xla_backend_extra_options=a=1 --x=1", (2, 21),
     "--xla_backend_extra_options=a=1,xla_cpu_small_while_loop_byte_threshold=65536 --x=1",
     None),
    ("--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=9", (2, 21),
     "--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=9", None),
    ("--x=1", (2, 15), "--x=1", "predates"),
    ("", None, "", "predates"),
])
def test_xla_flags(flags, version, expected, why):
    got, reason = _tf.xla_flags(flags, version)
    assert got == expected
    assert (reason is None) if why is None else (why in reason)


WEIGHTS = """
import json, k9tf, os
k9tf.data._logic._random.seed(0)
nand = [k9tf.nand_gen() for _ in range(1000)]
x, y = k9tf.sample_logic_fn(k9tf.xor, 10_000, seed=0)
cells = {
    "2-3-2 default online": k9tf.train_epochs(20, k9tf.construct_network(2, 3, 2, seed=0),
                                              nand, 0.5),
    "2-3-2 k9 online": k9tf.train_epochs(20, k9tf.construct_network(2, 3, 2, model="k9",
                                                                   seed=0), nand, 0.5),
    "2-16-16-2 online": k9tf.train_epochs(1, k9tf.construct_network(2, 16, 16, 2, seed=0),
                                          (x, y), 0.1),
    "2-16-16-2 full batch N=10k": k9tf.train_epochs(
        100, k9tf.construct_network(2, 16, 16, 2, seed=0), (x, y), 0.5, batch_size=None),
}
print(json.dumps({"flags": os.environ.get("XLA_FLAGS"), "weights": {
    k: [w for layer in v["layers"] for row in layer["weights"] for w in row]
    for k, v in cells.items()}}))
"""


def _weights(xla_flags):
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    if xla_flags is not None:
        env["XLA_FLAGS"] = xla_flags
    out = subprocess.run([sys.executable, "-c", WEIGHTS], env=env, capture_output=True,
                         text=True, check=True, timeout=600)
    return json.loads(out.stdout.splitlines()[-1])


def test_small_loop_option_is_set_and_changes_only_rounding():
    # The option changes how XLA compiles a loop, not its math: on some CPUs (seen on an AMD
    # EPYC) it changes the last bits of a long online run, never more than rounding. Every
    # process k9tf loads into first sets it, so seeded runs stay bit-identical everywhere.
    with_option = _weights(None)  # k9tf adds its option (reruns: see test_determinism)
    xla_default = "--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=1024"
    without = _weights(xla_default)
    assert "small_while_loop_byte_threshold=65536" in with_option["flags"]
    assert without["flags"] == xla_default  # the user's own threshold is left alone
    for cell, weights in with_option["weights"].items():
        np.testing.assert_allclose(without["weights"][cell], weights, rtol=1e-4, atol=1e-6,
                                   err_msg=cell)
    assert len({json.dumps(v) for v in with_option["weights"].values()}) == 4
