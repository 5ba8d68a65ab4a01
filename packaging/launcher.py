"""Entry script of the frozen app: PyInstaller runs it as ``__main__`` (``thumbdesk.cli:main``)."""

import sys

from thumbdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
