"""Leaving the JVM while a call trains: it interrupts the call instead of hanging."""

import time

import pytest

from jvm import run

EXIT_WHILE_TRAINING = """
(require '[k9tf.core :as k9])
(def data (k9/sample-logic :xor 1000 :seed 1))
(future (k9/train-epochs 1000000 (k9/construct-network 2 16 2 {:seed 1}) data 0.1))
(Thread/sleep 2000)
(println "EXITING")
(System/exit 0)
"""


@pytest.mark.parametrize("mode", ["jna", "jpype"])
def test_exit_during_training_is_prompt(mode):
    started = time.monotonic()
    done = run(mode, ["-e", EXIT_WHILE_TRAINING], timeout=120)
    assert "EXITING" in done.stdout, done.stderr[-2000:]
    assert done.returncode == 0
    assert time.monotonic() - started < 45  # the JVM used to wait 60 s for the call
