"""What the JVM side uses: the bridge entry point, the JPype host and the classpath.

Every Clojure backend calls :func:`call` (or :func:`call_at`, which moves
frames by address); ``python -m k9tf clj`` runs
:func:`run_clojure`; ``bin/k9tf-clj`` and ``k9tf classpath`` use :func:`classpath`.
"""

from ._bridge import call, call_at, fetch_reply, hello
from ._classpath import classpath, clojure_root
from ._host import run_clojure

__all__ = ["call", "call_at", "classpath", "clojure_root", "fetch_reply", "hello", "run_clojure"]
