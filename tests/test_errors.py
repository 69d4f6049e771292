"""Typed errors: callers dispatch on the type and its ``argument``, never on the message."""

import pathlib
import pickle
import re

import pytest

import k9tf


def test_errors_are_typed_and_name_their_argument():
    with pytest.raises(k9tf.InvalidValue) as caught:
        k9tf.construct_network(2, 0)
    assert isinstance(caught.value, ValueError) and caught.value.argument == "sizes"
    with pytest.raises(k9tf.InvalidType) as caught:
        k9tf.ff("01", k9tf.construct_network(2, 2, seed=0))
    assert isinstance(caught.value, TypeError) and caught.value.argument == "input"
    again = pickle.loads(pickle.dumps(caught.value))  # Dask moves errors between processes
    assert (type(again), again.argument, str(again)) == (
        type(caught.value), "input", str(caught.value))


def test_divergence_is_its_own_error():
    x, y = k9tf.sample_logic_fn(k9tf.xor, 100, seed=1)
    net = k9tf.construct_network(2, 8, 2, output="linear", loss="squared-error", seed=1)
    with pytest.raises(k9tf.DivergedError, match="training diverged") as caught:
        k9tf.train_epochs(50, net, (x, y), 1e30, batch_size=None)
    assert caught.value.argument == "learning_rate"


def test_no_plain_value_or_type_error_is_raised_in_the_package():
    root = pathlib.Path(k9tf.__file__).parent
    pattern = re.compile(r"\b(raise|return) (ValueError|TypeError)\(|= (ValueError|TypeError) if")
    plain = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
             if path.parent.name != "cli"
             for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert plain == []  # the command line's own messages (cli/) name options, not arguments
