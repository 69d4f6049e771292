"""Bridge overhead: Clojure calls against the same calls made directly in Python.

Question: per backend, how long do these Clojure calls take against the same
``k9tf`` call made directly in Python, on the same data?

- ``ff [1 0]`` on a 2-3-2 network (one input; µs per call over a batch of calls);
- ``ff`` on 200k rows (Clojure: a vector of 200k ``[x1 x2]`` vectors; Python: a
  list of 200k lists);
- ``train-epochs 1`` full batch on 200k and on 1M samples (Clojure: k9 pairs
  ``[[x1 x2] [t1 t2]]``; Python: a list of such pairs), with the JVM's resident
  memory after each round (flat = nothing accumulates).

- per call (issue 21): ``ff`` of one row on 2-16-16-2 and on 784-128-10, ``ff`` of
  100 rows on 2-16-16-2, and a one-epoch online training call on 10 samples (2-3-2).

Targets (issues 9 and 21): per-call cells ≤ 1.5x Python or ≤ 60 µs added (one
784-128-10 row ≤ 250 µs); 200k-row ``ff`` and 200k-sample training ≤ 1.3x; 1M
samples ≤ 1.5x with flat memory.

Protocol: each JVM first runs the small cells some 10,000 times (so that the JIT
has compiled the call path, as in a long-lived process); every contender stays
alive (Python here; one JVM per backend, which reads cell names on stdin), and
the cells run round-robin, one contender after another, so that all see the
same machine load; the 1-minute load average is recorded before and after.
Each figure is the best and the median over the rounds. Backends: the embedded
CPython via JNA (``bin/k9tf-clj``), the JPype-hosted JVM (``python -m k9tf
clj``), and libpython-clj (``bin/k9tf-clj -A:libpython-clj``) when
``K9TF_EXTRA_CLASSPATH`` is set.
"""

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

import k9tf
from _common import ROOT, main, markdown_table, progress, result

MARKER = "K9TF-BENCH"
PRELUDE = """
(require '[k9tf.core :as k9] '[k9tf.python :as py] '[clojure.data.json :as json])
(defn rss-mb []
  (let [status (String. (java.nio.file.Files/readAllBytes
                          (.toPath (java.io.File. "/proc/self/status"))))]
    (/ (Long/parseLong (second (re-find #"VmRSS:\\s+(\\d+)" status))) 1024.0)))
"""
"""The Clojure the benchmarks' JVMs start with: k9tf required and ``rss-mb``."""

SNIPPET = PRELUDE + """(defn digest [numbers]
  (let [md (java.security.MessageDigest/getInstance "SHA-256")
        buffer (java.nio.ByteBuffer/allocate 8)]
    (doseq [x (flatten numbers)] (.update md (.array (.putDouble (.clear buffer) (double x)))))
    (apply str (map #(format "%%02x" %%) (.digest md)))))
(let [net (k9/construct-network 2 3 2 {:seed 1})
      net16 (k9/construct-network {:sizes [2 16 16 2] :seed 1})
      net784 (k9/construct-network {:sizes [784 128 10] :seed 1})
      x784 (mapv #(/ (mod (* %% 37) 100) 100.0) (range 784))
      samples {:200k (k9/sample-logic :xor 200000 :seed 7)
               :1m (k9/sample-logic :xor %(big)d :seed 8)}
      inputs (mapv first (:200k samples))
      rows100 (vec (take 100 inputs))
      samples10 (vec (take 10 (:200k samples)))
      per-call (fn [calls f] (let [t0 (System/nanoTime)]
                               (dotimes [_ calls] (f))
                               [(/ (- (System/nanoTime) t0) 1e9 calls) (f)]))
      time-of (fn [f] (let [t0 (System/nanoTime) out (f)] [(/ (- (System/nanoTime) t0) 1e9) out]))
      cells {"ff1" #(let [[s _] (time-of (fn [] (dotimes [_ %(calls)d] (k9/ff [1 0] net))))]
                      [(/ s %(calls)d) (digest [(k9/ff [1 0] net)])])
             "ff1_16" #(let [[s out] (per-call %(calls)d (fn [] (k9/ff [1 0] net16)))]
                         [s (digest [out])])
             "ff1_784" #(let [[s out] (per-call %(calls784)d (fn [] (k9/ff x784 net784)))]
                          [s (digest [out])])
             "ff100" #(let [[s out] (per-call %(calls784)d (fn [] (k9/ff rows100 net16)))]
                        [s (digest out)])
             "train10" #(let [[s out] (per-call %(calls784)d
                                                (fn [] (k9/train-epochs 1 net samples10 0.5)))]
                          [s (digest (map :weights (:layers out)))])
             "ff200k" #(let [[s out] (time-of (fn [] (k9/ff inputs net)))] [s (digest out)])
             "train200k" #(let [[s out] (time-of (fn [] (k9/train-epochs 1 net (:200k samples) 0.5
                                                                         :batch-size :full)))]
                            [s (digest (map :weights (:layers out)))])
             "train1m" #(let [[s out] (time-of (fn [] (k9/train-epochs 1 net (:1m samples) 0.5
                                                                       :batch-size :full)))]
                          [s (digest (map :weights (:layers out)))])}]
  (doseq [cell ["ff1" "ff1_16" "ff1_784" "ff100"] _ (range %(jit)d)] ((cells cell))) ; JIT warm-up
  (println "%(marker)s" (json/write-str {:ready (name (py/current-backend-kind))}))
  (doseq [line (line-seq (java.io.BufferedReader. *in*))]
    (let [[seconds digest] ((cells line))]
      (println "%(marker)s" (json/write-str {:seconds seconds :digest digest :rss (rss-mb)})))))
(shutdown-agents)
"""

CELLS = [("ff1", "ff [1 0], 2-3-2 (per call)"), ("ff1_16", "ff [1 0], 2-16-16-2 (per call)"),
         ("ff1_784", "ff of one row, 784-128-10 (per call)"),
         ("ff100", "ff of 100 rows, 2-16-16-2 (per call)"),
         ("train10", "train-epochs 1, online, 10 samples, 2-3-2 (per call)"),
         ("ff200k", "ff, 200k rows"),
         ("train200k", "train-epochs 1, full batch, 200k samples"),
         ("train1m", "train-epochs 1, full batch, 1M samples")]
TARGETS = {"ff1": 1.5, "ff1_16": 1.5, "ff1_784": 1.5, "ff100": 1.5, "train10": 1.5,
           "ff200k": 1.3, "train200k": 1.3, "train1m": 1.5}
PER_CALL = {"ff1", "ff1_16", "ff1_784", "ff100", "train10"}
"""Cells timed per call (µs, over a batch of calls); target: ≤ 1.5x Python or ≤ 60 µs added."""
X784 = [(i * 37 % 100) / 100 for i in range(784)]


def _digest(arrays):
    flat = np.concatenate([np.asarray(a, np.float64).ravel() for a in arrays])
    return hashlib.sha256(flat.astype(">f8").tobytes()).hexdigest()  # Java's byte order


def _rss_mb():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


class Python:
    """The direct Python calls, on the same data as the Clojure side."""

    name = "Python (direct)"

    def __init__(self, big, calls):
        self.net = k9tf.construct_network(2, 3, 2, seed=1)
        self.net16 = k9tf.construct_network(2, 16, 16, 2, seed=1)
        self.net784 = k9tf.construct_network(784, 128, 10, seed=1)
        self.calls, self.calls784 = calls, max(1, calls // 5)
        self.samples = {}
        for key, n, seed in [("200k", 200_000, 7), ("1m", big, 8)]:
            x, y = k9tf.sample_logic_fn("xor", n, seed=seed)
            self.samples[key] = [[a, b] for a, b in zip(x.tolist(), y.tolist())]
        self.inputs = [pair[0] for pair in self.samples["200k"]]
        self.small = {  # cell -> (calls, the call)
            "ff1": (calls, lambda: [k9tf.ff([1, 0], self.net)]),
            "ff1_16": (calls, lambda: [k9tf.ff([1, 0], self.net16)]),
            "ff1_784": (self.calls784, lambda: [k9tf.ff(X784, self.net784)]),
            "ff100": (self.calls784, lambda: k9tf.ff(self.inputs[:100], self.net16)),
            "train10": (self.calls784, lambda: [layer["weights"] for layer in k9tf.train_epochs(
                1, self.net, self.samples["200k"][:10], 0.5)["layers"]]),
        }

    def _timed(self, f):
        began = time.perf_counter()
        out = f()
        return time.perf_counter() - began, out

    def run(self, cell):
        """Run ``cell`` once; return ``{"seconds", "digest", "rss"}``."""
        if cell in self.small:
            calls, f = self.small[cell]
            seconds, _ = self._timed(lambda: [f() for _ in range(calls)])
            seconds, out = seconds / calls, f()
        elif cell == "ff200k":
            seconds, out = self._timed(lambda: k9tf.ff(self.inputs, self.net))
            out = [out]
        else:
            samples = self.samples["200k" if cell == "train200k" else "1m"]
            seconds, trained = self._timed(lambda: k9tf.train_epochs(
                1, self.net, samples, 0.5, batch_size=None))
            out = [layer["weights"] for layer in trained["layers"]]
        return {"seconds": seconds, "digest": _digest(out), "rss": _rss_mb()}

    def close(self):
        """Nothing to stop."""


class Clojure:
    """A JVM running the snippet, one cell per line on its stdin."""

    def __init__(self, name, command, env, code):
        self.name = name
        self.process = subprocess.Popen([*command, code], env=env, cwd=ROOT, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.backend = self._reply()["ready"]

    def _reply(self):
        for line in self.process.stdout:
            if line.startswith(MARKER):
                return json.loads(line[len(MARKER):])
        raise RuntimeError(f"{self.name} stopped (exit {self.process.wait()})")

    def run(self, cell):
        """Run ``cell`` once; return ``{"seconds", "digest", "rss"}``."""
        self.process.stdin.write(cell + "\n")
        self.process.stdin.flush()
        return self._reply()

    def close(self):
        """End the JVM."""
        self.process.stdin.close()
        self.process.wait(timeout=300)


def _backends():
    """Return ``(name, command, env, skip_reason)`` for each Clojure backend."""
    clj = os.path.join(ROOT, "bin", "k9tf-clj")
    base = dict(os.environ, K9TF_PYTHON=sys.executable)
    backends = [
        ("jna", [clj, "-e"], dict(base, K9TF_BACKEND="jna"), None),
        ("jpype", [sys.executable, "-m", "k9tf", "clj", "-e"],
         {k: v for k, v in base.items() if k != "K9TF_BACKEND"}, None),
    ]
    if os.environ.get("K9TF_EXTRA_CLASSPATH"):
        backends.append(("libpython-clj", [clj, "-A:libpython-clj", "-e"],
                         dict(base, K9TF_BACKEND="libpython-clj"), None))
    else:
        backends.append(("libpython-clj", None, None,
                         "K9TF_EXTRA_CLASSPATH is not set (its jars cannot be downloaded here)"))
    return backends


def run(quick=False):
    """Time each cell round-robin over Python and every Clojure backend.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: 2 rounds, 100k samples instead of 1M.

    Returns
    -------
    dict
        The result; ``rows`` has, per backend and cell, best and median seconds
        for Clojure and Python, their ratio, whether the outputs are identical,
        and the JVM's resident memory after each round.
    """
    rounds, big, calls = (2, 100_000, 100) if quick else (5, 1_000_000, 500)
    load_before = os.getloadavg()[0]
    progress("starting Python and the JVMs")
    contenders, skipped = [Python(big, calls)], []
    for name, command, env, skip in _backends():
        if skip:
            skipped.append(f"{name}: skipped, {skip}.")
            continue
        code = SNIPPET % {"marker": MARKER, "big": big, "calls": calls,
                          "calls784": max(1, calls // 5), "jit": 4 if quick else 20}
        contenders.append(Clojure(name, command, env, code))
    times = {(c.name, cell): [] for c in contenders for cell, _ in CELLS}
    digests, rss, last = {}, {c.name: [] for c in contenders}, {}
    for warm_up in [True] + [False] * rounds:
        for cell, _ in CELLS:
            for contender in contenders:
                last[contender.name] = out = contender.run(cell)
                digests[contender.name, cell] = out["digest"]
                if not warm_up:
                    times[contender.name, cell].append(out["seconds"])
        for contender in contenders:
            rss[contender.name].append(round(last[contender.name]["rss"]))
        progress("round done" if not warm_up else "warm-up done")
    for contender in contenders:
        contender.close()
    load_after = os.getloadavg()[0]

    py = contenders[0].name
    rows, body = [], []
    for contender in contenders[1:]:
        for cell, label in CELLS:
            clj, ref = times[contender.name, cell], times[py, cell]
            ratio = min(clj) / min(ref)
            row = {"backend": contender.name, "cell": cell, "clojure_best": min(clj),
                   "clojure_median": statistics.median(clj), "python_best": min(ref),
                   "python_median": statistics.median(ref), "ratio": ratio,
                   "target": TARGETS[cell],
                   "same_result": digests[contender.name, cell] == digests[py, cell],
                   "rss_mb": rss[contender.name]}
            rows.append(row)
            scale, unit = (1e6, "µs") if cell in PER_CALL else (1, "s")
            added = (min(clj) - min(ref)) * 1e6
            body.append([contender.name, label,
                         f"{min(clj) * scale:.3g} / {statistics.median(clj) * scale:.3g} {unit}",
                         f"{min(ref) * scale:.3g} / {statistics.median(ref) * scale:.3g} {unit}",
                         f"{ratio:.2f}x " + ("✓" if ratio <= TARGETS[cell] or (
                             cell in PER_CALL and added <= 60) else "✗")
                         + (f" ({added:+.0f} µs)" if cell in PER_CALL else ""),
                         "yes" if row["same_result"] else "NO",
                         " → ".join(map(str, rss[contender.name][1:]))])
    columns = ["backend", "call", "Clojure best / median", "Python best / median",
               "ratio of bests (target)", "same result", "JVM RSS after each round (MB)"]
    notes = [
        f"Load average (1 min): {load_before:.2f} before, {load_after:.2f} after. {rounds} "
        "rounds after a warm-up round; each round runs every cell on Python, then on each "
        "JVM in turn.",
        f"Targets (issue 21): per-call cells ≤ 1.5x Python or ≤ 60 µs added (784-128-10 also "
        f"≤ 250 µs); 200k-row ff and 200k-sample training ≤ 1.3x; {big:,}-sample training "
        "≤ 1.5x with flat memory.",
        "same result: the SHA-256 of the output doubles (the trained weights for training) "
        "is the same on both sides.",
        *skipped,
    ]
    return result("bridge_overhead", "Clojure bridge overhead",
                  "How long do Clojure calls take against the same Python calls?",
                  markdown_table(columns, body), rows, notes)


if __name__ == "__main__":
    main(run)
