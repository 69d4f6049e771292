"""Real data at real sizes: wide layers and big data sets against Keras, scikit-learn and numpy.

Question: does k9tf train and predict at matrix-product speed on MNIST-sized
data, with reports that cost less than the training they watch (issue 19)?

Cells (float32, tanh hidden layer, softmax output, lr 0.1, random data: no
download; every contender warm, i.e. compiled by an earlier call):

* **MNIST-shaped epoch**: 60,000 x 784 -> 128 -> 10, batch 128, one epoch:
  ``k9tf.train`` with default reports and with ``report_every=None``, Keras 3
  ``fit``, scikit-learn ``MLPClassifier(solver="sgd")`` and a numpy loop doing
  the same math; plus the training call's peak memory and its memory over
  repeated calls (a fresh process).
* **ff**: 10,000 and 60,000 rows of that network: ``k9tf.ff`` (lists out),
  ``k9tf.engine.forward`` (arrays), Keras ``predict`` and numpy.
* **Width sweep**: 10,000 rows, inputs 8 ... 784 -> 128 -> 10, batch 128, one
  epoch: k9tf (default reports) / numpy.
* **µs per row**: 2-16-16-2 on XOR, 1k to 1M rows, online (batch 1),
  mini-batch (128) and full batch, default reports, about 1M row-steps a cell.
* **Article cells**: the small problems k9tf was first built for.

Contenders run round-robin (``_common.interleaved``), best of the rounds.
``python benchmarks/real_data.py`` measures the k9tf on ``PYTHONPATH``; a
before/after table comes from two runs (``--json``), the older commit's with
``K9TF_BENCH_MAX_ROWS=100000`` (its default reports evaluate the whole data
set every 200 steps: hours at 1M online rows) and ``K9TF_BENCH_ROUNDS=2``.
"""

import gc
import inspect
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np

import k9tf
from _common import (
    fmt_ratio,
    interleaved,
    load_average,
    main,
    markdown_table,
    numpy_forward,
    progress,
    result,
)

LR = 0.1
TARGETS = {"keras": 0.5, "numpy": 1.5}


def _mnist(rows=60_000, width=784, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((rows, width), dtype=np.float32)
    y = np.eye(classes, dtype=np.float32)[rng.integers(0, classes, rows)]
    return x, y


def _train_kwargs(**kw):
    """Drop the options the k9tf under test does not have (the "before" commit)."""
    names = inspect.signature(k9tf.train).parameters
    return {k: v for k, v in kw.items() if k in names}


def numpy_epoch(params, x, t, lr, batch_size):
    """Train tanh hidden layers + softmax cross-entropy one epoch in mini-batches, in numpy.

    Parameters
    ----------
    params : list of numpy.ndarray
        ``[w0, b0, w1, b1, ...]``; trained in place.
    x, t : numpy.ndarray
        Inputs and one-hot targets.
    lr : float
        Step size.
    batch_size : int
        Rows per update (the last batch may be smaller).

    Returns
    -------
    list of numpy.ndarray
        ``params``.
    """
    ws, bs = params[0::2], params[1::2]
    lr = x.dtype.type(lr)
    for start in range(0, len(x), batch_size):
        xb, tb = x[start:start + batch_size], t[start:start + batch_size]
        hs = [xb]
        for w, b in zip(ws[:-1], bs[:-1]):
            hs.append(np.tanh(hs[-1] @ w + b))
        z = hs[-1] @ ws[-1] + bs[-1]
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        dz = (z - tb) * x.dtype.type(1 / len(xb))
        for i in range(len(ws) - 1, -1, -1):
            dh = dz @ ws[i].T if i else None
            ws[i] -= lr * (hs[i].T @ dz)
            bs[i] -= lr * dz.sum(axis=0)
            if i:
                dz = dh * (1 - hs[i] * hs[i])
    return params


def _params(net):
    out = []
    for layer in net["layers"]:
        out += [np.asarray(layer["weights"], np.float32), np.asarray(layer["biases"], np.float32)]
    return out


def _keras(net):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras  # noqa: PLC0415

    sizes = net["sizes"]
    model = keras.Sequential([keras.Input((sizes[0],))] + [
        keras.layers.Dense(n, activation="tanh") for n in sizes[1:-1]] + [
        keras.layers.Dense(sizes[-1], activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(LR), loss="categorical_crossentropy")
    weights = _params(net)
    return model, lambda: model.set_weights(weights)


def _sklearn(hidden):
    from sklearn.exceptions import ConvergenceWarning  # noqa: PLC0415
    from sklearn.neural_network import MLPClassifier  # noqa: PLC0415

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    return MLPClassifier(hidden_layer_sizes=(hidden,), activation="tanh", solver="sgd",
                         batch_size=128, max_iter=1, learning_rate_init=LR, momentum=0.0,
                         shuffle=False, alpha=0.0, random_state=0)


def mnist_cells(rounds):
    """Time the MNIST-shaped epoch and its ``ff`` for every contender."""
    x, y = _mnist()
    labels = y.argmax(axis=1)
    net = k9tf.construct_network(784, 128, 10, seed=0)
    keras_model, reset_keras = _keras(net)
    sk = _sklearn(128)
    default = _train_kwargs(epochs=1, batch_size=128)
    quiet = _train_kwargs(epochs=1, batch_size=128, report_every=None)
    contenders = {
        "k9tf (default reports)": lambda: k9tf.train(net, (x, y), LR, **default),
        "k9tf (report_every=None)": lambda: k9tf.train(net, (x, y), LR, **quiet),
        "Keras fit": (lambda: keras_model.fit(x, y, batch_size=128, epochs=1, verbose=0,
                                              shuffle=False), reset_keras),
        "sklearn MLPClassifier(sgd)": lambda: sk.fit(x, labels),
        "numpy loop": lambda: numpy_epoch(_params(net), x, y, LR, 128),
    }
    progress("MNIST-shaped epoch: warm-up")
    for entry in contenders.values():
        (entry[0] if isinstance(entry, tuple) else entry)()
    progress("MNIST-shaped epoch: timing")
    train_times, _ = interleaved(contenders, rounds)
    from k9tf.engine import forward  # noqa: PLC0415

    params = _params(net)
    ff_times = {}
    for rows in (10_000, 60_000):
        xs = x[:rows]
        cells = {"k9tf.ff (lists)": lambda: k9tf.ff(xs, net),
                 "k9tf.engine.forward (arrays)": lambda: forward(xs, net),
                 "Keras predict": lambda: keras_model.predict(xs, verbose=0),
                 "numpy": lambda: numpy_forward(params, xs)}
        for fn in cells.values():
            fn()
        ff_times[rows], _ = interleaved(cells, rounds)
    return train_times, ff_times


def width_cells(widths, rounds):
    """Time one epoch of ``width`` -> 128 -> 10 on 10,000 rows, k9tf against numpy."""
    out = {}
    for width in widths:
        x, y = _mnist(10_000, width)
        net = k9tf.construct_network(width, 128, 10, seed=0)
        kw = _train_kwargs(epochs=1, batch_size=128)
        quiet = _train_kwargs(epochs=1, batch_size=128, report_every=None)
        cells = {"k9tf": lambda: k9tf.train(net, (x, y), LR, **kw),
                 "k9tf quiet": lambda: k9tf.train(net, (x, y), LR, **quiet),
                 "numpy": lambda: numpy_epoch(_params(net), x, y, LR, 128)}
        for fn in cells.values():
            fn()
        out[width], _ = interleaved(cells, rounds)
        progress(f"width {width}: k9tf/numpy "
                 f"{out[width]['k9tf']['best'] / out[width]['numpy']['best']:.2f}")
    return out


def row_cells(row_counts, rounds, row_steps=1_000_000):
    """Return µs per row-step of 2-16-16-2 on XOR for each mode and row count."""
    net = k9tf.construct_network(2, 16, 16, 2, seed=0)
    out = {}
    for mode, batch_size in (("online", 1), ("mini-batch 128", 128), ("full batch", None)):
        for rows in row_counts:
            x, y = k9tf.sample_logic_fn(k9tf.xor, rows, seed=1)
            epochs = max(1, row_steps // rows)
            kw = _train_kwargs(epochs=epochs, batch_size=batch_size)
            quiet = _train_kwargs(epochs=epochs, batch_size=batch_size, report_every=None)
            cells = {"default": lambda: k9tf.train(net, (x, y), LR, **kw),
                     "quiet": lambda: k9tf.train(net, (x, y), LR, **quiet)}
            k9tf.train(net, (x, y), LR, **_train_kwargs(epochs=1, batch_size=batch_size))
            times, _ = interleaved(cells, rounds, long_seconds=20)
            out[mode, rows] = {k: t["best"] / (epochs * rows) * 1e6 for k, t in times.items()}
            progress(f"{mode} {rows} rows: {out[mode, rows]['default']:.3g} µs/row")
    return out


def article_cells(rounds):
    """Time the article's small problems (k9tf only)."""
    x, y = k9tf.sample_logic_fn(k9tf.xor, 10_000, seed=0)
    x100, y100 = k9tf.sample_logic_fn(k9tf.xor, 100_000, seed=0)
    nand = k9tf.sample_logic_fn(k9tf.nand, 1000, seed=0)
    small, wide = (k9tf.construct_network(2, 3, 2, seed=0),
                   k9tf.construct_network(2, 16, 16, 2, seed=0))
    k9 = k9tf.construct_network(2, 3, 2, model="k9", seed=0)
    cells = {
        "2-3-2 full batch N=10k, 500 steps":
            lambda: k9tf.train_epochs(500, small, (x, y), 0.5, batch_size=None),
        "2-16-16-2 full batch N=10k, 500 steps":
            lambda: k9tf.train_epochs(500, wide, (x, y), 0.5, batch_size=None),
        "2-16-16-2 full batch N=100k, 100 steps":
            lambda: k9tf.train_epochs(100, wide, (x100, y100), 0.5, batch_size=None),
        "k9 2-3-2 online NAND, 50 epochs x 1000":
            lambda: k9tf.train_epochs(50, k9, nand, 0.5),
        "2-16-16-2 online N=10k, 1 epoch, default reports":
            lambda: k9tf.train(wide, (x, y), 0.5),
        "ff 2-16-16-2, 10k rows": lambda: k9tf.ff(x, wide),
    }
    for fn in cells.values():
        fn()
    times, _ = interleaved(cells, rounds)
    return times


MEMORY = """
import json, sys
sys.path.insert(0, {here!r})
import k9tf
from real_data import _mnist, _train_kwargs

def status(key):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith(key + ":")) / 1024
x, y = _mnist()
net = k9tf.construct_network(784, 128, 10, seed=0)
k9tf.train(net, (x, y), 0.1, **_train_kwargs(epochs=1, batch_size=128))  # compiles
peaks, after = [], []
for _ in range(4):
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets the peak (VmHWM) to the current resident size
    before = status("VmRSS")
    k9tf.train(net, (x, y), 0.1, **_train_kwargs(epochs=1, batch_size=128))
    peaks.append(status("VmHWM") - before)
    after.append(status("VmRSS"))
print(json.dumps({{"data_mb": (x.nbytes + y.nbytes) / 2**20, "peaks_mb": peaks,
                  "after_mb": after}}))
"""


def memory_cell():
    """Return the MNIST-shaped call's peak and repeated memory, measured in a fresh process."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, "-c", MEMORY.format(here=here)], capture_output=True,
                         text=True, check=True, timeout=1200)
    return json.loads(out.stdout.splitlines()[-1])


def _ms(times, name):
    return times[name]["best"]


def _share(default, quiet):
    """Return the reports' share of a call's time, as text."""
    return f"{(default - quiet) / default * 100:.0f} %"


def run(quick=False):
    """Run every cell; return the result (see ``_common.result``)."""
    rounds = 2 if quick else int(os.environ.get("K9TF_BENCH_ROUNDS", 3))
    max_rows = int(os.environ.get("K9TF_BENCH_MAX_ROWS", 1_000_000))  # the old reports' cost
    began = time.perf_counter()
    k9tf.engine.load()  # before Keras imports TensorFlow, so that k9tf's XLA option is set
    load = [load_average()]
    train_times, ff_times = mnist_cells(rounds)
    gc.collect()
    widths = width_cells([8, 64, 784] if quick else [8, 32, 64, 128, 256, 784], rounds)
    counts = [n for n in (1000, 10_000, 100_000, 1_000_000) if n <= max_rows]
    rows = row_cells(counts[:2] if quick else counts, rounds, 100_000 if quick else 1_000_000)
    article = article_cells(rounds)
    memory = memory_cell()
    load.append(load_average())
    k9 = _ms(train_times, "k9tf (default reports)")
    quiet = _ms(train_times, "k9tf (report_every=None)")
    table = [[name, f"{t['best']:.3g} / {t['median']:.3g}",
              fmt_ratio(k9 / t["best"]) if name != "k9tf (default reports)" else "1x"]
             for name, t in train_times.items()]
    parts = ["MNIST-shaped epoch (60,000 x 784 -> 128 -> 10, batch 128), seconds best / median:",
             "", markdown_table(["contender", "seconds", "k9tf default / this"], table), "",
             f"Targets: k9tf ≤ 0.5x Keras fit: "
             f"{fmt_ratio(k9 / _ms(train_times, 'Keras fit'), 0.5)}; ≤ 1.5x numpy: "
             f"{fmt_ratio(k9 / _ms(train_times, 'numpy loop'), 1.5)}; default reports cost "
             f"{_share(k9, quiet)} of the call.", ""]
    ff_rows = []
    for n, times in ff_times.items():
        ref = times["k9tf.ff (lists)"]["best"]
        for name, t in times.items():
            ff_rows.append([f"{n:,}", name, f"{t['best']:.3g}", fmt_ratio(ref / t["best"])])
    parts += ["ff of the MNIST-shaped network, seconds (best):", "",
              markdown_table(["rows", "contender", "seconds", "k9tf.ff / this"], ff_rows), ""]
    width_rows = [[w, f"{t['k9tf']['best']:.3g}", f"{t['k9tf quiet']['best']:.3g}",
                   f"{t['numpy']['best']:.3g}",
                   fmt_ratio(t["k9tf"]["best"] / t["numpy"]["best"], 1.5),
                   _share(t["k9tf"]["best"], t["k9tf quiet"]["best"])]
                  for w, t in widths.items()]
    parts += ["Width sweep (10,000 rows, width -> 128 -> 10, batch 128, one epoch), seconds:", "",
              markdown_table(["width", "k9tf", "k9tf report_every=None", "numpy",
                              "k9tf / numpy", "reports' share"], width_rows), ""]
    modes = sorted({mode for mode, _ in rows}, key=["online", "mini-batch 128",
                                                    "full batch"].index)
    counts = sorted({n for _, n in rows})
    row_table = []
    for mode in modes:
        values = [rows[mode, n]["default"] for n in counts]
        shares = [(rows[mode, n]["default"] - rows[mode, n]["quiet"]) / rows[mode, n]["default"]
                  for n in counts]
        row_table.append([mode] + [f"{v:.3g}" for v in values]
                         + [fmt_ratio(max(values) / min(values), 1.5),
                            f"{max(shares) * 100:.0f} %"])
    parts += ["µs per row-step, 2-16-16-2 on XOR, default reports (~1M row-steps a cell):", "",
              markdown_table(["mode"] + [f"{n:,} rows" for n in counts]
                             + ["max / min", "reports' largest share"], row_table), ""]
    parts += ["Article cells, k9tf seconds (best / median):", "",
              markdown_table(["cell", "seconds"],
                             [[k, f"{t['best']:.3g} / {t['median']:.3g}"]
                              for k, t in article.items()]), ""]
    peak = max(memory["peaks_mb"])
    parts += [f"Memory (fresh process, 60k x 784 training call, data {memory['data_mb']:.0f} MB): "
              f"peak {peak:.0f} MB above the process before the call, largest of 4 warm calls "
              f"({peak / memory['data_mb']:.2f}x the data); resident after each call: "
              + ", ".join(f"{m:.0f}" for m in memory["after_mb"]) + " MB."]
    data = {"train": train_times, "ff": {str(k): v for k, v in ff_times.items()},
            "width": {str(k): v for k, v in widths.items()},
            "rows": {f"{m}|{n}": v for (m, n), v in rows.items()}, "article": article,
            "memory": memory, "load": load}
    return result("real_data", "Real data at real sizes (issue 19)",
                  "Does k9tf train and predict at matrix-product speed on MNIST-sized data, "
                  "with reports that cost less than the training?", "\n".join(parts), [data],
                  notes=[f"1-minute load average {load[0]} before, {load[1]} after (2 cores)."],
                  seconds=time.perf_counter() - began)


def compare(before_path, after_path):
    """Return a markdown before/after table of two ``--json`` results of this benchmark.

    Each figure is a best time; ratios against numpy and Keras come from the
    same run, so that they hold whatever the load of each run was.
    """
    with open(before_path) as f:
        before = json.load(f)
    with open(after_path) as f:
        after = json.load(f)
    b, a = before["rows"][0], after["rows"][0]

    def best(data, *keys):
        for key in keys:
            data = data.get(key) if isinstance(data, dict) else None
        return data["best"] if isinstance(data, dict) else data

    lines = []

    def row(label, old, new, unit="s"):
        if old is None and new is None:
            return
        cells = [f"{v:.3g} {unit}" if v is not None else "–" for v in (old, new)]
        ratio = f"{new / old:.2f}x" if old and new else "–"
        lines.append(f"| {label} | {cells[0]} | {cells[1]} | {ratio} |")

    for name in ("k9tf (default reports)", "k9tf (report_every=None)"):
        row(f"MNIST epoch, {name}", best(b["train"], name), best(a["train"], name))
    for data, label in ((b, "before"), (a, "after")):
        k9 = best(data["train"], "k9tf (default reports)")
        lines.append(f"| MNIST epoch k9tf / Keras fit, {label} | "
                     f"{k9 / best(data['train'], 'Keras fit'):.2f}x | | |")
        lines.append(f"| MNIST epoch k9tf / numpy loop, {label} | "
                     f"{k9 / best(data['train'], 'numpy loop'):.2f}x | | |")
    for rows in ("10000", "60000"):
        for name in ("k9tf.ff (lists)", "k9tf.engine.forward (arrays)"):
            row(f"ff {int(rows):,} rows, {name}", best(b["ff"], rows, name),
                best(a["ff"], rows, name))
    for width in a["width"]:
        row(f"width {width}, one epoch of 10k rows", best(b["width"], width, "k9tf"),
            best(a["width"], width, "k9tf"))
    for key in a["rows"]:
        old = b["rows"].get(key, {}).get("default")
        row(f"µs/row {key.replace('|', ', ')} rows", old, a["rows"][key]["default"], "µs")
    for cell in a["article"]:
        old = next((v["best"] for k, v in b["article"].items() if k == cell), None)
        row(f"article: {cell}", old, a["article"][cell]["best"])
    for data, label in ((b, "before"), (a, "after")):
        memory = data["memory"]
        peaks = memory.get("peaks_mb") or [memory.get("peak_mb", 0) - memory.get("before_mb", 0)]
        lines.append(f"| 60k x 784 call: peak MB above the process, {label} | {max(peaks):.0f} MB "
                     f"({max(peaks) / memory['data_mb']:.2f}x data) | resident after calls: "
                     + ", ".join(f"{m:.0f}" for m in memory["after_mb"]) + " | |")
    head = ["| cell | before (13df08f) | after | after / before |", "|---|---|---|---|"]
    loads = (f"Load average (2 cores): before run {b['load'][0]}-{b['load'][1]}, "
             f"after run {a['load'][0]}-{a['load'][1]}.")
    return "\n".join(head + lines + ["", loads])


if __name__ == "__main__":
    main(run)
