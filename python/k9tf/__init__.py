"""k9tf: train and use small TensorFlow networks over plain data, from Python and Clojure.

Networks are plain dicts (JSON-ready); every function returns a new value and
never hands out TensorFlow objects. The API mirrors k9's:

>>> import k9tf
>>> net = k9tf.construct_network(2, 3, 2, seed=0)
>>> samples = [k9tf.nand_gen() for _ in range(1000)]
>>> trained = k9tf.train_epochs(20, net, samples, 0.5)
>>> [round(p) for p in k9tf.ff([1, 1], trained)]
[1, 0]
"""

from ._version import __version__ as __version__
from .data import (
    accuracy,
    and_,
    and_gen,
    nand,
    nand_gen,
    or_,
    or_gen,
    sample_logic_fn,
    xor,
    xor_gen,
)
from .engine import ff, train, train_data, train_epochs
from .files import export, from_keras, load_network, save_network
from .model import (
    ArgumentError,
    DivergedError,
    InvalidType,
    InvalidValue,
    construct_network,
    from_k9,
)
from .tools import encode_table, predict, predict_proba, sweep

__all__ = [
    "ArgumentError",
    "DivergedError",
    "InvalidType",
    "InvalidValue",
    "K9Classifier",
    "K9Regressor",
    "accuracy",
    "and_",
    "and_gen",
    "construct_network",
    "encode_table",
    "export",
    "ff",
    "from_k9",
    "from_keras",
    "load_network",
    "nand",
    "nand_gen",
    "or_",
    "or_gen",
    "predict",
    "predict_proba",
    "sample_logic_fn",
    "save_network",
    "sweep",
    "train",
    "train_data",
    "train_epochs",
    "xor",
    "xor_gen",
]


def __getattr__(name):
    """Import :class:`K9Classifier` or :class:`K9Regressor` on first use (scikit-learn is optional).

    Parameters
    ----------
    name : str
        The attribute looked up on the module.

    Returns
    -------
    type
        ``K9Classifier`` or ``K9Regressor``, for those names.

    Raises
    ------
    AttributeError
        For any other name.
    """
    if name in ("K9Classifier", "K9Regressor"):
        from . import tools

        return getattr(tools, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
