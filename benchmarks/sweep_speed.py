"""Sweep speed: one ``k9tf.sweep`` in-process against 2 Dask worker processes.

Question: how much faster does a seed sweep finish on 2 Dask workers than
serially in one process, on this 2-core machine?

The sweep is the README's convergence session - 2-3-2 default model, 1000
samples, 500 online epochs, learning rate 0.5 - on XOR and NAND over 100 seeds
(200 runs). Three ways, interleaved rep by rep so that a change in the shared
machine's load hits all of them alike:

* **serial** - ``scheduler="serial"``, in this process, warm (TensorFlow
  imported and the shapes compiled by an untimed sweep before);
* **local, 2 workers** - ``scheduler="local", n_workers=2``, as a user calls
  it: the time includes starting the two worker processes (each imports
  TensorFlow and compiles its shapes) and stopping them;
* **running cluster, 2 workers** - a ``LocalCluster`` of 2 single-threaded
  worker processes started (and warmed by an untimed sweep) before, reached by
  its address: the cost of the runs and of Dask's scheduling alone.

Every way must give the same rows (all but ``seconds``); the 1-minute load
average is read before each timed sweep.
"""

import logging
import os
import time

import k9tf
from _common import fmt_ratio, fmt_seconds, main, markdown_table, progress, result

MODES = ("serial", "local, 2 workers", "running cluster, 2 workers")


def _weights_derived(rows):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


def run(quick=False):
    """Time the same sweep serially, on a fresh local cluster and on a running one.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: XOR only, 8 seeds, 50 epochs, one rep.

    Returns
    -------
    dict
        The result; ``rows`` has per way the seconds of each rep, the best, the
        load averages read before each rep and the speed-up of the best over
        the serial best.
    """
    from distributed import LocalCluster

    tasks, seeds, epochs, reps = (["xor"], 8, 50, 1) if quick else (["xor", "nand"], 100, 500,
                                                                     3)
    grid = dict(seeds=range(seeds), epochs=[epochs], progress=False)
    runs = len(tasks) * seeds
    times = {mode: [] for mode in MODES}
    loads = {mode: [] for mode in MODES}
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"},
                      silence_logs=logging.ERROR) as cluster:
        address = cluster.scheduler_address
        progress("warm-up: serial and the running cluster (untimed)")
        reference = _weights_derived(k9tf.sweep(tasks, scheduler="serial", **grid))
        k9tf.sweep(tasks, scheduler=address, **grid)
        calls = {
            "serial": lambda: k9tf.sweep(tasks, scheduler="serial", **grid),
            "local, 2 workers": lambda: k9tf.sweep(tasks, scheduler="local", n_workers=2,
                                                   **grid),
            "running cluster, 2 workers": lambda: k9tf.sweep(tasks, scheduler=address, **grid),
        }
        for rep in range(reps):
            for mode in MODES:
                loads[mode].append(os.getloadavg()[0])
                began = time.perf_counter()
                rows = calls[mode]()
                times[mode].append(time.perf_counter() - began)
                if _weights_derived(rows) != reference:
                    raise AssertionError(f"{mode} gave other rows than the serial sweep")
                progress(f"rep {rep + 1}/{reps}, {mode}: {times[mode][-1]:.1f} s "
                         f"(load {loads[mode][-1]:.1f})")
    serial = min(times["serial"])
    rows, body = [], []
    for mode in MODES:
        best = min(times[mode])
        rows.append({"mode": mode, "runs": runs, "seconds": times[mode], "best": best,
                     "load_before": loads[mode], "speedup": serial / best})
        body.append([mode, runs, fmt_seconds(best),
                     ", ".join(fmt_seconds(t) for t in times[mode]),
                     fmt_ratio(serial / best),
                     ", ".join(f"{load:.1f}" for load in loads[mode])])
    notes = [
        f"{runs} runs: {' and '.join(t.upper() for t in tasks)} x {seeds} seeds, 2-3-2 default "
        f"model, 1000 samples, {epochs} online epochs, lr 0.5. Seconds of the whole "
        f"k9tf.sweep call (time.perf_counter), best of {reps} interleaved reps; speed-up = "
        "serial best / this best.",
        "All three ways gave the same rows, bit for bit (seconds aside).",
        f"Machine: {os.cpu_count()} cores shared with other work; the 1-minute load average "
        "before each rep is listed (above 2, other processes took some of the cores).",
    ]
    return result("sweep_speed", "Sweep speed: serial against 2 Dask workers",
                  f"How much faster does a {runs}-run seed sweep finish on 2 Dask worker "
                  "processes than serially?",
                  markdown_table(["way", "runs", "best (s)", "reps (s)", "speed-up",
                                  "load avg before each rep"], body), rows, notes)


if __name__ == "__main__":
    main(run)
