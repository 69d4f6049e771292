"""Training: k9's online passes, the article's full-batch steps, mini-batches.

Every public function here takes a network dict and returns a new one; the
weights go into TensorFlow as feeds and come back out as plain lists.
"""

import logging
import math
import time

import numpy as np

from ..model import (
    MAX_TRAIN_VALUES,
    MAX_WORK,
    DivergedError,
    InvalidValue,
    check_batch_size,
    check_choice,
    check_epochs,
    check_int,
    check_learning_rate,
    check_samples,
    check_seed,
    checked_network,
    make_network,
    pack,
    unpack,
)

logger = logging.getLogger("k9tf")

LOOPS = ("xla", "session")
_CHUNK_SECONDS = 0.25  # the XLA loop returns to Python this often (Ctrl-C, progress)
_GUESS_SECONDS = (1e-6, 1e-8)  # a first chunk's cost per step, and per row x parameter


def _log_record(record):
    logger.info("Cost function value as of step %d: %f", record["step"], record["cost"])
    logger.info("Accuracy for training dataset: %.3f", record["train_accuracy"])
    if record["validation_accuracy"] is not None:
        logger.info("Validation accuracy estimate: %.3f", record["validation_accuracy"])


def _bucket(rows):
    """Return the padded row count for ``rows``: a power of two, at least 64."""
    return 1 << max(6, (rows - 1).bit_length())


class _Run:
    """One training call: validated data, padded batches and the history so far."""

    def __init__(self, network, samples, learning_rate, epochs, batch_size, shuffle, seed,
                 validation, report_every, loop, callback):
        self.spec, _, self.packed = checked_network(network)
        self.seed = network["seed"]
        sizes, dtype = self.spec["sizes"], self.spec["dtype"]
        self.x, self.y = check_samples(samples, sizes[0], sizes[-1], dtype, units=sum(sizes),
                                       limit=MAX_TRAIN_VALUES)
        self.validation = None if validation is None else check_samples(
            validation, sizes[0], sizes[-1], dtype, name="validation", units=sum(sizes))
        self.learning_rate = check_learning_rate(learning_rate)
        self.epochs = check_epochs(epochs)
        batch_size = check_batch_size(batch_size)
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False, got {shuffle!r}.")
        self.shuffle = shuffle
        seed = check_seed(seed)
        self.report_every = None if report_every is None else check_int(
            report_every, "report_every", minimum=1)
        self.loop = check_choice(loop, "loop", LOOPS)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable, got {callback!r}.")
        if self.loop == "session" and shuffle:
            raise ValueError("shuffle=True needs loop='xla'; the session loop keeps the "
                             "article's fixed order.")
        self.callback = callback
        n = len(self.x)
        self.batch_size = None if batch_size is None or batch_size >= n else batch_size
        self.size = n if self.batch_size is None else self.batch_size
        self.batches = math.ceil(n / self.size)
        self.total = self.epochs * self.batches
        work = self.epochs * n * self.packed.size
        if work > MAX_WORK:
            raise InvalidValue(
                "epochs", f"epochs x samples x parameters is {work:,} ({self.epochs:,} x {n:,} x "
                f"{self.packed.size:,}); one training call does at most {MAX_WORK:,}: train "
                "for fewer epochs per call, each continuing from the network the last returned.")
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % 2**63)
        self.seed_pair = np.array([seed, 0], np.int64)
        self.history = {"step": [], "cost": [], "train_accuracy": [], "validation_accuracy": [],
                        "seconds": []}
        self._padding = None
        self.started = time.perf_counter()

    def report(self, step):
        """Evaluate the current weights, record, log and call back."""
        cost, acc = self.model.evaluate(self.session, self.packed, self.x, self.y)
        val = None
        if self.validation is not None:
            val = self.model.evaluate(self.session, self.packed, *self.validation)[1]
        record = {"step": step, "cost": cost, "train_accuracy": acc,
                  "validation_accuracy": val, "seconds": time.perf_counter() - self.started}
        for key, value in record.items():
            self.history[key].append(value)
        _log_record(record)
        if self.callback is not None:
            self.callback(dict(record))

    def check_finite(self, step):
        """Raise if the weights left the finite numbers (the learning rate is too high)."""
        if not np.isfinite(self.packed).all():
            raise DivergedError("learning_rate", f"training diverged: weights became NaN or "
                                f"Inf by step {step}; use a smaller learning_rate than "
                                f"{self.learning_rate!r}.")

    def next_mark(self, step):
        """Return the step after ``step`` at which to report (and so stop the loop)."""
        if self.report_every is None:
            return self.total
        return min(self.total, (step // self.report_every + 1) * self.report_every)

    def run(self):
        """Train, reporting every ``report_every`` steps and at the end; return the params."""
        from ._graph import model_for  # noqa: PLC0415 - TensorFlow loads on first use

        with model_for(self.spec) as (self.model, self.session):
            step = 0
            if self.report_every is not None:
                self.report(step)
            while step < self.total:
                step = self._advance(step, self.next_mark(step))
                if self.report_every is not None:
                    self.report(step)
        return self.packed

    def _advance(self, step, mark):
        if self.loop == "session":
            return self._advance_session(step, mark)
        inputs, targets, mask = self._padded()
        loop = self.model.loop(self.batch_size, self.shuffle)
        key = loop.key + (len(inputs),)
        rate = self.model.rates.get(key)
        if rate is None:
            rows = len(self.x) if self.batch_size is None else self.batch_size
            rate = _GUESS_SECONDS[0] + _GUESS_SECONDS[1] * rows * len(self.packed)
        while step < mark:
            n = min(mark - step, max(1, int(_CHUNK_SECONDS / rate)))
            began = time.perf_counter()
            self.packed = loop.run(self.session, self.packed, inputs, targets, mask,
                                   self.learning_rate, step, n, self.seed_pair, self.batches)
            step += n
            self.check_finite(step)
            rate = (time.perf_counter() - began) / n
        self.model.rates[key] = rate
        return step

    def _padded(self):
        """Return inputs, targets and mask, padded to a row bucket except for full batch."""
        if self._padding is None:
            n = len(self.x)
            rows = n if self.batch_size is None else _bucket(self.batches * self.size)
            mask = np.zeros(rows, self.x.dtype)
            mask[:n] = 1
            pad = [(0, rows - n), (0, 0)]
            self._padding = (np.pad(self.x, pad), np.pad(self.y, pad), mask)
        return self._padding

    def _advance_session(self, step, mark):
        stepper = self.model.stepper()
        with stepper.lock:
            stepper.load(self.session, unpack(self.packed, self.spec["sizes"]))
            for i in range(step, mark):
                j = (i % self.batches) * self.size
                stepper.step(self.session, self.x[j:j + self.size], self.y[j:j + self.size],
                             self.learning_rate)
            self.packed = pack(stepper.read(self.session))
        self.check_finite(mark)
        return mark

    def network(self):
        """Return the trained network as plain data."""
        return make_network(self.spec, unpack(self.packed, self.spec["sizes"]), self.seed)


def train(network, samples, learning_rate, *, epochs=1, batch_size=1, shuffle=False, seed=None,
          validation=None, report_every=200, loop="xla", callback=None):
    """Train a copy of ``network`` by gradient descent and return it with its history.

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
        Seed of the shuffle order; None draws one at random.
    validation : list, tuple or dict, optional
        Held-out samples, in any sample form, scored at each report.
    report_every : int or None, default=200
        Steps (updates) between history records, which are also logged at
        INFO level to the ``"k9tf"`` logger in the article's words. A record is
        always taken after the last step too. None records nothing.
    loop : {"xla", "session"}, default="xla"
        ``"xla"`` runs the steps inside one XLA-compiled TensorFlow loop;
        ``"session"`` is the article's reference: one ``Session.run`` a step.
    callback : callable, optional
        Called with each history record (a dict) as it is taken.

    Returns
    -------
    network : dict
        The trained network.
    history : dict
        Lists ``step``, ``cost`` (mean loss over ``samples``), ``train_accuracy``,
        ``validation_accuracy`` (None entries without ``validation``) and
        ``seconds`` since the call began, one entry per record.

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
    run = _Run(network, samples, learning_rate, epochs, batch_size, shuffle, seed, validation,
               report_every, loop, callback)
    run.run()
    return run.network(), run.history


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
                 validation=None, report_every=None, loop="xla", callback=None):
    """Train a copy of ``network`` for ``n`` passes over ``samples`` (k9's ``train-epochs``).

    Parameters
    ----------
    n : int
        Number of epochs, >= 0.
    network, samples, learning_rate
        As for :func:`train`.
    batch_size, shuffle, seed, validation, report_every, loop, callback
        As for :func:`train`, but nothing is reported unless ``report_every``
        is given.

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
                 loop=loop, callback=callback)[0]
