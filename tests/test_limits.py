"""k9tf's documented limits: each refused up front, in one line naming the argument and the limit.

Issue 11, reproduction 3: infinite or absurd inputs were accepted and ate the heap.
"""

import numpy as np
import pytest

import k9tf
from k9tf.model import MAX_EPOCHS, MAX_LAYERS, MAX_SAMPLES, MAX_VALUES

NET = k9tf.construct_network(2, 3, 2, seed=1)
PAIR = [[0, 1], [1, 0]]


def _one_line(error):
    message = str(error.value)
    assert "\n" not in message
    return message


def test_layers_limit():
    assert len(k9tf.construct_network(*[2] * (MAX_LAYERS + 1))["layers"]) == MAX_LAYERS
    with pytest.raises(ValueError, match=r"^sizes gives 5,001 layers; k9tf builds at most 100 ") \
            as error:
        k9tf.construct_network(2, *[1] * 5000, 2)
    _one_line(error)


def test_sizes_are_measured_before_they_are_read():
    with pytest.raises(ValueError, match=r"^sizes gives 999,997 layers; k9tf builds at most 100"):
        k9tf.construct_network(range(2, 10**6))


def test_units_limit():
    with pytest.raises(ValueError, match=r"^sizes has a layer of 9,999,999 units; k9tf builds "
                                         r"layers of at most 1,000,000\.$"):
        k9tf.construct_network(2, 9_999_999, 2)


def test_parameters_limit():
    with pytest.raises(ValueError, match=r"would need 6,265,002 parameters; k9tf builds at most "
                                         r"5,000,000\.$"):
        k9tf.construct_network(2, 2500, 2500, 2)


def test_endless_samples_are_read_one_past_the_limit():
    taken = []

    def endless():  # itertools.repeat(PAIR), but counted, and stopping a test of old code
        while len(taken) < 3 * MAX_SAMPLES:
            taken.append(1)
            yield PAIR
        raise AssertionError("samples were read far past the limit")

    with pytest.raises(ValueError, match=r"^samples yields more than 1,000,000 items \(an endless "
                                         r"iterator\?\); k9tf trains on at most 1,000,000"):
        k9tf.train_epochs(1, NET, endless(), 0.5)
    assert len(taken) == MAX_SAMPLES + 1


def test_too_many_samples_refused_before_reading():
    with pytest.raises(ValueError, match=r"^samples has 1,000,001 items; k9tf trains on at most"):
        k9tf.train_epochs(1, NET, [PAIR] * (MAX_SAMPLES + 1), 0.5)
    with pytest.raises(ValueError, match=r"^samples inputs has 1,000,001 items"):
        k9tf.train(NET, (np.zeros((MAX_SAMPLES + 1, 2)), np.zeros((MAX_SAMPLES + 1, 2))), 0.5)
    with pytest.raises(ValueError, match=r"^samples must be at most 1,000,000 \(k9tf's limit\)"):
        k9tf.sample_logic_fn(k9tf.xor, MAX_SAMPLES + 1)


def test_epochs_limit():
    with pytest.raises(ValueError, match=r"^epochs must be at most 1,000,000 \(k9tf's limit\), "
                                         r"got 1,000,001\.$"):
        k9tf.train_epochs(MAX_EPOCHS + 1, NET, [PAIR], 0.5)


def test_rows_times_units_limit():
    wide = k9tf.construct_network(2, 100_000, 2, seed=1)  # 100,004 units
    rows = MAX_VALUES // 100_004 + 1
    with pytest.raises(ValueError, match=rf"^input has {rows:,} rows for a network of 100,004 "
                                         rf"units, {rows * 100_004:,} values; k9tf evaluates at "
                                         rf"most {MAX_VALUES:,}"):
        k9tf.ff(np.zeros((rows, 2)), wide)
    with pytest.raises(ValueError, match=rf"^samples has {rows:,} rows for a network of 100,004 "):
        k9tf.train(wide, (np.zeros((rows, 2)), np.ones((rows, 2))), 0.5, batch_size=None)


def test_long_input_refused_before_it_is_read():
    with pytest.raises(ValueError, match=r"^input has 10,000,000 values, the network takes 2\.$"):
        k9tf.ff(range(10**7), NET)
    with pytest.raises(ValueError, match=r"^input row 1 has 10,000,000 values, the network "):
        k9tf.ff([[0, 1], range(10**7)], NET)
