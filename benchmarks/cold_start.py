"""Cold start: from launching a fresh process to its first result, per contender.

Question: what does a new user wait for, from Python, from the CLI and from
each Clojure backend, before the first number comes back?

Each contender is a fresh process, timed from its launch to the line that
carries its result (wall clock, read by this script): ``import k9tf``; the first
``ff`` (import, construct a 2-3-2 network, ``ff``); the first ``train-epochs``
(also an XLA compile: 1 online epoch over 1000 NAND samples); ``k9tf predict``
on a saved network; and the first ``ff`` from Clojure on the embedded CPython
(``bin/k9tf-clj``), in a JVM hosted by Python (``python -m k9tf clj``) and with
libpython-clj when ``K9TF_EXTRA_CLASSPATH`` holds its jars. Contenders run
round-robin; each figure is the median (and best) of the rounds. Goals (issue
10): first Python result ≤ 3 s, first Clojure result ≤ 6 s on an idle machine.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

import k9tf
from _common import ROOT, main, markdown_table, progress, result

MARK = "K9TF-COLD"
PYTHON = {
    "import": "import k9tf",
    "first ff": "import k9tf; k9tf.ff([1, 0], k9tf.construct_network(2, 3, 2, seed=1))",
    "first train-epochs": ("import k9tf; k9tf.train_epochs(1, k9tf.construct_network(2, 3, 2, "
                           "seed=1), k9tf.sample_logic_fn('nand', 1000, seed=1), 0.5)"),
}
CLOJURE = ("(require '[k9tf.core :as k9]) (println \"%s\" (k9/ff [1 0] (k9/construct-network "
           "2 3 2 {:seed 1}))) (shutdown-agents) (System/exit 0)") % MARK


def _contenders(saved):
    """Return ``(name, command, env)`` for each contender that can run here."""
    base = dict(os.environ, K9TF_PYTHON=sys.executable)
    launcher = os.path.join(ROOT, "bin", "k9tf-clj")
    runs = [(f"Python: {name}", [sys.executable, "-c", f"{code}; print({MARK!r})"], base)
            for name, code in PYTHON.items()]
    runs += [
        ("CLI: k9tf predict", [sys.executable, "-m", "k9tf", "predict", saved, "1", "0"], base),
        ("Clojure first ff: jna", [launcher, "-e", CLOJURE], dict(base, K9TF_BACKEND="jna")),
        ("Clojure first ff: jpype", [sys.executable, "-m", "k9tf", "clj", "-e", CLOJURE],
         {k: v for k, v in base.items() if k != "K9TF_BACKEND"}),
    ]
    if os.environ.get("K9TF_EXTRA_CLASSPATH"):
        runs.append(("Clojure first ff: libpython-clj",
                     [launcher, "-A:libpython-clj", "-e", CLOJURE],
                     dict(base, K9TF_BACKEND="libpython-clj")))
    return runs


def _time_to_result(command, env, marker):
    """Return seconds from launching ``command`` to its first stdout line holding ``marker``."""
    began = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    seconds = None
    for line in process.stdout:
        if seconds is None and marker in line:
            seconds = time.perf_counter() - began
    if process.wait() != 0 or seconds is None:
        raise RuntimeError(f"{command[:3]} failed (exit {process.returncode})")
    return seconds


def run(quick=False):
    """Time every contender's first result in fresh processes, round-robin.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: one round instead of three.

    Returns
    -------
    dict
        The result; ``rows`` has per contender the seconds of every round.
    """
    rounds = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        saved = k9tf.save_network(k9tf.construct_network(2, 3, 2, seed=1),
                                  os.path.join(tmp, "net.json"))
        contenders = _contenders(saved)
        times = {name: [] for name, _, _ in contenders}
        load_before = os.getloadavg()[0]
        for round_ in range(rounds):
            for name, command, env in contenders:
                marker = "[" if name.startswith("CLI") else MARK  # predict prints a list
                times[name].append(_time_to_result(command, env, marker))
            progress(f"round {round_ + 1} of {rounds} done")
        load_after = os.getloadavg()[0]
    rows, body = [], []
    for name, seconds in times.items():
        goal = 3.0 if name.startswith(("Python: first", "CLI")) else (
            6.0 if name.startswith("Clojure") else None)
        median = statistics.median(seconds)
        rows.append({"contender": name, "seconds": seconds, "goal": goal})
        body.append([name, f"{median:.2f}", f"{min(seconds):.2f}",
                     "–" if goal is None else f"≤ {goal:g} s " + ("✓" if median <= goal else "✗")])
    notes = [f"Load average (1 min): {load_before:.2f} before, {load_after:.2f} after; "
             f"{rounds} round(s), each contender a fresh process timed from launch to its "
             "result line.",
             "TensorFlow's own import is most of every figure; k9tf imports it only when a "
             "call needs it, and the JVM side starts it in the background as soon as the "
             "backend starts."]
    if not os.environ.get("K9TF_EXTRA_CLASSPATH"):
        notes.append("libpython-clj: skipped, K9TF_EXTRA_CLASSPATH is not set.")
    return result("cold_start", "Cold start",
                  "How long from launching a fresh process to its first result?",
                  markdown_table(["contender", "median (s)", "best (s)", "goal"], body), rows,
                  notes)


if __name__ == "__main__":
    main(run)
