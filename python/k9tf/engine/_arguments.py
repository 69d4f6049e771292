"""A training call's arguments, checked once and held as one immutable value."""

import math
from typing import NamedTuple

import numpy as np

from ..model import (
    MAX_TRAIN_VALUES,
    MAX_VALUES,
    MAX_WORK,
    PLAIN,
    STOPPING,
    InvalidType,
    InvalidValue,
    check_batch_size,
    check_choice,
    check_count,
    check_early_stopping,
    check_epochs,
    check_int,
    check_learning_rate,
    check_optimizer,
    check_samples,
    check_seed,
    checked_network,
    is_plain,
)

LOOPS = ("xla", "session")

REPORTS = ("running", "full")


class Arguments(NamedTuple):
    """A training call's checked arguments and the schedule they give."""

    spec: dict  # the network's sizes and options
    packed: np.ndarray  # its parameters, packed (read-only)
    network_seed: object  # the network's own seed, kept in the result
    x: np.ndarray
    y: np.ndarray
    validation: tuple  # (inputs, targets) or None
    learning_rate: float
    epochs: int
    batch_size: int  # None: full batch (also when batch_size >= the number of samples)
    size: int  # rows per step
    batches: int  # steps per epoch
    total: int  # steps in the call
    shuffle: bool
    seed_pair: np.ndarray  # the shuffle's seed as TensorFlow's int64 pair
    report_every: int  # None: no reports
    report: str  # "running": means of the loop's batches; "full": the whole training set
    loop: str
    callback: object
    optimizer: dict  # the checked optimizer options (model.check_optimizer)
    stopping: dict  # the checked early-stopping options (model.check_early_stopping)


def _split(x, y, fraction, seed):
    """Return ``(x, y), (x_val, y_val)``: ``ceil(fraction * n)`` rows held out, drawn with ``seed``.

    Both parts keep the rows' order; the draw depends only on ``seed`` and ``n``.
    """
    n = len(x)
    held = math.ceil(fraction * n)
    if held >= n:
        raise InvalidValue("validation_fraction", f"validation_fraction={fraction!r} leaves no "
                           f"training sample of {n}; give more samples, a smaller fraction "
                           f"or validation=.")
    out = np.zeros(n, bool)
    out[np.random.default_rng(seed).permutation(n)[:held]] = True
    return (x[~out], y[~out]), (x[out], y[out])


def check_arguments(network, samples, learning_rate, epochs, batch_size, shuffle, seed,
                    validation, report_every, report, loop, callback,
                    optimizer=PLAIN["optimizer"], options=None, stopping=None):
    """Return the :class:`Arguments` of a training call; raise on any malformed one.

    ``optimizer`` and ``options`` (the other optimizer keywords, a dict) go to
    ``check_optimizer``; ``stopping`` (a dict) to ``check_early_stopping``.
    """
    spec, _, packed = checked_network(network)
    sizes, dtype = spec["sizes"], spec["dtype"]
    batch_size = check_batch_size(batch_size)
    if batch_size is None:  # one step holds every sample's activations
        x, y = check_samples(samples, sizes[0], sizes[-1], dtype, units=sum(sizes),
                             limit=MAX_TRAIN_VALUES)
    else:  # the data set, then a batch's activations at a time
        x, y = check_samples(samples, sizes[0], sizes[-1], dtype, units=sizes[0] + sizes[-1],
                             limit=MAX_VALUES, per="inputs + targets")
        if batch_size >= len(x):
            check_count(x, "samples", sum(sizes), "samples", MAX_TRAIN_VALUES)
    validation = None if validation is None else check_samples(
        validation, sizes[0], sizes[-1], dtype, name="validation", units=sum(sizes))
    learning_rate = check_learning_rate(learning_rate)
    epochs = check_epochs(epochs)
    if not isinstance(shuffle, bool):
        raise InvalidType("shuffle", f"shuffle must be True or False, got {shuffle!r}.")
    seed = check_seed(seed)
    report_every = None if report_every is None else check_int(
        report_every, "report_every", minimum=1)
    report = check_choice(report, "report", REPORTS)
    loop = check_choice(loop, "loop", LOOPS)
    if callback is not None and not callable(callback):
        raise InvalidType("callback", f"callback must be callable, got {callback!r}.")
    optimizer = check_optimizer(**{**PLAIN, **(options or {}), "optimizer": optimizer})
    stopping = check_early_stopping(**{**STOPPING, **(stopping or {})})
    if loop == "session" and shuffle:
        raise InvalidValue("shuffle", "shuffle=True needs loop='xla'; the session loop keeps "
                           "the article's fixed order.")
    if loop == "session" and not is_plain(optimizer):
        raise InvalidValue("loop", f"loop='session' runs plain gradient descent (the "
                           f"article's); optimizer={optimizer['optimizer']!r}, momentum, alpha "
                           f"and schedule need loop='xla'.")
    if loop == "session" and stopping["early_stopping"]:
        raise InvalidValue("loop", "loop='session' does not stop early; early_stopping=True "
                           "needs loop='xla'.")
    work = epochs * len(x) * packed.size
    if work > MAX_WORK:
        raise InvalidValue(
            "epochs", f"epochs x samples x parameters is {work:,} ({epochs:,} x {len(x):,} x "
            f"{packed.size:,}); one training call does at most {MAX_WORK:,}: train "
            "for fewer epochs per call, each continuing from the network the last returned.")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**63)
    if stopping["early_stopping"] and validation is None:
        (x, y), validation = _split(x, y, stopping["validation_fraction"], seed)
    n = len(x)
    batch_size = None if batch_size is None or batch_size >= n else batch_size
    size = n if batch_size is None else batch_size
    batches = math.ceil(n / size)
    return Arguments(spec, packed, network["seed"], x, y, validation, learning_rate, epochs,
                     batch_size, size, batches, epochs * batches, shuffle,
                     np.array([seed, 0], np.int64), report_every, report, loop, callback,
                     optimizer, stopping)
