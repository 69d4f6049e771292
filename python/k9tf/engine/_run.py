"""The training loop of one call: chunks of compiled steps, reports, epochs, early stopping.

A call's history holds the reports (``step``, ``cost``, ...) and Keras'
per-epoch lists (``epoch``, ``loss``, ``accuracy``, ``val_loss``,
``val_accuracy``), which the compiled loop's epoch table fills (see
:mod:`._loop`). Early stopping follows scikit-learn: after each epoch, a
validation loss not below the best by more than ``tol`` counts one more epoch
without improvement, any other resets the count; once the count exceeds
``patience`` training stops. Its chunks end at every epoch, so that the
weights are those of the epoch that decided.
"""

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
                        "seconds": [], "epoch": [], "loss": [], "accuracy": [], "val_loss": [],
                        "val_accuracy": []}
        self.stopping = args.stopping if args.stopping["early_stopping"] else None
        if self.stopping is not None:
            self.history.update(stopped_epoch=None, best_epoch=None)
        self._best = (np.inf, None)  # the best validation loss and its params
        self._waiting = 0  # epochs in a row without an improvement beyond tol
        self.stopped = False
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
        from ._loop import fresh_state  # noqa: PLC0415 - TensorFlow loads on first use
        from ._models import model_for  # noqa: PLC0415
        from ._optimizers import structure  # noqa: PLC0415

        args = self.args
        reporting = args.report_every is not None
        self.rule = structure(args.optimizer)
        with model_for(args.spec) as (self.model, self.session):
            self.state = fresh_state(self.rule, args.optimizer, len(self.packed),
                                     self.packed.dtype, args.validation)
            step = 0
            if reporting:
                self.report(step)
            while step < args.total and not self.stopped:
                step = self._advance(step, self.next_mark(step))
                if reporting:
                    self.report(step)
        return self.packed

    def end_epoch(self, epoch, loss, right, val_loss, val_right):
        """Record epoch ``epoch``'s sums (val ones None without validation); stop if it is time."""
        args, history = self.args, self.history
        history["epoch"].append(epoch)
        history["loss"].append(loss / len(args.x))
        history["accuracy"].append(right / len(args.x))
        n_val = None if args.validation is None else len(args.validation[0])
        history["val_loss"].append(None if n_val is None else val_loss / n_val)
        history["val_accuracy"].append(None if n_val is None else val_right / n_val)
        if self.stopping is None:
            return
        current, (best, _) = history["val_loss"][-1], self._best
        self._waiting = self._waiting + 1 if current > best - self.stopping["tol"] else 0
        if current < best:
            self._best = (current, self.packed)
            history["best_epoch"] = epoch
        if self._waiting > self.stopping["patience"]:
            self.stopped = True
            history["stopped_epoch"] = epoch
        if (self.stopped or epoch == args.epochs - 1) and self.stopping["restore_best"]:
            self.packed = self._best[1]

    def _advance(self, step, mark):
        if self.args.loop == "session":
            return self._advance_session(step, mark)
        from ._loop import EPOCH_ROWS  # noqa: PLC0415

        args = self.args
        if self._padding is None:
            self._padding = _padded(args)
        loop = self.model.loop(args.batch_size, args.shuffle, self.rule,
                               args.validation is not None)
        key = loop.key + (len(self._padding[0]),)
        rate = self.model.rates.get(key)
        if rate is None:
            rate = _GUESS_SECONDS[0] + _GUESS_SECONDS[1] * args.size * len(self.packed)
        span = 1 if self.stopping is not None else EPOCH_ROWS  # epochs one run may touch
        while step < mark and not self.stopped:
            first = step // args.batches
            n = min(mark - step, max(1, int(_CHUNK_SECONDS / rate)),
                    (first + span) * args.batches - step)
            began = time.perf_counter()
            self.packed, self.state, table = loop.run(
                self.session, self.packed, self._padding, args.learning_rate, step, n,
                args.seed_pair, args.batches, self.state)
            self.check_finite(step + n)
            for epoch in range(first, (step + n) // args.batches):
                self.end_epoch(epoch, *table[epoch - first].tolist())
            step += n
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
                x, y = args.x[j:j + args.size], args.y[j:j + args.size]
                cost, right = stepper.step(self.session, x, y, args.learning_rate)
                self.state = self.state._replace(
                    sums=self.state.sums + [float(cost) * len(x), float(right)])
                if (i + 1) % args.batches == 0:
                    self.packed = pack(stepper.read(self.session))
                    scores = (None, None) if args.validation is None else [
                        score * len(args.validation[0]) for score in
                        self.model.evaluate(self.session, self.packed, *args.validation)]
                    self.end_epoch(i // args.batches, *self.state.sums.tolist(), *scores)
                    self.state = self.state._replace(sums=np.zeros(2))
            self.packed = pack(stepper.read(self.session))
        self.check_finite(mark)
        return mark
