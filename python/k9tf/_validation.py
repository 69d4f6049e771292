"""Input checks run once at the public boundary.

Every check either returns a normalised value (numpy arrays for numbers,
plain Python for options) or raises ``TypeError`` (wrong kind) or
``ValueError`` (wrong value) naming the argument and echoing what it got.
"""

import math
from collections.abc import Mapping, Sequence, Sized
from numbers import Integral, Real

import numpy as np

from ._presets import FORMAT_VERSION, MAX_PARAMETERS, OPTION_VALUES, PRESETS

NETWORK_KEYS = (
    "version", "sizes", "model", "activation", "output", "loss",
    "bias", "init", "dtype", "seed", "layers",
)


def _brief(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_int(value, name, *, minimum=0):
    """Return ``value`` as an int, refusing bools, floats and values below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {_brief(value)} of type "
                        f"{type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


def check_seed(seed, name="seed"):
    """Return ``seed`` (None or an int in [0, 2**63))."""
    if seed is None:
        return None
    seed = check_int(seed, name)
    if seed >= 2**63:
        raise ValueError(f"{name} must be below 2**63, got {seed!r}.")
    return seed


def check_learning_rate(learning_rate):
    """Return ``learning_rate`` as a finite float > 0."""
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real):
        raise TypeError(f"learning_rate must be a real number, got {_brief(learning_rate)}.")
    if not math.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be a finite number > 0, got {learning_rate!r}.")
    return float(learning_rate)


def check_batch_size(batch_size):
    """Return ``batch_size``: None (full batch) or an int >= 1."""
    return None if batch_size is None else check_int(batch_size, "batch_size", minimum=1)


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {_brief(value)}.")
    return value


def check_sizes(sizes):
    """Return layer ``sizes`` as a list of ints: input first, output last, all >= 1."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a sequence of ints, got {_brief(sizes)}.")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output size, got {list(sizes)!r}.")
    sizes = [check_int(n, "sizes", minimum=1) for n in sizes]
    parameters = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    if parameters > MAX_PARAMETERS:
        raise ValueError(f"sizes {sizes!r} would need {parameters} parameters; k9tf builds at "
                         f"most {MAX_PARAMETERS}.")
    return sizes


def check_options(sizes, model, overrides):
    """Return the full option dict for ``model`` with the non-None ``overrides`` applied."""
    check_choice(model, "model", tuple(PRESETS))
    options = dict(PRESETS[model])
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "bias":
            if not isinstance(value, bool):
                raise TypeError(f"bias must be True or False, got {_brief(value)}.")
            options[key] = value
        else:
            options[key] = check_choice(value, key, OPTION_VALUES[key])
    if options["loss"] == "softmax-cross-entropy":
        if options["output"] not in ("softmax", "linear"):
            raise ValueError("loss='softmax-cross-entropy' needs output='softmax' or 'linear', "
                             f"got output={options['output']!r}.")
        if sizes[-1] < 2:
            raise ValueError("loss='softmax-cross-entropy' needs at least 2 outputs, "
                             f"got sizes={sizes!r}.")
    return options


def _float_array(value, name, dtype, ndim):
    if isinstance(value, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be numbers, got {_brief(value)}.")
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nesting
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None
    if array.dtype == object:
        raise ValueError(f"{name} must be a rectangular array of numbers, got {_brief(value)}.")
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold numbers, got {array.dtype.name} values "
                        f"like {_brief(array.flat[0] if array.size else value)}.")
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers (no NaN or Inf).")
    return array.astype(dtype)


def check_network(network):
    """Return ``(spec, params)`` of a network dict, raising on any malformed part.

    ``spec`` holds ``sizes``, ``model`` and the options; ``params`` is the flat
    list ``[w0, b0, w1, b1, ...]`` of numpy arrays.
    """
    if not isinstance(network, Mapping):
        raise TypeError(f"network must be a dict, got {type(network).__name__}.")
    missing = [k for k in NETWORK_KEYS if k not in network]
    unknown = [k for k in network if k not in NETWORK_KEYS]
    if missing or unknown:
        raise ValueError(f"network is malformed: missing keys {missing}, unknown keys {unknown}.")
    if network["version"] != FORMAT_VERSION:
        raise ValueError(f"network version must be {FORMAT_VERSION}, "
                         f"got {_brief(network['version'])}.")
    overrides = {k: network[k] for k in ("activation", "output", "loss", "bias", "init", "dtype")}
    if any(v is None for v in overrides.values()):
        raise ValueError(f"network options must not be None, got {overrides!r}.")
    try:
        sizes = check_sizes(network["sizes"])
        options = check_options(sizes, network["model"], overrides)
    except (TypeError, ValueError) as error:
        raise type(error)(f"network {error}") from None
    check_seed(network["seed"], "network seed")
    layers = network["layers"]
    if not isinstance(layers, Sequence) or len(layers) != len(sizes) - 1:
        raise ValueError(f"network layers must be a list of {len(sizes) - 1} layers for sizes "
                         f"{sizes!r}, got {_brief(layers)}.")
    params = []
    for i, (layer, n_in, n_out) in enumerate(zip(layers, sizes[:-1], sizes[1:])):
        if not isinstance(layer, Mapping) or set(layer) != {"weights", "biases"}:
            raise ValueError(f"network layer {i} must be a dict with keys 'weights' and "
                             f"'biases', got {_brief(layer)}.")
        weights = _float_array(layer["weights"], f"network layer {i} weights",
                               options["dtype"], 2)
        biases = _float_array(layer["biases"], f"network layer {i} biases", options["dtype"], 1)
        if weights.shape != (n_in, n_out) or biases.shape != (n_out,):
            raise ValueError(f"network layer {i} must have weights {n_in}x{n_out} and "
                             f"{n_out} biases, got weights {weights.shape[0]}x"
                             f"{weights.shape[1]} and {biases.shape[0]} biases.")
        params += [weights, biases]
    return {"sizes": sizes, "model": network["model"], **options}, params


def check_inputs(inputs, n_in, dtype):
    """Return ``(matrix, single)``: the inputs as a 2-D array and whether one row was given."""
    if isinstance(inputs, np.ndarray):
        single = inputs.ndim == 1
    elif isinstance(inputs, Sequence) and not isinstance(inputs, (str, bytes)):
        single = len(inputs) == 0 or not isinstance(inputs[0], (Sequence, np.ndarray))
    else:
        raise TypeError(f"input must be a list of numbers or a list of such lists, "
                        f"got {_brief(inputs)}.")
    matrix = _float_array([inputs] if single else inputs, "input", dtype, 2)
    if matrix.shape[0] == 0:
        raise ValueError("input must not be empty.")
    if matrix.shape[1] != n_in:
        raise ValueError(f"input must have {n_in} values per row (the network's input size), "
                         f"got {matrix.shape[1]}.")
    return matrix, single


def check_samples(samples, n_in, n_out, dtype, name="samples"):
    """Return ``(inputs, targets)`` arrays from any of the accepted sample forms.

    The form is told by the container's type, never by its shape: a ``tuple``
    is ``(inputs, labels)``, a ``dict`` is ``{"inputs": ..., "labels": ...}``,
    and any other iterable is k9 pairs ``[[input, target], ...]``.
    """
    if isinstance(samples, tuple):
        if len(samples) != 2:
            raise ValueError(f"{name} as a tuple must be (inputs, labels), got {len(samples)} "
                             "items.")
        inputs, labels = samples
    elif isinstance(samples, Mapping):
        if set(samples) != {"inputs", "labels"}:
            raise ValueError(f"{name} as a dict must have exactly the keys 'inputs' and "
                             f"'labels', got {sorted(map(str, samples))}.")
        inputs, labels = samples["inputs"], samples["labels"]
    elif isinstance(samples, (str, bytes, np.ndarray)) or not hasattr(samples, "__iter__"):
        raise TypeError(f"{name} must be a list of [input, target] pairs, an (inputs, labels) "
                        f"tuple or a dict with 'inputs' and 'labels'; got {_brief(samples)}.")
    else:
        pairs = list(samples)
        for i, pair in enumerate(pairs):
            if isinstance(pair, (str, bytes, Mapping)) or not isinstance(
                pair, (Sequence, np.ndarray)
            ) or len(pair) != 2:
                raise ValueError(f"{name}[{i}] must be an [input, target] pair, "
                                 f"got {_brief(pair)}.")
        inputs = [pair[0] for pair in pairs]
        labels = [pair[1] for pair in pairs]
    if any(isinstance(part, Sized) and len(part) == 0 for part in (inputs, labels)):
        raise ValueError(f"{name} must not be empty.")
    x = _float_array(inputs, f"{name} inputs", dtype, 2)
    y = _float_array(labels, f"{name} targets", dtype, 2)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{name} must have as many targets as inputs, got {x.shape[0]} inputs "
                         f"and {y.shape[0]} targets.")
    if x.shape[1] != n_in:
        raise ValueError(f"{name} inputs must have {n_in} values (the network's input size), "
                         f"got {x.shape[1]}.")
    if y.shape[1] != n_out:
        raise ValueError(f"{name} targets must have {n_out} values (the network's output size), "
                         f"got {y.shape[1]}.")
    return x, y
