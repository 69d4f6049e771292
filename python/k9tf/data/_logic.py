"""The article's data: logic functions, sampled data sets and k9-style generators."""

import random

import numpy as np

from ..model import MAX_SAMPLES, InvalidType, InvalidValue, check_int, check_seed

_random = random.Random()


def xor(x1, x2):
    """Return ``x1 XOR x2``, elementwise over arrays."""
    return np.logical_xor(x1, x2)


def nand(x1, x2):
    """Return ``NOT (x1 AND x2)``, elementwise over arrays."""
    return np.logical_not(np.logical_and(x1, x2))


def and_(x1, x2):
    """Return ``x1 AND x2``, elementwise over arrays."""
    return np.logical_and(x1, x2)


def or_(x1, x2):
    """Return ``x1 OR x2``, elementwise over arrays."""
    return np.logical_or(x1, x2)


LOGIC_FUNCTIONS = {"xor": xor, "nand": nand, "and": and_, "or": or_}
"""The logic functions by name."""


def sample_logic_fn(f, samples=10000, seed=None):
    """Sample a logic function on random 0/1 input pairs, as the article does.

    Parameters
    ----------
    f : callable or str
        A vectorised two-argument logic function (:func:`xor`, :func:`nand`,
        :func:`and_`, :func:`or_` or your own), or one of their names.
    samples : int, default=10000
        Number of rows, from 1 to 1,000,000.
    seed : int, optional
        Makes the data reproducible.

    Returns
    -------
    inputs : numpy.ndarray of float32, shape (samples, 2)
    labels : numpy.ndarray of float32, shape (samples, 2)
        One-hot ``[f, not f]`` per row.

    Examples
    --------
    >>> inputs, labels = sample_logic_fn(xor, 4, seed=0)
    >>> inputs.dtype.name, [bool(xor(*row)) == bool(label[0]) for row, label in zip(inputs, labels)]
    ('float32', [True, True, True, True])
    """
    if isinstance(f, str):
        if f not in LOGIC_FUNCTIONS:
            raise InvalidValue("f", f"f must be one of {', '.join(LOGIC_FUNCTIONS)}, got {f!r}.")
        f = LOGIC_FUNCTIONS[f]
    if not callable(f):
        raise InvalidType("f", f"f must be a logic function or its name, got {f!r}.")
    samples = check_int(samples, "samples", minimum=1, maximum=MAX_SAMPLES)
    rng = np.random.default_rng(check_seed(seed))
    inputs = rng.integers(0, 2, (samples, 2))
    truth = np.asarray(f(inputs[:, 0], inputs[:, 1]), dtype=bool)
    if truth.shape != (samples,):
        raise InvalidValue("f", f"f must return one truth value per row, got shape {truth.shape}.")
    labels = np.stack([truth, ~truth], axis=1)
    return inputs.astype(np.float32), labels.astype(np.float32)


def _gen(f):
    n1, n2 = _random.randint(0, 1), _random.randint(0, 1)
    truth = int(bool(f(n1, n2)))
    return [[n1, n2], [truth, 1 - truth]]


def nand_gen():
    """Return one random NAND sample ``[[n1, n2], [and?, nand?]]`` of 0/1 ints (the article's)."""
    return _gen(and_)


def xor_gen():
    """Return one random XOR sample ``[[n1, n2], [xor?, not xor?]]`` of 0/1 ints."""
    return _gen(xor)


def and_gen():
    """Return one random AND sample ``[[n1, n2], [and?, not and?]]`` of 0/1 ints."""
    return _gen(and_)


def or_gen():
    """Return one random OR sample ``[[n1, n2], [or?, not or?]]`` of 0/1 ints."""
    return _gen(or_)
