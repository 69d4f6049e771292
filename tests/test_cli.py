import json
import subprocess
import sys

import pytest


def k9tf(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "k9tf", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_train_save_predict_plot_tensorboard(tmp_path):
    done = k9tf("train", "--fn", "xor", "--hidden", "8", "--epochs", "300", "--batch-size",
                "full", "--seed", "1", "--report-every", "100", "--save", "xor.json", "--plot",
                "xor.png", "--tensorboard", "runs", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Cost function value as of step 0:" in done.stdout
    assert "Validation accuracy estimate: 1.000" in done.stdout
    assert (tmp_path / "xor.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    saved = json.loads((tmp_path / "xor.json").read_text())
    assert saved["sizes"] == [2, 8, 2]
    predicted = k9tf("predict", "xor.json", "1", "0", cwd=tmp_path)
    assert predicted.returncode == 0
    out = json.loads(predicted.stdout)
    assert out[0] > 0.9 and len(out) == 2

    from tensorflow.compat.v1.train import summary_iterator
    events = list((tmp_path / "runs").iterdir())
    tags = {value.tag for path in events for event in summary_iterator(str(path))
            for value in event.summary.value}
    assert {"cost", "train_accuracy", "validation_accuracy"} <= tags


@pytest.mark.parametrize("args", [
    ["train", "--fn", "xnor"],
    ["train", "--fn", "xor", "--lr", "-1"],
    ["train", "--fn", "xor", "--epochs", "0"],
    ["train", "--fn", "xor", "--batch-size", "half"],
    ["train", "--fn", "xor", "--model", "keras"],
    ["predict", "missing.json", "1", "0"],
    ["predict", "missing.json", "one"],
    ["frobnicate"],
])
def test_bad_arguments_exit_2_without_traceback(tmp_path, args):
    done = k9tf(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "error" in done.stderr.strip().splitlines()[-1]


def test_predict_wrong_input_size(tmp_path):
    assert k9tf("train", "--fn", "and", "--epochs", "1", "--samples", "10", "--save", "n.json",
                cwd=tmp_path).returncode == 0
    done = k9tf("predict", "n.json", "1", "0", "1", cwd=tmp_path)
    assert done.returncode == 2 and "2 values per row" in done.stderr


def test_demo_prints_report_and_ff():
    done = k9tf("demo")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Cost function value as of step") >= 6
    assert "(ff [1, 1] net) =>" in done.stdout


def test_ctrl_c_stops_training_without_traceback(tmp_path):
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "k9tf", "train", "--fn", "xor", "--epochs",
                             "1000000", "--save", "x.json"], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(8)  # past the TensorFlow import, into training
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert not (tmp_path / "x.json").exists()
