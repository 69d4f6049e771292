"""The process environment commands start in: closed standard streams, an unusable HOME.

Standard library only: ``bin/k9tf-clj`` loads this file directly, before any
virtual environment exists.

- A standard stream the caller closed (``2>&-``, ``<&-``) is opened on the
  null device, so that progress bars and logs have somewhere to go and no
  file k9tf (or the JVM) opens later takes descriptor 0, 1 or 2 and receives
  what is meant for them.
- When ``HOME`` is not a writable directory, the configuration and cache
  directories of the libraries k9tf loads (Matplotlib, Keras) are pointed at
  one temporary directory, removed at exit, instead of being created under
  that ``HOME``.
"""

import atexit
import functools
import os
import shutil
import sys
import tempfile

HOME_VARIABLES = ("MPLCONFIGDIR", "KERAS_HOME")
"""Variables set to a temporary directory when ``HOME`` is unusable (and they are unset)."""

_STREAMS = ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w"))
_INIT_OPTIONS = {"-i", "--init", "-e", "--eval", "--report"}  # clojure.main's, each with a value


def reopen_closed_streams():
    """Open the null device on each standard descriptor (0, 1, 2) that is closed.

    ``sys.stdin``, ``sys.stdout`` and ``sys.stderr``, which Python leaves as
    None for a descriptor closed at its start, are then opened on it.

    Returns
    -------
    list of int
        The descriptors that were closed.
    """
    closed = []
    for fd, _, mode in _STREAMS:
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
            null = os.open(os.devnull, os.O_RDONLY if mode == "r" else os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    for fd, name, mode in _STREAMS:
        if getattr(sys, name) is None or fd in closed:
            setattr(sys, name, open(fd, mode, closefd=False, encoding="utf-8",  # noqa: SIM115
                                    errors="backslashreplace"))
    return closed


def reads_stdin(args):
    """Return whether ``clojure.main`` with ``args`` reads standard input.

    It does for a REPL (no arguments, or ``-r`` / ``--repl``) and for the
    script ``-``; not for ``-m NS``, a script file, or ``-e`` alone.

    Parameters
    ----------
    args : list of str
        clojure.main's arguments.

    Returns
    -------
    bool
    """
    i, inits = 0, False
    while i < len(args) and args[i] in _INIT_OPTIONS:
        i, inits = i + 2, True
    if i >= len(args):
        return not inits
    return args[i] in ("-r", "--repl", "-")


def _usable(directory):
    return bool(directory) and os.path.isdir(directory) and os.access(directory, os.W_OK | os.X_OK)


@functools.cache
def _temporary_home():
    directory = tempfile.mkdtemp(prefix="k9tf-home-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def redirect_homeless_caches(environ=os.environ):
    """Point Matplotlib's and Keras' directories at a temporary one when ``HOME`` is unusable.

    Parameters
    ----------
    environ : mapping, default=os.environ
        The environment to read and change.

    Returns
    -------
    list of str
        The variables set (none when ``HOME`` is a writable directory, or when
        the user set them).
    """
    if _usable(environ.get("HOME")):
        return []
    unset = [name for name in HOME_VARIABLES if not environ.get(name)]
    for name in unset:
        environ[name] = os.path.join(_temporary_home(), name.lower())
    return unset
