import fcntl
import json
import os
import pty
import signal
import stat
import struct
import subprocess
import sys
import termios
import textwrap

import pytest

import k9tf as api

COMMAND = [sys.executable, "-m", "k9tf"]


def k9tf(*args, cwd=None, umask=-1):
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, umask=umask)


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


def _quick(*args, cwd):
    """Run k9tf with -X importtime; return (status, stdout, stderr without the import lines, and
    whether TensorFlow was imported)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "k9tf", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300)
    lines = done.stderr.splitlines()
    imports = [line for line in lines if line.startswith("import time:")]
    tensorflow = any(line.rsplit("|", 1)[-1].strip() == "tensorflow" for line in imports)
    return (done.returncode, done.stdout,
            "\n".join(line for line in lines if not line.startswith("import time:")), tensorflow)


@pytest.mark.parametrize("args, match", [
    (["train", "--fn", "xnor"], "argument --fn: invalid choice"),
    (["train", "--fn", "xor", "--lr", "-1"], "--lr"),
    (["train", "--fn", "xor", "--lr", "nan"], "argument --lr: must be a finite number > 0"),
    (["train", "--fn", "xor", "--epochs", "0"], "--epochs"),
    (["train", "--fn", "xor", "--epochs", "100000000"],
     "argument --epochs: must be an int from 1 to 1,000,000"),
    (["train", "--fn", "xor", "--samples", "1000000000"], "argument --samples"),
    (["train", "--fn", "xor", "--batch-size", "half"], "--batch-size"),
    (["train", "--fn", "xor", "--model", "keras"], "--model"),
    (["train", "--fn", "xor", "--seed", "-1"], "argument --seed"),
    (["train", "--fn", "xor", "--save", "/nonexistent/dir/x.json"],
     "--save '/nonexistent/dir/x.json' is in a directory that does not exist"),
    (["train", "--fn", "xor", "--save", ""], "--save must not be empty"),
    (["train", "--fn", "xor", "--save", "."], "--save '.' is a directory"),
    (["train", "--fn", "xor", "--plot", "/tmp"], "--plot '/tmp' is a directory"),
    (["train", "--fn", "xor", "--plot", "adir/"], "--plot 'adir/' names a directory"),
    (["train", "--fn", "xor", "--tensorboard", "/dev/null/x"],
     "--tensorboard '/dev/null/x' cannot be"),
    (["predict", "missing.json", "1", "0"], "path 'missing.json': no such network file"),
    (["predict", ".", "1", "0"], "path '.' is a directory"),
    (["predict", "missing.json", "one"], "argument X: invalid float value"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_exit_2_at_once(tmp_path, args, match):
    status, out, err, tensorflow = _quick(*args, cwd=tmp_path)
    assert status == 2 and not tensorflow and "Traceback" not in err
    assert "error" in err.splitlines()[-1] and match in err.splitlines()[-1]
    assert "Training" not in out and "Cost function" not in out
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("args", [["--help"], ["train", "--help"], ["predict", "--help"]])
def test_help_without_tensorflow(tmp_path, args):
    status, out, _, tensorflow = _quick(*args, cwd=tmp_path)
    assert status == 0 and not tensorflow and "usage: k9tf" in out


def test_train_help_says_what_the_columns_are(tmp_path):
    out = _quick("train", "--help", cwd=tmp_path)[1]
    assert "[f?, not f?]" in out and "[nand?, not nand?]" in out and "[and?, nand?]" in out


def test_predict_wrong_input_size_without_tensorflow(tmp_path):
    assert k9tf("train", "--fn", "and", "--epochs", "1", "--samples", "10", "--save", "n.json",
                cwd=tmp_path).returncode == 0
    status, _, err, tensorflow = _quick("predict", "n.json", "1", "0", "1", cwd=tmp_path)
    assert status == 2 and not tensorflow
    assert err.splitlines()[-1] == ("k9tf predict: error: input has 3 values, the network "
                                    "takes 2.")


def test_nand_names_its_columns_and_files_honour_the_umask(tmp_path):
    done = k9tf("train", "--fn", "nand", "--epochs", "100", "--seed", "1", "--save", "n.json",
                "--plot", "n.png", cwd=tmp_path, umask=0o027)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Training 2-3-2 (default) on 1,000 nand samples, targets "
                               "[nand?, not nand?]")
    first = lines.index("ff outputs are [nand?, not nand?]:")
    rows = {line.split(" => ")[0]: json.loads(line.split(" => ")[1])
            for line in lines[first + 1:first + 5]}
    assert rows["ff [1, 1]"][0] < 0.5 < rows["ff [0, 0]"][0]
    assert lines[-2:] == ["saved n.json", "plotted n.png"]
    assert (tmp_path / "n.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("n.json", "n.png"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o640


def test_demo_prints_report_and_ff():
    done = k9tf("demo")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Cost function value as of step") >= 6
    assert "(ff [1, 1] net) =>" in done.stdout and "[and?, nand?]" in done.stdout


def test_progress_bar_and_report_lines_keep_to_their_own_lines(tmp_path):
    main, terminal = pty.openpty()  # an 80-column terminal, so that tqdm draws its bar
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen([*COMMAND, "train", "--fn", "and", "--epochs", "300", "--samples",
                             "10", "--report-every", "100"], cwd=tmp_path, stdin=subprocess.DEVNULL,
                            stdout=terminal, stderr=terminal)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the terminal's last writer is gone
            break
        if not chunk:
            break
        output += chunk
    os.close(main)
    assert proc.wait(timeout=300) == 0
    text = output.decode()
    assert "step/s" in text  # the bar was drawn
    reports = [line.rstrip("\r") for line in text.split("\n") if "Cost function" in line]
    assert len(reports) == 31
    for line in reports:  # what the terminal shows of the line: the text after its last \r
        assert line.split("\r")[-1].startswith("Cost function value as of step")


def _interrupt_after(line_start, args, cwd, script=None):
    """Start k9tf, send SIGINT once it prints a line starting with ``line_start``."""
    command = [sys.executable, "-c", script] if script else [*COMMAND, *args]
    proc = subprocess.Popen(command, cwd=cwd, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.startswith(line_start):
            proc.send_signal(signal.SIGINT)
            break
    status = proc.wait(timeout=120)
    out, err = proc.stdout.read(), proc.stderr.read()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        stream.close()
    return status, "".join(seen) + out, err


def test_ctrl_c_stops_training_without_traceback(tmp_path):
    status, out, err = _interrupt_after(
        "Cost function value as of step 0", ["train", "--fn", "xor", "--epochs", "1000000",
                                             "--save", "x.json"], tmp_path)
    assert status == 130 and err == "k9tf train: interrupted\n"
    assert os.listdir(tmp_path) == []


def test_ctrl_c_during_the_tensorflow_import(tmp_path):
    status, out, err = _interrupt_after(  # the first line is printed before TensorFlow loads
        "Training", ["train", "--fn", "xor", "--epochs", "1000000", "--save", "x.json"],
        tmp_path)
    assert status == 130 and err == "k9tf train: interrupted\n"
    assert "Cost function" not in out and os.listdir(tmp_path) == []


def test_ctrl_c_while_saving_leaves_the_old_file(tmp_path):
    (tmp_path / "x.json").write_text("old")
    script = textwrap.dedent("""
        import sys
        import time
        import k9tf.files._io as io
        from k9tf.cli import main

        def slow_write(file):
            file.write(b'{"version": 1, "siz')
            print("writing", flush=True)
            while True:  # until Ctrl-C, which another thread may receive: the main
                time.sleep(0.05)  # thread meets it between two sleeps

        write_atomic = io.write_atomic
        io.write_atomic = lambda path, write: write_atomic(path, slow_write)
        sys.exit(main(["train", "--fn", "and", "--epochs", "1", "--samples", "10",
                       "--save", "x.json"]))
    """)
    status, out, err = _interrupt_after("writing", [], tmp_path, script=script)
    assert status == 130 and err == "k9tf train: interrupted\n"
    assert os.listdir(tmp_path) == ["x.json"] and (tmp_path / "x.json").read_text() == "old"


def test_train_takes_the_optimizer_options_as_python_does(tmp_path):
    args = ["train", "--fn", "xor", "--hidden", "8", "--epochs", "20", "--batch-size", "8",
            "--lr", "0.05", "--optimizer", "adam", "--alpha", "0.001", "--early-stopping",
            "--patience", "3", "--seed", "4", "--save", "adam.json"]
    done = k9tf(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    samples = api.sample_logic_fn("xor", 1000, seed=4)
    validation = api.sample_logic_fn("xor", 100, seed=5)
    net = api.construct_network(2, 8, 2, seed=4)
    expected = api.train_epochs(20, net, samples, 0.05, batch_size=8, seed=4,
                                        validation=validation, optimizer="adam", alpha=0.001,
                                        early_stopping=True, patience=3)
    saved = api.load_network(tmp_path / "adam.json")
    assert saved["layers"] == expected["layers"]


@pytest.mark.parametrize("args, match", [
    (["--optimizer", "rmsprop"], "argument --optimizer: invalid choice"),
    (["--momentum", "1"], "argument --momentum: must be a number from 0 up to 1"),
    (["--alpha", "-1"], "argument --alpha: must be a finite number >= 0"),
    (["--optimizer", "adam", "--momentum", "0.5"], "momentum"),
])
def test_bad_optimizer_options_exit_2(tmp_path, args, match):
    done = k9tf("train", "--fn", "xor", "--epochs", "1", *args, cwd=tmp_path)
    assert done.returncode == 2 and match in done.stderr and "Traceback" not in done.stderr
