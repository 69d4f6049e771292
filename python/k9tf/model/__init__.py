"""The data model: a network as plain data, its options and limits, its parameter layout, checks.

Nothing here imports TensorFlow; every other layer builds on these values.
"""

from ._cache import checked_form, checked_network
from ._errors import (
    ArgumentError,
    DivergedError,
    InvalidType,
    InvalidValue,
    argument_of,
    builtin_name,
    rephrased,
)
from ._layout import (
    aligned_params,
    count,
    empty_aligned,
    layer_pairs,
    pack,
    shapes_of,
    slices_of,
    to_layers,
    unpack,
)
from ._network import construct_network, from_k9, make_network
from ._presets import (
    ACTIVATIONS,
    DATA_FORMAT_VERSION,
    DTYPES,
    FORMAT_VERSION,
    INITS,
    LOSSES,
    MAX_EPOCHS,
    MAX_FILE_BYTES,
    MAX_LAYERS,
    MAX_PARAMETERS,
    MAX_SAMPLES,
    MAX_TABLE_BYTES,
    MAX_TRAIN_VALUES,
    MAX_UNITS,
    MAX_VALUES,
    MAX_WORK,
    OPTION_VALUES,
    OUTPUTS,
    PRESETS,
)
from ._tracked import recall, stamped
from ._training import (
    OPTIMIZERS,
    PLAIN,
    SCHEDULES,
    STOPPING,
    check_early_stopping,
    check_optimizer,
    is_plain,
)
from ._validation import (
    DATA_KEYS,
    NETWORK_KEYS,
    all_finite,
    brief,
    check_batch_size,
    check_choice,
    check_count,
    check_data,
    check_epochs,
    check_inputs,
    check_int,
    check_learning_rate,
    check_matrix,
    check_network,
    check_options,
    check_samples,
    check_seed,
    check_sizes,
    plural,
)

__all__ = [
    "ACTIVATIONS", "ArgumentError", "DATA_FORMAT_VERSION", "DATA_KEYS", "DTYPES", "DivergedError",
    "FORMAT_VERSION", "INITS", "InvalidType", "InvalidValue", "LOSSES", "MAX_EPOCHS",
    "MAX_FILE_BYTES", "MAX_LAYERS", "MAX_PARAMETERS", "MAX_SAMPLES", "MAX_TABLE_BYTES",
    "MAX_TRAIN_VALUES", "MAX_UNITS", "MAX_VALUES", "MAX_WORK", "NETWORK_KEYS", "OPTIMIZERS",
    "OPTION_VALUES", "OUTPUTS", "PLAIN", "PRESETS", "SCHEDULES", "STOPPING", "aligned_params",
    "all_finite", "argument_of", "brief", "builtin_name", "check_batch_size", "check_choice",
    "check_count", "check_data", "check_early_stopping", "check_epochs", "check_inputs",
    "check_int", "check_learning_rate", "check_matrix", "check_network", "check_optimizer",
    "check_options", "check_samples", "check_seed", "check_sizes", "checked_form",
    "checked_network", "construct_network", "count", "empty_aligned", "from_k9", "is_plain",
    "layer_pairs", "make_network", "pack", "plural", "recall", "rephrased", "shapes_of",
    "slices_of", "stamped", "to_layers", "unpack",
]
