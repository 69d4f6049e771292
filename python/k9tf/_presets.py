"""Model presets and the allowed values of every network option."""

ACTIVATIONS = ("tanh", "relu", "sigmoid")
OUTPUTS = ("softmax", "linear", "tanh", "sigmoid")
LOSSES = ("softmax-cross-entropy", "squared-error")
INITS = ("glorot-uniform", "truncated-normal", "k9-uniform")
DTYPES = ("float32", "float64")

OPTION_VALUES = {
    "activation": ACTIVATIONS,
    "output": OUTPUTS,
    "loss": LOSSES,
    "init": INITS,
    "dtype": DTYPES,
}

PRESETS = {
    # Learns the article's k9 session (2-3-2 NAND, online, lr 0.5) in every
    # measured seed; see benchmarks/RESULTS.md.
    "default": {
        "activation": "tanh",
        "output": "softmax",
        "loss": "softmax-cross-entropy",
        "bias": True,
        "init": "glorot-uniform",
        "dtype": "float32",
    },
    # The 2016 article's TensorFlow model, exactly.
    "article": {
        "activation": "relu",
        "output": "linear",
        "loss": "softmax-cross-entropy",
        "bias": True,
        "init": "truncated-normal",
        "dtype": "float32",
    },
    # Carin Meier's k9: tanh everywhere, no biases, squared error, doubles.
    "k9": {
        "activation": "tanh",
        "output": "tanh",
        "loss": "squared-error",
        "bias": False,
        "init": "k9-uniform",
        "dtype": "float64",
    },
}

MAX_PARAMETERS = 50_000_000
"""Largest network (weights + biases) k9tf agrees to build."""

FORMAT_VERSION = 1
"""Version of the plain-data network format."""
