"""The training loop of one call: chunks of compiled steps, reports, the divergence check.

Reports cost next to nothing by default (``report="running"``): the compiled
loop adds up each step's batch loss, correct count and rows (computed with
the weights before the step's update, as Keras' running means are), and a
record averages those since the previous one. The record at step 0, before
any step, evaluates at most :data:`SAMPLE_ROWS` evenly spaced training rows.
``report="full"`` evaluates the whole training set at every record instead.
"""

import logging
import math
import time

import numpy as np

from ..model import pack, unpack
from ._loop import aligned

logger = logging.getLogger("k9tf")

SAMPLE_ROWS = 4096
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
    them in place (:func:`~k9tf.engine._loop.aligned`).
    """
    n = len(args.x)
    rows = n if args.batch_size is None else _bucket(args.batches * args.size)
    mask = np.zeros(rows, args.x.dtype)
    mask[:n] = 1
    return aligned(args.x, rows), aligned(args.y, rows), aligned(mask, rows)


class Run:
    """One training call in progress: its arguments, the current params and the history.

    ``segments`` lists, for every run of the compiled loop (or of the session
    loop between records), ``(first step, end step, loss sum, correct count,
    rows)``: the sums of the batches of steps ``first`` to ``end - 1``, from
    which any per-step-range means (per epoch, per record) can be built. With
    ``epoch_marks`` the runs also stop at every epoch's end, so that each
    segment lies in one epoch.
    """

    def __init__(self, args, epoch_marks=False):
        self.args = args
        self.epoch_marks = epoch_marks
        self.packed = args.packed
        self.history = {"step": [], "cost": [], "train_accuracy": [], "validation_accuracy": [],
                        "seconds": []}
        self.segments = []
        self._reported = 0  # segments already averaged into a record
        self._padding = None
        self.started = time.perf_counter()

    def _scores(self, step):
        """Return ``(cost, train accuracy)`` for the record at ``step``."""
        args = self.args
        if args.report == "running" and step > 0:
            sums = np.sum([s[2:] for s in self.segments[self._reported:]], axis=0)
            self._reported = len(self.segments)
            return float(sums[0] / sums[2]), float(sums[1] / sums[2])
        x, y = args.x, args.y
        if args.report == "running" and len(x) > SAMPLE_ROWS:
            every = math.ceil(len(x) / SAMPLE_ROWS)
            x, y = x[::every], y[::every]
        return self.model.evaluate(self.session, self.packed, x, y)

    def report(self, step):
        """Score the current weights (see the module's text), record, log and call back."""
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

    def check_finite(self, step):
        """Raise if the weights left the finite numbers (the learning rate is too high)."""
        if not np.isfinite(self.packed).all():
            raise ValueError(f"training diverged: weights became NaN or Inf by step {step}; "
                             f"use a smaller learning_rate than {self.args.learning_rate!r}.")

    def next_mark(self, step):
        """Return the step after ``step`` at which to report or end an epoch, and so stop."""
        every, total = self.args.report_every, self.args.total
        mark = total if every is None else (step // every + 1) * every
        if self.epoch_marks:
            mark = min(mark, (step // self.args.batches + 1) * self.args.batches)
        return min(total, mark)

    def run(self):
        """Train, reporting every ``report_every`` steps and at the end; return the params."""
        from ._models import model_for  # noqa: PLC0415 - TensorFlow loads on first use

        args = self.args
        reporting = args.report_every is not None
        with model_for(args.spec) as (self.model, self.session):
            step = 0
            if reporting:
                self.report(step)
            while step < args.total:
                mark = self.next_mark(step)
                step = self._advance(step, mark)
                if reporting and (step == args.total or step % args.report_every == 0):
                    self.report(step)
        return self.packed

    def _advance(self, step, mark):
        if self.args.loop == "session":
            return self._advance_session(step, mark)
        args = self.args
        if self._padding is None:
            self._padding = _padded(args)
        inputs, targets, mask = self._padding
        loop = self.model.loop(args.batch_size, args.shuffle)
        key = loop.key + (len(inputs),)
        rate = self.model.rates.get(key)
        if rate is None:
            rate = _GUESS_SECONDS[0] + _GUESS_SECONDS[1] * args.size * len(self.packed)
        while step < mark:
            n = min(mark - step, max(1, int(_CHUNK_SECONDS / rate)))
            began = time.perf_counter()
            self.packed, sums = loop.run(self.session, self.packed, inputs, targets, mask,
                                         args.learning_rate, step, n, args.seed_pair,
                                         args.batches)
            self.segments.append((step, step + n, *sums.tolist()))
            step += n
            self.check_finite(step)
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
