"""Scaling: does k9tf's training time grow linearly with the number of samples.

Question: as N grows 1k, 10k, 100k, 1M, how does the time of one online epoch
(default model 2-3-2, ``batch_size=1``: N updates) and of 50 full-batch steps
(default model 2-16-16-2) grow? Linear growth shows as a constant time per
sample. Times are the whole warm ``train_epochs`` call (validation of the data
included), best of 3 (one run when a run takes over 8 s). Writes a log-log chart
to ``benchmarks/scale.png``.
"""

import os
import tempfile

import numpy as np

import k9tf
from _common import HERE, best_of, fmt_seconds, main, markdown_table, progress, result

LONG_SECONDS = 8.0


def _time_call(net, data, epochs, batch_size, reps):
    k9tf.train_epochs(1, net, data, 0.5, batch_size=batch_size)  # compile for this shape
    best, runs, _ = best_of(lambda: k9tf.train_epochs(epochs, net, data, 0.5,
                                                      batch_size=batch_size),
                            reps, None, LONG_SECONDS)
    return best, runs


def fit(ns, seconds):
    """Fit ``seconds ≈ fixed + per_sample * N``, weighting each point by ``1 / seconds``.

    The relative weighting keeps the small-N points, which fix the intercept,
    from being drowned by the large-N ones.

    Parameters
    ----------
    ns : list of int
        Sample counts.
    seconds : list of float
        Times.

    Returns
    -------
    fixed : float
        Seconds per call independent of N.
    per_sample : float
        Seconds per sample.
    """
    ns, seconds = np.asarray(ns, float), np.asarray(seconds, float)
    per_sample, fixed = np.polyfit(ns, seconds, 1, w=1 / seconds)
    return float(fixed), float(per_sample)


def chart(rows, path):
    """Write the log-log chart of time against N.

    Parameters
    ----------
    rows : list of dict
        Rows from :func:`run`, with ``n``, ``steps``, ``online`` and ``full_batch`` seconds.
    path : str
        PNG file to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = [r["n"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    steps = rows[0]["steps"]
    for key, label, marker in [("online", "1 online epoch, 2-3-2 (N updates)", "o"),
                               ("full_batch", f"{steps} full-batch steps, 2-16-16-2", "s")]:
        seconds = [r[key] for r in rows]
        ax.plot(ns, seconds, marker=marker, label=label)
        ax.plot(ns, [seconds[-1] * n / ns[-1] for n in ns], ":", color="grey", linewidth=1)
    ax.plot([], [], ":", color="grey", label="linear in N (through the largest N)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("samples N")
    ax.set_ylabel("seconds per train_epochs call (warm)")
    ax.set_title("k9tf training time against N")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(quick=False):
    """Time an online epoch and 50 full-batch steps for each N and chart them.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: N = 1k and 10k, 5 full-batch steps, one run each; the chart
        goes to a temporary directory.

    Returns
    -------
    dict
        The result; ``rows`` has per N the seconds of both workloads.
    """
    ns, steps, reps = ([1000, 10_000], 5, 1) if quick else \
        ([1000, 10_000, 100_000, 1_000_000], 50, 3)
    online_net = k9tf.construct_network(2, 3, 2, seed=0)
    batch_net = k9tf.construct_network(2, 16, 16, 2, seed=0)
    rows = []
    for n in ns:
        data = k9tf.sample_logic_fn(k9tf.xor, n, seed=0)
        online, online_runs = _time_call(online_net, data, 1, 1, reps)
        full, full_runs = _time_call(batch_net, data, steps, None, reps)
        rows.append({"n": n, "online": online, "online_runs": online_runs,
                     "full_batch": full, "full_batch_runs": full_runs, "steps": steps})
        progress(f"N={n}: online epoch {online:.3g} s, {steps} full-batch steps {full:.3g} s")
    body, previous = [], None
    for row in rows:
        n = row["n"]
        growth = "–" if previous is None else (
            f"{row['online'] / previous['online']:.3g}x / "
            f"{row['full_batch'] / previous['full_batch']:.3g}x")
        body.append([
            f"{n:,}",
            fmt_seconds(row["online"]) + ("†" if row["online_runs"] < reps else ""),
            f"{row['online'] / n * 1e6:.3g}",
            fmt_seconds(row["full_batch"]) + ("†" if row["full_batch_runs"] < reps else ""),
            f"{row['full_batch'] / steps * 1e3:.3g}",
            f"{row['full_batch'] / (steps * n) * 1e9:.3g}",
            growth,
        ])
        previous = row
    out_dir = os.path.join(tempfile.gettempdir(), "k9tf-bench-quick") if quick else HERE
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "scale.png")
    chart(rows, path)
    columns = ["N", "online epoch (s)", "online µs/sample", f"{steps} full-batch steps (s)",
               "ms/step", "ns per sample-step", "growth vs previous N (online / full)"]
    fits = {key: fit([r["n"] for r in rows], [r[key] for r in rows])
            for key in ("online", "full_batch")}
    notes = [
        f"Warm calls (compiled for each N first), best of {reps}; † = one run only (over "
        f"{LONG_SECONDS:.0f} s). Data: XOR from sample_logic_fn, seed 0. Linear growth = "
        "a constant per-sample column and 10x growth per row.",
        "Fit t ≈ fixed + slope·N (least squares on relative error): online epoch "
        f"{fits['online'][0] * 1e3:.3g} ms + {fits['online'][1] * 1e9:.3g} ns·N; {steps} "
        f"full-batch steps {fits['full_batch'][0] * 1e3:.3g} ms + "
        f"{fits['full_batch'][1] * 1e9:.3g} ns·N (i.e. {fits['full_batch'][1] / steps * 1e9:.3g}"
        " ns per sample per step). The fixed part is the per-call cost (validation, feeds, "
        "Session.run); it dominates at small N.",
        f"Chart: {os.path.relpath(path, HERE) if not quick else path}.",
    ]
    for row in rows:
        row["fits"] = fits
    return result("scale", "Scaling with N",
                  "Does training time grow linearly with the number of samples?",
                  markdown_table(columns, body), rows, notes)


if __name__ == "__main__":
    main(run)
