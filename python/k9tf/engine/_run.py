"""The training loop of one call: chunks of compiled steps, reports, the divergence check."""

import logging
import time

import numpy as np

from ..model import pack, unpack

logger = logging.getLogger("k9tf")

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
    """Return inputs, targets and mask, padded to a row bucket except for full batch."""
    n = len(args.x)
    rows = n if args.batch_size is None else _bucket(args.batches * args.size)
    mask = np.zeros(rows, args.x.dtype)
    mask[:n] = 1
    pad = [(0, rows - n), (0, 0)]
    return np.pad(args.x, pad), np.pad(args.y, pad), mask


class Run:
    """One training call in progress: its arguments, the current params and the history."""

    def __init__(self, args):
        self.args = args
        self.packed = args.packed
        self.history = {"step": [], "cost": [], "train_accuracy": [], "validation_accuracy": [],
                        "seconds": []}
        self._padding = None
        self.started = time.perf_counter()

    def report(self, step):
        """Evaluate the current weights, record, log and call back."""
        args = self.args
        cost, acc = self.model.evaluate(self.session, self.packed, args.x, args.y)
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
        """Return the step after ``step`` at which to report (and so stop the loop)."""
        every, total = self.args.report_every, self.args.total
        if every is None:
            return total
        return min(total, (step // every + 1) * every)

    def run(self):
        """Train, reporting every ``report_every`` steps and at the end; return the params."""
        from ._models import model_for  # noqa: PLC0415 - TensorFlow loads on first use

        reporting = self.args.report_every is not None
        with model_for(self.args.spec) as (self.model, self.session):
            step = 0
            if reporting:
                self.report(step)
            while step < self.args.total:
                step = self._advance(step, self.next_mark(step))
                if reporting:
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
            self.packed = loop.run(self.session, self.packed, inputs, targets, mask,
                                   args.learning_rate, step, n, args.seed_pair, args.batches)
            step += n
            self.check_finite(step)
            rate = (time.perf_counter() - began) / n
        self.model.rates[key] = rate
        return step

    def _advance_session(self, step, mark):
        args = self.args
        stepper = self.model.stepper()
        with stepper.lock:
            stepper.load(self.session, unpack(self.packed, args.spec["sizes"]))
            for i in range(step, mark):
                j = (i % args.batches) * args.size
                stepper.step(self.session, args.x[j:j + args.size], args.y[j:j + args.size],
                             args.learning_rate)
            self.packed = pack(stepper.read(self.session))
        self.check_finite(mark)
        return mark
