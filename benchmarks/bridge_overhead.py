"""Bridge overhead: what does calling k9tf from Clojure add to the same call from Python.

Question: per backend, how many microseconds does a Clojure call of ``k9/ff`` on
a 2-3-2 network, and of a small ``k9/train-epochs`` (5 epochs x 20 samples),
add to the same ``k9tf`` call made directly in Python, and what is the ratio?
Targets: at most 50 µs added and at most 1.2x.

Python: ``k9tf.ff([1, 1], net)`` and ``k9tf.train_epochs(5, net, data, 0.5)``
timed in this process; also ``k9tf._bridge.call`` on the same request as JSON
text (what every backend runs on the Python side), to separate JSON cost from
crossing the language boundary. Clojure: a snippet run in a subprocess times the
same calls with ``System/nanoTime`` and prints JSON. Backends: the embedded
CPython via JNA (``bin/k9tf-clj``, ``K9TF_BACKEND=jna``), the JPype-hosted JVM
(``python -m k9tf clj``), and libpython-clj (``bin/k9tf-clj -A:libpython-clj``)
only when ``K9TF_EXTRA_CLASSPATH`` is set. Every figure is the median of 5
batches of calls, after warm-up.
"""

import json
import os
import subprocess
import sys

import k9tf
from _common import ROOT, main, markdown_table, per_call, progress, result

MARKER = "K9TF-BENCH-JSON"
SNIPPET = """
(require '[k9tf.core :as k9] '[k9tf.python :as py] '[clojure.data.json :as json])
(let [net (k9/construct-network 2 3 2 {:seed 1})
      data %(data)s
      per-call (fn [f calls]
                 (let [t0 (System/nanoTime)]
                   (dotimes [_ calls] (f))
                   (/ (- (System/nanoTime) t0) 1e3 calls)))
      calls {:ff (fn [] (k9/ff [1 1] net))
             :train (fn [] (k9/train-epochs 5 net data 0.5))
             :gen (fn [] (k9/nand-gen))}
      ;; the JSON work the JVM side does per call: write the request, read the reply
      json-of (fn [request reply]
                (let [reply-text (json/write-str {:ok reply})]
                  (fn [] (json/write-str request) (json/read-str reply-text :key-fn keyword))))
      json-calls {:ff (json-of {:fn "ff" :args [[1 1] net] :kwargs {} :id 1} ((:ff calls)))
                  :train (json-of {:fn "train_epochs" :args [5 net data 0.5]
                                   :kwargs {:batch_size 1} :id 1} ((:train calls)))
                  :gen (json-of {:fn "nand_gen" :args [] :kwargs {} :id 1} ((:gen calls)))}
      counts {:ff [%(warm_ff)d %(ff_calls)d] :train [%(warm_train)d %(train_calls)d]
              :gen [%(warm_ff)d %(ff_calls)d]}
      measure (fn [fs]
                (into {} (for [[k f] fs
                               :let [[warm n] (counts k)]]
                           (do (dotimes [_ warm] (f))
                               [k (vec (repeatedly %(batches)d (fn [] (per-call f n))))]))))]
  (println "%(marker)s"
           (json/write-str {:backend (name (py/current-backend-kind))
                            :us (measure calls) :json_us (measure json-calls)
                            :ff ((:ff calls)) :trained ((:train calls))})))
(shutdown-agents)
"""


CALLS = [("ff", "ff [1 1], 2-3-2"), ("train", "train-epochs 5 x 20 samples, 2-3-2"),
         ("gen", "nand-gen (trivial: bridge round trip)")]


def _median(values):
    values = sorted(values)
    return values[len(values) // 2]


def python_side(net, data, sizes):
    """Time the calls in this process.

    Parameters
    ----------
    net : dict
        The 2-3-2 network.
    data : list
        The 20 training samples as k9 pairs.
    sizes : dict
        ``batches``, ``ff_calls``, ``train_calls``, ``warm_ff``, ``warm_train``.

    Returns
    -------
    dict
        ``us``: microseconds per call of each batch (``batches // 2 + 1`` batches,
        so that two such measurements give a little more than ``batches``) for
        ``ff``, ``train``, ``gen`` (``nand_gen``) called directly and ``ff_json``,
        ``train_json``, ``gen_json`` through ``k9tf._bridge.call``; ``ff_out`` and
        ``trained``: the results of ``ff`` and ``train_epochs``.
    """
    from k9tf.jvm import _bridge

    ff_request = json.dumps({"fn": "ff", "args": [[1, 1], net], "kwargs": {}})
    train_request = json.dumps({"fn": "train_epochs", "args": [5, net, data, 0.5],
                                "kwargs": {"batch_size": 1}})
    gen_request = json.dumps({"fn": "nand_gen", "args": [], "kwargs": {}})
    few, many = (sizes["train_calls"], sizes["warm_train"]), (sizes["ff_calls"], sizes["warm_ff"])
    calls = {
        "ff": (lambda: k9tf.ff([1, 1], net), *many),
        "train": (lambda: k9tf.train_epochs(5, net, data, 0.5), *few),
        "gen": (k9tf.nand_gen, *many),
        "ff_json": (lambda: _bridge.call(ff_request), *many),
        "train_json": (lambda: _bridge.call(train_request), *few),
        "gen_json": (lambda: _bridge.call(gen_request), *many),
    }
    out = {"us": {}}
    for name, (fn, n, warm) in calls.items():
        for _ in range(warm):
            fn()
        out["us"][name] = [per_call(fn, n) * 1e6 for _ in range(max(1, sizes["batches"] // 2 + 1))]
    reply = json.loads(_bridge.call(ff_request))
    if "ok" not in reply:
        raise RuntimeError(f"k9tf._bridge.call failed: {reply}")
    out["ff_out"] = k9tf.ff([1, 1], net)
    out["trained"] = k9tf.train_epochs(5, net, data, 0.5)
    return out


def _backends():
    """Return ``(name, command, env, skip_reason)`` for each Clojure backend."""
    clj = os.path.join(ROOT, "bin", "k9tf-clj")
    base = dict(os.environ, K9TF_PYTHON=sys.executable)
    backends = [
        ("jna (embedded CPython)", [clj, "-e"], dict(base, K9TF_BACKEND="jna"), None),
        ("jpype (Python hosts the JVM)", [sys.executable, "-m", "k9tf", "clj", "-e"],
         {k: v for k, v in base.items() if k != "K9TF_BACKEND"}, None),
    ]
    if os.environ.get("K9TF_EXTRA_CLASSPATH"):
        backends.append(("libpython-clj", [clj, "-A:libpython-clj", "-e"],
                         dict(base, K9TF_BACKEND="libpython-clj"), None))
    else:
        backends.append(("libpython-clj", None, None,
                         "skipped: K9TF_EXTRA_CLASSPATH is not set (its jars are not here)"))
    return backends


def clojure_side(command, env, code):
    """Run the Clojure snippet and return its JSON.

    Parameters
    ----------
    command : list of str
        The command up to and including ``-e``.
    env : dict
        Its environment.
    code : str
        The Clojure code.

    Returns
    -------
    dict
        The snippet's measurements: ``backend``; ``us`` and ``json_us``, each
        mapping ``ff``, ``train``, ``gen`` to the µs per call of every batch (the
        call, and the JVM side's JSON work alone); the results ``ff``, ``trained``.
    """
    out = subprocess.run([*command, code], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=1800)
    for line in out.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    raise RuntimeError(f"{command[0]} failed (exit {out.returncode}):\n{out.stdout[-2000:]}"
                       f"\n{out.stderr[-3000:]}")


def run(quick=False):
    """Measure per-call time from Python and from each Clojure backend.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: 3 batches of 100 ff calls and 10 train calls.

    Returns
    -------
    dict
        The result; ``rows`` has per backend and call the µs per call on each side.
    """
    sizes = ({"batches": 3, "ff_calls": 100, "train_calls": 10, "warm_ff": 100,
              "warm_train": 10} if quick else
             {"batches": 5, "ff_calls": 500, "train_calls": 50, "warm_ff": 1000,
              "warm_train": 50})
    net = k9tf.construct_network(2, 3, 2, seed=1)
    k9tf._logic._random.seed(0)
    data = [k9tf.nand_gen() for _ in range(20)]
    code = SNIPPET % dict(sizes, data=json.dumps(data), marker=MARKER)

    rows, body, skipped = [], [], []
    for name, command, env, skip in _backends():
        if skip:
            skipped.append(f"{name}: {skip}.")
            continue
        # The Python side is timed right before and right after each JVM run (half the
        # batches each), so that both sides see much the same machine load.
        progress(f"Python, then Clojure ({name}), then Python again")
        before = python_side(net, data, sizes)
        clj = clojure_side(command, env, code)
        after = python_side(net, data, sizes)
        py = {key: _median(before["us"][key] + after["us"][key]) for key in before["us"]}
        same = (clj["ff"] == before["ff_out"]
                and clj["trained"]["layers"] == before["trained"]["layers"])
        for call, label in CALLS:
            clj_us = _median(clj["us"][call])
            row = {"backend": name, "reported_backend": clj["backend"], "call": call,
                   "python_us": py[call], "python_json_us": py[f"{call}_json"],
                   "clojure_json_us": _median(clj["json_us"][call]),
                   "clojure_us": clj_us, "added_us": clj_us - py[call],
                   "ratio": clj_us / py[call], "same_result": same}
            rows.append(row)
            body.append([name, label, f"{row['python_us']:.1f}",
                         f"{row['python_json_us']:.0f}", f"{row['clojure_json_us']:.0f}",
                         f"{clj_us:.0f}",
                         f"{row['added_us']:.0f} " + ("✓" if row["added_us"] <= 50 else "✗"),
                         f"{row['ratio']:.2f}x " + ("✓" if row["ratio"] <= 1.2 else "✗"),
                         "yes" if same else "NO"])
    columns = ["backend", "call", "Python µs/call", "Python via _bridge.call µs",
               "JVM-side JSON µs", "Clojure µs/call", "µs added (target ≤50)",
               "ratio (target ≤1.2x)", "same result"]
    notes = [
        f"µs per call: median of {sizes['batches']} batches of {sizes['ff_calls']} ff / "
        f"{sizes['train_calls']} train-epochs calls, after {sizes['warm_ff']} / "
        f"{sizes['warm_train']} warm-up calls; Python with time.perf_counter, Clojure with "
        "System/nanoTime. 'added' and 'ratio' compare Clojure with the direct Python call; "
        "'Python via _bridge.call' is the Python half of every bridge call (parse the JSON "
        "request, call, serialise the reply); 'JVM-side JSON' is data.json writing the request "
        "and reading the reply alone, timed in the same JVM. nand-gen is a trivial Python "
        "function (~1 µs): its Clojure time is the bare cost of a bridge round trip.",
        "The Python side (this process) is timed just before and just after each JVM run, and "
        "its median taken over both; the machine may be shared, so compare within a row.",
        "same result: the Clojure call returned exactly the Python call's output.",
        *skipped,
    ]
    return result("bridge_overhead", "Clojure bridge overhead",
                  "How much does calling k9tf from Clojure add to the same call from Python?",
                  markdown_table(columns, body), rows, notes)


if __name__ == "__main__":
    main(run)
