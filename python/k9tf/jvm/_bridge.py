"""The one entry point every Clojure backend calls: a frame in, a frame out.

A request is the frame (see :mod:`k9tf.jvm._codec`) of ``{"fn": name, "args":
[...], "kwargs": {...}[, "id": id]}``; the reply is the frame of ``{"ok":
result}`` or ``{"error": {"type", "message", "arg", "traceback"}}``, where
``arg`` names the argument a ``ValueError``/``TypeError`` is about. Numeric
arrays cross as packed float64 blocks and everything else as JSON, so every
backend computes exactly what a direct Python call does. NaN and Inf are
refused on the way in and never produced on the way out.
"""

import ctypes
import gc
import inspect
import sys
import traceback

from .._version import __version__
from ..data import accuracy, sample_logic_fn
from ..engine import RUNTIME, forward, train, train_data, train_epochs
from ..files import export, load_network, save_network
from ..model import (
    MAX_LAYERS,
    MAX_SAMPLES,
    MAX_UNITS,
    InvalidValue,
    builtin_name,
    construct_network,
    from_k9,
)
from ..tools import MAX_RUNS, encode_table, predict, predict_proba, sweep
from ._codec import FORMAT, pack, unpack
from ._interrupt import interrupt, interruptible
from ._kept import Missing, forget, keep, outgoing, resolve
from ._warm_up import settle, warm_up


def sample_logic(f, samples=10000, seed=None):
    """Return :func:`k9tf.sample_logic_fn`'s data as ``{"inputs", "labels"}``."""
    inputs, labels = sample_logic_fn(f, samples, seed)
    return {"inputs": inputs, "labels": labels}


MAX_ROWS = 10_000_000
"""Most input rows one ``ff`` or ``accuracy`` call from the JVM side carries."""


def hello():
    """Greet a starting JVM side: return what it needs to know of this core; load TensorFlow.

    Returns
    -------
    dict
        ``version`` (k9tf's), ``frames`` (the frame format's version: the JVM
        side starts only if it is its own) and ``limits``: the sizes the JVM
        side refuses before realising a sequence (``layers``, ``units`` per
        row or layer, ``samples`` per training call, ``rows`` per call).

    Notes
    -----
    TensorFlow's import starts in the background meanwhile (see
    :mod:`k9tf.jvm._warm_up`).
    """
    warm_up()
    return {"version": __version__, "frames": FORMAT,
            "limits": {"layers": MAX_LAYERS, "units": MAX_UNITS, "samples": MAX_SAMPLES,
                       "rows": MAX_ROWS, "runs": MAX_RUNS}}


def ff(input, network):
    """Return :func:`k9tf.ff`'s outputs as a numpy array (one row, or all), which packs fast."""
    outputs, single = forward(input, network)
    return outputs[0] if single else outputs


def python_info():
    """Return which Python the JVM side embeds: its version, prefix, executable and OpenSSL."""
    import ssl  # noqa: PLC0415 - fails in a mismatched libpython, which is what this reports

    return {"version": sys.version, "prefix": sys.prefix, "executable": sys.executable,
            "ssl": ssl.OPENSSL_VERSION}


def _train_with_history(*args, **kwargs):
    network, history = train(*args, **kwargs)
    return {"network": network, "history": history}


def train_table(epochs, network, inputs, labels, learning_rate, *, features=None, target=None,
                standardize=False, keywords=False, history=False, validation=None, **options):
    """Train ``network`` on a table's columns, as :func:`k9tf.encode_table` encodes them.

    For the Clojure side's rows of maps: ``inputs`` are the feature columns,
    ``labels`` the target's values; ``validation`` is ``{"inputs", "labels"}``
    of the same kind. The other options are :func:`k9tf.train`'s. Returns the
    network, or ``{"network", "history"}`` with ``history``.
    """
    network, samples = encode_table(network, inputs, labels, features=features, target=target,
                                    standardize=standardize, keywords=keywords)
    if validation is not None:
        validation = encode_table(network, validation["inputs"], validation["labels"])[1]
    options.setdefault("report_every", None)
    trained, record = train(network, samples, learning_rate, epochs=epochs,
                            validation=validation, **options)
    return {"network": trained, "history": record} if history else trained


def predict_proba_table(inputs, network):
    """Return :func:`k9tf.predict_proba`'s rows as a numpy array, which packs fast."""
    import numpy as np  # noqa: PLC0415

    return np.asarray(predict_proba(inputs, network), dtype=np.float64)


FUNCTIONS = {
    "construct_network": construct_network,
    "from_k9": from_k9,
    "ff": ff,
    "train": _train_with_history,
    "train_data": train_data,
    "train_epochs": train_epochs,
    "train_table": train_table,
    "predict": predict,
    "predict_proba": predict_proba_table,
    "accuracy": accuracy,
    "save_network": save_network,
    "load_network": load_network,
    "export": export,
    "sample_logic": sample_logic,
    "sweep": sweep,
    "interrupt": interrupt,
    "settle": settle,
    "hello": hello,
    "python_info": python_info,
    "forget_networks": forget,
}
"""The functions a bridge request may name."""

_IMPORTS = dict.fromkeys([
    "ff", "train", "train_data", "train_epochs", "train_table", "predict", "predict_proba",
    "export", "sweep"], [RUNTIME])
"""The modules (TensorFlow's) a function's first call imports: imported before it is
interruptible (see :func:`interruptible`)."""


def _parse(frame):
    request = unpack(frame)
    if not isinstance(request, dict) or not {"fn", "args", "kwargs"} <= set(request) <= {
            "fn", "args", "kwargs", "id", "keep"}:
        raise InvalidValue(None, "a bridge request must be "
                                "{'fn', 'args', 'kwargs'[, 'id', 'keep']}.")
    if request["fn"] not in FUNCTIONS:
        raise InvalidValue("fn", f"fn must be one of {', '.join(FUNCTIONS)}, got "
                                 f"{request['fn']!r}.")
    return request


_PARAMETERS = {
    name: {*inspect.signature(train if name == "train" else f).parameters, "epochs",
           *(inspect.signature(train).parameters if name == "train_table" else ())}
    for name, f in FUNCTIONS.items()
}


def _argument(name, error):
    """Return the argument ``error`` names, if function ``name`` takes it."""
    argument = getattr(error, "argument", None)
    return argument if argument in _PARAMETERS.get(name, ()) else None


def call(frame):
    """Run the request in ``frame`` and return the reply frame; never raises on a bad request.

    Parameters
    ----------
    frame : bytes-like
        The frame of ``{"fn": name, "args": [...], "kwargs": {...}}``, with an
        optional ``"id"`` that ``{"fn": "interrupt", "args": [id]}`` cancels
        and an optional ``"keep": ref`` that keeps the network returned (see
        :mod:`k9tf.jvm._kept`). A network argument may be sent by reference.

    Returns
    -------
    bytes
        The frame of ``{"ok": result}`` (plus ``"kept": bool`` when asked to
        keep), of ``{"missing": ref}`` when an argument names a network no
        longer kept, or of ``{"error": {"type", "message", "arg", "traceback"}}``.

    Examples
    --------
    >>> unpack(call(pack({"fn": "accuracy", "args": [[[1, 0]], [[1, 0]]], "kwargs": {}})))
    {'ok': 1.0}
    >>> unpack(call(pack({"fn": "nope", "args": [], "kwargs": {}})))["error"]["type"]
    'ValueError'
    """
    name = None
    try:
        request = _parse(frame)
        name = request["fn"]
        args = [*map(resolve, request["args"])]
        kwargs = {k: resolve(v) for k, v in request["kwargs"].items()}
        with interruptible(request.get("id"), _IMPORTS.get(name, ())):
            result = FUNCTIONS[name](*args, **kwargs)
        reply = {"ok": outgoing(result)}
        if "keep" in request:
            reply["kept"] = keep(request["keep"], result)
        return pack(reply)
    except Missing as missing:  # the JVM side sends that network again
        return pack({"missing": missing.ref})
    except (Exception, KeyboardInterrupt) as error:  # every failure is data for the JVM
        return pack({"error": {
            "type": builtin_name(error),
            "message": str(error),
            "arg": _argument(name, error),
            "traceback": traceback.format_exc(),
        }})


_pending = {}
"""Reply frames too big for their caller's buffer, by that buffer's address."""


def call_in_place(owner):
    """Run the request frame in buffer ``owner`` and return the reply frame, never copying it.

    The request's blocks are numpy arrays over ``owner``'s memory, which the
    caller reuses once this returns: the call checks that no array over it
    (nothing that holds ``owner``) outlives it, and else replies with an error.

    Parameters
    ----------
    owner : buffer
        An object exposing the frame through the buffer protocol (a ctypes
        array over native memory, a Java direct ByteBuffer through JPype).

    Returns
    -------
    bytes
        As :func:`call`.
    """
    held = sys.getrefcount(owner)
    frame = call(memoryview(owner))
    if sys.getrefcount(owner) > held:
        gc.collect()  # an exception's frames, say; rare, so the collection's cost does not matter
    if sys.getrefcount(owner) > held:
        frame = pack({"error": {"type": "RuntimeError", "arg": None, "traceback": "",
                                "message": "k9tf kept an array over a request's memory after "
                                           "the call; this is a bug in k9tf, please report it."}})
    return frame


def call_at(request, size, reply, capacity):
    """Run the request frame at native address ``request`` and write its reply at ``reply``.

    For backends that move frames through native memory (JNA, libpython-clj).
    The request is read in place, never copied (see :func:`call_in_place`). A
    reply longer than ``capacity`` is kept instead, until :func:`fetch_reply`.

    Parameters
    ----------
    request : int
        Address of the request frame.
    size : int
        Its length in bytes.
    reply : int
        Address of the caller's reply buffer.
    capacity : int
        That buffer's length in bytes.

    Returns
    -------
    int
        The reply's length; if above ``capacity``, fetch it with :func:`fetch_reply`.
    """
    frame = call_in_place((ctypes.c_char * size).from_address(request))
    if len(frame) <= capacity:
        ctypes.memmove(reply, frame, len(frame))
    else:
        _pending[reply] = frame
    return len(frame)


def fetch_reply(reply, address):
    """Write the reply kept for buffer ``reply`` by :func:`call_at` at ``address`` (and forget it).

    Parameters
    ----------
    reply : int
        The reply buffer address given to :func:`call_at`.
    address : int
        Where to write the reply, with room for the length ``call_at`` returned.
    """
    frame = _pending.pop(reply)
    ctypes.memmove(address, frame, len(frame))
