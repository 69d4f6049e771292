"""The bridge's frame codec (``k9tf.jvm._codec``): malformed blocks and headers are refused.

Issue 22, item 11: every block marker is checked before a number is computed
from it, so a frame can neither read outside its payload nor raise anything
but ValueError.
"""

import json
import struct

import numpy as np
import pytest

import k9tf
from k9tf.jvm import _bridge, _codec


def frame(header, payload=b""):
    """Return a frame with JSON ``header`` (any object) and raw ``payload``."""
    data = json.dumps(header).encode()
    return struct.pack("<I", len(data)) + data + bytes(-(4 + len(data)) % 8) + payload


ROWS = np.arange(8, dtype="<f8").tobytes()  # 64 bytes: four rows of two


@pytest.mark.parametrize("spec, match", [
    (["f8", 0, [-1, 2]], "shape must be 1 or 2 ints >= 0"),
    (["f8", 0, [2, -2]], "shape must be 1 or 2 ints >= 0"),
    (["f8", -8, [2]], "offset must be an int >= 0"),
    (["f8", 4, [2]], "multiple of 8"),
    (["f8", True, [2]], "offset must be an int"),
    (["f8", 0, [True, 2]], "shape must be"),
    (["f8", 0, []], "shape must be 1 or 2"),
    (["f8", 0, [1, 1, 2]], "shape must be 1 or 2"),
    (["f8", 0, [1] * 40], "shape must be 1 or 2"),
    (["f8", 2**63, [1]], "runs past the payload"),
    (["f8", 0, [2**63, 2**63]], "runs past the payload"),
    (["f8", 0, [2.0]], "shape must be"),
    (["f8", 0, [9]], "runs past the payload"),
    (["u8", 0, [2]], "dtype 'f8' or 'i8'"),
    (["f8", 0], "must be \\[dtype, offset, shape\\]"),
    ("f8", "must be \\[dtype, offset, shape\\]"),
])
def test_malformed_blocks_are_refused(spec, match):
    with pytest.raises(ValueError, match=f"bad packed block .*{match}"):
        _codec.unpack(frame({"x": {_codec.ARRAY: spec}}, ROWS))


def test_a_good_block_reads_its_rows():
    assert _codec.unpack(frame({"x": {_codec.ARRAY: ["f8", 16, [3, 2]]}}, ROWS))[
        "x"].tolist() == [[2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]


def test_negative_shape_ff_is_refused_through_the_bridge():
    net = k9tf.construct_network(2, 3, 2, seed=1)
    request = _codec.pack({"fn": "ff", "args": [None, net], "kwargs": {}})
    (size,) = struct.unpack_from("<I", request)
    header = json.loads(request[4:4 + size])
    header["args"][0] = {_codec.ARRAY: ["f8", 0, [-1, 2]]}
    reply = _codec.unpack(_bridge.call(frame(header, request[-(-(4 + size) // 8) * 8:])))
    assert reply["error"]["type"] == "ValueError" and "shape" in reply["error"]["message"]


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_blocks_holding_nan_or_inf_are_refused(value):
    payload = np.array([1.0, value], "<f8").tobytes()
    with pytest.raises(ValueError, match="NaN or Inf"):
        _codec.unpack(frame({"x": {_codec.ARRAY: ["f8", 0, [2]]}}, payload))
    ints = np.array([1, -1], "<i8").tobytes()  # int blocks have no NaN to refuse
    assert _codec.unpack(frame({"x": {_codec.ARRAY: ["i8", 0, [2]]}}, ints))["x"].tolist() == [
        1, -1]


def test_deep_json_is_a_value_error():
    header = ("[" * 100_000 + "]" * 100_000).encode()
    deep = struct.pack("<I", len(header)) + header + bytes(-(4 + len(header)) % 8)
    with pytest.raises(ValueError, match="nested too deeply"):
        _codec.unpack(deep)
    assert _codec.unpack(_bridge.call(deep))["error"]["type"] == "ValueError"


def test_headers_are_read_as_json_reads_them():
    # unpack scans the header in one C call and leaves anything unusual to json's own reader
    def raw(header):
        data = header.encode()
        return struct.pack("<I", len(data)) + data + bytes(-(4 + len(data)) % 8)

    assert _codec.unpack(raw(" [1, 2.5] ")) == [1, 2.5]
    assert _codec.unpack(frame({"x": [1, {"y": None}]})) == {"x": [1, {"y": None}]}
    for bad in ["[1] 2", "", "[1,", "NaN", "[Infinity]"]:
        with pytest.raises(ValueError):
            _codec.unpack(raw(bad))


def test_pack_writes_compact_ascii_json_and_refuses_what_json_cannot_write():
    data = {"s": "é\"\\", "n": [1, 2], "f": 0.1, "b": True, "z": None}
    (size,) = struct.unpack_from("<I", _codec.pack(data))
    assert _codec.pack(data)[4:4 + size] == json.dumps(data, separators=(",", ":")).encode()
    with pytest.raises(ValueError):
        _codec.pack({"x": float("nan")})
    with pytest.raises(TypeError):
        _codec.pack({"x": object()})
