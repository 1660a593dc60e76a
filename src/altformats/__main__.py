"""``python -m altformats``: the same as the ``altformats`` command."""

import sys

from altformats.cli import main

sys.exit(main())
