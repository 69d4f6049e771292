"""A scikit-learn classifier over k9tf networks (needs the ``sklearn`` extra)."""

from collections.abc import Sequence
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..engine import ff, train
from ..model import (
    ACTIVATIONS,
    DTYPES,
    PRESETS,
    brief,
    check_batch_size,
    check_choice,
    check_int,
    check_learning_rate,
    check_seed,
    construct_network,
)


def _check_hidden_layer_sizes(hidden_layer_sizes):
    """Return ``hidden_layer_sizes`` as a list of ints >= 1 (an int is one layer)."""
    if isinstance(hidden_layer_sizes, Integral) and not isinstance(hidden_layer_sizes, bool):
        hidden_layer_sizes = [hidden_layer_sizes]
    if isinstance(hidden_layer_sizes, (str, bytes)) or not isinstance(
        hidden_layer_sizes, (Sequence, np.ndarray)
    ):
        raise TypeError("hidden_layer_sizes must be an int or a sequence of ints, "
                        f"got {brief(hidden_layer_sizes)}.")
    sizes = list(hidden_layer_sizes)
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, Integral):
            raise TypeError("hidden_layer_sizes must hold ints, got "
                            f"hidden_layer_sizes={brief(hidden_layer_sizes)}.")
        if n < 1:
            raise ValueError("hidden_layer_sizes must hold ints >= 1, got "
                             f"hidden_layer_sizes={brief(hidden_layer_sizes)}.")
    return [int(n) for n in sizes]


def _check_random_state(random_state):
    """Return an int seed (or None) for ``random_state``: None, an int or a RandomState."""
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    if random_state is not None and (isinstance(random_state, bool)
                                     or not isinstance(random_state, Integral)):
        raise TypeError("random_state must be None, an int or a numpy RandomState, "
                        f"got {brief(random_state)}.")
    return check_seed(random_state, "random_state")


def _probabilities(outputs, output):
    """Return rows of class probabilities (float64) from the network's ``output`` values."""
    outputs = np.asarray(outputs, dtype=np.float64)
    if output == "linear":  # logits, trained with softmax cross-entropy
        outputs = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    elif output == "tanh":
        outputs = (outputs + 1.0) / 2.0
    outputs = np.clip(outputs, 0.0, None)
    totals = outputs.sum(axis=1, keepdims=True)
    uniform = np.full_like(outputs, 1.0 / outputs.shape[1])
    return np.where(totals > 0, outputs / np.where(totals > 0, totals, 1.0), uniform)


class K9Classifier(ClassifierMixin, BaseEstimator):
    """Neural-network classifier trained by k9tf's gradient descent.

    Builds a k9tf network ``[n_features, *hidden_layer_sizes, n_classes]`` with
    one output per class (two for a binary problem), trains it on the one-hot
    encoded labels and predicts the class of the largest output.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(3,)
        Width of each hidden layer, each >= 1; ``()`` means no hidden layer.
    activation : {"tanh", "relu", "sigmoid"} or None, default="tanh"
        Hidden-layer activation; None keeps the ``model`` preset's.
    learning_rate : float, default=0.5
        Gradient-descent step size, > 0.
    epochs : int, default=500
        Passes over the training data, >= 1.
    batch_size : int or None, default=None
        Samples per update: None is full-batch gradient descent, 1 is k9's
        online training, any other int mini-batches.
    shuffle : bool, default=False
        Reorder the samples at the start of each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights and the shuffle order; an int makes
        :meth:`fit` reproducible, None draws fresh ones each fit.
    model : {"default", "article", "k9"}, default="default"
        The :func:`k9tf.construct_network` preset the network starts from.
    dtype : {"float32", "float64"} or None, default="float32"
        Precision of the network's computation; None keeps the preset's.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, if ``X`` had string
        column names.
    network_ : dict
        The trained network, plain data as from :func:`k9tf.train`.
    n_iter_ : int
        Number of epochs run.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's own multi-layer perceptron.

    Notes
    -----
    With the ``"default"`` model the outputs are softmax probabilities; the
    ``"article"`` model's linear outputs are passed through a softmax, and the
    ``"k9"`` model's tanh outputs are mapped to [0, 1] and normalised to sum
    to 1 (scores, not calibrated probabilities).

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]] * 10
    >>> y = ["same", "differ", "differ", "same"] * 10
    >>> clf = K9Classifier(hidden_layer_sizes=(8,), epochs=300, random_state=0).fit(X, y)
    >>> clf.predict([[0, 1], [1, 1]]).tolist()
    ['differ', 'same']
    >>> clf.score(X, y)
    1.0
    """

    def __init__(self, *, hidden_layer_sizes=(3,), activation="tanh", learning_rate=0.5,
                 epochs=500, batch_size=None, shuffle=False, random_state=None,
                 model="default", dtype="float32"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.model = model
        self.dtype = dtype

    def _check_params(self):
        """Validate the parameters; return ``(hidden sizes, seed)``."""
        hidden = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        if self.activation is not None:
            check_choice(self.activation, "activation", ACTIVATIONS)
        check_learning_rate(self.learning_rate)
        check_int(self.epochs, "epochs", minimum=1)
        check_batch_size(self.batch_size)
        if not isinstance(self.shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be True or False, got {brief(self.shuffle)}.")
        check_choice(self.model, "model", tuple(PRESETS))
        if self.dtype is not None:
            check_choice(self.dtype, "dtype", DTYPES)
        return hidden, _check_random_state(self.random_state)

    def fit(self, X, y):
        """Fit the network to data ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs; cast to float, which must be finite.
        y : array-like of shape (n_samples,)
            Class labels (ints, strings, bools...), at least two distinct ones.

        Returns
        -------
        self : K9Classifier
            The fitted classifier.

        Raises
        ------
        TypeError, ValueError
            On a malformed parameter (the message names it), non-numeric or
            non-finite ``X``, non-class ``y``, a single class, or if training
            diverges (lower ``learning_rate``).
        """
        hidden, seed = self._check_params()
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes; "
                             f"y has 1 class: {self.classes_[0]!r}.")
        network = construct_network(self.n_features_in_, *hidden, n_classes, model=self.model,
                                    activation=self.activation, dtype=self.dtype, seed=seed)
        targets = np.eye(n_classes)[encoded]
        self.network_, _ = train(network, (X, targets), self.learning_rate, epochs=self.epochs,
                                 batch_size=self.batch_size, shuffle=bool(self.shuffle),
                                 seed=seed, report_every=None)
        self.n_iter_ = int(self.epochs)
        return self

    def predict_proba(self, X):
        """Return the probability of each class for each sample in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs; cast to float, which must be finite.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow :attr:`classes_`.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If called before :meth:`fit`.
        ValueError
            On malformed ``X`` or a feature count unlike the one fitted.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return _probabilities(ff(X, self.network_), self.network_["output"])

    def predict(self, X):
        """Return the predicted class of each sample in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs; cast to float, which must be finite.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from :attr:`classes_`.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If called before :meth:`fit`.
        ValueError
            On malformed ``X`` or a feature count unlike the one fitted.
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
