"""The training loop of one call: chunks of compiled steps, reports, the divergence check.

Reports cost next to nothing by default (``report="running"``): the compiled
loop adds up each step's batch loss, correct count and rows (computed with
the weights before the step's update, as Keras' running means are), and a
record averages those since the previous one, without stopping the loop
unless the record needs the weights of its step (validation). The record at step 0, before
any step, evaluates at most :data:`SAMPLE_ROWS` evenly spaced training rows.
``report="full"`` evaluates the whole training set at every record instead.
"""

import logging
import math
import time

import numpy as np

from ..model import pack, unpack
from ._feeds import SLOTS, aligned

logger = logging.getLogger("k9tf")

SAMPLE_ROWS = 1024
"""Most training rows the first record (step 0) of a running report evaluates."""

_CHUNK_SECONDS = 0.25  # the XLA loop returns to Python this often (Ctrl-C, progress)
_GUESS_SECONDS = (1e-6, 1e-8)  # a first chunk's cost per step, and per row x parameter


def _log_record(record):
    logger.info("Cost function value as of step %d: %f", record["step"], record["cost"])
    logger.info("Accuracy for training dataset: %.3f", record["train_accuracy"])
    if record["validation_accuracy"] is not None:
        logger.info("Validation accuracy estimate: %.3f", record["validation_accuracy"])


def _bucket(rows):
    """Return the padded row count for ``rows``: a power of two, at least 64."""
    return 1 << max(6, (rows - 1).bit_length())


def _padded(args):
    """Return inputs, targets and mask, padded to a row bucket except for full batch.

    They are fed to every run of the call, aligned so that TensorFlow reads
    them in place (:func:`~k9tf.engine._feeds.aligned`).
    """
    n = len(args.x)
    rows = n if args.batch_size is None else _bucket(args.batches * args.size)
    mask = np.zeros(rows, args.x.dtype)
    mask[:n] = 1
    return aligned(args.x, rows), aligned(args.y, rows), aligned(mask, rows)


class Run:
    """One training call in progress: its arguments, the current params and the history.

    ``segments`` lists ``(first step, end step, loss sum, correct count,
    rows)``: the sums of the batches of steps ``first`` to ``end - 1``, each
    segment within one range of ``period`` steps (``report_every`` when
    reporting), from which per-record and per-range means are built. With
    ``epoch_sums`` no segment straddles an epoch's end either, so that
    per-epoch means can be built too.

    The compiled loop stops at a record's step only when the record needs the
    weights there (validation, ``report="full"``, the session loop); running
    records are otherwise taken as the loop returns, at most
    :data:`~k9tf.engine._feeds.SLOTS` periods apart.
    """

    def __init__(self, args, epoch_sums=False):
        self.args = args
        self.packed = args.packed
        self.history = {"step": [], "cost": [], "train_accuracy": [], "validation_accuracy": [],
                        "seconds": []}
        self.segments = []
        every, total = args.report_every, args.total
        self.period = total if every is None else min(every, total)
        if epoch_sums:
            self.period = math.gcd(self.period, args.batches)
        self.stops = every is not None and (
            args.validation is not None or args.report == "full" or args.loop == "session")
        self._recorded = (0, 0)  # the last record's step, and the segments averaged so far
        self._padding = None
        self.started = time.perf_counter()

    def _scores(self, step):
        """Return ``(cost, train accuracy)`` for the record at ``step``."""
        args = self.args
        if args.report == "running" and step > 0:
            done = self._recorded[1]
            count = next(i for i, s in enumerate(self.segments[done:], done + 1) if s[1] == step)
            sums = np.sum([s[2:] for s in self.segments[done:count]], axis=0)
            self._recorded = (step, count)
            return float(sums[0] / sums[2]), float(sums[1] / sums[2])
        x, y = args.x, args.y
        if args.report == "running" and len(x) > SAMPLE_ROWS:
            every = math.ceil(len(x) / SAMPLE_ROWS)
            x, y = x[::every], y[::every]
        self._recorded = (step, self._recorded[1])
        return self.model.evaluate(self.session, self.packed, x, y)

    def report(self, step):
        """Score the weights at ``step`` (see the module's text), record, log and call back."""
        args = self.args
        cost, acc = self._scores(step)
        val = None
        if args.validation is not None:
            val = self.model.evaluate(self.session, self.packed, *args.validation)[1]
        record = {"step": step, "cost": cost, "train_accuracy": acc,
                  "validation_accuracy": val, "seconds": time.perf_counter() - self.started}
        for key, value in record.items():
            self.history[key].append(value)
        _log_record(record)
        if args.callback is not None:
            args.callback(dict(record))

    def _running_records(self, step):
        """Take the running records of the report steps up to ``step`` not taken yet."""
        every, total = self.args.report_every, self.args.total
        if every is None or self.stops:
            return
        mark = self._recorded[0]
        while True:
            mark = min(total, (mark // every + 1) * every)
            if mark > step:
                return
            self.report(mark)
            if mark == total:
                return

    def check_finite(self, step):
        """Raise if the weights left the finite numbers (the learning rate is too high)."""
        if not np.isfinite(self.packed).all():
            raise ValueError(f"training diverged: weights became NaN or Inf by step {step}; "
                             f"use a smaller learning_rate than {self.args.learning_rate!r}.")

    def next_mark(self, step):
        """Return the step after ``step`` at which the loop must stop: a record's, or the end."""
        every, total = self.args.report_every, self.args.total
        if not self.stops:
            return total
        return min(total, (step // every + 1) * every)

    def run(self):
        """Train, reporting every ``report_every`` steps and at the end; return the params."""
        from ._models import model_for  # noqa: PLC0415 - TensorFlow loads on first use

        args = self.args
        with model_for(args.spec) as (self.model, self.session):
            step = 0
            if args.report_every is not None:
                self.report(step)
            while step < args.total:
                step = self._advance(step, self.next_mark(step))
                if self.stops:
                    self.report(step)
        return self.packed

    def _advance(self, step, mark):
        if self.args.loop == "session":
            return self._advance_session(step, mark)
        args, period = self.args, self.period
        if self._padding is None:
            self._padding = _padded(args)
        inputs, targets, mask = self._padding
        loop = self.model.loop(args.batch_size, args.shuffle)
        key = loop.key + (len(inputs),)
        rate = self.model.rates.get(key)
        if rate is None:
            rate = _GUESS_SECONDS[0] + _GUESS_SECONDS[1] * args.size * len(self.packed)
        while step < mark:
            n = min(mark - step, max(1, int(_CHUNK_SECONDS / rate)),
                    SLOTS * period - step % period)  # at most SLOTS periods
            began = time.perf_counter()
            self.packed, sums = loop.run(self.session, self.packed, inputs, targets, mask,
                                         args.learning_rate, step, n, args.seed_pair,
                                         args.batches, period)
            first = step // period * period
            for k, row in enumerate(sums.tolist()):
                lo, hi = max(step, first + k * period), min(step + n, first + (k + 1) * period)
                if lo < hi:
                    self.segments.append((lo, hi, *row))
            step += n
            self.check_finite(step)
            self._running_records(step)
            rate = (time.perf_counter() - began) / n
        self.model.rates[key] = rate
        return step

    def _advance_session(self, step, mark):
        args = self.args
        stepper = self.model.stepper()
        sums = np.zeros(3)
        with stepper.lock:
            stepper.load(self.session, unpack(self.packed, args.spec["sizes"]))
            for i in range(step, mark):
                j = (i % args.batches) * args.size
                x, y = args.x[j:j + args.size], args.y[j:j + args.size]
                cost, hits = stepper.step(self.session, x, y, args.learning_rate)
                sums += (float(cost) * len(x), float(hits), len(x))
            self.packed = pack(stepper.read(self.session))
        self.segments.append((step, mark, *sums.tolist()))
        self.check_finite(mark)
        return mark
