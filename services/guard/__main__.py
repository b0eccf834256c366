"""``python -m services.guard [worker | check ...]``; see :mod:`services.guard.cli`."""

import sys

from services.guard.cli import main

if __name__ == "__main__":
    sys.exit(main())
