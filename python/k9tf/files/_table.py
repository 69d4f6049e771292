"""Reading a user's table (a CSV file): a regular file within the size limit, as text."""


from ..model import MAX_TABLE_BYTES, InvalidValue, argument_of
from ._read import read_bounded
from ._write import check_path


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
    data = read_bounded(path, name, MAX_TABLE_BYTES, missing="no such file.", what="a CSV file",
                        too_big=f"{name} {path!r} holds more than {MAX_TABLE_BYTES:,} bytes, "
                                "the most k9tf reads as a table; train on a part of it.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidValue(argument_of(name), f"{name} {path!r} is not UTF-8 text: byte "
                                              f"{error.start:,} is "
                                              f"{data[error.start:error.start + 1]!r}.") from None
