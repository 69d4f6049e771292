"""TensorFlow, imported with the environment k9tf needs.

Only modules that run TensorFlow import this one, and only when first used,
so ``import k9tf``, ``k9tf --help`` and input errors stay fast.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN reorders float sums

import tensorflow as tf  # noqa: E402

tf1 = tf.compat.v1
