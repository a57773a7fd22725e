"""`python -m generator` is the same as `tthc`."""

import sys

from .cli import main

sys.exit(main())
