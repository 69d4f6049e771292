import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import k9tf


def test_round_trip(tmp_path):
    net = k9tf.construct_network(2, 4, 2, seed=3)
    path = tmp_path / "net.json"
    assert k9tf.save_network(net, path) == str(path)
    loaded = k9tf.load_network(path)
    assert loaded == net and k9tf.ff([1, 0], loaded) == k9tf.ff([1, 0], net)
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]  # no temp file left


def test_save_rejects_bad_network_and_missing_directory(tmp_path):
    with pytest.raises(TypeError, match="network"):
        k9tf.save_network("net", tmp_path / "a.json")
    with pytest.raises(ValueError, match="does not exist"):
        k9tf.save_network(k9tf.construct_network(2, 2, seed=1), tmp_path / "no" / "a.json")
    with pytest.raises(TypeError, match="path"):
        k9tf.save_network(k9tf.construct_network(2, 2, seed=1), 3)


@pytest.mark.parametrize("text, match", [
    ('{"version": 1, "sizes": [2', "not a JSON network file"),
    ("not json", "not a JSON network file"),
    ("[" * 100000 + "]" * 100000, "nested too deeply|not a JSON"),
    ('{"version": 1}', "invalid network"),
    ('[1, 2, 3]', "invalid network"),
    ('{"a": NaN}', "not a JSON network file"),
])
def test_load_rejects_bad_files(tmp_path, text, match):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        k9tf.load_network(path)


def test_load_missing_file(tmp_path):
    with pytest.raises(ValueError, match="no such network file"):
        k9tf.load_network(tmp_path / "missing.json")


def test_load_binary_file(tmp_path):
    path = tmp_path / "bin.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match="not a JSON network file"):
        k9tf.load_network(path)


def test_killed_mid_save_leaves_old_file_intact(tmp_path):
    path = tmp_path / "net.json"
    old = k9tf.construct_network(2, 3, 2, seed=1)
    k9tf.save_network(old, path)
    script = textwrap.dedent(f"""
        import json, os, sys, k9tf, k9tf._io as io
        def slow_dump(obj, file, **kw):
            file.write('{{"version": 1, "siz')
            file.flush()
            print("writing", flush=True)
            sys.stdin.read()  # wait here until killed
        io.json.dump = slow_dump
        net = k9tf.construct_network(2, 300, 2, seed=2)
        k9tf.save_network(net, {str(path)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert k9tf.load_network(path) == old
    assert json.loads(path.read_text())["seed"] == 1
