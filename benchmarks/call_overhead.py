"""Per-call cost in Python: small calls against a numpy forward pass, and where a call goes.

Question: how long does one small ``k9tf`` call take in Python, against a bare
numpy forward pass of the same network, and where does a 2-3-2 call's time go?

- ``ff`` of one row on 2-3-2, 2-16-16-2 and 784-128-10 (the network k9tf
  returned, called again and again: its checked form is remembered);
- ``ff`` of one row on the same 784-128-10 network as plain lists
  (``json.loads(json.dumps(net))`` each round: a network k9tf did not make,
  checked in full on every call);
- ``ff`` of 100 rows on 2-16-16-2, and a one-epoch online training call on 10
  samples (2-3-2);
- beside each ``ff`` cell, numpy's forward pass of the same weights (float32
  matrix products, tanh, softmax; no checks, no lists out).

Targets (issue 21): one row on 2-3-2 ≤ 60 µs, on 784-128-10 ≤ 150 µs.

Protocol: every cell is a batch of back-to-back calls; the contenders of a
cell run round-robin (k9tf, numpy, k9tf, ...) for 5 rounds; best and median
per call; the 1-minute load average is recorded. The profile times each step
of :func:`k9tf.ff` on 2-3-2 in the same way, through k9tf's internals.
"""

import json

import numpy as np

import k9tf
from _common import interleaved, load_average, main, markdown_table, progress, result
from k9tf.engine import _models
from k9tf.model import check_inputs, checked_form

TARGETS = {"ff1": 60e-6, "ff1_784": 150e-6}


def _numpy_ff(network):
    params = [np.asarray(v, np.float32) for layer in network["layers"]
              for v in (layer["weights"], layer["biases"])]

    def run(x):
        h = np.asarray(x, np.float32).reshape(-1, params[0].shape[0])
        for w, b in zip(params[:-2:2], params[1:-2:2]):
            h = np.tanh(h @ w + b)
        z = h @ params[-2] + params[-1]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return run


def _batch(f, calls):
    def run():
        for _ in range(calls):
            f()
    return run


def _cells(calls):
    net = k9tf.construct_network(2, 3, 2, seed=1)
    net16 = k9tf.construct_network(2, 16, 16, 2, seed=1)
    net784 = k9tf.construct_network(784, 128, 10, seed=1)
    x784 = [(i * 37 % 100) / 100 for i in range(784)]
    rows = k9tf.sample_logic_fn(k9tf.xor, 100, seed=7)[0].tolist()
    samples = [[x, y] for x, y in zip(*(a.tolist() for a in k9tf.sample_logic_fn(
        k9tf.nand, 10, seed=3)))]
    plain784 = json.loads(json.dumps(net784))
    few = max(1, calls // 10)
    return [
        ("ff1", "ff of one row, 2-3-2", calls, lambda: k9tf.ff([1, 0], net),
         _numpy_ff(net), [1, 0]),
        ("ff1_16", "ff of one row, 2-16-16-2", calls, lambda: k9tf.ff([1, 0], net16),
         _numpy_ff(net16), [1, 0]),
        ("ff1_784", "ff of one row, 784-128-10", calls, lambda: k9tf.ff(x784, net784),
         _numpy_ff(net784), x784),
        ("ff1_784_plain", "ff of one row, 784-128-10 as plain lists (checked each call)", few,
         lambda: k9tf.ff(x784, plain784), None, None),
        ("ff100", "ff of 100 rows, 2-16-16-2", few, lambda: k9tf.ff(rows, net16),
         _numpy_ff(net16), rows),
        ("train10", "train_epochs(1, ...), online, 10 samples, 2-3-2", few,
         lambda: k9tf.train_epochs(1, net, samples, 0.5), None, None),
    ]


def _profile(calls):
    """Return rows ``(step, µs per call)``: where one 2-3-2 ``ff`` call's time goes."""
    net = k9tf.construct_network(2, 3, 2, seed=1)
    k9tf.ff([1, 0], net)
    spec, params, _ = checked_form(net)
    matrix, _ = check_inputs([1, 0], 2, spec["dtype"])
    with _models.model_for(spec) as (model, session):
        model.forward(session, params, matrix)
        bare = session.callables["forward"]
        outputs = model.forward(session, params, matrix)

        def enter_exit():
            with _models.model_for(spec):
                pass

        steps = {
            "k9tf.ff, whole call": lambda: k9tf.ff([1, 0], net),
            "checked_form (the network's remembered form)": lambda: checked_form(net),
            "check_inputs (one plain row)": lambda: check_inputs([1, 0], 2, spec["dtype"]),
            "model_for: enter and leave (model cache, session use count)": enter_exit,
            "Model.forward": lambda: model.forward(session, params, matrix),
            "  of which the session callable (TensorFlow + XLA)": lambda: bare(matrix, *params),
            "outputs to a list": lambda: outputs[0].tolist(),
        }
        times, _ = interleaved({k: _batch(f, calls) for k, f in steps.items()}, rounds=5)
    return [(step, times[step]["best"] / calls * 1e6) for step in steps]


def run(quick=False):
    """Time each cell round-robin against numpy, then profile a 2-3-2 call.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: fewer calls per batch.

    Returns
    -------
    dict
        The result; ``rows`` has, per cell, best and median seconds per call
        for k9tf and numpy, and the profile's steps.
    """
    calls = 200 if quick else 2000
    load = load_average()
    rows, body = [], []
    for cell, label, n, f, numpy_f, x in _cells(calls):
        progress(cell)
        f()
        contenders = {"k9tf": _batch(f, n)}
        if numpy_f is not None:
            numpy_f(x)
            contenders["numpy"] = _batch(lambda numpy_f=numpy_f, x=x: numpy_f(x), n)
        times, _ = interleaved(contenders, rounds=5)
        k9, ref = times["k9tf"], times.get("numpy")
        row = {"cell": cell, "k9tf_best": k9["best"] / n, "k9tf_median": k9["median"] / n,
               "numpy_best": ref and ref["best"] / n, "calls": n}
        rows.append(row)
        target = TARGETS.get(cell)
        body.append([label, f"{row['k9tf_best'] * 1e6:.1f} / {row['k9tf_median'] * 1e6:.1f}",
                     "–" if ref is None else f"{row['numpy_best'] * 1e6:.1f}",
                     "–" if target is None else (f"≤ {target * 1e6:.0f} µs "
                                                 + ("✓" if row["k9tf_best"] <= target else "✗"))])
    progress("profile")
    profile = _profile(calls)
    rows.append({"profile": profile})
    markdown = "\n\n".join([
        markdown_table(["call", "k9tf best / median (µs per call)", "numpy forward pass (µs)",
                        "target"], body),
        "Where one `ff([1, 0], net)` on 2-3-2 goes (best µs per call, each step timed alone):",
        markdown_table(["step", "µs"], [[step, f"{us:.1f}"] for step, us in profile]),
    ])
    notes = [f"Load average (1 min): {load} before, {load_average()} after; 5 rounds, "
             f"{calls} calls per batch ({max(1, calls // 10)} for the slower cells).",
             "numpy: float32 matrix products, tanh and softmax on the same weights, one call "
             "per batch item, no input checks and no lists out."]
    return result("call_overhead", "Per-call cost in Python",
                  "How long does one small k9tf call take in Python, and where does it go?",
                  markdown, rows, notes)


if __name__ == "__main__":
    main(run)
