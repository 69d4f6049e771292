
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
import threading
from contextlib import contextmanager

from ..model import InvalidValue

_active = {}  # call id -> {"ident": thread, "importing": bool, "interrupted": bool}
_lock = threading.Lock()


def _set_async_exc(ident, exception):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), None if exception is None else ctypes.py_object(exception))


@contextmanager
def interruptible(call_id, imports=()):
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
    """
    if call_id is None:
        for name in imports:
            importlib.import_module(name)
        yield
        return
    ident = threading.get_ident()
    state = {"ident": ident, "importing": True, "interrupted": False}
    with _lock:
        if call_id in _active:  # the running call keeps its id, its interrupt and its reply
            raise InvalidValue("id", f"id {call_id!r} is already the id of a running call; give "
                                     "each concurrent call its own id.")
        _active[call_id] = state
    try:
        for name in imports:
            importlib.import_module(name)
        with _lock:
            state["importing"] = False
        if state["interrupted"]:
            raise KeyboardInterrupt
        yield
    finally:
        with _lock:
            del _active[call_id]
            _set_async_exc(ident, None)  # drop an interrupt that came too late


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
            if state["importing"]:
                state["interrupted"] = True
            else:
                _set_async_exc(state["ident"], KeyboardInterrupt)
    return bool(states)
