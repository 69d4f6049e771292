import contextlib
import copy
import fcntl
import json
import os
import pathlib
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

import numpy as np
import pytest

import k9tf
from k9tf.files._write import STALE_SECONDS


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
        import sys, k9tf, k9tf.files._io as io
        def slow_write(file):
            file.write(b'{{"version": 1, "siz')
            file.flush()
            print("writing", flush=True)
            sys.stdin.read()  # wait here until killed
        write_atomic = io.write_atomic
        io.write_atomic = lambda path, write: write_atomic(path, slow_write)
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
    [left] = tmp_path.glob(".k9tf-*.tmp")  # kill -9 leaves the temp file ...
    os.utime(left, (time.time() - STALE_SECONDS - 1,) * 2)
    k9tf.save_network(old, path)
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]  # ... which a later save removes


# Issue 11, reproductions 4 (load reads anything), 7 (saving) and 8 (OS errors leak).

NET = k9tf.construct_network(2, 3, 2, seed=1)


@contextlib.contextmanager
def _unprivileged():
    """Run the block without root's power to ignore file permissions (as 'nobody' if root)."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture
def shared_dir():
    """A directory others may enter (pytest's tmp_path is root-only when tests run as root)."""
    path = tempfile.mkdtemp()
    os.chmod(path, 0o755)
    yield pathlib.Path(path)
    shutil.rmtree(path)


def _loop(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    return tmp_path / "a"


def _fifo(tmp_path):  # a special file that a wrong save would replace harmlessly (not /dev/null)
    os.mkfifo(tmp_path / "fifo")
    return tmp_path / "fifo"


def _file_as_dir(tmp_path):
    (tmp_path / "file.json").write_text("{}")
    return tmp_path / "file.json" / "x.json"


@pytest.mark.parametrize("path, match", [
    (lambda tmp: tmp, "is a directory; give a file name"),
    (lambda tmp: f"{tmp}/adir/", "names a directory"),
    (lambda tmp: f"{tmp}/no/x.json", "is in a directory that does not exist"),
    (lambda tmp: "", "^path must not be empty"),
    (lambda tmp: f"{tmp}/a\0b.json", "^path must not contain a NUL character"),
    (_loop, "a loop of symbolic links"),
    (lambda tmp: tmp / ("n" * 300 + ".json"), "the name is too long"),
    (_file_as_dir, "not a directory"),
    (_fifo, "is a FIFO; give a file name"),
])
def test_save_os_errors_name_the_path(tmp_path, path, match):
    with pytest.raises(ValueError, match=match) as error:
        k9tf.save_network(NET, path(tmp_path))
    assert str(error.value).startswith("path") and "\n" not in str(error.value)
    assert not list(tmp_path.glob(".k9tf-*"))


def test_save_to_tmp_writes_nothing_in_root():
    before = set(os.listdir("/"))
    with pytest.raises(ValueError, match="^path '/tmp' is a directory"):
        k9tf.save_network(NET, "/tmp")
    assert set(os.listdir("/")) == before


@pytest.mark.parametrize("path, match", [
    (lambda tmp: tmp, "is a directory, not a network file"),
    (lambda tmp: "", "^path must not be empty"),
    (lambda tmp: f"{tmp}/a\0b.json", "NUL"),
    (_loop, "a loop of symbolic links"),
    (lambda tmp: tmp / ("n" * 300 + ".json"), "the name is too long"),
    (_file_as_dir, "not a directory"),
    (lambda tmp: "/dev/zero", "is a character device, not a network file"),
])
def test_load_os_errors_name_the_path(tmp_path, path, match):
    with pytest.raises(ValueError, match=match) as error:
        k9tf.load_network(path(tmp_path))
    assert str(error.value).startswith("path") and "\n" not in str(error.value)


def test_permissions_name_the_path(shared_dir):
    locked = shared_dir / "locked"
    locked.mkdir(mode=0o555)
    secret = shared_dir / "secret.json"
    k9tf.save_network(NET, secret)
    secret.chmod(0o000)
    with _unprivileged():
        with pytest.raises(ValueError, match=r"^path '.*locked/x.json' cannot be written: "
                                             "permission denied"):
            k9tf.save_network(NET, locked / "x.json")
        with pytest.raises(ValueError, match=r"^path '.*secret.json' cannot be read: "
                                             "permission denied"):
            k9tf.load_network(secret)


def test_load_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "net.json"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: open(fifo, "w").close())  # noqa: SIM115
    writer.start()  # lets an old, blocking open() return, so that a failure cannot hang
    try:
        with pytest.raises(ValueError, match="^path '.*' is a FIFO, not a network file"):
            k9tf.load_network(fifo)
    finally:
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # held until the writer is through
        writer.join()
        os.close(reader)


def test_load_refuses_a_huge_file_before_reading(tmp_path):
    path = tmp_path / "sparse.json"
    with open(path, "wb") as file:
        file.truncate(2 * 2**30)  # sparse: 2 GB that takes no disk
    with pytest.raises(ValueError, match=r"holds more than 268,435,456 bytes"):
        k9tf.load_network(path)


def test_load_refuses_weights_beyond_float32(tmp_path):
    path = tmp_path / "net.json"
    k9tf.save_network(NET, path)
    path.write_text(path.read_text().replace("0.02589988149702549", "1e39"))
    with pytest.raises(ValueError, match=r"holds an invalid network: network layer 0 "
                                         r"weights\[0\]\[0\] must be within float32's range"):
        k9tf.load_network(path)


def test_new_files_honour_the_umask(tmp_path, umask):
    with umask(0o022):
        k9tf.save_network(NET, tmp_path / "a.json")
    with umask(0o077):
        k9tf.save_network(NET, tmp_path / "b.json")
    assert stat.S_IMODE(os.stat(tmp_path / "a.json").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "b.json").st_mode) == 0o600


def test_existing_files_keep_their_mode(tmp_path, umask):
    path = tmp_path / "net.json"
    path.write_text("old")
    path.chmod(0o640)
    with umask(0o077):
        k9tf.save_network(NET, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640 and k9tf.load_network(path) == NET


def test_save_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    link = tmp_path / "links" / "net.json"
    link.symlink_to(tmp_path / "real" / "net.json")
    k9tf.save_network(NET, link)
    assert link.is_symlink() and k9tf.load_network(tmp_path / "real" / "net.json") == NET
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["links", "net.json", "net.json",
                                                             "real"]


def test_save_accepts_what_ff_accepts(tmp_path):
    numpy_net = copy.deepcopy(NET)
    numpy_net["seed"] = np.int64(1)
    numpy_net["sizes"] = np.array([2, 3, 2])
    numpy_net["layers"][0]["weights"] = np.array(NET["layers"][0]["weights"], np.float32)
    numpy_net["layers"][1]["weights"] = [[np.float32(w) for w in row]
                                         for row in NET["layers"][1]["weights"]]
    numpy_net["layers"][1]["biases"] = np.zeros(2)
    assert k9tf.ff([1, 0], numpy_net) == k9tf.ff([1, 0], NET)
    loaded = k9tf.load_network(k9tf.save_network(numpy_net, tmp_path / "net.json"))
    assert loaded == NET and type(loaded["seed"]) is int


def _temp(directory, name, age):
    path = directory / name
    path.write_text("partial")
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_stale_temp_files_are_removed_but_live_ones_kept(tmp_path):
    stale = _temp(tmp_path, ".k9tf-0123456789abcdef.tmp", STALE_SECONDS + 60)
    old_style = _temp(tmp_path, ".k9tf-x1y2_z3a.tmp", STALE_SECONDS + 60)  # mkstemp's names
    fresh = _temp(tmp_path, ".k9tf-fedcba9876543210.tmp", 0)
    held = _temp(tmp_path, ".k9tf-00000000000000aa.tmp", STALE_SECONDS + 60)
    other = _temp(tmp_path, ".k9tf-notes.txt", STALE_SECONDS + 60)
    with open(held) as writer:
        fcntl.flock(writer, fcntl.LOCK_EX)  # as a live (if slow) writer holds its temp file
        k9tf.save_network(NET, tmp_path / "net.json")
        assert held.exists()
    assert not stale.exists() and not old_style.exists()
    assert fresh.exists() and other.exists()
