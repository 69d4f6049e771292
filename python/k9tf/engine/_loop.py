"""Whole-run gradient descent as one XLA-compiled ``tf.while_loop``.

The loop counts global steps ``s = 0, 1, ...`` over the whole call: step
``s`` is batch ``j = s % batches`` of epoch ``e = s // batches`` (``batches``
per epoch). One run of the compiled loop takes the steps ``start`` to
``start + steps - 1``, so a call can stop every fraction of a second (Ctrl-C,
reports) and resume where it left off with the same results.
"""

from typing import NamedTuple

import numpy as np

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
    """Return ``(new params, (loss sum, correct count))`` of one update on ``batch``.

    ``batch`` is ``(x, t, m)``: inputs, targets and a mask (1 for real rows,
    0 for padding). The cost is the mean loss over the real rows; the sums
    are over the real rows too, computed with the params before the update.
    """
    x, t, m = batch
    z, y = forward(params, x, settings.activation, settings.output)
    losses = sample_losses(z, y, t, settings.loss)
    cost = tf.reduce_sum(losses * m) / tf.reduce_sum(m)
    trained = [p for p, on in zip(params, settings.trainable) if on]
    grads = iter(tf.gradients(cost, trained))
    new = [p - settings.learning_rate * next(grads) if on else p
           for p, on in zip(params, settings.trainable)]
    return new, (tf.reduce_sum(losses * m), tf.reduce_sum(correct(y, t) * m))


def epoch_order(data, seed, epoch, shuffle):
    """Return ``data`` (inputs, targets, mask) in epoch ``epoch``'s order.

    Shuffling sorts the rows by random keys drawn from ``(seed[0], seed[1] +
    epoch)``; padding rows (mask 0) get keys above 1 and so sort last, and the
    keys of the real rows do not depend on how many padding rows follow.
    """
    inputs, targets, mask = data
    if not shuffle:
        return data
    rows = tf.shape(inputs, out_type=tf.int64)[0]
    keys = tf.random.stateless_uniform([rows], tf.stack([seed[0], seed[1] + epoch]),
                                       dtype=mask.dtype)
    order = tf.argsort(keys + 2 * (1 - mask))
    return tf.gather(inputs, order), tf.gather(targets, order), tf.gather(mask, order)


def batch_at(data, j, batch_size):
    """Return batch ``j``: rows ``j * batch_size`` on of ``data``, or all rows (None)."""
    if batch_size is None:
        return data
    inputs, targets, mask = data
    offset = j * batch_size
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


def run_steps(params, data, seed, start, steps, batches, batch_size, shuffle, settings):
    """Return the params after the global steps ``start`` to ``start + steps - 1``."""
    end = start + steps

    def epoch_body(epoch, params):
        ordered = epoch_order(data, seed, epoch, shuffle)
        first, last = steps_in_epoch(epoch, start, end, batches)

        def batch_body(j, params):
            return j + 1, train_step(params, batch_at(ordered, j, batch_size), settings)[0]

        _, params = tf.while_loop(lambda j, _: j < last, batch_body, (first, params))
        return epoch + 1, params

    # The epochs touched: from the one holding step `start` to the one holding step `end - 1`.
    first_epoch, end_epoch = start // batches, (end + batches - 1) // batches
    _, params = tf.while_loop(lambda e, _: e < end_epoch, epoch_body, (first_epoch, params))
    return params


class TrainLoop:
    """The compiled loop for one batch size and shuffle choice, fed per run.

    Feeds: the packed params, ``inputs``/``targets`` padded to any number of
    rows, a ``mask`` (1 for real rows), the learning rate, the first global
    step, the number of steps, a shuffle seed and the number of batches per
    epoch. Each step updates on ``batch_size`` consecutive rows (all rows for
    full batch), averaging the loss over the real ones. Padding beyond the
    last batch changes nothing: no step reads it (see :func:`epoch_order`).
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
        trainable = tuple(model.bias or i % 2 == 0 for i in range(2 * (len(sizes) - 1)))

        @tf.function(jit_compile=True, autograph=False)
        def run(packed, inputs, targets, mask, learning_rate, start, steps, seed, batches):
            settings = StepSettings(model.activation, model.output, model.loss, trainable,
                                    learning_rate)
            params = run_steps(unpack(packed, sizes), (inputs, targets, mask), seed, start,
                               steps, batches, batch_size, shuffle, settings)
            return pack(params)

        self.feeds = [model.packed, model.inputs, model.targets, self.mask, self.learning_rate,
                      self.start, self.steps, self.seed, self.batches]
        self.output = run(*self.feeds)

    def run(self, session, packed, inputs, targets, mask, learning_rate, start, steps, seed,
            batches):
        """Return the packed params after ``steps`` updates from global step ``start``."""
        values = [packed, inputs, targets, mask, np.asarray(learning_rate, packed.dtype),
                  np.int64(start), np.int64(steps), seed, np.int64(batches)]
        return self.model.run(session, [self.output], self.feeds, values,
                              self.key + (len(inputs),))[0]
