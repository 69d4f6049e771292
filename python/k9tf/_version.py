"""The k9tf version: the package's, the Clojure side's, and the bridge's."""

__version__ = "0.2.0"
