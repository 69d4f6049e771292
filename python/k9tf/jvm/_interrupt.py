
"""Cancelling a running bridge call from another thread.

A call made with an id records the thread running it; ``interrupt(id)`` raises
``KeyboardInterrupt`` in that thread, which the training loop meets between
two of its chunks (a few tenths of a second apart). While the call imports
the modules it needs, an interrupt is only recorded, and raised once they are
imported: an asynchronous exception inside an import, or in a thread waiting
for another thread's import, leaves importlib's module locks held for good.
"""

import ctypes
import importlib
import sys
import threading

from ..model import InvalidValue

_active = {}  # call id -> [thread ident, importing, interrupted, exception sent]
_lock = threading.Lock()


def _set_async_exc(ident, exception):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), None if exception is None else ctypes.py_object(exception))


def _import(names):
    """Import the modules ``names`` unless each is already imported in full."""
    for name in names:
        module = sys.modules.get(name)
        if module is None or getattr(module.__spec__, "_initializing", False):
            importlib.import_module(name)  # or wait for the thread importing it


class interruptible:  # noqa: N801 - used as a function: ``with interruptible(id):``
    """Make the enclosed code cancellable by ``interrupt(call_id)`` (no-op for None).

    Parameters
    ----------
    call_id : str or int or None
        The id :func:`interrupt` names the call by.
    imports : sequence of str
        Modules imported first; an interrupt meanwhile is raised after them.

    Raises
    ------
    KeyboardInterrupt
        When the call was interrupted while it imported ``imports``.
    ValueError
        When a running call already has the id ``call_id`` (that call is left
        as it is).

    Notes
    -----
    A class rather than a generator, and the asynchronous exception cleared
    only when one was sent: this runs around every bridge call.
    """

    __slots__ = ("_id", "_imports", "_state")

    def __init__(self, call_id, imports=()):
        self._id, self._imports = call_id, imports

    def __enter__(self):
        if self._id is None:
            _import(self._imports)
            return
        # ident, importing, interrupted (while importing), sent (an exception raised)
        state = self._state = [threading.get_ident(), True, False, False]
        with _lock:
            if self._id in _active:  # the running call keeps its id, its interrupt and its reply
                raise InvalidValue("id", f"id {self._id!r} is already the id of a running call; "
                                         "give each concurrent call its own id.")
            _active[self._id] = state
        try:
            _import(self._imports)
            with _lock:
                state[1] = False
            if state[2]:
                raise KeyboardInterrupt
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc_info):
        if self._id is not None:
            with _lock:
                del _active[self._id]
                if self._state[3]:
                    _set_async_exc(self._state[0], None)  # drop an interrupt that came too late


def interrupt(call_id=None):
    """Raise ``KeyboardInterrupt`` in the thread running call ``call_id`` (None: every call).

    Parameters
    ----------
    call_id : str or int, optional
        The id the call was made with; None interrupts all running calls.

    Returns
    -------
    bool
        Whether such a call was running.
    """
    with _lock:
        states = list(_active.values()) if call_id is None else [_active.get(call_id)]
        states = [state for state in states if state is not None]
        for state in states:
            if state[1]:  # importing: raised once the imports are done
                state[2] = True
            else:
                state[3] = True
                _set_async_exc(state[0], KeyboardInterrupt)
    return bool(states)
