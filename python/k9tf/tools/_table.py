"""Networks over a user's table: named features, class labels and a scaler, remembered.

:func:`encode_table` turns rows of numbers and their labels into samples for
:func:`k9tf.train`, and returns the network carrying ``data`` (format version
2): the feature names, the classes in output order and the scaler. Training
keeps that ``data``, so :func:`predict` and :func:`predict_proba` take rows
in the user's units and give labels back.
"""

import numpy as np

from ..data import apply_scaler, encode_labels, fit_scaler
from ..engine import ff
from ..model import (
    InvalidType,
    InvalidValue,
    brief,
    check_data,
    check_matrix,
    checked_network,
    make_network,
)

TABLE_DEFAULTS = {
    "hidden_layer_sizes": (100,),
    "activation": "relu",
    "optimizer": "adam",
    "learning_rate": 0.002,
    "epochs": 100,
    "batch_size": 200,
    "alpha": 0.0001,
}
"""Training defaults for tables (the estimators' and ``k9tf train --data``'s), chosen by
``benchmarks/datasets.py``: on scikit-learn's bundled data sets they score as
``MLPClassifier()`` does (whose shape, activation, solver and penalty they
share) in half its epochs at twice its step size; ``batch_size`` is at most this."""


def probabilities(outputs, output):
    """Return rows of class probabilities (float64) from a network's ``output`` values.

    Softmax outputs are returned as they are; linear outputs (logits) go
    through a softmax, tanh outputs are mapped to [0, 1], and rows are
    normalised to sum to 1 (a row of zeros becomes uniform).
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    if output == "linear":  # logits, trained with softmax cross-entropy
        outputs = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    elif output == "tanh":
        outputs = (outputs + 1.0) / 2.0
    outputs = np.clip(outputs, 0.0, None)
    totals = outputs.sum(axis=1, keepdims=True)
    uniform = np.full_like(outputs, 1.0 / outputs.shape[1])
    return np.where(totals > 0, outputs / np.where(totals > 0, totals, 1.0), uniform)


def _regression_targets(labels, n_out):
    """Return numeric ``labels`` (one value or ``n_out`` values per row) as a 2-D array."""
    if len(labels) and not isinstance(labels, np.ndarray) and not np.ndim(labels[0]):
        labels = [[value] for value in labels]
    elif isinstance(labels, np.ndarray) and labels.ndim == 1:
        labels = labels[:, np.newaxis]
    return check_matrix(labels, "labels", width=n_out,
                        takes=f"the network gives {n_out} outputs")


def encode_table(network, inputs, labels, *, features=None, target=None, standardize=False,
                 keywords=False):
    """Return ``(network, samples)``: ``network`` carrying the table's ``data``, and samples.

    A network trained with softmax cross-entropy is a classifier: ``labels``
    are class labels (strings or numbers), one-hot encoded over the sorted
    distinct labels. Any other network is a regressor: ``labels`` are numbers,
    one per row or one row of ``sizes[-1]`` per row. A network that already
    carries ``data`` (it was trained on a table before) keeps its classes,
    scaler and feature names, so training continues in the same terms.

    Parameters
    ----------
    network : dict
        The network to train; it is not changed.
    inputs : array-like of shape (n_samples, sizes[0])
        Feature values, in the user's units.
    labels : sequence
        Class labels, or target values for a regressor.
    features : sequence of str, optional
        Names of the input columns, remembered.
    target : str, optional
        Name of the target column, remembered.
    standardize : bool, default=False
        Fit a scaler to ``inputs`` (mean 0, standard deviation 1 per column),
        apply it, and remember it.
    keywords : bool, default=False
        The classes were Clojure keywords (the Clojure side gives them back so).

    Returns
    -------
    network : dict
        A version-2 copy of ``network`` with ``data``.
    samples : tuple
        ``(inputs, targets)`` arrays for :func:`k9tf.train`.

    Raises
    ------
    TypeError, ValueError
        On malformed inputs or labels, fewer than 2 classes, more classes than
        the network has outputs, or features unlike those remembered.

    Examples
    --------
    >>> net = construct_network(2, 4, 2, seed=0)
    >>> net, samples = encode_table(net, [[0, 10], [1, 30]], ["no", "yes"], standardize=True)
    >>> net["version"], net["data"]["classes"], samples[0].tolist()
    (2, ['no', 'yes'], [[-1.0, -1.0], [1.0, 1.0]])
    """
    spec, params, _ = checked_network(network)
    sizes = spec["sizes"]
    old = spec.get("data", {})
    x = check_matrix(inputs, "inputs", width=sizes[0], takes=f"the network takes {sizes[0]}")
    if not isinstance(standardize, bool):
        raise InvalidType("standardize",
                          f"standardize must be True or False, got {brief(standardize)}.")
    if features is not None and "features" in old and list(features) != old["features"]:
        raise InvalidValue("features",
                           f"features {brief(list(features))} differ from the network's "
                         f"{brief(old['features'])}.")
    if not hasattr(labels, "__len__") or isinstance(labels, (str, bytes, dict)):
        raise InvalidType("labels", f"labels must be a list of labels, got {brief(labels)}.")
    if len(labels) != len(x):
        raise InvalidValue("labels",
                           f"labels must have one label per input row, got {len(labels):,} "
                         f"labels and {len(x):,} rows.")
    data = dict(old)
    if spec["loss"] == "softmax-cross-entropy":
        targets, classes = encode_labels(labels, old.get("classes"))
        if len(classes) != sizes[-1]:
            raise InvalidValue("labels",
                               f"labels hold {len(classes)} classes {brief(classes)}; the "
                             f"network has {sizes[-1]} outputs, one per class.")
        data["classes"] = classes
        if keywords:
            data["keywords"] = True
    else:
        targets = _regression_targets(labels, sizes[-1])
    if standardize and "scaler" not in old:
        data["scaler"] = fit_scaler(x)
    if "scaler" in data:
        x = apply_scaler(x, data["scaler"])
    if features is not None:
        data["features"] = list(features)
    if target is not None:
        data["target"] = target
    spec["data"] = check_data(data, sizes, spec["loss"], "data")
    return make_network(spec, params, network["seed"]), (x, targets)


def _outputs(inputs, network):
    """Return the spec's data and ``ff`` of ``inputs`` (scaled as remembered) as 2-D float64."""
    spec, _, _ = checked_network(network)
    data = spec.get("data", {})
    n_in = spec["sizes"][0]
    x = check_matrix(inputs, "inputs", width=n_in, takes=f"the network takes {n_in}")
    if "scaler" in data:
        x = apply_scaler(x, data["scaler"])
    return spec, data, np.asarray(ff(x, network), dtype=np.float64).reshape(len(x), -1)


def predict_proba(inputs, network):
    """Return each row's class probabilities, columns in the order of the network's classes.

    Parameters
    ----------
    inputs : array-like of shape (n_samples, sizes[0])
        Rows of feature values in the user's units (scaled as the network remembers).
    network : dict
        A classifier: softmax cross-entropy, usually from :func:`encode_table`.

    Returns
    -------
    list of list of float
        One row per input, summing to 1.

    Raises
    ------
    TypeError, ValueError
        On malformed inputs, or a network that is not a classifier.
    """
    spec, _, outputs = _outputs(inputs, network)
    if spec["loss"] != "softmax-cross-entropy":
        raise InvalidValue("network",
                           f"network is a regressor (loss={spec['loss']!r}); predict_proba "
                         "needs a classifier.")
    return probabilities(outputs, spec["output"]).tolist()


def predict(inputs, network):
    """Return each row's prediction in the user's terms: a class label, or the target values.

    Parameters
    ----------
    inputs : array-like of shape (n_samples, sizes[0])
        Rows of feature values in the user's units (scaled as the network remembers).
    network : dict
        A trained network; one from :func:`encode_table` knows its classes.

    Returns
    -------
    list
        A classifier's labels (the network's ``data`` classes, or the output
        index when it has none); a regressor's value per row (a list of
        values per row when it has several outputs).

    Raises
    ------
    TypeError, ValueError
        On malformed inputs or network.

    Examples
    --------
    >>> net = construct_network(1, 2, seed=0)
    >>> net, samples = encode_table(net, [[0], [1]] * 20, ["off", "on"] * 20)
    >>> predict([[0], [1]], train_epochs(100, net, samples, 0.5))
    ['off', 'on']
    """
    spec, data, outputs = _outputs(inputs, network)
    if spec["loss"] == "softmax-cross-entropy":
        index = np.argmax(outputs, axis=1).tolist()
        classes = data.get("classes")
        return index if classes is None else [classes[i] for i in index]
    return outputs[:, 0].tolist() if outputs.shape[1] == 1 else outputs.tolist()
