"""The one output check and atomic writer (``k9tf.files._write``) behind every file k9tf writes.

Issue 22, items 1-3 and 13 (export to a full disk): outputs never replace what
is not a regular file, symbolic links are written through, modes follow the
umask or the old file, a SavedModel directory is replaced only when it holds
nothing but a SavedModel's files, and a failed write leaves the old file.
Every target here is inside ``tmp_path``; ``/dev/null`` is only refused, never opened.
"""

import contextlib
import errno
import os
import socket
import stat

import pytest

import k9tf
from k9tf.cli import main

NET = k9tf.construct_network(2, 3, 2, seed=1)
FILE_FORMATS = {"onnx": "n.onnx", "tflite": "n.tflite", "keras": "n.keras"}
SWEEP = ["sweep", "--fn", "xor", "--seeds", "1", "--epochs", "1", "--samples", "4",
         "--scheduler", "serial"]


def _fifo(directory, name):
    os.mkfifo(directory / name)
    return directory / name


@contextlib.contextmanager
def _socket(directory, name):
    path = directory / name
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(os.fspath(path))
        yield path
    finally:
        server.close()


def _special_files(tmp_path, suffix):
    """Yield (kind, path) of every special target the issue tried, each in ``tmp_path``."""
    yield "a FIFO", _fifo(tmp_path, f"fifo{suffix}")
    with _socket(tmp_path, f"sock{suffix}") as path:
        yield "a socket", path
    link = tmp_path / f"fifo-link{suffix}"
    link.symlink_to(tmp_path / f"fifo{suffix}")
    yield "a FIFO", link


@pytest.mark.parametrize("fmt", list(FILE_FORMATS))
def test_export_refuses_special_files_and_writes_through_links(tmp_path, fmt):
    for kind, path in _special_files(tmp_path, os.path.splitext(FILE_FORMATS[fmt])[1]):
        mode = os.stat(path).st_mode
        with pytest.raises(ValueError, match=f"^path .* is {kind}; give a file name"):
            k9tf.export(NET, path, format=fmt)
        assert os.stat(path).st_mode == mode  # still a FIFO / socket
    real = tmp_path / "real" / FILE_FORMATS[fmt]
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / f"link-{FILE_FORMATS[fmt]}"
    link.symlink_to(real)
    assert k9tf.export(NET, link, format=fmt) == os.fspath(link)
    assert link.is_symlink() and os.readlink(link) == os.fspath(real)
    assert real.read_bytes() != b"old" and len(real.read_bytes()) > 100
    assert not list(tmp_path.rglob(".k9tf-*"))


def test_dev_null_is_refused_before_it_is_opened(monkeypatch):
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, *a, **k: opened.append(path)
                        or real_open(path, *a, **k))
    for fmt in ("onnx", "tflite"):
        with pytest.raises(ValueError, match="^path '/dev/null' is a character device"):
            k9tf.export(NET, "/dev/null", format=fmt)
    with pytest.raises(ValueError, match="^path '/dev/null' is a character device"):
        k9tf.save_network(NET, "/dev/null")
    assert "/dev/null" not in opened and stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("option", ["--csv", "--json", "--plot"])
def test_sweep_outputs_refuse_special_files(tmp_path, capsys, option):
    fifo = _fifo(tmp_path, "out")
    assert main([*SWEEP, option, os.fspath(fifo)]) == 2
    err = capsys.readouterr().err
    assert err == f"k9tf sweep: error: {option} {os.fspath(fifo)!r} is a FIFO; give a file name.\n"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with _socket(tmp_path, "sock") as path:
        assert main([*SWEEP, option, os.fspath(path)]) == 2
        assert "is a socket; give a file name" in capsys.readouterr().err
        assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_sweep_outputs_write_through_links_with_the_old_mode(tmp_path, capsys, umask):
    real = tmp_path / "rows.csv"
    real.write_text("old")
    real.chmod(0o640)
    (tmp_path / "link.csv").symlink_to(real)
    with umask(0o022):
        assert main([*SWEEP, "--csv", os.fspath(tmp_path / "link.csv"),
                     "--json", os.fspath(tmp_path / "rows.json")]) == 0
    capsys.readouterr()
    assert (tmp_path / "link.csv").is_symlink()
    assert real.read_text().startswith("task,") and stat.S_IMODE(real.stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "rows.json").stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "rows.csv", "rows.json"]


@pytest.mark.parametrize("fmt", list(FILE_FORMATS))
def test_exports_follow_the_umask_and_the_old_mode(tmp_path, fmt, umask):
    path = tmp_path / FILE_FORMATS[fmt]
    with umask(0o027):
        k9tf.export(NET, path, format=fmt)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    path.chmod(0o604)
    k9tf.export(NET, path, format=fmt)
    assert stat.S_IMODE(path.stat().st_mode) == 0o604


def test_savedmodel_directory_follows_the_umask_and_the_old_mode(tmp_path, umask):
    path = tmp_path / "sm"
    with umask(0o022):
        k9tf.export(NET, path, format="savedmodel")
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    path.chmod(0o750)
    k9tf.export(NET, path, format="savedmodel")
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert (path / "saved_model.pb").stat().st_size > 100


def test_savedmodel_export_never_deletes_user_files(tmp_path):
    fake = tmp_path / "d"
    (fake / "variables").mkdir(parents=True)
    (fake / "saved_model.pb").write_text("x")
    (fake / "notes.md").write_text("n")
    (fake / "variables" / "mine.txt").write_text("m")
    with pytest.raises(ValueError, match="neither an empty directory nor a SavedModel"):
        k9tf.export(NET, fake, format="savedmodel")
    assert (fake / "notes.md").read_text() == "n"
    assert (fake / "variables" / "mine.txt").read_text() == "m"

    real = tmp_path / "sm"
    k9tf.export(NET, real, format="savedmodel")
    for extra in (real / "README.txt", real / "variables" / "mine.txt",
                  real / "assets" / "vocab.txt"):
        extra.write_text("mine")
        with pytest.raises(ValueError, match="neither an empty directory nor a SavedModel"):
            k9tf.export(NET, real, format="savedmodel")
        assert extra.read_text() == "mine"
        extra.unlink()
    k9tf.export(NET, real, format="savedmodel")  # a SavedModel's own files: replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "sm"]


def test_savedmodel_through_a_link_replaces_the_target(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    k9tf.export(NET, tmp_path / "link", format="savedmodel")
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "saved_model.pb").exists()


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("fmt", list(FILE_FORMATS))
def test_export_to_a_full_disk_names_the_path_and_keeps_the_old_file(tmp_path, monkeypatch,
                                                                     fmt):
    path = tmp_path / FILE_FORMATS[fmt]
    path.write_bytes(b"old export")
    monkeypatch.setattr(os, "fsync", _no_space)
    with pytest.raises(ValueError, match=f"^path '{path}' cannot be written: no space left"):
        k9tf.export(NET, path, format=fmt)
    monkeypatch.undo()
    assert path.read_bytes() == b"old export"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_savedmodel_to_a_full_disk_names_the_path(tmp_path, monkeypatch):
    import tensorflow as tf

    def full(*args, **kwargs):
        raise tf.errors.ResourceExhaustedError(None, None, "No space left on device")

    monkeypatch.setattr(tf.saved_model, "save", full)
    with pytest.raises(ValueError, match=f"^path '{tmp_path / 'sm'}' cannot be written: "
                                         "no space left on device"):
        k9tf.export(NET, tmp_path / "sm", format="savedmodel")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("which", ["sweep", "train"])
def test_plot_on_a_full_disk_keeps_the_old_png_and_names_the_path(tmp_path, monkeypatch, which):
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    path = tmp_path / "plot.png"
    path.write_bytes(b"\x89PNG old")

    def half_then_full(self, file, **kwargs):
        file.write(b"\x89PNG half")
        _no_space()

    monkeypatch.setattr(Figure, "savefig", half_then_full)
    if which == "sweep":
        from k9tf.tools._sweep_plot import plot_sweep
        rows = k9tf.sweep("xor", seeds=range(1), epochs=[1], n_samples=4, scheduler="serial")
        call = lambda: plot_sweep(rows, path, "--plot")  # noqa: E731
    else:
        from k9tf.tools._plot import plot_training
        net, history = k9tf.train(NET, k9tf.sample_logic_fn("xor", 4, seed=1), 0.5, epochs=1)
        call = lambda: plot_training(history, net, path, "--plot")  # noqa: E731
    with pytest.raises(ValueError, match=f"^--plot '{path}' cannot be written: no space left"):
        call()
    assert path.read_bytes() == b"\x89PNG old"
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]
