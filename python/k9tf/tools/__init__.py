"""Tools built on the API: sweeps, tables, plots, TensorBoard logs and the scikit-learn estimators.

scikit-learn (for ``K9Classifier`` and ``K9Regressor``), matplotlib (plots),
TensorFlow's summaries and Dask are optional or slow to import, and are
imported only when one of their names is first used.
"""

import importlib

from ._sweep import MAX_RUNS, ROW_KEYS, summarize, sweep
from ._table import TABLE_DEFAULTS, encode_table, predict, predict_proba, probabilities

_LAZY = {"K9Classifier": "_estimator", "K9Regressor": "_estimator", "plot_training": "_plot",
         "plot_sweep": "_sweep_plot", "ScalarWriter": "_tensorboard"}

__all__ = ["MAX_RUNS", "ROW_KEYS", "TABLE_DEFAULTS", "K9Classifier", "K9Regressor", "ScalarWriter",
           "encode_table", "plot_sweep", "plot_training", "predict", "predict_proba",
           "probabilities", "summarize", "sweep"]


def __getattr__(name):
    """Import the module of a lazily loaded name (see ``_LAZY``) on its first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
