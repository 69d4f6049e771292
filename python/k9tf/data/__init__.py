"""Data: the article's logic-function samples, scoring predictions, and users' tables."""

from ._logic import (
    LOGIC_FUNCTIONS,
    and_,
    and_gen,
    nand,
    nand_gen,
    or_,
    or_gen,
    sample_logic_fn,
    xor,
    xor_gen,
)
from ._metrics import accuracy
from ._table import apply_scaler, encode_labels, fit_scaler, parse_csv

__all__ = ["LOGIC_FUNCTIONS", "accuracy", "and_", "and_gen", "apply_scaler", "encode_labels",
           "fit_scaler", "nand", "nand_gen", "or_", "or_gen", "parse_csv", "sample_logic_fn", "xor",
           "xor_gen"]
