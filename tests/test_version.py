"""One version for the Python core, the Clojure side and the package."""

import os
import re

import k9tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_clojure_side_has_the_package_version():
    with open(os.path.join(ROOT, "clojure", "src", "k9tf", "python.clj")) as file:
        clojure = re.search(r'\(def version\n  "[^"]*"\n  "([^"]+)"\)', file.read())
    assert clojure and clojure.group(1) == k9tf.__version__
