"""``k9tf train --data`` and ``k9tf predict --data``: networks over a user's CSV file.

Everything about the file (its size, every row and column, the target) and
every output path is checked before TensorFlow loads; a problem is one line
naming the file, the line and the column.
"""

import csv
import io
import math
import sys

import numpy as np

from ..data import parse_csv
from ..engine import train
from ..files import read_table, save_network, writable_directory, writable_file, write_atomic
from ..model import InvalidValue, checked_network, construct_network
from ..tools import TABLE_DEFAULTS, encode_table, predict, predict_proba
from ._options import training_options


def _split(n, fraction, seed):
    """Return ``(train rows, validation rows)``: a seeded random ``fraction`` held out."""
    held = math.ceil(n * fraction) if fraction else 0
    if held and n - held < 1:
        raise ValueError(f"--validation-fraction {fraction} leaves no rows to train on "
                         f"({n:,} rows).")
    order = np.random.default_rng(seed).permutation(n) if held else np.arange(n)
    return np.sort(order[held:]), np.sort(order[:held])


def train_table(args, progress):
    """Run ``k9tf train --data``: read, encode, train, report, save; return the exit status.

    ``progress(total steps, tensorboard directory)`` gives the context manager
    that yields the history callback (the progress bar and TensorBoard writer).
    """
    source = f"--data {args.data!r}"
    if args.fn is not None or args.samples is not None:
        raise ValueError("--data trains on a file; --fn and --samples are for the logic tasks.")
    if args.target is None:
        raise ValueError("--data needs --target COLUMN, the column to predict.")
    if args.plot is not None:
        raise ValueError("--plot draws a logic task's decision surface; it does not take --data.")
    if args.save is not None:
        writable_file(args.save, "--save")
    if args.tensorboard is not None:
        writable_directory(args.tensorboard, "--tensorboard")
    table = parse_csv(read_table(args.data, "--data"), source=source, target=args.target,
                      regression=args.regression)
    x, labels = table["inputs"], table["labels"]
    rows, held = _split(len(x), args.validation_fraction, args.seed)
    if args.regression:
        n_out, loss = 1, {"output": "linear", "loss": "squared-error"}
    else:
        n_out, loss = len(set(np.asarray(labels, dtype=object)[rows].tolist())), {}
        if n_out < 2:
            raise InvalidValue(None, f"{source}: column {args.target!r} holds a "
                                                    "single class in the training rows; a "
                                                    "classifier needs at least 2.")
    hidden = args.hidden or list(TABLE_DEFAULTS["hidden_layer_sizes"])
    activation = TABLE_DEFAULTS["activation"] if args.model == "default" else None
    network = construct_network(len(table["features"]), *hidden, n_out, model=args.model,
                                activation=activation, seed=args.seed, **loss)
    pick = (lambda v, at: v[at]) if args.regression else (lambda v, at: [v[i] for i in at])
    network, samples = encode_table(network, x[rows], pick(labels, rows),
                                    features=table["features"], target=args.target,
                                    standardize=args.standardize)
    validation = None
    if len(held):
        _, validation = encode_table(network, x[held], pick(labels, held))
    epochs = args.epochs or TABLE_DEFAULTS["epochs"]
    batch_size = getattr(args, "batch_size", TABLE_DEFAULTS["batch_size"])
    lr = args.lr or TABLE_DEFAULTS["learning_rate"]
    kinds = ("a regression target" if args.regression else
             f"{n_out} classes: {', '.join(map(str, network['data']['classes']))}")
    print(f"Training {'-'.join(map(str, network['sizes']))} ({args.model}) on {len(rows):,} rows "
          f"of {args.data} ({len(held):,} held out), target {args.target!r} ({kinds}): "
          f"{epochs:,} epochs, batch {batch_size or 'full'}, lr {lr}", flush=True)
    n = len(rows)
    steps = epochs * (1 if batch_size is None or batch_size >= n else math.ceil(n / batch_size))
    report_every = args.report_every or max(1, math.ceil(steps / 10))
    with progress(steps, args.tensorboard) as callback:
        network, history = train(network, samples, lr, epochs=epochs, batch_size=batch_size,
                                 seed=args.seed, validation=validation,
                                 report_every=report_every, callback=callback, shuffle=True,
                                 **training_options(args, TABLE_DEFAULTS["optimizer"],
                                                    TABLE_DEFAULTS["alpha"]))
    print(f"final cost {history['cost'][-1]:.6g}" + (
        "" if args.regression else f", training accuracy {history['train_accuracy'][-1]:.3f}")
        + ("" if validation is None or args.regression else
           f", validation accuracy {history['validation_accuracy'][-1]:.3f}"))
    if args.save is not None:
        print(f"saved {save_network(network, args.save)}")
    return 0


def predict_table(args):
    """Run ``k9tf predict NET --data FILE``: write one CSV row of predictions per data row."""
    if args.inputs:
        raise InvalidValue(None, "give the inputs as numbers or as --data FILE.csv, not both.")
    if args.out is not None:
        writable_file(args.out, "--out")
    from ..files import load_network  # noqa: PLC0415

    network = load_network(args.network)
    spec, _, _ = checked_network(network)
    data = spec.get("data", {})
    source = f"--data {args.data!r}"
    text = read_table(args.data, "--data")
    table = parse_csv(text, source=source, features=data.get("features"))
    if len(table["features"]) != spec["sizes"][0]:
        raise InvalidValue(None, f"{source} has {len(table['features']):,} "
                                                "columns; the network takes "
                                                f"{spec['sizes'][0]:,} inputs (and names none: "
                                                "it was not trained on a table).")
    labels = predict(table["inputs"], network)
    target = data.get("target", "prediction")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    if spec["loss"] == "softmax-cross-entropy":
        classes = data.get("classes", list(range(spec["sizes"][-1])))
        writer.writerow([target, *(f"P({c})" for c in classes)])
        for label, row in zip(labels, predict_proba(table["inputs"], network)):
            writer.writerow([label, *(repr(p) for p in row)])
    else:
        n_out = spec["sizes"][-1]
        writer.writerow([target] if n_out == 1 else [f"{target}[{i}]" for i in range(n_out)])
        for value in labels:
            writer.writerow([repr(value)] if n_out == 1 else [repr(v) for v in value])
    if args.out is None:
        sys.stdout.write(out.getvalue())
    else:
        write_atomic(args.out, lambda file: file.write(out.getvalue().encode("utf-8")), "--out")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0
