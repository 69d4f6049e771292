"""Networks that remember their checked form: the lists k9tf returns notice when they change.

Every network k9tf returns (:func:`construct_network`, training, ``from_k9``,
``load_network``...) is a plain ``dict`` whose lists (``sizes``, ``layers``,
each ``weights`` matrix and its rows, each ``biases`` vector) are a private
subclass of ``list`` that behaves, prints, compares, copies and serialises as
a list. They share one *stamp* holding the network's checked form (its spec
and packed parameters), and every list method that changes a list in place
(``__setitem__``, ``append``, ``sort``, ``+=``...) drops the stamp's form for
good. :func:`recall` returns the form only while the network is the one
stamped: its other values (version, options, seed) are equal and of the same
types as then, each layer dict still holds the stamped lists, and no list was
changed since. That check looks at each layer once and at no weight, so a
network of any size is checked in microseconds.

Copies (``copy.copy``, ``copy.deepcopy``, ``pickle``, slicing) are plain lists,
checked in full on their first call. Changes that bypass the subclass's
methods (``list.append(row, x)`` called on the base class, or C code writing
into the list) are not noticed.
"""

import numpy as np

from ._layout import aligned_params, pack
from ._presets import FORMAT_VERSION

_SCALARS = ("version", "model", "activation", "output", "loss", "bias", "init", "dtype", "seed")
"""The network's keys other than ``sizes`` and ``layers``, compared by value and type."""


class _Stamp:
    """What a network's lists share: its checked form, while none of them has changed."""

    __slots__ = ("form", "values", "types", "ids", "arrays")

    def __init__(self, form, values):
        self.form = form  # (spec, params tuple, packed), or None once a list changed
        self.values = values
        self.types = tuple(map(type, values))
        self.ids = ()
        self.arrays = ()


class _List(list):
    """A list that drops its network's checked form when changed in place."""

    __slots__ = ("_stamp",)

    def _changed(self):
        try:
            self._stamp.form = None
        except AttributeError:  # made outside k9tf: belongs to no stamp
            pass

    def __reduce_ex__(self, protocol):  # copies and pickles are plain lists
        return list, (list(self),)

    def __setitem__(self, index, value):
        self._changed()
        list.__setitem__(self, index, value)

    def __delitem__(self, index):
        self._changed()
        list.__delitem__(self, index)

    def __iadd__(self, other):
        self._changed()
        return list.__iadd__(self, other)

    def __imul__(self, n):
        self._changed()
        return list.__imul__(self, n)

    def append(self, value):
        """Append ``value`` (see ``list.append``)."""
        self._changed()
        list.append(self, value)

    def extend(self, values):
        """Extend with ``values`` (see ``list.extend``)."""
        self._changed()
        list.extend(self, values)

    def insert(self, index, value):
        """Insert ``value`` before ``index`` (see ``list.insert``)."""
        self._changed()
        list.insert(self, index, value)

    def pop(self, index=-1):
        """Remove and return the item at ``index`` (see ``list.pop``)."""
        self._changed()
        return list.pop(self, index)

    def remove(self, value):
        """Remove the first ``value`` (see ``list.remove``)."""
        self._changed()
        list.remove(self, value)

    def clear(self):
        """Remove every item (see ``list.clear``)."""
        self._changed()
        list.clear(self)

    def reverse(self):
        """Reverse in place (see ``list.reverse``)."""
        self._changed()
        list.reverse(self)

    def sort(self, *, key=None, reverse=False):
        """Sort in place (see ``list.sort``)."""
        self._changed()
        list.sort(self, key=key, reverse=reverse)


def _tracked(items, stamp):
    out = _List(items)
    out._stamp = stamp
    return out


def stamped(spec, params, seed, *, arrays=False):
    """Return the network of ``spec``, ``params`` and ``seed``, remembering its checked form.

    Parameters
    ----------
    spec : dict
        ``sizes``, ``model`` and the options, as :func:`check_network` returns them.
    params : list of numpy.ndarray
        ``[w0, b0, w1, b1, ...]`` (any float dtype; cast to the spec's).
    seed : int or None
        The network's seed.
    arrays : bool, default=False
        Hold each weight matrix and bias vector as a read-only numpy array
        instead of lists: for networks that never leave k9tf (the bridge's).

    Returns
    -------
    dict
        The network; its values are Python floats equal to the packed
        parameters (a float32 weight is carried as the double it equals).
    """
    sizes = list(spec["sizes"])
    packed = pack([np.asarray(p, spec["dtype"]) for p in params])
    packed.flags.writeable = False
    views = aligned_params(packed, sizes)
    spec = {**spec, "sizes": sizes}
    network = {"version": FORMAT_VERSION, **spec, "seed": seed}
    stamp = _Stamp((spec, tuple(views), packed), tuple(network[k] for k in _SCALARS))
    if arrays:
        leaves = views
        stamp.arrays = tuple(views)
    else:
        leaves = [_tracked(map(_tracked, v.tolist(), [stamp] * len(v)), stamp) if v.ndim == 2
                  else _tracked(v.tolist(), stamp) for v in views]
    network["sizes"] = _tracked(sizes, stamp)
    network["layers"] = _tracked(
        ({"weights": w, "biases": b} for w, b in zip(leaves[::2], leaves[1::2])), stamp)
    stamp.ids = (id(network["sizes"]), id(network["layers"]), *map(id, leaves))
    return network


def recall(network):
    """Return ``(spec, params, packed)`` if ``network`` is as :func:`stamped` made it, else None.

    ``spec`` is the stamp's own dict: callers copy it before handing it on.
    """
    if type(network) is not dict or len(network) != len(_SCALARS) + 2:
        return None
    layers, sizes = network.get("layers"), network.get("sizes")
    if type(layers) is not _List or type(sizes) is not _List:
        return None
    stamp = layers._stamp
    form = stamp.form
    if (form is None or sizes._stamp is not stamp or id(sizes) != stamp.ids[0]
            or id(layers) != stamp.ids[1]):
        return None
    values = tuple(map(network.get, _SCALARS))
    if values != stamp.values or tuple(map(type, values)) != stamp.types:
        return None
    ids, arrays = stamp.ids, stamp.arrays
    for i, layer in enumerate(layers):
        if type(layer) is not dict or len(layer) != 2:
            return None
        weights, biases = layer.get("weights"), layer.get("biases")
        if arrays:
            if weights is not arrays[2 * i] or biases is not arrays[2 * i + 1]:
                return None
        elif (type(weights) is not _List or type(biases) is not _List
              or weights._stamp is not stamp or biases._stamp is not stamp
              or id(weights) != ids[2 + 2 * i] or id(biases) != ids[3 + 2 * i]):
            return None
    return form if stamp.form is form else None
