"""Model presets, the allowed values of every network option, and k9tf's size limits."""

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

FORMAT_VERSION = 1
"""Version of the plain-data network format of a network without a ``data`` key."""

DATA_FORMAT_VERSION = 2
"""Version of a network that carries ``data``: the feature names, classes and scaler it was
trained with (version 1 plus that one key)."""

# Limits, each refused up front with a one-line error. Measured on the 2-core,
# 24 GB development machine (see README, "Limits"): at these sizes every call
# finishes in seconds and under about 2 GB.

MAX_LAYERS = 100
"""Most weight layers (``len(sizes) - 1``): compiling 100 layers' training takes ~7 s."""

MAX_UNITS = 1_000_000
"""Most units (neurons) in any one layer."""

MAX_PARAMETERS = 5_000_000
"""Most weights + biases: constructing, training or saving 5M takes seconds, ~1.5 GB peak."""

MAX_SAMPLES = 1_000_000
"""Most samples in one training call (an iterable is read up to one past this)."""

MAX_VALUES = 100_000_000
"""Most rows x units (the sum of the layer sizes) one call evaluates: ``ff`` of a float64
network at this size peaks under ~2 GB (250M took 4.4 GB). Training in batches takes at most
this many samples x (inputs + targets)."""

MAX_TRAIN_VALUES = 50_000_000
"""Most samples x units (the sum of the layer sizes) one full-batch training call takes,
validation apart: a float64 step at this size peaks under ~2 GB (250M took 8.5 GB)."""

MAX_EPOCHS = 1_000_000
"""Most epochs in one training call."""

MAX_WORK = 20_000_000_000
"""Most epochs x samples x parameters one training call does (k9's session for 1M epochs is
1.2e10, ~5 min): minutes for small networks, hours for wide online runs, never years."""

MAX_FILE_BYTES = 256 * 2**20
"""Largest network file :func:`k9tf.load_network` reads (5M parameters take ~105 MB)."""

MAX_TABLE_BYTES = 128 * 2**20
"""Largest CSV table the ``k9tf`` command reads (about 10 million numbers)."""
