import json
import subprocess
import sys

SCRIPT = """
import json, k9tf
x, y = k9tf.sample_logic_fn(k9tf.xor, 2000, seed=5)
net = k9tf.construct_network(2, 16, 16, 2, seed=5)
a = k9tf.train_epochs(20, net, (x, y), 0.3, batch_size=None)
b = k9tf.train_epochs(2, net, (x, y), 0.3, batch_size=16, shuffle=True, seed=3)
print(json.dumps([a, b, k9tf.ff(x[:8].tolist(), a)]))
"""


def run_once():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         check=True, timeout=300)
    return json.loads(out.stdout)


def test_seed_gives_bit_identical_results_across_processes():
    assert run_once() == run_once()
