"""One version, and one set of limits, for the Python core, the Clojure side and the package."""

import os
import re

import k9tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_clojure_side_has_the_package_version():
    with open(os.path.join(ROOT, "clojure", "src", "k9tf", "python.clj")) as file:
        clojure = re.search(r'\(def version\n  "[^"]*"\n  "([^"]+)"\)', file.read())
    assert clojure and clojure.group(1) == k9tf.__version__


def test_clojure_limits_are_the_python_cores():
    from k9tf.model import _presets

    with open(os.path.join(ROOT, "clojure", "src", "k9tf", "core.clj")) as file:
        limits = re.search(r"\{:layers (\d+) :units (\d+) :samples (\d+)", file.read())
    assert limits and tuple(map(int, limits.groups())) == (
        _presets.MAX_LAYERS, _presets.MAX_UNITS, _presets.MAX_SAMPLES)
