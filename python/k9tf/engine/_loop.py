"""Whole-run gradient descent as one XLA-compiled ``tf.while_loop``.

The loop counts global steps ``s = 0, 1, ...`` over the whole call: step
``s`` is batch ``j = s % batches`` of epoch ``e = s // batches`` (``batches``
per epoch). One run of the compiled loop takes the steps ``start`` to
``start + steps - 1``, so a call can stop every fraction of a second (Ctrl-C,
reports) and resume where it left off with the same results.
"""

from typing import NamedTuple

import numpy as np

from ._feeds import SLOTS
from ._layers import correct, forward, pack, sample_losses, unpack
from ._tf import tf, tf1


class StepSettings(NamedTuple):
    """What a training step needs besides the params and the batch."""

    activation: str
    output: str
    loss: str
    trainable: tuple  # one bool per params tensor: False for biases of a bias-free network
    learning_rate: object  # a scalar tensor


def train_step(params, batch, settings):
    """Return ``(new params, sums)``: one gradient-descent update on ``batch``.

    ``batch`` is ``(x, t, m)``: inputs, targets and a mask (1 for real rows,
    0 for padding). The cost is the mean loss over the real rows. ``sums`` is
    a float64 vector ``[loss sum, correct count, real rows]`` over the batch,
    computed with the params before the update (what reports average).
    """
    x, t, m = batch
    z, y = forward(params, x, settings.activation, settings.output)
    losses = sample_losses(z, y, t, settings.loss)
    cost = tf.reduce_sum(losses * m) / tf.reduce_sum(m)
    trained = [p for p, on in zip(params, settings.trainable) if on]
    grads = iter(tf.gradients(cost, trained))
    new = [p - settings.learning_rate * next(grads) if on else p
           for p, on in zip(params, settings.trainable)]
    sums = tf.stack([tf.reduce_sum(losses * m), tf.reduce_sum(correct(y, t) * m),
                     tf.reduce_sum(m)])
    return new, tf.cast(sums, tf.float64)


def epoch_order(mask, seed, epoch):
    """Return the row order of a shuffled epoch ``epoch``: a permutation of the rows.

    The rows sort by random keys drawn from ``(seed[0], seed[1] + epoch)``;
    padding rows (mask 0) get keys above 1 and so sort last, and the keys of
    the real rows do not depend on how many padding rows follow.
    """
    rows = tf.shape(mask, out_type=tf.int64)[0]
    keys = tf.random.stateless_uniform([rows], tf.stack([seed[0], seed[1] + epoch]),
                                       dtype=mask.dtype)
    return tf.argsort(keys + 2 * (1 - mask))


def batch_at(data, order, j, batch_size):
    """Return batch ``j`` of ``data`` (inputs, targets, mask) taken in ``order``.

    The batch is rows ``j * batch_size`` on (all rows for full batch,
    ``batch_size`` None) of the data, or of the data permuted by ``order``
    when it is not None; a batch gathers only its own rows, so the data set is
    never copied whole.
    """
    if batch_size is None:
        return data if order is None else tuple(tf.gather(d, order) for d in data)
    offset = j * batch_size
    if order is not None:
        rows = tf.slice(order, [offset], [batch_size])
        return tuple(tf.gather(d, rows) for d in data)
    inputs, targets, mask = data
    return (tf.slice(inputs, [offset, 0], [batch_size, inputs.shape[1]]),
            tf.slice(targets, [offset, 0], [batch_size, targets.shape[1]]),
            tf.slice(mask, [offset], [batch_size]))


def steps_in_epoch(epoch, start, end, batches):
    """Return ``(first, last)``: the batches of ``epoch`` among global steps [start, end).

    Epoch ``e`` holds the global steps ``e * batches`` to ``(e + 1) * batches
    - 1``; clipping that range to [start, end) and subtracting ``e *
    batches`` gives the batch indices ``first <= j < last`` to run.
    """
    base = epoch * batches
    return tf.maximum(start, base) - base, tf.minimum(end, base + batches) - base


def run_steps(params, data, seed, start, steps, batches, batch_size, shuffle, settings, period):
    """Return ``(params, sums)`` after the global steps ``start`` to ``start + steps - 1``.

    ``sums[k]`` adds up :func:`train_step`'s sums over the steps ``s`` with
    ``s // period == start // period + k``: each of the :data:`SLOTS` rows
    covers one range of ``period`` steps (so a run spans at most that many).
    """
    end = start + steps
    base = start // period

    def epoch_body(epoch, params, sums):
        order = epoch_order(data[2], seed, epoch) if shuffle else None
        first, last = steps_in_epoch(epoch, start, end, batches)

        def batch_body(j, params, sums):
            params, batch_sums = train_step(params, batch_at(data, order, j, batch_size),
                                            settings)
            slot = (epoch * batches + j) // period - base
            return j + 1, params, tf.tensor_scatter_nd_add(sums, [[slot]], [batch_sums])

        _, params, sums = tf.while_loop(lambda j, *_: j < last, batch_body,
                                        (first, params, sums))
        return epoch + 1, params, sums

    # The epochs touched: from the one holding step `start` to the one holding step `end - 1`.
    first_epoch, end_epoch = start // batches, (end + batches - 1) // batches
    _, params, sums = tf.while_loop(lambda e, *_: e < end_epoch, epoch_body,
                                    (first_epoch, params, tf.zeros([SLOTS, 3], tf.float64)))
    return params, sums


class TrainLoop:
    """The compiled loop for one batch size and shuffle choice, fed per run.

    Feeds: the packed params, ``inputs``/``targets`` padded to any number of
    rows, a ``mask`` (1 for real rows), the learning rate, the first global
    step, the number of steps, a shuffle seed, the number of batches per epoch
    and the steps each row of the sums covers (see :func:`run_steps`). Each
    step updates on ``batch_size`` consecutive rows (all rows for full batch),
    averaging the loss over the real ones. Padding beyond the last batch
    changes nothing: no step reads it (see :func:`epoch_order`). The data set
    is the same array in every run of a call, read in place.
    """

    def __init__(self, model, batch_size, shuffle):
        dtype, sizes = model.dtype, model.sizes
        self.model, self.key = model, (("loop", batch_size, shuffle),)
        self.mask = tf1.placeholder(dtype, [None], name="mask")
        self.learning_rate = tf1.placeholder(dtype, [], name="learning_rate")
        self.start = tf1.placeholder(tf.int64, [], name="start")
        self.steps = tf1.placeholder(tf.int64, [], name="steps")
        self.seed = tf1.placeholder(tf.int64, [2], name="seed")
        self.batches = tf1.placeholder(tf.int64, [], name="batches")
        self.period = tf1.placeholder(tf.int64, [], name="period")
        trainable = tuple(model.bias or i % 2 == 0 for i in range(2 * (len(sizes) - 1)))

        @tf.function(jit_compile=True, autograph=False)
        def run(packed, inputs, targets, mask, learning_rate, start, steps, seed, batches,
                period):
            settings = StepSettings(model.activation, model.output, model.loss, trainable,
                                    learning_rate)
            params, sums = run_steps(unpack(packed, sizes), (inputs, targets, mask), seed,
                                     start, steps, batches, batch_size, shuffle, settings,
                                     period)
            return pack(params), sums

        self.feeds = [model.packed, model.inputs, model.targets, self.mask, self.learning_rate,
                      self.start, self.steps, self.seed, self.batches, self.period]
        self.outputs = list(run(*self.feeds))

    def run(self, session, packed, inputs, targets, mask, learning_rate, start, steps, seed,
            batches, period):
        """Return ``(packed params, sums)`` after ``steps`` updates from global step ``start``.

        ``sums`` is :func:`run_steps`' ``[loss sum, correct count, rows]`` per
        range of ``period`` steps.
        Feeding C-contiguous arrays aligned to 64 bytes (see
        :func:`~k9tf.engine._feeds.aligned`) lets TensorFlow read them in place, without a copy.
        """
        values = [packed, inputs, targets, mask, np.asarray(learning_rate, packed.dtype),
                  np.int64(start), np.int64(steps), seed, np.int64(batches), np.int64(period)]
        packed, sums = self.model.run(session, self.outputs, self.feeds, values,
                                      self.key + (len(inputs),))
        return packed, sums

