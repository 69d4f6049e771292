"""Files: networks saved and loaded as JSON, atomically (see :mod:`._write`) and validated."""

import json
from collections.abc import Sequence

import numpy as np

from ..model import (
    DATA_FORMAT_VERSION,
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    MAX_LAYERS,
    MAX_PARAMETERS,
    InvalidType,
    InvalidValue,
    argument_of,
    check_network,
)
from ._read import read_bounded
from ._write import check_path, write_atomic


def _plain_value(value):
    """Return a numpy array, numpy number or other sequence in a checked network as plain JSON."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Sequence):
        return list(value)
    raise InvalidType("network", f"{type(value).__name__} is not JSON serializable")


def _json_chunks(network):
    """Yield a valid ``network`` as JSON text: one key a line, one weight row a line.

    Values are written as given (numpy arrays and numbers as the plain numbers
    they hold), so ``load_network(save_network(net, p)) == net``.
    """
    spec, _ = check_network(network)
    seed = network["seed"]

    def dumps(value):
        return json.dumps(value, allow_nan=False, default=_plain_value)

    version = DATA_FORMAT_VERSION if "data" in spec else FORMAT_VERSION
    head = {"version": version, **spec, "seed": None if seed is None else int(seed)}
    yield "{\n" + "".join(f" {dumps(key)}: {dumps(value)},\n" for key, value in head.items())
    yield ' "layers": [\n'
    for i, layer in enumerate(network["layers"]):
        rows = dumps(layer["weights"])[1:-1].replace("], [", "],\n    [")  # numbers hold no "]"
        comma = "," if i + 1 < len(network["layers"]) else ""
        yield (f'  {{"weights": [\n    {rows}\n   ],\n'
               f'   "biases": {dumps(layer["biases"])}}}{comma}\n')
    yield " ]\n}\n"


def save_network(network, path):
    """Save ``network`` to ``path`` as JSON, atomically.

    The file is written beside ``path`` under a temporary name, flushed to
    disk, then renamed over ``path``: a crash or Ctrl-C leaves the old file
    intact and no temporary file (a ``kill -9`` leaves one, which a later save
    into that directory removes). A new file's mode follows the umask; an
    existing file keeps its mode; a symbolic link keeps pointing at the file.

    Parameters
    ----------
    network : dict
        A valid network; it is checked first. Whatever :func:`ff` accepts is
        saved, numpy arrays and numbers included, as plain JSON numbers.
    path : str or os.PathLike
        Target file; its directory must exist.

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    TypeError, ValueError
        On a malformed network, or a path that cannot be written (the message
        names ``path`` and says why: a directory, a missing directory, no
        permission, a read-only file system, a name too long...).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> net = construct_network(2, 3, 2, seed=1)
    >>> load_network(save_network(net, path)) == net
    True
    """
    path = check_path(path, "path")
    chunks = list(_json_chunks(network))  # the network is checked before any file is touched
    return write_atomic(path, lambda file: file.writelines(
        chunk.encode("utf-8") for chunk in chunks))


def load_network(path):
    """Load and validate a network saved by :func:`save_network`.

    Only a regular file of at most 256 MiB is read (the largest network k9tf
    builds takes about 105 MB); anything else is refused before reading, and
    a file holding more JSON lists, objects or items than any network can
    (see :data:`MAX_CONTAINERS`, :data:`MAX_ITEMS`) before it is parsed, so
    memory stays within about 1 GB whatever the file holds.

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
        If the file is missing, unreadable, not a regular file, too large, not
        JSON, or not a valid network (the message names ``path``).
    """
    path = check_path(path, "path")
    data = read_bounded(path, "path", MAX_FILE_BYTES, missing="no such network file.",
                        what="a network file",
                        too_big=f"path {path!r} holds more than {MAX_FILE_BYTES:,} bytes, the "
                                "most a network file may (k9tf's largest network takes about "
                                "105 MB).")
    _check_structure(data, path)
    try:
        network = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidValue("path", f"path {path!r} is not a JSON network file: {error}") from None
    except RecursionError:
        raise InvalidValue("path", f"path {path!r} is nested too deeply to be a network.") from None
    try:
        check_network(network)
    except (TypeError, ValueError) as error:
        raise InvalidValue("path", f"path {path!r} holds an invalid network: {error}") from None
    return network


MAX_CONTAINERS = MAX_PARAMETERS + 4 * MAX_LAYERS + 16
"""Most JSON lists and objects a network file may hold: a weight row each, a few per layer."""

MAX_ITEMS = 2 * MAX_PARAMETERS + 4 * MAX_LAYERS + 64
"""Most commas (list items and object keys, less one per container) a network file may hold."""


def _check_structure(data, path):
    """Raise ValueError if the JSON text ``data`` holds more containers or items than a network can.

    A network of :data:`MAX_PARAMETERS` has at most one list per weight row
    plus a few per layer, and a comma between any two numbers. Counting
    brackets, braces and commas (strings included, which only overcounts) is
    a pass over the bytes with no allocation, so a file of a million empty
    lists or of nothing but numbers is refused before ``json`` builds the
    gigabytes of Python objects it would take.
    """
    containers = data.count(b"[") + data.count(b"{")
    items = data.count(b",")
    if containers > MAX_CONTAINERS or items > MAX_ITEMS:
        raise InvalidValue("path", f"path {path!r} holds {containers:,} JSON lists and objects "
                                   f"and {items:,} commas; a network file holds at most "
                                   f"{MAX_CONTAINERS:,} and {MAX_ITEMS:,} (a network has at most "
                                   f"{MAX_PARAMETERS:,} parameters), so it is not one.")


def _refuse_constant(name):
    raise InvalidValue(argument_of(name), f"{name} is not a valid number in a network file.")
