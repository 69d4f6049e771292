"""TensorFlow graphs, built once per architecture and cached with their session.

A network's weights never live in TensorFlow between calls: every run feeds
them in as numpy arrays and reads the results back out. One cached
:class:`Model` per (sizes, options) holds a ``tf.Graph``, its ``Session`` and
the ops for the forward pass, evaluation and the training loops.
"""

import threading

from ._tf import tf, tf1

_ACTIVATIONS = {"tanh": tf.tanh, "relu": tf.nn.relu, "sigmoid": tf.sigmoid,
                "softmax": tf.nn.softmax, "linear": tf.identity}


def _forward(params, x, activation, output):
    """Return ``(z, y)``: the last layer's pre-activation and the network output."""
    h = x
    for w, b in zip(params[:-2:2], params[1:-2:2]):
        h = _ACTIVATIONS[activation](tf.matmul(h, w) + b)
    z = tf.matmul(h, params[-2]) + params[-1]
    return z, _ACTIVATIONS[output](z)


def _sample_losses(z, y, targets, loss):
    """Return the loss of each sample (row)."""
    if loss == "softmax-cross-entropy":
        return tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=z)
    return 0.5 * tf.reduce_sum(tf.square(targets - y), axis=1)


def _correct(y, targets):
    """Return 1.0 where the output's argmax matches the target's, else 0.0."""
    return tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(targets, 1)), y.dtype)


class Model:
    """Graph, session and ops for one architecture; safe to share between threads."""

    def __init__(self, sizes, activation, output, loss, bias, dtype):
        self.sizes, self.activation, self.output = sizes, activation, output
        self.loss, self.bias, self.dtype = loss, bias, tf.as_dtype(dtype)
        self.graph = tf.Graph()
        self._lock = threading.Lock()
        self._loops = {}
        self._stepper = None
        with self.graph.as_default():
            self.params = [
                tf1.placeholder(self.dtype, shape, name=f"{kind}{i}")
                for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))
                for kind, shape in (("w", [n_in, n_out]), ("b", [n_out]))
            ]
            self.inputs = tf1.placeholder(self.dtype, [None, sizes[0]], name="inputs")
            self.targets = tf1.placeholder(self.dtype, [None, sizes[-1]], name="targets")
            z, self.outputs = _forward(self.params, self.inputs, activation, output)
            self.cost = tf.reduce_mean(_sample_losses(z, self.outputs, self.targets, loss))
            self.accuracy = tf.reduce_mean(_correct(self.outputs, self.targets))
        self.session = tf1.Session(graph=self.graph)

    def feed(self, params, inputs, targets=None):
        """Return the feed dict for ``params`` and data."""
        feed = dict(zip(self.params, params))
        feed[self.inputs] = inputs
        if targets is not None:
            feed[self.targets] = targets
        return feed

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

    Feeds: params, padded ``inputs``/``targets``, a ``mask`` (1 for real rows),
    the learning rate, the first global step and the number of steps, and a
    shuffle seed. Each epoch optionally reorders the rows (padding stays last);
    each step updates on ``batch_size`` consecutive rows, averaging the loss
    over the real ones.
    """

    def __init__(self, model, batch_size, shuffle):
        dtype, n_in, n_out = model.dtype, model.sizes[0], model.sizes[-1]
        self.model = model
        self.mask = tf1.placeholder(dtype, [None], name="mask")
        self.learning_rate = tf1.placeholder(dtype, [], name="learning_rate")
        self.start = tf1.placeholder(tf.int64, [], name="start")
        self.steps = tf1.placeholder(tf.int64, [], name="steps")
        self.seed = tf1.placeholder(tf.int64, [2], name="seed")
        trainable = [model.bias or i % 2 == 0 for i in range(len(model.params))]

        @tf.function(jit_compile=True, autograph=False)
        def run(params, inputs, targets, mask, learning_rate, start, steps, seed):
            rows = tf.shape(inputs, out_type=tf.int64)[0]
            size = rows if batch_size is None else tf.constant(batch_size, tf.int64)
            batches = rows // size
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
                    offset = j * size
                    if batch_size is None:
                        x, t, m = xs, ts, ms
                    else:
                        x = tf.slice(xs, [offset, 0], [batch_size, n_in])
                        t = tf.slice(ts, [offset, 0], [batch_size, n_out])
                        m = tf.slice(ms, [offset], [batch_size])
                    return j + 1, step(params, x, t, m)

                _, params = tf.while_loop(lambda j, _: j < last, batch_body, (first, params))
                return epoch + 1, params

            last_epoch = (end + batches - 1) // batches
            _, params = tf.while_loop(lambda e, _: e < last_epoch, epoch_body,
                                      (start // batches, list(params)))
            return params

        self.outputs = run(model.params, model.inputs, model.targets, self.mask,
                           self.learning_rate, self.start, self.steps, self.seed)

    def run(self, params, inputs, targets, mask, learning_rate, start, steps, seed):
        """Return the params after ``steps`` updates starting at global step ``start``."""
        feed = self.model.feed(params, inputs, targets)
        feed.update({self.mask: mask, self.learning_rate: learning_rate, self.start: start,
                     self.steps: steps, self.seed: seed})
        return self.model.session.run(self.outputs, feed)


class _Stepper:
    """The article's loop: variables, ``GradientDescentOptimizer``, one ``Session.run`` a step."""

    def __init__(self, model):
        self.model = model
        self.lock = threading.Lock()
        self.variables = [tf1.Variable(tf.zeros(p.shape, model.dtype), name=f"var_{p.op.name}")
                          for p in model.params]
        self.loads = [v.assign(p) for v, p in zip(self.variables, model.params)]
        self.learning_rate = tf1.placeholder(model.dtype, [], name="step_learning_rate")
        z, y = _forward(self.variables, model.inputs, model.activation, model.output)
        self.cost = tf.reduce_mean(_sample_losses(z, y, model.targets, model.loss))
        trained = [v for i, v in enumerate(self.variables) if model.bias or i % 2 == 0]
        self.optimize = tf1.train.GradientDescentOptimizer(self.learning_rate).minimize(
            self.cost, var_list=trained)
        model.session.run(tf1.variables_initializer(self.variables))

    def load(self, params):
        """Set the variables to ``params``."""
        self.model.session.run(self.loads, dict(zip(self.model.params, params)))

    def step(self, inputs, targets, learning_rate):
        """Run one optimiser step on a batch and return its cost before the update."""
        feed = {self.model.inputs: inputs, self.model.targets: targets,
                self.learning_rate: learning_rate}
        _, cost = self.model.session.run([self.optimize, self.cost], feed)
        return cost

    def read(self):
        """Return the variables' values."""
        return self.model.session.run(self.variables)


_models = {}
_models_lock = threading.Lock()


def model_for(spec):
    """Return the cached :class:`Model` for a network ``spec``."""
    key = (tuple(spec["sizes"]), spec["activation"], spec["output"], spec["loss"],
           spec["bias"], spec["dtype"])
    with _models_lock:
        if key not in _models:
            _models[key] = Model(list(key[0]), *key[1:])
        return _models[key]
