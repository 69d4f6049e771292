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
from k9tf import K9Classifier, K9Regressor  # noqa: E402

# scikit-learn's whole estimator suite (legacy checks included) passes with no
# exclusions; 20 epochs keep it fast while still clearing check_classifiers_train's
# accuracy bar.
EXPECTED_FAILED_CHECKS = {}


# The classifier runs in float64: its default 100-unit layer is a matrix product
# (engine/_layers.py), whose float32 rounding may differ in the last bits with the
# rows around a row, which check_methods_sample_order_invariance's rtol=1e-7 sees.
@parametrize_with_checks([K9Classifier(epochs=20, learning_rate_init=0.02, dtype="float64"),
                          K9Regressor(epochs=50, learning_rate_init=0.02)],
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
    assert clf.network_["sizes"] == [2, 100, 3]
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
    assert set(params) == {  # scikit-learn's MLPClassifier names, and k9tf's own
        "hidden_layer_sizes", "activation", "solver", "alpha", "batch_size", "learning_rate",
        "learning_rate_init", "power_t", "epochs", "shuffle", "random_state", "tol", "verbose",
        "warm_start", "momentum", "nesterovs_momentum", "early_stopping", "validation_fraction",
        "beta_1", "beta_2", "epsilon", "n_iter_no_change", "model", "dtype"}
    from sklearn.neural_network import MLPClassifier
    shared = set(MLPClassifier().get_params()) & set(params)
    assert set(MLPClassifier().get_params()) - shared == {"max_iter", "max_fun"}
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
    ({"learning_rate": "fast"}, ValueError, "learning_rate must be one of constant"),
    ({"learning_rate": [0.1]}, TypeError, "learning_rate must be a step size"),
    ({"learning_rate_init": 0}, ValueError, "learning_rate_init"),
    ({"solver": "lbfgs"}, ValueError, "solver must be one of sgd, adam"),
    ({"batch_size": "big"}, ValueError, "batch_size"),
    ({"n_iter_no_change": 0}, ValueError, "n_iter_no_change"),
    ({"nesterovs_momentum": "yes"}, TypeError, "nesterovs_momentum"),
    ({"warm_start": 1}, TypeError, "warm_start"),
    ({"verbose": None}, TypeError, "verbose"),
    ({"early_stopping": "no"}, TypeError, "early_stopping"),
    ({"solver": "sgd", "momentum": 1.5}, ValueError, "momentum"),
    ({"alpha": -1.0}, ValueError, "alpha"),
    ({"beta_1": 1.0}, ValueError, "beta_1"),
    ({"epsilon": 0.0}, ValueError, "epsilon"),
    ({"tol": -1.0}, ValueError, "tol"),
    ({"validation_fraction": 1.0}, ValueError, "validation_fraction"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"shuffle": "yes"}, TypeError, "shuffle"),
    ({"activation": "gelu"}, ValueError, "activation"),
    ({"model": "huge"}, ValueError, "model"),
    ({"dtype": "float16"}, ValueError, "dtype"),
    ({"random_state": -1}, ValueError, "random_state"),
    ({"random_state": "seed"}, TypeError, "random_state"),
])
@pytest.mark.parametrize("estimator", [K9Classifier, K9Regressor])
def test_bad_params_raise_at_fit(params, error, match, estimator):
    model = estimator(**params)  # __init__ only stores
    with pytest.raises(error, match=match):
        model.fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])


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


def test_solvers_and_the_float_learning_rate():
    X, y = _blobs()
    X = StandardScaler().fit_transform(X)
    for params in ({"solver": "sgd", "learning_rate_init": 0.05},
                   {"solver": "sgd", "momentum": 0.0, "learning_rate": 0.5},
                   {"solver": "adam", "learning_rate": "invscaling", "power_t": 0.1},
                   {"solver": "sgd", "learning_rate": "step", "learning_rate_init": 0.1}):
        clf = K9Classifier(epochs=50, random_state=0, **params).fit(X, y)
        assert clf.score(X, y) > 0.9, params
        assert clf.n_iter_ == 50 and len(clf.loss_curve_) == 50


def test_early_stopping_stops_and_keeps_the_best_epoch():
    X, y = _blobs(n_samples=300)
    clf = K9Classifier(epochs=1000, early_stopping=True, n_iter_no_change=5,
                       learning_rate_init=0.05, random_state=0).fit(X, y)
    assert clf.n_iter_ < 1000
    assert 0 <= clf.best_epoch_ < clf.n_iter_
    losses = clf.history_["val_loss"]
    assert len(losses) == clf.n_iter_ and all(v is not None for v in losses)
    assert min(losses) == losses[clf.best_epoch_]
    assert set(clf.history_) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}


def test_warm_start_continues_from_the_fitted_network():
    X, y = _blobs()
    clf = K9Classifier(epochs=5, warm_start=True, random_state=0).fit(X, y)
    first = clf.loss_curve_
    clf.fit(X, y)
    assert clf.loss_curve_[0] < first[0]
    cold = K9Classifier(epochs=5, random_state=0).fit(X, y)
    assert cold.loss_curve_ == first  # without warm_start every fit starts afresh
    with pytest.raises(ValueError, match="warm_start needs the classes"):
        clf.fit(X, y + 1)


def test_verbose_prints_the_loss(capsys):
    X, y = _blobs()
    K9Classifier(epochs=3, verbose=True, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(", loss = " in line for line in lines)


def test_regressor_learns_in_the_units_of_y():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 3))
    y = 1000.0 + 300.0 * X[:, 0] - 200.0 * X[:, 1] ** 2
    reg = K9Regressor(epochs=300, learning_rate_init=0.01, random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.95
    assert reg.predict(X).shape == (200,)
    assert reg.network_["output"] == "linear" and reg.network_["loss"] == "squared-error"
    np.testing.assert_allclose(np.ravel(k9tf.ff(X, reg.network_)), reg.predict(X))
    assert abs(reg.predict(X).mean() - y.mean()) < 20  # the scale and mean are folded in


def test_regressor_multi_output_pipeline_and_grid_search():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (120, 2)) * 50.0
    Y = np.column_stack([X[:, 0] + X[:, 1], X[:, 0] - 2 * X[:, 1]])
    pipe = make_pipeline(StandardScaler(), K9Regressor(epochs=200, learning_rate_init=0.01,
                                                       random_state=0))
    assert pipe.fit(X, Y).predict(X).shape == (120, 2)
    assert pipe.score(X, Y) > 0.95
    search = GridSearchCV(K9Regressor(epochs=50, random_state=0),
                          {"learning_rate_init": [0.0001, 0.01]}, cv=3).fit(X, Y[:, 0])
    assert search.best_params_ == {"learning_rate_init": 0.01}


def test_regressor_warm_start_and_reproducibility():
    X = np.linspace(-1, 1, 50)[:, None]
    y = 5.0 * X[:, 0] + 2.0
    a = K9Regressor(epochs=20, random_state=3).fit(X, y)
    b = K9Regressor(epochs=20, random_state=3).fit(X, y)
    assert a.network_ == b.network_
    warm = K9Regressor(epochs=20, warm_start=True, random_state=3).fit(X, y)
    warm.fit(X, y)
    assert warm.loss_curve_[0] < a.loss_curve_[-1] * 1.5
    assert warm.score(X, y) > a.score(X, y)


def test_regressor_is_exported_lazily():
    code = ("import sys, k9tf; assert 'k9tf.tools._estimator' not in sys.modules; "
            "k9tf.K9Regressor; assert 'k9tf.tools._estimator' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert "K9Regressor" in k9tf.__all__
