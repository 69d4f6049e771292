"""TensorFlow graphs, built once per architecture: the forward pass, evaluation, training.

A network's weights never live in TensorFlow between calls: every run feeds
them in (the training loops as one flat numpy vector, the forward pass and
evaluation as one array per weight matrix and bias vector) and reads the
results back out. One
:class:`Model` per (sizes, options) holds a ``tf.Graph``, its
:class:`~k9tf.engine._sessions.Sessions` and the XLA-compiled functions for
the forward pass, evaluation and training loops, each built on first use
(the layers' math is in :mod:`k9tf.engine._layers`). Use models through
:func:`k9tf.engine._models.model_for`.
"""

import threading

import numpy as np

from ..model import count, shapes_of
from ._feeds import aligned
from ._layers import correct, forward, sample_losses
from ._loop import TrainLoop
from ._sessions import Sessions
from ._stepper import Stepper
from ._tf import tf, tf1

ROW_BUCKETS = tuple(4**i for i in range(9))
"""Row counts the forward pass and evaluation are compiled for (1 to 65536)."""


PAD_ROWS = 64
"""Rows a range of the forward pass or evaluation may always be padded with to reach its
bucket; past that, at most an eighth of its own rows."""


def _chunks(rows):
    """Yield ``(start, stop, bucket)``: row ranges and the compiled row count each runs at.

    A range is padded to the next bucket only when that adds at most
    :data:`PAD_ROWS` rows or an eighth of its rows; otherwise the largest
    bucket that fits runs whole and the rest follows. A batch thus runs as
    a few calls at a few fixed shapes, with little wasted work (10,000 rows:
    4096, 4096, 1024, 256, 256, 256 and 16). Each range is fed aligned, so
    TensorFlow reads it without another copy
    (:func:`~k9tf.engine._feeds.aligned`).
    """
    start = 0
    while start < rows:
        left = rows - start
        bucket = next((b for b in ROW_BUCKETS if b >= left), None)
        if bucket is None or bucket - left > max(PAD_ROWS, left // 8):
            bucket = max(b for b in ROW_BUCKETS if b <= left)
        stop = min(rows, start + bucket)
        yield start, stop, bucket
        start = stop


class Model:
    """Graph, sessions and compiled functions for one architecture; safe to share between threads.

    Its methods take a session from ``model.sessions.acquire()`` (which
    :func:`~k9tf.engine._models.model_for` holds for the call).
    """

    def __init__(self, sizes, activation, output, loss, bias, dtype):
        self.sizes, self.activation, self.output = sizes, activation, output
        self.loss, self.bias, self.dtype = loss, bias, tf.as_dtype(dtype)
        self.graph = tf.Graph()
        self._lock = threading.Lock()
        self._loops = {}
        self._stepper = None
        self.rates = {}  # seconds per training step measured, by compiled shape
        with self.graph.as_default():
            self.packed = tf1.placeholder(self.dtype, [count(sizes)], name="params")
            self.inputs = tf1.placeholder(self.dtype, [None, sizes[0]], name="inputs")
            self.targets = tf1.placeholder(self.dtype, [None, sizes[-1]], name="targets")
            self.params = [tf1.placeholder(self.dtype, shape, name=f"param{i}")
                           for i, shape in enumerate(shapes_of(sizes))]
        self._outputs = self._scores = None  # the forward pass and evaluation, built on first use
        self.sessions = Sessions(self.graph)

    def run(self, session, fetches, feeds, values, shape):
        """Run ``fetches`` in ``session`` (see :meth:`Sessions.run`)."""
        return self.sessions.run(session, fetches, feeds, values, shape)

    def _forward_ops(self):
        with self._lock:
            if self._outputs is None:
                activation, output = self.activation, self.output

                @tf.function(jit_compile=True, autograph=False)
                def run_forward(inputs, *params):
                    return forward(list(params), inputs, activation, output)[1]

                with self.graph.as_default():
                    self._outputs = run_forward(self.inputs, *self.params)
            return self._outputs

    def _evaluate_ops(self):
        with self._lock:
            if self._scores is None:
                activation, output, loss = self.activation, self.output, self.loss

                @tf.function(jit_compile=True, autograph=False)
                def evaluate(inputs, targets, *params):
                    z, y = forward(list(params), inputs, activation, output)
                    return sample_losses(z, y, targets, loss), correct(y, targets)

                with self.graph.as_default():
                    self._scores = list(evaluate(self.inputs, self.targets, *self.params))
            return self._scores

    def forward(self, session, params, inputs):
        """Return the network's outputs for ``inputs`` (a 2-D array of this model's dtype).

        ``params`` are ``[w0, b0, ...]`` as :func:`~k9tf.model.aligned_params`
        gives them, fed one by one: XLA multiplies a fed matrix several times
        faster than one sliced out of the packed vector.
        """
        outputs = self._forward_ops()
        feeds = [self.inputs, *self.params]
        if len(inputs) in ROW_BUCKETS:
            return self.run(session, [outputs], feeds, [aligned(inputs, len(inputs)), *params],
                            ("forward", len(inputs)))[0]
        out = np.empty((len(inputs), self.sizes[-1]), inputs.dtype)
        for start, stop, bucket in _chunks(len(inputs)):
            out[start:stop] = self.run(
                session, [outputs], feeds, [aligned(inputs[start:stop], bucket), *params],
                ("forward", bucket))[0][:stop - start]
        return out

    def evaluate(self, session, params, inputs, targets):
        """Return ``(mean loss, accuracy)`` of the network on ``inputs`` and ``targets``.

        ``params`` as for :meth:`forward`.
        """
        scores = self._evaluate_ops()
        feeds = [self.inputs, self.targets, *self.params]
        losses, right = 0.0, 0.0
        for start, stop, bucket in _chunks(len(inputs)):
            loss, hits = self.run(
                session, scores, feeds, [aligned(inputs[start:stop], bucket),
                                         aligned(targets[start:stop], bucket), *params],
                ("evaluate", bucket))
            losses += float(np.sum(loss[:stop - start], dtype=np.float64))
            right += float(np.sum(hits[:stop - start], dtype=np.float64))
        return losses / len(inputs), right / len(inputs)

    def loop(self, batch_size, shuffle, rule, validate, block=None):
        """Return the cached XLA training loop for ``batch_size`` (None: full batch).

        ``rule`` is the optimizer's structure (``_optimizers.structure``),
        ``validate`` whether the loop scores a validation set each epoch and
        ``block`` the rows per gradient block of a full-batch step (see
        :func:`~k9tf.engine._feeds.full_batch_block`).
        """
        key = (batch_size, shuffle, rule, validate, block)
        with self._lock:
            if key not in self._loops:
                with self.graph.as_default():
                    self._loops[key] = TrainLoop(self, *key)
            return self._loops[key]

    def stepper(self):
        """Return the cached article-style per-step ``Session.run`` trainer."""
        with self._lock:
            if self._stepper is None:
                with self.graph.as_default():
                    self._stepper = Stepper(self)
            return self._stepper
