"""Update rules of the XLA training loop: gradient descent, momentum, Nesterov, Adam, L2, schedules.

Pure TensorFlow functions over lists of tensors ``[w0, b0, w1, b1, ...]``
(a ``None`` gradient marks a parameter that is not trained). Their state
(velocities, Adam's moments) is a list of *slots*, each one tensor per
parameter, carried in the loop's state and, between calls, packed into one
vector per slot; Adam's step count is the loop's global step, so a run split
into several calls computes what one call does.

The formulas are scikit-learn's (``_stochastic_optimizers.py``), which are
Keras' too:

- ``sgd``: ``v = momentum * v - rate * g``, then ``p += v``, or with Nesterov
  ``p += momentum * v - rate * g``; with momentum 0 it is ``p - rate * g``
  exactly (no slot).
- ``adam``: ``m = beta_1 m + (1 - beta_1) g``, ``v = beta_2 v + (1 - beta_2) g²``,
  ``p -= rate sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)``
  at step ``t = 1, 2, ...``.
- L2 penalty ``alpha``: the batch loss gains ``alpha / 2 * ||W||² / n`` over the
  weights (not biases), ``n`` the batch's rows, so each weight's gradient
  gains ``alpha * W / n``.
- Schedules, per epoch ``e = 0, 1, ...``: ``constant``; ``invscaling``
  ``rate / (1 + e * n_samples) ** power_t`` (scikit-learn's, whose ``t`` counts
  the samples seen); ``step`` ``rate * decay_rate ** (e // decay_epochs)``.

Options that change the graph's structure make :func:`structure`, the key of
the compiled loop; the numbers are fed (:func:`hyper_values`), so trying
another ``momentum`` or ``alpha`` compiles nothing new.
"""

from ._tf import tf

HYPER = ("momentum", "beta_1", "beta_2", "epsilon", "alpha", "power_t", "decay_rate")
"""The fed hyperparameters, in the order of :func:`hyper_values`."""


def structure(options):
    """Return the options (from ``check_optimizer``) that shape the loop's graph, as a tuple."""
    momentum = options["optimizer"] == "sgd" and options["momentum"] > 0
    return (options["optimizer"], momentum, momentum and options["nesterov"],
            options["alpha"] > 0, options["schedule"])


def slot_count(key):
    """Return how many state slots the rule of :func:`structure` ``key`` carries."""
    optimizer, momentum = key[0], key[1]
    return 2 if optimizer == "adam" else int(momentum)


def hyper_values(options):
    """Return the fed hyperparameters of ``options``: floats in :data:`HYPER` order."""
    return [float(options[name]) for name in HYPER]


def hyper_tensors(vector):
    """Return the hyperparameter ``vector`` (a 1-D tensor in :data:`HYPER` order) as a dict."""
    return {name: vector[i] for i, name in enumerate(HYPER)}


def epoch_rate(key, learning_rate, hyper, epoch, n_samples, decay_epochs):
    """Return the learning rate of ``epoch`` (an int64 tensor) under the schedule of ``key``.

    ``n_samples`` (the training rows, as a float tensor) drives ``invscaling``;
    ``decay_epochs`` (an int64 tensor) drives ``step``.
    """
    schedule = key[4]
    if schedule == "constant":
        return learning_rate
    dtype = learning_rate.dtype
    if schedule == "invscaling":
        return learning_rate / tf.pow(1 + tf.cast(epoch, dtype) * n_samples, hyper["power_t"])
    return learning_rate * tf.pow(hyper["decay_rate"], tf.cast(epoch // decay_epochs, dtype))


def penalty(key, hyper, params, rows):
    """Return the L2 term ``alpha / 2 * sum of squared weights / rows`` (0 without alpha)."""
    if not key[3]:
        return tf.zeros([], params[0].dtype)
    squares = tf.add_n([tf.reduce_sum(tf.square(w)) for w in params[::2]])
    return 0.5 * hyper["alpha"] * squares / rows


def penalized(key, hyper, params, grads, rows):
    """Return ``grads`` with the L2 penalty's ``alpha * W / rows`` added to the weights'."""
    if not key[3]:
        return grads
    return [g + hyper["alpha"] * p / rows if i % 2 == 0 and g is not None else g
            for i, (p, g) in enumerate(zip(params, grads))]


def initial_slots(key, params):
    """Return zero slots for ``params``: ``slot_count(key)`` lists of zero tensors."""
    return [[tf.zeros_like(p) for p in params] for _ in range(slot_count(key))]


def update(key, hyper, params, grads, slots, rate, step):
    """Return ``(params, slots)`` after one update with gradients ``grads`` at rate ``rate``.

    ``step`` is the global step (int64, counted from 0): Adam's bias
    correction uses ``t = step + 1``. Parameters whose gradient is None, and
    their slots, come back unchanged.
    """
    optimizer, momentum, nesterov = key[:3]
    if optimizer == "sgd" and not momentum:
        return [p if g is None else p - rate * g for p, g in zip(params, grads)], slots
    if optimizer == "sgd":
        mu = hyper["momentum"]
        velocities = [v if g is None else mu * v - rate * g
                      for v, g in zip(slots[0], grads)]
        new = [p if g is None else p + (mu * v - rate * g if nesterov else v)
               for p, g, v in zip(params, grads, velocities)]
        return new, [velocities]
    beta_1, beta_2, epsilon = hyper["beta_1"], hyper["beta_2"], hyper["epsilon"]
    t = tf.cast(step + 1, rate.dtype)
    corrected = rate * tf.sqrt(1 - tf.pow(beta_2, t)) / (1 - tf.pow(beta_1, t))
    firsts = [m if g is None else beta_1 * m + (1 - beta_1) * g for m, g in zip(slots[0], grads)]
    seconds = [v if g is None else beta_2 * v + (1 - beta_2) * tf.square(g)
               for v, g in zip(slots[1], grads)]
    new = [p if g is None else p - corrected * m / (tf.sqrt(v) + epsilon)
           for p, g, m, v in zip(params, grads, firsts, seconds)]
    return new, [firsts, seconds]
