"""What the training loop and the call feeding it agree on, without importing TensorFlow."""

import numpy as np

SLOTS = 64
"""Step ranges (of ``period`` steps) whose sums one run of the loop keeps apart."""

EPOCH_ROWS = 256
"""Epochs one run of the loop reports on (its epoch table's length): a run spans at most these."""


def aligned(array, rows):
    """Return ``array`` padded with zero rows to ``rows``, in memory aligned to 64 bytes.

    TensorFlow copies a fed numpy array unless its data is aligned to
    Eigen's 64 bytes (large numpy arrays start 16 bytes into a page), so
    this one copy lets every later run of the call read the data in place.
    An array that is all that already is returned as it is.
    """
    if (len(array) == rows and array.flags.c_contiguous and array.ctypes.data % 64 == 0):
        return array
    shape = (rows,) + array.shape[1:]
    nbytes = int(np.prod(shape)) * array.itemsize
    raw = np.empty(nbytes + 64, np.uint8)
    skip = -raw.ctypes.data % 64
    out = raw[skip:skip + nbytes].view(array.dtype).reshape(shape)
    out[:len(array)] = array
    out[len(array):] = 0
    return out
