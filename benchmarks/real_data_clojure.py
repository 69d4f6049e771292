"""Real data from Clojure: the MNIST-shaped training call and a 60k-row ``ff`` per backend.

Question: through each Clojure backend, how long do issue 19's MNIST-shaped
calls take against the same calls made directly in Python?

- ``train-epochs 1`` of 784-128-10 on 60,000 rows, batch 128 (Clojure: a map of
  ``:inputs`` and ``:labels``, vectors of ``double-array`` rows; Python: float64
  arrays);
- ``ff`` of those 60,000 rows.

Target (issue 19): the training call ≤ 1.3x Python, with the JVM's memory flat
over the rounds. The JVMs and the protocol are ``bridge_overhead.py``'s (one
JVM per backend, reading cell names on stdin, round-robin with Python);
libpython-clj runs only when ``K9TF_EXTRA_CLASSPATH`` names its jars.
"""

import statistics
import time

import numpy as np

import k9tf
from _common import main, markdown_table, progress, result
from bridge_overhead import MARKER, PRELUDE, Clojure, _backends

ROWS, WIDTH, CLASSES = 60_000, 784, 10
SNIPPET = PRELUDE + """(let [rng (java.util.Random. 0)
      inputs (vec (repeatedly %(rows)d #(let [a (double-array %(width)d)]
                                         (dotimes [i %(width)d] (aset a i (.nextDouble rng)))
                                         a)))
      labels (vec (repeatedly %(rows)d #(let [a (double-array %(classes)d)]
                                          (aset a (.nextInt rng %(classes)d) 1.0)
                                          a)))
      net (k9/construct-network %(width)d 128 %(classes)d {:seed 0})
      time-of (fn [f] (let [t0 (System/nanoTime) out (f)] (/ (- (System/nanoTime) t0) 1e9)))
      cells {"train" #(time-of (fn [] (k9/train-epochs 1 net {:inputs inputs :labels labels} 0.1
                                                       :batch-size 128)))
             "ff" #(time-of (fn [] (k9/ff inputs net)))}]
  (println "%(marker)s" (json/write-str {:ready (name (py/current-backend-kind))}))
  (doseq [line (line-seq (java.io.BufferedReader. *in*))]
    (println "%(marker)s" (json/write-str {:seconds ((cells line)) :rss (rss-mb)}))))
(shutdown-agents)
"""
CELLS = [("train", "train-epochs 1, 60k x 784 -> 128 -> 10, batch 128"),
         ("ff", "ff, 60k rows of 784")]


class Python:
    """The direct Python calls on float64 arrays of the same shape."""

    name = "Python (direct)"

    def __init__(self):
        rng = np.random.default_rng(0)
        self.x = rng.random((ROWS, WIDTH))
        self.y = np.eye(CLASSES)[rng.integers(0, CLASSES, ROWS)]
        self.net = k9tf.construct_network(WIDTH, 128, CLASSES, seed=0)

    def run(self, cell):
        """Run ``cell`` once; return ``{"seconds"}``."""
        began = time.perf_counter()
        if cell == "train":
            k9tf.train_epochs(1, self.net, (self.x, self.y), 0.1, batch_size=128)
        else:
            k9tf.ff(self.x, self.net)
        return {"seconds": time.perf_counter() - began, "rss": None}

    def close(self):
        """Nothing to stop."""


def run(quick=False):
    """Time each cell round-robin over Python and the JNA and JPype backends."""
    rounds = 2 if quick else 4
    code = SNIPPET % {"rows": ROWS, "width": WIDTH, "classes": CLASSES, "marker": MARKER}
    contenders, skipped = [Python()], []
    for name, command, env, reason in _backends():
        if reason is not None:
            skipped.append(f"{name}: skipped, {reason}")
            continue
        progress(f"starting {name}")
        contenders.append(Clojure(name, command, env, code))
    times = {(c.name, cell): [] for c in contenders for cell, _ in CELLS}
    rss = {c.name: [] for c in contenders}
    try:
        for c in contenders:  # warm-up: compiles every shape
            for cell, _ in CELLS:
                c.run(cell)
        for r in range(rounds):
            progress(f"round {r + 1}")
            for cell, _ in CELLS:
                for c in contenders:
                    out = c.run(cell)
                    times[c.name, cell].append(out["seconds"])
                    if out["rss"] is not None:
                        rss[c.name].append(round(out["rss"]))
    finally:
        for c in contenders:
            c.close()
    rows, table = [], []
    for c in contenders[1:]:
        for cell, label in CELLS:
            clj, ref = times[c.name, cell], times["Python (direct)", cell]
            ratio = min(clj) / min(ref)
            rows.append({"backend": c.name, "cell": cell, "clojure_best": min(clj),
                         "clojure_median": statistics.median(clj), "python_best": min(ref),
                         "ratio": ratio, "rss_mb": rss[c.name]})
            table.append([c.name, label, f"{min(clj):.3g} / {statistics.median(clj):.3g}",
                          f"{min(ref):.3g}", f"{ratio:.3g}x" + (
                              (" ✓" if ratio <= 1.3 else " ✗") if cell == "train" else "")])
    notes = skipped + ["JVM resident MB after each timed cell: " + "; ".join(
        f"{name}: {', '.join(map(str, values))}" for name, values in rss.items() if values)]
    return result("real_data_clojure", "Real data from Clojure (issue 19)",
                  "Through each Clojure backend, how long do the MNIST-shaped calls take "
                  "against Python?",
                  markdown_table(["backend", "cell", "Clojure s (best / median)",
                                  "Python s (best)", "Clojure / Python"], table), rows,
                  notes=notes)


if __name__ == "__main__":
    main(run)
