"""Tools built on the API: sweeps, plots, TensorBoard logs and the scikit-learn estimator.

scikit-learn (for ``K9Classifier``), matplotlib (plots), TensorFlow's
summaries and Dask are optional or slow to import, and are imported only when
one of their names is first used.
"""

import importlib

from ._sweep import MAX_RUNS, ROW_KEYS, summarize, sweep

_LAZY = {"K9Classifier": "_estimator", "plot_training": "_plot", "plot_sweep": "_sweep_plot",
         "ScalarWriter": "_tensorboard"}

__all__ = ["MAX_RUNS", "ROW_KEYS", "K9Classifier", "ScalarWriter", "plot_sweep", "plot_training",
           "summarize",
           "sweep"]


def __getattr__(name):
    """Import the module of a lazily loaded name (see ``_LAZY``) on its first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
