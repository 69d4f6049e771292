"""The engine's graphs: what the fast paths must never change, and bounded caches."""

import _thread
import threading

import numpy as np
import pytest

import k9tf
from k9tf.engine import _feeds, _layers, _models, _run, _sessions
from k9tf.model import MAX_EPOCHS, _cache

ARCHITECTURES = [
    ((2, 3, 2), {}),
    ((2, 16, 16, 2), {}),
    ((2, 3, 2), {"model": "k9"}),
    ((3, 5, 4), {"activation": "sigmoid", "output": "sigmoid", "loss": "squared-error"}),
    ((2, 7, 3), {"model": "article"}),
]
WIDE = [  # a layer wider than the chain (CHAIN_INPUTS): matrix products
    ((40, 6, 3), {"dtype": "float64"}),
    ((5, 40, 2), {}),
]


def _chained(sizes):
    return all(_layers.chained(np.zeros(pair)) for pair in zip(sizes[:-1], sizes[1:]))


@pytest.mark.parametrize("sizes, options", ARCHITECTURES)
def test_ff_rows_do_not_depend_on_their_batch(sizes, options):
    assert _chained(sizes)
    rng = np.random.default_rng(sum(sizes))
    net = k9tf.construct_network(*sizes, seed=3, **options)
    x = rng.normal(size=(301, sizes[0])) * 2
    batch = k9tf.ff(x.tolist(), net)
    assert [k9tf.ff(row, net) for row in x[:25].tolist()] == batch[:25]
    for _ in range(5):
        order = rng.permutation(len(x))[: rng.integers(1, len(x))]
        assert k9tf.ff(x[order].tolist(), net) == [batch[i] for i in order]


@pytest.mark.parametrize("sizes, options", WIDE)
def test_wide_ff_rows_agree_with_their_batch_and_every_call_repeats(sizes, options):
    assert not _chained(sizes)
    rng = np.random.default_rng(sum(sizes))
    net = k9tf.construct_network(*sizes, seed=3, **options)
    x = rng.normal(size=(301, sizes[0])) * 2
    batch = k9tf.ff(x.tolist(), net)
    assert k9tf.ff(x.tolist(), net) == batch
    rows = [k9tf.ff(row, net) for row in x[:25].tolist()]
    assert [k9tf.ff(row, net) for row in x[:25].tolist()] == rows
    np.testing.assert_allclose(rows, batch[:25], rtol=1e-5 if "dtype" not in options else 1e-12)
    order = rng.permutation(len(x))[:100]
    np.testing.assert_allclose(k9tf.ff(x[order].tolist(), net), [batch[i] for i in order],
                               rtol=1e-5 if "dtype" not in options else 1e-12)


@pytest.mark.parametrize("sizes, dtype", [((2, 3, 2), "float32"), ((2, 16, 16, 2), "float32"),
                                          ((3, 4, 2), "float64"), ((40, 5, 2), "float32")])
def test_ff_equals_the_forward_pass_of_a_training_step(sizes, dtype):
    # Linear output, squared error, zero last bias, learning rate 1, target 0: one online step
    # sets the last bias to exactly -(the output the training step computed).
    net = k9tf.construct_network(*sizes, output="linear", loss="squared-error", dtype=dtype,
                                 seed=5)
    rng = np.random.default_rng(5)
    for x in rng.normal(size=(5, sizes[0])).tolist():
        trained = k9tf.train_data(net, [[x, [0] * sizes[-1]]], 1.0)
        assert [-b for b in trained["layers"][-1]["biases"]] == k9tf.ff(x, net)


def test_training_on_padded_rows_equals_training_on_exact_rows(monkeypatch):
    x, y = k9tf.sample_logic_fn(k9tf.xor, 103, seed=2)
    net = k9tf.construct_network(2, 4, 2, seed=2)
    runs = [dict(batch_size=1), dict(batch_size=10), dict(batch_size=10, shuffle=True, seed=4)]
    padded = [k9tf.train_epochs(3, net, (x, y), 0.3, **kw) for kw in runs]
    monkeypatch.setattr(_run, "_bucket", lambda rows: rows)
    assert [k9tf.train_epochs(3, net, (x, y), 0.3, **kw) for kw in runs] == padded


def _flat(net):
    return np.concatenate([np.ravel(layer[k]) for layer in net["layers"]
                           for k in ("weights", "biases")])


def test_full_batch_in_blocks_equals_one_block_to_rounding(monkeypatch):
    # 1,000 rows in blocks of 64: 15 whole blocks and one of 40 rows.
    x, y = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=6)
    net = k9tf.construct_network(2, 8, 2, seed=6, dtype="float64")
    whole, history = k9tf.train(net, (x, y), 0.5, epochs=5, batch_size=None, report_every=1)
    monkeypatch.setattr(_feeds, "BLOCK_ROWS", 64)
    blocked, blocked_history = k9tf.train(net, (x, y), 0.5, epochs=5, batch_size=None,
                                          report_every=1)
    assert _feeds.full_batch_block(1000) == 64
    assert blocked != whole  # the sums ran in another order
    np.testing.assert_allclose(_flat(blocked), _flat(whole), rtol=1e-12)
    np.testing.assert_allclose(blocked_history["cost"], history["cost"], rtol=1e-12)
    assert blocked_history["train_accuracy"] == history["train_accuracy"]


def test_model_cache_is_bounded_and_models_in_use_survive(monkeypatch):
    monkeypatch.setattr(_models, "MAX_MODELS", 2)
    nets = [k9tf.construct_network(2, 40 + i, 2, seed=i) for i in range(3)]
    expected = [k9tf.ff([[1, 0], [0, 1]], n) for n in nets]
    assert len(_models._models) <= 2
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as pool:  # every thread evicts what the others stop using
        got = list(pool.map(lambda i: k9tf.ff([[1, 0], [0, 1]], nets[i % 3]), range(24)))
    assert got == [expected[i % 3] for i in range(24)]
    assert len(_models._models) <= 2


def test_compiled_shapes_are_bounded_without_changing_results(monkeypatch):
    x, y = k9tf.sample_logic_fn(k9tf.or_, 40, seed=3)
    net = k9tf.construct_network(2, 5, 2, seed=3)
    counts = range(10, 40, 6)
    expected = [k9tf.train_epochs(2, net, (x[:n], y[:n]), 0.5, batch_size=None) for n in counts]
    monkeypatch.setattr(_sessions, "MAX_SHAPES", 2)
    with _models.model_for(_cache.checked_network(net)[0]) as (model, _):
        model.sessions.retire()  # a fresh session, which compiles every shape again
        first = model.sessions._current
    assert [k9tf.train_epochs(2, net, (x[:n], y[:n]), 0.5, batch_size=None)
            for n in counts] == expected
    assert first.retired and first.session._closed and len(model.sessions._current.shapes) <= 3


def test_huge_epochs_start_at_once_and_stop_on_interrupt(sigint_raises):
    net = k9tf.construct_network(2, 3, 2, seed=4)
    samples = k9tf.sample_logic_fn(k9tf.nand, 1000, seed=4)  # online: minutes at the limit
    started = threading.Event()

    def interrupt_when_started():
        started.wait(600)
        _thread.interrupt_main()

    thread = threading.Thread(target=interrupt_when_started)
    thread.start()
    try:
        with pytest.raises(KeyboardInterrupt):  # report steps are not all built up front
            k9tf.train(net, samples, 0.5, epochs=MAX_EPOCHS, report_every=10**12,
                       callback=lambda record: started.set())
    finally:
        started.set()
        thread.join()
    with pytest.raises(ValueError, match="epochs"):
        k9tf.train_epochs(MAX_EPOCHS + 1, net, [[[1, 0], [0, 1]]] * 4, 0.5)
