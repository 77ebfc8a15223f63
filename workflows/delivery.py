"""Exactly-once delivery: every kind of letter goes out through :func:`send_batch`.

Each letter is recorded in the send journal (``journal.py``) before it is handed to the transport
and after the transport accepted it, so a re-run never sends it twice. A dry run builds every
message and writes it as a preview into a folder of its own (never the outbox or the journal).
The journal's outcomes are copied to the summary's Log Surat tab at the end of every batch.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import Config
from .journal import DONE, INTENT, Entry, SendJournal, SendKey
from .labels import KIND_DIGEST, STATUS_FAILED, STATUS_UNCERTAIN
from .letters import Rendered
from .mail import (
    MailError,
    Message,
    OutboxTransport,
    Transport,
    UncertainDelivery,
    Undelivered,
    UnsafeHeader,
    build_message,
    open_transport,
)
from .publish import read_table, sheet_rows
from .schema import tab
from .workbook import Workbook, WorkbookError

# What happened to one letter in this run.
SENT, SKIPPED, FAILED, UNCERTAIN, RENDERED = "sent", "skipped", "failed", "uncertain", "rendered"
STATUS_TEXT = {DONE: "Terkirim", "failed": STATUS_FAILED, "uncertain": STATUS_UNCERTAIN}
PREVIEW_FOLDER = "pratinjau"


@dataclass
class Delivery:
    """What a batch did with each letter: ``outcomes`` maps (kind, key) to a state word."""

    folder: Path  # the outbox (or, in a dry run, the preview folder) of this batch
    outcomes: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # "NIP: what went wrong", one per letter
    unfinished: list[Entry] = field(default_factory=list)  # cut short on an earlier run
    warnings: list[str] = field(default_factory=list)  # e.g. Log Surat could not be updated

    def count(self, state: str, kind: str | None = None) -> int:
        return sum(1 for (k, _), s in self.outcomes.items() if s == state and kind in (None, k))

    def summary(self) -> str:
        """One Indonesian sentence with the counts, for Log Proses."""
        return (
            f"{self.count(SENT)} terkirim, {self.count(SKIPPED)} dilewati, "
            f"{self.count(FAILED)} gagal, {self.count(UNCERTAIN)} belum pasti."
        )


def open_journal(config: Config) -> SendJournal:
    return SendJournal(config.path(config.state.folder), now=lambda: dt.datetime.now(config.tz))


def batch_folder(config: Config, week_key: str, *, dry_run: bool) -> Path:
    """Where a batch's letters land: the outbox of the week, or a dry run's preview folder."""
    if dry_run:
        return config.path(config.state.folder) / PREVIEW_FOLDER / week_key
    return config.path(config.mail.outbox) / week_key


def send_batch(
    config: Config,
    letters: Sequence[Rendered],
    *,
    period: str,
    week_key: str,
    kinds: Sequence[str],
    summary: Workbook | None,
    resend: Sequence[str] = (),
    force: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Delivery:
    """Send ``letters`` (all of ``kinds``) at most once per (period, week, key, kind, transport);
    log to Log Surat. ``period`` is the SKP period's label, ``week_key`` the week's.

    A letter already sent is skipped unless ``force`` or its key is in ``resend``; a letter cut
    short on an earlier run is listed and skipped unless config says ``unfinished_sends: resend``.
    ``progress(done, total)`` is called after each letter.
    """
    folder = batch_folder(config, week_key, dry_run=dry_run)
    if dry_run:
        shutil.rmtree(folder, ignore_errors=True)  # a preview shows this run's letters only
        transport: Transport = OutboxTransport(folder)
    else:
        transport = open_transport(config.mail, outbox=folder, base_dir=config.base_dir)
    delivery = Delivery(folder)
    with open_journal(config) as journal:
        run = RunKeys(period, week_key, config.mail.transport)
        delivery.unfinished = _settle_unfinished(
            journal,
            transport,
            run=run,
            kinds=kinds,
            resend_unfinished=config.mail.unfinished_sends == "resend",
            dry_run=dry_run,
        )
        try:
            _deliver(
                letters,
                config=config,
                run=run,
                journal=journal,
                transport=transport,
                delivery=delivery,
                again=set(resend),
                force=force,
                dry_run=dry_run,
                progress=progress or (lambda done, total: None),
            )
        finally:
            if summary is not None and not dry_run:
                warning = sync_log_surat(summary, journal)
                delivery.warnings += [warning] if warning else []
    return delivery


@dataclass(frozen=True)
class RunKeys:
    """What a batch's journal keys share besides the letter: period, week and transport."""

    period: str
    week: str
    transport: str

    def key(self, letter: Rendered) -> SendKey:
        return SendKey(self.period, self.week, letter.key, letter.kind, self.transport)


def _settle_unfinished(
    journal: SendJournal,
    transport: Transport,
    *,
    run: RunKeys,
    kinds: Sequence[str],
    resend_unfinished: bool,
    dry_run: bool,
) -> list[Entry]:
    """Settle or report letters whose send was cut short (intent with no outcome).

    Where the transport can tell (the outbox: did the ``.eml`` reach the disk?), this week's are
    recorded as sent, or as failed and so sent again. The others of this week are returned to be
    listed (or resent when config says so); earlier weeks' are closed as "uncertain" so they are
    reported once, not at every run forever.
    """
    reported = []
    for entry in journal.pending_unfinished():
        if entry.kind not in kinds:
            continue
        this_run = entry.in_run(period=run.period, week=run.week, transport=run.transport)
        known = None if dry_run else transport.delivered(f"{entry.kind}-{entry.nip}")
        if this_run and known is not None:
            record = journal.done if known else journal.failed
            note = {} if known else {"note": "berkas .eml tidak pernah tersimpan; dikirim ulang"}
            record(entry.key, address=entry.address, message_id=entry.message_id, **note)
            continue
        if not this_run:
            if not dry_run:
                journal.uncertain(
                    entry, note="pengiriman terputus pada minggu itu; tidak dikirim ulang"
                )
            reported.append(entry)
        elif not resend_unfinished:
            reported.append(entry)
    return reported


def _deliver(
    letters: Sequence[Rendered],
    *,
    config: Config,
    run: RunKeys,
    journal: SendJournal,
    transport: Transport,
    delivery: Delivery,
    again: set[str],
    force: bool,
    dry_run: bool,
    progress: Callable[[int, int], None],
) -> None:
    """The exactly-once loop over ``letters``; the transport is entered at the first send."""
    sender = config.mail.sender
    with contextlib.ExitStack() as stack:
        connected = False
        for n, letter in enumerate(letters, start=1):
            progress(n, len(letters))
            key, outcome = run.key(letter), (letter.kind, letter.key)
            state = journal.state(key)
            if not (force or letter.key in again):
                if state == DONE:
                    delivery.outcomes[outcome] = SKIPPED
                    continue
                if state == INTENT and config.mail.unfinished_sends == "report":
                    delivery.outcomes[outcome] = UNCERTAIN
                    continue
            try:
                message = build_message(
                    letter, sender_name=sender.name, sender_address=sender.address
                )
            except UnsafeHeader as exc:
                note = f"data Pegawai perlu diperbaiki: {exc}"
                _failed(journal, delivery, key, letter, note, dry_run)
                continue
            if not connected:  # connect only when there is something to send
                stack.enter_context(transport)
                connected = True
            _send_one(transport, journal, delivery, key, letter, message, dry_run=dry_run)


def _send_one(
    transport: Transport,
    journal: SendJournal,
    delivery: Delivery,
    key: SendKey,
    letter: Rendered,
    message: Message,
    *,
    dry_run: bool,
) -> None:
    """Intent, send, done: a crash between the first two leaves an intent the next run sees."""
    outcome, name = (letter.kind, letter.key), f"{letter.kind}-{letter.key}"
    if dry_run:
        transport.send(message, name=name)
        delivery.outcomes[outcome] = RENDERED
        return
    message_id = message.message_id
    journal.intent(key, address=letter.address, message_id=message_id)
    try:
        transport.send(message, name=name)
    except Undelivered as exc:
        _failed(journal, delivery, key, letter, str(exc), dry_run, message_id=message_id)
        return
    except UncertainDelivery as exc:
        delivery.outcomes[outcome] = UNCERTAIN
        delivery.notes.append(f"{letter.key}: {exc}")
        return
    except MailError as exc:  # the server is gone: this letter surely did not go out
        journal.failed(key, address=letter.address, note=str(exc), message_id=message_id)
        raise
    journal.done(key, address=letter.address, message_id=message_id)
    delivery.outcomes[outcome] = SENT


def _failed(
    journal: SendJournal,
    delivery: Delivery,
    key: SendKey,
    letter: Rendered,
    note: str,
    dry_run: bool,
    *,
    message_id: str = "",
) -> None:
    if not dry_run:
        address = letter.address.encode("unicode_escape").decode("ascii")
        journal.failed(key, address=address, note=note, message_id=message_id)
    delivery.outcomes[(letter.kind, letter.key)] = FAILED
    delivery.notes.append(f"{letter.key}: {note}")


def sync_log_surat(summary: Workbook, journal: SendJournal) -> str | None:
    """Copy journal outcomes not yet in Log Surat there in one append; a warning if it failed.

    Idempotent: when a previous sync was cut short after its append (the journal says which
    rows it was writing), rows whose ID is already in Log Surat are not appended again.
    """
    entries = journal.unsynced()
    log_tab = tab("log_surat")
    try:
        if journal.in_doubt():
            rows = summary.read_tabs([log_tab.name])[log_tab.name]
            present = set(read_table(log_tab, rows)["id"].astype(str))
            entries = [e for e in entries if e.entry_id not in present]
        if entries:
            journal.syncing(entries)
            summary.append_rows(log_tab.name, sheet_rows(log_tab, _log_surat_rows(entries))[1:])
    except WorkbookError as exc:
        return f"Log Surat belum diperbarui ({exc}); akan dicoba lagi pada proses berikutnya."
    if entries or journal.in_doubt():
        journal.mark_synced()
    return None


def _log_surat_rows(entries: Sequence[Entry]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "minggu": e.week,
                "nip": "" if e.kind == KIND_DIGEST else e.nip,
                "alamat": e.address,
                "jenis": e.kind,
                "status": STATUS_TEXT.get(e.state, e.state),
                "waktu": dt.datetime.fromisoformat(e.time).replace(tzinfo=None),
                "message_id": e.message_id,
                "keterangan": e.note,
                "id": e.entry_id,
            }
            for e in entries
        ]
    )
