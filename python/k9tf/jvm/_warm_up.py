"""Loading TensorFlow in the background while the JVM side starts.

Importing TensorFlow is the largest part of a cold start (seconds). The JVM
side needs it only at its first ``ff`` or training call, so the JPype host
starts the import before the JVM, and every backend's greeting (see
:func:`k9tf.jvm.hello`) starts it too; a call that needs TensorFlow
earlier simply waits for the import to finish.
"""

import threading

from ..engine import load

_started = threading.Event()
_lock = threading.Lock()


def warm_up():
    """Start loading TensorFlow (:func:`k9tf.engine.load`) in a daemon thread, once per process."""
    with _lock:
        if _started.is_set():
            return
        _started.set()
    threading.Thread(target=load, daemon=True,
                     name="k9tf-warm-up").start()
