"""Training time: k9tf against the session loop, numpy, scikit-learn and Keras.

Question: how fast does k9tf train, against the other ways to do the same training?

Full-batch cells: XOR from ``k9tf.sample_logic_fn`` (N = 1k, 10k, 100k), 500
gradient-descent steps on the whole data set, learning rate 0.5, k9tf's default
model (tanh hidden layers, linear last layer + softmax cross-entropy averaged over
the batch, biases trained, float32), sizes 2-3-2 and 2-16-16-2. Contenders:

* **k9tf** - ``train_epochs(500, net, (x, y), 0.5, batch_size=None)``, warm (the
  XLA loop for this shape compiled by an earlier call);
* **session** - the article's loop, one ``Session.run`` per step
  (``loop="session"``);
* **numpy** - a hand-written numpy loop doing the same math in float32, tuned
  (preallocated buffers, in-place elementwise work, no short-axis reductions);
* **sklearn** - ``MLPClassifier`` with plain full-batch SGD (time of ``fit``);
* **Keras** - ``keras.Sequential`` Dense tanh + Dense softmax, ``SGD(0.5)``,
  ``fit(batch_size=N, epochs=500)``.

Online cell: k9's session - k9 model 2-3-2, 500 epochs x 1000 NAND samples, one
update per sample, lr 0.5 - k9tf against a faithful pure-numpy k9 loop, whose
final weights must agree with k9tf's to ~1e-9.

Every contender starts from the same k9tf network's weights (except sklearn,
whose weights cannot be set before ``fit``). Contenders are timed round-robin,
best and median of 3 warm runs.
"""

import warnings

import numpy as np

import k9tf
from _common import (
    fmt_ratio,
    fmt_seconds,
    interleaved,
    main,
    markdown_table,
    max_abs_diff,
    params_of,
    progress,
    result,
)

CONTENDERS = ("k9tf", "numpy", "session", "sklearn", "keras")
TARGETS = {"numpy": 0.7, "session": 0.35, "sklearn": None, "keras": 0.1}
LEARNING_RATE = 0.5
LONG_SECONDS = 8.0  # a contender whose run takes longer than this is timed once only


def numpy_full_batch(params, x, t, learning_rate, steps):
    """Train like k9tf's default model, full batch, in plain numpy.

    Forward: tanh hidden layers, linear last layer, softmax; loss: softmax
    cross-entropy averaged over the batch; plain gradient descent on weights and
    biases, in the arrays' dtype.

    Parameters
    ----------
    params : list of numpy.ndarray
        ``[w0, b0, w1, b1, ...]`` (weights ``(n_in, n_out)``); not changed.
    x : numpy.ndarray, shape (N, n_in)
        Inputs.
    t : numpy.ndarray, shape (N, n_out)
        One-hot targets.
    learning_rate : float
        Step size.
    steps : int
        Number of full-batch updates.

    Returns
    -------
    list of numpy.ndarray
        The trained ``[w0, b0, w1, b1, ...]``.
    """
    params = [p.copy() for p in params]
    weights, biases = params[0::2], params[1::2]
    lr = x.dtype.type(learning_rate)
    scale = x.dtype.type(1.0 / len(x))
    # Written for speed: numpy reduces a long axis of an (N, 2) array fast and a short one
    # slowly (so row max column by column, sums as matrix products), and fresh N-row
    # temporaries cost page faults (so every N-row array is preallocated, worked in place).
    n, dtype = len(x), x.dtype
    ones_rows = np.ones(n, dtype)
    ones_cols = np.ones((t.shape[1], 1), dtype)
    outs = [np.empty((n, w.shape[1]), dtype) for w in weights]  # each layer's output
    backs = [np.empty((n, w.shape[0]), dtype) for w in weights]  # deltas sent down
    top = np.empty((n, 1), dtype)
    total = np.empty((n, 1), dtype)
    for _ in range(steps):
        acts = [x]
        for w, b, out in zip(weights, biases, outs):
            np.matmul(acts[-1], w, out=out)
            out += b
            if len(acts) < len(weights):
                np.tanh(out, out=out)
            acts.append(out)
        z = acts.pop()
        top[:] = z[:, :1]
        for j in range(1, z.shape[1]):
            np.maximum(top, z[:, j:j + 1], out=top)
        z -= top
        np.exp(z, out=z)
        z /= np.matmul(z, ones_cols, out=total)  # softmax
        z -= t
        z *= scale
        delta = z  # d(mean cross-entropy)/d(logits)
        for i in range(len(weights) - 1, -1, -1):
            grad_w = acts[i].T @ delta
            grad_b = ones_rows @ delta
            if i:
                below = np.matmul(delta, weights[i].T, out=backs[i])
                a = acts[i]  # no longer needed: turn it into tanh' = 1 - a^2
                a *= a
                np.subtract(1, a, out=a)
                below *= a
                delta = below
            weights[i] -= lr * grad_w
            biases[i] -= lr * grad_b
    return params


def numpy_k9_online(weights, x, t, learning_rate, epochs):
    """Train like k9: online, one update per sample in order, float64, pure numpy.

    For each sample: ``a_{l+1} = tanh(a_l @ W_l)``; ``delta_out = (1 - y^2) (t - y)``;
    ``delta_l = (1 - a_l^2) (W_l @ delta_{l+1})``, all from the old weights; then
    ``W_l += lr * outer(a_l, delta_{l+1})``.

    Parameters
    ----------
    weights : list of numpy.ndarray
        ``[W0, W1, ...]``, each ``(n_in, n_out)``; not changed.
    x : numpy.ndarray, shape (N, n_in)
        Inputs.
    t : numpy.ndarray, shape (N, n_out)
        Targets.
    learning_rate : float
        Step size.
    epochs : int
        Passes over the samples.

    Returns
    -------
    list of numpy.ndarray
        The trained weights.
    """
    weights = [w.copy() for w in weights]
    rows = list(zip(x, t))
    last = len(weights) - 1
    for _ in range(epochs):
        for a, target in rows:
            acts = [a]
            for w in weights:
                acts.append(np.tanh(acts[-1] @ w))
            y = acts[-1]
            delta = (1.0 - y * y) * (target - y)
            for i in range(last, -1, -1):
                below = acts[i]
                if i:
                    next_delta = (1.0 - below * below) * (weights[i] @ delta)
                weights[i] += learning_rate * np.outer(below, delta)
                if i:
                    delta = next_delta
    return weights


def _one_blas_thread(fn):
    """Return ``fn()`` run with OpenBLAS limited to one thread (where threadpoolctl is)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return fn()
    with threadpool_limits(1, user_api="blas"):
        return fn()


def _sklearn_fit(hidden, x, labels, steps, learning_rate):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=hidden, activation="tanh", solver="sgd",
                        learning_rate_init=learning_rate, momentum=0.0,
                        nesterovs_momentum=False, alpha=0.0, batch_size=len(x),
                        max_iter=steps, tol=0.0, n_iter_no_change=10**9, shuffle=False,
                        random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, labels)
    if clf.n_iter_ != steps:
        raise RuntimeError(f"sklearn stopped after {clf.n_iter_} of {steps} iterations")
    return clf


class _Keras:
    """A Keras model of the same architecture, loaded with the k9tf network's weights."""

    def __init__(self, network, x, y, learning_rate):
        import keras  # imported here, after k9tf has set up TensorFlow's environment

        sizes = network["sizes"]
        layers = [keras.Input((sizes[0],))]
        layers += [keras.layers.Dense(n, activation="tanh") for n in sizes[1:-1]]
        layers += [keras.layers.Dense(sizes[-1], activation="softmax")]
        self.model = keras.Sequential(layers)
        self.model.compile(optimizer=keras.optimizers.SGD(learning_rate, momentum=0.0),
                           loss="categorical_crossentropy")
        self.initial = params_of(network)
        self.x, self.y = x, y
        self.reset()
        self.fit(1)  # warm-up: traces and builds the train function

    def reset(self):
        """Load the initial weights."""
        self.model.set_weights(self.initial)

    def fit(self, epochs):
        """Train full batch for ``epochs`` and return the weights."""
        self.model.fit(self.x, self.y, batch_size=len(self.x), epochs=epochs, verbose=0,
                       shuffle=False)
        return self.model.get_weights()


def _full_batch_cell(sizes, n, steps, reps):
    """Time every contender on one full-batch cell, round-robin; return the row."""
    x, y = k9tf.sample_logic_fn(k9tf.xor, n, seed=0)
    net = k9tf.construct_network(*sizes, seed=0)
    params = params_of(net)
    labels = y[:, 0].astype(np.int64)
    hidden = tuple(sizes[1:-1])
    cell = f"{'-'.join(map(str, sizes))}, N={n // 1000}k, {steps} full-batch steps"
    progress(cell)
    # Warm-up: compile k9tf's loop and the session graph, trace Keras, touch numpy's buffers.
    k9tf.train_epochs(1, net, (x, y), LEARNING_RATE, batch_size=None)
    k9tf.train_epochs(2, net, (x, y), LEARNING_RATE, batch_size=None, loop="session")
    numpy_full_batch(params, x, y, LEARNING_RATE, 2)
    _sklearn_fit(hidden, x, labels, 2, LEARNING_RATE)
    keras_model = _Keras(net, x, y, LEARNING_RATE)
    times, values = interleaved({
        "k9tf": lambda: k9tf.train_epochs(steps, net, (x, y), LEARNING_RATE, batch_size=None),
        "numpy": lambda: numpy_full_batch(params, x, y, LEARNING_RATE, steps),
        "numpy, 1 BLAS thread": lambda: _one_blas_thread(
            lambda: numpy_full_batch(params, x, y, LEARNING_RATE, steps)),
        "session": lambda: k9tf.train_epochs(steps, net, (x, y), LEARNING_RATE,
                                             batch_size=None, loop="session"),
        "sklearn": lambda: _sklearn_fit(hidden, x, labels, steps, LEARNING_RATE),
        "keras": (lambda: keras_model.fit(steps), keras_model.reset),
    }, reps, LONG_SECONDS)
    for name, t in times.items():
        progress(f"  {name}: best {t['best']:.3g} s, median {t['median']:.3g} s "
                 f"({t['runs']} runs)")
    one = times.pop("numpy, 1 BLAS thread")
    if one["best"] < times["numpy"]["best"]:  # numpy's faster setting counts
        times["numpy"] = one
    ref = params_of(values["k9tf"])
    diffs = {"numpy": max_abs_diff(ref, values["numpy"]),
             "session": max_abs_diff(ref, params_of(values["session"])),
             "keras": max_abs_diff(ref, values["keras"])}
    return {"cell": cell, "mode": "full-batch", "sizes": list(sizes), "n": n, "steps": steps,
            "seconds": {k: t["best"] for k, t in times.items()},
            "median": {k: t["median"] for k, t in times.items()},
            "runs": {k: t["runs"] for k, t in times.items()}, "max_diff": diffs}


def _online_cell(epochs, session_epochs, reps):
    """Time k9's online session: k9tf against the numpy k9 loop (and the session loop)."""
    k9tf.data._logic._random.seed(0)
    samples = [k9tf.nand_gen() for _ in range(1000)]
    x = np.array([s[0] for s in samples], np.float64)
    t = np.array([s[1] for s in samples], np.float64)
    net = k9tf.construct_network(2, 3, 2, model="k9", seed=0)
    weights = params_of(net)[0::2]
    cell = f"k9 2-3-2, {epochs} epochs x 1000 NAND samples, online"
    progress(cell)
    k9tf.train_epochs(1, net, samples, LEARNING_RATE)
    numpy_k9_online(weights, x, t, LEARNING_RATE, 1)
    k9tf.train_epochs(1, net, samples, LEARNING_RATE, loop="session")
    times, values = interleaved({
        "k9tf": lambda: k9tf.train_epochs(epochs, net, samples, LEARNING_RATE),
        "numpy": lambda: numpy_k9_online(weights, x, t, LEARNING_RATE, epochs),
        "session": lambda: k9tf.train_epochs(session_epochs, net, samples, LEARNING_RATE,
                                             loop="session"),
    }, reps, LONG_SECONDS)
    scale = {"session": epochs / session_epochs}
    seconds = {k: tm["best"] * scale.get(k, 1) for k, tm in times.items()}
    for name in seconds:
        progress(f"  {name}: {seconds[name]:.3g} s (best of {times[name]['runs']})")
    return {"cell": cell, "mode": "online", "sizes": [2, 3, 2], "n": 1000, "steps":
            epochs * 1000, "seconds": seconds,
            "median": {k: tm["median"] * scale.get(k, 1) for k, tm in times.items()},
            "runs": {k: tm["runs"] for k, tm in times.items()},
            "max_diff": {"numpy": max_abs_diff(params_of(values["k9tf"])[0::2],
                                               values["numpy"])},
            "session_epochs": session_epochs, "epochs": epochs}


def _ratios(row):
    k9 = row["seconds"]["k9tf"]
    return {name: k9 / row["seconds"][name] for name in CONTENDERS[1:] if name in row["seconds"]}


def run(quick=False):
    """Time every contender on every cell.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: N = 1k only, 50 steps, 5 online epochs, one timed run each.

    Returns
    -------
    dict
        The result (see ``_common.result``); ``rows`` has one dict per cell with
        ``seconds``, ``runs`` and ``ratios`` keyed by contender.
    """
    steps, ns, reps = (50, [1000], 1) if quick else (500, [1000, 10_000, 100_000], 3)
    epochs, session_epochs = (5, 1) if quick else (500, 5)
    rows = [_full_batch_cell(sizes, n, steps, reps)
            for sizes in [(2, 3, 2), (2, 16, 16, 2)] for n in ns]
    rows.append(_online_cell(epochs, session_epochs, reps))
    for row in rows:
        row["ratios"] = _ratios(row)

    def time_cell(row, name):
        if name not in row["seconds"]:
            return "–"
        mark = "†" if row["runs"][name] < reps else ""
        mark += "*" if row["mode"] == "online" and name == "session" else ""
        return f"{fmt_seconds(row['seconds'][name])} / {fmt_seconds(row['median'][name])}{mark}"

    columns = (["cell"] + [f"{name} (s, best / median)" for name in CONTENDERS]
               + [f"k9tf/{name} (target ≤{TARGETS[name]}x)" if TARGETS[name] else f"k9tf/{name}"
                  for name in CONTENDERS[1:]])
    body = [[row["cell"]] + [time_cell(row, name) for name in CONTENDERS]
            + [fmt_ratio(row["ratios"].get(name), TARGETS[name]) for name in CONTENDERS[1:]]
            for row in rows]
    checks = markdown_table(
        ["cell", "numpy", "session", "Keras"],
        [[row["cell"]] + [f"{row['max_diff'][name]:.2g}" if name in row["max_diff"] else "–"
                          for name in ("numpy", "session", "keras")] for row in rows])
    online = rows[-1]
    notes = [
        f"Times are best / median of {reps} warm runs (time.perf_counter), the contenders of a "
        "cell timed round-robin (k9tf, numpy, session, sklearn, Keras, k9tf, ...) so that they "
        "share the machine's load; all start from the same k9tf network's weights (seed 0); "
        f"† = fewer runs, because one took more than {LONG_SECONDS:.0f} s.",
        "A ratio (of the best times) below 1 means k9tf is faster; ✓/✗ compare it with the "
        "target.",
        "sklearn: MLPClassifier cannot take initial weights before fit, so it starts from its "
        "own random init (random_state=0); with two classes it also uses one logistic output "
        "unit (2-h-1) instead of a 2-way softmax. Its loss is computed every iteration.",
        "Keras: Keras 3 on the TensorFlow backend, default compile (jit_compile='auto' does not "
        "use XLA on a CPU-only machine), categorical cross-entropy on the softmax output. It "
        "runs in k9tf's process, so like k9tf with oneDNN off (k9tf sets "
        "TF_ENABLE_ONEDNN_OPTS=0 unless it is already set).",
        "numpy: the same forward pass, loss and gradients in float32, written for speed "
        "(preallocated N-row buffers, in-place elementwise work, sums as matrix products); "
        "timed both with OpenBLAS's default threads and with one thread (on a busy machine "
        "its threads can wait on each other for seconds), and the faster counts.",
        f"Online cell: session* is extrapolated from {online['session_epochs']} epoch(s) "
        f"(x{online['epochs'] // online['session_epochs']}), the per-step loop being linear in "
        "steps; the numpy column is the pure-numpy k9 loop (float64, one update per sample). "
        "sklearn and Keras have no such cell.",
        f"Correctness: the numpy k9 loop's final weights differ from k9tf's by at most "
        f"{online['max_diff']['numpy']:.2g} (k9 model, float64).",
    ]
    tables = (markdown_table(columns, body) + "\n\nLargest |weight difference| from k9tf's "
              "result after the same training (float32 cells accumulate rounding differences "
              "over the steps; sklearn starts elsewhere):\n\n" + checks)
    return result("train_speed", "Training time",
                  "How long does k9tf take to train, against the article's session loop, "
                  "a numpy hand loop, scikit-learn and Keras?",
                  tables, rows, notes)


if __name__ == "__main__":
    main(run)
