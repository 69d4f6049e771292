"""Files: networks saved and loaded as JSON, atomically and validated; output paths checked.

A file is written under a temporary name beside its target (``.k9tf-<random>.tmp``),
flushed to disk, then renamed over the target, so a crash leaves either the
old file or the new one. The temporary file is created like any other file
(mode 0666 less the umask) or, when the target exists, takes the target's
mode. While it is written, the writer holds an ``flock`` on it; a later save
into the same directory removes temporary files that are older than
``STALE_SECONDS`` and that no live writer holds, i.e. those a crash left.
Every operating-system error becomes a ``ValueError`` naming the path.
"""

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Sequence

import numpy as np

from ..model import DATA_FORMAT_VERSION, FORMAT_VERSION, MAX_FILE_BYTES, check_network

STALE_SECONDS = 600
"""Age after which an unlocked temporary file is taken for a crashed save's and removed."""

_TEMP = re.compile(r"\.k9tf-[a-z0-9_]+\.tmp")

_KINDS = ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a directory"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))


def _kind(mode):
    return next((kind for test, kind in _KINDS if test(mode)), "a special file")


def _check_path(path, name):
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError(f"{name} must be a str or os.PathLike, got {path!r} of type "
                        f"{type(path).__name__}.")
    if not path:
        raise ValueError(f"{name} must not be empty.")
    if "\0" in path:
        raise ValueError(f"{name} must not contain a NUL character, got {path!r}.")
    return path


def _os_error(name, path, error, doing):
    """Return the ValueError for an ``OSError`` met while ``doing`` something to ``path``."""
    if error.errno == errno.ENAMETOOLONG:
        reason = "the name is too long"
    elif error.errno == errno.ELOOP:
        reason = "a loop of symbolic links"
    else:
        reason = (error.strerror or str(error)).lower()
    return ValueError(f"{name} {path!r} cannot be {doing}: {reason}.")


def _stat(path, name, doing, shown):
    """Return ``os.stat(path)``, or None if nothing is there; other errors name ``shown``."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _os_error(name, shown, error, doing) from None


def _create_temp(directory, name, path):
    """Create and lock a new temporary file in ``directory``; return ``(fd, temp path)``."""
    temp = os.path.join(directory, f".k9tf-{secrets.token_hex(8)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW,
                     0o666)
    except OSError as error:
        raise _os_error(name, path, error, "written") from None
    with contextlib.suppress(OSError):  # best effort: a filesystem without locks
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd, temp


def _target(path, name):
    """Return ``(real path, its stat or None)`` of the file a write to ``path`` replaces."""
    path = _check_path(path, name)
    if path.endswith(os.sep):
        raise ValueError(f"{name} {path!r} names a directory; give a file name.")
    target = os.path.realpath(path)  # write through a symbolic link, keeping the link
    found = _stat(target, name, "written", path)
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise ValueError(f"{name} {path!r} is {_kind(found.st_mode)}; give a file name.")
    if _stat(os.path.dirname(target), name, "written", path) is None:
        raise ValueError(f"{name} {path!r} is in a directory that does not exist.")
    return target, found


def writable_file(path, name="path"):
    """Return ``path`` if a file can be written there, trying its directory with a temporary file.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; its directory must exist.
    name : str, default="path"
        What to call ``path`` in messages (the CLI passes its option's name).

    Returns
    -------
    str
        ``path`` as a str.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path.
    ValueError
        If ``path`` is empty, holds a NUL, names a directory or anything but a
        regular file, is in a missing or unwritable directory, or the system
        refuses it for any other reason.
    """
    target, _ = _target(path, name)
    fd, temp = _create_temp(os.path.dirname(target), name, path)
    os.close(fd)
    os.unlink(temp)
    return os.fspath(path)


def writable_directory(path, name="path"):
    """Return ``path`` if it is a directory, or could be created as one, that can be written.

    Parameters
    ----------
    path : str or os.PathLike
        The directory.
    name : str, default="path"
        What to call ``path`` in messages.

    Returns
    -------
    str
        ``path`` as a str.

    Raises
    ------
    TypeError, ValueError
        As for :func:`writable_file`, or if ``path`` or its nearest existing
        ancestor is not a directory.
    """
    path = _check_path(path, name)
    existing = os.path.abspath(path)
    while (found := _stat(existing, name, "written", path)) is None:
        existing = os.path.dirname(existing)
    if not stat.S_ISDIR(found.st_mode):
        raise ValueError(f"{name} {path!r} cannot be a directory: {existing!r} is "
                         f"{_kind(found.st_mode)}.")
    fd, temp = _create_temp(existing, name, path)
    os.close(fd)
    os.unlink(temp)
    return path


def _remove_stale(directory):
    """Remove the temporary files of crashed saves in ``directory`` (old and unlocked)."""
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not _TEMP.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):  # gone, locked by a live writer, or not ours
                found = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(found.st_mode) or now - found.st_mtime < STALE_SECONDS:
                    continue
                fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    if os.path.samestat(os.fstat(fd), os.stat(entry.path, follow_symlinks=False)):
                        os.unlink(entry.path)
                finally:
                    os.close(fd)


def write_atomic(path, write, name="path"):
    """Write a file through ``write(binary_file)``, atomically, as :mod:`k9tf.files` describes.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write or replace.
    write : callable
        Called once with the open binary file.
    name : str, default="path"
        What to call ``path`` in messages.

    Returns
    -------
    str
        ``path`` as a str.

    Raises
    ------
    TypeError, ValueError
        As for :func:`writable_file`, or if writing fails (e.g. a full disk);
        the temporary file is removed and any old file left as it was.
    """
    path = _check_path(path, name)
    target, found = _target(path, name)
    directory = os.path.dirname(target)
    fd, temp = _create_temp(directory, name, path)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(fd)
            if found is not None:
                os.fchmod(fd, stat.S_IMODE(found.st_mode))
            os.replace(temp, target)  # still locked: a cleaner never takes it for stale
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise _os_error(name, path, error, "written") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        directory_fd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)
    _remove_stale(directory)
    return path


def _plain_value(value):
    """Return a numpy array, numpy number or other sequence in a checked network as plain JSON."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Sequence):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


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
    path = _check_path(path, "path")
    chunks = list(_json_chunks(network))  # the network is checked before any file is touched
    return write_atomic(path, lambda file: file.writelines(
        chunk.encode("utf-8") for chunk in chunks))


def load_network(path):
    """Load and validate a network saved by :func:`save_network`.

    Only a regular file of at most 256 MiB is read (the largest network k9tf
    builds takes about 105 MB); anything else is refused before reading.

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
    path = _check_path(path, "path")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO cannot block
    except FileNotFoundError:
        raise ValueError(f"path {path!r}: no such network file.") from None
    except OSError as error:
        raise _os_error("path", path, error, "read") from None
    too_big = (f"path {path!r} holds more than {MAX_FILE_BYTES:,} bytes, the most a network "
               "file may (k9tf's largest network takes about 105 MB).")
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise ValueError(f"path {path!r} is {_kind(found.st_mode)}, not a network file.")
        if found.st_size > MAX_FILE_BYTES:
            raise ValueError(too_big)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as file:
        try:
            data = file.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise _os_error("path", path, error, "read") from None
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(too_big)
    try:
        network = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
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
