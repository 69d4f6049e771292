"""Reading a user's file: a regular file only, never more than a limit of bytes."""

import os
import stat

from ..model import InvalidValue, argument_of
from ._write import check_path, kind, os_error


def read_bounded(path, name, limit, *, missing, what, too_big):
    """Return the bytes of the regular file ``path``, refusing one of more than ``limit`` bytes.

    The file is opened without blocking (a FIFO cannot hang the call), checked
    to be a regular file of at most ``limit`` bytes, and read at most one byte
    past the limit (a file that grew meanwhile is refused too).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    name : str
        What to call ``path`` in messages.
    limit : int
        The most bytes read.
    missing : str
        The message's end for a missing file (``"no such file."``).
    what : str
        What the file should be, for other kinds of file (``"a CSV file"``).
    too_big : str
        The message for a file larger than ``limit``.

    Returns
    -------
    bytes
        The file's contents.

    Raises
    ------
    TypeError, ValueError
        If ``path`` is not a path, or the file is missing, unreadable, not a
        regular file or too large; the message names ``path``.
    """
    path = check_path(path, name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO cannot block
    except FileNotFoundError:
        raise InvalidValue(argument_of(name), f"{name} {path!r}: {missing}") from None
    except OSError as error:
        raise os_error(name, path, error, "read") from None
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise InvalidValue(argument_of(name), f"{name} {path!r} is {kind(found.st_mode)}, "
                                                  f"not {what}.")
        if found.st_size > limit:
            raise InvalidValue(argument_of(name), too_big)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as file:
        try:
            data = file.read(limit + 1)
        except OSError as error:
            raise os_error(name, path, error, "read") from None
    if len(data) > limit:
        raise InvalidValue(argument_of(name), too_big)
    return data
