"""Tools built on the API: the command line, plots, TensorBoard logs, sweeps, the estimator.

scikit-learn (for ``K9Classifier`` and ``K9Regressor``), matplotlib and Dask are optional and
imported only when used.
"""

from ._cli import main
from ._sweep import sweep
from ._table import encode_table, predict, predict_proba, probabilities

__all__ = ["K9Classifier", "K9Regressor", "encode_table", "main", "predict", "predict_proba",
           "probabilities", "sweep"]


def __getattr__(name):
    """Import the estimators on first use, so scikit-learn stays an optional extra."""
    if name in ("K9Classifier", "K9Regressor"):
        from . import _estimator  # noqa: PLC0415

        return getattr(_estimator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
