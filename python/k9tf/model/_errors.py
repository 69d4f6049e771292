"""k9tf's typed errors: what went wrong, and which argument it was, as data.

Callers that must react to an error (the bridge reporting ``:arg`` to
Clojure, sweeps counting diverged runs, the command line) dispatch on these
types and their ``argument``, never on message text. They subclass
``ValueError`` and ``TypeError``, so ``except ValueError`` keeps working and
users see the same messages.
"""

import re


class ArgumentError(Exception):
    """An argument of a k9tf call is wrong; ``argument`` names it (or is None).

    Parameters
    ----------
    argument : str or None
        The name of the argument as the public function calls it (``"epochs"``,
        ``"network"`` for a fault anywhere inside the network).
    message : str
        The message for the user.
    """

    def __init__(self, argument, message):
        super().__init__(message)
        self.argument = argument

    def __reduce__(self):
        """Pickle with the argument (Dask sends errors between processes)."""
        return type(self), (self.argument, str(self))


class InvalidValue(ArgumentError, ValueError):
    """An argument has the right kind but a wrong value (a ``ValueError``)."""


class InvalidType(ArgumentError, TypeError):
    """An argument is of the wrong kind (a ``TypeError``)."""


class DivergedError(InvalidValue):
    """Training left the finite numbers: the ``learning_rate`` is too high (a ``ValueError``)."""

    def __init__(self, argument, message):
        super().__init__(argument, message)


def argument_of(label):
    """Return the argument a message label such as ``"samples[3] input"`` is about.

    Labels name a part of an argument for messages; the argument is their
    leading identifier (``"samples"``), or None when there is none.

    Examples
    --------
    >>> argument_of("network layer 0 weights"), argument_of("--save")
    ('network', None)
    """
    match = re.match(r"[A-Za-z_]\w*", label)
    return match.group() if match else None


def rephrased(error, message, argument=None):
    """Return an error of ``error``'s type with a new ``message`` (and ``argument``).

    ``argument`` defaults to ``error``'s own; a built-in ``ValueError`` or
    ``TypeError`` becomes an :class:`InvalidValue` or :class:`InvalidType`.
    """
    if argument is None:
        argument = getattr(error, "argument", None)
    if isinstance(error, ArgumentError):
        return type(error)(argument, message)
    return (InvalidType if isinstance(error, TypeError) else InvalidValue)(argument, message)


def builtin_name(error):
    """Return the name of the built-in exception ``error`` is (``"ValueError"`` for ours)."""
    return next(cls.__name__ for cls in type(error).__mro__ if cls.__module__ == "builtins")
