"""TensorFlow, imported with the environment k9tf needs.

Only modules that run TensorFlow import this one, and only when first used,
so ``import k9tf``, ``k9tf --help`` and input errors stay fast.

Besides quieting TensorFlow's logs and keeping oneDNN's reordered sums out,
k9tf asks XLA's CPU compiler to run small ``while`` loops as one fused kernel
(``xla_cpu_small_while_loop_byte_threshold``). XLA's default (1 KiB of loop
state) leaves larger online loops, such as 2-16-16-2's, running op by op,
3-5x slower (benchmarks/NOTES.md). The option compiles the same ops in the
same order differently: on some CPUs a long online run's weights differ from
XLA's default setting in the last bits, so every process k9tf loads into
first sets it (seeded runs stay bit-identical), and k9tf warns where it cannot.
It is added to the user's ``XLA_FLAGS`` only when TensorFlow is
not imported yet (XLA reads the variable once) and the user has not set the
threshold; TensorFlow releases older than the one k9tf is tested with do not
have the option, and get none.

It also keeps TensorFlow's import from loading Keras (about 1.5 s of its
3.5 s, scikit-learn included): TensorFlow imports ``keras.src.optimizers``
only to register Keras' optimizers for loading SavedModels, and ignores an
``ImportError`` there; k9tf's training uses no Keras, and Keras loads as usual
(registering its optimizers) as soon as anything imports it, e.g. an export.
"""

import importlib.metadata
import logging
import os
import re
import sys

SMALL_WHILE_LOOP_BYTES = 65536
"""XLA's small-loop threshold k9tf sets: 64 KiB of loop state (chosen by measurement)."""

_OPTION = "xla_cpu_small_while_loop_byte_threshold"
_EXTRA = "--xla_backend_extra_options"
_TESTED_FROM = (2, 21)  # the first TensorFlow release k9tf has run the option on

logger = logging.getLogger("k9tf")


def _tensorflow_version():
    for name in ("tensorflow-cpu", "tensorflow"):
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        match = re.match(r"(\d+)\.(\d+)", version)
        return (int(match[1]), int(match[2])) if match else None
    return None


def xla_flags(flags, version):
    """Return ``flags`` (an ``XLA_FLAGS`` value) with k9tf's small-loop option, and why not.

    Parameters
    ----------
    flags : str
        The user's ``XLA_FLAGS`` ("" when unset).
    version : tuple of int or None
        TensorFlow's (major, minor) version; None when unknown.

    Returns
    -------
    flags : str
        The value to use: ``flags`` with the option appended (into the user's
        own ``--xla_backend_extra_options`` if there is one), or unchanged.
    reason : str or None
        Why the option could not be added; None when it was, or when the
        user's flags already set it.
    """
    if _OPTION in flags:
        return flags, None  # the user's own choice
    if version is None or version < _TESTED_FROM:
        return flags, (f"TensorFlow {'.'.join(map(str, version)) if version else '(unknown)'} "
                       f"predates the option (k9tf sets it from "
                       f"{'.'.join(map(str, _TESTED_FROM))})")
    option = f"{_OPTION}={SMALL_WHILE_LOOP_BYTES}"
    if re.search(rf"{_EXTRA}=\S", flags):
        return re.sub(rf"({_EXTRA}=\S+)", rf"\1,{option}", flags, count=1), None
    return f"{flags} {_EXTRA}={option}".strip(), None


def _configure():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN reorders float sums
    if "tensorflow" in sys.modules:
        reason = "TensorFlow was imported before k9tf, so XLA_FLAGS is read already"
    else:
        flags, reason = xla_flags(os.environ.get("XLA_FLAGS", ""), _tensorflow_version())
        if flags:
            os.environ["XLA_FLAGS"] = flags
    if reason is not None:
        logger.warning("k9tf: XLA's small-loop option is not set (%s); online training of "
                       "larger networks runs more slowly, and its weights may differ in the "
                       "last bits from a process that has the option.", reason)


def _import_tensorflow():
    """Import TensorFlow without the eager import of Keras it makes to register optimizers."""
    keras_optimizers = "keras.src.optimizers"
    skip = keras_optimizers not in sys.modules
    if skip:
        sys.modules[keras_optimizers] = None  # TensorFlow catches the ImportError this raises
    try:
        import tensorflow  # noqa: PLC0415
    finally:
        if skip and sys.modules.get(keras_optimizers, 0) is None:
            del sys.modules[keras_optimizers]
    return tensorflow


_configure()
tf = _import_tensorflow()

from tensorflow.core.protobuf import config_pb2  # noqa: E402, F401 - callables' options

tf1 = tf.compat.v1
