"""Tools built on the API: the command line, plots, TensorBoard logs, sweeps, the estimator.

scikit-learn (for ``K9Classifier``), matplotlib and Dask are optional and
imported only when used.
"""

from ._cli import main
from ._sweep import sweep

__all__ = ["K9Classifier", "main", "sweep"]


def __getattr__(name):
    """Import ``K9Classifier`` on first use, so scikit-learn stays an optional extra."""
    if name == "K9Classifier":
        from ._estimator import K9Classifier  # noqa: PLC0415

        return K9Classifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
