"""Training options beyond the learning rate: the optimizer, its schedule and early stopping.

Checked once at the public boundary into plain dicts the engine builds its
loop from; nothing here imports TensorFlow, so a bad option fails at once.
"""

import math
from numbers import Real

from ._errors import InvalidType, InvalidValue
from ._validation import brief, check_choice, check_int

OPTIMIZERS = ("sgd", "adam")
"""Update rules: gradient descent (optionally with momentum) and Adam."""

SCHEDULES = ("constant", "invscaling", "step")
"""Learning-rate schedules, each a function of the epoch."""

PLAIN = {"optimizer": "sgd", "momentum": 0.0, "nesterov": False, "beta_1": 0.9,
         "beta_2": 0.999, "epsilon": 1e-8, "alpha": 0.0, "schedule": "constant",
         "power_t": 0.5, "decay_rate": 0.5, "decay_epochs": 10}
"""The default options: plain gradient descent at a constant rate, no penalty."""


STOPPING = {"early_stopping": False, "validation_fraction": 0.1, "patience": 10, "tol": 1e-4,
            "restore_best": True}
"""The default early-stopping options: none."""


def _real(value, name, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a finite float within the bounds (open or closed)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidType(name, f"{name} must be a real number, got {brief(value)} of type "
                        f"{type(value).__name__}.")
    value = float(value)
    below = low is not None and (value <= low if low_open else value < low)
    above = high is not None and (value >= high if high_open else value > high)
    if not math.isfinite(value) or below or above:
        bounds = " and ".join(
            text for text in (
                None if low is None else f"{'>' if low_open else '>='} {low}",
                None if high is None else f"{'<' if high_open else '<='} {high}") if text)
        raise InvalidValue(name, f"{name} must be a finite number {bounds}, got {value!r}.")
    return value


def _flag(value, name):
    if not isinstance(value, bool):
        raise InvalidType(name, f"{name} must be True or False, got {brief(value)}.")
    return value


def check_optimizer(optimizer, *, momentum, nesterov, beta_1, beta_2, epsilon, alpha, schedule,
                    power_t, decay_rate, decay_epochs):
    """Return the optimizer options as a plain dict, each checked (see :func:`k9tf.train`).

    Raises
    ------
    TypeError, ValueError
        Naming the first bad option and echoing its value; also when an
        option is given that the chosen ``optimizer`` does not use
        (``momentum`` or ``nesterov`` with Adam).
    """
    options = {
        "optimizer": check_choice(optimizer, "optimizer", OPTIMIZERS),
        "momentum": _real(momentum, "momentum", low=0, high=1, high_open=True),
        "nesterov": _flag(nesterov, "nesterov"),
        "beta_1": _real(beta_1, "beta_1", low=0, high=1, high_open=True),
        "beta_2": _real(beta_2, "beta_2", low=0, high=1, high_open=True),
        "epsilon": _real(epsilon, "epsilon", low=0, low_open=True),
        "alpha": _real(alpha, "alpha", low=0),
        "schedule": check_choice(schedule, "schedule", SCHEDULES),
        "power_t": _real(power_t, "power_t", low=0),
        "decay_rate": _real(decay_rate, "decay_rate", low=0, high=1, low_open=True),
        "decay_epochs": check_int(decay_epochs, "decay_epochs", minimum=1),
    }
    if options["optimizer"] == "adam":
        for name in ("momentum", "nesterov"):
            if options[name] != PLAIN[name]:
                raise InvalidValue(name, f"{name} is an option of optimizer='sgd'; Adam keeps "
                                   f"its own moments (beta_1, beta_2), got "
                                   f"{name}={options[name]!r}.")
    return options


def is_plain(options):
    """Return whether ``options`` are plain gradient descent (what the session loop runs)."""
    return all(options[k] == PLAIN[k] for k in ("optimizer", "momentum", "alpha", "schedule"))


def check_early_stopping(early_stopping, *, validation_fraction, patience, tol, restore_best):
    """Return the early-stopping options as a plain dict, each checked (see :func:`k9tf.train`).

    Raises
    ------
    TypeError, ValueError
        Naming the first bad option and echoing its value.
    """
    return {
        "early_stopping": _flag(early_stopping, "early_stopping"),
        "validation_fraction": _real(validation_fraction, "validation_fraction", low=0,
                                     high=1, low_open=True, high_open=True),
        "patience": check_int(patience, "patience", minimum=0),
        "tol": _real(tol, "tol", low=0),
        "restore_best": _flag(restore_best, "restore_best"),
    }
