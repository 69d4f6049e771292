import os
import subprocess
import sys

from k9tf.jvm import _classpath

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_read_edn_subset():
    text = '{:paths ["a" "b"] ; comment\n :aliases {:x {:extra-paths ["c"]} #_ :skip :y {}}}'
    assert _classpath.read_edn(text) == {":paths": ["a", "b"],
                                          ":aliases": {":x": {":extra-paths": ["c"]}, ":y": {}}}


def test_classpath_from_deps_edn(monkeypatch):
    monkeypatch.setattr(_classpath, "_official_cli_path", lambda root, aliases: None)
    monkeypatch.delenv("K9TF_EXTRA_CLASSPATH", raising=False)
    path, jvm_opts, main_opts, missing = _classpath.classpath(ROOT, ["test", "repl"])
    entries = path.split(os.pathsep)
    assert entries[:2] == [os.path.join(ROOT, "clojure/src"), os.path.join(ROOT, "clojure/test")]
    assert "/usr/share/java/data.json.jar" in entries and "/usr/share/java/nrepl.jar" in entries
    assert main_opts == ["-m", "nrepl.cmdline"] and jvm_opts == [] and missing == []
    _, _, _, missing = _classpath.classpath(ROOT, ["libpython-clj"])
    assert missing == ["clj-python/libpython-clj"]
    monkeypatch.setenv("K9TF_EXTRA_CLASSPATH", "/opt/extra.jar")
    path, _, _, missing = _classpath.classpath(ROOT, ["libpython-clj"])
    assert path.endswith(os.pathsep + "/opt/extra.jar") and missing == []


def test_local_root_dependencies_and_alias_options(tmp_path, monkeypatch):
    monkeypatch.setattr(_classpath, "_official_cli_path", lambda root, aliases: None)
    monkeypatch.delenv("K9TF_EXTRA_CLASSPATH", raising=False)
    (tmp_path / "deps.edn").write_text(
        f'{{:deps {{k9tf/k9tf {{:local/root "{ROOT}"}} org.clojure/clojure {{}}}}\n'
        ' :aliases {:big {:jvm-opts ["-Xmx2g"] :main-opts ["-m" "app.core"]}}}')
    path, jvm_opts, main_opts, missing = _classpath.classpath(tmp_path, ["big"])
    entries = path.split(os.pathsep)
    assert entries[:2] == [os.path.join(tmp_path, "src"), os.path.join(ROOT, "clojure/src")]
    assert entries.count("/usr/share/java/clojure.jar") == 1  # no duplicates
    assert jvm_opts == ["-Xmx2g"] and main_opts == ["-m", "app.core"] and missing == []


def test_clojure_root_is_this_checkout():
    assert _classpath.clojure_root() == ROOT


def test_launcher_prints_classpath():
    done = subprocess.run([sys.executable, os.path.join(ROOT, "bin", "k9tf-clj"), "-A:test",
                           "-Spath"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0
    assert os.path.join(ROOT, "clojure/test") in done.stdout.split(os.pathsep)


def test_cli_prints_classpath():
    done = subprocess.run([sys.executable, "-m", "k9tf", "classpath", "repl"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "/usr/share/java/nrepl.jar" in done.stdout.strip().split(os.pathsep)
