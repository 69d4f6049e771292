"""Cancelling a running bridge call from another thread.

A call made with an id records the thread running it; ``interrupt(id)`` raises
``KeyboardInterrupt`` in that thread, which the training loop meets between
two of its chunks (a few tenths of a second apart).
"""

import ctypes
import threading
from contextlib import contextmanager

_active = {}
_lock = threading.Lock()


def _set_async_exc(ident, exception):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), None if exception is None else ctypes.py_object(exception))


@contextmanager
def interruptible(call_id):
    """Make the enclosed code cancellable by ``interrupt(call_id)`` (no-op for None)."""
    if call_id is None:
        yield
        return
    ident = threading.get_ident()
    with _lock:
        _active[call_id] = ident
    try:
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
        idents = list(_active.values()) if call_id is None else [_active.get(call_id)]
        idents = [ident for ident in idents if ident is not None]
        for ident in idents:
            _set_async_exc(ident, KeyboardInterrupt)
    return bool(idents)
