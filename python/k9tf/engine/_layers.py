"""The network's math as TensorFlow ops: dense layers, activations, losses, the packed vector.

Every XLA function computes a narrow dense layer (see :func:`chained`) the
same way, as a chain of one multiply-add per input: ``z = b + h[:, 0] w[0] +
h[:, 1] w[1] + ...`` (see :func:`chain`). Each output is then a fixed sequence
of single roundings that reads only its own row, so a row's result does not
depend on the rows around it: in a network of narrow layers only,
:func:`k9tf.ff` of one input equals the same row of any batch, bit for bit,
and equals the forward pass of the training step. Wider layers are matrix
products, at the hardware's speed: XLA and Eigen pick other kernels (and
summation orders) for one row than for many, so a row's output may differ in
the last bits with the batch around it. Either way the same call gives the
same bits in every run, process, backend and language.
"""

from ..model import slices_of
from ._tf import tf, tf1

CHAIN_INPUTS = 32
"""Widest layer input computed as a chain of multiply-adds (see :func:`chained`)."""

CHAIN_WEIGHTS = 512
"""Most weights (inputs x outputs) of a layer computed as a chain of multiply-adds."""

ACTIVATIONS = {"tanh": tf.tanh, "relu": tf.nn.relu, "sigmoid": tf.sigmoid,
               "softmax": tf.nn.softmax, "linear": tf.identity}


def chain(h, w, b):
    """Return ``h @ w + b`` as ``b + h[:, 0] w[0] + h[:, 1] w[1] + ...``, in that order.

    Every term is added to a running sum that already holds the bias, so each
    addition has one product operand and XLA fuses it into one multiply-add
    the same way wherever the row is.
    """
    z = b
    for k in range(w.shape[0]):
        z = z + h[:, k:k + 1] * w[k]
    return z


def chained(w):
    """Return whether a layer of weights ``w`` runs as :func:`chain` (else a matrix product).

    The chain costs no more than a matrix product on narrow layers (the
    article's 2-16-16-2 and smaller) and up to 5x more on wider ones
    (benchmarks/RESULTS.md, "Real data at real sizes").
    """
    n_in, n_out = w.shape
    return n_in <= CHAIN_INPUTS and n_in * n_out <= CHAIN_WEIGHTS


def affine(h, w, b):
    """Return ``h @ w + b``: :func:`chain` for narrow inputs, else a matrix product."""
    return chain(h, w, b) if chained(w) else matmul(h, w, b)


@tf.RegisterGradient("K9tfDense")
def _dense_gradient(op, dz, *_):
    h, w = op.inputs[1], op.inputs[2]
    return [None, tf.matmul(dz, w, transpose_b=True), tf.matmul(h, dz, transpose_a=True),
            tf.reduce_sum(dz, 0)]


def dense(h, w, b):
    """Return :func:`affine`'s ``h @ w + b``, differentiated with matrix products.

    The chain's gradient is registered once for the module
    (``tf.custom_gradient`` would register a new one, holding the graph, for
    every layer built).
    """
    if not chained(w):
        return matmul(h, w, b)
    with tf1.get_default_graph().gradient_override_map({"IdentityN": "K9tfDense"}):
        return tf.identity_n([chain(h, w, b), h, w, b])[0]


def matmul(h, w, b):
    """Return ``h @ w + b`` with TensorFlow's own kernels (the article's layer)."""
    return tf.matmul(h, w) + b


def forward(params, x, activation, output, layer=dense):
    """Return ``(z, y)``: the last layer's pre-activation and the network output."""
    h = x
    for w, b in zip(params[:-2:2], params[1:-2:2]):
        h = ACTIVATIONS[activation](layer(h, w, b))
    z = layer(h, params[-2], params[-1])
    return z, ACTIVATIONS[output](z)


def outputs_of(params, x, activation, output):
    """Return the network output for tensors ``params`` and ``x`` with :func:`ff`'s own layers.

    No gradient is registered: for graphs that serve, not train (exports).
    """
    return forward(params, x, activation, output, affine)[1]


def sample_losses(z, y, targets, loss):
    """Return the loss of each sample (row)."""
    if loss == "softmax-cross-entropy":
        return tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=z)
    return 0.5 * tf.reduce_sum(tf.square(targets - y), axis=1)


def correct(y, targets):
    """Return 1.0 where the output's argmax matches the target's, else 0.0."""
    return tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(targets, 1)), y.dtype)


def unpack(flat, sizes):
    """Return the packed vector ``flat`` as ``[w0, b0, ...]`` tensors (see :mod:`k9tf.model`)."""
    return [tf.reshape(flat[start:stop], shape) for start, stop, shape in slices_of(sizes)]


def pack(params):
    """Return ``[w0, b0, ...]`` tensors as one packed vector."""
    return tf.concat([tf.reshape(p, [-1]) for p in params], 0)
