"""Process ids for tests of stale files and locks: one that has ended, one that still runs."""

from __future__ import annotations

import os
import subprocess
import sys


def dead_pid() -> int:
    """The pid of a process that has run and ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def live_pid() -> int:
    """The pid of a process that outlives the test: the one that started this test run."""
    return os.getppid()
