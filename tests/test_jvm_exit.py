"""Leaving the JVM while calls run: they are interrupted, nothing hangs or crashes."""

import os
import re
import signal
import tempfile
import threading
import time

import pytest

from jvm import MODES, run, start

pytestmark = pytest.mark.jvm

EXIT_WHILE_TRAINING = """
(require '[k9tf.core :as k9])
(def data (k9/sample-logic :xor 1000 :seed 1))
(future (k9/train-epochs 200000 (k9/construct-network 2 16 2 {:seed 1}) data 0.1))
(while (.isEmpty ^java.util.Map @#'k9tf.python/running) (Thread/onSpinWait)) ; the call runs
(println "EXITING")
(System/exit 0)
"""

EXIT_WHILE_CALLING = """
(require '[k9tf.core :as k9])
(def net (k9/construct-network 2 3 2 {:seed 1}))
(def called (java.util.concurrent.CountDownLatch. CALLS))
(dotimes [_ 8]
  (future (loop [] (k9/ff [1 0] net) (.countDown called) (recur))))
(.await called)
"""

EXIT_AFTER_CALLS = EXIT_WHILE_CALLING + """
(println "EXITING")
(System/exit 3)
"""

WAIT_AFTER_CALLS = EXIT_WHILE_CALLING + """
(println "READY")
@(promise)
"""

CRASH = """
(let [field (.getDeclaredField sun.misc.Unsafe "theUnsafe")]
  (.setAccessible field true)
  (.putAddress ^sun.misc.Unsafe (.get field nil) 0 0))
"""


@pytest.mark.parametrize("mode", MODES)
def test_exit_during_training_is_prompt(mode):
    process = start(mode, ["-e", EXIT_WHILE_TRAINING])
    watchdog = threading.Timer(300, process.kill)  # a hang fails the test, not the run
    watchdog.start()
    try:
        lines = []
        for line in process.stdout:  # until the call runs and System/exit is called
            lines.append(line)
            if line.strip() == "EXITING":
                break
        assert lines and lines[-1].strip() == "EXITING", "".join(lines)[-2000:]
        exiting = time.monotonic()
        rest = process.communicate(timeout=120)[0]
        assert process.returncode == 0, rest[-2000:]
        assert "still run" not in rest  # every call left Python within exit's grace
        # Timed from the exit call, not from the JVM's start and TensorFlow's import:
        assert time.monotonic() - exiting < 45  # the JVM used to wait 60 s for the call
    finally:
        watchdog.cancel()
        process.kill()
        process.wait()
        process.stdout.close()


@pytest.mark.parametrize("calls", [8, 0], ids=["after-first-calls", "during-first-calls"])
@pytest.mark.parametrize("mode", [m for m in MODES if m != "libpython-clj"])
def test_exit_while_threads_call_python(mode, calls, tmp_path):
    # JPype used to abort here ("Fatal error in exception handling", hs_err_pid*.log
    # in the cwd) or deadlock, when a thread entered or left Python as the JVM exited;
    # during the first calls (8 threads importing TensorFlow) exit's interrupts used
    # to leave the threads stuck in importlib's locks.
    code = EXIT_AFTER_CALLS.replace("CALLS", str(calls))
    done = run(mode, ["-e", code], timeout=180, cwd=tmp_path)
    assert "EXITING" in done.stdout, done.stderr[-2000:]
    assert done.returncode == 3, (done.stdout[-2000:], done.stderr[-2000:])
    assert "Fatal error" not in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []  # no hs_err_pid*.log, nothing else left behind


def test_jvm_crash_report_goes_to_the_temp_dir(tmp_path):
    done = run("jpype", ["-e", CRASH], timeout=120, cwd=tmp_path)
    report = re.search(r"saved as:\n# (\S+)", done.stdout + done.stderr)
    assert report, done.stdout[-2000:]
    assert os.path.dirname(report[1]) == tempfile.gettempdir()
    os.remove(report[1])
    assert done.returncode == -6  # SIGABRT
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("mode", [m for m in MODES if m != "libpython-clj"])
def test_sigterm_while_threads_call_python_exits_like_java(mode, tmp_path):
    # In the JPype host, JPype's own SIGTERM handler could crash the process.
    process = start(mode, ["-e", WAIT_AFTER_CALLS.replace("CALLS", "8")], cwd=tmp_path)
    lines, ready = [], threading.Event()

    def read():
        for line in process.stdout:
            lines.append(line)
            if line.strip() == "READY":
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(180), "".join(lines)[-2000:]
        process.send_signal(signal.SIGTERM)
        assert process.wait(120) == 128 + signal.SIGTERM, "".join(lines)[-2000:]
    finally:
        process.kill()
    reader.join(60)
    assert "Fatal error" not in "".join(lines)
    assert list(tmp_path.iterdir()) == []


EXIT_AFTER_GREETING = """
(require 'k9tf.python)
(k9tf.python/call "hello" [] {})
(println "GREETED")
"""


@pytest.mark.parametrize("mode", MODES)
def test_exit_right_after_the_greeting_waits_for_tensorflow_to_load(mode):
    # The greeting starts TensorFlow's import in the background. A JVM that exited while it
    # ran failed TensorFlow's fatal "Already registered collective" check about every other
    # time (JNA, libpython-clj): the exit hooks now wait for the import (k9tf.jvm settle).
    done = run(mode, ["-e", EXIT_AFTER_GREETING], timeout=300)
    assert "GREETED" in done.stdout and done.returncode == 0, done.stderr[-2000:]
    assert "Check failed" not in done.stdout + done.stderr, done.stderr[-2000:]
