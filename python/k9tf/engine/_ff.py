"""The forward pass: k9's ``ff``."""

import gc
import threading
from contextlib import contextmanager

from ..model import InvalidValue, all_finite, check_inputs, checked_form

_GC_ROWS = 10_000  # outputs this long are turned into lists with the garbage collector paused
_gc_lock = threading.Lock()
_gc_pauses = [0, False]  # calls pausing it, whether k9tf turned it off


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector (if on) while millions of lists are made.

    ``tolist`` on a million rows makes a million lists, each of which counts
    towards the next collection; in a process holding TensorFlow's objects the
    collections cost several times the conversion. Lists of floats hold no
    cycles, so nothing is left for the collector to find afterwards.
    """
    with _gc_lock:
        if _gc_pauses[0] == 0:
            _gc_pauses[1] = gc.isenabled()
            gc.disable()
        _gc_pauses[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses[0] -= 1
            if _gc_pauses[0] == 0 and _gc_pauses[1]:
                gc.enable()


def ff(input, network):
    """Feed ``input`` forward through ``network`` and return the output neurons.

    The same call always gives the same bits. In a network of narrow layers
    (see :mod:`k9tf.engine._layers`) a row's output also depends only on that
    row: one input gives, bit for bit, the same output as the same row of any
    batch; wider layers use matrix products, which agree to rounding.

    Parameters
    ----------
    input : list of float, or list of lists
        One input vector (``sizes[0]`` numbers), or a list of them.
    network : dict
        A network from :func:`construct_network` or a training function.

    Returns
    -------
    list of float, or list of lists
        The output vector, or one per input row. With ``output="softmax"`` the
        values are class probabilities.

    Raises
    ------
    TypeError, ValueError
        On a malformed network, non-numeric or non-finite input, or an input
        of the wrong length.

    Examples
    --------
    >>> net = from_k9([[0, 0], [[0.12, 0.2, 0.13], [0.01, 0.02, 0.03]], [0, 0, 0],
    ...                [[0.15, 0.16], [0.02, 0.03], [0.01, 0.02]], [0, 0]])
    >>> ff([1, 0], net)
    [0.02315019005321053, 0.027608061500083568]
    """
    outputs, single = forward(input, network)
    if single:
        return outputs[0].tolist()  # checked by forward
    if len(outputs) < _GC_ROWS:
        return outputs.tolist()
    with _gc_paused():
        return outputs.tolist()


def forward(input, network):
    """Return ``(outputs, single)``: :func:`ff`'s outputs as a 2-D array, and whether one row.

    For callers that want numpy arrays, like the bridge; arguments as for :func:`ff`.
    """
    spec, params, _ = checked_form(network)
    matrix, single = check_inputs(input, spec["sizes"][0], spec["dtype"], units=sum(spec["sizes"]))
    from ._models import model_for  # noqa: PLC0415 - TensorFlow loads once the input is checked

    with model_for(spec) as (model, session):
        outputs = model.forward(session, params, matrix)
    if not all_finite(outputs):
        raise InvalidValue(None, "ff overflowed: the network's outputs are not finite for this "
                                 "input.")
    return outputs, single
