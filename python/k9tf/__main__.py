r"""The ``k9tf`` command: train, predict, demo, and Clojure hosted by Python.

Examples
--------
    k9tf demo
    k9tf train --fn nand --save nand.json          # the article's k9 session
    k9tf train --fn xor --hidden 16 --hidden 16 --epochs 1000 --batch-size full \
        --samples 10000 --save xor.json --plot xor.png --tensorboard runs/xor
    k9tf predict xor.json 1 0
    k9tf export xor.json --format onnx xor.onnx      # or keras, savedmodel, tflite
    k9tf sweep --fn xor --seeds 100 --lr 0.1 --lr 0.5 --csv xor.csv --plot xor.png
    k9tf repl                                        # Clojure REPL, JPype backend
    k9tf clj -A:test -m k9tf.test-runner
"""

import argparse
import json
import logging
import math
import sys

from . import _demo, _sweep_cli
from ._export import FORMATS, export
from ._ff import ff
from ._io import load_network, save_network
from ._logic import LOGIC_FUNCTIONS, sample_logic_fn
from ._network import construct_network
from ._presets import ACTIVATIONS, PRESETS
from ._train import train


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an int >= 1, got {text}")
    return value


def _batch_size(text):
    return None if text == "full" else _positive_int(text)


def _parser():
    parser = argparse.ArgumentParser(
        prog="k9tf", description="Train and use small TensorFlow networks over plain data.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.split("\n")[3:]))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="run the article's NAND and XOR sessions")

    fit = commands.add_parser(
        "train", help="train a network on a logic function",
        description="Train a network on a logic function's samples (labels [f, not f]).")
    fit.add_argument("--fn", choices=sorted(LOGIC_FUNCTIONS), required=True)
    fit.add_argument("--hidden", type=_positive_int, action="append", metavar="N",
                     help="hidden layer width; repeat for more layers (default: one of 3)")
    fit.add_argument("--epochs", type=_positive_int, default=500, help="default: 500")
    fit.add_argument("--lr", type=float, default=0.5, help="learning rate (default: 0.5)")
    fit.add_argument("--samples", type=_positive_int, default=1000, help="default: 1000")
    fit.add_argument("--batch-size", type=_batch_size, default=1, metavar="N|full",
                     help="1 = k9's online training (default), full = the article's")
    fit.add_argument("--seed", type=int, help="makes weights and data reproducible")
    fit.add_argument("--model", choices=sorted(PRESETS), default="default")
    fit.add_argument("--report-every", type=_positive_int, metavar="STEPS",
                     help="steps between report lines (default: 200, or a tenth of the run "
                          "when it is longer than 2000 steps)")
    fit.add_argument("--save", metavar="FILE", help="write the trained network as JSON")
    fit.add_argument("--plot", metavar="PNG", help="write loss/accuracy curves and the "
                                                   "decision surface")
    fit.add_argument("--tensorboard", metavar="DIR", help="write TensorBoard scalars")

    grid = commands.add_parser(
        "sweep", help="train a grid of seeded networks on Dask and score each",
        description="Train one seeded network per point of a grid (repeat an option for "
                    "more values) and print the success rate and mean cost per configuration.")
    grid.add_argument("--fn", choices=sorted(LOGIC_FUNCTIONS), action="append", required=True,
                      help="logic task; repeat for more")
    grid.add_argument("--seeds", type=_sweep_cli.parse_seeds, default=range(10), metavar="N|A:B",
                      help="seeds 0..N-1 or A..B-1 (default: 10)")
    grid.add_argument("--lr", type=float, action="append", help="learning rate (default: 0.5)")
    grid.add_argument("--sizes", type=_sweep_cli.parse_sizes, action="append", metavar="2-3-2",
                      help="architecture, input to output (default: 2-3-2)")
    grid.add_argument("--model", choices=sorted(PRESETS), action="append",
                      help="preset (default: default)")
    grid.add_argument("--activation", choices=ACTIVATIONS, action="append",
                      help="hidden activation (default: the model's)")
    grid.add_argument("--batch-size", type=_batch_size, action="append", metavar="N|full",
                      help="1 = online (default), full = full batch")
    grid.add_argument("--epochs", type=_positive_int, action="append", help="default: 500")
    grid.add_argument("--samples", type=_positive_int, default=1000,
                      help="training samples per run (default: 1000)")
    grid.add_argument("--scheduler", default="local", metavar="local|serial|tcp://HOST:PORT",
                      help="local: a Dask cluster started for this run (default); serial: "
                           "in this process; an address: that running Dask scheduler")
    grid.add_argument("--workers", type=_positive_int, metavar="N",
                      help="worker processes of the local cluster (default: one per core)")
    grid.add_argument("--csv", metavar="FILE", help="write one row per run as CSV")
    grid.add_argument("--json", metavar="FILE", help="write one row per run as JSON")
    grid.add_argument("--plot", metavar="PNG", help="write success rate and mean cost per "
                                                    "configuration")

    predict = commands.add_parser("predict", help="print ff of a saved network")
    predict.add_argument("network", metavar="FILE")
    predict.add_argument("inputs", type=float, nargs="+", metavar="X")

    out = commands.add_parser(
        "export", help="write a saved network as a Keras, SavedModel, TFLite or ONNX model",
        description="Write a saved network as a model other runtimes load; OUT is a file "
                    "(ending in .keras for keras) or, for savedmodel, a directory.")
    out.add_argument("network", metavar="NET.json")
    out.add_argument("--format", required=True, metavar="{" + ",".join(FORMATS) + "}")
    out.add_argument("out", metavar="OUT")

    repl = commands.add_parser("repl", help="Clojure REPL in a JVM hosted here (JPype backend)")
    repl.add_argument("--nrepl", action="store_true",
                      help="start an nREPL server (writes .nrepl-port) instead")
    commands.add_parser("clj", help="clojure.main in a JVM hosted here: "
                                    "clj [-A:alias...] [clojure.main args]")
    classpath = commands.add_parser(
        "classpath", help="print the JVM classpath of k9tf's Clojure side (for java -cp, IDEs)")
    classpath.add_argument("aliases", nargs="*", metavar="ALIAS",
                           help="deps.edn aliases to add, e.g. repl")
    return parser


def _train(args):
    validation_seed = None if args.seed is None else args.seed + 1
    samples = sample_logic_fn(args.fn, args.samples, seed=args.seed)
    validation = sample_logic_fn(args.fn, max(100, args.samples // 10), seed=validation_seed)
    network = construct_network(2, *(args.hidden or [3]), 2, model=args.model, seed=args.seed)
    steps = args.epochs * (1 if args.batch_size is None else
                           math.ceil(args.samples / args.batch_size))
    report_every = args.report_every or (200 if steps <= 2000 else math.ceil(steps / 10))
    callbacks = []
    if args.tensorboard:
        from ._tensorboard import ScalarWriter  # noqa: PLC0415 - only when asked

        callbacks.append(ScalarWriter(args.tensorboard))
    from tqdm import tqdm  # noqa: PLC0415

    with tqdm(total=steps, unit="step", disable=None, leave=False) as bar:
        def progress(record):
            bar.update(record["step"] - bar.n)
            for callback in callbacks:
                callback(record)

        network, history = train(network, samples, args.lr, epochs=args.epochs,
                                 batch_size=args.batch_size, seed=args.seed,
                                 validation=validation, report_every=report_every,
                                 callback=progress)
    for callback in callbacks:
        callback.close()
    for row in _demo.GRID:
        print(f"ff {row} => {ff(row, network)}")
    if args.save:
        print(f"saved {save_network(network, args.save)}")
    if args.plot:
        from ._plot import plot_training  # noqa: PLC0415 - matplotlib is optional

        print(f"plotted {plot_training(history, network, args.plot)}")
    return 0


def _classpath(aliases):
    from .jvm import _classpath  # noqa: PLC0415

    path, _, _, missing = _classpath.classpath(_classpath.clojure_root(), aliases)
    if missing:
        print(f"k9tf classpath: no jar for {', '.join(missing)}; put it on "
              "K9TF_EXTRA_CLASSPATH.", file=sys.stderr)
    print(path)
    return 0


def _clojure(args, aliases=()):
    from .jvm import run_clojure  # noqa: PLC0415 - JPype is optional

    return run_clojure(args, aliases)


def main(argv=None):
    """Run the ``k9tf`` command line and return its exit status (2 on bad arguments)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["clj"]:
        aliases = [a for arg in argv[1:2] if arg.startswith("-A:") for a in arg[3:].split(":")]
        return _clojure(argv[1 + bool(aliases):], aliases)
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(message)s", level=logging.INFO, stream=sys.stdout)
    try:
        if args.command == "demo":
            return _demo.run()
        if args.command == "train":
            return _train(args)
        if args.command == "sweep":
            return _sweep_cli.run(args)
        if args.command == "predict":
            print(json.dumps(ff(args.inputs, load_network(args.network))))
            return 0
        if args.command == "classpath":
            return _classpath(args.aliases)
        if args.command == "export":
            print(f"exported {export(load_network(args.network), args.out, format=args.format)}")
            return 0
        return _clojure(["-m", "nrepl.cmdline"], ["repl"]) if args.nrepl else _clojure([])
    except (TypeError, ValueError, OSError, ImportError) as error:
        print(f"k9tf {args.command}: error: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # a sweep's Dask cluster failed it
        print(f"k9tf {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"k9tf {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
