"""The engine: TensorFlow graphs built per architecture, training loops and the forward pass.

Importing this package does not import TensorFlow; the first ``ff`` or
training call does (3-9 s), or :func:`load` ahead of time.
"""

from ._arguments import LOOPS
from ._ff import ff, forward
from ._train import train, train_data, train_epochs

RUNTIME = "k9tf.engine._models"
"""The module whose import loads TensorFlow and the graph builders, once per process."""


def load():
    """Import TensorFlow and the graph builders now, so that later calls start at once."""
    from . import _models  # noqa: F401, PLC0415


def tensorflow():
    """Return the ``tensorflow`` module, imported with the environment k9tf sets (see ``_tf``)."""
    from ._tf import tf  # noqa: PLC0415

    return tf


def serving_outputs(params, x, activation, output):
    """Return the network outputs for tensors ``params`` and ``x``, computed as :func:`ff` does.

    For exports tracing a serving function: the layers without the training
    graph's gradient override.
    """
    from ._layers import outputs_of  # noqa: PLC0415

    return outputs_of(params, x, activation, output)


__all__ = ["LOOPS", "RUNTIME", "ff", "forward", "load", "serving_outputs", "tensorflow", "train",
           "train_data", "train_epochs"]
