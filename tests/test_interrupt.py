"""Interrupting bridge calls: an interrupt never lands inside an import."""

import sys
import threading
import types

import pytest

from k9tf.jvm._interrupt import interrupt, interruptible


def test_an_interrupt_during_the_imports_is_raised_after_them(tmp_path, monkeypatch):
    gate = types.ModuleType("k9tf_test_gate")
    gate.started, gate.release = threading.Event(), threading.Event()
    monkeypatch.setitem(sys.modules, "k9tf_test_gate", gate)
    (tmp_path / "k9tf_test_slow.py").write_text(
        "import k9tf_test_gate\nk9tf_test_gate.started.set()\nk9tf_test_gate.release.wait()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    outcome = []

    def call():
        try:
            with interruptible("slow", ["k9tf_test_slow"]):
                outcome.append("ran")
        except KeyboardInterrupt:
            outcome.append("interrupted")

    worker = threading.Thread(target=call)
    worker.start()
    assert gate.started.wait(60)
    assert interrupt("slow") is True  # recorded while the import runs
    gate.release.set()
    worker.join(60)
    assert outcome == ["interrupted"]
    assert "k9tf_test_slow" in sys.modules  # the import itself was not cut short
    assert interrupt("slow") is False
    del sys.modules["k9tf_test_slow"]


def test_imports_without_an_id_just_run():
    with interruptible(None, ["json"]):
        assert "json" in sys.modules


def test_a_reused_call_id_is_refused_and_the_first_call_kept():
    # Issue 22, item 12: a second call with a running call's id must not take the id over.
    with interruptible("same"):
        with pytest.raises(ValueError, match="id 'same' is already the id of a running call"):
            with interruptible("same"):
                pytest.fail("the second call ran")
        with pytest.raises(KeyboardInterrupt):  # still the first call's: it can be interrupted
            interrupt("same")
            while True:  # the asynchronous exception lands between two bytecodes
                pass
    assert interrupt("same") is False
