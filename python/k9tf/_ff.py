"""The forward pass: k9's ``ff``."""

import numpy as np

from ._validation import check_inputs, check_network


def ff(input, network):
    """Feed ``input`` forward through ``network`` and return the output neurons.

    Parameters
    ----------
    input : list of float, or list of lists
        One input vector (``sizes[0]`` numbers), or a list of them.
    network : dict
        A network from :func:`construct_network` or a training function.

    Returns
    -------
    list of float, or list of lists
        The output vector, or one per input row. With ``output="softmax"`` the
        values are class probabilities.

    Raises
    ------
    TypeError, ValueError
        On a malformed network, non-numeric or non-finite input, or an input
        of the wrong length.

    Examples
    --------
    >>> net = from_k9([[0, 0], [[0.12, 0.2, 0.13], [0.01, 0.02, 0.03]], [0, 0, 0],
    ...                [[0.15, 0.16], [0.02, 0.03], [0.01, 0.02]], [0, 0]])
    >>> ff([1, 0], net)
    [0.02315019005321053, 0.027608061500083565]
    """
    outputs, single = forward(input, network)
    outputs = outputs.tolist()
    return outputs[0] if single else outputs


def forward(input, network):
    """Return ``(outputs, single)``: :func:`ff`'s outputs as a 2-D array, and whether one row.

    For callers that want numpy arrays, like the bridge; arguments as for :func:`ff`.
    """
    from ._graph import model_for  # noqa: PLC0415 - TensorFlow loads on first use

    spec, params = check_network(network)
    matrix, single = check_inputs(input, spec["sizes"][0], spec["dtype"], units=sum(spec["sizes"]))
    model = model_for(spec)
    outputs = model.session.run(model.outputs, model.feed(params, matrix))
    if not np.all(np.isfinite(outputs)):
        raise ValueError("ff overflowed: the network's outputs are not finite for this input.")
    return outputs, single
