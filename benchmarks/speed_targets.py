"""Speed targets: the float64 k9 session, one ``ff``, a training call's overhead, a big ``ff``.

Question: does k9tf meet its latency targets, measured against the nearest
reference in the same process, round-robin?

* **k9 session**: k9's NAND session (k9 model 2-3-2, 500 epochs x 1000
  samples, online, lr 0.5) in float64 (the k9 preset) against the same network
  in float32; target: float64 within 2x of float32.
* **one ff**: ``ff([1, 0], net)`` on 2-3-2 and 2-16-16-2 (default model),
  microseconds per call; targets 100 and 150 µs. Reference: numpy's forward
  pass on the same one row (no validation).
* **training call overhead**: ``train_epochs(1, net, one_sample, 0.5)`` on
  2-3-2, a call doing one update; target 0.5 ms.
* **1M-row ff**: ``ff`` of a 1,000,000 x 2 float32 array on 2-16-16-2 (the
  result as lists), against numpy's forward pass of the same array plus
  ``tolist``; target 1.2x.
* **interrupt latency**: ``train(..., epochs=MAX_EPOCHS)``: time from
  ``_thread.interrupt_main()`` (what Ctrl-C does) to the ``KeyboardInterrupt``
  reaching the caller; target about a second.
"""

import _thread
import gc
import signal
import statistics
import threading
import time

import numpy as np

import k9tf
from _common import interleaved, main, markdown_table, numpy_forward, params_of, progress, result
from k9tf.model import MAX_EPOCHS


def _k9_session(rounds):
    k9tf.data._logic._random.seed(0)
    samples = [k9tf.nand_gen() for _ in range(1000)]
    nets = {"float64 (k9 preset)": k9tf.construct_network(2, 3, 2, model="k9", seed=0),
            "float32": k9tf.construct_network(2, 3, 2, model="k9", dtype="float32", seed=0)}
    for net in nets.values():
        k9tf.train_epochs(1, net, samples, 0.5)
    times, _ = interleaved({name: (lambda n=net: k9tf.train_epochs(500, n, samples, 0.5))
                            for name, net in nets.items()}, rounds)
    return times


def _single_ff(rounds, calls):
    out = {}
    contenders = {}
    for sizes in [(2, 3, 2), (2, 16, 16, 2)]:
        net = k9tf.construct_network(*sizes, seed=0)
        params = params_of(net)
        row = np.array([[1.0, 0.0]], np.float32)
        name = "-".join(map(str, sizes))
        contenders[f"k9tf {name}"] = lambda n=net: [k9tf.ff([1, 0], n) for _ in range(calls)]
        contenders[f"numpy {name}"] = lambda p=params: [numpy_forward(p, row)[0].tolist()
                                                        for _ in range(calls)]
        for _ in range(100):
            k9tf.ff([1, 0], net)
    times, _ = interleaved(contenders, rounds)
    for name, t in times.items():
        out[name] = {k: v * 1e6 / calls if k != "runs" else v for k, v in t.items()}
    return out


def _train_overhead(rounds, calls):
    net = k9tf.construct_network(2, 3, 2, seed=0)
    one = [[[1, 0], [0, 1]]]
    for _ in range(20):
        k9tf.train_epochs(1, net, one, 0.5)
    times, _ = interleaved({"train_epochs(1, net, 1 sample)": lambda: [
        k9tf.train_epochs(1, net, one, 0.5) for _ in range(calls)]}, rounds)
    return {name: {k: v * 1e3 / calls if k != "runs" else v for k, v in t.items()}
            for name, t in times.items()}


def _big_ff(rows, rounds):
    x, _ = k9tf.sample_logic_fn(k9tf.xor, rows, seed=0)
    x = x.astype(np.float32)
    net = k9tf.construct_network(2, 16, 16, 2, seed=0)
    params = params_of(net)
    k9tf.ff(x, net)
    def paused_tolist():
        gc.disable()
        try:
            return numpy_forward(params, x).tolist()
        finally:
            gc.enable()

    times, values = interleaved({"k9tf": lambda: k9tf.ff(x, net),
                                 "numpy + tolist": lambda: numpy_forward(params, x).tolist(),
                                 "numpy + tolist, gc paused": paused_tolist}, rounds)
    diff = float(np.max(np.abs(np.array(values["k9tf"]) - np.array(values["numpy + tolist"]))))
    return times, diff


def _interrupt_latency(tries):
    net = k9tf.construct_network(2, 3, 2, seed=4)
    samples = k9tf.sample_logic_fn("nand", 1000, seed=4)  # online: minutes at the limit
    latencies = []
    # A shell starts background jobs with SIGINT ignored; interrupt_main() then does nothing.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    for _ in range(tries):
        started, sent = threading.Event(), []

        def interrupt():
            started.wait()
            time.sleep(0.3)  # let it run into a training chunk
            sent.append(time.perf_counter())
            _thread.interrupt_main()

        thread = threading.Thread(target=interrupt, daemon=True)
        thread.start()
        try:
            k9tf.train(net, samples, 0.5, epochs=MAX_EPOCHS, report_every=10**12,
                       callback=lambda record: started.set())
        except KeyboardInterrupt:
            latencies.append(time.perf_counter() - sent[0])
        thread.join()
    signal.signal(signal.SIGINT, previous)
    return latencies


def run(quick=False):
    """Measure every target.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: fewer rounds and calls, 100k rows instead of 1M.

    Returns
    -------
    dict
        The result (see ``_common.result``).
    """
    rounds, calls, rows = (3, 100, 100_000) if quick else (7, 300, 1_000_000)
    progress("k9 session")
    k9 = _k9_session(rounds)
    progress("one ff")
    ff = _single_ff(rounds, calls)
    progress("training call overhead")
    overhead = _train_overhead(rounds, calls // 3)
    progress(f"{rows}-row ff")
    big, diff = _big_ff(rows, 3)
    progress("interrupt latency")
    latencies = _interrupt_latency(3 if quick else 5)

    f64, f32 = k9["float64 (k9 preset)"], k9["float32"]

    def cell(t, unit):
        return f"{t['best']:.3g} / {t['median']:.3g} {unit}"

    ratio_best = f64["best"] / f32["best"]
    rows_out = [
        ["k9 session, float64 / float32 (500 epochs x 1000, online)",
         f"{cell(f64, 's')} vs {cell(f32, 's')}", f"{ratio_best:.2f}x",
         "≤ 2x " + ("✓" if ratio_best <= 2 else "✗")],
    ]
    for sizes, target in (("2-3-2", 100), ("2-16-16-2", 150)):
        k, n = ff[f"k9tf {sizes}"], ff[f"numpy {sizes}"]
        rows_out.append([f"one ff, {sizes}", f"{cell(k, 'µs')} (numpy: {cell(n, 'µs')})",
                         f"{k['best']:.0f} µs", f"≤ {target} µs "
                         + ("✓" if k["best"] <= target else "✗")])
    (name, o), = overhead.items()
    rows_out.append([f"training call overhead: {name}, 2-3-2", cell(o, "ms"),
                     f"{o['best']:.2f} ms", "≤ 0.5 ms " + ("✓" if o["best"] <= 0.5 else "✗")])
    k, n, p = big["k9tf"], big["numpy + tolist"], big["numpy + tolist, gc paused"]
    ratio = k["best"] / n["best"]
    rows_out.append([f"ff of {rows:,} rows, 2-16-16-2 (float32 array in, lists out)",
                     f"{cell(k, 's')} vs numpy + tolist {cell(n, 's')} (with the garbage "
                     f"collector paused: {cell(p, 's')}, k9tf/that {k['best'] / p['best']:.2f}x)",
                     f"{ratio:.2f}x", "≤ 1.2x " + ("✓" if ratio <= 1.2 else "✗")])
    rows_out.append(["interrupt latency, train(epochs=1,000,000)",
                     f"max {max(latencies):.3f} s, median {statistics.median(latencies):.3f} s "
                     f"over {len(latencies)}", f"{max(latencies):.2f} s",
                     "≈ 1 s " + ("✓" if max(latencies) <= 1 else "✗")])
    notes = [
        "Times are best / median over the rounds; contenders timed round-robin "
        f"({rounds} rounds) so that they share the machine's load. Per-call rows are the mean "
        f"of {calls} back-to-back calls per round. The 'result' column is the best.",
        "1M-row ff: k9tf pauses Python's garbage collector while it turns the outputs into "
        "lists (a million new lists would trigger collections that traverse every object "
        "TensorFlow holds); the plain numpy reference does not, the other one does too.",
        f"1M-row ff: k9tf's outputs differ from numpy's float32 forward pass by at most "
        f"{diff:.2g} (rounding: numpy sums the matrix products in another order).",
    ]
    return result("speed_targets", "Speed targets", "Does k9tf meet its latency targets, "
                  "measured round-robin against the nearest reference in the same process?",
                  markdown_table(["target", "measured (best / median)", "result", "target"],
                                 rows_out),
                  [{"k9_session": k9, "ff": ff, "overhead_ms": overhead, "big_ff": big,
                    "big_ff_max_diff": diff, "interrupt_s": latencies}], notes)


if __name__ == "__main__":
    main(run)
