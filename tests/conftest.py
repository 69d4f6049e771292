"""Fixtures shared by the tests: the Clojure suite, the umask, Python's Ctrl-C handler."""

import contextlib
import json
import os
import signal
from collections import namedtuple

import pytest

from jvm import run

SuiteRun = namedtuple("SuiteRun", "process parity")

HEAVY = ("jvm", "dask", "wheel", "slow")


def pytest_collection_modifyitems(config, items):
    """Run the long tests first: the Clojure suites, then JVMs, clusters, the wheel, soaks.

    The order changes no result (each test sets up what it needs). Under
    pytest-xdist (``--dist loadscope``: a module's tests share one worker and
    its module fixtures) the long modules start at once, so the two workers
    end together instead of one waiting for the other's last Clojure suite.
    """
    def rank(item):
        if "clojure_suite" in item.fixturenames:
            return 0
        return 1 if any(item.get_closest_marker(m) for m in HEAVY) else 2

    items.sort(key=rank)  # stable: collection order within a rank


@pytest.fixture(scope="session")
def clojure_suite(tmp_path_factory):
    """Return ``run(mode)``: the clojure.test suite in ``mode``, run once per session.

    One JVM per backend runs every Clojure test and writes the parity results
    (``k9tf.parity-test``) that ``test_clojure`` compares with Python's.
    """
    runs = {}

    def suite(mode):
        if mode not in runs:
            out = tmp_path_factory.mktemp("parity") / f"{mode}.json"
            done = run(mode, ["-m", "k9tf.test-runner"], env={"K9TF_PARITY_OUT": str(out)})
            parity = json.loads(out.read_text()) if os.path.exists(out) else None
            runs[mode] = SuiteRun(done, parity)
        return runs[mode]

    return suite


@pytest.fixture
def umask():
    """Return ``umask(mask)``: a context manager setting the process umask while it is open."""
    @contextlib.contextmanager
    def set_umask(mask):
        old = os.umask(mask)
        try:
            yield
        finally:
            os.umask(old)

    return set_umask


@pytest.fixture
def sigint_raises():
    """Make SIGINT raise ``KeyboardInterrupt`` during the test.

    A shell starts background jobs with SIGINT ignored, and then
    ``_thread.interrupt_main()`` does nothing; the tests that interrupt
    training must not depend on how pytest was launched.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
