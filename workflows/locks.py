"""Pid lock files: one run (or one scheduler) at a time, and a lock left by a dead process is stale.

A lock file is created with O_EXCL and holds JSON saying who holds it: ``pid``, ``command``,
``since`` (ISO time), ``started`` (the process's create time, so a later process that happens to
reuse the pid is not mistaken for the holder), ``host`` and ``user``. Another process finding it
asks whether that process still lives (psutil, so the same answer on Linux, macOS and Windows); if
not, it takes the lock over. A lock written on another computer (a state folder on a shared
drive) is never taken over: its process cannot be seen from here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import logging
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil

from .indonesian import format_date

log = logging.getLogger(__name__)

# Create times read twice from the OS can differ by a clock tick; a pid reused within this many
# seconds of the holder's own start is not a case worth guarding.
_START_TOLERANCE = 1.0


class LockBusy(Exception):
    """The lock is held by a live process; ``holder`` is what its lock file says.

    ``str()`` is one Indonesian sentence naming the holder and how to clear the lock.
    """

    def __init__(self, path: Path, holder: dict) -> None:
        self.path = path
        self.holder = holder
        super().__init__(busy_sentence(path, holder))


def busy_sentence(path: Path, holder: dict) -> str:
    """One sentence: ``Proses 'weekly' (PID 4242, pengguna budi di komputer KANTOR-1) sedang
    berjalan sejak Senin, 30 November 2026 pukul 07.00; tunggu …, atau hapus berkas …``."""
    who = [f"PID {holder['pid']}"] if holder.get("pid") else []
    if holder.get("user") and holder.get("host"):
        who.append(f"pengguna {holder['user']} di komputer {holder['host']}")
    elif holder.get("host"):
        who.append(f"komputer {holder['host']}")
    command = f"Proses '{holder['command']}'" if holder.get("command") else "Proses lain"
    if who:
        command += " (" + ", ".join(who) + ")"
    since = _since_text(holder.get("since"))
    return (
        f"{command} sedang berjalan{' sejak ' + since if since else ''}; tunggu sampai selesai "
        f"lalu jalankan lagi, atau hapus berkas {path} bila yakin proses itu sudah tidak berjalan."
    )


def _since_text(value: object) -> str:
    """``Senin, 30 November 2026 pukul 07.00`` from the lock's ISO time (as written if unreadable)."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{format_date(when.date())} pukul {when:%H.%M}"


def pid_alive(pid: int, *, started: float | None = None) -> bool:
    """Whether the process ``pid`` still runs; with ``started`` (its create time as recorded),
    whether it is that same process and not a later one that reused the pid.

    A zombie (exited, not yet reaped) does not run; a process this user may not inspect does.
    """
    if pid == os.getpid():
        return False  # left by an earlier life of this same pid (e.g. a container's PID 1)
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return started is None or abs(process.create_time() - started) <= _START_TOLERANCE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
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


def _holder_alive(holder: dict) -> bool:
    pid = holder.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if holder.get("host") not in (None, socket.gethostname()):
        return True  # another computer's process: it cannot be seen from here
    started = holder.get("started")
    return pid_alive(pid, started=started if isinstance(started, (int, float)) else None)


def _this_holder(command: str) -> dict:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the user database
        user = None
    return {
        "pid": os.getpid(),
        "command": command,
        "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "started": psutil.Process().create_time(),
        "host": socket.gethostname(),
        "user": user,
    }


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
            if _holder_alive(holder):
                raise LockBusy(path, holder) from None
            if on_stale is not None:
                on_stale(holder)
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(_this_holder(command), handle)
        break
    else:
        raise LockBusy(path, lock_holder(path))
    try:
        yield path
    finally:
        if lock_holder(path).get("pid") == os.getpid():
            path.unlink(missing_ok=True)
