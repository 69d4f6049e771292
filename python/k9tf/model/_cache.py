"""Validated networks, remembered by their stamp or by an exact snapshot of their data.

Checking a network (:func:`check_network`) costs more than running a small
one. A network k9tf returned carries its checked form (see
:mod:`k9tf.model._tracked`), found in microseconds at any size while it is
unchanged. For any other network, :func:`checked_network` remembers the
result of small ones, keyed by a ``marshal``
serialisation of the network: a byte string that two networks share only if
they hold the same keys, the same container and value types and the same
float bits. Layers may hold numeric numpy arrays (the bridge's networks do),
which enter the key as their dtype, shape and bytes. A network mutated in
place serialises differently and is checked again, so a cached result is
never stale. Networks holding anything else (numpy scalars, which marshal
would write as bare bytes, dict subclasses, tuples) or large ones are checked
every time. A version-2 network's ``data`` (nested dicts and lists of
names and numbers) enters the key as it is.
"""

import collections
import copy
import marshal
import threading

import numpy as np

from ._layout import aligned_params, count, pack
from ._tracked import _List, recall
from ._validation import check_network

MAX_ENTRIES = 64
"""Networks remembered (least recently used first out)."""

MAX_PARAMETERS = 8192
"""Largest network (in weights and biases) remembered by snapshot; bigger ones that k9tf did
not return (or that changed since) are checked every call."""

_entries = collections.OrderedDict()
_lock = threading.Lock()


def _parameters(network):
    sizes = network.get("sizes") if isinstance(network, dict) else None
    if not isinstance(sizes, list) or not all(type(n) is int for n in sizes):
        return None
    return count(sizes)


_SCALARS = {int, float, bool, str, type(None)}
"""Types marshal writes faithfully (exact types only: it writes any buffer as bytes)."""


def _plain(value):
    """Return whether ``value`` is a scalar, a list of them, or a list of such lists."""
    if type(value) in _SCALARS:
        return True
    if type(value) is not list:
        return False
    types = {*map(type, value)}
    return types <= _SCALARS or (types == {list} and all(
        {*map(type, row)} <= _SCALARS for row in value))


def _plain_tree(value):
    """Return whether ``value`` is plain (see :func:`_plain`) or a str-keyed dict of such trees."""
    if type(value) is dict:
        return all(type(k) is str and _plain_tree(v) for k, v in value.items())
    return _plain(value)


def _tagged(value):
    """Return a layer's value in a form for the key that no other value shares, or None."""
    if type(value) is np.ndarray and value.dtype.kind in "biuf":
        return "array", value.dtype.str, value.shape, value.tobytes()
    return ("value", value) if _plain(value) else None


def _snapshot(network):
    parameters = _parameters(network)
    layers = network.get("layers") if parameters is not None else None
    if parameters is None or parameters > MAX_PARAMETERS or type(network) is not dict:
        return None
    top = {k: list(v) if type(v) is _List else v for k, v in network.items() if k != "layers"}
    if (type(layers) not in (list, _List) or not all(type(layer) is dict for layer in layers)
            or not all(type(k) is str and (_plain(v) or (k == "data" and _plain_tree(v)))
                       for k, v in top.items())):
        return None
    tagged = [{k: _tagged(v) for k, v in layer.items()} for layer in layers]
    if not all(type(k) is str and v is not None for layer in tagged for k, v in layer.items()):
        return None
    return marshal.dumps({**top, "layers": tagged}, 2)  # version 2: no back-references


def checked_form(network):
    """Return :func:`checked_network`'s ``(spec, params, packed)``, shared: read, never change.

    For the hot path of a call that only reads them; ``params`` is a tuple.
    """
    hit = recall(network)
    if hit is not None:
        return hit
    key = _snapshot(network)
    if key is not None:
        with _lock:
            hit = _entries.get(key)
            if hit is not None:
                _entries.move_to_end(key)
                return hit
    spec, params = check_network(network)
    packed = pack(params)
    packed.flags.writeable = False
    hit = spec, tuple(aligned_params(packed, spec["sizes"])), packed
    if key is not None:
        with _lock:
            _entries[key] = hit
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return hit


def checked_network(network):
    """Return ``(spec, params, packed)`` for ``network``, as :func:`check_network` would.

    Parameters
    ----------
    network : dict
        A network, possibly malformed (then this raises like :func:`check_network`).

    Returns
    -------
    spec : dict
        A fresh copy of the network's spec (sizes, model and options).
    params : list of numpy.ndarray
        ``[w0, b0, w1, b1, ...]``, read-only and 64-byte aligned: views into
        ``packed`` where aligned, else copies (see :func:`aligned_params`).
    packed : numpy.ndarray
        All parameters in one read-only vector of the network's dtype.
    """
    spec, params, packed = checked_form(network)
    spec = {**spec, "sizes": list(spec["sizes"])}
    if "data" in spec:
        spec["data"] = copy.deepcopy(spec["data"])
    return spec, list(params), packed
