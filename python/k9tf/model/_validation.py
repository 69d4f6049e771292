"""Input checks run once at the public boundary.

Every check either returns a normalised value (numpy arrays for numbers,
plain Python for options) or raises ``TypeError`` (wrong kind) or
``ValueError`` (wrong value) naming the argument, echoing what it got in the
caller's terms (the offending row or value, never numpy's dtype names), and
stating the limit when one is exceeded. Sizes are checked before anything is
allocated, and an iterable of samples is read at most one item past the limit.
"""

import itertools
import math
import reprlib
import sys
from collections.abc import Mapping, Sequence, Set
from numbers import Integral, Real

import numpy as np

from ._errors import InvalidType, InvalidValue, argument_of, rephrased
from ._layout import count
from ._presets import (
    DATA_FORMAT_VERSION,
    FORMAT_VERSION,
    MAX_EPOCHS,
    MAX_LAYERS,
    MAX_PARAMETERS,
    MAX_SAMPLES,
    MAX_UNITS,
    MAX_VALUES,
    OPTION_VALUES,
    PRESETS,
)

NETWORK_KEYS = (
    "version", "sizes", "model", "activation", "output", "loss",
    "bias", "init", "dtype", "seed", "layers",
)
"""The keys of a version-1 network; version 2 adds ``data`` (see :func:`check_data`)."""

DATA_KEYS = ("features", "target", "classes", "scaler", "keywords")
"""The keys a network's ``data`` may hold, each optional."""

_TEXT = (str, bytes, bytearray, memoryview)
_LISTS = (list, tuple)
_PLAIN = {int, float}
_NUMBER_TYPES = (int, float, np.integer, np.floating)
_BOOL_TYPES = (bool, np.bool_)


class _Repr(reprlib.Repr):
    """``repr`` bounded in length, showing numpy values as the plain Python they hold."""

    def __init__(self):
        super().__init__()
        self.maxlist = self.maxtuple = 6
        self.maxstring = self.maxother = 40

    def repr1(self, x, level):
        if isinstance(x, np.generic):
            x = x.item()
        elif isinstance(x, np.ndarray):
            if x.size > 100:
                return f"an array of shape {x.shape}"
            x = x.tolist()
        return super().repr1(x, level)


_repr = _Repr()


def brief(value, limit=80):
    """Return ``value``'s repr, cut to ``limit`` characters, for error messages."""
    text = _repr.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def plural(n, word):
    """Return ``n`` and ``word``, pluralised: ``plural(2, "row")`` is ``"2 rows"``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _is_vector(value):
    """Return whether ``value`` is a list-like of items: a sequence or array, but not text."""
    if type(value) in _LISTS:  # the common case, without the cost of an ABC check
        return True
    if isinstance(value, np.ndarray):
        return value.ndim >= 1
    return isinstance(value, Sequence) and not isinstance(value, _TEXT)


def check_int(value, name, *, minimum=0, maximum=None):
    """Return ``value`` as an int, refusing bools, floats and values outside the bounds."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InvalidType(argument_of(name), f"{name} must be an int, got {brief(value)} of type "
                                             f"{type(value).__name__}.")
    if value < minimum:
        raise InvalidValue(argument_of(name), f"{name} must be an int >= {minimum}, got "
                                              f"{value!r}.")
    if maximum is not None and value > maximum:
        raise InvalidValue(argument_of(name), f"{name} must be at most {maximum:,} (k9tf's "
                                              f"limit), got {value:,}.")
    return int(value)


def check_seed(seed, name="seed"):
    """Return ``seed`` (None or an int in [0, 2**63))."""
    if seed is None:
        return None
    seed = check_int(seed, name)
    if seed >= 2**63:
        raise InvalidValue(argument_of(name), f"{name} must be below 2**63, got {seed!r}.")
    return seed


def check_epochs(epochs, name="epochs"):
    """Return ``epochs`` as an int in [0, MAX_EPOCHS]."""
    return check_int(epochs, name, maximum=MAX_EPOCHS)


def check_learning_rate(learning_rate):
    """Return ``learning_rate`` as a finite float > 0."""
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real):
        raise InvalidType("learning_rate", "learning_rate must be a real number, got "
                                           f"{brief(learning_rate)}.")
    if not math.isfinite(learning_rate) or learning_rate <= 0:
        raise InvalidValue("learning_rate", "learning_rate must be a finite number > 0, got "
                                            f"{learning_rate!r}.")
    return float(learning_rate)


def check_batch_size(batch_size):
    """Return ``batch_size``: None (full batch) or an int >= 1."""
    return None if batch_size is None else check_int(batch_size, "batch_size", minimum=1)


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidValue(argument_of(name), f"{name} must be one of {', '.join(choices)}; got "
                                              f"{brief(value)}.")
    return value


def check_sizes(sizes):
    """Return layer ``sizes`` as a list of ints: input first, output last, all >= 1.

    The number of layers, the units per layer and the parameter count are
    checked against k9tf's limits before anything is built.
    """
    if not _is_vector(sizes):
        raise InvalidType("sizes", f"sizes must be a sequence of ints, got {brief(sizes)}.")
    if len(sizes) < 2:
        raise InvalidValue("sizes", "sizes needs at least an input and an output size, got "
                                    f"{brief(sizes)}.")
    if len(sizes) - 1 > MAX_LAYERS:
        raise InvalidValue("sizes", f"sizes gives {plural(len(sizes) - 1, 'layer')}; k9tf builds "
                                    f"at most {MAX_LAYERS} (sizes has at most {MAX_LAYERS + 1} "
                                    "items).")
    sizes = [check_int(n, "sizes", minimum=1) for n in sizes]
    widest = max(sizes)
    if widest > MAX_UNITS:
        raise InvalidValue("sizes", f"sizes has a layer of {widest:,} units; k9tf builds layers "
                                    f"of at most {MAX_UNITS:,}.")
    parameters = count(sizes)
    if parameters > MAX_PARAMETERS:
        raise InvalidValue("sizes", f"sizes {brief(sizes)} would need {parameters:,} parameters; "
                                    f"k9tf builds at most {MAX_PARAMETERS:,}.")
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
                raise InvalidType("bias", f"bias must be True or False, got {brief(value)}.")
            options[key] = value
        else:
            options[key] = check_choice(value, key, OPTION_VALUES[key])
    if options["loss"] == "softmax-cross-entropy":
        if options["output"] not in ("softmax", "linear"):
            raise InvalidValue("loss", "loss='softmax-cross-entropy' needs output='softmax' or "
                                       f"'linear', got output={options['output']!r}.")
        if sizes[-1] < 2:
            raise InvalidValue("loss", "loss='softmax-cross-entropy' needs at least 2 outputs, "
                                       f"got sizes={sizes!r}.")
    return options


# Numbers --------------------------------------------------------------------------------------


def _check_cell(value, where, dtype):
    """Raise the error a single bad value deserves; return quietly if it is a good number."""
    if isinstance(value, _BOOL_TYPES):
        raise InvalidType(argument_of(where), f"{where} must be a number, got {bool(value)} "
                                              "(booleans are not numbers here; use 1 or 0).")
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, (int, float)):
        raise InvalidType(argument_of(where), f"{where} must be a number, got {brief(value)}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue(argument_of(where), f"{where} must be a finite number (no NaN or "
                                               f"Inf), got {value!r}.")
    try:
        as_float = float(value)
    except OverflowError:
        as_float = math.inf
    with np.errstate(over="ignore"):
        if not np.isfinite(np.asarray(as_float, dtype)):
            raise InvalidValue(argument_of(where), f"{where} must be within {dtype}'s range "
                                                   f"(±{float(np.finfo(dtype).max):.8g}), got "
                                                   f"{brief(value)}.")


def _explain(rows, width, dtype, row_name, cell_name, takes):
    """Walk ``rows`` and raise the first problem found, in the caller's terms.

    Returns the rows as a float64 array when nothing is wrong (numbers numpy
    could not convert by itself, such as ints beyond 64 bits that still fit).
    """
    for i, row in enumerate(rows):
        if not _is_vector(row):
            raise InvalidType(argument_of(row_name(i)), f"{row_name(i)} must be a list of "
                                                        f"{plural(width, 'number')}, got "
                                                        f"{brief(row)}.")
        if len(row) != width:
            raise InvalidValue(argument_of(row_name(i)), f"{row_name(i)} has "
                                                         f"{plural(len(row), 'value')}, {takes}.")
        for j, value in enumerate(row):
            _check_cell(value, cell_name(i, j), dtype)
    return np.array([[float(value) for value in row] for row in rows])


def _plain_numbers(rows, width):
    """Return whether list-like ``rows`` may be ``width``-long rows of plain numbers (no bools).

    A quick screen at C speed; ``np.asarray``'s result is checked afterwards.
    """
    try:
        if set(map(len, rows)) != {width}:
            return False
    except TypeError:  # a row without a length
        return False
    types = set(map(type, itertools.chain.from_iterable(rows)))
    return types <= _PLAIN or all(issubclass(t, _NUMBER_TYPES) and not issubclass(t, _BOOL_TYPES)
                                  for t in types)


def _table(rows, width, dtype, row_name, cell_name, takes):
    """Return non-empty list-like ``rows`` of ``width`` numbers as a finite ``dtype`` array.

    ``row_name(i)`` and ``cell_name(i, j)`` name a row and a value in messages;
    ``takes`` completes "row i has k values, ..." (e.g. "the network takes 2").
    """
    array = None
    if isinstance(rows, np.ndarray):
        if rows.ndim == 2 and rows.shape[1] == width and rows.dtype.kind in "iuf":
            array = rows
    elif _plain_numbers(rows, width):
        array = np.asarray(rows)
        if array.dtype.kind not in "iuf" or array.shape != (len(rows), width):
            array = None
    if array is None:
        array = _explain(rows, width, dtype, row_name, cell_name, takes)
    if array.dtype == np.float64 and dtype == "float32":  # the one cast that can overflow
        with np.errstate(over="ignore"):
            cast = array.astype(dtype)
    else:
        cast = array.astype(dtype, copy=False)  # read only: no copy of a big data set
    if not all_finite(cast):
        i, j = divmod(int(np.isfinite(cast).argmin()), width)
        _check_cell(array[i, j], cell_name(i, j), dtype)
    return cast


_SMALL = 64
"""Arrays up to this many values are checked as Python floats: beside TensorFlow's calls a
numpy reduction costs more."""


def all_finite(array):
    """Return whether every value of the float ``array`` is finite, in one pass without a copy.

    A finite sum answers at once (NaN and Inf propagate through it); a sum
    that overflowed is checked value by value.
    """
    if array.size <= _SMALL:
        return all(map(math.isfinite, array.ravel().tolist()))
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(array, axis=None)):
            return True
    return bool(np.isfinite(array).all())


def check_count(rows, name, units, limit_name="rows", limit=MAX_VALUES, per="units"):
    """Refuse more ``rows`` x ``units`` than ``limit``, before reading any of the rows.

    ``per`` names what ``units`` counts in the message: the network's units,
    or ``"inputs + targets"`` for a data set trained on in batches.
    """
    if units is not None and len(rows) * units > limit:
        doing = "trains on" if limit_name == "samples" else "evaluates"
        of = f"for a network of {units:,} units" if per == "units" else f"of {units:,} {per}"
        raise InvalidValue(argument_of(name), f"{name} has {plural(len(rows), 'row')} "
                                              f"{of}, {len(rows) * units:,} values; k9tf "
                                              f"{doing} at most {limit:,} ({limit_name} x "
                                              f"{per}) per call.")


def check_matrix(value, name, dtype="float64", width=None, takes=None):
    """Return a non-empty 2-D array of finite numbers: rows of ``width`` values, or all as long.

    Used for arrays that are not a network's inputs, such as ``accuracy``'s
    arguments; ``takes`` completes "row i has k values, ..." when ``width`` is given.
    """
    if not _is_vector(value):
        raise InvalidType(argument_of(name), f"{name} must be a list of rows of numbers, got "
                                             f"{brief(value)}.")
    if len(value) == 0:
        raise InvalidValue(argument_of(name), f"{name} must not be empty.")
    first = value[0]
    if width is None:
        if not _is_vector(first):
            raise InvalidType(argument_of(name), f"{name} row 0 must be a list of numbers, got "
                                                 f"{brief(first)}.")
        width = len(first)
    check_count(value, name, max(width, 1))
    if width == 0:
        raise InvalidValue(argument_of(name), f"{name} rows must not be empty.")
    return _table(value, width, dtype, lambda i: f"{name} row {i}",
                  lambda i, j: f"{name}[{i}][{j}]", takes or f"{name} row 0 has {width}")


# Networks -------------------------------------------------------------------------------------


def check_network(network):
    """Return ``(spec, params)`` of a network dict, raising on any malformed part.

    ``spec`` holds ``sizes``, ``model`` and the options; ``params`` is the flat
    list ``[w0, b0, w1, b1, ...]`` of numpy arrays.
    """
    if not isinstance(network, Mapping):
        raise InvalidType("network", f"network must be a dict, got {type(network).__name__}.")
    version = network.get("version")
    if (isinstance(version, bool) or not isinstance(version, Integral)
            or version not in (FORMAT_VERSION, DATA_FORMAT_VERSION)):
        raise InvalidValue("network", f"network version must be {FORMAT_VERSION} or "
                                      f"{DATA_FORMAT_VERSION} (with data), got {brief(version)}.")
    keys = NETWORK_KEYS + (("data",) if version == DATA_FORMAT_VERSION else ())
    missing = [k for k in keys if k not in network]
    unknown = [k for k in network if k not in keys]
    if missing or unknown:
        raise InvalidValue("network", f"network is malformed: missing keys {missing}, unknown "
                                      f"keys {brief(unknown)}.")
    overrides = {k: network[k] for k in ("activation", "output", "loss", "bias", "init", "dtype")}
    if any(v is None for v in overrides.values()):
        raise InvalidValue("network", f"network options must not be None, got {overrides!r}.")
    try:
        sizes = check_sizes(network["sizes"])
        options = check_options(sizes, network["model"], overrides)
    except (TypeError, ValueError) as error:
        raise rephrased(error, f"network {error}", "network") from None
    check_seed(network["seed"], "network seed")
    layers = network["layers"]
    if not _is_vector(layers) or len(layers) != len(sizes) - 1:
        raise InvalidValue("network", f"network layers must be a list of {len(sizes) - 1} layers "
                                      f"for sizes {brief(sizes)}, got {brief(layers)}.")
    dtype = options["dtype"]
    params = []
    for i, (layer, n_in, n_out) in enumerate(zip(layers, sizes[:-1], sizes[1:])):
        if not isinstance(layer, Mapping) or set(layer) != {"weights", "biases"}:
            raise InvalidValue("network", f"network layer {i} must be a dict with keys 'weights' "
                                          f"and 'biases', got {brief(layer)}.")
        name = f"network layer {i}"
        weights, biases = layer["weights"], layer["biases"]
        if not _is_vector(weights) or len(weights) != n_in:
            raise InvalidValue(argument_of(name), f"{name} weights must be {n_in}x{n_out} (one "
                                                  f"row per unit below), got {brief(weights)}.")
        params.append(_table(weights, n_out, dtype, lambda r, name=name: f"{name} weights row {r}",
                             lambda r, c, name=name: f"{name} weights[{r}][{c}]",
                             f"the layer has {plural(n_out, 'unit')} (weights {n_in}x{n_out})"))
        if not _is_vector(biases):
            raise InvalidValue(argument_of(name), f"{name} biases must be a list of {n_out} "
                                                  f"numbers, got {brief(biases)}.")
        rows = biases[np.newaxis] if isinstance(biases, np.ndarray) else [biases]
        params.append(_table(rows, n_out, dtype, lambda r, name=name: f"{name} biases",
                             lambda r, c, name=name: f"{name} biases[{c}]",
                             f"the layer has {plural(n_out, 'unit')}")[0])
    spec = {"sizes": sizes, "model": network["model"], **options}
    if version == DATA_FORMAT_VERSION:
        spec["data"] = check_data(network["data"], sizes, options["loss"], "network data")
    return spec, params


def _check_names(names, name, n):
    """Return ``names`` as a list of ``n`` distinct non-empty strings."""
    if not _is_vector(names) or len(names) != n:
        raise InvalidValue(argument_of(name),
                           f"{name} must be a list of {plural(n, 'name')}, got {brief(names)}.")
    if not all(isinstance(v, str) and v for v in names) or len(set(names)) != n:
        raise InvalidValue(argument_of(name),
                           f"{name} must hold distinct non-empty strings, got {brief(names)}.")
    return list(names)


def _check_label(value, name):
    """Return class label ``value``: a string, an int or a finite float."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidType(argument_of(name),
                          f"{name} must hold strings or numbers, got {brief(value)}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue(argument_of(name), f"{name} must hold finite numbers, got {value!r}.")
    return value


def _check_vector(values, name, n, positive=False):
    """Return ``values`` as a list of ``n`` finite floats (each > 0 if ``positive``)."""
    if not _is_vector(values) or len(values) != n:
        raise InvalidValue(argument_of(name),
                           f"{name} must be a list of {plural(n, 'number')}, got {brief(values)}.")
    for i, value in enumerate(values):
        _check_cell(value, f"{name}[{i}]", "float64")
        if positive and not value > 0:
            raise InvalidValue(argument_of(name), f"{name}[{i}] must be > 0, got {value!r}.")
    return [float(v) for v in values]


def check_data(data, sizes, loss, name="data"):
    """Return a copy of a network's ``data``: what it was trained on, in the user's terms.

    Every key is optional: ``features`` (the ``sizes[0]`` input column names),
    ``target`` (the target column's name), ``classes`` (the ``sizes[-1]``
    class labels, strings or numbers, in output order; only for a
    softmax cross-entropy network), ``scaler`` (``{"mean": [...], "scale":
    [...]}``, ``sizes[0]`` numbers each: inputs are ``(x - mean) / scale``
    before the network sees them) and ``keywords`` (True if the classes were
    Clojure keywords, which the Clojure side gives back as keywords).
    """
    if not isinstance(data, Mapping):
        raise InvalidType(argument_of(name), f"{name} must be a dict, got {brief(data)}.")
    unknown = [k for k in data if k not in DATA_KEYS]
    if unknown:
        raise InvalidValue(argument_of(name),
                           f"{name} has unknown keys {brief(unknown)}; it may hold "
                         f"{', '.join(DATA_KEYS)}.")
    checked = {}
    if "features" in data:
        checked["features"] = _check_names(data["features"], f"{name} features", sizes[0])
    if "target" in data:
        target = data["target"]
        if not isinstance(target, str) or not target:
            raise InvalidType(argument_of(name),
                              f"{name} target must be a non-empty string, got {brief(target)}.")
        checked["target"] = target
    if "classes" in data:
        classes = data["classes"]
        if loss != "softmax-cross-entropy":
            raise InvalidValue(argument_of(name),
                               f"{name} classes need a softmax cross-entropy network, got "
                             f"loss={loss!r}.")
        if not _is_vector(classes) or len(classes) != sizes[-1]:
            raise InvalidValue(argument_of(name),
                               f"{name} classes must be a list of {plural(sizes[-1], 'label')} "
                             f"(one per output), got {brief(classes)}.")
        classes = [_check_label(v, f"{name} classes") for v in classes]
        if len(set(classes)) != len(classes):
            raise InvalidValue(argument_of(name),
                               f"{name} classes must be distinct, got {brief(classes)}.")
        checked["classes"] = classes
    if "scaler" in data:
        scaler = data["scaler"]
        if not isinstance(scaler, Mapping) or set(scaler) != {"mean", "scale"}:
            raise InvalidValue(argument_of(name),
                               f"{name} scaler must be a dict with keys 'mean' and 'scale', got "
                             f"{brief(scaler)}.")
        checked["scaler"] = {
            "mean": _check_vector(scaler["mean"], f"{name} scaler mean", sizes[0]),
            "scale": _check_vector(scaler["scale"], f"{name} scaler scale", sizes[0], True)}
    if "keywords" in data:
        if not isinstance(data["keywords"], bool):
            raise InvalidType(argument_of(name), f"{name} keywords must be True or False, got "
                            f"{brief(data['keywords'])}.")
        if data["keywords"] and "classes" not in checked:
            raise InvalidValue(argument_of(name), f"{name} keywords=True needs classes.")
        checked["keywords"] = data["keywords"]
    return checked


# Inputs and samples ---------------------------------------------------------------------------


_SHORT_ROW = 32  # rows up to this long are checked in Python, longer ones by numpy
_FLOAT_MAX = {"float32": float(np.finfo(np.float32).max), "float64": sys.float_info.max}


def _plain_row(inputs, n_in, dtype):
    """Return one row of ``n_in`` plain finite numbers as a ``(1, n_in)`` array, else None.

    The common case of :func:`check_inputs`, checked at C speed in Python's own
    types; anything else (None) takes the general path, which explains problems.
    """
    if type(inputs) is np.ndarray:  # the bridge's rows: float64 blocks
        if inputs.shape != (n_in,) or inputs.dtype.kind != "f":
            return None
        if n_in <= _SHORT_ROW:  # as Python floats: a numpy ufunc costs more beside TensorFlow
            return _plain_row(inputs.tolist(), n_in, dtype)
        with np.errstate(over="ignore"):
            row = inputs.astype(dtype)[np.newaxis]
        return row if np.isfinite(row).all() else None
    if type(inputs) is not list or len(inputs) != n_in:
        return None
    types = {*map(type, inputs)}
    if n_in > _SHORT_ROW and types == {float}:  # numpy checks long rows faster
        row = np.array([inputs], dtype)
        with np.errstate(over="ignore"):
            return row if np.isfinite(row).all() else None
    if not types <= _PLAIN:
        return None
    limit = _FLOAT_MAX[dtype]
    # ints and floats compare exactly, so the bounds come first: math.isfinite(10**400) raises
    if not (-limit <= min(inputs) and max(inputs) <= limit and all(map(math.isfinite, inputs))):
        return None
    return np.array([inputs], dtype)


def check_inputs(inputs, n_in, dtype, *, units=None):
    """Return ``(matrix, single)``: the inputs as a 2-D array and whether one row was given.

    ``units`` (the sum of the network's layer sizes) bounds the rows one call
    may evaluate; None counts only the input layer.
    """
    row = _plain_row(inputs, n_in, dtype)
    if row is not None:
        return row, True
    if not _is_vector(inputs):
        raise InvalidType("input", "input must be a list of numbers or a list of such lists, got "
                                   f"{brief(inputs)}.")
    if isinstance(inputs, np.ndarray) and inputs.ndim > 2:
        raise InvalidValue("input", "input must be one row of numbers or a list of rows, got an "
                                    f"array of shape {inputs.shape}.")
    if len(inputs) == 0:
        raise InvalidValue("input", "input must not be empty.")
    takes = f"the network takes {n_in}"
    single = inputs.ndim == 1 if isinstance(inputs, np.ndarray) else not _is_vector(inputs[0])
    if single:
        if len(inputs) != n_in:
            raise InvalidValue("input", f"input has {plural(len(inputs), 'value')}, {takes}.")
        rows = inputs[np.newaxis] if isinstance(inputs, np.ndarray) else [inputs]
        return _table(rows, n_in, dtype, lambda i: "input", lambda i, j: f"input[{j}]",
                      takes), True
    check_count(inputs, "input", units or n_in)
    return _table(inputs, n_in, dtype, lambda i: f"input row {i}", lambda i, j: f"input[{i}][{j}]",
                  takes), False


def _bounded(samples, name):
    """Return iterable ``samples`` as a sequence, refusing more than MAX_SAMPLES items."""
    limit = (f"k9tf trains on at most {MAX_SAMPLES:,} samples per call; train on chunks in "
             "turn, each call continuing from the network the last one returned")
    if hasattr(samples, "__len__"):
        if len(samples) > MAX_SAMPLES:
            raise InvalidValue(argument_of(name), f"{name} has {len(samples):,} items; {limit}.")
        return samples if isinstance(samples, (Sequence, np.ndarray)) else list(samples)
    items = list(itertools.islice(samples, MAX_SAMPLES + 1))
    if len(items) > MAX_SAMPLES:
        raise InvalidValue(argument_of(name), f"{name} yields more than {MAX_SAMPLES:,} items "
                                              f"(an endless iterator?); {limit}.")
    return items


def check_samples(samples, n_in, n_out, dtype, name="samples", *, units=None,
                  limit=MAX_VALUES, per="units"):
    """Return ``(inputs, targets)`` arrays from any of the accepted sample forms.

    The form is told by the container's type, never by its shape: a ``tuple``
    is ``(inputs, labels)``, a ``dict`` is ``{"inputs": ..., "labels": ...}``,
    and any other iterable is k9 pairs ``[[input, target], ...]``, read at most
    one item past MAX_SAMPLES. ``units`` (the sum of the network's layer
    sizes) bounds rows x units to ``limit``, as for :func:`check_inputs`
    (full-batch training passes :data:`MAX_TRAIN_VALUES`); ``per`` names what
    ``units`` counts, as for :func:`check_count`.
    """
    takes, gives = f"the network takes {n_in}", f"the network gives {n_out}"
    if isinstance(samples, (tuple, Mapping)):
        if isinstance(samples, tuple):
            if len(samples) != 2:
                raise InvalidValue(argument_of(name), f"{name} as a tuple must be (inputs, "
                                                      "labels), got "
                                                      f"{plural(len(samples), 'item')}.")
            inputs, labels = samples
        else:
            if set(samples) != {"inputs", "labels"}:
                raise InvalidValue(argument_of(name), f"{name} as a dict must have exactly the "
                                                      "keys 'inputs' and 'labels', got "
                                                      f"{brief(sorted(map(str, samples)))}.")
            inputs, labels = samples["inputs"], samples["labels"]
        for part, value in (("inputs", inputs), ("labels", labels)):
            if not _is_vector(value):
                raise InvalidType(argument_of(name), f"{name} {part} must be a list of rows of "
                                                     f"numbers, got {brief(value)}.")
            _bounded(value, f"{name} {part}")
        if len(inputs) != len(labels):
            raise InvalidValue(argument_of(name), f"{name} must have as many labels as inputs, "
                                                  f"got {plural(len(inputs), 'input')} and "
                                                  f"{plural(len(labels), 'label')}.")
        if len(inputs) == 0:
            raise InvalidValue(argument_of(name), f"{name} must not be empty.")
        check_count(inputs, name, units, "samples", limit, per)
        x = _table(inputs, n_in, dtype, lambda i: f"{name} inputs row {i}",
                   lambda i, j: f"{name} inputs[{i}][{j}]", takes)
        y = _table(labels, n_out, dtype, lambda i: f"{name} labels row {i}",
                   lambda i, j: f"{name} labels[{i}][{j}]", gives)
        return x, y
    if isinstance(samples, (*_TEXT, np.ndarray, Set)) or not hasattr(samples, "__iter__"):
        raise InvalidType(argument_of(name), f"{name} must be a list of [input, target] pairs "
                                             "(in order), an (inputs, labels) tuple or a dict "
                                             f"with 'inputs' and 'labels'; got {brief(samples)}.")
    pairs = _bounded(samples, name)
    if len(pairs) == 0:
        raise InvalidValue(argument_of(name), f"{name} must not be empty.")
    for i, pair in enumerate(pairs):
        if not (_is_vector(pair) and len(pair) == 2 and _is_vector(pair[0])
                and _is_vector(pair[1])):
            error = InvalidValue if _is_vector(pair) and len(pair) != 2 else InvalidType
            raise error(argument_of(name), f"{name}[{i}] must be [input, target], two lists of "
                        f"numbers; got {brief(pair)}.")
    check_count(pairs, name, units, "samples", limit, per)
    x = _table([pair[0] for pair in pairs], n_in, dtype, lambda i: f"{name}[{i}] input",
               lambda i, j: f"{name}[{i}] input[{j}]", takes)
    y = _table([pair[1] for pair in pairs], n_out, dtype, lambda i: f"{name}[{i}] target",
               lambda i, j: f"{name}[{i}] target[{j}]", gives)
    return x, y
