"""Export to Keras, SavedModel, TFLite and ONNX files, and import of Keras Dense stacks.

Every format computes what :func:`k9tf.ff` computes: per layer
``activation(input @ weights + biases)``, the hidden activation on every
layer but the last, the output activation on the last. Exports are written
under a temporary name beside ``path`` and renamed into place, so a failed
export leaves nothing at ``path`` (and an older export there intact).
"""

import os

import numpy as np

from .._version import __version__
from ..engine import serving_outputs, tensorflow
from ..model import (
    ACTIVATIONS,
    FORMAT_VERSION,
    OUTPUTS,
    PRESETS,
    InvalidType,
    InvalidValue,
    check_choice,
    check_network,
    check_options,
    check_sizes,
    layer_pairs,
    make_network,
)
from ._write import (
    check_path,
    writable_file,
    writable_savedmodel,
    write_atomic,
    write_directory_atomic,
)

FORMATS = ("keras", "savedmodel", "tflite", "onnx")
"""The values ``export`` takes for ``format``."""

ONNX_OPSET = 17
"""ONNX operator set of exported models (IR version 8): read by onnxruntime 1.12 and later."""

_ONNX_OPS = {"tanh": "Tanh", "relu": "Relu", "sigmoid": "Sigmoid", "softmax": "Softmax",
             "linear": None}


def _check_target(path, format):
    """Return ``path`` as a str after checking it can receive an export in ``format``."""
    path = check_path(path, "path")
    if format == "savedmodel":
        return writable_savedmodel(path)
    if format == "keras" and not path.endswith(".keras"):
        raise InvalidValue("path", f"path {path!r} must end in '.keras' for format='keras' "
                                   "(Keras loads no other name).")
    if os.path.isdir(path):
        raise InvalidValue("path", f"path {path!r} is a directory; format={format!r} writes one "
                                   "file.")
    return writable_file(path)


def _uses_bias(spec, params):
    """Return whether an export needs bias terms: trained ones, or any non-zero one."""
    return spec["bias"] or any(b.any() for b in params[1::2])


def _activations(spec):
    """Return the activation of each layer: hidden ones, then the output's."""
    return [spec["activation"]] * (len(spec["sizes"]) - 2) + [spec["output"]]


def _import_keras():
    """Return the keras module, imported after k9tf has set TensorFlow's environment."""
    tensorflow()  # TF_ENABLE_ONEDNN_OPTS=0 etc. before Keras loads TF

    # isort: split
    import keras

    return keras


def _keras_model(spec, params):
    """Return a Keras ``Sequential`` of ``Dense`` layers holding ``params``."""
    keras = _import_keras()
    dtype, use_bias = spec["dtype"], _uses_bias(spec, params)
    model = keras.Sequential(
        [keras.Input((spec["sizes"][0],), dtype=dtype, name="input")]
        + [keras.layers.Dense(n, activation=activation, use_bias=use_bias, dtype=dtype,
                              name=f"dense_{i}")
           for i, (n, activation) in enumerate(zip(spec["sizes"][1:], _activations(spec)))],
        name="k9tf")
    for layer, (w, b) in zip(model.layers, layer_pairs(params)):
        layer.set_weights([w, b] if use_bias else [w])
    return model


def _serving_module(spec, params, dtype):
    """Return a ``tf.Module`` whose ``serve`` function is ``ff`` in ``dtype``.

    ``serve`` takes ``input`` of shape ``[None, sizes[0]]`` and returns
    ``{"output": [None, sizes[-1]]}``, with the very ops ``ff`` runs.
    """
    tf = tensorflow()

    module = tf.Module(name="k9tf")
    module.params = [tf.Variable(p.astype(dtype), trainable=False, name=f"{'wb'[i % 2]}{i // 2}")
                     for i, p in enumerate(params)]

    @tf.function(input_signature=[tf.TensorSpec([None, spec["sizes"][0]], dtype, name="input")])
    def serve(x):
        # ff's own layers, without the gradient its training graph registers
        return {"output": serving_outputs(module.params, x, spec["activation"], spec["output"])}

    module.serve = serve
    return module


def _write_keras(spec, params, file):
    _keras_model(spec, params).save(file.name)  # Keras writes only names ending in .keras


def _write_savedmodel(spec, params, temp):
    tf = tensorflow()
    module = _serving_module(spec, params, spec["dtype"])
    try:
        tf.saved_model.save(module, temp, signatures={"serving_default": module.serve})
    except tf.errors.OpError as error:  # e.g. ResourceExhaustedError on a full disk
        raise OSError(error.message) from None


def _write_tflite(spec, params, file):
    tf = tensorflow()

    # TFLite has no float64 MatMul or Tanh kernels, and this TensorFlow's
    # tf.lite.Interpreter has no Flex delegate for TensorFlow's: a float64
    # network is exported as float32 (weights, input and output).
    module = _serving_module(spec, params, "float32")
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [module.serve.get_concrete_function()], module)
    file.write(converter.convert())


def _write_onnx(spec, params, file):
    try:
        import onnx
    except ImportError as error:
        raise ImportError("format='onnx' needs the onnx package: "
                          "pip install 'k9tf[export]'.") from error
    from onnx import helper, numpy_helper


    dtype = helper.np_dtype_to_tensor_dtype(np.dtype(spec["dtype"]))
    nodes, weights, h = [], [], "input"
    use_bias = _uses_bias(spec, params)
    for i, ((w, b), activation) in enumerate(zip(layer_pairs(params), _activations(spec))):
        weights.append(numpy_helper.from_array(w, f"w{i}"))
        nodes.append(helper.make_node("MatMul", [h, f"w{i}"], [h := f"matmul{i}"]))
        if use_bias:
            weights.append(numpy_helper.from_array(b, f"b{i}"))
            nodes.append(helper.make_node("Add", [h, f"b{i}"], [h := f"add{i}"]))
        if _ONNX_OPS[activation]:
            nodes.append(helper.make_node(_ONNX_OPS[activation], [h], [h := f"{activation}{i}"]))
    nodes[-1].output[0] = "output"
    graph = helper.make_graph(
        nodes, "k9tf",
        [helper.make_tensor_value_info("input", dtype, ["batch", spec["sizes"][0]])],
        [helper.make_tensor_value_info("output", dtype, ["batch", spec["sizes"][-1]])],
        initializer=weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", ONNX_OPSET)],
                              ir_version=8, producer_name="k9tf", producer_version=__version__)
    onnx.checker.check_model(model, full_check=True)
    file.write(model.SerializeToString())


_WRITERS = {"keras": _write_keras, "savedmodel": _write_savedmodel,
            "tflite": _write_tflite, "onnx": _write_onnx}


def export(network, path, *, format):
    """Export ``network`` to ``path`` as a Keras, SavedModel, TFLite or ONNX model.

    Each computes what :func:`ff` computes, on inputs of shape
    ``[batch, sizes[0]]`` (named ``input``) giving ``[batch, sizes[-1]]``
    (named ``output``). The export is written beside ``path`` under a
    temporary name and renamed into place, like :func:`save_network` (same
    modes, a symbolic link written through): a failed export leaves nothing
    at ``path`` and an older export there intact. The network is not changed.

    Parameters
    ----------
    network : dict
        A valid network; it is checked first.
    path : str or os.PathLike
        Target in an existing directory: a file ending in ``.keras`` for
        ``"keras"``, a directory for ``"savedmodel"`` (an existing empty one or
        one holding nothing but a SavedModel's own files is replaced), any
        file name for the others. Only a regular file is replaced, never a
        device, FIFO or socket.
    format : {"keras", "savedmodel", "tflite", "onnx"}
        ``"keras"``: a ``Sequential`` of ``Dense`` layers (load with
        ``keras.models.load_model``). ``"savedmodel"``: a SavedModel whose
        ``serving_default`` signature takes ``input`` and returns
        ``{"output": ...}``. ``"tflite"``: a TFLite flatbuffer with the same
        signature; float64 networks become float32 there, as TFLite has no
        float64 kernels for these ops. ``"onnx"``: an ONNX model (opset 17)
        with input ``input`` and output ``output``. All but TFLite keep the
        network's dtype.

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    TypeError, ValueError
        On a malformed network, an unknown format, or a path that cannot take
        the export (missing or unwritable directory, wrong kind of target, a
        directory holding other files, a full disk: the message names ``path``).
    ImportError
        For ``"onnx"`` without the onnx package (``pip install 'k9tf[export]'``).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "net.onnx")
    >>> export(construct_network(2, 3, 2, seed=1), path, format="onnx") == path
    True
    """
    spec, params = check_network(network)
    format = check_choice(format, "format", FORMATS)
    path = _check_target(path, format)
    write = _WRITERS[format]
    if format == "savedmodel":
        return write_directory_atomic(path, lambda temp: write(spec, params, temp))
    return write_atomic(path, lambda file: write(spec, params, file),
                        suffix=".keras" if format == "keras" else "")


def _preset_for(options):
    """Return the preset whose activation, output, bias and dtype are ``options``', or None."""
    for name, preset in PRESETS.items():
        if all(preset[key] == value for key, value in options.items()):
            return name
    return None


def from_keras(model):
    """Convert a Keras ``Sequential`` of ``Dense`` layers into a k9tf network.

    Parameters
    ----------
    model : keras.Sequential
        A built model of ``Dense`` layers only, on 1-D inputs, in float32 or
        float64, whose hidden layers share one activation k9tf has (tanh, relu,
        sigmoid) and whose last layer's is one of softmax, linear, tanh,
        sigmoid.

    Returns
    -------
    dict
        A network with the model's weights (a layer without bias gets zero
        biases) and ``seed`` None. Its ``model`` is the preset with the same
        activations, bias and dtype (so ``loss`` and ``init`` are that
        preset's); failing one, ``"default"`` with those options and the loss
        they allow (softmax cross-entropy for softmax or linear outputs, else
        squared error). ``from_keras`` of an export equals the exported
        network up to its seed.

    Raises
    ------
    TypeError
        If ``model`` is not a ``keras.Sequential``.
    ValueError
        On any other layer than ``Dense`` (Dropout, Conv2D, ...), an
        activation or dtype k9tf lacks, or a model that is not built.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, "tanh"),
    ...                           keras.layers.Dense(2, "softmax")])
    >>> net = from_keras(model)
    >>> net["sizes"], net["model"]
    ([2, 3, 2], 'default')
    """
    keras = _import_keras()
    if not isinstance(model, keras.Sequential):
        raise InvalidType("model", "model must be a keras.Sequential of Dense layers, got "
                                   f"{type(model).__module__}.{type(model).__qualname__}.")
    for i, layer in enumerate(model.layers):
        if type(layer) is not keras.layers.Dense:
            raise InvalidValue("model", f"model layer {i} ({layer.name!r}) is a "
                                        f"{type(layer).__name__}; k9tf networks hold Dense "
                                        "layers only.")
    if not model.layers:
        raise InvalidValue("model", "model has no layers; k9tf networks need at least one Dense "
                                    "layer.")
    if not model.built or len(model.inputs[0].shape) != 2:
        raise InvalidValue("model", "model must be built on 1-D inputs (start it with "
                                    "keras.Input((n,))), got "
                                    f"{'no input' if not model.built else model.inputs[0].shape}.")
    configs = [layer.get_config() for layer in model.layers]
    activations = [config["activation"] for config in configs]
    for i, activation in enumerate(activations):
        allowed = ACTIVATIONS if i < len(activations) - 1 else OUTPUTS
        if not isinstance(activation, str) or activation not in allowed:
            raise InvalidValue("model", f"model layer {i} ({model.layers[i].name!r}) has "
                                        f"activation {activation!r}; k9tf has "
                                        f"{', '.join(allowed)} there.")
    if len(set(activations[:-1])) > 1:
        raise InvalidValue("model", "model's hidden layers must share one activation, got "
                                    f"{activations[:-1]}.")
    dtypes = {layer.dtype_policy.name for layer in model.layers}
    if len(dtypes) != 1 or not dtypes <= {"float32", "float64"}:
        raise InvalidValue("model", "model layers must all be float32 or all float64, got dtype "
                                    f"policies {sorted(dtypes)}.")
    sizes = check_sizes([model.inputs[0].shape[1]] + [config["units"] for config in configs])
    params = []
    for layer, config in zip(model.layers, configs):
        weights = layer.get_weights()
        params += [weights[0], weights[1] if config["use_bias"] else np.zeros(config["units"])]
    options = {"activation": activations[0] if len(activations) > 1 else None,
               "output": activations[-1], "bias": any(c["use_bias"] for c in configs),
               "dtype": dtypes.pop()}
    preset = _preset_for({k: v for k, v in options.items() if v is not None})
    if preset is None:
        classes = options["output"] in ("softmax", "linear") and sizes[-1] >= 2
        options["loss"] = "softmax-cross-entropy" if classes else "squared-error"
    spec, params = check_network({
        "version": FORMAT_VERSION, "sizes": sizes, "model": preset or "default",
        **check_options(sizes, preset or "default", options), "seed": None,
        "layers": [{"weights": w, "biases": b} for w, b in layer_pairs(params)]})
    return make_network(spec, params, None)
