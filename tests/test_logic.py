import numpy as np
import pytest

import k9tf


def test_logic_functions_truth_tables():
    a, b = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    assert k9tf.xor(a, b).tolist() == [False, True, True, False]
    assert k9tf.nand(a, b).tolist() == [True, True, True, False]
    assert k9tf.and_(a, b).tolist() == [False, False, False, True]
    assert k9tf.or_(a, b).tolist() == [False, True, True, True]


@pytest.mark.parametrize("f", [k9tf.xor, k9tf.nand, k9tf.and_, k9tf.or_])
def test_sample_logic_fn(f):
    inputs, labels = k9tf.sample_logic_fn(f, 500, seed=3)
    assert inputs.dtype == np.float32 and labels.dtype == np.float32
    assert inputs.shape == (500, 2) and labels.shape == (500, 2)
    assert set(np.unique(inputs)) <= {0.0, 1.0}
    assert np.array_equal(labels[:, 0], f(inputs[:, 0], inputs[:, 1]).astype(np.float32))
    assert np.array_equal(labels.sum(1), np.ones(500))


def test_sample_logic_fn_seed_and_names():
    x1, y1 = k9tf.sample_logic_fn("xor", 50, seed=9)
    x2, y2 = k9tf.sample_logic_fn(k9tf.xor, 50, seed=9)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    with pytest.raises(ValueError, match="f must be one of"):
        k9tf.sample_logic_fn("xnor", 5)
    with pytest.raises(ValueError, match="samples"):
        k9tf.sample_logic_fn(k9tf.xor, 0)


@pytest.mark.parametrize("gen, f", [(k9tf.nand_gen, lambda a, b: a and b),
                                    (k9tf.and_gen, lambda a, b: a and b),
                                    (k9tf.xor_gen, lambda a, b: a != b),
                                    (k9tf.or_gen, lambda a, b: a or b)])
def test_generators(gen, f):
    samples = [gen() for _ in range(200)]
    for (n1, n2), (truth, negation) in samples:
        assert {n1, n2} <= {0, 1} and type(n1) is int
        assert truth == int(bool(f(n1, n2))) and negation == 1 - truth
    assert len({tuple(s[0]) for s in samples}) == 4
