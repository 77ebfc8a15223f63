"""The send journal: what makes every letter go out exactly once, even across crashes.

An append-only JSON-lines file in the state folder, keyed by (week, NIP, kind). Before a letter is
handed to the transport an ``intent`` record is written and fsynced; after the transport accepts
it a ``done`` record follows. A re-run skips keys whose latest record is ``done``. A key whose
latest record is still ``intent`` was cut short between the two: the letter may or may not have
gone out, so the next run reports it and config decides (``mail.unfinished_sends``).

A ``synced`` marker line records that every record before it is in the Log Surat tab, so a failed
sheet write is retried on the next run instead of lost. A torn last line (a crash mid-write) is
ignored when read.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

log = logging.getLogger(__name__)

JOURNAL_FILE = "surat.jsonl"
INTENT, DONE, FAILED, UNCERTAIN = "intent", "done", "failed", "uncertain"
STATES = (INTENT, DONE, FAILED, UNCERTAIN)

Key = tuple[str, str, str]  # (week, nip, kind); for a digest the "nip" is the address


@dataclass(frozen=True)
class Entry:
    week: str
    nip: str
    kind: str
    state: str
    address: str
    time: str  # ISO 8601 with offset
    message_id: str = ""
    note: str = ""

    @property
    def key(self) -> Key:
        return (self.week, self.nip, self.kind)


class SendJournal:
    """The journal file in ``folder``; use as a context manager so the file is closed."""

    def __init__(self, folder: Path, *, now: Callable[[], dt.datetime] | None = None) -> None:
        self.path = folder / JOURNAL_FILE
        self._now = now or (lambda: dt.datetime.now().astimezone())
        self._latest: dict[Key, Entry] = {}
        self._unsynced: list[Entry] = []
        self._needs_newline = False
        self._file: TextIO | None = None  # opened at the first record: reading writes nothing
        self._load()

    def _load(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        self._needs_newline = bool(data) and not data.endswith(b"\n")
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if "synced" in record:
                    self._unsynced.clear()
                    continue
                entry = Entry(**record)
            except (ValueError, TypeError):
                log.warning("Baris %s jurnal %s rusak dan diabaikan.", number, self.path)
                continue
            self._latest[entry.key] = entry
            self._unsynced.append(entry)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> SendJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _append(self, record: dict) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (see close())
            if created:
                _fsync_dir(self.path.parent)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        if self._needs_newline:
            line = "\n" + line
            self._needs_newline = False
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())

    def _record(self, key: Key, state: str, *, address: str, message_id: str, note: str) -> Entry:
        week, nip, kind = key
        entry = Entry(
            week=week,
            nip=nip,
            kind=kind,
            state=state,
            address=address,
            time=self._now().isoformat(timespec="seconds"),
            message_id=message_id,
            note=note,
        )
        self._append(asdict(entry))
        self._latest[key] = entry
        self._unsynced.append(entry)
        return entry

    # -- the states --------------------------------------------------------------------------------

    def intent(self, key: Key, *, address: str, message_id: str) -> Entry:
        """Written (and on disk) before the letter is handed to the transport."""
        return self._record(key, INTENT, address=address, message_id=message_id, note="")

    def done(self, key: Key, *, address: str, message_id: str) -> Entry:
        return self._record(key, DONE, address=address, message_id=message_id, note="")

    def failed(self, key: Key, *, address: str, note: str, message_id: str = "") -> Entry:
        """Certainly not delivered (refused, or never built): a later run tries again."""
        return self._record(key, FAILED, address=address, message_id=message_id, note=note)

    def uncertain(self, entry: Entry, *, note: str) -> Entry:
        """Close an unfinished intent whose fate will not be settled by a resend."""
        return self._record(
            entry.key, UNCERTAIN, address=entry.address, message_id=entry.message_id, note=note
        )

    # -- queries -----------------------------------------------------------------------------------

    def state(self, key: Key) -> str | None:
        entry = self._latest.get(key)
        return entry.state if entry else None

    def pending_unfinished(self) -> list[Entry]:
        """Intents with no outcome after them: cut short between "intent" and "done"."""
        return [e for e in self._latest.values() if e.state == INTENT]

    def unsynced(self) -> list[Entry]:
        """Outcomes not yet copied to Log Surat (intents are not outcomes and are left out)."""
        return [e for e in self._unsynced if e.state != INTENT]

    def mark_synced(self) -> None:
        """Every record so far is in Log Surat."""
        self._append({"synced": self._now().isoformat(timespec="seconds")})
        self._unsynced.clear()


def _fsync_dir(folder: Path) -> None:
    """Make a new file's directory entry durable too (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
