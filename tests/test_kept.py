"""Networks the JVM side sends once: kept by ref, re-sent when forgotten, never stale."""

import ctypes

import numpy as np

import k9tf
from k9tf.jvm import _kept, call
from k9tf.jvm._codec import pack, unpack
from k9tf.jvm._native import entry_points

NET = k9tf.construct_network(2, 3, 2, seed=1)
X = [0.25, 0.75]


def request(fn, *args, **extra):
    return unpack(call(pack({"fn": fn, "args": list(args), "kwargs": {}, **extra})))


def sent(network):
    """Return ``network`` as the JVM side sends it: layers as float64 blocks."""
    return {**network, "sizes": list(network["sizes"]),
            "layers": [{k: np.array(v, np.float64) for k, v in layer.items()}
                       for layer in network["layers"]]}


def test_a_network_sent_once_is_named_by_ref_later():
    direct = k9tf.ff(X, NET)
    first = request("ff", X, {_kept.MARK: 101, "value": sent(NET)})
    assert first["ok"].tolist() == direct
    for _ in range(3):
        assert request("ff", X, {_kept.MARK: 101})["ok"].tolist() == direct
    other = k9tf.construct_network(2, 3, 2, seed=2)
    request("ff", X, {_kept.MARK: 102, "value": sent(other)})
    assert request("ff", X, {_kept.MARK: 102})["ok"].tolist() == k9tf.ff(X, other)
    assert request("ff", X, {_kept.MARK: 101})["ok"].tolist() == direct


def test_a_forgotten_ref_asks_for_the_network_again():
    request("ff", X, {_kept.MARK: 201, "value": sent(NET)})
    assert request("forget_networks")["ok"] >= 1
    assert request("ff", X, {_kept.MARK: 201}) == {"missing": 201}
    assert request("ff", X, {_kept.MARK: 999_999}) == {"missing": 999_999}
    assert request("ff", X, {_kept.MARK: 201, "value": sent(NET)})["ok"].tolist() == k9tf.ff(X, NET)


def test_a_malformed_network_is_refused_and_not_kept():
    bad = sent(NET)
    bad["layers"][0]["weights"] = bad["layers"][0]["weights"][:1]
    error = request("ff", X, {_kept.MARK: 301, "value": bad})["error"]
    assert error["type"] == "ValueError" and error["arg"] == "network"
    assert request("ff", X, {_kept.MARK: 301}) == {"missing": 301}


def test_returned_networks_are_kept_and_cross_as_blocks():
    reply = request("train_epochs", 1, {_kept.MARK: 401, "value": sent(NET)}, [[X, [0, 1]]], 0.5,
                    keep=402)
    assert reply["kept"] is True
    trained = k9tf.train_epochs(1, NET, [[X, [0, 1]]], 0.5)
    layers = reply["ok"]["layers"]
    assert all(type(v) is np.ndarray for layer in layers for v in layer.values())
    assert [{k: v.tolist() for k, v in layer.items()} for layer in layers] == trained["layers"]
    assert request("ff", X, {_kept.MARK: 402})["ok"].tolist() == k9tf.ff(X, trained)
    history = request("train", {_kept.MARK: 402}, [[X, [0, 1]]], 0.5, keep=403)
    assert history["kept"] is True and "history" in history["ok"]
    made = request("construct_network", [2, 3, 2], keep=404)
    assert made["kept"] is True
    assert request("ff", X, {_kept.MARK: 404})["ok"].tolist() == k9tf.ff(
        X, {**made["ok"], "layers": [{k: v.tolist() for k, v in layer.items()}
                                     for layer in made["ok"]["layers"]]})


def test_kept_networks_are_bounded(monkeypatch):
    monkeypatch.setattr(_kept, "MAX_NETWORKS", 2)
    for ref in (501, 502, 503):
        request("ff", X, {_kept.MARK: ref, "value": sent(NET)})
    assert request("ff", X, {_kept.MARK: 501}) == {"missing": 501}
    assert "ok" in request("ff", X, {_kept.MARK: 503})
    monkeypatch.setattr(_kept, "MAX_PARAMETERS", 20)  # 17 parameters each: only the last stays
    request("ff", X, {_kept.MARK: 504, "value": sent(NET)})
    assert request("ff", X, {_kept.MARK: 503}) == {"missing": 503}
    assert "ok" in request("ff", X, {_kept.MARK: 504})


def test_the_native_entry_point_runs_a_request_like_call():
    call_at, fetch_reply = entry_points()
    run = ctypes.CFUNCTYPE(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_void_p,
                           ctypes.c_ssize_t)(call_at)
    fetch = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(fetch_reply)
    frame = pack({"fn": "ff", "args": [X, sent(NET)], "kwargs": {}})
    source = ctypes.create_string_buffer(frame, len(frame))
    reply = ctypes.create_string_buffer(4096)
    size = run(ctypes.addressof(source), len(frame), ctypes.addressof(reply), 4096)
    assert unpack(reply.raw[:size])["ok"].tolist() == k9tf.ff(X, NET)
    small = ctypes.create_string_buffer(8)  # too small: the reply waits for fetch_reply
    size = run(ctypes.addressof(source), len(frame), ctypes.addressof(small), 8)
    big = ctypes.create_string_buffer(size)
    fetch(ctypes.addressof(small), ctypes.addressof(big))
    assert unpack(big.raw)["ok"].tolist() == k9tf.ff(X, NET)


def _native_request(frame):
    """Run ``frame`` through the native entry point from a buffer, then wipe that buffer."""
    call_at, fetch_reply = entry_points()
    run = ctypes.CFUNCTYPE(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_void_p,
                           ctypes.c_ssize_t)(call_at)
    fetch = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(fetch_reply)
    source = ctypes.create_string_buffer(frame, len(frame))
    reply = ctypes.create_string_buffer(1 << 16)
    size = run(ctypes.addressof(source), len(frame), ctypes.addressof(reply), 1 << 16)
    ctypes.memset(source, 0xFF, len(frame))  # the JVM reuses its request buffer at once
    if size > 1 << 16:
        reply = ctypes.create_string_buffer(size)
        fetch(ctypes.addressof(reply), ctypes.addressof(reply))
    return unpack(reply.raw[:size])


def test_requests_read_in_place_leave_nothing_over_their_memory():
    x, y = k9tf.sample_logic_fn(k9tf.nand, 64, seed=3)
    samples = {"inputs": x.astype(np.float64), "labels": y.astype(np.float64)}
    trained = _native_request(pack({"fn": "train", "args": [
        {_kept.MARK: 701, "value": sent(NET)}, samples, 0.5], "kwargs": {"batch_size": 8},
        "keep": 702}))
    assert trained["kept"] and "ok" in trained
    expected = k9tf.ff(X, k9tf.train(NET, (x, y), 0.5, batch_size=8)[0])
    for ref, want in ((702, expected), (701, k9tf.ff(X, NET))):
        got = _native_request(pack({"fn": "ff", "args": [X, {_kept.MARK: ref}], "kwargs": {}}))
        assert got["ok"].tolist() == want  # kept networks are copies, not views of a request
    failed = _native_request(pack({"fn": "ff", "args": [[1.0, 2.0, 3.0], sent(NET)], "kwargs": {}}))
    assert failed["error"]["type"] == "ValueError"


def test_an_array_outliving_its_request_is_reported_not_left_over_reused_memory(monkeypatch):
    from k9tf.jvm import _bridge

    leaked = []
    monkeypatch.setitem(_bridge.FUNCTIONS, "ff", lambda input, network: leaked.append(input))
    reply = _native_request(pack({"fn": "ff", "args": [np.array(X), sent(NET)], "kwargs": {}}))
    assert reply["error"]["type"] == "RuntimeError"
    assert "kept an array over a request's memory" in reply["error"]["message"]


def test_a_request_in_any_buffer_is_read_in_place_and_checked(monkeypatch):
    # JPype hands Python a direct ByteBuffer; any object with the buffer protocol goes the same way
    from k9tf.jvm import _bridge

    owner = bytearray(pack({"fn": "ff", "args": [np.array(X), sent(NET)], "kwargs": {}}))
    assert unpack(_bridge.call_in_place(owner))["ok"].tolist() == k9tf.ff(X, NET)
    leaked = []
    monkeypatch.setitem(_bridge.FUNCTIONS, "ff", lambda input, network: leaked.append(input))
    reply = unpack(_bridge.call_in_place(owner))
    assert "kept an array over a request's memory" in reply["error"]["message"]
    assert leaked[0].base is not None  # the array it kept is over the request's memory
