"""Warm and cold calls: the cost of the first ``train_epochs`` on a new architecture or N.

Question: in a fresh Python process, how long does the first ``train_epochs`` call
take (import of k9tf and TensorFlow, graph build, XLA compile of the training
loop) compared with the next call on the same architecture and data, and what
does a call with a new number of samples N cost (XLA compiles once per input
shape)? Also: a new architecture in an already warm process (graph build + XLA
compile, no import).

Each configuration runs in 3 fresh subprocesses (1 with ``--quick``); the table
shows the median over them of each time. The child is this script run as
``warm_cold.py --child CONFIG``.
"""

import json
import statistics
import subprocess
import sys
import time

from _common import fmt_ratio, fmt_seconds, main, markdown_table, progress, result

CONFIGS = [
    {"label": "2-3-2 default, 500 full-batch steps, XOR", "sizes": [2, 3, 2], "model": "default",
     "epochs": 500, "batch_size": None, "n": 1000, "new_n": 2000, "new_sizes": [2, 4, 2]},
    {"label": "2-16-16-2 default, 500 full-batch steps, XOR", "sizes": [2, 16, 16, 2],
     "model": "default", "epochs": 500, "batch_size": None, "n": 1000, "new_n": 2000,
     "new_sizes": [2, 16, 8, 2]},
    {"label": "2-3-2 k9, 1 online epoch, XOR", "sizes": [2, 3, 2], "model": "k9",
     "epochs": 1, "batch_size": 1, "n": 1000, "new_n": 2000, "new_sizes": [2, 4, 2]},
]

KEYS = ("import", "first", "next", "new_n_first", "new_n_next", "new_arch_first")


def child(config):
    """Measure one configuration in this (fresh) process and print the times as JSON.

    Parameters
    ----------
    config : dict
        One of :data:`CONFIGS`.

    Returns
    -------
    dict
        Seconds for each key of :data:`KEYS`.
    """
    began = time.perf_counter()
    import k9tf

    times = {"import": time.perf_counter() - began}

    def call(key, sizes, n):
        net = k9tf.construct_network(*sizes, model=config["model"], seed=0)
        data = k9tf.sample_logic_fn(k9tf.xor, n, seed=0)
        began = time.perf_counter()
        k9tf.train_epochs(config["epochs"], net, data, 0.5, batch_size=config["batch_size"])
        times[key] = time.perf_counter() - began

    call("first", config["sizes"], config["n"])
    call("next", config["sizes"], config["n"])
    call("new_n_first", config["sizes"], config["new_n"])
    call("new_n_next", config["sizes"], config["new_n"])
    call("new_arch_first", config["new_sizes"], config["n"])
    print(json.dumps(times))
    return times


def _spawn(config):
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(config)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick=False):
    """Measure cold, warm and new-shape calls in fresh subprocesses.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: the first configuration only, one subprocess.

    Returns
    -------
    dict
        The result; ``rows`` has per configuration the median seconds per key
        and every subprocess's times.
    """
    configs, processes = (CONFIGS[:1], 1) if quick else (CONFIGS, 3)
    rows = []
    for config in configs:
        runs = []
        for i in range(processes):
            progress(f"{config['label']}: fresh process {i + 1}/{processes}")
            runs.append(_spawn(config))
        median = {key: statistics.median(r[key] for r in runs) for key in KEYS}
        rows.append({"config": config, "median": median, "runs": runs})
    columns = ["workload", "import k9tf", "1st call", "next call", "1st/next",
               "import + 1st", "new N: 1st", "new N: next", "new N 1st/next",
               "new arch, warm process: 1st"]
    body = []
    for row in rows:
        m, c = row["median"], row["config"]
        body.append([
            f"{c['label']}, N={c['n']} (new N={c['new_n']}, new arch "
            f"{'-'.join(map(str, c['new_sizes']))})",
            fmt_seconds(m["import"]), fmt_seconds(m["first"]), fmt_seconds(m["next"]),
            fmt_ratio(m["first"] / m["next"]), fmt_seconds(m["import"] + m["first"]),
            fmt_seconds(m["new_n_first"]), fmt_seconds(m["new_n_next"]),
            fmt_ratio(m["new_n_first"] / m["new_n_next"]), fmt_seconds(m["new_arch_first"]),
        ])
    notes = [
        "Times in seconds (time.perf_counter), median over "
        f"{processes} fresh subprocess(es). '1st call' = graph build + XLA compile + run; "
        "'next call' = the same call again (warm); 'new N' = the same architecture on twice "
        "the samples (a new input shape, so XLA compiles again); 'new arch' = a different "
        "architecture in the same, already warm process.",
    ]
    return result("warm_cold", "Warm and cold calls",
                  "What does the first train_epochs on a new architecture or a new N cost, "
                  "against the next call?", markdown_table(columns, body), rows, notes)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(json.loads(sys.argv[2]))
    else:
        main(run)
