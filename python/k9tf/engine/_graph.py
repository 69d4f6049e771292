"""TensorFlow graphs, built once per architecture and cached with their session.

A network's weights never live in TensorFlow between calls: every run feeds
them in as one flat numpy vector and reads the results back out. One cached
:class:`Model` per (sizes, options) holds a ``tf.Graph``, its session and the
XLA-compiled functions for the forward pass, evaluation and training loops.

Every XLA function computes a dense layer the same way, as a chain of one
multiply-add per input: ``z = b + h[:, 0] w[0] + h[:, 1] w[1] + ...`` (see
:func:`_chain`). Each output is then a fixed sequence of single roundings that
reads only its own row, so a row's result does not depend on the rows around
it: :func:`k9tf.ff` of one input equals the same row of any batch, bit for
bit, and equals the forward pass of the training step. A matrix product does
not give that: XLA and Eigen pick other kernels (and summation orders) for one
row than for many.

The caches are bounded: at most :data:`MAX_MODELS` architectures (least
recently used first out) and, per architecture, at most :data:`MAX_SHAPES`
compiled input shapes per session, after which the session is replaced. A
model or session is closed only once no call is using it.
"""

import collections
import threading
from contextlib import contextmanager

import numpy as np

from ..model import count, shapes_of, slices_of
from ._tf import config_pb2, tf, tf1

MAX_MODELS = 16
"""Architectures whose graph and session are kept (about 5 MB each)."""

MAX_SHAPES = 24
"""Compiled input shapes one session keeps before it is replaced (about 1.5 MB each)."""

CHAIN_INPUTS = 32
"""Widest layer input written out as a chain of ops; wider ones loop over their inputs."""

ROW_BUCKETS = tuple(4**i for i in range(9))
"""Row counts the forward pass and evaluation are compiled for (1 to 65536)."""

_ACTIVATIONS = {"tanh": tf.tanh, "relu": tf.nn.relu, "sigmoid": tf.sigmoid,
                "softmax": tf.nn.softmax, "linear": tf.identity}

_CONFIG = tf1.ConfigProto(inter_op_parallelism_threads=-1)  # ops run in the caller's thread


def _chain(h, w, b):
    """Return ``h @ w + b`` as ``b + h[:, 0] w[0] + h[:, 1] w[1] + ...``, in that order.

    Every term is added to a running sum that already holds the bias, so each
    addition has one product operand and XLA fuses it into one multiply-add
    the same way wherever the row is. Wide inputs loop instead of unrolling (a
    long chain compiles slowly); the loop pads the output width to a multiple
    of 16 so that every element goes through the same vectorised code.
    """
    n_in, n_out = w.shape
    if n_in <= CHAIN_INPUTS:
        z = b
        for k in range(n_in):
            z = z + h[:, k:k + 1] * w[k]
        return z
    pad = -n_out % 16
    w, b = tf.pad(w, [[0, 0], [0, pad]]), tf.pad(b, [[0, pad]])

    def body(k, z):
        return k + 1, z + tf.gather(h, k, axis=1)[:, None] * tf.gather(w, k)[None]

    start = tf.broadcast_to(b, tf.stack([tf.shape(h)[0], n_out + pad]))
    _, z = tf.while_loop(lambda k, _: k < n_in, body, (tf.constant(0), start))
    return z[:, :n_out]


@tf.RegisterGradient("K9tfDense")
def _dense_gradient(op, dz, *_):
    h, w = op.inputs[1], op.inputs[2]
    return [None, tf.matmul(dz, w, transpose_b=True), tf.matmul(h, dz, transpose_a=True),
            tf.reduce_sum(dz, 0)]


def _dense(h, w, b):
    """Return :func:`_chain`'s ``h @ w + b``, differentiated with matrix products.

    The gradient is registered once for the module (``tf.custom_gradient``
    would register a new one, holding the graph, for every layer built).
    """
    with tf1.get_default_graph().gradient_override_map({"IdentityN": "K9tfDense"}):
        return tf.identity_n([_chain(h, w, b), h, w, b])[0]


def _matmul(h, w, b):
    return tf.matmul(h, w) + b


def _forward(params, x, activation, output, dense=_dense):
    """Return ``(z, y)``: the last layer's pre-activation and the network output."""
    h = x
    for w, b in zip(params[:-2:2], params[1:-2:2]):
        h = _ACTIVATIONS[activation](dense(h, w, b))
    z = dense(h, params[-2], params[-1])
    return z, _ACTIVATIONS[output](z)


def outputs_of(params, x, activation, output):
    """Return the network output for tensors ``params`` and ``x`` with :func:`ff`'s own layers.

    No gradient is registered: for graphs that serve, not train (exports).
    """
    return _forward(params, x, activation, output, _chain)[1]


def _sample_losses(z, y, targets, loss):
    """Return the loss of each sample (row)."""
    if loss == "softmax-cross-entropy":
        return tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=z)
    return 0.5 * tf.reduce_sum(tf.square(targets - y), axis=1)


def _correct(y, targets):
    """Return 1.0 where the output's argmax matches the target's, else 0.0."""
    return tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(targets, 1)), y.dtype)


def _unpack(flat, sizes):
    """Return the packed vector ``flat`` as ``[w0, b0, ...]`` tensors (see :mod:`k9tf.model`)."""
    return [tf.reshape(flat[start:stop], shape) for start, stop, shape in slices_of(sizes)]


def _pack(params):
    return tf.concat([tf.reshape(p, [-1]) for p in params], 0)


def _chunks(rows):
    """Yield ``(start, stop, bucket)``: row ranges and the compiled row count each runs at.

    A range is padded to its bucket only when that at most doubles it, so a
    batch runs as few calls, with little wasted work, at a few fixed shapes.
    """
    start = 0
    while start < rows:
        left = rows - start
        bucket = next((b for b in ROW_BUCKETS if b >= left), ROW_BUCKETS[-1])
        if bucket > 2 * left:
            bucket = max(b for b in ROW_BUCKETS if b <= left)
        stop = min(rows, start + bucket)
        yield start, stop, bucket
        start = stop


def _padded(array, rows):
    if len(array) == rows:
        return array
    return np.concatenate([array, np.zeros((rows - len(array),) + array.shape[1:], array.dtype)])


class _Session:
    """One ``tf.Session`` of a model's graph, the callables made in it and who uses it."""

    def __init__(self, graph):
        self.session = tf1.Session(graph=graph, config=_CONFIG)
        self.callables = {}
        self.shapes = set()
        self.users = 0
        self.retired = False


class Model:
    """Graph, sessions and compiled functions for one architecture; safe to share between threads.

    Use it through :func:`model_for`, which counts the calls using it; a
    model's methods must run inside that ``with`` block.
    """

    def __init__(self, sizes, activation, output, loss, bias, dtype):
        self.sizes, self.activation, self.output = sizes, activation, output
        self.loss, self.bias, self.dtype = loss, bias, tf.as_dtype(dtype)
        self.graph = tf.Graph()
        self._lock = threading.Lock()
        self._loops = {}
        self._stepper = None
        self.rates = {}  # seconds per training step measured, by compiled shape
        n_params = count(sizes)
        with self.graph.as_default():
            self.packed = tf1.placeholder(self.dtype, [n_params], name="params")
            self.inputs = tf1.placeholder(self.dtype, [None, sizes[0]], name="inputs")
            self.targets = tf1.placeholder(self.dtype, [None, sizes[-1]], name="targets")
        self._outputs = self._scores = None  # the forward pass and evaluation, built on first use
        self._current = _Session(self.graph)

    def _forward_ops(self):
        with self._lock:
            if self._outputs is None:
                sizes, activation, output = self.sizes, self.activation, self.output

                @tf.function(jit_compile=True, autograph=False)
                def forward(packed, inputs):
                    return _forward(_unpack(packed, sizes), inputs, activation, output)[1]

                with self.graph.as_default():
                    self._outputs = forward(self.packed, self.inputs)
            return self._outputs

    def _evaluate_ops(self):
        with self._lock:
            if self._scores is None:
                sizes, activation, output, loss = (self.sizes, self.activation, self.output,
                                                   self.loss)

                @tf.function(jit_compile=True, autograph=False)
                def evaluate(packed, inputs, targets):
                    z, y = _forward(_unpack(packed, sizes), inputs, activation, output)
                    return _sample_losses(z, y, targets, loss), _correct(y, targets)

                with self.graph.as_default():
                    self._scores = list(evaluate(self.packed, self.inputs, self.targets))
            return self._scores

    # Sessions: a call holds one from start to end; a retired one closes when its last call ends.

    def acquire(self):
        """Return the current session, counted as used until :meth:`release`."""
        with self._lock:
            self._current.users += 1
            return self._current

    def release(self, session):
        """Stop counting one use of ``session``; close it if it is retired and unused."""
        with self._lock:
            session.users -= 1
            if session.retired and session.users == 0:
                session.session.close()

    def retire(self):
        """Close the current session once unused; the next call gets a fresh one."""
        with self._lock:
            self._replace_session()

    def _replace_session(self):
        old, self._current = self._current, _Session(self.graph)
        old.retired = True
        if old.users == 0:
            old.session.close()

    def in_use(self):
        """Return whether a call is using the model."""
        with self._lock:
            return self._current.users > 0

    def close(self):
        """Retire the model for good: close its session once no call uses it."""
        with self._lock:
            self._current.retired = True
            if self._current.users == 0:
                self._current.session.close()

    def run(self, session, fetches, feeds, values, shape):
        """Run ``fetches`` with ``feeds`` set to ``values`` in ``session``; return the results.

        ``shape`` is a tuple naming the function (its first item) and the
        compiled shape this run needs; a session that has compiled
        :data:`MAX_SHAPES` shapes is replaced for later calls.
        """
        with self._lock:
            run = session.callables.get(shape[0])
            if run is None:
                options = config_pb2.CallableOptions(feed=[f.name for f in feeds],
                                                     fetch=[f.name for f in fetches])
                run = session.callables[shape[0]] = (
                    session.session._make_callable_from_options(options))
            if shape not in session.shapes:
                session.shapes.add(shape)
                if len(session.shapes) > MAX_SHAPES and session is self._current:
                    self._replace_session()  # closed by release() when its calls end
        return run(*values)

    def forward(self, session, packed, inputs):
        """Return the network's outputs for ``inputs`` (a 2-D array of this model's dtype)."""
        outputs = self._forward_ops()
        if len(inputs) in ROW_BUCKETS:
            return self.run(session, [outputs], [self.packed, self.inputs],
                            [packed, inputs], ("forward", len(inputs)))[0]
        out = np.empty((len(inputs), self.sizes[-1]), inputs.dtype)
        for start, stop, bucket in _chunks(len(inputs)):
            out[start:stop] = self.run(
                session, [outputs], [self.packed, self.inputs],
                [packed, _padded(inputs[start:stop], bucket)], ("forward", bucket),
            )[0][:stop - start]
        return out

    def evaluate(self, session, packed, inputs, targets):
        """Return ``(mean loss, accuracy)`` of the network on ``inputs`` and ``targets``."""
        scores = self._evaluate_ops()
        losses, correct = 0.0, 0.0
        for start, stop, bucket in _chunks(len(inputs)):
            loss, right = self.run(
                session, scores, [self.packed, self.inputs, self.targets],
                [packed, _padded(inputs[start:stop], bucket),
                 _padded(targets[start:stop], bucket)], ("evaluate", bucket))
            losses += float(np.sum(loss[:stop - start], dtype=np.float64))
            correct += float(np.sum(right[:stop - start], dtype=np.float64))
        return losses / len(inputs), correct / len(inputs)

    def loop(self, batch_size, shuffle):
        """Return the cached XLA training loop for ``batch_size`` (None: full batch)."""
        key = (batch_size, shuffle)
        with self._lock:
            if key not in self._loops:
                with self.graph.as_default():
                    self._loops[key] = _TrainLoop(self, batch_size, shuffle)
            return self._loops[key]

    def stepper(self):
        """Return the cached article-style per-step ``Session.run`` trainer."""
        with self._lock:
            if self._stepper is None:
                with self.graph.as_default():
                    self._stepper = _Stepper(self)
            return self._stepper


class _TrainLoop:
    """Whole-run gradient descent as one XLA-compiled ``tf.while_loop``.

    Feeds: the packed params, ``inputs``/``targets`` padded to any number of
    rows, a ``mask`` (1 for real rows), the learning rate, the first global
    step, the number of steps, a shuffle seed and the number of batches per
    epoch. Each epoch optionally reorders the rows (padding stays last); each
    step updates on ``batch_size`` consecutive rows (all rows for full batch),
    averaging the loss over the real ones. Padding beyond the last batch
    changes nothing: no step reads it, and the shuffle's random keys for the
    real rows do not depend on how many rows follow.
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
        trainable = [model.bias or i % 2 == 0 for i in range(2 * (len(sizes) - 1))]

        @tf.function(jit_compile=True, autograph=False)
        def run(packed, inputs, targets, mask, learning_rate, start, steps, seed, batches):
            rows = tf.shape(inputs, out_type=tf.int64)[0]
            end = start + steps

            def ordered(epoch):
                if not shuffle:
                    return inputs, targets, mask
                keys = tf.random.stateless_uniform(
                    [rows], tf.stack([seed[0], seed[1] + epoch]), dtype=mask.dtype)
                order = tf.argsort(keys + 2 * (1 - mask))  # padding rows sort last
                return (tf.gather(inputs, order), tf.gather(targets, order),
                        tf.gather(mask, order))

            def step(params, x, t, m):
                z, y = _forward(params, x, model.activation, model.output)
                losses = _sample_losses(z, y, t, model.loss)
                cost = tf.reduce_sum(losses * m) / tf.reduce_sum(m)
                grads = iter(tf.gradients(cost, [p for p, on in zip(params, trainable) if on]))
                return [p - learning_rate * next(grads) if on else p
                        for p, on in zip(params, trainable)]

            def epoch_body(epoch, params):
                xs, ts, ms = ordered(epoch)
                first = tf.maximum(start, epoch * batches) - epoch * batches
                last = tf.minimum(end, (epoch + 1) * batches) - epoch * batches

                def batch_body(j, params):
                    if batch_size is None:
                        x, t, m = xs, ts, ms
                    else:
                        offset = j * batch_size
                        x = tf.slice(xs, [offset, 0], [batch_size, sizes[0]])
                        t = tf.slice(ts, [offset, 0], [batch_size, sizes[-1]])
                        m = tf.slice(ms, [offset], [batch_size])
                    return j + 1, step(params, x, t, m)

                _, params = tf.while_loop(lambda j, _: j < last, batch_body, (first, params))
                return epoch + 1, params

            last_epoch = (end + batches - 1) // batches
            _, params = tf.while_loop(lambda e, _: e < last_epoch, epoch_body,
                                      (start // batches, _unpack(packed, sizes)))
            return _pack(params)

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


class _Stepper:
    """The article's loop: variables, ``GradientDescentOptimizer``, one ``Session.run`` a step.

    It keeps the article's math (matrix products, TensorFlow's own kernels),
    as the reference the XLA loop is compared with.
    """

    def __init__(self, model):
        self.model = model
        self.lock = threading.Lock()
        self.params = [tf1.placeholder(model.dtype, shape, name=f"step_param{i}")
                       for i, shape in enumerate(shapes_of(model.sizes))]
        self.variables = [tf1.Variable(tf.zeros(p.shape, model.dtype), name=f"var_{i}")
                          for i, p in enumerate(self.params)]
        self.loads = [v.assign(p) for v, p in zip(self.variables, self.params)]
        self.learning_rate = tf1.placeholder(model.dtype, [], name="step_learning_rate")
        z, y = _forward(self.variables, model.inputs, model.activation, model.output, _matmul)
        self.cost = tf.reduce_mean(_sample_losses(z, y, model.targets, model.loss))
        trained = [v for i, v in enumerate(self.variables) if model.bias or i % 2 == 0]
        self.optimize = tf1.train.GradientDescentOptimizer(self.learning_rate).minimize(
            self.cost, var_list=trained)

    def load(self, session, params):
        """Set the variables to ``params`` in ``session``."""
        session.session.run(self.loads, dict(zip(self.params, params)))

    def step(self, session, inputs, targets, learning_rate):
        """Run one optimiser step on a batch and return its cost before the update."""
        feed = {self.model.inputs: inputs, self.model.targets: targets,
                self.learning_rate: learning_rate}
        _, cost = session.session.run([self.optimize, self.cost], feed)
        return cost

    def read(self, session):
        """Return the variables' values."""
        return session.session.run(self.variables)


_models = collections.OrderedDict()
_models_lock = threading.Lock()


@contextmanager
def model_for(spec):
    """Use the cached :class:`Model` for a network ``spec``: yield ``(model, session)``.

    The model and session stay open until the ``with`` block ends, whatever
    other threads do; the least recently used idle models beyond
    :data:`MAX_MODELS` are closed as calls begin and end (so while more than
    that many are in use at once, more are kept).
    """
    key = (tuple(spec["sizes"]), spec["activation"], spec["output"], spec["loss"],
           spec["bias"], spec["dtype"])
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = _models[key] = Model(list(key[0]), *key[1:])
        _models.move_to_end(key)
        session = model.acquire()
        _evict()
    try:
        yield model, session
    finally:
        model.release(session)
        with _models_lock:
            _evict()


def _evict():
    """Close the least recently used idle models beyond :data:`MAX_MODELS` (lock held)."""
    idle = [k for k, m in _models.items() if not m.in_use()]  # oldest first
    for old in idle[:max(0, len(_models) - MAX_MODELS)]:
        _models.pop(old).close()
