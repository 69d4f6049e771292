"""The sessions of one graph: who uses them, the callables made in them, their shape budget.

A call holds one session from start to end. A session that has compiled
:data:`MAX_SHAPES` input shapes is retired: later calls get a fresh one, and
the retired one closes when its last call ends.
"""

import threading

from ._tf import config_pb2, tf1

MAX_SHAPES = 24
"""Compiled input shapes one session keeps before it is replaced (about 1.5 MB each)."""

_CONFIG = tf1.ConfigProto(inter_op_parallelism_threads=-1)  # ops run in the caller's thread


class _Session:
    """One ``tf.Session`` of a graph, the callables made in it and who uses it."""

    def __init__(self, graph):
        self.session = tf1.Session(graph=graph, config=_CONFIG)
        self.callables = {}
        self.shapes = set()
        self.users = 0
        self.retired = False


class Sessions:
    """The current session of one graph and the retired ones still in use; thread-safe."""

    def __init__(self, graph):
        self.graph = graph
        self._lock = threading.Lock()
        self._current = _Session(graph)

    def acquire(self):
        """Return the current session, counted as used until :meth:`release`."""
        with self._lock:
            self._current.users += 1
            return self._current

    def release(self, session):
        """Stop counting one use of ``session``; close it if it is retired and unused."""
        with self._lock:
            session.users -= 1
            if session.retired and session.users == 0:
                session.session.close()

    def retire(self):
        """Close the current session once unused; the next call gets a fresh one."""
        with self._lock:
            self._replace()

    def _replace(self):
        old, self._current = self._current, _Session(self.graph)
        old.retired = True
        if old.users == 0:
            old.session.close()

    def in_use(self):
        """Return whether a call is using the current session."""
        with self._lock:
            return self._current.users > 0

    def close(self):
        """Retire for good: close the current session once no call uses it."""
        with self._lock:
            self._current.retired = True
            if self._current.users == 0:
                self._current.session.close()

    def run(self, session, fetches, feeds, values, shape):
        """Run ``fetches`` with ``feeds`` set to ``values`` in ``session``; return the results.

        ``shape`` is a tuple naming the function (its first item) and the
        compiled shape this run needs; a session that has compiled
        :data:`MAX_SHAPES` shapes is replaced for later calls.
        """
        with self._lock:
            run = session.callables.get(shape[0])
            if run is None:
                options = config_pb2.CallableOptions(feed=[f.name for f in feeds],
                                                     fetch=[f.name for f in fetches])
                run = session.callables[shape[0]] = (
                    session.session._make_callable_from_options(options))
            if shape not in session.shapes:
                session.shapes.add(shape)
                if len(session.shapes) > MAX_SHAPES and session is self._current:
                    self._replace()  # closed by release() when its calls end
        return run(*values)
