"""The ``k9tf sweep`` command's work: argument types, output checks, files and the summary."""

import argparse
import contextlib
import csv
import importlib.util
import io
import json
import logging

from ..files import writable_file, write_atomic
from ..tools import ROW_KEYS, summarize, sweep


def parse_seeds(text):
    """Return the seeds ``"N"`` (0 to N-1) or ``"A:B"`` (A to B-1) stand for, as a range."""
    first, colon, last = text.partition(":")
    try:
        seeds = range(int(first), int(last)) if colon else range(int(first))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be N or A:B (ints), got {text!r}") from None
    if not seeds or seeds.start < 0:
        raise argparse.ArgumentTypeError(f"must name at least one seed >= 0, got {text!r}")
    return seeds


def parse_sizes(text):
    """Return the layer widths of ``"2-3-2"`` as a list of ints >= 1."""
    try:
        sizes = [int(part) for part in text.split("-")]
    except ValueError:
        sizes = []
    if len(sizes) < 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"must be widths like 2-3-2 or 2-16-16-2, got {text!r}")
    return sizes


def _write_text(path, write, name):
    """Write ``path`` through ``write(text_file)`` with k9tf's atomic writer."""
    def write_binary(file):
        text = io.TextIOWrapper(file, encoding="utf-8", newline="")
        write(text)
        text.flush()
        text.detach()  # leave the binary file open for the writer's fsync
    return write_atomic(path, write_binary, name)


def write_csv(rows, path, name="path"):
    """Write sweep ``rows`` to ``path`` as CSV (None as an empty cell), atomically; return it."""
    def write(file):
        writer = csv.DictWriter(file, fieldnames=ROW_KEYS)
        writer.writeheader()
        writer.writerows(rows)
    return _write_text(path, write, name)


def write_json(rows, path, name="path"):
    """Write sweep ``rows`` to ``path`` as a JSON list of objects, atomically; return it."""
    def write(file):
        json.dump(rows, file, indent=1, allow_nan=False)
        file.write("\n")
    return _write_text(path, write, name)


def summary_table(rows):
    """Return the per-configuration summary of ``rows`` as aligned text lines."""
    header = ["task", "model", "activation", "sizes", "lr", "batch", "epochs", "runs",
              "learned", "diverged", "mean cost", "s/run"]
    lines = [header]
    for s in summarize(rows):
        lines.append([str(s["task"]), s["model"], s["activation"], s["sizes"],
                      f"{s['learning_rate']:g}",
                      "full" if s["batch_size"] is None else str(s["batch_size"]),
                      str(s["epochs"]), str(s["runs"]), f"{s['learned']}/{s['runs']}",
                      str(s["diverged"]),
                      "-" if s["mean_cost"] is None else f"{s['mean_cost']:.4g}",
                      f"{s['mean_seconds']:.3g}"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()
            for line in lines]


def run(args):
    """Run ``k9tf sweep`` with parsed ``args``: check outputs, sweep, print and write."""
    outputs = [(args.csv, "--csv"), (args.json, "--json"), (args.plot, "--plot")]
    for path, option in outputs:
        if path is not None:
            writable_file(path, option)
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        raise ValueError("--plot needs matplotlib: pip install 'k9tf[plot]'.")
    logging.getLogger("k9tf").setLevel(logging.WARNING)  # no report lines per run
    if args.scheduler != "serial":
        with contextlib.suppress(ImportError):  # sweep says what is missing
            import distributed  # noqa: F401, PLC0415 - sets its log levels on import...
    logging.getLogger("distributed").setLevel(logging.ERROR)  # ...quieted here
    rows = sweep(args.fn, seeds=args.seeds, learning_rates=args.lr or [0.5],
                 sizes=args.sizes or [[2, 3, 2]], models=args.model or ["default"],
                 activations=args.activation or [None], batch_sizes=args.batch_size or [1],
                 epochs=args.epochs or [500], n_samples=args.samples, scheduler=args.scheduler,
                 n_workers=args.workers)
    print("\n".join(summary_table(rows)))
    if args.csv:
        print(f"wrote {write_csv(rows, args.csv, '--csv')}")
    if args.json:
        print(f"wrote {write_json(rows, args.json, '--json')}")
    if args.plot:
        from ..tools import plot_sweep  # noqa: PLC0415 - matplotlib is optional

        print(f"plotted {plot_sweep(rows, args.plot, '--plot')}")
    return 0
