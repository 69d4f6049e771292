"""Pytest set-up shared by the test suite and the doctests."""

import pytest

import k9tf


@pytest.fixture(autouse=True)
def _k9tf_names(doctest_namespace):
    """Make the core API available unqualified in docstring examples."""
    doctest_namespace.update({name: getattr(k9tf, name) for name in k9tf.__all__
                              if name != "K9Classifier"})  # optional: needs scikit-learn
