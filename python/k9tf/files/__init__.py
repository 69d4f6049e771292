"""Files: networks saved and loaded as JSON, exports, checked output paths, CSV tables read."""

from ._export import FORMATS, export, from_keras
from ._io import load_network, save_network, writable_directory, writable_file, write_atomic
from ._table import read_table

__all__ = ["FORMATS", "export", "from_keras", "load_network", "read_table", "save_network",
           "writable_directory", "writable_file", "write_atomic"]
