"""Pytest set-up shared by the test suite and the doctests."""

import pytest

import k9tf


@pytest.fixture(autouse=True)
def _k9tf_names(doctest_namespace):
    """Make the core API available unqualified in docstring examples."""
    optional = ("K9Classifier", "K9Regressor")  # they need scikit-learn
    doctest_namespace.update({name: getattr(k9tf, name) for name in k9tf.__all__
                              if name not in optional})
