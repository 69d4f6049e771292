"""Hosting a JVM with JPype, so Clojure code runs in this process and calls k9tf back.

The Clojure side's ``:jpype`` backend receives a Python object implementing
``java.util.function.Function`` that maps a request frame (a Java byte array)
to :func:`k9tf.jvm.call`'s reply frame, handed back as a direct ByteBuffer
over Python's memory; JPype takes the GIL for each call.
"""

import os
import threading

from . import _bridge, _classpath


def _start_jvm(aliases):
    import jpype  # noqa: PLC0415 - optional dependency, needed only here

    path, jvm_opts, _, missing = _classpath.classpath(_classpath.clojure_root(), aliases)
    if missing:
        raise RuntimeError(f"no jar for {', '.join(missing)}; put it on K9TF_EXTRA_CLASSPATH.")
    # interrupt=False: Ctrl-C reaches Python instead of killing the JVM.
    jpype.startJVM(*jvm_opts, classpath=path.split(os.pathsep), convertStrings=True,
                   interrupt=False)

    import jpype.nio  # noqa: PLC0415

    replies = threading.local()

    @jpype.JImplements("java.util.function.Function")
    class BridgeCall:
        @jpype.JOverride
        def apply(self, frame):
            # The JVM reads the reply at once; it stays alive until this thread's next call.
            replies.last = bytearray(_bridge.call(memoryview(frame)))
            return jpype.nio.convertToDirectBuffer(replies.last)

    clojure = jpype.JClass("clojure.java.api.Clojure")
    clojure.var("clojure.core", "require").invoke(clojure.read("k9tf.python"))
    options = clojure.var("clojure.core", "hash-map").invoke(clojure.read(":call"), BridgeCall())
    clojure.var("k9tf.python", "set-backend!").invoke(clojure.read(":jpype"), options)
    return jpype, clojure


def run_clojure(args, aliases=()):
    """Run ``clojure.main`` with ``args`` in a JVM hosted here; return its exit status.

    Parameters
    ----------
    args : list of str
        clojure.main's arguments: none for a REPL, ``-e EXPR``, ``-m NS``, a script.
    aliases : sequence of str
        deps.edn aliases whose paths join the classpath (e.g. ``["test"]``).

    Returns
    -------
    int
        0, or the status a Clojure ``System/exit`` asked for.
    """
    jpype, clojure = _start_jvm(aliases)
    try:
        jpype.JClass("clojure.main").main(jpype.JArray(jpype.JString)(list(args)))
        return 0
    except jpype.JException as error:
        print(f"k9tf: {error.getClass().getName()}: {error.getMessage()}")
        return 1
    finally:
        clojure.var("clojure.core", "shutdown-agents").invoke()
