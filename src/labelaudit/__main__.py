"""`python -m labelaudit`: the same as the `labelaudit` command."""

import sys

from labelaudit.cli import run

sys.exit(run())
