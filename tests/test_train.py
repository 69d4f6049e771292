import copy

import numpy as np
import pytest

import k9tf
from k9tf.engine import _models, _run
from k9tf.model import _cache

GRID = [[0, 0], [0, 1], [1, 0], [1, 1]]


@pytest.fixture(scope="module")
def nand_samples():
    x, y = k9tf.sample_logic_fn(k9tf.and_, 1000, seed=11)  # [and?, nand?] like nand_gen
    return [[list(map(int, a)), list(map(int, b))] for a, b in zip(x, y)]


def test_article_k9_session_learns_nand(nand_samples):
    net = k9tf.construct_network(2, 3, 2, seed=0)
    trained = k9tf.train_epochs(500, net, nand_samples, 0.5)
    out = k9tf.ff([1, 1], trained)
    assert out[0] > 0.99 and out[1] < 0.01
    assert [o[0] > o[1] for o in k9tf.ff(GRID, trained)] == [False, False, False, True]


def test_xor_wider_net_full_batch_reaches_full_accuracy():
    x, y = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=1)
    vx, vy = k9tf.sample_logic_fn(k9tf.xor, 200, seed=2)
    net = k9tf.construct_network(2, 16, 16, 2, seed=3)
    trained, history = k9tf.train(net, (x, y), 0.5, epochs=500, batch_size=None,
                                  validation={"inputs": vx, "labels": vy})
    assert history["step"] == [0, 200, 400, 500]
    assert history["train_accuracy"][-1] == 1.0 and history["validation_accuracy"][-1] == 1.0
    assert history["cost"][-1] < history["cost"][0]
    assert k9tf.accuracy(k9tf.ff(vx.tolist(), trained), vy) == 1.0


def test_article_model_trains_with_session_loop():
    x, y = k9tf.sample_logic_fn(k9tf.xor, 300, seed=1)
    net = k9tf.construct_network(2, 16, 2, model="article", seed=2)
    xla = k9tf.train_epochs(50, net, (x, y), 0.01, batch_size=None)
    session = k9tf.train_epochs(50, net, (x, y), 0.01, batch_size=None, loop="session")
    for a, b in zip(xla["layers"], session["layers"]):
        assert np.allclose(a["weights"], b["weights"], atol=1e-5)


def test_sample_forms_agree(nand_samples):
    net = k9tf.construct_network(2, 3, 2, seed=5)
    inputs = [s[0] for s in nand_samples[:100]]
    labels = [s[1] for s in nand_samples[:100]]
    a = k9tf.train_data(net, nand_samples[:100], 0.5)
    b = k9tf.train_data(net, (np.array(inputs), np.array(labels)), 0.5)
    c = k9tf.train_data(net, {"inputs": inputs, "labels": labels}, 0.5)
    assert a == b == c


def test_training_is_pure(nand_samples):
    net = k9tf.construct_network(2, 3, 2, seed=6)
    before = copy.deepcopy(net)
    trained = k9tf.train_epochs(2, net, nand_samples, 0.5)
    assert net == before and trained != net
    assert trained["seed"] == net["seed"] and trained["sizes"] == net["sizes"]


def test_epochs_compose(nand_samples):
    net = k9tf.construct_network(2, 3, 2, seed=7)
    twice = k9tf.train_data(k9tf.train_data(net, nand_samples, 0.5), nand_samples, 0.5)
    assert k9tf.train_epochs(2, net, nand_samples, 0.5) == twice
    assert k9tf.train_epochs(0, net, nand_samples, 0.5) == net


def test_report_chunks_do_not_change_result(nand_samples):
    net = k9tf.construct_network(2, 3, 2, seed=8)
    plain = k9tf.train_epochs(3, net, nand_samples, 0.5)
    reported, history = k9tf.train(net, nand_samples, 0.5, epochs=3, report_every=7)
    assert plain == reported and len(history["step"]) == len(range(0, 3000, 7)) + 1


def test_minibatch_with_partial_last_batch():
    x, y = k9tf.sample_logic_fn(k9tf.or_, 103, seed=4)
    net = k9tf.construct_network(2, 4, 2, seed=9)
    trained, history = k9tf.train(net, (x, y), 0.5, epochs=30, batch_size=10, report_every=11)
    assert history["step"][-1] == 30 * 11
    assert history["train_accuracy"][-1] == 1.0
    oversized = k9tf.train_epochs(3, net, (x, y), 0.5, batch_size=1000)
    assert oversized == k9tf.train_epochs(3, net, (x, y), 0.5, batch_size=None)


def test_shuffle_is_seeded(nand_samples):
    net = k9tf.construct_network(2, 3, 2, seed=10)
    a = k9tf.train_epochs(2, net, nand_samples, 0.5, shuffle=True, seed=1)
    b = k9tf.train_epochs(2, net, nand_samples, 0.5, shuffle=True, seed=1)
    c = k9tf.train_epochs(2, net, nand_samples, 0.5, shuffle=True, seed=2)
    assert a == b != c
    with pytest.raises(ValueError, match="shuffle"):
        k9tf.train_epochs(1, net, nand_samples, 0.5, shuffle=True, loop="session")


def test_report_lines_are_logged(caplog, nand_samples):
    net = k9tf.construct_network(2, 3, 2, seed=12)
    with caplog.at_level("INFO", logger="k9tf"):
        k9tf.train(net, nand_samples, 0.5, epochs=1, report_every=500,
                   validation=nand_samples[:10])
    text = caplog.text
    assert "Cost function value as of step 0:" in text
    assert "Accuracy for training dataset:" in text
    assert "Validation accuracy estimate:" in text


def test_callback_receives_records(nand_samples):
    records = []
    net = k9tf.construct_network(2, 3, 2, seed=13)
    k9tf.train(net, nand_samples, 0.5, epochs=1, report_every=400, callback=records.append)
    assert [r["step"] for r in records] == [0, 400, 800, 1000]
    assert set(records[0]) == {"step", "cost", "train_accuracy", "validation_accuracy",
                               "seconds"}


def test_divergence_is_an_error():
    x, y = k9tf.sample_logic_fn(k9tf.xor, 100, seed=1)
    net = k9tf.construct_network(2, 8, 2, output="linear", loss="squared-error", seed=1)
    with pytest.raises(ValueError, match="diverged"):
        k9tf.train_epochs(50, net, (x, y), 1e6, batch_size=None)


def test_float64_network_trains_in_float64():
    net = k9tf.construct_network(2, 3, 2, dtype="float64", seed=1)
    trained = k9tf.train_epochs(1, net, [[[1, 1], [1, 0]]], 0.5)
    weights = np.asarray(trained["layers"][0]["weights"])
    assert not np.array_equal(weights.astype(np.float32).astype(float), weights)


# Issue 22, item 7: a training call is bounded in memory (samples x units) and in work
# (epochs x samples x parameters) before anything is built.

def test_training_values_limit_is_below_the_evaluation_limit():
    from k9tf.model import MAX_TRAIN_VALUES, MAX_VALUES

    wide = k9tf.construct_network(2, 100_000, 2, model="k9", seed=1)  # 100,004 units
    rows = MAX_TRAIN_VALUES // 100_004 + 1
    with pytest.raises(ValueError, match=rf"^samples has {rows:,} rows for a network of "
                                         rf"100,004 units, {rows * 100_004:,} values; k9tf "
                                         rf"trains on at most {MAX_TRAIN_VALUES:,}"):
        k9tf.train(wide, (np.zeros((rows, 2)), np.ones((rows, 2))), 0.5, batch_size=None)
    assert MAX_TRAIN_VALUES < MAX_VALUES


def test_batches_bound_the_data_set_not_its_activations():
    from k9tf.model import MAX_TRAIN_VALUES

    wide = k9tf.construct_network(2, 100_000, 2, model="k9", seed=1)  # 100,004 units
    rows = MAX_TRAIN_VALUES // 100_004 + 1
    samples = (np.zeros((rows, 2)), np.ones((rows, 2)))
    with pytest.raises(ValueError, match="^learning_rate"):  # the samples passed their check
        k9tf.train(wide, samples, -1.0, batch_size=rows - 1)
    with pytest.raises(ValueError, match=r"trains on at most 50,000,000 \(samples x units\)"):
        k9tf.train(wide, samples, 0.5, batch_size=rows)  # one batch: every activation at once


def test_batches_are_bounded_by_the_data_set_values():
    from k9tf.model import MAX_VALUES

    net = k9tf.construct_network(1_000, 2, 2, seed=1)
    rows = MAX_VALUES // 1_002 + 1
    inputs = np.zeros((rows, 1_000), np.float32)  # never written: the count is checked first
    with pytest.raises(ValueError, match=rf"^samples has {rows:,} rows of 1,002 inputs \+ "
                                         rf"targets, {rows * 1_002:,} values; k9tf trains on at "
                                         rf"most {MAX_VALUES:,} \(samples x inputs \+ targets\)"):
        k9tf.train(net, (inputs, np.zeros((rows, 2), np.float32)), 0.5, batch_size=128)


def test_work_limit_refuses_years_of_training_at_once():
    from k9tf.model import MAX_EPOCHS, MAX_WORK

    net = k9tf.construct_network(2, 100, 2, seed=1)  # 502 parameters
    x, y = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=1)
    work = MAX_EPOCHS * 1000 * 502
    assert work > MAX_WORK
    with pytest.raises(ValueError, match=rf"^epochs x samples x parameters is {work:,} "
                                         rf"\(1,000,000 x 1,000 x 502\); one training call does "
                                         rf"at most {MAX_WORK:,}"):
        k9tf.train(net, (x, y), 0.5, epochs=MAX_EPOCHS)
    assert MAX_EPOCHS * 1000 * 12 <= MAX_WORK  # k9's 2-3-2 session still runs 1M epochs


def test_running_reports_average_the_steps_since_the_last_record():
    x, y = k9tf.sample_logic_fn(k9tf.xor, 300, seed=5)
    net = k9tf.construct_network(2, 8, 2, seed=5)
    kw = dict(epochs=20, batch_size=None, report_every=1)
    running, fast = k9tf.train(net, (x, y), 0.5, **kw)
    full, slow = k9tf.train(net, (x, y), 0.5, report="full", **kw)
    assert running == full and fast["step"] == slow["step"] == list(range(21))
    assert fast["cost"][0] == slow["cost"][0]  # 300 rows: step 0 evaluates them all
    # Full batch: the batch of step s is the training set at the weights before step s.
    np.testing.assert_allclose(fast["cost"][1:], slow["cost"][:-1], rtol=1e-5)
    np.testing.assert_allclose(fast["train_accuracy"][1:], slow["train_accuracy"][:-1])
    _, online = k9tf.train(net, (x, y), 0.5, epochs=2, report_every=150)
    _, session = k9tf.train(net, (x, y), 0.5, epochs=2, report_every=150, loop="session")
    np.testing.assert_allclose(online["cost"], session["cost"], rtol=1e-4)
    with pytest.raises(ValueError, match="report"):
        k9tf.train(net, (x, y), 0.5, report="sometimes")


@pytest.mark.parametrize("dtype, kwargs", [
    ("float32", dict(batch_size=10, shuffle=True, seed=3, report_every=7)),
    ("float64", dict(batch_size=1, report_every=50)),  # float64 losses: sums round
    ("float64", dict(batch_size=None, report_every=3, epochs=20)),
    ("float32", dict(batch_size=10, report_every=7, early_stopping=True,
                     validation_fraction=0.2, seed=5, patience=1, epochs=40)),
])
def test_records_are_the_same_bits_however_the_loop_is_cut(monkeypatch, dtype, kwargs):
    # The loop returns to Python every 0.25 s, so where its runs end depends on the machine's
    # speed; a record's sums must not (they are carried across runs inside the loop).
    x, y = k9tf.sample_logic_fn(k9tf.or_, 103, seed=4)
    net = k9tf.construct_network(2, 4, 2, seed=9, dtype=dtype)
    kwargs = {"epochs": 5, **kwargs}
    whole, history = k9tf.train(net, (x, y), 0.5, **kwargs)

    class Clock:  # each reading one second later: runs of 3 steps, then 9, 27, ... or fewer
        now = 0.0

        def perf_counter(self):
            self.now += 1.0
            return self.now

    monkeypatch.setattr(_run, "time", Clock())
    monkeypatch.setattr(_run, "_CHUNK_SECONDS", 3.0)
    monkeypatch.setattr(_run, "_GUESS_SECONDS", (1.0, 0.0))
    with _models.model_for(_cache.checked_network(net)[0]) as (model, _):
        model.rates.clear()  # no rate measured by earlier calls: the first run takes 3 steps
    cut, cut_history = k9tf.train(net, (x, y), 0.5, **kwargs)
    assert cut == whole
    for key in ("step", "cost", "train_accuracy", "validation_accuracy", "epoch", "loss",
                "accuracy", "val_loss", "val_accuracy"):
        assert cut_history[key] == history[key], key
    steps = history["step"]
    assert steps[0] == 0 and len(steps) == len(set(steps)) > 2
