"""One version and one set of limits, defined in the Python core and read by the Clojure side."""

import pathlib

import k9tf
from k9tf import jvm
from k9tf.jvm import _codec
from k9tf.model import MAX_LAYERS, MAX_SAMPLES, MAX_UNITS


def test_the_greeting_carries_the_version_frames_and_limits():
    greeting = jvm.hello()
    assert greeting["version"] == k9tf.__version__
    assert greeting["frames"] == _codec.FORMAT
    limits = greeting["limits"]
    assert (limits["layers"], limits["units"], limits["samples"]) == (
        MAX_LAYERS, MAX_UNITS, MAX_SAMPLES)
    assert limits["rows"] >= 1


def test_no_version_or_limit_is_written_in_the_clojure_sources():
    root = pathlib.Path(__file__).resolve().parent.parent / "clojure" / "src"
    sources = "\n".join(path.read_text() for path in root.rglob("*.clj"))
    assert k9tf.__version__ not in sources
    assert "{:layers" not in sources
