
"""Files: the one output-path check and the one atomic writer behind every file k9tf writes.

Networks, exports, plots and sweep tables all go through here. Only a
regular file (or a path where nothing is yet) is a target: a directory, a
device, a FIFO or a socket is refused before anything is opened, and a
symbolic link is written through, so the link keeps pointing at the new file.
A file is written under a temporary name beside its target
(``.k9tf-<random>.tmp``), flushed to disk, then renamed over the target, so a
crash leaves either the old file or the new one, and any failure removes the
temporary file. The temporary file is created like any other file (mode
0666 less the umask) or, when the target exists, takes the target's mode.
While it is written, the writer holds an ``flock`` on it; a later write into
the same directory removes temporary files that are older than
``STALE_SECONDS`` and that no live writer holds, i.e. those a crash left.
A directory (a SavedModel) is written the same way as a whole, and replaces
only an empty directory or one that holds nothing but a SavedModel's own files.
Every operating-system error becomes a ``ValueError`` naming the path.
"""

import contextlib
import errno
import fcntl
import os
import re
import secrets
import shutil
import stat
import time

from ..model import InvalidType, InvalidValue, argument_of

STALE_SECONDS = 600
"""Age after which an unlocked temporary file is taken for a crashed write's and removed."""

_TEMP = re.compile(r"\.k9tf-[a-z0-9_]+\.tmp(\.[a-z]+)?")

_KINDS = ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a directory"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))

_SAVEDMODEL_FILES = {"saved_model.pb", "saved_model.pbtxt", "fingerprint.pb"}
_SAVEDMODEL_VARIABLES = re.compile(r"variables\.index|variables\.data-\d{5}-of-\d{5}")


def kind(mode):
    """Return what a file of ``mode`` (an ``st_mode``) is, as words: "a FIFO", "a file"..."""
    return next((kind for test, kind in _KINDS if test(mode)), "a special file")


def check_path(path, name="path"):
    """Return ``path`` as a str after checking it is a non-empty path without NUL.

    Parameters
    ----------
    path : str or os.PathLike
        The path.
    name : str, default="path"
        What to call ``path`` in messages.

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike (bytes included).
    ValueError
        If ``path`` is empty or holds a NUL character.
    """
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str):
        raise InvalidType(argument_of(name), f"{name} must be a str or os.PathLike, got {path!r} "
                                             f"of type {type(path).__name__}.")
    if not path:
        raise InvalidValue(argument_of(name), f"{name} must not be empty.")
    if "\0" in path:
        raise InvalidValue(argument_of(name), f"{name} must not contain a NUL character, got "
                                              f"{path!r}.")
    return path


def os_error(name, path, error, doing):
    """Return the ValueError for an ``OSError`` met while ``doing`` something to ``path``.

    Parameters
    ----------
    name : str
        What to call ``path`` in the message.
    path : str
        The path as the caller gave it.
    error : OSError
        The error.
    doing : str
        A past participle: "written", "read".

    Returns
    -------
    ValueError
        ``"<name> <path> cannot be <doing>: <reason>."``.
    """
    if error.errno == errno.ENAMETOOLONG:
        reason = "the name is too long"
    elif error.errno == errno.ELOOP:
        reason = "a loop of symbolic links"
    elif error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "no space left on the device"
    else:
        reason = (error.strerror or str(error)).lower().rstrip(".")
    return InvalidValue(argument_of(name), f"{name} {path!r} cannot be {doing}: {reason}.")


def _stat(path, name, shown):
    """Return ``os.stat(path)``, or None if nothing is there; other errors name ``shown``."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise os_error(name, shown, error, "written") from None


def _target(path, name, directory=False):
    """Return ``(real path, its stat or None)`` of what a write to ``path`` replaces."""
    if not directory and path.endswith(os.sep):
        raise InvalidValue(argument_of(name), f"{name} {path!r} names a directory; give a file "
                                              "name.")
    target = os.path.realpath(path)  # write through a symbolic link, keeping the link
    found = _stat(target, name, path)
    if found is not None and directory and not stat.S_ISDIR(found.st_mode):
        raise InvalidValue(argument_of(name), f"{name} {path!r} exists and is neither an empty "
                                              "directory nor a SavedModel but "
                                              f"{kind(found.st_mode)}; k9tf will not replace it.")
    if found is not None and not directory and not stat.S_ISREG(found.st_mode):
        raise InvalidValue(argument_of(name), f"{name} {path!r} is {kind(found.st_mode)}; give a "
                                              "file name.")
    parent = os.path.dirname(target)
    found_parent = _stat(parent, name, path)
    if found_parent is None or not stat.S_ISDIR(found_parent.st_mode):
        while found_parent is None and parent != os.path.dirname(parent):
            parent = os.path.dirname(parent)
            found_parent = _stat(parent, name, path)
        culprit = ("" if found_parent is None or stat.S_ISDIR(found_parent.st_mode)
                   else f": {parent!r} is not a directory")
        raise InvalidValue(argument_of(name), f"{name} {path!r} is in a directory that does not "
                                              f"exist{culprit}.")
    return target, found


def _create_temp(directory, name, path, suffix=""):
    """Create and lock a new temporary file in ``directory``; return ``(fd, temp path)``."""
    temp = os.path.join(directory, f".k9tf-{secrets.token_hex(8)}.tmp{suffix}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW,
                     0o666)
    except OSError as error:
        raise os_error(name, path, error, "written") from None
    with contextlib.suppress(OSError):  # best effort: a filesystem without locks
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd, temp


def _try_directory(directory, name, path):
    """Raise ValueError naming ``path`` unless a temporary file can be made in ``directory``."""
    fd, temp = _create_temp(directory, name, path)
    os.close(fd)
    os.unlink(temp)


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
        regular file (a device, FIFO or socket, also through a symbolic link),
        is in a missing or unwritable directory, or the system refuses it for
        any other reason.
    """
    path = check_path(path, name)
    target, _ = _target(path, name)
    _try_directory(os.path.dirname(target), name, path)
    return path


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
    path = check_path(path, name)
    existing = os.path.abspath(path)
    while (found := _stat(existing, name, path)) is None:
        existing = os.path.dirname(existing)
    if not stat.S_ISDIR(found.st_mode):
        raise InvalidValue(argument_of(name), f"{name} {path!r} cannot be a directory: "
                                              f"{existing!r} is {kind(found.st_mode)}.")
    _try_directory(existing, name, path)
    return path


def _remove_stale(directory):
    """Remove the temporary files of crashed writes in ``directory`` (old and unlocked)."""
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


def _fsync(path, flags=os.O_RDONLY):
    fd = os.open(path, flags | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory):
    with contextlib.suppress(OSError):  # make the rename itself durable, where it can be
        _fsync(directory, os.O_DIRECTORY)


def write_atomic(path, write, name="path", suffix=""):
    """Write a file through ``write(binary_file)``, atomically, as :mod:`k9tf.files` describes.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write or replace.
    write : callable
        Called once with the temporary file open for binary writing; its
        ``name`` is the temporary file's path, for writers that reopen it.
    name : str, default="path"
        What to call ``path`` in messages.
    suffix : str, default=""
        Ending of the temporary file's name (``".keras"`` for Keras, which
        writes only such names).

    Returns
    -------
    str
        ``path`` as a str.

    Raises
    ------
    TypeError, ValueError
        As for :func:`writable_file`, or if writing fails (e.g. a full disk):
        the temporary file is removed and any old file left as it was. An
        ``OSError`` from ``write`` becomes a ``ValueError`` naming ``path``;
        other errors from ``write`` pass unchanged.
    """
    path = check_path(path, name)
    target, found = _target(path, name)
    directory = os.path.dirname(target)
    fd, temp = _create_temp(directory, name, path, suffix)
    try:
        with open(temp, "wb", opener=lambda *_: fd) as file:
            write(file)
            file.flush()
            os.fsync(fd)
            if found is not None:
                os.fchmod(fd, stat.S_IMODE(found.st_mode))
            os.replace(temp, target)  # still locked: a cleaner never takes it for stale
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise os_error(name, path, error, "written") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(directory)
    _remove_stale(directory)
    return path


def _savedmodel_only(path):
    """Return whether directory ``path`` holds nothing but a SavedModel's own files (or nothing).

    That is ``saved_model.pb``, ``fingerprint.pb``, ``variables/variables.index``,
    ``variables/variables.data-NNNNN-of-NNNNN`` and an empty ``assets/``, all
    regular files and directories (no links), and ``saved_model.pb`` present
    once anything is.
    """
    entries = {entry.name: entry for entry in os.scandir(path)}
    if not entries:
        return True
    if "saved_model.pb" not in entries:
        return False
    for entry_name, entry in entries.items():
        if entry_name in _SAVEDMODEL_FILES:
            ok = entry.is_file(follow_symlinks=False)
        elif entry_name in ("variables", "assets") and entry.is_dir(follow_symlinks=False):
            inner = list(os.scandir(entry.path))
            ok = all(_SAVEDMODEL_VARIABLES.fullmatch(e.name) and e.is_file(follow_symlinks=False)
                     for e in inner) if entry_name == "variables" else not inner
        else:
            ok = False
        if not ok:
            return False
    return True


def writable_savedmodel(path, name="path"):
    """Return ``path`` if a SavedModel can be written there, replacing only what is safe.

    Parameters
    ----------
    path : str or os.PathLike
        Nothing yet, an empty directory, or a directory holding nothing but a
        SavedModel's own files; a symbolic link to one is written through.
    name : str, default="path"
        What to call ``path`` in messages.

    Returns
    -------
    str
        ``path`` as a str.

    Raises
    ------
    TypeError, ValueError
        As for :func:`writable_file`, or if ``path`` holds anything else
        (another file, a directory with other files in it).
    """
    path = check_path(path, name)
    target, found = _target(path, name, directory=True)
    if found is not None:
        try:
            safe = _savedmodel_only(target)
        except OSError as error:
            raise os_error(name, path, error, "written") from None
        if not safe:
            raise InvalidValue(argument_of(name), f"{name} {path!r} exists and is neither an "
                                                  "empty directory nor a SavedModel (it holds "
                                                  "other files); k9tf will not replace it.")
    _try_directory(os.path.dirname(target), name, path)
    return path


def write_directory_atomic(path, write, name="path"):
    """Write a SavedModel directory through ``write(temp_path)``, then move it to ``path``.

    The directory is written beside ``path`` under a temporary name, its
    files flushed to disk, then renamed into place. An existing ``path`` (see
    :func:`writable_savedmodel`) is checked again, moved aside, and deleted
    once the new one is in place; on any failure it is put back. A new
    directory's mode follows the umask; an existing one keeps its mode.

    Parameters
    ----------
    path : str or os.PathLike
        The directory to write or replace.
    write : callable
        Called once with the path of an empty temporary directory to fill.
    name : str, default="path"
        What to call ``path`` in messages.

    Returns
    -------
    str
        ``path`` as a str.

    Raises
    ------
    TypeError, ValueError
        As for :func:`writable_savedmodel`, or if writing fails; ``OSError``
        becomes a ``ValueError`` naming ``path``.
    """
    path = writable_savedmodel(path, name)
    target, found = _target(path, name, directory=True)
    directory = os.path.dirname(target)
    temp = os.path.join(directory, f".k9tf-{secrets.token_hex(8)}.tmp.dir")
    old = None
    try:
        os.mkdir(temp, 0o777)
        if found is not None:
            os.chmod(temp, stat.S_IMODE(found.st_mode))
        write(temp)
        for root, _, files in os.walk(temp):
            for file_name in files:
                _fsync(os.path.join(root, file_name))
        if os.path.lexists(target):
            if not _savedmodel_only(target):  # changed since the check
                raise InvalidValue(argument_of(name), f"{name} {path!r} now holds files other "
                                                      "than a SavedModel's; k9tf will not "
                                                      "replace it.")
            old = os.path.join(directory, f".k9tf-{secrets.token_hex(8)}.tmp.old")
            os.replace(target, old)
        os.replace(temp, target)
    except BaseException as error:
        if old is not None and not os.path.lexists(target):
            with contextlib.suppress(OSError):
                os.replace(old, target)
                old = None
        shutil.rmtree(temp, ignore_errors=True)
        if isinstance(error, OSError):
            raise os_error(name, path, error, "written") from None
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    _fsync_directory(directory)
    return path
