"""The ``k9tf`` command line: train, predict, export, sweep, demo, and Clojure hosted by Python.

It sits above every other layer (it can start the JVM side), and checks
arguments and files before TensorFlow loads.
"""

from ._main import main

__all__ = ["main"]
