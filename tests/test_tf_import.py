"""k9tf imports TensorFlow late, without Keras, and Keras still works afterwards."""

import json
import subprocess
import sys

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
