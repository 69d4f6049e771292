r"""The ``k9tf`` command: train, predict, demo, and Clojure hosted by Python.

Examples
--------
    k9tf demo
    k9tf train --fn nand --save nand.json          # targets [nand?, not nand?]
    k9tf train --fn xor --hidden 16 --hidden 16 --epochs 1000 --batch-size full \
        --samples 10000 --save xor.json --plot xor.png --tensorboard runs/xor
    k9tf predict xor.json 1 0
    k9tf train --data iris.csv --target species --standardize --save iris.json
    k9tf predict iris.json --data new.csv --out predictions.csv
    k9tf export xor.json --format onnx xor.onnx      # or keras, savedmodel, tflite
    k9tf sweep --fn xor --seeds 100 --lr 0.1 --lr 0.5 --csv xor.csv --plot xor.png
    k9tf repl                                        # Clojure REPL, JPype backend
    k9tf clj -A:test -m k9tf.test-runner

Arguments, files and output paths are checked before TensorFlow loads or
training starts (exit status 2 and one line on stderr); Ctrl-C at any moment
ends the command with one line and status 130, leaving no partial file.
"""

import argparse
import contextlib
import importlib.util
import json
import logging
import math
import signal
import sys
import threading

from ..data import LOGIC_FUNCTIONS, sample_logic_fn
from ..engine import ff, train
from ..files import FORMATS, export, load_network, save_network, writable_directory, writable_file
from ..model import (
    ACTIVATIONS,
    MAX_EPOCHS,
    MAX_SAMPLES,
    MAX_UNITS,
    OPTIMIZERS,
    PRESETS,
    InvalidValue,
    check_inputs,
    construct_network,
)
from ..tools import TABLE_DEFAULTS
from . import _demo, _sweep
from ._environment import reads_stdin, redirect_homeless_caches, reopen_closed_streams
from ._options import training_options
from ._table import predict_table, train_table


def _count(maximum=None):
    def parse(text):
        value = int(text)
        if value < 1 or (maximum is not None and value > maximum):
            bounds = "an int >= 1" if maximum is None else f"an int from 1 to {maximum:,}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text}")
        return value

    parse.__name__ = "int"  # argparse names the type in "invalid int value"
    return parse


def _batch_size(text):
    if text == "full":
        return None
    try:
        return _count(MAX_SAMPLES)(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be 'full' or an int >= 1, got {text}") from None


def _learning_rate(text):
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _seed(text):
    value = int(text)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be an int from 0 to 2**63 - 1, got {text}")
    return value


def _fraction(text):
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be a number from 0 up to 1, got {text}")
    return value


def _non_negative(text):
    value = float(text)
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


_learning_rate.__name__ = _fraction.__name__ = _non_negative.__name__ = "float"
_seed.__name__ = "int"

_TRAIN_DESCRIPTION = """\
Train a network on random samples of a logic function of two 0/1 inputs (--fn),
or on a CSV file (--data FILE.csv --target COLUMN).
Each --fn target is [f?, not f?]: for --fn nand, [nand?, not nand?], so ff [1, 1]
prints about [0, 1]. (The quick start's nand_gen gives [and?, nand?], the other
order.) A --data network remembers its feature names, classes and scaler, so
`k9tf predict NET --data FILE.csv` answers in the file's terms. The data file
and output files are checked before training starts."""

_TABLE_HIDDEN = " ".join(map(str, TABLE_DEFAULTS["hidden_layer_sizes"]))


def _parser():
    parser = argparse.ArgumentParser(
        prog="k9tf", description="Train and use small TensorFlow networks over plain data.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.split("\n")[3:]))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser("demo", help="run the article's NAND and XOR sessions")
    demo.set_defaults(run=lambda args: _demo.run())

    fit = commands.add_parser(
        "train", help="train a network on a logic function (targets [f?, not f?])",
        description=_TRAIN_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    fit.set_defaults(run=_train)
    task = fit.add_mutually_exclusive_group(required=True)
    task.add_argument("--fn", choices=sorted(LOGIC_FUNCTIONS),
                      help="the logic function; targets are [f?, not f?]")
    task.add_argument("--data", metavar="FILE.csv",
                      help="train on a CSV file with a header row (numeric features)")
    fit.add_argument("--target", metavar="COLUMN",
                     help="with --data: the column to predict (class labels, or numbers "
                          "with --regression)")
    fit.add_argument("--regression", action="store_true",
                     help="with --data: the target is a number (linear output, squared error)")
    fit.add_argument("--standardize", action="store_true",
                     help="with --data: scale each feature to mean 0 and standard deviation 1 "
                          "(remembered by the network)")
    fit.add_argument("--validation-fraction", type=_fraction, default=0.0, metavar="F",
                     help="with --data: hold out this fraction of the rows, scored at each "
                          "report (default: 0)")
    fit.add_argument("--hidden", type=_count(MAX_UNITS), action="append", metavar="N",
                     help="hidden layer width; repeat for more layers (default: one of 3; "
                          f"{_TABLE_HIDDEN} with --data)")
    fit.add_argument("--epochs", type=_count(MAX_EPOCHS),
                     help=f"default: 500 ({TABLE_DEFAULTS['epochs']} with --data)")
    fit.add_argument("--lr", type=_learning_rate,
                     help=f"learning rate (default: 0.5; {TABLE_DEFAULTS['learning_rate']} "
                          "with --data)")
    fit.add_argument("--samples", type=_count(MAX_SAMPLES), help="default: 1000")
    fit.add_argument("--batch-size", type=_batch_size, default=argparse.SUPPRESS,
                     metavar="N|full",
                     help="1 = k9's online training (default), full = the article's "
                          f"({TABLE_DEFAULTS['batch_size']} with --data)")
    fit.add_argument("--optimizer", choices=OPTIMIZERS,
                     help=f"default: sgd ({TABLE_DEFAULTS['optimizer']} with --data)")
    fit.add_argument("--momentum", type=_fraction, default=0.0, metavar="M",
                     help="sgd's momentum, from 0 up to 1 (default: 0, plain gradient descent)")
    fit.add_argument("--alpha", type=_non_negative, metavar="A",
                     help=f"L2 penalty (default: 0; {TABLE_DEFAULTS['alpha']} with --data)")
    fit.add_argument("--early-stopping", action="store_true",
                     help="stop once the validation loss stops improving")
    fit.add_argument("--patience", type=_count(MAX_EPOCHS), default=10, metavar="EPOCHS",
                     help="epochs without improvement before --early-stopping stops (default: 10)")
    fit.add_argument("--seed", type=_seed, help="makes weights and data reproducible")
    fit.add_argument("--model", choices=sorted(PRESETS), default="default")
    fit.add_argument("--report-every", type=_count(), metavar="STEPS",
                     help="steps between report lines (default: 200, or a tenth of the run "
                          "when it is longer than 2000 steps)")
    fit.add_argument("--save", metavar="FILE", help="write the trained network as JSON")
    fit.add_argument("--plot", metavar="PNG", help="write loss/accuracy curves and the "
                                                   "decision surface as a PNG")
    fit.add_argument("--tensorboard", metavar="DIR", help="write TensorBoard scalars")

    grid = commands.add_parser(
        "sweep", help="train a grid of seeded networks on Dask and score each",
        description="Train one seeded network per point of a grid (repeat an option for "
                    "more values) and print the success rate and mean cost per configuration.")
    grid.set_defaults(run=_sweep.run)
    grid.add_argument("--fn", choices=sorted(LOGIC_FUNCTIONS), action="append", required=True,
                      help="logic task; repeat for more")
    grid.add_argument("--seeds", type=_sweep.parse_seeds, default=range(10), metavar="N|A:B",
                      help="seeds 0..N-1 or A..B-1 (default: 10)")
    grid.add_argument("--lr", type=float, action="append",
                      help="learning rate (default: 0.5)")
    grid.add_argument("--sizes", type=_sweep.parse_sizes, action="append", metavar="2-3-2",
                      help="architecture, input to output (default: 2-3-2)")
    grid.add_argument("--model", choices=sorted(PRESETS), action="append",
                      help="preset (default: default)")
    grid.add_argument("--activation", choices=ACTIVATIONS, action="append",
                      help="hidden activation (default: the model's)")
    grid.add_argument("--batch-size", type=_batch_size, action="append", metavar="N|full",
                      help="1 = online (default), full = full batch")
    grid.add_argument("--epochs", type=_count(MAX_EPOCHS), action="append",
                      help="default: 500")
    grid.add_argument("--samples", type=_count(MAX_SAMPLES), default=1000,
                      help="training samples per run (default: 1000)")
    grid.add_argument("--scheduler", default="local", metavar="local|serial|tcp://HOST:PORT",
                      help="local: a Dask cluster started for this run (default); serial: "
                           "in this process; an address: that running Dask scheduler")
    grid.add_argument("--workers", type=_count(), metavar="N",
                      help="worker processes of the local cluster (default: one per core)")
    grid.add_argument("--csv", metavar="FILE", help="write one row per run as CSV")
    grid.add_argument("--json", metavar="FILE", help="write one row per run as JSON")
    grid.add_argument("--plot", metavar="PNG", help="write success rate and mean cost per "
                                                    "configuration")

    predict = commands.add_parser(
        "predict", help="print ff of a saved network, or its predictions for a CSV file",
        description="Print ff of the numbers X, or with --data write one CSV row per row of "
                    "the file: the predicted class and each class's probability (a regressor: "
                    "the predicted values).")
    predict.set_defaults(run=_predict)
    predict.add_argument("network", metavar="FILE")
    predict.add_argument("inputs", type=float, nargs="*", metavar="X")
    predict.add_argument("--data", metavar="FILE.csv",
                         help="a CSV file with the network's feature columns (by name)")
    predict.add_argument("--out", metavar="OUT.csv",
                         help="with --data: write the predictions here instead of stdout")

    out = commands.add_parser(
        "export", help="write a saved network as a Keras, SavedModel, TFLite or ONNX model",
        description="Write a saved network as a model other runtimes load; OUT is a file "
                    "(ending in .keras for keras) or, for savedmodel, a directory.")
    out.set_defaults(run=_export)
    out.add_argument("network", metavar="NET.json")
    out.add_argument("--format", required=True, metavar="{" + ",".join(FORMATS) + "}")
    out.add_argument("out", metavar="OUT")

    repl = commands.add_parser("repl", help="Clojure REPL in a JVM hosted here (JPype backend)")
    repl.set_defaults(run=lambda args: _clojure(["-m", "nrepl.cmdline"], ["repl"])
                      if args.nrepl else _clojure([], stdin_closed=args.stdin_closed))
    repl.add_argument("--nrepl", action="store_true",
                      help="start an nREPL server (writes .nrepl-port) instead")
    commands.add_parser("clj", help="clojure.main in a JVM hosted here: "
                                    "clj [-A:alias...] [clojure.main args]")
    classpath = commands.add_parser(
        "classpath", help="print the JVM classpath of k9tf's Clojure side (for java -cp, IDEs)")
    classpath.set_defaults(run=_classpath)
    classpath.add_argument("aliases", nargs="*", metavar="ALIAS",
                           help="deps.edn aliases to add, e.g. repl")
    return parser


class _TqdmHandler(logging.Handler):
    """Write log records to stdout through tqdm, so they never share a line with its bar."""

    def emit(self, record):
        """Write one record above any progress bar, and flush it."""
        from tqdm import tqdm  # noqa: PLC0415

        try:
            tqdm.write(self.format(record), file=sys.stdout)
            sys.stdout.flush()
        except Exception:  # logging's convention: report the failure, never raise it
            self.handleError(record)


def _train(args):
    if args.data is not None:
        return train_table(args, _progress)
    given = [option for option, value in (("--target", args.target),
                                          ("--regression", args.regression),
                                          ("--standardize", args.standardize),
                                          ("--validation-fraction", args.validation_fraction))
             if value]
    if given:
        raise InvalidValue(None, f"{given[0]} is for --data; --fn trains on a logic task.")
    args.epochs = args.epochs or 500
    args.lr = args.lr or 0.5
    args.samples = args.samples or 1000
    args.batch_size = getattr(args, "batch_size", 1)
    if args.save is not None:
        writable_file(args.save, "--save")
    if args.plot is not None:
        if importlib.util.find_spec("matplotlib") is None:
            raise ValueError("--plot needs matplotlib: pip install 'k9tf[plot]'.")
        writable_file(args.plot, "--plot")
    if args.tensorboard is not None:
        writable_directory(args.tensorboard, "--tensorboard")
    validation_seed = None if args.seed is None else args.seed + 1
    samples = sample_logic_fn(args.fn, args.samples, seed=args.seed)
    validation = sample_logic_fn(args.fn, max(100, args.samples // 10), seed=validation_seed)
    network = construct_network(2, *(args.hidden or [3]), 2, model=args.model, seed=args.seed)
    steps = args.epochs * (1 if args.batch_size is None else
                           math.ceil(args.samples / args.batch_size))
    report_every = args.report_every or (200 if steps <= 2000 else math.ceil(steps / 10))
    columns = f"[{args.fn}?, not {args.fn}?]"
    print(f"Training {'-'.join(map(str, network['sizes']))} ({args.model}) on {args.samples:,} "
          f"{args.fn} samples, targets {columns}: {args.epochs:,} epochs, batch "
          f"{args.batch_size or 'full'}, lr {args.lr}", flush=True)
    with _progress(steps, args.tensorboard) as progress:
        network, history = train(network, samples, args.lr, epochs=args.epochs,
                                 batch_size=args.batch_size, seed=args.seed,
                                 validation=validation, report_every=report_every,
                                 callback=progress, **training_options(args, "sgd", 0.0))
    print(f"ff outputs are {columns}:")
    for row, out in zip(_demo.GRID, ff(_demo.GRID, network)):
        print(f"ff {row} => {out}")
    if args.save is not None:
        print(f"saved {save_network(network, args.save)}")
    if args.plot is not None:
        from ..tools import plot_training  # noqa: PLC0415 - matplotlib is optional

        print(f"plotted {plot_training(history, network, args.plot, '--plot')}")
    return 0


@contextlib.contextmanager
def _progress(steps, tensorboard):
    """Yield the history callback: a progress bar of ``steps`` and the TensorBoard writer."""
    callbacks = []
    if tensorboard is not None:
        from ..tools import ScalarWriter  # noqa: PLC0415 - TensorFlow loads here

        callbacks.append(ScalarWriter(tensorboard))
    from tqdm import tqdm  # noqa: PLC0415

    with tqdm(total=steps, unit="step", disable=None, leave=False) as bar:
        def progress(record):
            bar.update(record["step"] - bar.n)
            for callback in callbacks:
                callback(record)

        yield progress
    for callback in callbacks:
        callback.close()


def _predict(args):
    if args.data is not None:
        return predict_table(args)
    if args.out is not None:
        raise ValueError("--out is for --data; without it predict prints ff of the numbers X.")
    if not args.inputs:
        raise InvalidValue(None, "predict needs the inputs X... or --data FILE.csv.")
    network = load_network(args.network)
    check_inputs(args.inputs, network["sizes"][0], network["dtype"])  # before TensorFlow loads
    print(json.dumps(ff(args.inputs, network)))
    return 0


def _export(args):
    print(f"exported {export(load_network(args.network), args.out, format=args.format)}")
    return 0


def _classpath(args):
    from ..jvm import classpath, clojure_root  # noqa: PLC0415

    path, _, _, missing = classpath(clojure_root(), args.aliases)
    if missing:
        print(f"k9tf classpath: no jar for {', '.join(missing)}; put it on "
              "K9TF_EXTRA_CLASSPATH.", file=sys.stderr)
    print(path)
    return 0


def _clojure(args, aliases=(), stdin_closed=False):
    if stdin_closed and reads_stdin(args):
        raise InvalidValue(None, "standard input is closed, so the REPL has nothing to "
                                       "read; run it from a terminal or give it input (< file).")
    from ..jvm import run_clojure  # noqa: PLC0415 - JPype is optional

    return run_clojure(args, aliases)


def main(argv=None):
    """Run the ``k9tf`` command line and return its exit status.

    Bad arguments, files or output paths give status 2, Ctrl-C at any moment
    130, each with one line on stderr and never a traceback. A closed
    standard stream is opened on the null device first (a REPL refuses a
    closed stdin), and an unusable ``HOME`` gets no cache directories (see
    :mod:`k9tf.cli._environment`).
    """
    interrupted = []

    def on_interrupt(signum, frame):
        interrupted.append(signum)
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, on_interrupt)
    closed = reopen_closed_streams()  # e.g. 2>&-: tqdm and logs write to the null device
    redirect_homeless_caches()
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv else "k9tf"
    try:
        if argv[:1] == ["clj"]:
            aliases = [a for arg in argv[1:2] if arg.startswith("-A:")
                       for a in arg[3:].split(":")]
            return _clojure(argv[1 + bool(aliases):], aliases, stdin_closed=0 in closed)
        args = _parser().parse_args(argv)
        args.stdin_closed = 0 in closed
        command = args.command
        logging.basicConfig(format="%(message)s", level=logging.INFO,
                            handlers=[_TqdmHandler()])
        return args.run(args)
    except BaseException as error:
        # Ctrl-C may land inside an import or a C extension, which can re-raise it as another
        # exception: the flag, not the exception's type, tells an interrupt.
        if interrupted or isinstance(error, KeyboardInterrupt):
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # one more Ctrl-C changes nothing
            print(f"k9tf {command}: interrupted", file=sys.stderr, flush=True)
            # e.g. Dask's exit handler closing a cluster the interrupt left half-started:
            # whatever fails after this line is not news to the user
            sys.unraisablehook = lambda unraisable: None
            return 130
        if isinstance(error, (TypeError, ValueError, OSError, ImportError)):
            print(f"k9tf {command}: error: {error}", file=sys.stderr, flush=True)
            return 2
        if isinstance(error, RuntimeError):  # e.g. a sweep's Dask cluster failed it
            print(f"k9tf {command}: error: {error}", file=sys.stderr, flush=True)
            return 1
        raise

