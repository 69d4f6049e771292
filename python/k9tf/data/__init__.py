"""Data: the article's logic-function samples and scoring predictions against labels."""

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

__all__ = ["LOGIC_FUNCTIONS", "accuracy", "and_", "and_gen", "nand", "nand_gen", "or_", "or_gen",
           "sample_logic_fn", "xor", "xor_gen"]
