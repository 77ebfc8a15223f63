"""``letters``, ``remind`` and ``weekly``: the mail-sending commands and the weekly pipeline.

``weekly`` validates, scores and publishes (``check`` and ``publish``), then sends one letter per
active ASN and the leadership digest. ``letters`` re-scores the week without publishing and sends
what was not sent yet; ``remind`` writes to active ASN with no valid entry dated in the current
week (Monday of the week containing today up to today), since it runs mid-week.

Every letter goes through the send journal (``journal.py``) so a re-run never sends it twice.
A run lock in the state folder stops two of these commands from running at the same time.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pandas as pd

from . import publish
from .calendar import RunWeek, week_key
from .check import ValidationRun, run_validation
from .cli import EXIT_FAILED, EXIT_OK, CommandError, print_table, today_for, week_for
from .config import Config
from .journal import DONE, INTENT, Entry, SendJournal
from .letters import (
    Letterhead,
    Link,
    Rendered,
    digest_context,
    render_digest,
    render_reminder,
    render_weekly_letters,
)
from .locks import LockBusy, pid_lock
from .mail import (
    MailError,
    UncertainDelivery,
    Undelivered,
    UnsafeHeader,
    build_message,
    open_transport,
)
from .schema import tab
from .score import ScoreResult
from .workbook import Workbook, WorkbookError

LOCK_FILE = "run.lock"
STATUS_TEXT = {
    DONE: "Terkirim",
    "failed": "Gagal",
    "uncertain": "Belum pasti",
}


# -- run lock --------------------------------------------------------------------------------------


@contextlib.contextmanager
def run_lock(config: Config, command: str) -> Iterator[Path]:
    """Hold ``run.lock`` for the length of a run; a live holder stops this run with a sentence
    that says who holds it and how to clear it (a lock whose process is gone is taken over)."""
    path = config.path(config.state.folder) / LOCK_FILE
    try:
        with pid_lock(path, command=command) as held:
            yield held
    except LockBusy as busy:
        holder = busy.holder
        raise CommandError(
            f"Proses '{holder.get('command', '?')}' lain sedang berjalan sejak "
            f"{holder.get('since', '?')} (PID {holder.get('pid')}). Tunggu sampai selesai, lalu "
            f"jalankan lagi; bila yakin tidak ada proses yang berjalan, hapus berkas {path}.",
            EXIT_FAILED,
        ) from None


# -- progress --------------------------------------------------------------------------------------


class Progress:
    """``Mengirim surat 120/480`` on one refreshed stderr line; silent when not a terminal."""

    def __init__(self, total: int, *, stream: TextIO | None = None, interval: float = 0.2):
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = total > 0 and self.stream.isatty()
        self.interval = interval
        self.last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if self.enabled and (done == self.total or now - self.last >= self.interval):
            self.last = now
            self.stream.write(f"\rMengirim surat {done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


# -- delivery --------------------------------------------------------------------------------------


# What happened to one letter in this run.
SENT, SKIPPED, FAILED, UNCERTAIN, RENDERED = "sent", "skipped", "failed", "uncertain", "rendered"


@dataclass
class Delivery:
    """What a run did with each letter: ``outcomes`` maps (kind, key) to a state word."""

    outcomes: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for s in self.outcomes.values() if s == state)


def _settle_unfinished(
    journal: SendJournal,
    *,
    week: str,
    kinds: Sequence[str],
    resend_unfinished: bool,
    dry_run: bool,
) -> list[Entry]:
    """Report letters whose send was cut short (intent with no outcome).

    This week's are returned to be listed (or resent when config says so); earlier weeks' are
    closed as "uncertain" so they are reported once, not at every run forever.
    """
    reported = []
    for entry in journal.pending_unfinished():
        if entry.kind not in kinds:
            continue
        if entry.week != week:
            if not dry_run:
                journal.uncertain(
                    entry, note="pengiriman terputus pada minggu itu; tidak dikirim ulang"
                )
            reported.append(entry)
        elif not resend_unfinished:
            reported.append(entry)
    return reported


def deliver(
    letters: Iterable[Rendered],
    *,
    total: int,
    config: Config,
    week: str,
    journal: SendJournal,
    outbox: Path,
    resend: Sequence[str] = (),
    force: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Delivery:
    """Send each letter at most once per (week, key, kind), recording intent before and done after.

    A letter already done is skipped unless ``force`` or its key is in ``resend``; a letter cut
    short on an earlier run is listed and skipped unless config says ``unfinished_sends: resend``.
    ``dry_run`` renders and builds every message but sends and records nothing.
    """
    sender = config.mail.sender
    delivery = Delivery()
    progress = progress or Progress(total)
    again = set(resend)
    transport = open_transport(config.mail, outbox=outbox, base_dir=config.base_dir)
    connected = False
    with contextlib.ExitStack() as stack:
        for n, letter in enumerate(letters, start=1):
            progress.update(n)
            key = (week, letter.key, letter.kind)
            deliberate = force or letter.key in again
            state = journal.state(key)
            if state == DONE and not deliberate:
                delivery.outcomes[(letter.kind, letter.key)] = SKIPPED
                continue
            if state == INTENT and not deliberate and config.mail.unfinished_sends == "report":
                delivery.outcomes[(letter.kind, letter.key)] = UNCERTAIN
                continue
            try:
                message = build_message(
                    letter, sender_name=sender.name, sender_address=sender.address
                )
            except UnsafeHeader as exc:
                note = f"data Pegawai perlu diperbaiki: {exc}"
                if not dry_run:
                    journal.failed(key, address=_printable(letter.address), note=note)
                delivery.outcomes[(letter.kind, letter.key)] = FAILED
                delivery.notes.append(f"{letter.key}: {note}")
                continue
            if dry_run:
                delivery.outcomes[(letter.kind, letter.key)] = RENDERED
                continue
            if not connected:  # connect only when there is something to send
                stack.enter_context(transport)
                connected = True
            message_id = str(message["Message-ID"])
            journal.intent(key, address=letter.address, message_id=message_id)
            try:
                transport.send(message, name=f"{letter.kind}-{letter.key}")
            except Undelivered as exc:
                journal.failed(key, address=letter.address, note=str(exc), message_id=message_id)
                delivery.outcomes[(letter.kind, letter.key)] = FAILED
                delivery.notes.append(f"{letter.key}: {exc}")
                continue
            except UncertainDelivery as exc:
                delivery.outcomes[(letter.kind, letter.key)] = UNCERTAIN
                delivery.notes.append(f"{letter.key}: {exc}")
                continue
            except MailError as exc:  # the server is gone: this letter surely did not go out
                journal.failed(key, address=letter.address, note=str(exc), message_id=message_id)
                raise
            journal.done(key, address=letter.address, message_id=message_id)
            delivery.outcomes[(letter.kind, letter.key)] = SENT
    progress.close()
    return delivery


def _printable(value: str) -> str:
    return value.encode("unicode_escape").decode("ascii")


# -- the run's inputs ------------------------------------------------------------------------------


def _link(config: Config, workbook: str, url: str | None) -> Link:
    """The sheet a reader can open: its URL, the Google sheet of its key, or the local file."""
    if url:
        return Link(url)
    if config.backend == "google":
        return Link(f"https://docs.google.com/spreadsheets/d/{workbook}/edit")
    return Link(str(config.path(config.local.folder) / workbook))


def unit_links(config: Config) -> dict[str, Link]:
    return {unit.name: _link(config, unit.workbook, unit.url) for unit in config.units}


def summary_link(config: Config) -> Link:
    return _link(config, config.summary.workbook, config.summary.url)


def letterhead(config: Config, week: RunWeek) -> Letterhead:
    return Letterhead(
        organisation=config.organisation,
        sender_name=config.mail.sender.name,
        week=week,
        trend_weeks=config.scoring.trend_weeks,
        cap=config.scoring.cap,
    )


def weekly_letters(
    config: Config,
    week: RunWeek,
    validation: ValidationRun,
    result: ScoreResult,
    history: pd.DataFrame,
    *,
    digest: bool,
) -> tuple[list[Rendered], int]:
    """This week's letters (one per scored ASN, then the digest) and how many there are."""
    tables = validation.tables
    head = letterhead(config, week)
    letters: list[Rendered] = list(
        render_weekly_letters(
            result.people,
            result.indicators,
            tables["rejected"],
            tables["refleksi"],
            history,
            letterhead=head,
            links=unit_links(config),
        )
    )
    if digest and config.mail.digest_recipients:
        context = digest_context(
            result.units, result.breaches, letterhead=head, link=summary_link(config)
        )
        name = f"Pimpinan {config.organisation}"
        letters += [
            render_digest(context, name=name, address=address)
            for address in config.mail.digest_recipients
        ]
    return letters, len(letters)


def open_journal(config: Config) -> SendJournal:
    return SendJournal(config.path(config.state.folder), now=lambda: dt.datetime.now(config.tz))


# -- logging to the summary and the console --------------------------------------------------------


def sync_log_surat(summary: Workbook, journal: SendJournal) -> str | None:
    """Copy journal outcomes not yet in Log Surat there in one append; a warning if it failed."""
    entries = journal.unsynced()
    if not entries:
        return None
    log_tab = tab("log_surat")
    rows = pd.DataFrame(
        [
            {
                "minggu": e.week,
                "nip": "" if e.kind == "ringkasan" else e.nip,
                "alamat": e.address,
                "jenis": e.kind,
                "status": STATUS_TEXT.get(e.state, e.state),
                "waktu": dt.datetime.fromisoformat(e.time).replace(tzinfo=None),
                "message_id": e.message_id,
                "keterangan": e.note,
            }
            for e in entries
        ]
    )
    try:
        summary.append_rows(log_tab.name, publish.sheet_rows(log_tab, rows)[1:])
    except WorkbookError as exc:
        return f"Log Surat belum diperbarui ({exc}); akan dicoba lagi pada proses berikutnya."
    journal.mark_synced()
    return None


def log_process(
    summary: Workbook,
    config: Config,
    *,
    command: str,
    week: str,
    started: dt.datetime,
    ok: bool,
    units: int,
    asn: int,
    entries: int | None,
    rejected: int,
    sent: int,
    note: str,
) -> str | None:
    """One Log Proses row for this run; a warning sentence if the summary cannot be written."""
    log_tab = tab("log_proses")
    row = {
        "mulai": started,
        "selesai": dt.datetime.now(config.tz).replace(tzinfo=None),
        "perintah": command,
        "minggu": week,
        "hasil": publish.RESULT_DONE if ok else publish.RESULT_FAILED,
        "unit": units,
        "asn": asn,
        "entri": entries,
        "ditolak": rejected,
        "surat_terkirim": sent,
        "keterangan": note,
    }
    try:
        summary.append_rows(log_tab.name, publish.sheet_rows(log_tab, pd.DataFrame([row]))[1:])
    except WorkbookError as exc:
        return f"Log Proses belum diperbarui: {exc}"
    return None


def print_summary(
    people: pd.DataFrame, rejected: pd.DataFrame, delivery: Delivery, *, kind: str, out=None
) -> None:
    """Per unit: ASN, rejected entries and what happened to the letters; then a total row."""
    unit_of = dict(zip(people["nip"], people["unit"], strict=True))
    states: dict[str, Counter] = {u: Counter() for u in dict.fromkeys(people["unit"])}
    for (k, key), state in delivery.outcomes.items():
        if k == kind and key in unit_of:
            states[unit_of[key]][state] += 1
    asn = Counter(people["unit"])
    rejects = Counter(rejected["unit"]) if len(rejected) else Counter()
    rows = []
    for unit, c in states.items():
        rows.append(
            [
                unit,
                asn[unit],
                rejects[unit],
                c[SENT] + c[RENDERED],
                c[SKIPPED],
                c[FAILED],
                c[UNCERTAIN],
            ]
        )
    totals = [sum(r[i] for r in rows) for i in range(1, 7)]
    rows.append(["Jumlah", *totals])
    sent_header = "Disusun" if delivery.count(RENDERED) else "Terkirim"
    print_table(
        ["Unit", "ASN", "Entri Ditolak", sent_header, "Dilewati", "Gagal", "Belum Pasti"],
        rows,
        out=out,
    )


def _print_notes(delivery: Delivery, unfinished: list[Entry], warnings: list[str]) -> None:
    if unfinished:
        print(
            "\nSurat berikut terputus di tengah pengiriman pada proses sebelumnya; mungkin sudah "
            "diterima, mungkin belum. Surat ini tidak dikirim ulang otomatis. Periksa dengan "
            "penerimanya, lalu kirim ulang bila perlu dengan --resend NIP:"
        )
        for e in unfinished:
            print(f"- minggu {e.week}, {e.kind}, {e.nip} <{e.address}>, sejak {e.time}")
    if delivery.notes:
        print("\nCatatan pengiriman:")
        for note in delivery.notes:
            print(f"- {note}")
    for warning in warnings:
        if warning:
            print(f"Peringatan: {warning}", file=sys.stderr)


def _outbox_lines(config: Config, folder: Path) -> None:
    if config.mail.transport == "outbox":
        print(f"\nKotak keluar: {folder}")
        print(f"Pratinjau di peramban: {folder / 'index.html'}")


# -- commands --------------------------------------------------------------------------------------


def _send_week(
    config: Config,
    args: argparse.Namespace,
    *,
    command: str,
    week: RunWeek,
    started: dt.datetime,
    validation: ValidationRun,
    result: ScoreResult,
    history: pd.DataFrame,
    summary: Workbook,
) -> int:
    """The letters part of ``letters`` and ``weekly``: send, record, log, print."""
    letters, total = weekly_letters(
        config, week, validation, result, history, digest=args.unit is None
    )
    outbox = config.path(config.mail.outbox) / week.key
    with open_journal(config) as journal:
        unfinished = _settle_unfinished(
            journal,
            week=week.key,
            kinds=("mingguan", "ringkasan"),
            resend_unfinished=config.mail.unfinished_sends == "resend",
            dry_run=args.dry_run,
        )
        try:
            delivery = deliver(
                letters,
                total=total,
                config=config,
                week=week.key,
                journal=journal,
                outbox=outbox,
                resend=args.resend,
                force=args.force,
                dry_run=args.dry_run,
            )
        finally:
            sync_warning = None if args.dry_run else sync_log_surat(summary, journal)
    rejected = validation.tables["rejected"]
    warnings = [sync_warning]
    if not args.dry_run:
        warnings.append(
            log_process(
                summary,
                config,
                command=command,
                week=week.key,
                started=started,
                ok=True,
                units=len(validation.units),
                asn=len(result.people),
                entries=result.entries_scored,
                rejected=len(rejected),
                sent=delivery.count(SENT),
                note=_delivery_note(delivery),
            )
        )
    print(
        f"Minggu {week.key} (data sampai {week.cut_off:%d/%m/%Y})"
        + (": uji coba, tidak ada surat yang dikirim." if args.dry_run else ".")
    )
    print_summary(result.people, rejected, delivery, kind="mingguan")
    digests = Counter(s for (k, _), s in delivery.outcomes.items() if k == "ringkasan")
    if digests:
        made = "disusun" if args.dry_run else "terkirim"
        print(
            f"Ringkasan pimpinan: {digests[SENT] + digests[RENDERED]} {made}, "
            f"{digests[SKIPPED]} dilewati, {digests[FAILED]} gagal, "
            f"{digests[UNCERTAIN]} belum pasti."
        )
    unknown = sorted(set(args.resend) - {key for _, key in delivery.outcomes})
    if unknown:
        warnings.append(
            f"NIP {', '.join(unknown)} tidak ada di antara penerima surat minggu ini; "
            "tidak ada yang dikirim ulang untuknya."
        )
    _print_notes(delivery, unfinished, warnings)
    if not args.dry_run:
        _outbox_lines(config, outbox)
    return EXIT_OK if not delivery.count(FAILED) else EXIT_FAILED


def _delivery_note(delivery: Delivery) -> str:
    return (
        f"{delivery.count(SENT)} terkirim, {delivery.count(SKIPPED)} dilewati, "
        f"{delivery.count(FAILED)} gagal, {delivery.count(UNCERTAIN)} belum pasti."
    )


def _mail_errors(function):
    """Turn a transport that cannot be used (no server, login refused) into one sentence."""

    def run(config: Config, args: argparse.Namespace) -> int:
        try:
            return function(config, args)
        except MailError as exc:
            raise CommandError(f"Pengiriman surat berhenti: {exc}", EXIT_FAILED) from None

    run.__doc__ = function.__doc__
    return run


@_mail_errors
def cmd_letters(config: Config, args: argparse.Namespace) -> int:
    """``letters``: re-score the week (without publishing) and send what was not sent yet."""
    started = dt.datetime.now(config.tz).replace(tzinfo=None)
    week = week_for(config, args)
    with run_lock(config, "letters"):
        validation = run_validation(config, week, only_unit=args.unit, write_back=False)
        summary = publish.open_summary_book(config, prepare=not args.dry_run)
        history = publish.read_history(summary)
        result = publish.score_validation(config, week, validation, history)
        return _send_week(
            config,
            args,
            command="letters",
            week=week,
            started=started,
            validation=validation,
            result=result,
            history=history,
            summary=summary,
        )


@_mail_errors
def cmd_weekly(config: Config, args: argparse.Namespace) -> int:
    """``weekly``: validate, score, publish, then the letters and the leadership digest.

    With ``--unit``, statuses and letters go to that unit only; the summary is still built from
    every unit, so leadership never sees a partial summary.
    """
    started = dt.datetime.now(config.tz).replace(tzinfo=None)
    week = week_for(config, args)
    with run_lock(config, "weekly"):
        validation = run_validation(
            config, week, write_back=not args.dry_run, write_back_unit=args.unit
        )
        summary = publish.open_summary_book(config, prepare=not args.dry_run)
        if args.dry_run:
            history = publish.read_history(summary)
            result = publish.score_validation(config, week, validation, history)
        else:
            result = publish.score_and_publish(
                config, week, validation, started=started, book=summary
            )
            history = publish.read_history(summary)  # now holds this week too
        for line in validation.writeback:
            print(line)
        if args.unit:
            result = _for_unit(result, config.unit(args.unit).name)
        return _send_week(
            config,
            args,
            command="weekly",
            week=week,
            started=started,
            validation=validation,
            result=result,
            history=history,
            summary=summary,
        )


def _for_unit(result: ScoreResult, unit: str) -> ScoreResult:
    """The scores of one unit's ASN only: whom ``weekly --unit`` writes to."""
    return dataclasses.replace(
        result,
        people=result.people[result.people["unit"] == unit],
        indicators=result.indicators[result.indicators["unit"] == unit],
    )


def reminder_recipients(
    roster: pd.DataFrame, entries: pd.DataFrame, *, start: dt.date, today: dt.date
) -> pd.DataFrame:
    """Active ASN with no valid entry dated from ``start`` to ``today`` (both included)."""
    active = roster[roster["status"] == "Aktif"].drop_duplicates("nip")
    dates = (
        pd.to_datetime(entries["tanggal"]) if len(entries) else pd.Series(dtype="datetime64[ns]")
    )
    this_week = entries[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(today))]
    return active[~active["nip"].isin(set(this_week["nip"]))]


@_mail_errors
def cmd_remind(config: Config, args: argparse.Namespace) -> int:
    """``remind``: a reminder to each active ASN with no valid entry this week (so far)."""
    started = dt.datetime.now(config.tz).replace(tzinfo=None)
    today = today_for(config, args)
    start = today - dt.timedelta(days=today.weekday())
    key = week_key(today)
    week = week_for(config, args)
    with run_lock(config, "remind"):
        validation = run_validation(config, week, only_unit=args.unit, write_back=False)
        summary, summary_problem = None, None
        if not args.dry_run:  # reminders matter more than their log lines: go on without it
            try:
                summary = publish.open_summary_book(config)
            except WorkbookError as exc:
                summary_problem = (
                    f"Workbook ringkasan tidak dapat dibuka ({exc}); Log Surat dan Log Proses "
                    "diperbarui pada proses berikutnya."
                )
        tables = validation.tables
        roster = tables["pegawai"]
        if args.unit:
            roster = roster[roster["unit"] == config.unit(args.unit).name]
        due = reminder_recipients(roster, tables["realisasi"], start=start, today=today)
        head = letterhead(config, week)
        links = unit_links(config)
        letters = [
            render_reminder(
                person,
                letterhead=head,
                link=links[person["unit"]],
                week_start=start,
                today=today,
                week_key=key,
            )
            for person in due.to_dict("records")
        ]
        outbox = config.path(config.mail.outbox) / key
        with open_journal(config) as journal:
            unfinished = _settle_unfinished(
                journal,
                week=key,
                kinds=("pengingat",),
                resend_unfinished=config.mail.unfinished_sends == "resend",
                dry_run=args.dry_run,
            )
            try:
                delivery = deliver(
                    letters,
                    total=len(letters),
                    config=config,
                    week=key,
                    journal=journal,
                    outbox=outbox,
                    dry_run=args.dry_run,
                )
            finally:
                sync_warning = None if summary is None else sync_log_surat(summary, journal)
        warnings = [summary_problem, sync_warning]
        if summary is not None:
            warnings.append(
                log_process(
                    summary,
                    config,
                    command="remind",
                    week=key,
                    started=started,
                    ok=True,
                    units=len(validation.units),
                    asn=len(roster),
                    entries=None,
                    rejected=len(tables["rejected"]),
                    sent=delivery.count(SENT),
                    note=f"{len(letters)} ASN belum mengisi minggu ini. "
                    + _delivery_note(delivery),
                )
            )
    print(
        f"Pengingat minggu {key} (isian sejak {start:%d/%m/%Y} sampai {today:%d/%m/%Y}): "
        f"{len(letters)} ASN belum mengisi."
        + (" Uji coba, tidak ada surat yang dikirim." if args.dry_run else "")
    )
    print_summary(roster, tables["rejected"], delivery, kind="pengingat")
    _print_notes(delivery, unfinished, warnings)
    if not args.dry_run:
        _outbox_lines(config, outbox)
    return EXIT_OK if not delivery.count(FAILED) else EXIT_FAILED
