"""What the JVM side uses: the bridge entry point, the JPype host and the classpath.

Every Clojure backend calls :func:`call`; ``python -m k9tf clj`` runs
:func:`run_clojure`; ``bin/k9tf-clj`` and ``k9tf classpath`` use :func:`classpath`.
"""

from ._bridge import call
from ._classpath import classpath
from ._host import run_clojure

__all__ = ["call", "classpath", "run_clojure"]
