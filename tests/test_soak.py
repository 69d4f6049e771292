"""100,000 ff calls through the embedded bridge: resident memory stays flat."""

import re

import pytest

from jvm import run

pytestmark = [pytest.mark.jvm, pytest.mark.slow]

SOAK = """
(require '[k9tf.core :as k9])
(defn rss-mb []
  (let [status (String. (java.nio.file.Files/readAllBytes
                          (.toPath (java.io.File. "/proc/self/status"))))]
    (/ (Long/parseLong (second (re-find #"VmRSS:\\s+(\\d+)" status))) 1024.0)))
(let [net (k9/construct-network 2 3 2 {:seed 1})]
  (dotimes [i 2000] (k9/ff [(mod i 2) 1] net))
  (System/gc)
  (let [before (rss-mb)
        t0 (System/nanoTime)]
    (dotimes [i 100000] (k9/ff [(mod i 2) 1] net))
    (System/gc)
    (println (format "SOAK calls=100000 rss-before=%.1fMB rss-after=%.1fMB us-per-call=%.1f"
                     before (rss-mb) (/ (- (System/nanoTime) t0) 1e8)))))
(shutdown-agents)
"""


@pytest.mark.parametrize("mode", ["jna", "jpype"])
def test_100k_bridge_calls_keep_memory_flat(mode, monkeypatch):
    # A fixed, pre-touched heap: RSS growth then shows native (Python-side) leaks. Under
    # JPype, Java's collector alone frees the reply buffers that hold Python memory.
    options = "-Xms256m -Xmx256m -XX:+AlwaysPreTouch"
    monkeypatch.setenv("JAVA_OPTS", options)  # bin/k9tf-clj
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", options)  # the JVM JPype starts
    done = run(mode, ["-e", SOAK], timeout=900)
    line = next((s for s in done.stdout.splitlines() if s.startswith("SOAK")), None)
    assert line, done.stdout[-2000:] + done.stderr[-2000:]
    print(line)
    before, after = map(float, re.findall(r"rss-\w+=([\d.]+)MB", line))
    assert after - before < 50, line
