"""Memory of k9tf's caches: resident memory over many architectures and sample counts.

Question: does the process stay flat in memory when a long session meets
hundreds of new architectures (a graph, a session and compiled functions each)
and hundreds of data sizes (a compiled training loop each)?

* **architectures**: for 2-h-2, h = 1..500: ``construct_network``, one ``ff``
  and one online ``train_epochs`` on 4 samples;
* **sample counts**: one 2-3-2 network trained one full-batch epoch on the
  first N of an XOR set, N = 10..309 (a new input shape each).

It takes tens of minutes (each architecture compiles), so it is not part of
``run_all.py``; its figures are kept in ``NOTES.md``.
"""

import resource

import k9tf
from _common import main, markdown_table, progress, result


def _rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return None


def _architectures(n, marks):
    data = [[[1, 0], [0, 1]], [[0, 1], [1, 0]], [[1, 1], [1, 0]], [[0, 0], [0, 1]]]
    rss = {}
    for i in range(n):
        net = k9tf.construct_network(2, 1 + i, 2, seed=i)
        k9tf.ff([1, 0], net)
        k9tf.train_epochs(1, net, data, 0.5)
        if i + 1 in marks:
            rss[i + 1] = _rss_mb()
            progress(f"{i + 1} architectures: {rss[i + 1]} MB")
    return rss


def _sample_counts(n, marks):
    x, y = k9tf.sample_logic_fn(k9tf.xor, 10 + n, seed=0)
    net = k9tf.construct_network(2, 3, 2, seed=0)
    rss = {}
    for i in range(n):
        k9tf.train_epochs(1, net, (x[:10 + i], y[:10 + i]), 0.5, batch_size=None)
        if i + 1 in marks:
            rss[i + 1] = _rss_mb()
            progress(f"{i + 1} sample counts: {rss[i + 1]} MB")
    return rss


def run(quick=False):
    """Measure resident memory while architectures and sample counts pile up.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: 40 architectures and 30 sample counts.

    Returns
    -------
    dict
        The result (see ``_common.result``).
    """
    archs, counts = (40, 30) if quick else (500, 300)
    arch_marks = [k for k in (1, 10, 50, 100, 200, 300, 400, 500) if k <= archs] + [archs]
    count_marks = [k for k in (1, 10, 50, 100, 150, 200, 250, 300) if k <= counts] + [counts]
    a = _architectures(archs, set(arch_marks))
    c = _sample_counts(counts, set(count_marks))
    rows = [["architectures", " → ".join(f"{k}: {v}" for k, v in a.items())],
            ["sample counts", " → ".join(f"{k}: {v}" for k, v in c.items())]]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return result("cache_memory", "Cache memory",
                  "Does memory stay flat over many architectures and sample counts?",
                  markdown_table(["what piles up", "resident MB after k of them"], rows),
                  [{"architectures": a, "sample_counts": c, "peak_mb": peak}],
                  [f"Peak resident memory {peak} MB."])


if __name__ == "__main__":
    main(run)
