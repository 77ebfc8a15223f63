"""Pid lock files: one run (or one scheduler) at a time, and a lock left by a dead process is stale.

A lock file is created with O_EXCL and holds ``{"pid", "command", "since"}`` as JSON. Another
process finding it asks whether that pid still lives; if not, it takes the lock over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)


class LockBusy(Exception):
    """The lock is held by a live process; ``holder`` is what its lock file says."""

    def __init__(self, path: Path, holder: dict) -> None:
        super().__init__(f"{path} is held by pid {holder.get('pid')}")
        self.path = path
        self.holder = holder


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # left by an earlier life of this same pid (e.g. a container's PID 1)
    if os.name == "nt":
        return True  # os.kill(pid, 0) would send Ctrl-C there; the message says how to clear it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


def lock_holder(path: Path) -> dict:
    """What a lock file says (a bare pid is read too); ``{}`` when unreadable."""
    try:
        text = path.read_text(encoding="utf-8").strip()
        holder = json.loads(text)
    except (OSError, ValueError):
        return {}
    if isinstance(holder, int):
        holder = {"pid": holder}
    return holder if isinstance(holder, dict) else {}


@contextlib.contextmanager
def pid_lock(
    path: Path, *, command: str, on_stale: Callable[[dict], None] | None = None
) -> Iterator[Path]:
    """Hold ``path`` for the length of the block; raise ``LockBusy`` if a live process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = lock_holder(path)
            pid = holder.get("pid")
            if isinstance(pid, int) and pid > 0 and pid_alive(pid):
                raise LockBusy(path, holder) from None
            if on_stale is not None:
                on_stale(holder)
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            json.dump({"pid": os.getpid(), "command": command, "since": since}, handle)
        break
    else:
        raise LockBusy(path, lock_holder(path))
    try:
        yield path
    finally:
        if lock_holder(path).get("pid") == os.getpid():
            path.unlink(missing_ok=True)
