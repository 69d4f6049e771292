"""``python -m k9tf``: the ``k9tf`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
