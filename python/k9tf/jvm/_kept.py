"""Networks the JVM side sent or received once, kept here so that later calls name them.

A Clojure network is an immutable value, so the JVM side encodes its weights
once: the first call that passes it sends ``{"#k9tf/net": ref, "value":
network}`` and this module keeps the checked network under ``ref``; later
calls send only ``{"#k9tf/net": ref}``. A request's ``"keep": ref`` keeps the
network the call returns (a training call's, say) under ``ref`` as well, so
the first call on it sends no weights either. The JVM side chooses the refs.

At most :data:`MAX_NETWORKS` networks and :data:`MAX_PARAMETERS` parameters
are kept (least recently used first out); a call naming a ref no longer kept
raises :class:`Missing` before anything runs, and the JVM side sends that
network again, in full. Kept networks never leave this module: they hold
their weights as read-only arrays of their packed parameters.
"""

import collections
import threading

from ..model import check_network, recall, stamped

MARK = "#k9tf/net"
"""The key of a network argument sent by reference."""

MAX_NETWORKS = 64
"""Most networks kept."""

MAX_PARAMETERS = 16_000_000
"""Most parameters (weights and biases) kept in all, about 64-128 MB."""

_kept = collections.OrderedDict()  # ref -> (network, parameters)
_lock = threading.Lock()


class Missing(Exception):
    """A request named a network by a ref that is not kept (any more)."""

    def __init__(self, ref):
        super().__init__(f"network {ref!r} is not kept here; send it again.")
        self.ref = ref


def _store(ref, network, parameters):
    with _lock:
        _kept[ref] = network, parameters
        _kept.move_to_end(ref)
        total = sum(n for _, n in _kept.values())
        while len(_kept) > MAX_NETWORKS or (total > MAX_PARAMETERS and len(_kept) > 1):
            _, (_, n) = _kept.popitem(last=False)
            total -= n


def _kept_form(spec, params, seed):
    network = stamped(spec, params, seed, arrays=True)
    return network, sum(p.size for p in params)


def resolve(value):
    """Return argument ``value``, with a network sent by reference replaced by the network.

    Raises
    ------
    Missing
        If ``value`` names a ref that is not kept.
    ValueError, TypeError
        If a network sent to keep is malformed (as :func:`check_network` would).
    """
    if type(value) is not dict or MARK not in value:
        return value
    ref = value[MARK]
    if "value" in value:
        network = value["value"]
        spec, params = check_network(network)
        kept, n = _kept_form(spec, params, network["seed"])
        _store(ref, kept, n)
        return kept
    with _lock:
        entry = _kept.get(ref)
        if entry is not None:
            _kept.move_to_end(ref)
    if entry is None:
        raise Missing(ref)
    return entry[0]


def _network_of(result):
    if isinstance(result, dict) and isinstance(result.get("network"), dict):
        return result["network"]  # train's {"network", "history"}
    return result


def keep(ref, result):
    """Keep the network ``result`` holds (a network, or train's dict) under ``ref``.

    Returns
    -------
    bool
        Whether it was kept: only a network k9tf made and nobody changed is.
    """
    network = _network_of(result)
    form = recall(network)
    if form is None:
        return False
    spec, params, _ = form
    _store(ref, *_kept_form(spec, params, network["seed"]))
    return True


def outgoing(result):
    """Return ``result`` with a network k9tf made holding its packed arrays, which pack fast.

    The arrays hold exactly the values of the network's lists.
    """
    network = _network_of(result)
    form = recall(network)
    if form is None:
        return result
    params = form[1]
    plain = {**network, "sizes": list(network["sizes"]),
             "layers": [{"weights": w, "biases": b} for w, b in zip(params[::2], params[1::2])]}
    return plain if network is result else {**result, "network": plain}


def forget():
    """Forget every kept network (the JVM side then sends each again); return how many."""
    with _lock:
        n = len(_kept)
        _kept.clear()
    return n
