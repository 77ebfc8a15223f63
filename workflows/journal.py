"""The send journal: what makes every letter go out exactly once, even across crashes.

An append-only JSON-lines file in the state folder, keyed by ``SendKey`` (period, week, NIP, kind,
transport): two periods never collide, and an outbox trial run does not stop the same week's
letters from going out over SMTP later. Before a letter is handed to the transport an ``intent``
record is written and fsynced; after the transport accepts it a ``done`` record follows. A re-run
skips keys whose latest record is ``done``. A key whose latest record is still ``intent`` was cut
short between the two: the letter may or may not have gone out, so the next run reports it and
config decides (``mail.unfinished_sends``).

Every record carries an ``entry_id``, unique and stable, that the Log Surat row copied from it
keeps, so syncing is idempotent: ``syncing(entries)`` is recorded before the rows are appended to
Log Surat and ``mark_synced()`` after; if a run dies in between, ``in_doubt()`` names the rows that
may already be there and the caller skips those it finds. A torn last line (a crash mid-write) is
ignored when read.

Lines written before periods and transports were recorded have neither: they are read as
``period=""`` and ``transport=""`` ("unknown"), and such a record answers for its (week, NIP,
kind) in any period and over any transport. A letter an older version recorded is thus never
sent twice; the price is that an older version's outbox trial of the current week is not
repeated over SMTP by itself (``--resend`` / ``--force`` do that). Their ``entry_id`` is derived
the same way new ones are made: the record's line number in the file and its time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple, TextIO

from .files import fsync_folder

log = logging.getLogger(__name__)

JOURNAL_FILE = "surat.jsonl"
INTENT, DONE, FAILED, UNCERTAIN = "intent", "done", "failed", "uncertain"
UNKNOWN = ""  # the period or transport of a line written before they were recorded


class SendKey(NamedTuple):
    period: str  # the period's label, e.g. "2026" (config.Period.label)
    week: str  # the run's week key, e.g. "2026-W48"
    nip: str  # the addressee's NIP; for a digest, the address
    kind: str  # mingguan | pengingat | ringkasan
    transport: str  # outbox | smtp


@dataclass(frozen=True, kw_only=True)
class Entry:
    period: str = UNKNOWN
    week: str
    nip: str
    kind: str
    transport: str = UNKNOWN
    state: str
    address: str
    time: str  # ISO 8601 with offset
    message_id: str = ""
    note: str = ""
    entry_id: str = ""  # unique in the journal; the Log Surat row's id

    @property
    def key(self) -> SendKey:
        return SendKey(self.period, self.week, self.nip, self.kind, self.transport)

    def in_run(self, *, period: str, week: str, transport: str) -> bool:
        """Whether this record is about the run of ``period``'s ``week`` over ``transport``."""
        return (
            self.week == week
            and self.period in (period, UNKNOWN)
            and self.transport in (transport, UNKNOWN)
        )


def _entry_id(line: int, time: str) -> str:
    """Unique in the file (its line number) and after the state folder is wiped (its time)."""
    return f"{line}@{time}"


class SendJournal:
    """The journal file in ``folder``; use as a context manager so the file is closed."""

    def __init__(self, folder: Path, *, now: Callable[[], dt.datetime] | None = None) -> None:
        self.path = folder / JOURNAL_FILE
        self._now = now or (lambda: dt.datetime.now().astimezone())
        self._latest: dict[SendKey, Entry] = {}
        self._unsynced: list[Entry] = []
        self._in_doubt: frozenset[str] = frozenset()
        self._lines = 0  # lines in the file, a torn last one included
        self._needs_newline = False
        self._file: TextIO | None = None  # opened at the first record: reading writes nothing
        self._load()

    def _load(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        self._needs_newline = bool(data) and not data.endswith(b"\n")
        lines = data.decode("utf-8", errors="replace").splitlines()
        self._lines = len(lines)
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if "synced" in record:
                    self._unsynced.clear()
                    self._in_doubt = frozenset()
                    continue
                if "syncing" in record:
                    self._in_doubt = frozenset(record["syncing"])
                    continue
                entry = Entry(**record)
            except (ValueError, TypeError):
                log.warning("Baris %s jurnal %s rusak dan diabaikan.", number, self.path)
                continue
            if not entry.entry_id:
                entry = Entry(**{**record, "entry_id": _entry_id(number, entry.time)})
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
                fsync_folder(self.path.parent)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        if self._needs_newline:
            line = "\n" + line
            self._needs_newline = False
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._lines += 1

    def _record(
        self, key: SendKey, state: str, *, address: str, message_id: str, note: str
    ) -> Entry:
        time = self._now().isoformat(timespec="seconds")
        entry = Entry(
            **key._asdict(),
            state=state,
            address=address,
            time=time,
            message_id=message_id,
            note=note,
            entry_id=_entry_id(self._lines + 1, time),
        )
        self._append(asdict(entry))
        self._latest[key] = entry
        self._unsynced.append(entry)
        return entry

    # -- the states --------------------------------------------------------------------------------

    def intent(self, key: SendKey, *, address: str, message_id: str) -> Entry:
        """Written (and on disk) before the letter is handed to the transport."""
        return self._record(key, INTENT, address=address, message_id=message_id, note="")

    def done(self, key: SendKey, *, address: str, message_id: str) -> Entry:
        return self._record(key, DONE, address=address, message_id=message_id, note="")

    def failed(self, key: SendKey, *, address: str, note: str, message_id: str = "") -> Entry:
        """Certainly not delivered (refused, or never built): a later run tries again."""
        return self._record(key, FAILED, address=address, message_id=message_id, note=note)

    def uncertain(self, entry: Entry, *, note: str) -> Entry:
        """Close an unfinished intent whose fate will not be settled by a resend."""
        return self._record(
            entry.key, UNCERTAIN, address=entry.address, message_id=entry.message_id, note=note
        )

    # -- queries -----------------------------------------------------------------------------------

    def state(self, key: SendKey) -> str | None:
        """The latest state of ``key``; a line without period and transport answers for any."""
        entry = self._latest.get(key) or self._latest.get(
            key._replace(period=UNKNOWN, transport=UNKNOWN)
        )
        return entry.state if entry else None

    def pending_unfinished(self) -> list[Entry]:
        """Intents with no outcome after them: cut short between "intent" and "done"."""
        return [e for e in self._latest.values() if e.state == INTENT]

    # -- Log Surat ---------------------------------------------------------------------------------

    def unsynced(self) -> list[Entry]:
        """Outcomes not yet marked as copied to Log Surat (intents are not outcomes)."""
        return [e for e in self._unsynced if e.state != INTENT]

    def in_doubt(self) -> frozenset[str]:
        """``entry_id``s whose Log Surat rows a cut-short sync may already have written."""
        return self._in_doubt

    def syncing(self, entries: Iterable[Entry]) -> None:
        """Recorded (and on disk) before ``entries`` are appended to Log Surat."""
        ids = [e.entry_id for e in entries]
        self._append({"syncing": ids})
        self._in_doubt = frozenset(ids)

    def mark_synced(self) -> None:
        """Every outcome so far is in Log Surat."""
        self._append({"synced": self._now().isoformat(timespec="seconds")})
        self._unsynced.clear()
        self._in_doubt = frozenset()
