"""``python -m pytest_testorbit.cli``: the ``orbit`` command without its script."""

import sys

from . import main

sys.exit(main())
