"""Tests for k9tf.K9Classifier, the scikit-learn estimator."""

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import k9tf  # noqa: E402
from k9tf import K9Classifier  # noqa: E402

# scikit-learn's whole estimator suite (legacy checks included) passes with no
# exclusions; 20 epochs keep it fast while still clearing check_classifiers_train's
# accuracy bar.
EXPECTED_FAILED_CHECKS = {}


@parametrize_with_checks([K9Classifier(epochs=20)],
                         expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _blobs(centers=3, n_samples=150):
    X, y = make_blobs(n_samples=n_samples, centers=centers, cluster_std=1.0, random_state=0)
    return X, y


def test_import_does_not_load_estimator_module():
    code = ("import sys, k9tf; assert 'k9tf.tools._estimator' not in sys.modules; "
            "k9tf.K9Classifier; assert 'k9tf.tools._estimator' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_module_getattr_unknown_name():
    assert "K9Classifier" in k9tf.__all__
    with pytest.raises(AttributeError, match="no_such_name"):
        k9tf.no_such_name


def test_xor_is_learned():
    inputs, labels = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=1)
    y = labels.argmax(1)
    clf = K9Classifier(hidden_layer_sizes=(16, 16), batch_size=None, epochs=500, random_state=0)
    assert clf.fit(inputs, y) is clf
    assert clf.score(inputs, y) == 1.0
    assert clf.n_iter_ == 500
    assert clf.n_features_in_ == 2
    assert clf.network_["sizes"] == [2, 16, 16, 2]
    proba = clf.predict_proba([[0, 1], [1, 1]])
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_string_and_bool_labels():
    X = [[0, 0], [0, 1], [1, 0], [1, 1]] * 10
    words = np.array(["same", "differ", "differ", "same"] * 10)
    clf = K9Classifier(hidden_layer_sizes=(8,), epochs=300, random_state=0).fit(X, words)
    assert clf.classes_.tolist() == ["differ", "same"]
    assert clf.predict([[1, 0], [0, 0]]).tolist() == ["differ", "same"]
    flags = words == "differ"
    clf.fit(X, flags)
    assert clf.classes_.tolist() == [False, True]
    assert clf.predict([[1, 0], [0, 0]]).tolist() == [True, False]


def test_three_classes():
    X, y = _blobs()
    y = y + 10  # labels need not start at 0
    clf = K9Classifier(epochs=200, random_state=0).fit(X, y)
    assert clf.classes_.tolist() == [10, 11, 12]
    assert clf.network_["sizes"] == [2, 3, 3]
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(1)])
    assert clf.score(X, y) > 0.9


@pytest.mark.parametrize("model", ["article", "k9"])
def test_other_presets(model):
    X, y = _blobs(centers=2, n_samples=100)
    X = StandardScaler().fit_transform(X)
    clf = K9Classifier(model=model, activation=None, dtype=None, learning_rate=0.1,
                       batch_size=10, epochs=20, random_state=0).fit(X, y)
    assert clf.network_["model"] == model
    proba = clf.predict_proba(X)
    assert np.all(proba >= 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) > 0.9


def test_pipeline_with_scaler():
    X, y = _blobs()
    pipe = make_pipeline(StandardScaler(), K9Classifier(epochs=100, random_state=0))
    pipe.fit(X * 100.0 + 5.0, y)
    assert pipe.score(X * 100.0 + 5.0, y) > 0.9


def test_grid_search_over_learning_rate():
    X, y = _blobs()
    search = GridSearchCV(K9Classifier(epochs=50, random_state=0),
                          {"learning_rate": [0.05, 0.5]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["learning_rate"] in (0.05, 0.5)
    assert set(search.cv_results_["param_learning_rate"]) == {0.05, 0.5}
    assert search.best_estimator_.learning_rate == search.best_params_["learning_rate"]
    assert search.score(X, y) > 0.9


def test_params_clone_and_set_params():
    clf = K9Classifier(hidden_layer_sizes=(4, 2), epochs=7)
    params = clf.get_params()
    assert params["hidden_layer_sizes"] == (4, 2)
    assert params["epochs"] == 7
    assert set(params) == {"hidden_layer_sizes", "activation", "learning_rate", "epochs",
                           "batch_size", "shuffle", "random_state", "model", "dtype"}
    assert clf.set_params(epochs=9) is clf
    assert clone(clf).get_params() == {**params, "epochs": 9}


def test_random_state_makes_fit_reproducible():
    X, y = _blobs()
    params = dict(epochs=30, batch_size=16, shuffle=True)
    a = K9Classifier(random_state=3, **params).fit(X, y)
    b = K9Classifier(random_state=3, **params).fit(X, y)
    c = K9Classifier(random_state=4, **params).fit(X, y)
    assert a.network_ == b.network_
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.network_["layers"] != c.network_["layers"]
    d = K9Classifier(random_state=np.random.RandomState(3), **params).fit(X, y)
    e = K9Classifier(random_state=np.random.RandomState(3), **params).fit(X, y)
    assert d.network_ == e.network_


@pytest.mark.parametrize("params, error, match", [
    ({"epochs": -1}, ValueError, "epochs"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": 2.5}, TypeError, "epochs"),
    ({"hidden_layer_sizes": (0,)}, ValueError, "hidden_layer_sizes"),
    ({"hidden_layer_sizes": (3, -2)}, ValueError, "hidden_layer_sizes"),
    ({"hidden_layer_sizes": "3"}, TypeError, "hidden_layer_sizes"),
    ({"hidden_layer_sizes": (3.0,)}, TypeError, "hidden_layer_sizes"),
    ({"learning_rate": 0}, ValueError, "learning_rate"),
    ({"learning_rate": "fast"}, TypeError, "learning_rate"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"shuffle": "yes"}, TypeError, "shuffle"),
    ({"activation": "gelu"}, ValueError, "activation"),
    ({"model": "huge"}, ValueError, "model"),
    ({"dtype": "float16"}, ValueError, "dtype"),
    ({"random_state": -1}, ValueError, "random_state"),
    ({"random_state": "seed"}, TypeError, "random_state"),
])
def test_bad_params_raise_at_fit(params, error, match):
    clf = K9Classifier(**params)  # __init__ only stores
    with pytest.raises(error, match=match):
        clf.fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])


def test_bad_data():
    clf = K9Classifier(epochs=1)
    with pytest.raises(ValueError, match="class"):
        clf.fit([[0.0], [1.0]], ["a", "a"])
    with pytest.raises(ValueError, match="NaN"):
        clf.fit([[np.nan], [1.0]], [0, 1])
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit([[0.0], [1.0]], [0.5, 1.5])


def test_not_fitted():
    clf = K9Classifier()
    with pytest.raises(NotFittedError):
        clf.predict([[0.0, 1.0]])
    with pytest.raises(NotFittedError):
        clf.predict_proba([[0.0, 1.0]])
