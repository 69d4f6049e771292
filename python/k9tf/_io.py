"""Saving and loading networks as JSON files, atomically and validated."""

import json
import os
import tempfile

from ._validation import check_network


def _check_path(path, name="path"):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or path, got {path!r}.")
    return os.fspath(path)


def save_network(network, path):
    """Save ``network`` to ``path`` as JSON, atomically.

    The file is written beside ``path`` under a temporary name, flushed to
    disk, then renamed over ``path``: a crash leaves the old file intact.

    Parameters
    ----------
    network : dict
        A valid network; it is checked first.
    path : str or os.PathLike
        Target file; its directory must exist.

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    TypeError, ValueError
        On a malformed network or a directory that does not exist.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> net = construct_network(2, 3, 2, seed=1)
    >>> load_network(save_network(net, path)) == net
    True
    """
    path = _check_path(path)
    check_network(network)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ValueError(f"path {path!r} is in a directory that does not exist.")
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".k9tf-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(network, file, allow_nan=False, indent=1)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
    directory_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_fd)  # make the rename itself durable
    finally:
        os.close(directory_fd)
    return path


def load_network(path):
    """Load and validate a network saved by :func:`save_network`.

    Parameters
    ----------
    path : str or os.PathLike
        A JSON network file.

    Returns
    -------
    dict
        The network.

    Raises
    ------
    TypeError
        If ``path`` is not a path.
    ValueError
        If the file is missing, not JSON, or not a valid network.
    """
    path = _check_path(path)
    try:
        with open(path, encoding="utf-8") as file:
            network = json.load(file, parse_constant=_refuse_constant)
    except FileNotFoundError:
        raise ValueError(f"path {path!r}: no such network file.") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"path {path!r} is not a JSON network file: {error}") from None
    except RecursionError:
        raise ValueError(f"path {path!r} is nested too deeply to be a network.") from None
    try:
        check_network(network)
    except (TypeError, ValueError) as error:
        raise ValueError(f"path {path!r} holds an invalid network: {error}") from None
    return network


def _refuse_constant(name):
    raise ValueError(f"{name} is not a valid number in a network file.")
