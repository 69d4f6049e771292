"""Loading TensorFlow in the background while the JVM side starts.

Importing TensorFlow is the largest part of a cold start (seconds). The JVM
side needs it only at its first ``ff`` or training call, so the JPype host
starts the import before the JVM, and every backend's greeting (see
:func:`k9tf.jvm.hello`) starts it too; a call that needs TensorFlow
earlier simply waits for the import to finish.

A process must not end while that import runs: TensorFlow's libraries would
be torn down while they are still being set up (a fatal "Already
registered collective" check, seen when a JVM exited right after its
greeting). So the thread is not a daemon (Python's exit waits for it), and
the JVM side's exit hooks call :func:`settle`.
"""

import threading

from ..engine import load

_lock = threading.Lock()
_thread = None


def warm_up():
    """Start loading TensorFlow (:func:`k9tf.engine.load`) in a thread, once per process."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=load, name="k9tf-warm-up")
            _thread.start()


def settle(timeout=60.0):
    """Wait at most ``timeout`` seconds for a started warm-up to end; return whether it has."""
    with _lock:
        thread = _thread
    if thread is not None:
        thread.join(timeout)
    return thread is None or not thread.is_alive()
