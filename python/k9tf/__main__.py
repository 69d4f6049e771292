"""The ``k9tf`` command: demo, train, predict, and Clojure hosted by Python.

Examples
--------
    python -m k9tf demo
    python -m k9tf train --fn xor --hidden 16 --hidden 16 --epochs 1000 \\
        --batch-size full --save xor.json --plot xor.png
    python -m k9tf predict xor.json 1 0
    python -m k9tf repl                 # Clojure REPL, JPype backend
    python -m k9tf clj -m k9tf.test-runner
"""

import argparse
import logging
import sys

from . import _demo


def _clojure(args, aliases=()):
    from ._jvm import run_clojure  # noqa: PLC0415 - JPype is optional

    return run_clojure(args, aliases)


def _parser():
    parser = argparse.ArgumentParser(
        prog="k9tf", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.split("\n")[3:]))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="run the article's NAND and XOR sessions")
    repl = commands.add_parser("repl", help="Clojure REPL in a JVM hosted here (JPype backend)")
    repl.add_argument("--nrepl", action="store_true",
                      help="start an nREPL server (writes .nrepl-port) instead of a REPL")
    commands.add_parser(
        "clj", help="clojure.main in a JVM hosted here (JPype backend): "
        "clj [-A:alias...] [clojure.main args]")
    return parser


def main(argv=None):
    """Run the ``k9tf`` command line; return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["clj"]:
        aliases = [a for arg in argv[1:2] if arg.startswith("-A:") for a in arg[3:].split(":")]
        return _clojure(argv[1 + bool(aliases):], aliases)
    args = _parser().parse_args(argv)
    logging.basicConfig(format="%(message)s", level=logging.INFO, stream=sys.stdout)
    if args.command == "demo":
        return _demo.run()
    if args.command == "repl":
        if args.nrepl:
            return _clojure(["-m", "nrepl.cmdline"], ["repl"])
        return _clojure([])
    return 2


if __name__ == "__main__":
    sys.exit(main())
