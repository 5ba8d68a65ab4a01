"""Run ThumbDesk with ``python -m thumbdesk`` (same as the ``thumbdesk`` command)."""

import sys

from thumbdesk.cli import main

sys.exit(main())
