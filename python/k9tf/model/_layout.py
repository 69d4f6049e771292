"""The packed parameter layout: how a network's weights and biases line up in one vector.

Every part of k9tf that moves parameters (validation, the cache, the
TensorFlow graphs, the plain-data network, export) goes through these
functions, so the order is written down once: for each layer, its weights
``(n_in, n_out)`` row by row, then its biases ``(n_out,)``.
"""

import math

import numpy as np


def shapes_of(sizes):
    """Return the parameter shapes ``[w0, b0, w1, b1, ...]`` of ``sizes``, in packed order.

    Parameters
    ----------
    sizes : Sequence of int
        Layer widths, input first.

    Returns
    -------
    list of tuple
        ``(n_in, n_out)`` for each weight matrix, ``(n_out,)`` for each bias vector.

    Examples
    --------
    >>> shapes_of([2, 3, 2])
    [(2, 3), (3,), (3, 2), (2,)]
    """
    return [shape for n_in, n_out in zip(sizes[:-1], sizes[1:])
            for shape in ((n_in, n_out), (n_out,))]


def count(sizes):
    """Return the number of parameters (weights and biases) of layer ``sizes``.

    Examples
    --------
    >>> count([2, 3, 2])
    17
    """
    return sum(map(math.prod, shapes_of(sizes)))


def slices_of(sizes):
    """Return ``[(start, stop, shape), ...]``: where each parameter lies in the packed vector.

    Examples
    --------
    >>> slices_of([2, 1])
    [(0, 2, (2, 1)), (2, 3, (1,))]
    """
    slices, start = [], 0
    for shape in shapes_of(sizes):
        stop = start + math.prod(shape)
        slices.append((start, stop, shape))
        start = stop
    return slices


def unpack(packed, sizes):
    """Return ``[w0, b0, w1, b1, ...]`` as views into the flat ``packed`` for layer ``sizes``.

    Parameters
    ----------
    packed : numpy.ndarray
        The parameters, flat, in packed order.
    sizes : Sequence of int
        Layer widths, input first.

    Returns
    -------
    list of numpy.ndarray
        Weights shaped ``(n_in, n_out)`` and biases shaped ``(n_out,)``.
    """
    return [packed[start:stop].reshape(shape) for start, stop, shape in slices_of(sizes)]


def empty_aligned(shape, dtype):
    """Return an uninitialised array of ``shape`` whose data starts on a 64-byte boundary.

    TensorFlow reads a fed array in place only when it is aligned to Eigen's
    64 bytes, and copies it otherwise (numpy aligns to 16).
    """
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    raw = np.empty(nbytes + 64, np.uint8)
    skip = -raw.__array_interface__["data"][0] % 64
    return raw[skip:skip + nbytes].view(dtype).reshape(shape)


def pack(params):
    """Return ``[w0, b0, w1, b1, ...]`` as one flat vector (a new array, 64-byte aligned).

    Examples
    --------
    >>> pack([np.ones((2, 1)), np.zeros(1)]).tolist()
    [1.0, 1.0, 0.0]
    """
    flat = [np.ravel(p) for p in params]
    out = empty_aligned((sum(map(len, flat)),), np.result_type(*flat))
    return np.concatenate(flat, out=out)


def aligned_params(packed, sizes):
    """Return ``[w0, b0, ...]`` of the aligned ``packed`` as read-only arrays aligned to 64 bytes.

    Each is a view into ``packed`` where its start is aligned and a copy where
    not, so TensorFlow can read every one of them in place (see
    :func:`empty_aligned`).
    """
    params = []
    for view in unpack(packed, sizes):
        if view.__array_interface__["data"][0] % 64:
            copied = empty_aligned(view.shape, view.dtype)
            copied[...] = view
            view = copied
        view.flags.writeable = False
        params.append(view)
    return params


def layer_pairs(params):
    """Return ``[(w0, b0), (w1, b1), ...]``: the flat parameter list paired by layer."""
    return list(zip(params[::2], params[1::2]))


def to_layers(params):
    """Return the plain-data ``layers`` of a network: ``[{"weights": ..., "biases": ...}]``.

    Values become Python floats exactly (a float32 weight is carried as the
    double it equals).
    """
    return [{"weights": w.tolist(), "biases": b.tolist()} for w, b in layer_pairs(params)]
