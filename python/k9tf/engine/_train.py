"""Training: k9's online passes, the article's full-batch steps, mini-batches.

Every public function here takes a network dict and returns a new one; the
weights go into TensorFlow as feeds and come back out as plain lists.
"""

from ..model import make_network, unpack
from ._arguments import check_arguments
from ._run import Run


def train(network, samples, learning_rate, *, epochs=1, batch_size=1, shuffle=False, seed=None,
          validation=None, report_every=200, report="running", loop="xla", callback=None,
          optimizer="sgd", momentum=0.0, nesterov=False, beta_1=0.9, beta_2=0.999,
          epsilon=1e-8, alpha=0.0, schedule="constant", power_t=0.5, decay_rate=0.5,
          decay_epochs=10, early_stopping=False, validation_fraction=0.1, patience=10,
          tol=1e-4, restore_best=True):
    """Train a copy of ``network`` and return it with its history.

    The defaults are plain gradient descent at a constant rate (k9's and the
    article's); the optimizer's formulas are scikit-learn's (and Keras').

    Parameters
    ----------
    network : dict
        A network from :func:`construct_network`; it is not changed.
    samples : list, tuple or dict
        k9 pairs ``[[input, target], ...]``, an ``(inputs, labels)`` tuple of
        arrays, or ``{"inputs": ..., "labels": ...}``. The container's type
        decides the form, never its shape.
    learning_rate : float
        Step size, > 0.
    epochs : int, default=1
        Passes over the samples (0 returns the network unchanged).
    batch_size : int or None, default=1
        Samples per update: 1 is k9's online training (one update per sample,
        in order), None is the article's full batch, any other int mini-batches
        (the last one may be smaller).
    shuffle : bool, default=False
        Reorder the samples at the start of each epoch (``loop="xla"`` only).
    seed : int, optional
        Seed of the shuffle order and of the ``validation_fraction`` split;
        None draws one at random.
    validation : list, tuple or dict, optional
        Held-out samples, in any sample form, scored at each report and after
        each epoch.
    report_every : int or None, default=200
        Steps (updates) between history records, which are also logged at
        INFO level to the ``"k9tf"`` logger in the article's words. A record is
        always taken after the last step too. None records nothing.
    report : {"running", "full"}, default="running"
        What a record's ``cost`` and ``train_accuracy`` measure. ``"running"``
        (nearly free): the mean loss and accuracy of the batches of the steps
        since the previous record, each with the weights before its update (as
        Keras reports), and at step 0 those of at most 1024 evenly spaced
        samples. ``"full"``: the whole of ``samples`` with the weights of the
        record's step (one forward pass of the data set per record).
    loop : {"xla", "session"}, default="xla"
        ``"xla"`` runs the steps inside one XLA-compiled TensorFlow loop;
        ``"session"`` is the article's reference: one ``Session.run`` a step,
        plain gradient descent only.
    callback : callable, optional
        Called with each history record (a dict) as it is taken.
    optimizer : {"sgd", "adam"}, default="sgd"
        ``"sgd"``: ``v = momentum * v - rate * grad``, ``w += v`` (with
        Nesterov ``w += momentum * v - rate * grad``); ``"adam"``: Adam with
        bias-corrected moments.
    momentum : float, default=0.0
        ``"sgd"``'s momentum, in [0, 1); 0 is plain gradient descent.
    nesterov : bool, default=False
        Use Nesterov's momentum (``"sgd"``).
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's decay rates of its first and second moment estimates, in [0, 1).
    epsilon : float, default=1e-8
        Adam's term added to the denominator, > 0.
    alpha : float, default=0.0
        L2 penalty, scikit-learn's: each batch's loss gains
        ``alpha / 2 * ||W||^2 / rows`` over the weights (not the biases).
    schedule : {"constant", "invscaling", "step"}, default="constant"
        The learning rate of epoch ``e = 0, 1, ...``: ``learning_rate``;
        ``learning_rate / (1 + e * n_samples) ** power_t`` (scikit-learn's,
        which counts the samples seen); ``learning_rate * decay_rate ** (e //
        decay_epochs)``. With Adam it scales Adam's step size.
    power_t : float, default=0.5
        ``"invscaling"``'s exponent, >= 0.
    decay_rate : float, default=0.5
        ``"step"``'s factor, in (0, 1].
    decay_epochs : int, default=10
        ``"step"``'s epochs between decays, >= 1.
    early_stopping : bool, default=False
        Stop once the validation loss has not improved by more than ``tol``
        for more than ``patience`` epochs in a row (scikit-learn's rule).
    validation_fraction : float, default=0.1
        With ``early_stopping`` and no ``validation``: the share of
        ``samples`` held out as validation (``ceil(fraction * n)`` rows,
        drawn with ``seed``; the rest keep their order), in (0, 1).
    patience : int, default=10
        Epochs without improvement tolerated (scikit-learn's
        ``n_iter_no_change``), >= 0.
    tol : float, default=1e-4
        Least decrease of the validation loss that counts as an improvement, >= 0.
    restore_best : bool, default=True
        With ``early_stopping``, return the weights of the epoch with the
        lowest validation loss rather than the last ones.

    Returns
    -------
    network : dict
        The trained network.
    history : dict
        Lists ``step``, ``cost`` (mean loss, see ``report``), ``train_accuracy``,
        ``validation_accuracy`` (of the weights at the record's step; None
        entries without ``validation``) and ``seconds`` since the call began,
        one entry per record; and Keras' per-epoch lists ``epoch`` (0, 1, ...),
        ``loss`` and ``accuracy`` (the means over the epoch's batches, each
        with the weights before its update, the penalty included),
        ``val_loss`` and ``val_accuracy`` (after the epoch; None without
        validation). With ``early_stopping`` also ``stopped_epoch`` (None if
        it ran all ``epochs``) and ``best_epoch``.

    Raises
    ------
    TypeError, ValueError
        On malformed arguments, or if the weights diverge to NaN or Inf.

    Examples
    --------
    >>> net = construct_network(2, 3, 2, seed=0)
    >>> data = [[[0, 0], [0, 1]], [[1, 1], [1, 0]]]
    >>> net, history = train(net, data, 0.5, epochs=200, report_every=100)
    >>> history["step"], history["train_accuracy"][-1]
    ([0, 100, 200, 300, 400], 1.0)
    """
    args = check_arguments(
        network, samples, learning_rate, epochs, batch_size, shuffle, seed, validation,
        report_every, report, loop, callback, optimizer,
        {"momentum": momentum, "nesterov": nesterov, "beta_1": beta_1, "beta_2": beta_2,
         "epsilon": epsilon, "alpha": alpha, "schedule": schedule, "power_t": power_t,
         "decay_rate": decay_rate, "decay_epochs": decay_epochs},
        {"early_stopping": early_stopping, "validation_fraction": validation_fraction,
         "patience": patience, "tol": tol, "restore_best": restore_best})
    run = Run(args)
    params = unpack(run.run(), args.spec["sizes"])
    return make_network(args.spec, params, args.network_seed), run.history


def train_data(network, samples, learning_rate, *, batch_size=1, shuffle=False, seed=None,
               loop="xla"):
    """Train a copy of ``network`` for one pass over ``samples`` (k9's ``train-data``).

    Parameters
    ----------
    network, samples, learning_rate
        As for :func:`train`.
    batch_size, shuffle, seed, loop
        As for :func:`train`; the default is k9's online pass, in order.

    Returns
    -------
    dict
        The trained network.

    Examples
    --------
    >>> net = from_k9([[0, 0], [[0.12, 0.2], [0.01, 0.02]], [0, 0]])
    >>> [round(v, 6) for v in ff([1, 0], train_data(net, [[[1, 0], [0, 1]]], 0.2))]
    [0.096157, 0.340158]
    """
    return train(network, samples, learning_rate, epochs=1, batch_size=batch_size,
                 shuffle=shuffle, seed=seed, report_every=None, loop=loop)[0]


def train_epochs(n, network, samples, learning_rate, *, batch_size=1, shuffle=False, seed=None,
                 validation=None, report_every=None, report="running", loop="xla",
                 callback=None, optimizer="sgd", momentum=0.0, nesterov=False, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-8, alpha=0.0, schedule="constant", power_t=0.5,
                 decay_rate=0.5, decay_epochs=10, early_stopping=False, validation_fraction=0.1,
                 patience=10, tol=1e-4, restore_best=True):
    """Train a copy of ``network`` for ``n`` passes over ``samples`` (k9's ``train-epochs``).

    Parameters
    ----------
    n : int
        Number of epochs, >= 0.
    network, samples, learning_rate
        As for :func:`train`.
    batch_size, shuffle, seed, validation, report_every, report, loop, callback
        As for :func:`train`, but nothing is reported unless ``report_every``
        is given.
    optimizer, momentum, nesterov, beta_1, beta_2, epsilon, alpha, schedule, power_t
        As for :func:`train`.
    decay_rate, decay_epochs, early_stopping, validation_fraction, patience, tol
        As for :func:`train`.
    restore_best
        As for :func:`train`.

    Returns
    -------
    dict
        The trained network.

    Examples
    --------
    >>> net = construct_network(2, 3, 2, seed=0)
    >>> data = [[[0, 0], [0, 1]], [[1, 1], [1, 0]]]
    >>> [round(v) for v in ff([1, 1], train_epochs(200, net, data, 0.5))]
    [1, 0]
    """
    return train(network, samples, learning_rate, epochs=n, batch_size=batch_size,
                 shuffle=shuffle, seed=seed, validation=validation, report_every=report_every,
                 report=report, loop=loop, callback=callback, optimizer=optimizer,
                 momentum=momentum, nesterov=nesterov, beta_1=beta_1, beta_2=beta_2,
                 epsilon=epsilon, alpha=alpha, schedule=schedule, power_t=power_t,
                 decay_rate=decay_rate, decay_epochs=decay_epochs,
                 early_stopping=early_stopping, validation_fraction=validation_fraction,
                 patience=patience, tol=tol, restore_best=restore_best)[0]
