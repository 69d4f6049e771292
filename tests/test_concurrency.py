"""Threads, interruption and long runs: the core stays correct and usable."""

import _thread
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import k9tf
from k9tf.engine import _run

NET = k9tf.construct_network(2, 3, 2, seed=8)
DATA = k9tf.sample_logic_fn(k9tf.nand, 40, seed=8)


def work(i):
    if i % 2:
        return k9tf.ff([[i % 2, (i // 2) % 2]], NET)
    subset = (DATA[0][: 1 + i % 40], DATA[1][: 1 + i % 40])
    return k9tf.train_epochs(2, NET, subset, 0.5)


def test_threads_match_serial_results():
    jobs = range(400)
    serial = [work(i) for i in jobs]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(work, jobs, timeout=300)) == serial


def test_threads_on_new_architectures_build_each_graph_once():
    sizes = [(2, 5 + i % 3, 2) for i in range(24)]
    with ThreadPoolExecutor(8) as pool:
        nets = list(pool.map(lambda s: k9tf.construct_network(*s, seed=1), sizes))
        outs = list(pool.map(lambda n: k9tf.ff([1, 0], n), nets))
    assert outs == [k9tf.ff([1, 0], n) for n in nets]


def test_keyboard_interrupt_stops_training_and_leaves_core_usable(sigint_raises, monkeypatch):
    x, y = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=1)
    net = k9tf.construct_network(2, 16, 2, seed=1)
    training, finished, advance = threading.Event(), threading.Event(), _run.Run._advance

    def advancing(self, *args):  # the steps start: the interrupt lands inside training
        training.set()
        return advance(self, *args)

    def interrupt_when_training():
        training.wait(600)
        if not finished.is_set():
            _thread.interrupt_main()

    monkeypatch.setattr(_run.Run, "_advance", advancing)
    thread = threading.Thread(target=interrupt_when_training)
    thread.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            k9tf.train_epochs(2 * 10**5, net, (x, y), 0.1)  # would run for many minutes
    finally:
        finished.set()
        training.set()
        thread.join()
    assert k9tf.train_epochs(1, net, (x, y), 0.1) != net
