"""Optimizers, L2, schedules, early stopping and per-epoch history through ``k9tf.train``."""

import math

import numpy as np
import pytest

import k9tf

XOR = k9tf.sample_logic_fn(k9tf.xor, 64, seed=1)
VAL = k9tf.sample_logic_fn(k9tf.xor, 32, seed=2)
NET = k9tf.construct_network(2, 4, 2, seed=3)

RULES = [
    {"momentum": 0.9},
    {"momentum": 0.9, "nesterov": True, "alpha": 0.01},
    {"optimizer": "adam"},
    {"optimizer": "adam", "alpha": 0.1, "schedule": "invscaling", "power_t": 0.25},
    {"optimizer": "sgd", "schedule": "step", "decay_rate": 0.5, "decay_epochs": 2},
]


def weights(net):
    return np.concatenate([np.ravel(layer[k]) for layer in net["layers"]
                           for k in ("weights", "biases")])


def test_defaults_are_plain_gradient_descent_bit_for_bit():
    plain = k9tf.train_epochs(5, NET, XOR, 0.5, batch_size=8)
    spelled = k9tf.train_epochs(5, NET, XOR, 0.5, batch_size=8, optimizer="sgd", momentum=0.0,
                                nesterov=False, alpha=0.0, schedule="constant")
    assert spelled == plain


@pytest.mark.parametrize("changes", RULES)
def test_rules_train_and_change_the_result(changes):
    plain = k9tf.train_epochs(20, NET, XOR, 0.1, batch_size=8)
    other = k9tf.train_epochs(20, NET, XOR, 0.1, batch_size=8, **changes)
    assert other != plain
    assert np.isfinite(weights(other)).all()


@pytest.mark.parametrize("changes, batch_size", [
    (RULES[0], 1), (RULES[1], 8), (RULES[2], 8), (RULES[2], None), (RULES[3], 1), (RULES[4], 8)])
def test_chunks_and_reports_change_no_bit(changes, batch_size):
    """The optimizer state crosses the loop's calls: reports every step change nothing."""
    kwargs = dict(epochs=6, batch_size=batch_size, shuffle=batch_size == 8, seed=4,
                  validation=VAL, **changes)
    one, h1 = k9tf.train(NET, XOR, 0.05, report_every=None, **kwargs)
    each, h2 = k9tf.train(NET, XOR, 0.05, report_every=1, **kwargs)
    assert each == one
    for key in ("epoch", "loss", "accuracy", "val_loss", "val_accuracy"):
        assert h1[key] == h2[key]
    again, _ = k9tf.train(NET, XOR, 0.05, report_every=None, **kwargs)
    assert again == one


def test_momentum_matches_keras_on_a_tiny_network():
    keras = pytest.importorskip("keras")
    net = k9tf.construct_network(2, 4, 2, seed=5, dtype="float64")
    for changes, optimizer in [
        ({"momentum": 0.875}, keras.optimizers.SGD(0.0625, momentum=0.875)),
        ({"momentum": 0.75, "nesterov": True},
         keras.optimizers.SGD(0.0625, momentum=0.75, nesterov=True)),
        ({"optimizer": "adam", "beta_1": 0.875, "beta_2": 1 - 2**-10},
         keras.optimizers.Adam(0.0625, beta_1=0.875, beta_2=1 - 2**-10, epsilon=1e-8)),
    ]:
        ours = k9tf.train_epochs(10, net, XOR, 0.0625, batch_size=16, **changes)
        model = keras.Sequential([keras.Input((2,), dtype="float64"),
                                  keras.layers.Dense(4, activation="tanh", dtype="float64"),
                                  keras.layers.Dense(2, dtype="float64")])
        model.set_weights([np.array(layer[k]) for layer in net["layers"]
                           for k in ("weights", "biases")])
        model.compile(optimizer=optimizer,
                      loss=keras.losses.CategoricalCrossentropy(from_logits=True,
                                                                dtype="float64"))
        model.fit(XOR[0].astype("float64"), XOR[1].astype("float64"), batch_size=16, epochs=10,
                  shuffle=False, verbose=0)
        np.testing.assert_allclose(weights(ours), np.concatenate(  # Keras' kernels differ
            [w.ravel() for w in model.get_weights()]), rtol=1e-9, atol=1e-11)


def test_l2_penalty_adds_alpha_w_over_rows_to_weight_gradients():
    lr, alpha, n = 0.5, 0.3, len(XOR[0])
    plain = k9tf.train_epochs(1, NET, XOR, lr, batch_size=None)
    penalised = k9tf.train_epochs(1, NET, XOR, lr, batch_size=None, alpha=alpha)
    for before, a, b in zip(NET["layers"], plain["layers"], penalised["layers"]):
        np.testing.assert_allclose(np.array(b["weights"]), np.array(a["weights"])
                                   - lr * alpha * np.array(before["weights"]) / n,
                                   rtol=1e-5, atol=1e-6)
        assert a["biases"] == b["biases"]


def test_step_schedule_equals_calls_at_the_decayed_rates():
    decayed = k9tf.train_epochs(3, NET, XOR, 0.5, batch_size=16, schedule="step",
                                decay_rate=0.5, decay_epochs=1)
    by_hand = NET
    for rate in (0.5, 0.25, 0.125):
        by_hand = k9tf.train_epochs(1, by_hand, XOR, rate, batch_size=16)
    assert decayed == by_hand


def test_invscaling_is_scikit_learns_per_epoch_rate():
    scaled = k9tf.train_epochs(2, NET, XOR, 0.5, batch_size=None, schedule="invscaling",
                               power_t=0.5)
    by_hand = k9tf.train_epochs(1, NET, XOR, 0.5, batch_size=None)
    by_hand = k9tf.train_epochs(1, by_hand, XOR, 0.5 / math.sqrt(1 + len(XOR[0])),
                                batch_size=None)
    np.testing.assert_allclose(weights(scaled), weights(by_hand), rtol=1e-6, atol=1e-7)


def test_history_has_keras_per_epoch_lists():
    _, history = k9tf.train(NET, XOR, 0.5, epochs=4, batch_size=None, report_every=1,
                            validation=VAL)
    assert history["epoch"] == [0, 1, 2, 3]
    assert history["step"] == [0, 1, 2, 3, 4]
    # full batch, a record a step: an epoch's running loss is the next record's, and the
    # first is the loss of the initial weights
    assert history["loss"] == history["cost"][1:]
    assert history["accuracy"] == history["train_accuracy"][1:]
    assert history["loss"][0] == pytest.approx(history["cost"][0], rel=1e-6)
    assert all(isinstance(v, float) for v in history["val_loss"] + history["val_accuracy"])
    assert history["val_accuracy"][-1] == pytest.approx(history["validation_accuracy"][-1])
    assert "stopped_epoch" not in history
    _, bare = k9tf.train(NET, XOR, 0.5, epochs=2, report_every=None)
    assert bare["val_loss"] == [None, None] and bare["val_accuracy"] == [None, None]
    assert len(bare["loss"]) == 2 and bare["step"] == []


def test_training_loss_includes_the_penalty():
    _, plain = k9tf.train(NET, XOR, 0.5, epochs=1, batch_size=None, report_every=None)
    _, penalised = k9tf.train(NET, XOR, 0.5, epochs=1, batch_size=None, alpha=2.0,
                              report_every=None)
    squares = sum(np.sum(np.square(layer["weights"])) for layer in NET["layers"])
    assert penalised["loss"][0] == pytest.approx(plain["loss"][0] + squares / len(XOR[0]),
                                                 rel=1e-6)


def test_early_stopping_stops_after_patience_and_restores_the_best():
    kwargs = dict(batch_size=8, validation=VAL, seed=1)
    _, full = k9tf.train(NET, XOR, 0.5, epochs=40, report_every=None, **kwargs)
    stopped, history = k9tf.train(NET, XOR, 0.5, epochs=40, early_stopping=True, patience=2,
                                  tol=1e9, report_every=None, **kwargs)
    # tol 1e9: no epoch after the first improves enough; stop once more than 2 epochs did not
    assert history["epoch"] == [0, 1, 2, 3] and history["stopped_epoch"] == 3
    assert history["val_loss"] == full["val_loss"][:4]
    best = int(np.argmin(history["val_loss"]))
    assert history["best_epoch"] == best
    assert stopped == k9tf.train_epochs(best + 1, NET, XOR, 0.5, **kwargs)
    last, _ = k9tf.train(NET, XOR, 0.5, epochs=40, early_stopping=True, patience=2, tol=1e9,
                         restore_best=False, **kwargs)
    assert last == k9tf.train_epochs(4, NET, XOR, 0.5, **kwargs)


def test_early_stopping_runs_to_the_end_while_improving():
    _, history = k9tf.train(NET, XOR, 0.5, epochs=5, batch_size=None, early_stopping=True,
                            validation=VAL, tol=0.0, patience=100)
    assert history["epoch"] == [0, 1, 2, 3, 4] and history["stopped_epoch"] is None


def test_validation_fraction_splits_deterministically_from_the_seed():
    a, ha = k9tf.train(NET, XOR, 0.5, epochs=3, early_stopping=True, validation_fraction=0.25,
                       seed=7, report_every=None)
    b, hb = k9tf.train(NET, XOR, 0.5, epochs=3, early_stopping=True, validation_fraction=0.25,
                       seed=7, report_every=None)
    c, _ = k9tf.train(NET, XOR, 0.5, epochs=3, early_stopping=True, validation_fraction=0.25,
                      seed=8, report_every=None)
    assert a == b and ha["val_loss"] == hb["val_loss"] and a != c
    assert all(v is not None for v in ha["val_loss"])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"optimizer": "rmsprop"}, ValueError, "optimizer must be one of sgd, adam"),
    ({"momentum": 1.5}, ValueError, "momentum"),
    ({"optimizer": "adam", "momentum": 0.9}, ValueError, "momentum is an option of"),
    ({"alpha": -1}, ValueError, "alpha"),
    ({"schedule": "cosine"}, ValueError, "schedule"),
    ({"early_stopping": "yes"}, TypeError, "early_stopping must be True or False"),
    ({"validation_fraction": 1.0}, ValueError, "validation_fraction"),
    ({"validation_fraction": 0.0}, ValueError, "validation_fraction"),
    ({"patience": -1}, ValueError, "patience must be an int >= 0"),
    ({"patience": 2.5}, TypeError, "patience"),
    ({"tol": -0.1}, ValueError, "tol"),
    ({"restore_best": None}, TypeError, "restore_best"),
    ({"loop": "session", "optimizer": "adam"}, ValueError, "loop='session' runs plain"),
    ({"loop": "session", "momentum": 0.5}, ValueError, "loop='session'"),
    ({"loop": "session", "alpha": 0.5}, ValueError, "loop='session'"),
    ({"loop": "session", "early_stopping": True, "validation": VAL}, ValueError,
     "loop='session'"),
])
def test_bad_training_options_name_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        k9tf.train(NET, XOR, 0.5, **kwargs)


def test_validation_fraction_needs_rows_on_both_sides():
    with pytest.raises(ValueError, match="validation_fraction=0.5 leaves"):
        k9tf.train(NET, (XOR[0][:1], XOR[1][:1]), 0.5, early_stopping=True,
                   validation_fraction=0.5)
