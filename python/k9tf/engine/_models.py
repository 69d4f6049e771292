"""The models in use and the least recently used ones kept: one per architecture.

A model (graph, sessions, compiled functions) is closed only once no call is
using it; at most :data:`MAX_MODELS` idle ones are kept.
"""

import collections
import threading

from ._graph import Model

MAX_MODELS = 16
"""Architectures whose graph and session are kept (about 5 MB each)."""

_models = collections.OrderedDict()
_models_lock = threading.Lock()


class model_for:  # noqa: N801 - used as a function: ``with model_for(spec) as (model, session)``
    """Use the cached :class:`Model` for a network ``spec``: yield ``(model, session)``.

    The model and session stay open until the ``with`` block ends, whatever
    other threads do; the least recently used idle models beyond
    :data:`MAX_MODELS` are closed as calls begin and end (so while more than
    that many are in use at once, more are kept). A class, not a generator:
    it is on the path of every call.
    """

    __slots__ = ("model", "session")

    def __init__(self, spec):
        key = (tuple(spec["sizes"]), spec["activation"], spec["output"], spec["loss"],
               spec["bias"], spec["dtype"])
        with _models_lock:
            model = _models.get(key)
            if model is None:
                model = _models[key] = Model(list(key[0]), *key[1:])
            _models.move_to_end(key)
            self.model, self.session = model, model.sessions.acquire()
            _evict()

    def __enter__(self):
        return self.model, self.session

    def __exit__(self, *exc):
        self.model.sessions.release(self.session)
        with _models_lock:
            _evict()


def _evict():
    """Close the least recently used idle models beyond :data:`MAX_MODELS` (lock held)."""
    if len(_models) <= MAX_MODELS:  # the common case: nothing to close, no lock to take
        return
    idle = [k for k, m in _models.items() if not m.sessions.in_use()]  # oldest first
    for old in idle[:max(0, len(_models) - MAX_MODELS)]:
        _models.pop(old).sessions.close()
