"""The update rules of ``k9tf.engine._optimizers`` against numpy references and Keras' optimizers.

The rules run eagerly here on a fixed quadratic problem (the gradient of
``0.5 p'Ap - b'p`` per parameter); the training tests check them inside the
XLA loop.
"""

import numpy as np
import pytest

from k9tf.engine._optimizers import (
    epoch_rate,
    hyper_tensors,
    hyper_values,
    initial_slots,
    penalized,
    penalty,
    structure,
    update,
)
from k9tf.engine._tf import tf
from k9tf.model import PLAIN, check_optimizer

SHAPES = [(3, 2), (2,)]  # one weight matrix and its biases


def options(**changes):
    return check_optimizer(**{**PLAIN, **changes})


def problem(dtype):
    rng = np.random.default_rng(0)
    params = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    scales = [rng.uniform(0.5, 2.0, size=s).astype(dtype) for s in SHAPES]
    targets = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    return params, scales, targets


def gradient(params, scales, targets):
    """Return the gradient of sum(0.5 * scale * (p - target)**2), per parameter."""
    return [s * (p - t) for p, s, t in zip(params, scales, targets)]


def reference(opts, params, grads_of, rate, steps, rows):
    """Return the params after ``steps`` updates, computed with numpy in float64."""
    params = [p.astype(np.float64) for p in params]
    velocity = [np.zeros_like(p) for p in params]
    m, v = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
    for step in range(steps):
        grads = grads_of(params)
        grads = [g + opts["alpha"] * p / rows if i % 2 == 0 else g
                 for i, (p, g) in enumerate(zip(params, grads))]
        if opts["optimizer"] == "sgd":
            mu = opts["momentum"]
            velocity = [mu * vel - rate * g for vel, g in zip(velocity, grads)]
            if opts["nesterov"]:
                params = [p + mu * vel - rate * g for p, vel, g in zip(params, velocity, grads)]
            else:
                params = [p + vel for p, vel in zip(params, velocity)]
        else:
            b1, b2, t = opts["beta_1"], opts["beta_2"], step + 1
            m = [b1 * mm + (1 - b1) * g for mm, g in zip(m, grads)]
            v = [b2 * vv + (1 - b2) * g**2 for vv, g in zip(v, grads)]
            lr = rate * np.sqrt(1 - b2**t) / (1 - b1**t)
            params = [p - lr * mm / (np.sqrt(vv) + opts["epsilon"])
                      for p, mm, vv in zip(params, m, v)]
    return params


def ours(opts, params, grads_of, rate, steps, rows, dtype=np.float64):
    key = structure(opts)
    hyper = hyper_tensors(tf.constant(hyper_values(opts), dtype))
    params = [tf.constant(p, dtype) for p in params]
    slots = initial_slots(key, params)
    rate = tf.constant(rate, dtype)
    for step in range(steps):
        grads = [tf.constant(g, dtype) for g in grads_of([p.numpy() for p in params])]
        grads = penalized(key, hyper, params, grads, tf.constant(rows, dtype))
        params, slots = update(key, hyper, params, grads, slots, rate, tf.constant(step, tf.int64))
    return [p.numpy() for p in params]


CASES = [
    {},
    {"momentum": 0.9},
    {"momentum": 0.5, "nesterov": True},
    {"alpha": 0.3},
    {"momentum": 0.9, "nesterov": True, "alpha": 0.1},
    {"optimizer": "adam"},
    {"optimizer": "adam", "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6, "alpha": 0.2},
]


@pytest.mark.parametrize("changes", CASES)
def test_rules_match_numpy_formulas(changes):
    opts = options(**changes)
    params, scales, targets = problem(np.float64)

    def grads_of(ps):
        return gradient(ps, scales, targets)

    expected = reference(opts, params, grads_of, 0.05, 30, rows=4)
    got = ours(opts, params, grads_of, 0.05, 30, rows=4)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)
    assert not all(np.allclose(g, p) for g, p in zip(got, params)), "it moved"


def test_plain_sgd_is_exactly_p_minus_rate_times_grad():
    opts = options()
    assert structure(opts) == ("sgd", False, False, False, "constant")
    p, g = tf.constant([0.1, -0.7], tf.float32), tf.constant([0.3, 0.9], tf.float32)
    rate = tf.constant(0.5, tf.float32)
    hyper = hyper_tensors(tf.constant(hyper_values(opts), tf.float32))
    (new,), slots = update(structure(opts), hyper, [p], [g], [], rate, tf.constant(0, tf.int64))
    assert slots == [] and new.numpy().tobytes() == (p - rate * g).numpy().tobytes()


def test_untrained_parameters_and_their_slots_stay():
    opts = options(optimizer="adam")
    key, params = structure(opts), [tf.constant([1.0, 2.0]), tf.constant([3.0])]
    hyper = hyper_tensors(tf.constant(hyper_values(opts)))
    new, slots = update(key, hyper, params, [tf.constant([0.5, 0.5]), None],
                        initial_slots(key, params), tf.constant(0.1), tf.constant(0, tf.int64))
    assert new[1].numpy().tolist() == [3.0] and new[0].numpy().tolist() != [1.0, 2.0]
    assert slots[0][1].numpy().tolist() == [0.0] and slots[1][1].numpy().tolist() == [0.0]


def test_penalty_is_half_alpha_squared_weights_over_rows():
    opts = options(alpha=0.4)
    hyper = hyper_tensors(tf.constant(hyper_values(opts), tf.float64))
    w, b = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([10.0, 10.0])  # biases not penalised
    got = penalty(structure(opts), hyper, [tf.constant(w), tf.constant(b)], tf.constant(8.0,
                                                                                        tf.float64))
    assert got.numpy() == pytest.approx(0.5 * 0.4 * np.sum(w**2) / 8)
    assert penalty(structure(options()), hyper, [tf.constant(w)], 8.0).numpy() == 0.0


@pytest.mark.parametrize("schedule, expected", [
    ("constant", lambda e: 0.5),
    ("invscaling", lambda e: 0.5 / (1 + e * 100) ** 0.25),   # scikit-learn's t: samples seen
    ("step", lambda e: 0.5 * 0.3 ** (e // 4)),
])
def test_schedules_per_epoch(schedule, expected):
    opts = options(schedule=schedule, power_t=0.25, decay_rate=0.3, decay_epochs=4)
    hyper = hyper_tensors(tf.constant(hyper_values(opts), tf.float64))
    for epoch in [0, 1, 3, 4, 9, 1000]:
        got = epoch_rate(structure(opts), tf.constant(0.5, tf.float64), hyper,
                         tf.constant(epoch, tf.int64), tf.constant(100.0, tf.float64),
                         tf.constant(opts["decay_epochs"], tf.int64))
        assert float(got) == pytest.approx(expected(epoch), rel=1e-12)


def _keras_run(optimizer, params, scales, targets, steps):
    variables = [tf.Variable(p) for p in params]
    for _ in range(steps):
        grads = gradient([v.numpy() for v in variables], scales, targets)
        optimizer.apply_gradients(zip([tf.constant(g) for g in grads], variables))
    return [v.numpy() for v in variables]


@pytest.mark.parametrize("changes, make", [  # numbers exact in float32, as Keras keeps its rate
    ({"momentum": 0.875}, lambda k: k.optimizers.SGD(0.0625, momentum=0.875)),
    ({"momentum": 0.75, "nesterov": True},
     lambda k: k.optimizers.SGD(0.0625, momentum=0.75, nesterov=True)),
    ({"optimizer": "adam", "beta_1": 0.875, "beta_2": 1 - 2**-10},  # near the defaults
     lambda k: k.optimizers.Adam(0.0625, beta_1=0.875, beta_2=1 - 2**-10, epsilon=1e-8)),
    ({"optimizer": "adam", "beta_1": 0.75, "beta_2": 0.9375},
     lambda k: k.optimizers.Adam(0.0625, beta_1=0.75, beta_2=0.9375, epsilon=1e-8)),
])
def test_rules_match_keras_optimizers(changes, make):
    keras = pytest.importorskip("keras")
    opts = options(**changes)
    params, scales, targets = problem(np.float64)
    expected = _keras_run(make(keras), params, scales, targets, 40)
    got = ours(opts, params, lambda ps: gradient(ps, scales, targets), 0.0625, 40, rows=1)
    for e, g in zip(expected, got):  # float64 on both sides; Keras' kernels round differently
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("changes, error, match", [
    ({"optimizer": "rmsprop"}, ValueError, "optimizer must be one of sgd, adam; got 'rmsprop'"),
    ({"optimizer": None}, ValueError, "optimizer"),
    ({"momentum": 1.0}, ValueError, r"momentum must be a finite number >= 0 and < 1, got 1.0"),
    ({"momentum": -0.1}, ValueError, "momentum"),
    ({"momentum": "0.9"}, TypeError, "momentum must be a real number, got '0.9'"),
    ({"momentum": True}, TypeError, "momentum"),
    ({"nesterov": 1}, TypeError, "nesterov must be True or False, got 1"),
    ({"beta_1": 1}, ValueError, "beta_1"),
    ({"beta_2": float("nan")}, ValueError, "beta_2"),
    ({"epsilon": 0}, ValueError, "epsilon must be a finite number > 0"),
    ({"alpha": -1e-3}, ValueError, "alpha must be a finite number >= 0, got -0.001"),
    ({"alpha": float("inf")}, ValueError, "alpha"),
    ({"schedule": "adaptive"}, ValueError, "schedule must be one of constant, invscaling, step"),
    ({"power_t": -1}, ValueError, "power_t"),
    ({"decay_rate": 0}, ValueError, "decay_rate must be a finite number > 0 and <= 1"),
    ({"decay_epochs": 0}, ValueError, "decay_epochs must be an int >= 1, got 0"),
    ({"decay_epochs": 2.0}, TypeError, "decay_epochs must be an int"),
    ({"optimizer": "adam", "momentum": 0.9}, ValueError, "momentum is an option of "
                                                         "optimizer='sgd'"),
    ({"optimizer": "adam", "nesterov": True}, ValueError, "nesterov"),
])
def test_bad_options_name_the_argument(changes, error, match):
    with pytest.raises(error, match=match):
        options(**changes)
