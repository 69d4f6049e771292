"""The training loop of one call: chunks of compiled steps, reports, the divergence check.

Reports cost next to nothing by default (``report="running"``): the compiled
loop adds up each step's batch loss, correct count and rows (computed with
the weights before the step's update, as Keras' running means are), and a
record averages those since the previous one, without stopping the loop
unless the record needs the weights of its step (validation). The record at step 0, before
any step, evaluates at most :data:`SAMPLE_ROWS` evenly spaced training rows.
``report="full"`` evaluates the whole training set at every record instead.

The history also holds Keras' per-epoch lists (``epoch``, ``loss``,
``accuracy``, ``val_loss``, ``val_accuracy``), which the compiled loop's epoch
table fills (see :mod:`._loop`). Early stopping follows scikit-learn: after
each epoch, a validation loss not below the best by more than ``tol`` counts
one more epoch without improvement, any other resets the count; once the
count exceeds ``patience``, training stops. Its runs end at every epoch, so
that the weights are those of the epoch that decided.
"""

import logging
import math
import time

import numpy as np

from ..model import DivergedError, aligned_params, all_finite, pack, unpack
from ._feeds import EPOCH_ROWS, SLOTS, aligned, full_batch_block

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


def _block(args):
    """Return the rows per gradient block of the call's steps (None: one block)."""
    return full_batch_block(len(args.x)) if args.batch_size is None else None


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
    rows)``: the sums of the batches of steps ``first`` to ``end - 1``, one
    per finished range of ``period`` steps (``report_every`` when
    reporting), from which the records' means are built. The compiled loop
    adds up a range's sums, even across its runs (see
    :func:`~k9tf.engine._loop.run_steps`), so a record is the same bits
    however the call is cut into runs.

    The compiled loop stops at a record's step only when the record needs the
    weights there (validation, ``report="full"``, the session loop); running
    records are otherwise taken as the loop returns, at most
    :data:`~k9tf.engine._feeds.SLOTS` periods apart.
    """

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
        self.segments = []
        every, total = args.report_every, args.total
        self.period = total if every is None else min(every, total)
        self.stops = every is not None and (
            args.validation is not None or args.report == "full" or args.loop == "session")
        self._recorded = (0, 0)  # the last record's step, and the segments averaged so far
        self._padding = None
        self.started = time.perf_counter()

    def _scores(self, step):
        """Return ``(cost, train accuracy)`` for the record at ``step``."""
        args = self.args
        if args.report == "running" and step > 0:
            count, loss, right, rows, end = self._recorded[1], 0.0, 0.0, 0.0, None
            while end != step:  # the segments since the last record, up to this one's step
                _, end, seg_loss, seg_right, seg_rows = self.segments[count]
                loss, right, rows = loss + seg_loss, right + seg_right, rows + seg_rows
                count += 1
            self._recorded = (step, count)
            return loss / rows, right / rows
        x, y = args.x, args.y
        if args.report == "running" and len(x) > SAMPLE_ROWS:
            every = math.ceil(len(x) / SAMPLE_ROWS)
            x, y = x[::every], y[::every]
        self._recorded = (step, self._recorded[1])
        return self.model.evaluate(self.session, self._params(), x, y)

    def _params(self):
        """Return the current params as the forward pass and evaluation take them."""
        return aligned_params(self.packed, self.args.spec["sizes"])

    def report(self, step):
        """Score the weights at ``step`` (see the module's text), record, log and call back."""
        args = self.args
        cost, acc = self._scores(step)
        val = None
        if args.validation is not None:
            val = self.model.evaluate(self.session, self._params(), *args.validation)[1]
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
        if not all_finite(self.packed):
            raise DivergedError("learning_rate", f"training diverged: weights became NaN or "
                                f"Inf by step {step}; use a smaller learning_rate than "
                                f"{self.args.learning_rate!r}.")

    def next_mark(self, step):
        """Return the step after ``step`` at which the loop must stop: a record's, or the end."""
        every, total = self.args.report_every, self.args.total
        if not self.stops:
            return total
        return min(total, (step // every + 1) * every)

    def run(self):
        """Train, reporting every ``report_every`` steps and at the end; return the params."""
        from ._loop import fresh_state  # noqa: PLC0415 - TensorFlow loads on first use
        from ._models import model_for  # noqa: PLC0415
        from ._optimizers import structure  # noqa: PLC0415

        args = self.args
        self.rule = structure(args.optimizer)
        with model_for(args.spec) as (self.model, self.session):
            self.state = fresh_state(self.rule, args.optimizer, len(self.packed),
                                     self.packed.dtype, args.validation)
            step = 0
            if args.report_every is not None:
                self.report(step)
            while step < args.total and not self.stopped:
                step = self._advance(step, self.next_mark(step))
                if self.stops or (self.stopped and args.report_every is not None
                                  and self._recorded[0] != step):
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
        args, period = self.args, self.period
        if self._padding is None:
            self._padding = _padded(args)
        loop = self.model.loop(args.batch_size, args.shuffle, self.rule,
                               args.validation is not None, _block(args))
        key = loop.key + (len(self._padding[0]),)
        rate = self.model.rates.get(key)
        if rate is None:
            rate = _GUESS_SECONDS[0] + _GUESS_SECONDS[1] * args.size * len(self.packed)
        epochs = 1 if self.stopping is not None else EPOCH_ROWS  # most epochs a run touches
        while step < mark and not self.stopped:
            epoch = step // args.batches
            n = min(mark - step, max(1, int(_CHUNK_SECONDS / rate)),
                    SLOTS * period - step % period,  # at most SLOTS periods
                    (epoch + epochs) * args.batches - step)
            began = time.perf_counter()
            self.packed, self.state, sums, table = loop.run(
                self.session, self.packed, self._padding, args.learning_rate, step, n,
                args.seed_pair, args.batches, period, self.state)
            self.check_finite(step + n)
            for done in range(epoch, (step + n) // args.batches):
                self.end_epoch(done, *table[done - epoch].tolist())
            self._add_segments(step, step + n, sums)
            step += n
            self._running_records(step)
            rate = (time.perf_counter() - began) / n
        self.model.rates[key] = rate
        return step

    def _add_segments(self, start, end, sums):
        """Keep the run's sums of the ranges it finished; carry the one it left unfinished.

        A range is finished at its last step, at the call's end, or where
        training stopped early; an unfinished one's sums start the next run's.
        """
        period, total = self.period, self.args.total
        first, carry = start // period * period, np.zeros(3)
        for k, row in enumerate(sums[:(end - 1) // period - start // period + 1].tolist()):
            lo = first + k * period
            hi = min(lo + period, end if self.stopped else total)
            if hi <= end:
                self.segments.append((lo, hi, *row))
            else:
                carry = np.asarray(row)
        self.state = self.state._replace(period_sums=carry)

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
                batch = np.array([float(cost) * len(x), float(hits), len(x)])
                sums += batch
                self.state = self.state._replace(epoch_sums=self.state.epoch_sums + batch)
                if (i + 1) % args.batches == 0:
                    self.packed = pack(stepper.read(self.session))
                    scores = (None, None) if args.validation is None else [
                        score * len(args.validation[0]) for score in
                        self.model.evaluate(self.session, self._params(), *args.validation)]
                    self.end_epoch(i // args.batches, *self.state.epoch_sums[:2].tolist(),
                                   *scores)
                    self.state = self.state._replace(epoch_sums=np.zeros(3))
            self.packed = pack(stepper.read(self.session))
        self.segments.append((step, mark, *sums.tolist()))
        self.check_finite(mark)
        return mark
