"""The wheel is the whole product: installed outside the checkout, both languages work."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig

import pytest

import k9tf
from jvm import ROOT, command

pytestmark = [pytest.mark.wheel, pytest.mark.jvm, pytest.mark.slow]

FF = "(k9/ff [[0 0] [1 1]] (k9/construct-network 2 3 2 {:seed 7}))"
CLOJURE = f"(require '[k9tf.core :as k9]) (println (clojure.data.json/write-str {FF}))"


def expected():
    return k9tf.ff([[0, 0], [1, 1]], k9tf.construct_network(2, 3, 2, seed=7))


def last_json(done):
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Return ``(venv, workdir)``: k9tf's wheel installed in a fresh venv, and an empty directory.

    The venv reuses this environment's pinned dependencies (TensorFlow, JPype...)
    through a ``.pth`` file, but k9tf itself only from the wheel.
    """
    command("jna", [])  # skips (or fails under make test) without Clojure
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base / "dist",
                    ROOT], check=True, capture_output=True, timeout=600)
    (wheel,) = (base / "dist").glob("k9tf-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=300)
    site = subprocess.run([venv / "bin" / "python", "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(site, "_k9tf_test_deps.pth"), "w") as file:
        file.write(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
                    "-q", "--no-deps", "--no-index", wheel], check=True, capture_output=True,
                   timeout=300)
    work = base / "work"
    work.mkdir()
    return venv, work


def run(args, cwd, **env):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("K9TF_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**clean, **env})


def test_wheel_holds_python_and_clojure_sides(installed):
    venv, work = installed
    done = run([venv / "bin" / "python", "-c", "import k9tf, os; print(os.path.dirname("
                "k9tf.__file__))"], work)
    package = done.stdout.strip()
    assert package.startswith(str(venv))
    for part in ["clojure/deps.edn", "clojure/clojure/src/k9tf/core.clj",
                 "clojure/clojure/src/k9tf/codec.clj", "jvm/_codec.py"]:
        assert os.path.isfile(os.path.join(package, part)), part


def test_python_quick_start_and_cli(installed):
    venv, work = installed
    python = venv / "bin" / "python"
    quick = run([python, "-c", "import k9tf, json; print(json.dumps(k9tf.ff([[0, 0], [1, 1]], "
                 "k9tf.construct_network(2, 3, 2, seed=7))))"], work)
    assert last_json(quick) == expected()
    trained = run([venv / "bin" / "k9tf", "train", "--fn", "nand", "--epochs", "2",
                   "--seed", "1", "--save", "net.json"], work)
    assert trained.returncode == 0, trained.stderr[-2000:]
    predicted = run([venv / "bin" / "k9tf", "predict", "net.json", "1", "1"], work)
    assert last_json(predicted) == k9tf.ff([1, 1], k9tf.load_network(work / "net.json"))


def test_clojure_in_a_jvm_hosted_by_python(installed):
    venv, work = installed
    done = run([venv / "bin" / "python", "-m", "k9tf", "clj", "-e", CLOJURE], work)
    assert last_json(done) == expected()


def test_plain_jvm_on_k9tf_classpath(installed):
    venv, work = installed
    path = run([venv / "bin" / "k9tf", "classpath"], work)
    assert path.returncode == 0, path.stderr
    done = run([shutil.which("java"), "-cp", path.stdout.strip(), "clojure.main", "-e",
                CLOJURE], work)  # finds its Python: the venv the sources are installed in
    assert last_json(done) == expected()


def test_deps_edn_project_with_local_root(tmp_path):
    (tmp_path / "deps.edn").write_text(f'{{:deps {{k9tf/k9tf {{:local/root "{ROOT}"}}}}}}\n')
    (tmp_path / "src").mkdir()
    done = run([*command("jna", [], aliases=()), "-e", CLOJURE], tmp_path,
               K9TF_PYTHON=sys.executable)
    assert last_json(done) == expected()
