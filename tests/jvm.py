"""Running Clojure from the tests: the embedded (plain JVM) and JPype-hosted modes."""

import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "bin", "k9tf-clj")

MODES = ["jna", "jpype", "libpython-clj"]
"""How a test can reach the core from Clojure: plain JVM embedding CPython, a
JVM hosted by this Python, and a plain JVM with libpython-clj."""


def command(mode, args, aliases=("test",)):
    """Return the command line running clojure.main ``args`` in ``mode``, or skip."""
    if not os.path.exists("/usr/share/java/clojure.jar") and shutil.which("clojure") is None:
        if os.environ.get("K9TF_REQUIRE_CLOJURE"):
            pytest.fail("Clojure jars are missing: run `make setup`.")
        pytest.skip("Clojure is not installed (run `make setup`).")
    flag = ["-A:" + ":".join(aliases)] if aliases else []
    if mode == "jpype":
        return [sys.executable, "-m", "k9tf", "clj", *flag, *args]
    if mode == "libpython-clj":
        if "libpython-clj" not in os.environ.get("K9TF_EXTRA_CLASSPATH", ""):
            pytest.skip("libpython-clj is not on K9TF_EXTRA_CLASSPATH (it cannot be "
                        "downloaded here; see README).")
        flag = ["-A:" + ":".join([*aliases, "libpython-clj"])]
    return [sys.executable, LAUNCHER, *flag, *args]


def _env(mode, env=None):
    return dict(os.environ, K9TF_PYTHON=sys.executable,
                K9TF_BACKEND="" if mode == "jpype" else mode, **(env or {}))


def run(mode, args, timeout=900, cwd=ROOT, env=None):
    """Run clojure.main ``args`` in ``mode`` from ``cwd`` (with ``env`` added); return the
    completed process."""
    return subprocess.run(command(mode, args), capture_output=True, text=True,
                          env=_env(mode, env), timeout=timeout, cwd=cwd)


def start(mode, args, cwd=ROOT):
    """Start clojure.main ``args`` in ``mode`` from ``cwd``; return the process.

    Its stdout and stderr come merged, as text lines, on ``stdout``.
    """
    return subprocess.Popen(command(mode, args), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=_env(mode), cwd=cwd)
