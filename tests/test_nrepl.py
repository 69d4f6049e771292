"""`make nrepl`: an nREPL server an editor (CIDER, Calva) can evaluate k9tf code in."""

import os
import socket
import subprocess
import sys
import time

import pytest

import k9tf
from jvm import LAUNCHER, command

pytestmark = pytest.mark.jvm


def bencode(value):
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(map(bencode, value)) + b"e"
    return b"d" + b"".join(bencode(k) + bencode(v) for k, v in sorted(value.items())) + b"e"


def bdecode(data, i=0):
    """Return (value, next index) of the bencoded value at data[i]."""
    head = data[i:i + 1]
    if head == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1:end]), end + 1
    if head in (b"l", b"d"):
        items, i = [], i + 1
        while data[i:i + 1] != b"e":
            item, i = bdecode(data, i)
            items.append(item)
        return (items if head == b"l" else dict(zip(items[::2], items[1::2]))), i + 1
    colon = data.index(b":", i)
    end = colon + 1 + int(data[i:colon])
    return data[colon + 1:end].decode(), end


def nrepl_eval(port, code):
    with socket.create_connection(("127.0.0.1", port), timeout=120) as conn:
        conn.sendall(bencode({"op": "eval", "code": code, "id": "1"}))
        buffer, replies = b"", []
        while not any("done" in r.get("status", []) for r in replies):
            buffer += conn.recv(65536)
            while buffer:
                try:
                    reply, used = bdecode(buffer)
                except (ValueError, IndexError):
                    break  # incomplete message
                replies.append(reply)
                buffer = buffer[used:]
        return replies


def wait_for_port(port_file, server, timeout=120):
    """Return the port in ``port_file`` once the server there accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        text = port_file.read_text().strip() if port_file.exists() else ""
        if text.isdigit():  # the file is whole
            try:
                socket.create_connection(("127.0.0.1", int(text)), timeout=5).close()
                return int(text)
            except OSError:
                pass  # not listening yet
        time.sleep(0.05)
    raise AssertionError(f"nREPL accepted no connection (server status {server.poll()})")


def test_nrepl_server_evaluates_k9tf(tmp_path):
    command("jna", [])  # skips when Clojure is missing
    env = dict(os.environ, K9TF_PYTHON=sys.executable)
    server = subprocess.Popen([sys.executable, LAUNCHER, "-A:repl", "--bind", "127.0.0.1"],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        port = wait_for_port(tmp_path / ".nrepl-port", server)
        replies = nrepl_eval(port,
                             "(require '[k9tf.core :as k9])"
                             "(k9/ff [1 0] (k9/construct-network 2 3 2 {:seed 1}))")
        values = [r["value"] for r in replies if "value" in r]
        expected = k9tf.ff([1, 0], k9tf.construct_network(2, 3, 2, seed=1))
        assert [float(v) for v in values[-1].strip("[]").split()] == expected
    finally:
        server.terminate()
        server.wait(timeout=30)
