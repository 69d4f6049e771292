import struct
import threading

import numpy as np
import pytest

import k9tf
from k9tf.jvm import _bridge, _codec


def call(fn, *args, id=None, **kwargs):
    request = {"fn": fn, "args": args, "kwargs": kwargs}
    if id is not None:
        request["id"] = id
    return _codec.unpack(_bridge.call(_codec.pack(request)))


def raw(header):
    """Return a frame holding the JSON text ``header`` as it is."""
    data = header.encode()
    return struct.pack("<I", len(data)) + data + bytes(-(4 + len(data)) % 8)


def plain(value):
    """Return ``value`` with the codec's numpy blocks as lists, to compare with direct calls."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.tolist() if isinstance(value, np.ndarray) else value


def test_bridge_results_equal_direct_calls():
    net = plain(call("construct_network", 2, 3, 2, seed=4)["ok"])
    assert net == k9tf.construct_network(2, 3, 2, seed=4)
    samples = call("sample_logic", "nand", 50, seed=1)["ok"]
    x, y = k9tf.sample_logic_fn("nand", 50, seed=1)
    assert plain(samples) == {"inputs": x.tolist(), "labels": y.tolist()}
    trained = plain(call("train_epochs", 3, net, samples, 0.5)["ok"])
    assert trained == k9tf.train_epochs(3, net, (x, y), 0.5)
    assert plain(call("ff", [1, 1], trained)["ok"]) == k9tf.ff([1, 1], trained)
    both = call("train", net, samples, 0.5, epochs=2, report_every=50)["ok"]
    assert set(both) == {"network", "history"} and both["history"]["step"][0] == 0


def test_codec_round_trips_plain_data_bit_exactly():
    data = {"f": [0.1, -0.0, 5e-324, 1.7976931348623157e308], "rows": [[1.5, 2.0], [3.0, 4.0]],
            "ints": [2, 3, 2], "mixed": [1, 2.5, "a", None, True], "empty": [],
            "array": np.arange(6, dtype=np.float32).reshape(2, 3) / 7, "n": np.int64(3)}
    back = _codec.unpack(_codec.pack(data))
    assert back["f"].tolist() == data["f"] and back["rows"].tolist() == data["rows"]
    assert back["ints"] == [2, 3, 2] and back["mixed"] == [1, 2.5, "a", None, True]
    assert back["array"].dtype == np.float64
    assert back["array"].tolist() == data["array"].astype(np.float64).tolist()
    assert back["n"] == 3 and back["empty"] == []
    with pytest.raises(ValueError, match="finite"):
        _codec.pack({"x": [1.0, float("nan")]})
    with pytest.raises(ValueError):
        _codec.pack({"x": float("inf")})


def test_bad_frames_are_refused_clearly():
    for frame in [b"", b"\xff\xff\xff\x7f{}", _codec.pack({"a": [1.5, 2.5]})[:-1], raw("[")]:
        with pytest.raises(ValueError):
            _codec.unpack(frame)
    forged = _codec.pack({"x": [1.5, 2.5]}).replace(b'"f8",0', b'"f8",8')
    with pytest.raises(ValueError, match="packed block"):
        _codec.unpack(forged)


def test_bridge_errors_are_data():
    error = call("ff", [1, 2, 3], k9tf.construct_network(2, 3, 2, seed=1))["error"]
    assert error["type"] == "ValueError" and "the network takes 2" in error["message"]
    assert "Traceback" in error["traceback"]
    assert call("os.system", "true")["error"]["type"] == "ValueError"
    assert call("construct_network", 2, 2, bogus=1)["error"]["type"] == "TypeError"
    nan_input = raw('{"fn": "ff", "args": [[NaN, 1]], "kwargs": {}}')
    assert "finite" in _codec.unpack(_bridge.call(nan_input))["error"]["message"]
    assert _codec.unpack(_bridge.call(b"{not a frame"))["error"]["type"] == "ValueError"


def test_bridge_errors_name_the_argument():
    net = k9tf.construct_network(2, 3, 2, seed=1)
    assert call("ff", [1, 2, 3], net)["error"]["arg"] == "input"
    assert call("train_epochs", -1, net, [[[0, 1], [1, 0]]], 0.5)["error"]["arg"] == "epochs"
    assert call("train_data", net, [[[0, 1], [1, 0]]], 0)["error"]["arg"] == "learning_rate"
    assert call("train_data", {"sizes": 1}, [], 0.5)["error"]["arg"] == "network"


def test_interrupt_cancels_a_running_call():
    x, y = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=1)
    net = k9tf.construct_network(2, 16, 2, seed=1)
    started = threading.Event()
    replies = []

    def train():
        started.set()
        replies.append(call("train_epochs", 2 * 10**5, net, {"inputs": x, "labels": y}, 0.1, id=7))

    worker = threading.Thread(target=train)
    worker.start()
    started.wait()
    while call("interrupt", 7) != {"ok": True}:  # until the call has registered its id
        pass
    worker.join(timeout=60)
    assert not worker.is_alive() and replies[0]["error"]["type"] == "KeyboardInterrupt"
    assert call("interrupt", 7) == {"ok": False}
    assert "ok" in call("ff", [1, 0], net)
