"""Reading a user's table (a CSV file): a regular file within the size limit, as text."""

import os
import stat

from ..model import MAX_TABLE_BYTES, InvalidValue, argument_of
from ._write import check_path, kind, os_error


def read_table(path, name="path"):
    """Return the text of the CSV file at ``path``, refusing anything but a regular UTF-8 file.

    The file's size is checked before it is read: at most 128 MiB.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    name : str, default="path"
        What to call ``path`` in messages (the CLI passes ``--data``).

    Returns
    -------
    str
        The file's text (a UTF-8 byte-order mark removed).

    Raises
    ------
    TypeError
        If ``path`` is not a path.
    ValueError
        If the file is missing, unreadable, not a regular file, larger than
        the limit or not UTF-8 text; the message names ``path``.
    """
    path = check_path(path, name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO cannot block
    except FileNotFoundError:
        raise InvalidValue(argument_of(name), f"{name} {path!r}: no such file.") from None
    except OSError as error:
        raise os_error(name, path, error, "read") from None
    too_big = (f"{name} {path!r} holds more than {MAX_TABLE_BYTES:,} bytes, the most k9tf "
               "reads as a table; train on a part of it.")
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise InvalidValue(argument_of(name), f"{name} {path!r} is {kind(found.st_mode)}, "
                                                  "not a CSV file.")
        if found.st_size > MAX_TABLE_BYTES:
            raise InvalidValue(argument_of(name), too_big)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as file:
        try:
            data = file.read(MAX_TABLE_BYTES + 1)
        except OSError as error:
            raise os_error(name, path, error, "read") from None
    if len(data) > MAX_TABLE_BYTES:
        raise InvalidValue(argument_of(name), too_big)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidValue(argument_of(name), f"{name} {path!r} is not UTF-8 text: byte "
                                              f"{error.start:,} is "
                                              f"{data[error.start:error.start + 1]!r}.") from None
