"""C entry points into the bridge, for backends that call from native code (JNA).

:func:`entry_points` returns the addresses of two C functions, made with
``ctypes``, that run :func:`k9tf.jvm.call_at` and :func:`k9tf.jvm.fetch_reply`.
A JVM thread calls them directly, so a request costs one native call instead
of a dozen C-API calls (building the bytes argument, the call, reading the
reply, freeing both). Each takes the GIL itself (``PyGILState_Ensure``) and
releases it on return; the caller must have made this thread's Python thread
state once beforehand and kept it, or every call would create and destroy one.
"""

import ctypes

from ._bridge import call_at, fetch_reply

_CALL_AT = ctypes.CFUNCTYPE(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.c_ssize_t,
                            ctypes.c_void_p, ctypes.c_ssize_t)(call_at)
_FETCH_REPLY = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(fetch_reply)


def entry_points():
    """Return the C addresses of ``call_at`` and ``fetch_reply`` (valid while this process lives).

    Returns
    -------
    tuple of int
        ``ssize_t call_at(const char *request, ssize_t size, char *reply,
        ssize_t capacity)`` and ``void fetch_reply(char *reply, char *address)``.
    """
    return tuple(ctypes.cast(f, ctypes.c_void_p).value for f in (_CALL_AT, _FETCH_REPLY))
