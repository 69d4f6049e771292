"""The ``k9tf sweep`` command's work: argument types, output checks, files and the summary."""

import argparse
import contextlib
import csv
import importlib.util
import json
import logging
import os
import tempfile

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


def _check_output(path, option):
    """Raise ValueError unless ``path`` can be written: its directory exists and is writable."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValueError(f"{option} {path!r} is a directory.")
    if not os.path.isdir(directory):
        raise ValueError(f"{option} {path!r} is in a directory that does not exist.")
    if not os.access(directory, os.W_OK) or (os.path.exists(path)
                                              and not os.access(path, os.W_OK)):
        raise ValueError(f"{option} {path!r} cannot be written (permission denied).")


def _write(path, write):
    """Write ``path`` through ``write(file)`` atomically: a temporary file, then a rename."""
    fd, temp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                prefix=".k9tf-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            write(file)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
    return path


def write_csv(rows, path):
    """Write sweep ``rows`` to ``path`` as CSV (None as an empty cell); return ``path``."""
    def write(file):
        writer = csv.DictWriter(file, fieldnames=ROW_KEYS)
        writer.writeheader()
        writer.writerows(rows)
    return _write(path, write)


def write_json(rows, path):
    """Write sweep ``rows`` to ``path`` as a JSON list of objects; return ``path``."""
    def write(file):
        json.dump(rows, file, indent=1, allow_nan=False)
        file.write("\n")
    return _write(path, write)


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
            _check_output(path, option)
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
        print(f"wrote {write_csv(rows, args.csv)}")
    if args.json:
        print(f"wrote {write_json(rows, args.json)}")
    if args.plot:
        from ..tools import plot_sweep  # noqa: PLC0415 - matplotlib is optional

        print(f"plotted {plot_sweep(rows, args.plot)}")
    return 0
