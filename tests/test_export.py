import copy
import os
import subprocess
import sys

import numpy as np
import pytest

import k9tf
from k9tf.files import _export

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*tf.lite.Interpreter is deprecated:UserWarning"),
    # Keras 3.15's own saving code under numpy 2.4, not k9tf's:
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword"),
]

FILES = {"keras": "net.keras", "savedmodel": "net", "tflite": "net.tflite", "onnx": "net.onnx"}
INPUTS = np.random.default_rng(0).uniform(-1.0, 2.0, (1000, 2))  # the logic square, and beyond


@pytest.fixture(scope="module")
def networks():
    """One trained network per preset: XOR for default and article, k9's NAND session for k9."""
    xor = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=1)
    nand = [[x, y] for x, y in zip(*(a.tolist() for a in k9tf.sample_logic_fn(k9tf.nand, 200,
                                                                              seed=1)))]
    nets = {}
    for model in ("default", "article"):
        net = k9tf.construct_network(2, 16, 16, 2, model=model, seed=1)
        nets[model] = k9tf.train(net, xor, 0.5, epochs=300, batch_size=None)[0]
    nets["k9"] = k9tf.train_epochs(20, k9tf.construct_network(2, 3, 2, model="k9", seed=1),
                                   nand, 0.5)
    return nets


def run(fmt, path, x):
    """Return the outputs of the exported model at ``path`` on ``x``, run by its own runtime."""
    if fmt == "keras":
        import keras
        return keras.models.load_model(path)(x).numpy()
    if fmt == "savedmodel":
        import tensorflow as tf
        return tf.saved_model.load(path).signatures["serving_default"](input=tf.constant(x))[
            "output"].numpy()
    if fmt == "tflite":
        import tensorflow as tf
        return tf.lite.Interpreter(model_path=path).get_signature_runner()(input=x)["output"]
    import onnxruntime
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": x})[0]


@pytest.mark.parametrize("model", ["default", "article", "k9"])
@pytest.mark.parametrize("fmt", list(FILES))
def test_export_computes_ff(networks, tmp_path, fmt, model):
    net = networks[model]
    before = copy.deepcopy(net)
    path = str(tmp_path / FILES[fmt])
    assert k9tf.export(net, path, format=fmt) == path
    assert net == before
    # TFLite has no float64 kernels: a float64 network is exported as float32.
    dtype = "float32" if fmt == "tflite" else net["dtype"]
    got = run(fmt, path, INPUTS.astype(dtype))
    expected = np.array(k9tf.ff(INPUTS.tolist(), net))
    assert got.dtype == dtype and got.shape == expected.shape == (1000, 2)
    # 1e-6 for outputs in [-1, 1] (softmax, tanh); relative to the largest
    # output for the article's unbounded logits, whose float32 ulp exceeds 1e-6.
    scale = max(1.0, np.abs(expected).max())
    difference = np.abs(got - expected).max()
    print(f"{fmt} {model}: max |export - ff| = {difference:.3g} (outputs up to {scale:.3g})")
    assert difference <= 1e-6 * scale


def test_savedmodel_signature(networks, tmp_path):
    import tensorflow as tf
    path = k9tf.export(networks["k9"], tmp_path / "k9", format="savedmodel")
    serving = tf.saved_model.load(os.fspath(path)).signatures["serving_default"]
    (spec,) = serving.structured_input_signature[1].values()
    assert (spec.name, spec.shape.as_list(), spec.dtype) == ("input", [None, 2], tf.float64)
    assert list(serving.structured_outputs) == ["output"]


def test_tflite_and_onnx_signatures(networks, tmp_path):
    import onnxruntime
    import tensorflow as tf
    net = networks["article"]
    interpreter = tf.lite.Interpreter(model_path=k9tf.export(net, tmp_path / "a.tflite",
                                                             format="tflite"))
    assert interpreter.get_signature_list() == {
        "serving_default": {"inputs": ["input"], "outputs": ["output"]}}
    session = onnxruntime.InferenceSession(k9tf.export(net, tmp_path / "a.onnx", format="onnx"))
    (inp,), (out,) = session.get_inputs(), session.get_outputs()
    assert (inp.name, inp.shape, inp.type) == ("input", ["batch", 2], "tensor(float)")
    assert (out.name, out.shape) == ("output", ["batch", 2])


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("output", ["softmax", "linear", "tanh", "sigmoid"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_onnx_every_activation_and_dtype(tmp_path, activation, output, dtype):
    net = k9tf.construct_network(2, 4, 3, activation=activation, output=output, dtype=dtype,
                                 loss="squared-error", seed=2)
    net["layers"][0]["biases"] = [0.5, -0.25, 0.125, 1.0]
    path = k9tf.export(net, tmp_path / "n.onnx", format="onnx")
    got = run("onnx", path, INPUTS.astype(dtype))
    assert np.abs(got - np.array(k9tf.ff(INPUTS.tolist(), net))).max() <= 1e-6


@pytest.mark.parametrize("fmt", ["keras", "onnx"])
def test_biases_set_by_hand_on_a_bias_free_network_are_kept(tmp_path, fmt):
    net = k9tf.construct_network(2, 3, 2, model="k9", seed=3)
    net["layers"][1]["biases"] = [0.25, -0.5]  # ff adds them although bias=False
    got = run(fmt, k9tf.export(net, tmp_path / FILES[fmt], format=fmt), INPUTS)
    assert np.abs(got - np.array(k9tf.ff(INPUTS.tolist(), net))).max() <= 1e-12


@pytest.mark.parametrize("model", ["default", "article", "k9"])
def test_from_keras_round_trip(networks, tmp_path, model):
    import keras
    net = networks[model]
    loaded = keras.models.load_model(k9tf.export(net, tmp_path / "n.keras", format="keras"))
    assert [layer.use_bias for layer in loaded.layers] == [model != "k9"] * (len(net["sizes"]) - 1)
    assert k9tf.from_keras(loaded) == {**net, "seed": None}


def test_from_keras_outside_the_presets():
    import keras
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, "sigmoid"),
                              keras.layers.Dense(1, "sigmoid", use_bias=False)])
    net = k9tf.from_keras(model)
    assert (net["sizes"], net["model"], net["activation"], net["output"], net["loss"],
            net["bias"]) == ([3, 4, 1], "default", "sigmoid", "sigmoid", "squared-error", True)
    assert net["layers"][1]["biases"] == [0.0]
    x = np.random.default_rng(1).uniform(-1.0, 2.0, (1000, 3)).astype("float32")
    assert np.abs(model(x).numpy() - np.array(k9tf.ff(x.tolist(), net))).max() <= 1e-6


def refused(*layers, dtype="float32"):
    import keras
    return keras.Sequential([keras.Input((2,), dtype=dtype), *layers])


@pytest.mark.parametrize("build, error, match", [
    (lambda k: refused(k.layers.Dense(3, "tanh"), k.layers.Dropout(0.5), k.layers.Dense(2)),
     ValueError, "layer 1 .* is a Dropout; k9tf networks hold Dense layers only"),
    (lambda k: k.Sequential([k.Input((4, 1)), k.layers.Conv1D(2, 3), k.layers.Flatten()]),
     ValueError, "layer 0 .* is a Conv1D"),
    (lambda k: refused(k.layers.Dense(3, "gelu"), k.layers.Dense(2)),
     ValueError, "activation 'gelu'; k9tf has tanh, relu, sigmoid"),
    (lambda k: refused(k.layers.Dense(3, "tanh"), k.layers.Dense(2, "elu")),
     ValueError, "activation 'elu'; k9tf has softmax, linear, tanh, sigmoid"),
    (lambda k: refused(k.layers.Dense(3, "tanh"), k.layers.Dense(3, "relu"), k.layers.Dense(2)),
     ValueError, "share one activation"),
    (lambda k: refused(k.layers.Dense(2, dtype="float16"), dtype="float16"),
     ValueError, "float32 or all float64"),
    (lambda k: k.Sequential([k.layers.Dense(2)]), ValueError, "must be built"),
    (lambda k: k.Sequential([k.Input((2,))]), ValueError, "no layers"),
    (lambda k: k.Model(inp := k.Input((2,)), k.layers.Dense(2)(inp)),
     TypeError, "model must be a keras.Sequential"),
    (lambda k: {"layers": []}, TypeError, "model must be a keras.Sequential"),
])
def test_from_keras_refuses(build, error, match):
    import keras
    with pytest.raises(error, match=match):
        k9tf.from_keras(build(keras))


def test_bad_arguments(networks, tmp_path):
    net = networks["default"]
    (tmp_path / "file").write_text("not a directory")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "precious.txt").write_text("keep me")
    with pytest.raises(ValueError, match="format must be one of keras, savedmodel, tflite, "
                                         "onnx; got 'pb'"):
        k9tf.export(net, tmp_path / "n.pb", format="pb")
    with pytest.raises(ValueError, match="format must be one of"):
        k9tf.export(net, tmp_path / "n.onnx", format=None)
    with pytest.raises(TypeError, match="format"):
        k9tf.export(net, tmp_path / "n.onnx")
    with pytest.raises(TypeError, match="path must be a str or os.PathLike, got 3"):
        k9tf.export(net, 3, format="onnx")
    with pytest.raises(ValueError, match="path must not be empty"):
        k9tf.export(net, "", format="onnx")
    with pytest.raises(ValueError, match="path .* directory that does not exist"):
        k9tf.export(net, tmp_path / "missing" / "n.onnx", format="onnx")
    with pytest.raises(ValueError, match="path .* directory that does not exist"):
        k9tf.export(net, tmp_path / "file" / "n.onnx", format="onnx")
    with pytest.raises(ValueError, match="path .* must end in '.keras'"):
        k9tf.export(net, tmp_path / "n.h5", format="keras")
    with pytest.raises(ValueError, match="path .* is a directory; format='tflite' writes one"):
        k9tf.export(net, tmp_path / "full", format="tflite")
    for target in ("file", "full"):
        with pytest.raises(ValueError, match="path .* neither an empty directory nor a SavedModel"):
            k9tf.export(net, tmp_path / target, format="savedmodel")
    with pytest.raises(ValueError, match="network"):
        k9tf.export({**net, "sizes": [2, 0, 2]}, tmp_path / "n.onnx", format="onnx")
    assert (tmp_path / "full" / "precious.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "full"]


def test_failed_export_leaves_nothing_and_keeps_the_old_one(networks, tmp_path, monkeypatch):
    net = networks["default"]

    def half_written(spec, params, temp):
        with open(os.path.join(temp, "saved_model.pb") if os.path.isdir(temp) else temp,
                  "wb") as file:
            file.write(b"half")
        raise OSError("disk full")

    for fmt in FILES:
        monkeypatch.setitem(_export._WRITERS, fmt, half_written)
        with pytest.raises(OSError, match="disk full"):
            k9tf.export(net, tmp_path / FILES[fmt], format=fmt)
    assert list(tmp_path.iterdir()) == []

    monkeypatch.undo()
    old = k9tf.export(net, tmp_path / "sm", format="savedmodel")
    pb = (tmp_path / "sm" / "saved_model.pb").read_bytes()
    monkeypatch.setitem(_export._WRITERS, "savedmodel", half_written)
    with pytest.raises(OSError, match="disk full"):
        k9tf.export(net, old, format="savedmodel")
    assert (tmp_path / "sm" / "saved_model.pb").read_bytes() == pb
    assert [p.name for p in tmp_path.iterdir()] == ["sm"]


def test_savedmodel_rename_failure_restores_the_old_one(networks, tmp_path, monkeypatch):
    path = k9tf.export(networks["default"], tmp_path / "sm", format="savedmodel")
    pb = (tmp_path / "sm" / "saved_model.pb").read_bytes()
    replace = os.replace

    def failing_replace(src, dst):
        if dst == path and "-old-" not in os.fspath(src):
            raise OSError("rename failed")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="rename failed"):
        k9tf.export(networks["article"], path, format="savedmodel")
    monkeypatch.undo()
    assert (tmp_path / "sm" / "saved_model.pb").read_bytes() == pb
    assert [p.name for p in tmp_path.iterdir()] == ["sm"]


def test_export_replaces_an_older_export(networks, tmp_path):
    for fmt, path in (("savedmodel", tmp_path / "sm"), ("onnx", tmp_path / "n.onnx")):
        k9tf.export(networks["default"], path, format=fmt)
        k9tf.export(networks["article"], path, format=fmt)
        x = INPUTS.astype("float32")
        assert np.abs(run(fmt, os.fspath(path), x)
                      - np.array(k9tf.ff(x.tolist(), networks["article"]))).max() < 1e-5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.onnx", "sm"]


def python(code, cwd=None):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_import_k9tf_leaves_tensorflow_keras_and_onnx_unloaded():
    done = python("import sys, k9tf; k9tf.export, k9tf.from_keras; "
                  "print(sorted({'tensorflow', 'keras', 'onnx'} & set(sys.modules)))")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


CLI = ("import sys; from k9tf.cli import main; status = main(sys.argv[1:]); "
       "print('tensorflow' in sys.modules); sys.exit(status)")


def k9tf_cli(*args, cwd):
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_cli_exports_onnx_without_tensorflow(networks, tmp_path):
    k9tf.save_network(networks["article"], tmp_path / "net.json")
    done = k9tf_cli("export", "net.json", "--format", "onnx", "net.onnx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "exported net.onnx\nFalse\n"
    got = run("onnx", str(tmp_path / "net.onnx"), INPUTS.astype("float32"))
    assert np.array_equal(got, run("onnx", k9tf.export(networks["article"], tmp_path / "n.onnx",
                                                       format="onnx"), INPUTS.astype("float32")))


@pytest.mark.parametrize("args, message", [
    (["missing.json", "--format", "onnx", "out.onnx"], "no such network file"),
    (["net.json", "--format", "pb", "out.pb"], "format must be one of"),
    (["net.json", "--format", "keras", "nowhere/out.keras"], "directory that does not exist"),
    (["net.json", "--format", "keras", "out.h5"], "must end in '.keras'"),
    (["net.json", "--format", "savedmodel", "net.json"], "neither an empty directory"),
])
def test_cli_bad_input_exits_2_with_one_line_before_tensorflow(networks, tmp_path, args,
                                                               message):
    k9tf.save_network(networks["default"], tmp_path / "net.json")
    done = k9tf_cli("export", *args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == "False\n"
    (line,) = done.stderr.splitlines()
    assert line.startswith("k9tf export: error: ") and message in line
