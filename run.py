#!/usr/bin/env python3
"""capaian command line: ``python run.py COMMAND [--config config.yaml] [--date YYYY-MM-DD]``."""

import sys

from workflows.cli import main

if __name__ == "__main__":
    sys.exit(main())
