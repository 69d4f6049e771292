"""Whole-run gradient descent as one XLA-compiled ``tf.while_loop``.

The loop counts global steps ``s = 0, 1, ...`` over the whole call: step
``s`` is batch ``j = s % batches`` of epoch ``e = s // batches`` (``batches``
per epoch). One run of the compiled loop takes the steps ``start`` to
``start + steps - 1``, so a call can stop every fraction of a second (Ctrl-C,
reports) and resume where it left off with the same results: everything a
step depends on besides the params -- the optimizer's slots (see
:mod:`._optimizers`) and the running sums of the epoch in progress -- is fed
in and handed back out too.

Each completed epoch writes one row into the run's epoch table (at most
:data:`EPOCH_ROWS` rows): the sums over its batches of the batch losses (the
L2 penalty included) and right answers, each taken with the params before
its update (Keras' and scikit-learn's training loss), and the validation
set's loss and right answers with the params after the epoch's last update.
"""

from typing import NamedTuple

import numpy as np

from . import _optimizers as rules
from ._feeds import EPOCH_ROWS, SLOTS
from ._layers import correct, forward, pack, sample_losses, unpack
from ._tf import tf, tf1


class StepSettings(NamedTuple):
    """What a training step needs besides the params and the batch."""

    activation: str
    output: str
    loss: str
    trainable: tuple  # one bool per params tensor: False for biases of a bias-free network
    rule: tuple  # the optimizer's structure (see _optimizers.structure)
    hyper: dict  # the optimizer's fed numbers, as scalar tensors
    block: int  # rows per gradient block of a full-batch step, None: the batch at once


def train_step(params, slots, batch, rate, step, settings):
    """Return ``(params, slots, sums)`` after one update on ``batch``.

    ``batch`` is ``(x, t, m)``: inputs, targets and a mask (1 for real rows,
    0 for padding). The cost is the mean loss over the real rows (plus the L2
    penalty). ``sums`` is a float64 vector ``[loss sum, correct count, real
    rows]`` over the batch, the penalty times the rows included, computed
    with the params before the update (what reports average). ``rate`` is the
    epoch's learning rate, ``step`` the global step.
    """
    trained = [p for p, on in zip(params, settings.trainable) if on]
    if settings.block is None:
        grads, sums = _mean_gradients(params, trained, batch, settings)
    else:
        grads, sums = _blocked_gradients(params, trained, batch, settings)
    grads = iter(grads)
    grads = [next(grads) if on else None for on in settings.trainable]
    rows = tf.cast(sums[2], params[0].dtype)
    grads = rules.penalized(settings.rule, settings.hyper, params, grads, rows)
    new, slots = rules.update(settings.rule, settings.hyper, params, grads, slots, rate, step)
    if settings.rule[3]:  # the L2 penalty's share of the batch's loss sum
        penalty = rules.penalty(settings.rule, settings.hyper, params, rows) * rows
        sums = sums + tf.stack([tf.cast(penalty, tf.float64), 0, 0])
    return new, slots, sums


def _batch_terms(params, batch, settings):
    """Return the masked per-row losses of ``batch`` and its float64 ``[0, correct, rows]``."""
    x, t, m = batch
    z, y = forward(params, x, settings.activation, settings.output)
    losses = sample_losses(z, y, t, settings.loss) * m
    return losses, tf.cast(tf.stack([0, tf.reduce_sum(correct(y, t) * m), tf.reduce_sum(m)]),
                           tf.float64)


def _mean_gradients(params, trained, batch, settings):
    """Return the gradients of ``batch``'s mean loss, and its float64 sums, in one pass."""
    losses, sums = _batch_terms(params, batch, settings)
    total = tf.reduce_sum(losses)
    grads = tf.gradients(total / tf.cast(sums[2], total.dtype), trained)
    return grads, sums + tf.stack([tf.cast(total, tf.float64), 0, 0])


def _blocked_gradients(params, trained, batch, settings):
    """Return :func:`_mean_gradients`' results, summed over blocks of ``settings.block`` rows.

    Each block's activations stay in the cache, where one pass over all rows
    would stream them through memory. The rows past the last whole block are
    one more, smaller block (XLA knows every size when it compiles).
    """
    block, rows = settings.block, tf.shape(batch[2])[0]

    def part(d, start, size):
        return tf.slice(d, [start] + [0] * (d.shape.rank - 1), [size] + d.shape.as_list()[1:])

    def add(start, size, grad_sums, sums):
        losses, terms = _batch_terms(params, [part(d, start, size) for d in batch], settings)
        total = tf.reduce_sum(losses)
        grads = tf.gradients(total, trained)
        return ([a + g for a, g in zip(grad_sums, grads)],
                sums + terms + tf.stack([tf.cast(total, tf.float64), 0, 0]))

    def body(k, grad_sums, sums):
        return (k + 1, *add(k * block, block, grad_sums, sums))

    whole = rows // block
    _, grad_sums, sums = tf.while_loop(
        lambda k, *_: k < whole, body,
        (0, [tf.zeros_like(p) for p in trained], tf.zeros([3], tf.float64)))
    grad_sums, sums = add(whole * block, rows - whole * block, grad_sums, sums)
    count = tf.cast(sums[2], params[0].dtype)
    return [g / count for g in grad_sums], sums


def validation_sums(params, validation, settings):
    """Return the float64 ``[loss sum, correct count]`` of ``params`` on ``validation``.

    Each row's loss is summed in float64, so a large validation set loses no precision.
    """
    x, t = validation
    z, y = forward(params, x, settings.activation, settings.output)
    scores = tf.stack([sample_losses(z, y, t, settings.loss), correct(y, t)], 1)
    return tf.reduce_sum(tf.cast(scores, tf.float64), 0)


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


def run_steps(state, data, seed, start, steps, batches, batch_size, shuffle, settings, schedule,
              validation, period):
    """Return the loop state, the run's sums and its epoch table after steps ``start`` on.

    The steps are the global steps ``start`` to ``start + steps - 1``.
    ``state`` is ``(params, slots, epoch sums, period sums)``, the last two
    being the float64 :func:`train_step` sums of the epoch and of the range
    of ``period`` steps in progress. The run's ``sums[k]`` add up
    :func:`train_step`'s over the steps ``s`` with ``s // period == start //
    period + k``: each of the :data:`SLOTS` rows covers one range of
    ``period`` steps (so a run spans at most that many), the first
    continuing from the period sums, so that a range's sums are the same bits
    however the call's runs split it. Row ``k`` of the epoch table
    (``[loss sum, correct count, validation loss sum, validation correct
    count]``) is the ``k``-th epoch that ends in this run. ``schedule(epoch)``
    gives an epoch's learning rate; ``validation`` is ``(inputs, targets)``
    or None.
    """
    end = start + steps
    base = start // period
    first_epoch, end_epoch = start // batches, (end + batches - 1) // batches

    def epoch_body(epoch, params, slots, epoch_sums, sums, table):
        order = epoch_order(data[2], seed, epoch) if shuffle else None
        first, last = steps_in_epoch(epoch, start, end, batches)
        rate = schedule(epoch)

        def batch_body(j, params, slots, epoch_sums, sums):
            step = epoch * batches + j
            params, slots, batch_sums = train_step(
                params, slots, batch_at(data, order, j, batch_size), rate, step, settings)
            sums = tf.tensor_scatter_nd_add(sums, [[step // period - base]], [batch_sums])
            return j + 1, params, slots, epoch_sums + batch_sums, sums

        _, params, slots, epoch_sums, sums = tf.while_loop(
            lambda j, *_: j < last, batch_body, (first, params, slots, epoch_sums, sums))

        def close():  # the epoch ended in this run: write its row, start the next one's sums
            scores = (tf.zeros([2], tf.float64) if validation is None
                      else validation_sums(params, validation, settings))
            row = tf.concat([epoch_sums[:2], scores], 0)[None]
            return (tf.tensor_scatter_nd_update(table, [[epoch - first_epoch]], row),
                    tf.zeros_like(epoch_sums))

        table, epoch_sums = tf.cond(tf.equal(last, batches), close, lambda: (table, epoch_sums))
        return epoch + 1, params, slots, epoch_sums, sums, table

    # The epochs touched: from the one holding step `start` to the one holding step `end - 1`.
    params, slots, epoch_sums, period_sums = state
    sums = tf.tensor_scatter_nd_add(tf.zeros([SLOTS, 3], tf.float64), [[0]], [period_sums])
    _, params, slots, epoch_sums, sums, table = tf.while_loop(
        lambda e, *_: e < end_epoch, epoch_body,
        (first_epoch, params, slots, epoch_sums, sums, tf.zeros([EPOCH_ROWS, 4], tf.float64)))
    return (params, slots, epoch_sums), sums, table


class TrainLoop:
    """The compiled loop for one batch size, shuffle choice, optimizer and validation, fed per run.

    Feeds: the packed params, ``inputs``/``targets`` padded to any number of
    rows, a ``mask`` (1 for real rows), the learning rate, the first global
    step, the number of steps, a shuffle seed, the number of batches per
    epoch, and the :class:`LoopState` (the optimizer's slots, one packed
    vector per slot, and fed numbers, the sums of the epoch and of the report
    range in progress, the
    validation set when there is one). Each step updates on ``batch_size``
    consecutive rows (all rows for full batch), averaging the loss over the
    real ones. Padding beyond the last batch changes nothing: no step reads
    it (see :func:`epoch_order`). The data set is the same array in every run
    of a call, read in place.
    """

    def __init__(self, model, batch_size, shuffle, rule, validate, block):
        dtype, sizes = model.dtype, model.sizes
        self.model, self.key = model, (("loop", batch_size, shuffle, rule, validate, block),)
        self.slots = rules.slot_count(rule)
        self.mask = tf1.placeholder(dtype, [None], name="mask")
        self.learning_rate = tf1.placeholder(dtype, [], name="learning_rate")
        self.start = tf1.placeholder(tf.int64, [], name="start")
        self.steps = tf1.placeholder(tf.int64, [], name="steps")
        self.seed = tf1.placeholder(tf.int64, [2], name="seed")
        self.batches = tf1.placeholder(tf.int64, [], name="batches")
        self.period = tf1.placeholder(tf.int64, [], name="period")
        self.state = tf1.placeholder(dtype, [self.slots, model.packed.shape[0]], name="slots")
        self.hyper = tf1.placeholder(dtype, [len(rules.HYPER)], name="hyper")
        self.decay_epochs = tf1.placeholder(tf.int64, [], name="decay_epochs")
        self.epoch_sums = tf1.placeholder(tf.float64, [3], name="epoch_sums")
        self.period_sums = tf1.placeholder(tf.float64, [3], name="period_sums")
        self.validation = [tf1.placeholder(dtype, [None, sizes[0]], name="val_inputs"),
                           tf1.placeholder(dtype, [None, sizes[-1]], name="val_targets")
                           ] if validate else []
        trainable = tuple(model.bias or i % 2 == 0 for i in range(2 * (len(sizes) - 1)))

        @tf.function(jit_compile=True, autograph=False)
        def run(packed, inputs, targets, mask, learning_rate, start, steps, seed, batches,
                period, state, hyper, decay_epochs, epoch_sums, period_sums, *validation):
            hyper = rules.hyper_tensors(hyper)
            settings = StepSettings(model.activation, model.output, model.loss, trainable,
                                    rule, hyper, block)
            n_samples = tf.reduce_sum(mask)

            def schedule(epoch):
                return rules.epoch_rate(rule, learning_rate, hyper, epoch, n_samples,
                                        decay_epochs)

            slots = [unpack(state[i], sizes) for i in range(self.slots)]
            (params, slots, epoch_sums), sums, table = run_steps(
                (unpack(packed, sizes), slots, epoch_sums, period_sums), (inputs, targets, mask),
                seed,
                start, steps, batches, batch_size, shuffle, settings, schedule,
                tuple(validation) if validation else None, period)
            packed_slots = (tf.stack([pack(s) for s in slots]) if slots
                            else tf.zeros([0, packed.shape[0]], packed.dtype))
            return pack(params), packed_slots, epoch_sums, sums, table

        self.feeds = [model.packed, model.inputs, model.targets, self.mask, self.learning_rate,
                      self.start, self.steps, self.seed, self.batches, self.period, self.state,
                      self.hyper,
                      self.decay_epochs, self.epoch_sums, self.period_sums, *self.validation]
        self.outputs = list(run(*self.feeds))

    def run(self, session, packed, data, learning_rate, start, steps, seed, batches, period,
            state):
        """Return ``(packed params, state, sums, table)`` after ``steps`` updates from ``start``.

        ``data`` is the padded ``(inputs, targets, mask)``; ``state`` is the
        :class:`LoopState` the previous run handed back (or a fresh one), and
        the result's state continues it. ``sums`` is :func:`run_steps`'
        ``[loss sum, correct count, rows]`` per range of ``period`` steps,
        ``table`` its epoch table. Feeding C-contiguous arrays aligned to 64
        bytes (see :func:`~k9tf.engine._feeds.aligned`) lets TensorFlow read
        them in place, without a copy.
        """
        values = [packed, *data, np.asarray(learning_rate, packed.dtype), np.int64(start),
                  np.int64(steps), seed, np.int64(batches), np.int64(period), state.slots,
                  state.hyper,
                  np.int64(state.decay_epochs), state.epoch_sums, state.period_sums,
                  *state.validation]
        shape = self.key + (len(data[0]),) + tuple(len(v) for v in state.validation[:1])
        packed, slots, epoch_sums, sums, table = self.model.run(
            session, self.outputs, self.feeds, values, shape)
        return packed, state._replace(slots=slots, epoch_sums=epoch_sums), sums, table


class LoopState(NamedTuple):
    """What a run of the loop needs besides the params, handed from one run to the next."""

    slots: np.ndarray  # the optimizer's slots, one packed vector per row
    epoch_sums: np.ndarray  # float64 train_step sums of the epoch in progress
    period_sums: np.ndarray  # float64 train_step sums of the report range in progress
    hyper: np.ndarray  # the optimizer's fed numbers (_optimizers.hyper_values)
    decay_epochs: int
    validation: tuple  # (inputs, targets) arrays, or () without validation


def fresh_state(rule, options, n_params, dtype, validation):
    """Return the :class:`LoopState` a call starts from: zero slots and sums."""
    return LoopState(np.zeros((rules.slot_count(rule), n_params), dtype), np.zeros(3),
                     np.zeros(3), np.asarray(rules.hyper_values(options), dtype),
                     options["decay_epochs"],
                     () if validation is None else tuple(validation))
