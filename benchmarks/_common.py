"""Helpers shared by the benchmark scripts: timing, tables, results and the command line.

Every benchmark script defines ``run(quick=False) -> dict`` returning a result
(see :func:`result`) and calls :func:`main` under ``if __name__ == "__main__"``,
which prints the result's markdown table and, with ``--json PATH``, writes the
whole result as JSON so that ``run_all.py`` can collect it.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = os.path.dirname(os.path.abspath(__file__))
"""The benchmarks directory (where charts and RESULTS.md are written)."""

ROOT = os.path.dirname(HERE)
"""The repository root."""


def best_of(fn, reps=3, setup=None, long_seconds=math.inf):
    """Time ``fn()`` ``reps`` times with ``time.perf_counter`` and return the fastest run.

    Warm-up is the caller's job: call everything that compiles or caches first.

    Parameters
    ----------
    fn : callable
        The work to time; called with no arguments.
    reps : int, default=3
        Most runs to time.
    setup : callable, optional
        Called (untimed) before each run, e.g. to reset weights.
    long_seconds : float, default=inf
        Stop after any run slower than this, so slow contenders run fewer times.

    Returns
    -------
    best : float
        The fastest run, in seconds.
    runs : int
        How many runs were timed.
    value : object
        What the last run of ``fn`` returned.
    """
    times, value = [], None
    for _ in range(reps):
        if setup is not None:
            setup()
        began = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - began)
        if times[-1] > long_seconds:
            break
    return min(times), len(times), value


def interleaved(contenders, rounds=3, long_seconds=math.inf):
    """Time contenders round-robin, every other round reversed; return best and median.

    On a shared machine the load drifts over minutes; timing each contender in
    turn, round after round, exposes them all to the same drift instead of
    giving one the quiet minute and another the busy one. Every other round
    runs in reverse, because a contender also pays for the one before it:
    after numpy's loop, whose BLAS threads spin on for a while, the next
    contender ran 15 % slower (measured on the MNIST-shaped epoch), which a
    fixed order charged to the same contender every round. Warm-up is the
    caller's job.

    Parameters
    ----------
    contenders : dict
        Name -> ``fn`` or ``(fn, setup)``; ``fn()`` is the work to time and
        ``setup()`` (untimed) runs before each timing, e.g. to reset weights.
    rounds : int, default=3
        Rounds; each contender is timed once per round.
    long_seconds : float, default=inf
        A contender whose run takes longer than this is not timed again.

    Returns
    -------
    times : dict
        Name -> ``{"best": s, "median": s, "runs": n}``.
    values : dict
        Name -> what the contender's last run returned.
    """
    runs = {name: [] for name in contenders}
    values = {}
    for turn in range(rounds):
        order = list(contenders.items())
        for name, entry in order[::-1] if turn % 2 else order:
            fn, setup = entry if isinstance(entry, tuple) else (entry, None)
            if runs[name] and runs[name][-1] > long_seconds:
                continue
            if setup is not None:
                setup()
            began = time.perf_counter()
            values[name] = fn()
            runs[name].append(time.perf_counter() - began)
    times = {name: {"best": min(t), "median": statistics.median(t), "runs": len(t)}
             for name, t in runs.items()}
    return times, values


def load_average():
    """Return the 1-minute load average (how busy the machine is), or None where unknown.

    Returns
    -------
    float or None
        Runnable processes averaged over the last minute.
    """
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def per_call(fn, calls):
    """Return the mean time of one call of ``fn()`` over ``calls`` back-to-back calls.

    Parameters
    ----------
    fn : callable
        The call to time; called with no arguments.
    calls : int
        Number of calls in the batch.

    Returns
    -------
    float
        Seconds per call.
    """
    began = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - began) / calls


def params_of(network, dtype=None):
    """Return a k9tf network's parameters as numpy arrays ``[w0, b0, w1, b1, ...]``.

    Parameters
    ----------
    network : dict
        A network dict from :func:`k9tf.construct_network` or training.
    dtype : str, optional
        Array dtype; defaults to the network's own ``dtype``.

    Returns
    -------
    list of numpy.ndarray
        Weights shaped ``(n_in, n_out)`` and biases shaped ``(n_out,)``, in layer order.
    """
    import numpy as np

    dtype = dtype or network["dtype"]
    params = []
    for layer in network["layers"]:
        params += [np.asarray(layer["weights"], dtype), np.asarray(layer["biases"], dtype)]
    return params


def max_abs_diff(a, b):
    """Return the largest absolute difference between two lists of arrays of the same shapes.

    Parameters
    ----------
    a, b : list of array_like
        Parameter lists, e.g. from :func:`params_of`.

    Returns
    -------
    float
        ``max |a_i - b_i|`` over every element of every pair.
    """
    import numpy as np

    return max(float(np.max(np.abs(np.asarray(x, np.float64) - np.asarray(y, np.float64))))
               for x, y in zip(a, b, strict=True))


def fmt_seconds(seconds):
    """Format a duration in seconds with three significant digits.

    Parameters
    ----------
    seconds : float or None
        The duration; None prints as a dash.

    Returns
    -------
    str
        E.g. ``"0.0145"``, ``"12.3"``.
    """
    if seconds is None:
        return "–"
    return f"{seconds:.3g}"


def fmt_ratio(ratio, target=None):
    """Format a ratio, marking it against an upper-bound target.

    Parameters
    ----------
    ratio : float or None
        The ratio; None prints as a dash.
    target : float, optional
        The largest ratio that meets the target.

    Returns
    -------
    str
        E.g. ``"0.52x ✓"`` or ``"1.3x ✗"``.
    """
    if ratio is None:
        return "–"
    text = f"{ratio:.3g}x"
    if target is not None:
        text += " ✓" if ratio <= target else " ✗"
    return text


def markdown_table(columns, rows):
    """Return a markdown table.

    Parameters
    ----------
    columns : list of str
        Header cells.
    rows : list of list
        Body cells, converted with ``str``.

    Returns
    -------
    str
        The table, one line per row, without a trailing newline.
    """
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def result(name, title, question, markdown, rows, notes=(), seconds=None):
    """Return a benchmark result as a JSON-ready dict.

    Parameters
    ----------
    name : str
        The script's name, e.g. ``"train_speed"``.
    title : str
        Heading for the results file.
    question : str
        The question the benchmark answers, one sentence.
    markdown : str
        The table(s) to print and to put in the results file.
    rows : list of dict
        The measurements, as plain data.
    notes : sequence of str, optional
        Lines printed under the table (method, caveats).
    seconds : float, optional
        How long the benchmark took.

    Returns
    -------
    dict
        Keys ``name``, ``title``, ``question``, ``markdown``, ``rows``, ``notes``, ``seconds``.
    """
    return {"name": name, "title": title, "question": question, "markdown": markdown,
            "rows": rows, "notes": list(notes), "seconds": seconds}


def render(res):
    """Return a result as markdown: question, table(s) and notes.

    Parameters
    ----------
    res : dict
        A result from :func:`result`.

    Returns
    -------
    str
        Markdown text.
    """
    parts = [f"_{res['question']}_", "", res["markdown"]]
    if res["notes"]:
        parts += [""] + [f"- {note}" for note in res["notes"]]
    if res.get("load") is not None:
        before, after = res["load"]
        parts += ["", f"1-minute load average (2 cores): {before} before, {after} after."]
    if res.get("seconds") is not None:
        parts += ["", f"(benchmark took {res['seconds']:.0f} s)"]
    return "\n".join(parts)


def main(run, argv=None):
    """Run a benchmark from the command line: ``--quick`` and ``--json PATH``.

    Parameters
    ----------
    run : callable
        The script's ``run(quick=False)``, returning a result dict.
    argv : list of str, optional
        Arguments; defaults to ``sys.argv[1:]``.

    Returns
    -------
    dict
        The result.
    """
    parser = argparse.ArgumentParser(description=sys.modules[run.__module__].__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes: a fast smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the result as JSON here")
    args = parser.parse_args(argv)
    began, load = time.perf_counter(), load_average()
    res = run(quick=args.quick)
    res["seconds"] = time.perf_counter() - began
    res["load"] = [load, load_average()]
    res["quick"] = args.quick
    print(f"\n## {res['title']}\n\n{render(res)}\n", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return res


def progress(message):
    """Print a progress line to stderr, flushed, so long runs show they are alive.

    Parameters
    ----------
    message : str
        The line.
    """
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def numpy_forward(params, x):
    """Return the softmax outputs of tanh hidden layers for ``x``: the reference forward pass.

    ``params`` is the flat ``[w0, b0, w1, b1, ...]`` list of numpy arrays.
    """
    h = x
    for w, b in zip(params[0:-2:2], params[1:-2:2]):
        h = np.tanh(h @ w + b)
    z = h @ params[-2] + params[-1]
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)
