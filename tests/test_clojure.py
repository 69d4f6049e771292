"""The clojure.test suite, through every way Clojure reaches the Python core."""

import pytest

from jvm import MODES

pytestmark = pytest.mark.jvm


@pytest.mark.parametrize("mode", MODES)
def test_clojure_suite(mode, clojure_suite):
    done = clojure_suite(mode).process
    print(done.stdout[-5000:], done.stderr[-5000:])
    assert done.returncode == 0, "clojure.test reported failures (see output)"
    assert "0 failures, 0 errors." in done.stdout
    assert "0 reflection warnings." in done.stdout
