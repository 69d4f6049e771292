"""scikit-learn estimators over k9tf networks (need the ``sklearn`` extra).

:class:`K9Classifier` and :class:`K9Regressor` share one base: the
parameters (scikit-learn's ``MLPClassifier`` names where the concept is the
same), their checks, and the training call; each adds its output layer, loss
and prediction.
"""

from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..engine import ff, train
from ..model import (
    ACTIVATIONS,
    DTYPES,
    PRESETS,
    InvalidType,
    InvalidValue,
    argument_of,
    brief,
    check_batch_size,
    check_choice,
    check_int,
    check_learning_rate,
    check_seed,
    construct_network,
)
from ._table import TABLE_DEFAULTS, probabilities

SOLVERS = ("sgd", "adam")
SCHEDULES = ("constant", "invscaling", "step")
_AUTO_BATCH = TABLE_DEFAULTS["batch_size"]  # "auto" is min(200, n_samples), as scikit-learn's


def _check_hidden_layer_sizes(hidden_layer_sizes):
    """Return ``hidden_layer_sizes`` as a list of ints >= 1 (an int is one layer)."""
    if isinstance(hidden_layer_sizes, Integral) and not isinstance(hidden_layer_sizes, bool):
        hidden_layer_sizes = [hidden_layer_sizes]
    if isinstance(hidden_layer_sizes, (str, bytes)) or not isinstance(
        hidden_layer_sizes, (Sequence, np.ndarray)
    ):
        raise InvalidType("hidden_layer_sizes", "hidden_layer_sizes must be an int or a sequence "
                                                f"of ints, got {brief(hidden_layer_sizes)}.")
    sizes = list(hidden_layer_sizes)
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, Integral):
            raise InvalidType("hidden_layer_sizes", "hidden_layer_sizes must hold ints, got "
                                                    f"hidden_layer_sizes={brief(hidden_layer_sizes)}.")
        if n < 1:
            raise InvalidValue("hidden_layer_sizes", "hidden_layer_sizes must hold ints >= 1, "
                                                     "got "
                                                     f"hidden_layer_sizes={brief(hidden_layer_sizes)}.")
    return [int(n) for n in sizes]


def _check_random_state(random_state):
    """Return an int seed (or None) for ``random_state``: None, an int or a RandomState."""
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    if random_state is not None and (isinstance(random_state, bool)
                                     or not isinstance(random_state, Integral)):
        raise InvalidType("random_state", "random_state must be None, an int or a numpy "
                                          f"RandomState, got {brief(random_state)}.")
    return check_seed(random_state, "random_state")


def _check_flag(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidType(argument_of(name), f"{name} must be True or False, got {brief(value)}.")
    return bool(value)


def _check_rates(learning_rate, learning_rate_init):
    """Return ``(step size, schedule)`` from ``learning_rate`` (a float or a schedule name)."""
    if isinstance(learning_rate, str):
        check_choice(learning_rate, "learning_rate", SCHEDULES)
        if isinstance(learning_rate_init, bool) or not isinstance(learning_rate_init, Real):
            raise InvalidType("learning_rate_init", "learning_rate_init must be a real number, "
                                                    f"got {brief(learning_rate_init)}.")
        if not (np.isfinite(learning_rate_init) and learning_rate_init > 0):
            raise InvalidValue("learning_rate_init", "learning_rate_init must be a finite number "
                                                     f"> 0, got {learning_rate_init!r}.")
        return float(learning_rate_init), learning_rate
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real):
        raise InvalidType("learning_rate", "learning_rate must be a step size (a real number > "
                                           f"0) or one of {', '.join(SCHEDULES)}; got "
                                           f"{brief(learning_rate)}.")
    return check_learning_rate(learning_rate), "constant"


class _K9Estimator(BaseEstimator):
    """The parameters, checks and training shared by :class:`K9Classifier` and :class:`K9Regressor`.

    Subclasses set ``_output`` (the network's ``output`` and ``loss``) and
    implement ``fit`` on top of :meth:`_fit_network`.
    """

    _output = {}

    def __init__(self, *, hidden_layer_sizes=TABLE_DEFAULTS["hidden_layer_sizes"],
                 activation=TABLE_DEFAULTS["activation"], solver=TABLE_DEFAULTS["optimizer"],
                 alpha=TABLE_DEFAULTS["alpha"],
                 batch_size="auto", learning_rate="constant",
                 learning_rate_init=TABLE_DEFAULTS["learning_rate"], power_t=0.5,
                 epochs=TABLE_DEFAULTS["epochs"], shuffle=True, random_state=None, tol=1e-4,
                 verbose=False, warm_start=False, momentum=0.9, nesterovs_momentum=True,
                 early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, model="default", dtype="float32"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.epochs = epochs
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.model = model
        self.dtype = dtype

    def _train_options(self, n_samples):
        """Check the parameters; return ``(hidden sizes, seed, learning rate, train options)``.

        Options that share :func:`k9tf.train`'s names are checked there, at
        the same fit, with the same messages.
        """
        hidden = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        if self.activation is not None:
            check_choice(self.activation, "activation", ACTIVATIONS)
        solver = check_choice(self.solver, "solver", SOLVERS)
        rate, schedule = _check_rates(self.learning_rate, self.learning_rate_init)
        check_int(self.epochs, "epochs", minimum=1)
        if isinstance(self.batch_size, str):
            check_choice(self.batch_size, "batch_size", ("auto",))
            batch_size = min(_AUTO_BATCH, n_samples)
        else:
            batch_size = check_batch_size(self.batch_size)
        for name in ("shuffle", "verbose", "warm_start", "nesterovs_momentum", "early_stopping"):
            _check_flag(getattr(self, name), name)
        patience = check_int(self.n_iter_no_change, "n_iter_no_change", minimum=1)
        check_choice(self.model, "model", tuple(PRESETS))
        if self.dtype is not None:
            check_choice(self.dtype, "dtype", DTYPES)
        seed = _check_random_state(self.random_state)
        options = {
            "epochs": self.epochs, "batch_size": batch_size, "shuffle": bool(self.shuffle),
            "seed": seed, "optimizer": solver, "alpha": self.alpha, "schedule": schedule,
            "power_t": self.power_t, "early_stopping": bool(self.early_stopping),
            "validation_fraction": self.validation_fraction, "patience": patience,
            "tol": self.tol,
        }
        if solver == "sgd":
            options.update(momentum=self.momentum, nesterov=bool(self.nesterovs_momentum))
        else:
            options.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return hidden, seed, rate, options

    def _fit_network(self, X, targets):
        """Train the network (a new one, or ``network_`` with ``warm_start``) on ``targets``."""
        hidden, seed, rate, options = self._train_options(len(X))
        sizes = [X.shape[1], *hidden, targets.shape[1]]
        if self.warm_start and getattr(self, "network_", None) is not None and \
                self.network_["sizes"] == sizes:
            network = self.network_
        else:
            network = construct_network(*sizes, model=self.model, activation=self.activation,
                                        dtype=self.dtype, seed=seed, **self._output)
        callback = None
        if self.verbose:
            def callback(record):
                print(f"Step {record['step']}, loss = {record['cost']:.8f}")
        steps = -(-len(X) // (options["batch_size"] or len(X)))
        self.network_, history = train(network, (X, targets), rate,
                                       report_every=steps if self.verbose else None,
                                       callback=callback, **options)
        self.n_iter_ = len(history["epoch"])
        self.loss_curve_ = list(history["loss"])
        self.history_ = {k: history[k] for k in
                         ("epoch", "loss", "accuracy", "val_loss", "val_accuracy")}
        if self.early_stopping:
            self.best_epoch_ = history["best_epoch"]
        return self

    def _outputs(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return np.asarray(ff(X, self.network_), dtype=np.float64).reshape(len(X), -1)


_PARAMETERS = """
    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Width of each hidden layer, each >= 1; ``()`` means no hidden layer.
    activation : {"relu", "tanh", "sigmoid"} or None, default="relu"
        Hidden-layer activation; None keeps the ``model`` preset's.
    solver : {"adam", "sgd"}, default="adam"
        Adam, or stochastic gradient descent with ``momentum``.
    alpha : float, default=0.0001
        L2 penalty on the weights, >= 0 (scikit-learn's scaling).
    batch_size : int, "auto" or None, default="auto"
        Samples per update: "auto" is ``min(200, n_samples)``, None the full
        batch, 1 k9's online training.
    learning_rate : {"constant", "invscaling", "step"} or float, default="constant"
        The step-size schedule, starting from ``learning_rate_init``; a number
        is a constant step size (this estimator's earlier meaning), and then
        ``learning_rate_init`` is not used.
    learning_rate_init : float, default=0.002
        The initial step size, > 0.
    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.
    epochs : int, default=100
        Passes over the training data, >= 1 (scikit-learn's ``max_iter``).
    shuffle : bool, default=True
        Reorder the samples at the start of each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffle order and the validation split;
        an int makes :meth:`fit` reproducible.
    tol : float, default=1e-4
        With ``early_stopping``: the least decrease of the validation loss
        that counts as an improvement.
    verbose : bool, default=False
        Print the training loss after every epoch.
    warm_start : bool, default=False
        Continue from the fitted network (when its shape fits the data)
        instead of starting afresh.
    momentum : float, default=0.9
        "sgd"'s momentum, in [0, 1).
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with "sgd".
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and stop once its loss
        has not improved by ``tol`` for ``n_iter_no_change`` epochs, keeping
        the best epoch's weights. Without it every epoch runs (unlike
        scikit-learn, training loss alone never stops a fit).
    validation_fraction : float, default=0.1
        Share of the data held out for ``early_stopping``, in (0, 1).
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's decay rates, in [0, 1).
    epsilon : float, default=1e-8
        Adam's numerical-stability term, > 0.
    n_iter_no_change : int, default=10
        Epochs without improvement ``early_stopping`` tolerates, >= 1.
    model : {"default", "article", "k9"}, default="default"
        The :func:`k9tf.construct_network` preset the network starts from.
    dtype : {"float32", "float64"} or None, default="float32"
        Precision of the network's computation; None keeps the preset's.
"""

_ATTRIBUTES = """
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, if ``X`` had string
        column names.
    network_ : dict
        The trained network, plain data as from :func:`k9tf.train`.
    n_iter_ : int
        Number of epochs run.
    loss_curve_ : list of float
        The training loss of each epoch (the penalty included).
    history_ : dict
        Per-epoch ``epoch``, ``loss``, ``accuracy``, ``val_loss`` and
        ``val_accuracy`` (Keras' ``History`` in plain data).
    best_epoch_ : int
        With ``early_stopping``: the epoch whose weights were kept.
"""


class K9Classifier(ClassifierMixin, _K9Estimator):
    __doc__ = """Neural-network classifier trained by k9tf (Adam by default).

    Builds a k9tf network ``[n_features, *hidden_layer_sizes, n_classes]`` with
    one softmax output per class (two for a binary problem), trains it on the
    one-hot encoded labels by softmax cross-entropy, and predicts the class of
    the largest output.
    """ + _PARAMETERS + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.""" + _ATTRIBUTES + """
    See Also
    --------
    K9Regressor : the same network with a linear output and squared error.
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
    >>> clf = K9Classifier(hidden_layer_sizes=(8,), learning_rate_init=0.05,
    ...                    random_state=0).fit(X, y)
    >>> clf.predict([[0, 1], [1, 1]]).tolist()
    ['differ', 'same']
    >>> clf.score(X, y)
    1.0
    """

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
            diverges (lower the learning rate).
        """
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32],
                             reset=not (self.warm_start and hasattr(self, "network_")))
        check_classification_targets(y)
        classes, encoded = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise InvalidValue("y", f"{type(self).__name__} needs samples of at least 2 "
                               f"classes; y has 1 class: {classes[0]!r}.")
        if self.warm_start and hasattr(self, "classes_") and (
                len(classes) != len(self.classes_) or (classes != self.classes_).any()):
            raise InvalidValue("warm_start", "warm_start needs the classes fitted before, "
                                             f"{brief(self.classes_)}; y has {brief(classes)}.")
        self.classes_ = classes
        return self._fit_network(X, np.eye(len(classes))[encoded])

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
        return probabilities(self._outputs(X), self.network_["output"])

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


class K9Regressor(RegressorMixin, _K9Estimator):
    __doc__ = """Neural-network regressor trained by k9tf (Adam by default).

    Builds a k9tf network ``[n_features, *hidden_layer_sizes, n_outputs]``
    with a linear output layer and trains it by squared error. The targets
    are standardized for training and the scaling folded back into the
    output layer, so :attr:`network_` predicts in ``y``'s units.
    """ + _PARAMETERS + """
    Attributes
    ----------""" + _ATTRIBUTES + """
    See Also
    --------
    K9Classifier : the same network with a softmax output, for labels.
    sklearn.neural_network.MLPRegressor : scikit-learn's own multi-layer perceptron.

    Examples
    --------
    >>> X = [[x / 10] for x in range(20)]
    >>> y = [3 * row[0] - 1 for row in X]
    >>> reg = K9Regressor(hidden_layer_sizes=(8,), learning_rate_init=0.05,
    ...                   random_state=0).fit(X, y)
    >>> round(reg.score(X, y), 2)
    1.0
    """

    _output = {"output": "linear", "loss": "squared-error"}

    def __sklearn_tags__(self):
        """Declare multi-output support: ``y`` may have several columns."""
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y):
        """Fit the network to data ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs; cast to float, which must be finite.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values, finite numbers.

        Returns
        -------
        self : K9Regressor
            The fitted regressor.

        Raises
        ------
        TypeError, ValueError
            On a malformed parameter (the message names it), non-numeric or
            non-finite ``X`` or ``y``, or if training diverges (lower the
            learning rate).
        """
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], multi_output=True,
                             y_numeric=True,
                             reset=not (self.warm_start and hasattr(self, "network_")))
        targets = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if not (self.warm_start and hasattr(self, "network_")):
            scale = targets.std(axis=0)
            self._y_mean, self._y_scale = targets.mean(axis=0), np.where(scale > 0, scale, 1.0)
            self._standardized = None
        self.network_ = self._standardized  # warm_start continues from the unscaled network
        self._fit_network(X, (targets - self._y_mean) / self._y_scale)
        self._standardized = self.network_
        self.network_ = self._fold(self._standardized)
        return self

    def _fold(self, network):
        """Return ``network`` whose output layer gives ``y`` in its units (scale folded in)."""
        last = network["layers"][-1]
        dtype = network["dtype"]
        weights = np.asarray(last["weights"]) * self._y_scale
        biases = np.asarray(last["biases"]) * self._y_scale + self._y_mean
        layer = {"weights": weights.astype(dtype).astype(np.float64).tolist(),
                 "biases": biases.astype(dtype).astype(np.float64).tolist()}
        return {**network, "layers": [*network["layers"][:-1], layer]}

    def predict(self, X):
        """Return the predicted target of each sample in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs; cast to float, which must be finite.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One value per sample, or one row per sample for several outputs.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If called before :meth:`fit`.
        ValueError
            On malformed ``X`` or a feature count unlike the one fitted.
        """
        outputs = self._outputs(X)
        return outputs[:, 0] if outputs.shape[1] == 1 else outputs
