"""The JPype host's own settings, checked without starting a JVM."""

import gc
import types

from k9tf.jvm import _host


def test_python_collections_no_longer_run_jpypes_hook(monkeypatch):
    # JPype registers its hook (twice, as seen with JPype 1.7.1); other callbacks stay.
    def collect(phase, info):
        """Stands in for JPype's _jpype._collect."""

    def mine(phase, info):
        """A callback of the user's."""

    monkeypatch.setattr(gc, "callbacks", [collect, mine, collect])
    _host._unlink_collectors(types.SimpleNamespace(_collect=collect))
    assert gc.callbacks == [mine]
