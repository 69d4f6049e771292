"""What the training loop and the call feeding it agree on, without importing TensorFlow."""

import math

import numpy as np

from ..model import empty_aligned

SLOTS = 1024
"""Step ranges (of ``period`` steps) whose sums one run of the loop keeps apart: so many that
a run ends for its time budget, not for its reports (64 cost 15-25 % of a 1,000-row online
call reporting every 200 steps)."""

EPOCH_ROWS = 256
"""Epochs one run of the loop reports on (its epoch table's length): a run spans at most these."""


BLOCK_ROWS = 65536
"""Rows per block of a large full-batch step: its gradient is summed block by block, so that
a block's activations stay in the cache (one pass over 1M rows cost 2.3x per row of 100k)."""


def full_batch_block(rows):
    """Return the block size of a full-batch step over ``rows`` rows, or None for one block."""
    return BLOCK_ROWS if rows >= 2 * BLOCK_ROWS else None


ALIGN_BYTES = 128 * 1024
"""Arrays from this size on are fed from 64-byte aligned memory; smaller ones are left to
TensorFlow to copy, which costs less than aligning them (benchmarks/RESULTS.md)."""


def aligned(array, rows):
    """Return ``array`` padded with zero rows to ``rows``, aligned to 64 bytes when large.

    TensorFlow copies a fed numpy array unless its data is aligned to
    Eigen's 64 bytes (large numpy arrays start 16 bytes into a page), and
    that copy of a large array costs more than aligning it once: then every
    later run of the call reads the data in place. Below
    :data:`ALIGN_BYTES` TensorFlow's own copy is the cheaper one. An array
    that needs neither padding nor aligning is returned as it is.
    """
    shape = (rows,) + array.shape[1:]
    nbytes = math.prod(shape) * array.itemsize
    if nbytes < ALIGN_BYTES:
        if len(array) == rows:
            return np.ascontiguousarray(array)
        out = np.zeros(shape, array.dtype)
        out[:len(array)] = array
        return out
    if (len(array) == rows and array.flags.c_contiguous
            and array.__array_interface__["data"][0] % 64 == 0):
        return array
    out = empty_aligned(shape, array.dtype)
    out[:len(array)] = array
    out[len(array):] = 0
    return out
