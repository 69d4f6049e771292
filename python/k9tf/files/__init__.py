"""Files: networks saved and loaded as JSON, exports, CSV tables read, one atomic writer."""

from ._export import FORMATS, export, from_keras
from ._io import load_network, save_network
from ._table import read_table
from ._write import writable_directory, writable_file, write_atomic

__all__ = ["FORMATS", "export", "from_keras", "load_network", "read_table", "save_network",
           "writable_directory", "writable_file", "write_atomic"]
