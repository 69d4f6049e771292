
"""The bridge's wire format: plain data as a JSON header plus packed numeric blocks.

A frame is ``<u32 header length><header><zero padding to 8 bytes><payload>``
(little-endian). The header is UTF-8 JSON; in it, each packed block appears as
``{"#k9tf/array": [dtype, offset, shape]}``: ``dtype`` is ``"f8"`` (float64)
or ``"i8"`` (int64), ``offset`` counts bytes from the payload's start and
``shape`` is ``[n]`` or ``[rows, cols]``. Doubles cross either as their
shortest JSON repr or as raw float64, so both ways are bit-exact; NaN and Inf
are refused. The Clojure side (``k9tf.codec``) reads and writes the same frames.

>>> frame = pack({"w": [[0.5, 1.0], [2.0, -0.0]], "sizes": [2, 2]})
>>> data = unpack(frame)
>>> data["w"].tolist(), data["sizes"]
([[0.5, 1.0], [2.0, -0.0]], [2, 2])
"""

import json
import math
import struct
import threading

import numpy as np

from ..model import InvalidValue, all_finite, argument_of

FORMAT = 2
"""The frame format's version; the JVM side starts only with a core that speaks its own."""

ARRAY = "#k9tf/array"
"""The header key that marks a packed block."""

DTYPES = {"f8": np.dtype("<f8"), "i8": np.dtype("<i8")}
"""The block types, by their name in the header."""

_HEAD = struct.Struct("<I")



# One decoder and one encoder for every frame, called at their C entry points: ``json.loads``
# and ``json.dumps`` with options build new ones per call, which costs more than a small call's
# whole header. The decoder's block hook finds the frame being read in ``_reading`` (per thread;
# unpack never runs inside itself). The encoder skips the check for cycles: ``pack`` builds the
# header afresh, and data with a cycle never reaches it (walking it recurses without end).
_reading = threading.local()
_ENCODE = json.encoder.c_make_encoder(None, json.JSONEncoder().default,
                                      json.encoder.encode_basestring_ascii, None, ":", ",",
                                      False, False, False)


def _payload_start(header_size):
    return -(-(_HEAD.size + header_size) // 8) * 8


def _refuse_constant(name):
    raise InvalidValue(argument_of(name), f"{name} cannot cross the bridge; numbers must be "
                                          "finite.")


def _check_block(spec, payload):
    """Return ``(dtype, offset, shape)`` of block marker ``spec`` if it lies in ``payload`` bytes.

    The offset is a non-negative multiple of 8 and the shape one or two
    non-negative ints, all plain ints (not bools), checked before any number
    is computed from them, so no header can make a block read outside the
    payload or allocate beyond it.
    """
    if not (isinstance(spec, list) and len(spec) == 3 and spec[0] in DTYPES):
        raise InvalidValue(None, "it must be [dtype, offset, shape] with dtype 'f8' or 'i8'")
    dtype, offset, shape = spec
    if type(offset) is not int or offset < 0 or offset % 8:
        raise InvalidValue(None, "its offset must be an int >= 0 and a multiple of 8, got "
                                  f"{offset!r}")
    if not (isinstance(shape, list) and 1 <= len(shape) <= 2
            and all(type(n) is int and n >= 0 for n in shape)):
        raise InvalidValue(None, f"its shape must be 1 or 2 ints >= 0, got {shape!r}")
    if offset + 8 * math.prod(shape) > payload:
        raise InvalidValue(None, f"it runs past the payload's {payload} bytes")
    return DTYPES[dtype], offset, shape


def unpack(frame):
    """Return the data in ``frame``, blocks as read-only numpy arrays over its memory.

    Parameters
    ----------
    frame : bytes-like
        A frame written by :func:`pack` or by the Clojure side.

    Returns
    -------
    object
        Plain data: dicts, lists, str, int, float, bool, None and 1-d or 2-d
        ``numpy.ndarray`` blocks (``float64`` or ``int64``).

    Raises
    ------
    ValueError
        If the frame is truncated, its header is not JSON or nested too
        deeply, a block marker is malformed (an unknown dtype, an offset that
        is negative, not a multiple of 8 or not an int, a shape of other than
        1 or 2 non-negative ints) or lies outside the payload, or a number is
        not finite (in the header or in a block).
    """
    view = memoryview(frame).cast("B")
    if len(view) < _HEAD.size:
        raise InvalidValue(None, f"a bridge frame needs at least {_HEAD.size} bytes, got "
                                f"{len(view)}.")
    (size,) = _HEAD.unpack_from(view)
    if _HEAD.size + size > len(view):
        raise InvalidValue(None, f"the bridge frame's header ({size} bytes) runs past its end.")
    _reading.view, _reading.start = view, _payload_start(size)
    header = str(view[_HEAD.size:_HEAD.size + size], "utf-8")
    try:
        try:
            data, end = _DECODER.scan_once(header, 0)
        except StopIteration:
            end = -1
        return data if end == len(header) else _DECODER.decode(header)  # explains the error
    except RecursionError:
        raise InvalidValue(None, "the bridge frame's header is nested too deeply.") from None
    finally:
        _reading.view = None  # the caller's memory is not held past the call


def _block(obj):
    """Return header object ``obj``, or the block it marks as a numpy array over the frame."""
    if len(obj) != 1 or ARRAY not in obj:
        return obj
    view, start = _reading.view, _reading.start
    try:
        dtype, offset, shape = _check_block(obj[ARRAY], len(view) - start)
    except ValueError as error:
        raise InvalidValue(None, f"bad packed block {obj[ARRAY]!r} in a bridge frame: "
                                  f"{error}.") from None
    array = np.frombuffer(view, dtype, math.prod(shape), start + offset).reshape(shape)
    if dtype.kind == "f" and not all_finite(array):
        raise InvalidValue(None, "a packed block in a bridge frame holds NaN or Inf; numbers "
                                "must be finite.")
    return array


_DECODER = json.JSONDecoder(object_hook=_block, parse_constant=_refuse_constant)


def _float_rows(value):
    """Return True if ``value`` is a non-empty list of floats or of equal-length float lists."""
    if not value:
        return False
    if type(value[0]) is list:
        width = len(value[0])
        return width > 0 and all(type(row) is list and len(row) == width
                                 and all(type(v) is float for v in row) for row in value)
    return all(type(v) is float for v in value)


def pack(data):
    """Return ``data`` as a frame, packing its numeric arrays.

    numpy arrays of one or two dimensions (float or int) and lists of floats
    (or of equal-length lists of floats) become blocks; everything else is
    written as JSON.

    Parameters
    ----------
    data : object
        Plain data: dicts with str keys, lists, tuples, str, int, float, bool,
        None, numpy arrays and numpy scalars.

    Returns
    -------
    bytes
        The frame.

    Raises
    ------
    ValueError
        If a number is NaN or Inf.
    TypeError
        If a value is of no plain-data type.
    """
    blocks, offset = [], 0

    def add(array):
        nonlocal offset
        if array.dtype.kind == "f" and not all_finite(array):
            raise InvalidValue(None, "NaN or Inf cannot cross the bridge; numbers must be "
                                      "finite.")
        name = "f8" if array.dtype.kind == "f" else "i8"
        raw = np.ascontiguousarray(array, DTYPES[name]).tobytes()
        marker = {ARRAY: [name, offset, list(array.shape)]}
        blocks.append(raw)
        offset += len(raw)
        return marker

    def walk(value):
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, np.ndarray):
            if value.dtype.kind in "fiu" and 1 <= value.ndim <= 2 and value.size:
                return add(value)
            return walk(value.tolist())
        if isinstance(value, (list, tuple)):
            if _float_rows(value):
                return add(np.array(value, np.float64))
            return [walk(item) for item in value]
        if isinstance(value, np.generic):
            return value.item()
        return value

    header = "".join(_ENCODE(walk(data), 0)).encode()
    padding = _payload_start(len(header)) - _HEAD.size - len(header)
    return b"".join([_HEAD.pack(len(header)), header, bytes(padding), *blocks])
