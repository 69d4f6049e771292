"""Tests for users' tables: CSV parsing, the version-2 network format, encode/predict, the CLI."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

import k9tf
from k9tf.data import apply_scaler, encode_labels, fit_scaler, parse_csv
from k9tf.model import MAX_TABLE_BYTES

IRIS_LIKE = [  # two features, three classes, well apart
    ([0.0, 10.0], "low"), ([0.2, 11.0], "low"), ([5.0, 50.0], "mid"), ([5.2, 52.0], "mid"),
    ([9.0, 90.0], "high"), ([9.3, 93.0], "high"),
] * 5


def _table_text(rows=IRIS_LIKE, header=("width", "length", "kind")):
    lines = [",".join(header)] + [f"{x[0]},{x[1]},{label}" for x, label in rows]
    return "\n".join(lines) + "\n"


# parse_csv ------------------------------------------------------------------------------------


def test_parse_csv_reads_features_and_labels():
    table = parse_csv("a, b ,kind\r\n1,2,x\n\n3,4.5e0, y \n", target="kind")
    assert table["features"] == ["a", "b"]
    assert table["inputs"].dtype == np.float64
    assert table["inputs"].tolist() == [[1.0, 2.0], [3.0, 4.5]]
    assert table["labels"] == ["x", "y"]


def test_parse_csv_numeric_labels_and_regression():
    assert parse_csv("a,t\n1,0\n2,1.0\n", target="t")["labels"] == [0, 1]
    assert parse_csv("a,t\n1,0.5\n2,1\n", target="t")["labels"] == [0.5, 1.0]
    assert parse_csv("a,t\n1,0\n2,b\n", target="t")["labels"] == ["0", "b"]
    table = parse_csv("a,t\n1,0.5\n2,7\n", target="t", regression=True)
    assert table["labels"].tolist() == [0.5, 7.0]


def test_parse_csv_picks_named_features_in_order():
    table = parse_csv("c,b,a\n1,2,3\n", features=["a", "b"])
    assert table["features"] == ["a", "b"]
    assert table["inputs"].tolist() == [[3.0, 2.0]]


@pytest.mark.parametrize("text, target, match", [
    ("", "t", "is empty; it needs a header row"),
    ("\n\n", "t", "is empty"),
    ("a,t\n", "t", "has a header but no data rows"),
    ("a,t\n\n", "t", "has a header but no data rows"),
    ("a,b,t\n1,2,x\n3,4\n", "t", "line 3 has 2 values but the header 3 columns: column 't' "
                                 "is missing"),
    ("a,t\n1,x,9\n", "t", "line 2 has 3 values but the header 2 columns: column 3 has no name"),
    ("a,b,t\n1,2,x\n3,zz,y\n", "t", "line 3, column 'b': 'zz' is not a finite number"),
    ("a,t\n1,x\nnan,y\n", "t", "line 3, column 'a': 'nan' is not a finite number"),
    ("a,t\n1,x\n,y\n", "t", "line 3, column 'a': '' is not a finite number"),
    ("a,t\n1,x\n", "species", "has no column 'species' \\(target\\); its columns are"),
    ("a,,t\n1,2,x\n", "t", "line 1: column 2 of the header has no name"),
    ("a,a,t\n1,2,x\n", "t", "column name 'a' appears twice"),
    ("t\nx\n", "t", "has no feature columns besides the target"),
    ("a,t\n1,\n", "t", "line 2, column 't': the label is empty"),
    ('a,t\n1,"x\n', "t", "is not valid CSV"),
])
def test_parse_csv_bad_tables_name_source_line_and_column(text, target, match):
    with pytest.raises(ValueError, match=match) as error:
        parse_csv(text, source="--data 'f.csv'", target=target)
    assert str(error.value).startswith("--data 'f.csv'")


def test_parse_csv_regression_target_must_be_numeric():
    with pytest.raises(ValueError, match="line 3, column 't': 'high' is not a finite number"):
        parse_csv("a,t\n1,2\n2,high\n", target="t", regression=True)


def test_encode_labels_and_scaler():
    one_hot, classes = encode_labels(["b", "a", "c", "a"])
    assert classes == ["a", "b", "c"]
    assert one_hot.argmax(1).tolist() == [1, 0, 2, 0]
    with pytest.raises(ValueError, match="at least 2 classes"):
        encode_labels(["a", "a"])
    with pytest.raises(TypeError, match="mix strings and numbers"):
        encode_labels(["a", 1])
    with pytest.raises(TypeError, match=r"labels\[1\] must be a string or a number"):
        encode_labels(["a", None])
    with pytest.raises(ValueError, match="not one of the network's classes"):
        encode_labels(["a", "z"], ["a", "b"])
    x = np.array([[1.0, 5.0], [3.0, 5.0], [8.0, 5.0]])
    scaler = fit_scaler(x)
    scaled = apply_scaler(x, scaler)
    np.testing.assert_allclose(scaled.mean(0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled[:, 0].std(), 1.0)
    assert scaler["scale"][1] == 1.0  # a constant column is left unscaled


# The version-2 network format ----------------------------------------------------------------


def _trained_table_network(standardize=True):
    net = k9tf.construct_network(2, 8, 3, seed=0)
    x = [row for row, _ in IRIS_LIKE]
    labels = [label for _, label in IRIS_LIKE]
    net, samples = k9tf.encode_table(net, x, labels, features=["width", "length"],
                                     target="kind", standardize=standardize)
    return k9tf.train_epochs(200, net, samples, 0.5, batch_size=None), x, labels


def test_encode_table_trains_and_predicts_in_the_users_terms(tmp_path):
    net, x, labels = _trained_table_network()
    assert net["version"] == 2
    assert net["data"]["classes"] == ["high", "low", "mid"]
    assert net["data"]["features"] == ["width", "length"]
    assert net["data"]["target"] == "kind"
    assert set(net["data"]["scaler"]) == {"mean", "scale"}
    assert k9tf.predict(x, net) == labels
    proba = np.array(k9tf.predict_proba(x, net))
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert [net["data"]["classes"][i] for i in proba.argmax(1)] == labels
    path = tmp_path / "net.json"
    loaded = k9tf.load_network(k9tf.save_network(net, path))
    assert loaded == net
    assert json.loads(path.read_text())["version"] == 2
    assert k9tf.predict(x, loaded) == labels


def test_training_keeps_data_and_never_shares_it():
    net, x, labels = _trained_table_network()
    again = k9tf.train_epochs(1, net, k9tf.encode_table(net, x, labels)[1], 0.1)
    assert again["data"] == net["data"]
    again["data"]["classes"][0] = "changed"
    assert k9tf.train_epochs(1, net, k9tf.encode_table(net, x, labels)[1], 0.1)["data"] == \
        net["data"]


def test_continued_encoding_keeps_classes_and_scaler():
    net, x, labels = _trained_table_network()
    _, (scaled, targets) = k9tf.encode_table(net, x[:2], labels[:2], standardize=True)
    np.testing.assert_array_equal(scaled, apply_scaler(x[:2], net["data"]["scaler"]))
    assert targets.shape == (2, 3)  # the three remembered classes, though two are seen
    with pytest.raises(ValueError, match="differ from the network's"):
        k9tf.encode_table(net, x, labels, features=["a", "b"])


def test_version_1_networks_are_unchanged():
    net = k9tf.construct_network(2, 3, 2, seed=1)
    assert net["version"] == 1 and "data" not in net
    assert k9tf.train_epochs(2, net, [[[0, 1], [1, 0]]], 0.5)["version"] == 1
    assert k9tf.predict([[0, 1]], net) in ([0], [1])


@pytest.mark.parametrize("change, match", [
    ({"version": 1}, "unknown keys \\['data'\\]"),
    ({"version": 3}, "network version must be 1 or 2"),
    ({"data": None}, "network data must be a dict"),
    ({"data": {"colour": 1}}, "unknown keys"),
    ({"data": {"classes": ["a", "b"]}}, "classes must be a list of 3 labels"),
    ({"data": {"classes": ["a", "a", "b"]}}, "must be distinct"),
    ({"data": {"classes": ["a", None, "b"]}}, "must hold strings or numbers"),
    ({"data": {"features": ["x"]}}, "features must be a list of 2 names"),
    ({"data": {"features": ["x", ""]}}, "distinct non-empty strings"),
    ({"data": {"scaler": {"mean": [0, 0]}}}, "keys 'mean' and 'scale'"),
    ({"data": {"scaler": {"mean": [0, 0], "scale": [1, 0]}}}, "scale\\[1\\] must be > 0"),
    ({"data": {"scaler": {"mean": [0, float("nan")], "scale": [1, 1]}}}, "finite"),
    ({"data": {"target": 3}}, "target must be a non-empty string"),
    ({"data": {"keywords": True}}, "keywords=True needs classes"),
])
def test_bad_data_is_refused(change, match):
    net, _, _ = _trained_table_network()
    with pytest.raises((TypeError, ValueError), match=match):
        k9tf.ff([0, 0], {**net, **change})


def test_regressor_table():
    net = k9tf.construct_network(1, 8, 1, output="linear", loss="squared-error", seed=0)
    x = [[v] for v in np.linspace(0, 10, 50)]
    y = [2.0 * v[0] + 100.0 for v in x]
    net, samples = k9tf.encode_table(net, x, y, standardize=True)
    assert "classes" not in net["data"]
    with pytest.raises(ValueError, match="classes need a softmax cross-entropy network"):
        k9tf.ff([0], {**net, "data": {"classes": ["a"]}})
    assert samples[1].shape == (50, 1)
    with pytest.raises(ValueError, match="needs a classifier"):
        k9tf.predict_proba(x, net)
    predicted = k9tf.predict(x, net)
    assert len(predicted) == 50 and isinstance(predicted[0], float)


# The command line -----------------------------------------------------------------------------


def _run(*args, cwd):
    """Run k9tf with -X importtime; return (status, stdout, stderr lines, TensorFlow imported)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "k9tf", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300)
    lines = done.stderr.splitlines()
    tensorflow = any(line.startswith("import time:") and
                     line.rsplit("|", 1)[-1].strip() == "tensorflow" for line in lines)
    return (done.returncode, done.stdout,
            [line for line in lines if not line.startswith("import time:")], tensorflow)


BAD_FILES = {
    "ragged.csv": ("a,b,t\n1,2,x\n3,4\n", "line 3 has 2 values but the header 3 columns"),
    "word.csv": ("a,b,t\n1,2,x\n3,zz,y\n", "line 3, column 'b': 'zz' is not a finite number"),
    "empty.csv": ("", "is empty"),
    "header.csv": ("a,b,t\n", "has a header but no data rows"),
    "notarget.csv": ("a,b,c\n1,2,x\n", "has no column 't' (target)"),
    "latin1.csv": (b"a,b,t\n1,2,caf\xe9\n", "is not UTF-8 text"),
    "one.csv": ("a,b,t\n1,2,x\n3,4,x\n", "holds a single class"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_cli_bad_files_exit_2_before_tensorflow(tmp_path, name):
    text, match = BAD_FILES[name]
    (tmp_path / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    status, _, stderr, tensorflow = _run("train", "--data", name, "--target", "t",
                                         cwd=tmp_path)
    assert status == 2
    assert len(stderr) == 1 and stderr[0].startswith(f"k9tf train: error: --data '{name}'")
    assert match in stderr[0]
    assert not tensorflow


def test_cli_file_past_the_size_limit(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as file:
        file.write(b"a,t\n")
        file.truncate(MAX_TABLE_BYTES + 1)  # sparse: no disk used
    status, _, stderr, tensorflow = _run("train", "--data", "big.csv", "--target", "t",
                                         cwd=tmp_path)
    assert status == 2 and not tensorflow
    assert stderr == [f"k9tf train: error: --data 'big.csv' holds more than "
                      f"{MAX_TABLE_BYTES:,} bytes, the most k9tf reads as a table; train on "
                      "a part of it."]


@pytest.mark.parametrize("args, match", [
    (["train", "--data", "t.csv"], "--data needs --target COLUMN"),
    (["train", "--data", "missing.csv", "--target", "t"], "--data 'missing.csv': no such file"),
    (["train", "--data", ".", "--target", "t"], "--data '.' is a directory"),
    (["train", "--data", "t.csv", "--fn", "xor"], "not allowed with argument"),
    (["train", "--fn", "xor", "--target", "t"], "--target is for --data"),
    (["train", "--data", "t.csv", "--target", "kind", "--validation-fraction", "1"],
     "argument --validation-fraction: must be a number from 0 up to 1"),
    (["train", "--data", "t.csv", "--target", "kind", "--plot", "x.png"], "--plot draws"),
    (["train", "--data", "t.csv", "--target", "kind", "--save", "/nonexistent/x.json"],
     "--save '/nonexistent/x.json' is in a directory that does not exist"),
    (["predict", "net.json", "--data", "t.csv", "--out", "/nonexistent/p.csv"],
     "--out '/nonexistent/p.csv' is in a directory that does not exist"),
    (["predict", "net.json", "1", "--data", "t.csv"], "not both"),
    (["predict", "net.json"], "predict needs the inputs"),
])
def test_cli_bad_table_arguments(tmp_path, args, match):
    (tmp_path / "t.csv").write_text(_table_text())
    status, _, stderr, tensorflow = _run(*args, cwd=tmp_path)
    assert status == 2 and not tensorflow
    assert match in stderr[-1]


def test_cli_train_and_predict_a_csv(tmp_path):
    (tmp_path / "t.csv").write_text(_table_text())
    status, stdout, stderr, _ = _run(
        "train", "--data", "t.csv", "--target", "kind", "--standardize", "--hidden", "8",
        "--epochs", "100", "--lr", "0.05", "--batch-size", "10", "--seed", "0",
        "--validation-fraction", "0.2", "--save", "net.json", cwd=tmp_path)
    assert status == 0, stderr
    assert "(3 classes: high, low, mid)" in stdout and "6 held out" in stdout
    assert "validation accuracy 1.000" in stdout
    net = k9tf.load_network(tmp_path / "net.json")
    assert net["data"]["features"] == ["width", "length"]
    # columns by name, in any order, extra columns ignored
    rows = [[label, x[1], "note", x[0]] for x, label in IRIS_LIKE[:6]]
    with open(tmp_path / "new.csv", "w", newline="") as file:
        csv.writer(file).writerows([["kind", "length", "notes", "width"], *rows])
    status, stdout, stderr, _ = _run("predict", "net.json", "--data", "new.csv", cwd=tmp_path)
    assert status == 0, stderr
    out = list(csv.reader(stdout.splitlines()))
    assert out[0] == ["kind", "P(high)", "P(low)", "P(mid)"]
    assert [row[0] for row in out[1:]] == [row[0] for row in rows]
    assert all(abs(sum(map(float, row[1:])) - 1) < 1e-6 for row in out[1:])
    status, _, stderr, _ = _run("predict", "net.json", "--data", "new.csv", "--out", "p.csv",
                                cwd=tmp_path)
    assert status == 0 and (tmp_path / "p.csv").read_text() == stdout
    (tmp_path / "short.csv").write_text("width\n1\n")
    status, _, stderr, tensorflow = _run("predict", "net.json", "--data", "short.csv",
                                         cwd=tmp_path)
    assert status == 2 and not tensorflow
    assert "has no column 'length' (a feature the network takes)" in stderr[-1]


def test_cli_regression(tmp_path):
    rows = [(v, 3.0 * v - 1.0) for v in np.linspace(-1, 1, 40)]
    (tmp_path / "r.csv").write_text("x,y\n" + "".join(f"{a},{b}\n" for a, b in rows))
    status, stdout, stderr, _ = _run("train", "--data", "r.csv", "--target", "y",
                                     "--regression", "--hidden", "4", "--epochs", "300",
                                     "--lr", "0.05", "--seed", "0", "--save", "r.json",
                                     cwd=tmp_path)
    assert status == 0, stderr
    assert "a regression target" in stdout
    status, stdout, stderr, _ = _run("predict", "r.json", "--data", "r.csv", cwd=tmp_path)
    assert status == 0, stderr
    out = list(csv.reader(stdout.splitlines()))
    assert out[0] == ["y"]
    predicted = np.array([float(row[0]) for row in out[1:]])
    assert np.abs(predicted - [b for _, b in rows]).max() < 0.5
