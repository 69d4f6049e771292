"""Hosting a JVM with JPype, so Clojure code runs in this process and calls k9tf back.

The Clojure side's ``:jpype`` backend receives a Python object implementing
``java.util.function.Function`` that maps a request frame (a direct
``ByteBuffer`` over the JVM's native memory, read in place) to
:func:`k9tf.jvm.call`'s reply frame, handed back as a direct ByteBuffer
over Python's memory (JPype takes the GIL for each call), and a ``Runnable``
that interrupts every running call.

Leaving the JVM safely: at JVM exit JPype's own shutdown hook marks the JVM as
stopped, and a thread that then enters a Python proxy, or leaves one with an
exception, aborts the process ("Fatal error in exception handling"); a thread
still inside a proxy when the JVM halts keeps the GIL while the C ``atexit``
handlers wait for it. So before JPype's hook goes on, ours closes the backend
(calls are refused from then on) and waits for the calls in Python to end.
When Clojure returns instead of calling ``System/exit``, the JVM is shut down
(waiting, like ``java``, for its non-daemon threads) before Python finalises;
SIGTERM exits the JVM with status 143, as ``java`` does.

Python's garbage collections do not run JPype's hook (see
:func:`_unlink_collectors`): it made every small call several times slower.
"""

import gc
import os
import sys
import tempfile
import threading

from . import _bridge, _classpath
from ._interrupt import interrupt
from ._warm_up import settle, warm_up

EXIT_GRACE_MS = 30_000
"""How long JVM exit waits for interrupted calls to leave Python before the process ends."""


def _error_file_option(jvm_opts):
    """Return the JVM option that keeps crash reports out of the caller's cwd, if none is set."""
    given = " ".join([*jvm_opts, os.environ.get("JAVA_TOOL_OPTIONS", "")])
    if "-XX:ErrorFile=" in given:
        return []
    return ["-XX:ErrorFile=" + os.path.join(tempfile.gettempdir(), "k9tf-hs_err_pid%p.log")]


def _add_exit_hook(jpype, clojure, backend):
    close = clojure.var("k9tf.bridge.jpype", "close!")

    @jpype.JImplements("java.lang.Runnable")
    class ExitHook:
        @jpype.JOverride
        def run(self):
            closed = close.invoke(backend, EXIT_GRACE_MS)
            settle(EXIT_GRACE_MS / 1000)  # the process must not end while TensorFlow loads
            sys.stdout.flush()
            sys.stderr.flush()
            if not closed:  # the JVM would halt with a thread still in Python
                print(f"k9tf: calls into Python still run {EXIT_GRACE_MS // 1000} s after the "
                      "JVM began to exit; ending the process with status 1.", file=sys.stderr,
                      flush=True)
                os._exit(1)

    # JPype runs the hooks registered with its context, and waits for them,
    # before it disables proxies (org.jpype.JPypeContext.shutdown).
    jpype.JClass("org.jpype.JPypeContext").getInstance().addShutdownHook(
        jpype.JClass("java.lang.Thread")(ExitHook(), "k9tf-jpype-exit"))


def _unlink_collectors(jpype_module):
    """Remove the hook by which JPype runs Java's collector from Python's collections.

    At the start of every Python collection, a generation-0 one too (one per
    few hundred allocations), the hook reads glibc's ``mallinfo``, a walk of
    the whole C heap, to decide whether Java's collector should run. After a
    large training call the heap holds many free chunks: a one-row ``ff``
    then took 0.9-1.7 ms, 79 % of it in that walk (perf), against 0.15-0.3 ms
    before (JPype issue #1197). The Java objects here that hold Python ones
    (a call's reply buffer) die young, and Java's own collector frees them.
    """
    gc.callbacks[:] = [f for f in gc.callbacks if f is not jpype_module._collect]


def _start_jvm(aliases):
    import jpype  # noqa: PLC0415 - optional dependency, needed only here

    path, jvm_opts, _, missing = _classpath.classpath(_classpath.clojure_root(), aliases)
    if missing:
        raise RuntimeError(f"no jar for {', '.join(missing)}; put it on K9TF_EXTRA_CLASSPATH.")
    # interrupt=False: Ctrl-C reaches Python instead of killing the JVM.
    jpype.startJVM(*jvm_opts, *_error_file_option(jvm_opts), classpath=path.split(os.pathsep),
                   convertStrings=True, interrupt=False)
    _unlink_collectors(jpype._jpype)

    import jpype.nio  # noqa: PLC0415

    replies = threading.local()

    @jpype.JImplements("java.util.function.Function")
    class BridgeCall:
        @jpype.JOverride
        def apply(self, frame):
            # The request is a direct ByteBuffer, read in place; the JVM reads the reply at
            # once, and it stays alive until this thread's next call.
            replies.last = bytearray(_bridge.call_in_place(frame))
            return jpype.nio.convertToDirectBuffer(replies.last)

    @jpype.JImplements("java.lang.Runnable")
    class InterruptCalls:
        @jpype.JOverride
        def run(self):
            interrupt()

    clojure = jpype.JClass("clojure.java.api.Clojure")
    clojure.var("clojure.core", "require").invoke(clojure.read("k9tf.python"))
    options = clojure.var("clojure.core", "hash-map").invoke(
        clojure.read(":call"), BridgeCall(), clojure.read(":interrupt"), InterruptCalls())
    backend = clojure.var("k9tf.python", "set-backend!").invoke(clojure.read(":jpype"), options)
    _add_exit_hook(jpype, clojure, backend)
    clojure.var("k9tf.bridge.jpype", "exit-on-sigterm!").invoke()
    return jpype, clojure


def run_clojure(args, aliases=()):
    """Run ``clojure.main`` with ``args`` in a JVM hosted here; return its exit status.

    Call it from the main thread, once per process. A Clojure ``System/exit``
    ends the process with its status, after the calls into Python have been
    interrupted and have returned (see the module docstring). A JVM crash
    report goes to the temporary directory, not the current one.

    Parameters
    ----------
    args : list of str
        clojure.main's arguments: none for a REPL, ``-e EXPR``, ``-m NS``, a script.
    aliases : sequence of str
        deps.edn aliases whose paths join the classpath (e.g. ``["test"]``).

    Returns
    -------
    int
        0, or 1 when clojure.main throws; ``System/exit`` does not return.
    """
    warm_up()  # TensorFlow loads while the JVM starts and Clojure compiles
    jpype, clojure = _start_jvm(aliases)
    try:
        jpype.JClass("clojure.main").main(jpype.JArray(jpype.JString)(list(args)))
        return 0
    except jpype.JException as error:
        print(f"k9tf: {error.getClass().getName()}: {error.getMessage()}")
        return 1
    finally:
        clojure.var("clojure.core", "shutdown-agents").invoke()
        jpype.shutdownJVM()
