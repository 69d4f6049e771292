"""A PNG of a sweep: success rate and mean final cost per configuration."""

from ..files import write_atomic
from ._sweep import summarize


def _labels(summaries):
    """Return a short label per summary, naming only the fields that vary between them."""
    keys = [key for key in ("task", "model", "activation", "sizes", "learning_rate",
                            "batch_size", "epochs", "samples")
            if len({s[key] for s in summaries}) > 1]
    names = {"learning_rate": "lr", "batch_size": "batch", "samples": "n"}
    if not keys:
        keys = ["task", "model", "sizes"]
    return [" ".join(f"{names[k]}={s[k]}" if k in names else str(s[k]) for k in keys)
            for s in summaries]


def plot_sweep(rows, path, name="path"):
    """Save bar charts of the success rate and mean final cost of each configuration.

    Parameters
    ----------
    rows : list of dict
        Rows from :func:`k9tf.sweep`; the seeds of a configuration are pooled.
    path : str or os.PathLike
        PNG file to write, atomically, like :func:`k9tf.save_network`.
    name : str, default="path"
        What to call ``path`` in messages (the CLI passes ``"--plot"``).

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    TypeError, ValueError
        If ``path`` cannot be written (the message names ``path``); an old
        file there is left as it was.
    """
    import matplotlib  # noqa: PLC0415 - optional dependency

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    summaries = summarize(rows)
    labels = _labels(summaries)
    positions = range(len(summaries))
    height = 1.2 + 0.35 * len(summaries)
    figure, (rates, costs) = plt.subplots(1, 2, figsize=(12, height), sharey=True)
    rates.barh(positions, [s["success_rate"] for s in summaries], color="tab:green")
    for i, s in enumerate(summaries):
        rates.text(s["success_rate"], i, f" {s['learned']}/{s['runs']}", va="center",
                   fontsize=8)
    rates.set_xlim(0, 1.15)
    rates.set_xlabel("success rate (learned / runs)")
    rates.set_yticks(list(positions), labels, fontsize=8)
    rates.invert_yaxis()
    mean_costs = [s["mean_cost"] for s in summaries]
    costs.barh(positions, [c or 0.0 for c in mean_costs], color="tab:blue")
    for i, cost in enumerate(mean_costs):
        if cost is None:
            costs.text(0, i, " all diverged", va="center", fontsize=8)
    if all(c is not None and c > 0 for c in mean_costs):
        costs.set_xscale("log")
    costs.set_xlabel("mean final cost (runs that did not diverge)")
    runs = {s["runs"] for s in summaries}
    figure.suptitle(f"Sweep: {len(rows)} runs, {len(summaries)} configurations"
                    + (f" x {runs.pop()} seeds" if len(runs) == 1 else ""))
    figure.tight_layout()
    try:
        return write_atomic(path, lambda file: figure.savefig(file, format="png"), name)
    finally:
        plt.close(figure)
