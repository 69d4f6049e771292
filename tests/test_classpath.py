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
    monkeypatch.setattr(_classpath, "_official_cli_path", lambda aliases: None)
    monkeypatch.delenv("K9TF_EXTRA_CLASSPATH", raising=False)
    path, jvm_opts, main_opts, missing = _classpath.classpath(ROOT, ["test", "repl"])
    entries = path.split(os.pathsep)
    assert entries[:2] == [os.path.join(ROOT, "clojure/src"), os.path.join(ROOT, "clojure/test")]
    assert "/usr/share/java/data.json.jar" in entries and "/usr/share/java/nrepl.jar" in entries
    assert main_opts == ["-m", "nrepl.cmdline"] and jvm_opts == [] and missing == []
    _, jvm_opts, _, missing = _classpath.classpath(ROOT, ["libpython-clj"])
    assert missing == ["clj-python/libpython-clj"]
    assert "--enable-native-access=ALL-UNNAMED" in jvm_opts
    monkeypatch.setenv("K9TF_EXTRA_CLASSPATH", "/opt/extra.jar")
    path, _, _, missing = _classpath.classpath(ROOT, ["libpython-clj"])
    assert path.endswith(os.pathsep + "/opt/extra.jar") and missing == []


def test_launcher_prints_classpath():
    done = subprocess.run([sys.executable, os.path.join(ROOT, "bin", "k9tf-clj"), "-A:test",
                           "-Spath"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert os.path.join(ROOT, "clojure/test") in done.stdout.split(os.pathsep)
