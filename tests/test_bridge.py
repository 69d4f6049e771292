import json

import k9tf
from k9tf.jvm import _bridge


def call(fn, *args, **kwargs):
    return json.loads(_bridge.call(json.dumps({"fn": fn, "args": args, "kwargs": kwargs})))


def test_bridge_results_equal_direct_calls():
    net = call("construct_network", 2, 3, 2, seed=4)["ok"]
    assert net == k9tf.construct_network(2, 3, 2, seed=4)
    samples = call("sample_logic", "nand", 50, seed=1)["ok"]
    x, y = k9tf.sample_logic_fn("nand", 50, seed=1)
    assert samples == {"inputs": x.tolist(), "labels": y.tolist()}
    trained = call("train_epochs", 3, net, samples, 0.5)["ok"]
    assert trained == k9tf.train_epochs(3, net, (x, y), 0.5)
    assert call("ff", [1, 1], trained)["ok"] == k9tf.ff([1, 1], trained)
    both = call("train", net, samples, 0.5, epochs=2, report_every=50)["ok"]
    assert set(both) == {"network", "history"} and both["history"]["step"][0] == 0


def test_bridge_errors_are_data():
    error = call("ff", [1, 2, 3], k9tf.construct_network(2, 3, 2, seed=1))["error"]
    assert error["type"] == "ValueError" and "the network takes 2" in error["message"]
    assert "Traceback" in error["traceback"]
    assert call("os.system", "true")["error"]["type"] == "ValueError"
    assert call("construct_network", 2, 2, bogus=1)["error"]["type"] == "TypeError"
    reply = json.loads(_bridge.call('{"fn": "ff", "args": [[NaN, 1]], "kwargs": {}}'))
    assert "finite" in reply["error"]["message"]
    assert json.loads(_bridge.call("{not json"))["error"]["type"] == "JSONDecodeError"


def test_bridge_errors_name_the_argument():
    net = k9tf.construct_network(2, 3, 2, seed=1)
    assert call("ff", [1, 2, 3], net)["error"]["arg"] == "input"
    assert call("train_epochs", -1, net, [[[0, 1], [1, 0]]], 0.5)["error"]["arg"] == "epochs"
    assert call("train_data", net, [[[0, 1], [1, 0]]], 0)["error"]["arg"] == "learning_rate"
    assert call("train_data", {"sizes": 1}, [], 0.5)["error"]["arg"] == "network"


def test_interrupt_cancels_a_running_call():
    import threading
    import time

    x, y = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=1)
    net = k9tf.construct_network(2, 16, 2, seed=1)
    request = json.dumps({"fn": "train_epochs", "args": [10**6, net, {
        "inputs": x.tolist(), "labels": y.tolist()}, 0.1], "kwargs": {}, "id": 7})
    replies = []
    worker = threading.Thread(target=lambda: replies.append(json.loads(_bridge.call(request))))
    worker.start()
    time.sleep(1.0)
    assert call("interrupt", 7) == {"ok": True}
    worker.join(timeout=20)
    assert not worker.is_alive() and replies[0]["error"]["type"] == "KeyboardInterrupt"
    assert call("interrupt", 7) == {"ok": False}
    assert "ok" in call("ff", [1, 0], net)
