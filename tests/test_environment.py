"""Commands started with closed standard streams or an unusable HOME (``k9tf.cli._environment``).

Issue 22, items 9, 10 and 15: ``k9tf repl <&-`` and ``bin/k9tf-clj <&-`` exit
with one line; ``2>&-`` never costs a saved file; ``HOME=/nonexistent``
gets no cache directories. Every command runs in ``tmp_path``.
"""

import importlib.util
import os
import subprocess
import sys
import tempfile

import pytest

import k9tf
from k9tf.cli import _environment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHONPATH = os.path.dirname(os.path.dirname(os.path.abspath(k9tf.__file__)))


def shell(script, cwd, **env):
    """Run ``script`` in bash (so it can close descriptors: ``2>&-``); return the result."""
    return subprocess.run(["bash", "-c", script, "bash", sys.executable], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": PYTHONPATH, **env})


@pytest.mark.parametrize("args, reads", [
    ([], True), (["-r"], True), (["--repl"], True), (["-"], True), (["-e", "(+ 1 2)", "-r"], True),
    (["-e", "(+ 1 2)"], False), (["-m", "k9tf.test-runner"], False), (["script.clj"], False),
    (["-i", "init.clj", "-m", "x"], False)])
def test_reads_stdin(args, reads):
    assert _environment.reads_stdin(args) is reads


def test_homeless_caches_go_to_a_temporary_directory(tmp_path):
    environ = {"HOME": os.fspath(tmp_path / "nonexistent"), "KERAS_HOME": "/mine"}
    assert _environment.redirect_homeless_caches(environ) == ["MPLCONFIGDIR"]
    assert environ["KERAS_HOME"] == "/mine"  # the user's choice stays
    assert environ["MPLCONFIGDIR"].startswith(os.path.join(tempfile.gettempdir(), "k9tf-home-"))
    home = {"HOME": os.fspath(tmp_path)}
    assert _environment.redirect_homeless_caches(home) == [] and home == {
        "HOME": os.fspath(tmp_path)}


def test_repl_with_stdin_closed_exits_with_one_line(tmp_path):
    done = shell('exec "$1" -m k9tf repl <&-', tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("k9tf repl: error: standard input is closed")
    assert done.stdout == "" and os.listdir(tmp_path) == []


def test_k9tf_clj_with_stdin_closed_exits_with_one_line(tmp_path):
    done = shell(f'exec "$1" {ROOT}/bin/k9tf-clj <&-', tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("k9tf-clj: error: standard input is closed")


def test_train_with_stderr_closed_still_saves(tmp_path):
    done = shell('exec "$1" -m k9tf train --fn xor --epochs 2 --samples 20 --seed 1 '
                 '--save x.json 2>&-', tmp_path)
    assert done.returncode == 0, done.stdout
    assert "saved x.json" in done.stdout
    assert k9tf.load_network(tmp_path / "x.json")["sizes"] == [2, 3, 2]


def test_sweep_with_stderr_closed_still_writes(tmp_path):
    done = shell('exec "$1" -m k9tf sweep --fn xor --seeds 1 --epochs 1 --samples 4 '
                 '--scheduler serial --csv rows.csv 2>&-', tmp_path)
    assert done.returncode == 0, done.stdout
    assert (tmp_path / "rows.csv").read_text().startswith("task,")


def test_an_unusable_home_gets_no_cache_directories(tmp_path):
    if importlib.util.find_spec("matplotlib") is None:
        pytest.skip("matplotlib is not installed")
    home = tmp_path / "nonexistent"
    done = shell('exec "$1" -m k9tf train --fn xor --epochs 1 --samples 10 --plot x.png',
                 tmp_path, HOME=os.fspath(home), MPLCONFIGDIR="", KERAS_HOME="")
    assert done.returncode == 0, done.stderr
    assert not home.exists()
    assert sorted(os.listdir(tmp_path)) == ["x.png"]
