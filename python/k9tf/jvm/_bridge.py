"""The one entry point every Clojure backend calls: JSON text in, JSON text out.

A request is ``{"fn": name, "args": [...], "kwargs": {...}}``; the reply is
``{"ok": result}`` or ``{"error": {"type", "message", "arg", "traceback"}}``,
where ``arg`` names the argument a ``ValueError``/``TypeError`` is about. Going
through JSON (shortest round-trip float repr) keeps doubles bit-exact and makes
every backend compute exactly what a direct Python call does. NaN and Inf are
refused on both ways in, and never produced on the way out.
"""

import inspect
import json
import re
import traceback

from .. import _logic
from .._ff import ff
from .._io import load_network, save_network
from .._metrics import accuracy
from .._network import construct_network, from_k9
from .._train import train, train_data, train_epochs
from ._interrupt import interrupt, interruptible


def sample_logic(f, samples=10000, seed=None):
    """Return :func:`k9tf.sample_logic_fn`'s data as plain lists: ``{"inputs", "labels"}``."""
    inputs, labels = _logic.sample_logic_fn(f, samples, seed)
    return {"inputs": inputs.tolist(), "labels": labels.tolist()}


def _train_with_history(*args, **kwargs):
    network, history = train(*args, **kwargs)
    return {"network": network, "history": history}


FUNCTIONS = {
    "construct_network": construct_network,
    "from_k9": from_k9,
    "ff": ff,
    "train": _train_with_history,
    "train_data": train_data,
    "train_epochs": train_epochs,
    "accuracy": accuracy,
    "save_network": save_network,
    "load_network": load_network,
    "sample_logic": sample_logic,
    "nand_gen": _logic.nand_gen,
    "xor_gen": _logic.xor_gen,
    "and_gen": _logic.and_gen,
    "or_gen": _logic.or_gen,
    "interrupt": interrupt,
}
"""The functions a bridge request may name."""

_IMPORTS = dict.fromkeys(["ff", "train", "train_data", "train_epochs"], ["k9tf._graph"])
"""The modules (TensorFlow's) a function's first call imports: imported before it is
interruptible (see :func:`interruptible`)."""


def _refuse_constant(name):
    raise ValueError(f"{name} cannot cross the bridge; numbers must be finite.")


def _parse(request):
    request = json.loads(request, parse_constant=_refuse_constant)
    if not isinstance(request, dict) or not {"fn", "args", "kwargs"} <= set(request) <= {
            "fn", "args", "kwargs", "id"}:
        raise ValueError("a bridge request must be {'fn', 'args', 'kwargs'[, 'id']}.")
    if request["fn"] not in FUNCTIONS:
        raise ValueError(f"fn must be one of {', '.join(FUNCTIONS)}, got {request['fn']!r}.")
    return request


_PARAMETERS = {
    name: {*inspect.signature(train if name == "train" else f).parameters, "epochs"}
    for name, f in FUNCTIONS.items()
}


def _argument(name, message):
    """Return the argument an error message starts with, if function ``name`` takes it."""
    first = re.match(r"\w*", message).group()
    return first if first in _PARAMETERS.get(name, ()) else None


def call(request):
    """Run a JSON ``request`` and return the JSON reply; never raises on a bad request.

    Parameters
    ----------
    request : str
        ``{"fn": name, "args": [...], "kwargs": {...}}`` as JSON text, with an
        optional ``"id"`` that ``{"fn": "interrupt", "args": [id]}`` cancels.

    Returns
    -------
    str
        ``{"ok": result}``, or ``{"error": {"type", "message", "arg", "traceback"}}``.

    Examples
    --------
    >>> call('{"fn": "accuracy", "args": [[[1, 0]], [[1, 0]]], "kwargs": {}}')
    '{"ok": 1.0}'
    >>> json.loads(call('{"fn": "nope", "args": [], "kwargs": {}}'))["error"]["type"]
    'ValueError'
    """
    name = None
    try:
        parsed = _parse(request)
        name = parsed["fn"]
        with interruptible(parsed.get("id"), _IMPORTS.get(name, ())):
            result = FUNCTIONS[name](*parsed["args"], **parsed["kwargs"])
        return json.dumps({"ok": result}, allow_nan=False)
    except (Exception, KeyboardInterrupt) as error:  # every failure is data for the JVM
        return json.dumps({"error": {
            "type": type(error).__name__,
            "message": str(error),
            "arg": _argument(name, str(error)),
            "traceback": traceback.format_exc(),
        }})
