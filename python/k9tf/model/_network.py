"""Networks as plain data: construction, initial weights and k9 conversion."""

import copy
from collections.abc import Sequence

import numpy as np

from ._errors import InvalidType, InvalidValue, rephrased
from ._layout import to_layers
from ._presets import DATA_FORMAT_VERSION, FORMAT_VERSION, MAX_LAYERS
from ._tracked import stamped
from ._validation import brief, check_network, check_options, check_seed, check_sizes


def _truncated_normal(rng, shape):
    """Draw standard normals re-drawing any beyond two deviations, like TF's truncated_normal."""
    values = rng.standard_normal(shape)
    while (outside := np.abs(values) > 2.0).any():
        values[outside] = rng.standard_normal(outside.sum())
    return values


def _initial_weights(init, rng, n_in, n_out):
    if init == "glorot-uniform":
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_in, n_out))
    if init == "truncated-normal":
        return _truncated_normal(rng, (n_in, n_out))
    return rng.uniform(0.0, 1.0 / (n_in * n_out), (n_in, n_out))  # k9-uniform


def make_network(spec, params, seed):
    """Return the plain-data network for ``spec`` (sizes, model, options) and numpy ``params``.

    ``params`` is the flat list ``[w0, b0, w1, b1, ...]``; values become Python
    floats exactly (a float32 weight is carried as the double it equals). A
    network without ``data`` remembers its checked form until one of its lists
    changes (see :mod:`k9tf.model._tracked`), so calls on it skip checking and
    converting it; a spec with ``data`` gives a version-2 network holding a
    copy of it, as plain lists.
    """
    spec = dict(spec)
    data = spec.pop("data", None)
    if data is None:
        return stamped(spec, params, seed)
    return {"version": DATA_FORMAT_VERSION, **spec, "seed": seed, "layers": to_layers(params),
            "data": copy.deepcopy(data)}


def construct_network(*sizes, model="default", activation=None, output=None, loss=None,
                      bias=None, init=None, dtype=None, seed=None):
    """Construct a new network with random weights and zero biases.

    Parameters
    ----------
    *sizes : int
        Layer widths, input first and output last: ``construct_network(2, 3, 2)``.
    model : {"default", "article", "k9"}, default="default"
        Preset the other options start from. ``"default"`` learns reliably (tanh
        hidden units, softmax output, Glorot init); ``"article"`` is the 2016
        article's model (relu, linear output, softmax cross-entropy, truncated
        normal weights); ``"k9"`` is k9's (tanh everywhere, no bias, squared
        error, float64).
    activation : {"tanh", "relu", "sigmoid"}, optional
        Hidden-layer activation; None keeps the preset's.
    output : {"softmax", "linear", "tanh", "sigmoid"}, optional
        Output-layer activation; what :func:`ff` returns.
    loss : {"softmax-cross-entropy", "squared-error"}, optional
        Training loss (squared error is ``0.5 * sum((target - output)**2)`` per sample).
    bias : bool, optional
        Whether biases are trained; untrained biases stay at zero.
    init : {"glorot-uniform", "truncated-normal", "k9-uniform"}, optional
        Weight initialisation.
    dtype : {"float32", "float64"}, optional
        Precision of all computation.
    seed : int, optional
        Makes the weights reproducible; None draws fresh random weights.

    Returns
    -------
    dict
        The network: ``version``, ``sizes``, the options, ``seed`` and ``layers``,
        a list of ``{"weights": [[...] per input neuron], "biases": [...]}``.

    Raises
    ------
    TypeError, ValueError
        On a non-int or non-positive size, more than 100 layers, a layer of more
        than 1,000,000 units, more than 5,000,000 parameters, an unknown option
        value, or an option combination that cannot train.

    Examples
    --------
    >>> net = construct_network(2, 3, 2, seed=1)
    >>> net["sizes"], net["activation"], len(net["layers"][0]["weights"])
    ([2, 3, 2], 'tanh', 2)
    """
    if len(sizes) == 1 and isinstance(sizes[0], Sequence) and not isinstance(sizes[0], str):
        sizes = sizes[0]  # one list of sizes; check_sizes measures it before reading it
    sizes = check_sizes(sizes)
    options = check_options(sizes, model, {
        "activation": activation, "output": output, "loss": loss,
        "bias": bias, "init": init, "dtype": dtype,
    })
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights = _initial_weights(options["init"], rng, n_in, n_out)
        params += [weights.astype(options["dtype"]), np.zeros(n_out, options["dtype"])]
    return make_network({"sizes": sizes, "model": model, **options}, params, seed)


def from_k9(k9_network):
    """Convert a k9 network value into a ``model="k9"`` network.

    Parameters
    ----------
    k9_network : list
        k9's flat vector ``[input W hidden W ... output]``: neuron vectors at even
        positions (their values are ignored), weight matrices (one row per
        neuron of the layer below) at odd positions; lists or numpy arrays.

    Returns
    -------
    dict
        A k9-preset network with those weights and zero, untrained biases.

    Raises
    ------
    TypeError, ValueError
        If the vector is not of that shape.

    Examples
    --------
    >>> net = from_k9([[0, 0], [[0.1, 0.2], [0.3, 0.4]], [0, 0]])
    >>> net["sizes"], net["layers"][0]["weights"]
    ([2, 2], [[0.1, 0.2], [0.3, 0.4]])
    """
    if isinstance(k9_network, (str, bytes)) or not isinstance(k9_network, Sequence):
        raise InvalidType("k9_network", "k9_network must be k9's network vector, got "
                                        f"{brief(k9_network)}.")
    if len(k9_network) < 3 or len(k9_network) % 2 == 0:
        raise InvalidValue("k9_network", "k9_network must be [input W hidden W ... output]: an "
                                         f"odd number (>= 3) of items, got {len(k9_network):,}.")
    if len(k9_network) > 2 * MAX_LAYERS + 1:
        raise InvalidValue("k9_network", f"k9_network has {len(k9_network) // 2:,} weight "
                                         f"matrices; k9tf builds at most {MAX_LAYERS} layers.")
    sizes = []
    for i, item in enumerate(k9_network):
        kind = "a neuron vector" if i % 2 == 0 else "a weight matrix (one row per neuron below)"
        if isinstance(item, (str, bytes)) or not isinstance(item, (Sequence, np.ndarray)):
            raise InvalidType("k9_network", f"k9_network[{i}] must be {kind}, got {brief(item)}.")
        if i % 2 == 0:
            sizes.append(len(item))
    try:
        sizes = check_sizes(sizes)
        layers = [
            {"weights": matrix, "biases": [0.0] * n_out}
            for matrix, n_out in zip(k9_network[1::2], sizes[1:])
        ]
        spec, params = check_network({"version": FORMAT_VERSION, "sizes": sizes, "model": "k9",
                                      **check_options(sizes, "k9", {}), "seed": None,
                                      "layers": layers})
    except (TypeError, ValueError) as error:
        raise rephrased(error, f"k9_network is not a valid k9 network: {error}",
                        "k9_network") from None
    return make_network(spec, params, None)
