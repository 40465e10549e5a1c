"""Sổ đảng viên 213: entry point.

Starts the window, or runs one subcommand of the command line (``cli``); ``python main.py --help``
lists them.
"""

from __future__ import annotations

import multiprocessing
import sys

from cli.main import main

__all__ = ["main"]

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the comment batch's worker processes in a frozen build
    sys.exit(main())
