"""Durable file writes that behave the same on Linux, macOS and Windows.

Every file capaian writes in place of another (a workbook, an outbox letter, the outbox index)
goes to a temporary file ``.NAME.PID.tmp`` beside it, is fsynced, and is then renamed over the
target, so a crash leaves the old file or the new one, never half of each. A run killed between
the two leaves its temporary file behind: ``remove_stale_temp_files`` clears those of processes
that no longer run, never one a live process is still writing.

POSIX-only calls are guarded: Windows cannot open a folder to fsync it (it refuses with
``PermissionError``), and there the rename itself is what makes the new file visible.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import psutil

from .locks import pid_alive

# ``.NAME.PID.tmp``; before temporary names carried the pid, the outbox wrote ``.NAME.tmp``.
_TEMP_NAME = re.compile(r"^\.(?P<name>.+?)(?:\.(?P<pid>\d+))?\.tmp$")


@dataclass(frozen=True)
class Fingerprint:
    """What a file was when it was read: size, modification time and a hash of its bytes."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, data: bytes, stat: os.stat_result) -> Fingerprint:
        """The fingerprint of ``data``, read from a file whose ``stat`` was taken just before."""
        return cls(len(data), stat.st_mtime_ns, hashlib.sha256(data).hexdigest())

    def matches(self, path: Path) -> bool:
        """Whether ``path`` still holds exactly what was read."""
        try:
            stat = path.stat()
            if (stat.st_size, stat.st_mtime_ns) != (self.size, self.mtime_ns):
                return False
            return hashlib.sha256(path.read_bytes()).hexdigest() == self.sha256
        except FileNotFoundError:
            return False


class ChangedOnDisk(Exception):
    """The target changed after it was read; it was left as it is and the new content dropped."""


def _temp_path(path: Path) -> Path:
    """The temporary file this process writes before renaming it over ``path``."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomically(path: Path, data: bytes, *, expected: Fingerprint | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it over ``path``.

    With ``expected``, ``path`` is replaced only if it still matches that fingerprint, checked
    after the temporary file is complete (the last moment before the rename); otherwise the
    temporary file is removed and ``ChangedOnDisk`` raised. ``PermissionError`` (the file is open
    in a program that locks it, as Excel does on Windows) propagates with nothing replaced.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_path(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name != "nt" and path.exists():  # Windows has no mode bits to keep
            os.chmod(tmp, path.stat().st_mode & 0o777)
        if expected is not None and not expected.matches(path):
            raise ChangedOnDisk(str(path))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (POSIX); nothing to do on Windows."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a file system that cannot open folders: the rename is all we can do
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temp_files(folder: Path, *, target: str | None = None) -> list[Path]:
    """Remove the temporary files a killed run left in ``folder`` (only those for ``target``, a
    file name, when given); return them.

    A temporary file is stale when the process named in it no longer runs; one without a pid
    (written before names carried it) when it is older than this process. A live process's
    temporary file is never touched.
    """
    if not folder.is_dir():
        return []
    started = psutil.Process().create_time()
    removed = []
    for tmp in folder.glob(".*.tmp"):
        match = _TEMP_NAME.match(tmp.name)
        if match is None or (target is not None and match["name"] != target):
            continue
        try:
            if match["pid"] is not None:
                stale = not pid_alive(int(match["pid"]))
            else:
                stale = tmp.stat().st_mtime < started
            if stale:
                tmp.unlink()
                removed.append(tmp)
        except FileNotFoundError:  # its own process finished it meanwhile
            continue
    return removed
