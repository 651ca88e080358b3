"""``python -m rglm``: see :mod:`rglm.cli`."""

import sys

from rglm.cli import main

sys.exit(main())
