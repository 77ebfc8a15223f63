"""The runs: ``weekly`` and its parts (``score``, ``letters``) and the mid-week ``remind``.

Each run is a short list of stages, each a call into its own module:
read → validate → write back (``check``) → score → publish (``publish``) → letters
(``compose`` + ``delivery``) → log (``runlog``). A run holds the run lock, opens the summary once,
and returns what it did; it prints nothing (the command line does).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import check, compose, publish
from .calendar import week_key
from .check import ValidationRun
from .context import RunContext
from .delivery import FAILED, SENT, Delivery, send_batch
from .errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError
from .labels import KIND_DIGEST, KIND_REMINDER, KIND_TEAM, KIND_WEEKLY
from .locks import LockBusy, pid_lock
from .mail import MailError
from .runlog import RunRecord, logged_run
from .score import ScoreResult
from .workbook import Workbook, WorkbookError

LOCK_FILE = "run.lock"
WEEKLY_KINDS = (KIND_WEEKLY, KIND_TEAM, KIND_DIGEST)
REMINDER_KINDS = (KIND_REMINDER,)

Progress = Callable[[int, int], None]


@dataclass
class RunOutcome:
    """What a run did; ``exit_status`` is 1 when a unit could not be read or a letter failed."""

    ctx: RunContext
    record: RunRecord
    validation: ValidationRun | None = None
    result: ScoreResult | None = None
    delivery: Delivery | None = None
    roster: pd.DataFrame | None = None  # remind: the ASN it looked at
    due: pd.DataFrame | None = None  # remind: whom the reminders are for
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        failed_units = self.validation is not None and self.validation.failed_units
        failed_letters = self.delivery is not None and self.delivery.count(FAILED)
        return EXIT_FAILED if failed_units or failed_letters else EXIT_OK


# -- the runs --------------------------------------------------------------------------------------


def run_weekly(ctx: RunContext, *, progress: Progress | None = None) -> RunOutcome:
    """The weekly job: validate and write back, score and publish, send the letters, log."""
    with _run(ctx) as run:
        run.validation = _check(ctx, write_back=not ctx.dry_run, only_unit=None)
        run.result, history = _score(ctx, run, publish_summary=not ctx.dry_run)
        _send_weekly(ctx, run, history, progress=progress)
    return run


def run_score(ctx: RunContext) -> RunOutcome:
    """Validate and write back, score and publish the summary; no letters."""
    with _run(ctx) as run:
        run.validation = _check(ctx, write_back=True, only_unit=None)
        run.result, _ = _score(ctx, run, publish_summary=True)
    return run


def run_letters(ctx: RunContext, *, progress: Progress | None = None) -> RunOutcome:
    """Re-score the week without publishing and send the letters not sent yet."""
    with _run(ctx) as run:
        run.validation = _check(ctx, write_back=False, only_unit=ctx.unit)
        run.result, history = _score(ctx, run, publish_summary=False)
        _send_weekly(ctx, run, history, progress=progress)
    return run


def run_remind(ctx: RunContext, *, progress: Progress | None = None) -> RunOutcome:
    """A reminder to each active ASN with no valid entry from Monday of this week to today."""
    day = ctx.week.today  # the run's day (--date moves it), which the reminder speaks of
    start = day - dt.timedelta(days=day.weekday())
    with _run(ctx, summary_optional=True) as run:
        run.validation = _check(ctx, write_back=False, only_unit=ctx.unit)
        tables = run.validation.tables
        roster = tables["pegawai"]
        if ctx.unit:
            roster = roster[roster["unit"] == ctx.unit]
        run.roster = roster
        run.due = compose.reminder_recipients(roster, tables["realisasi"], start=start, today=day)
        letters = compose.reminders(ctx.config, ctx.week, run.due, start=start, day=day)
        run.delivery = _send(
            ctx,
            run,
            letters,
            week_key=week_key(day),
            kinds=REMINDER_KINDS,
            progress=progress,
        )
        run.record.asn = len(roster)
        run.record.notes.insert(0, f"{len(letters)} ASN belum mengisi minggu ini.")
    return run


def run_validate(ctx: RunContext) -> ValidationRun:
    """Read and validate; statuses are written back unless the context says read only."""
    return _check(ctx, write_back=ctx.write_back, only_unit=ctx.unit)


# -- the stages ------------------------------------------------------------------------------------


def _check(ctx: RunContext, *, write_back: bool, only_unit: str | None) -> ValidationRun:
    return check.run_validation(
        ctx.config,
        ctx.week,
        today=ctx.today,
        entry_period=ctx.entry_period,
        only_unit=only_unit,
        write_back=write_back,
        write_back_unit=ctx.unit if only_unit is None else None,
    )


def _score(
    ctx: RunContext, run: _Run, *, publish_summary: bool
) -> tuple[ScoreResult, pd.DataFrame]:
    """The week's scores and Riwayat (this week included when published)."""
    if publish_summary:
        result, history = publish.score_and_publish(
            ctx.config, ctx.week, run.validation, today=ctx.today, book=run.summary(), now=ctx.now()
        )
    else:
        history = publish.read_history(run.summary())
        result = publish.score_validation(
            ctx.config, ctx.week, run.validation, history, today=ctx.today
        )
    run.record.asn, run.record.entri = len(result.people), result.entries_scored
    if publish_summary:
        run.record.notes.append(
            f"{len(run.validation.findings)} temuan validasi; "
            f"{len(result.breaches)} catatan kurva distribusi."
        )
    return result, history


def _send_weekly(
    ctx: RunContext, run: _Run, history: pd.DataFrame, *, progress: Progress | None
) -> None:
    """The weekly letters, the supervisors' team letters and the digest; with ``--unit`` only
    that unit's weekly letters (a team or the organisation reaches beyond one unit)."""
    result = run.result
    if ctx.unit:
        result = dataclasses.replace(
            result,
            people=result.people[result.people["unit"] == ctx.unit],
            indicators=result.indicators[result.indicators["unit"] == ctx.unit],
        )
    _check_resend(ctx, run.validation)
    tables = run.validation.tables
    letters = compose.weekly_letters(
        ctx.config,
        ctx.week,
        result,
        rejected=publish.reported_rejections(run.validation, ctx.week, ctx.today),
        refleksi=tables["refleksi"],
        history=history,
        failed_units=run.validation.failed_units,
        digest=ctx.unit is None,
    )
    if ctx.unit is None:
        team, unknown = compose.team_letters(
            ctx.config,
            ctx.week,
            result,
            roster=tables["pegawai"],
            refleksi=tables["refleksi"],
            failed_units=run.validation.failed_units,
        )
        letters += team
        run.warnings += unknown
    run.delivery = _send(
        ctx, run, letters, week_key=ctx.week.key, kinds=WEEKLY_KINDS, progress=progress
    )


def _check_resend(ctx: RunContext, validation: ValidationRun) -> None:
    """``--resend NIP`` must name someone on a roster: a typo must not pass silently."""
    known = set(validation.tables["pegawai"]["nip"].astype(str))
    unknown = [nip for nip in ctx.resend if nip not in known]
    if unknown:
        raise CommandError(
            f"NIP {', '.join(unknown)} untuk --resend tidak ada di tab Pegawai unit mana pun. "
            "Periksa NIP-nya (18 angka tanpa spasi).",
            EXIT_USAGE,
        )


def _send(
    ctx: RunContext,
    run: _Run,
    letters: list,
    *,
    week_key: str,
    kinds: tuple[str, ...],
    progress: Progress | None,
) -> Delivery:
    try:
        delivery = send_batch(
            ctx.config,
            letters,
            period=ctx.week.period.label,
            week_key=week_key,
            kinds=kinds,
            summary=run.summary_for_logs(),
            resend=ctx.resend,
            force=ctx.force,
            dry_run=ctx.dry_run,
            progress=progress,
        )
    except MailError as exc:
        raise CommandError(f"Pengiriman surat berhenti: {exc}", EXIT_FAILED) from None
    run.record.surat_terkirim = delivery.count(SENT)
    run.record.notes.append(delivery.summary())
    if delivery.count(FAILED):
        run.record.partial("Sebagian surat gagal dikirim.")
    run.warnings += delivery.warnings
    return delivery


# -- the run's frame: lock, summary, log ---------------------------------------------------------


class _Run(RunOutcome):
    """A run in progress: the outcome it builds, plus the summary workbook opened once."""

    def __init__(self, ctx: RunContext, *, summary_optional: bool) -> None:
        record = RunRecord(perintah=ctx.command, minggu=ctx.week.key, mulai=ctx.started)
        super().__init__(ctx=ctx, record=record)
        self._summary_optional = summary_optional
        self._book: Workbook | None = None
        self._problem: str | None = None

    def summary(self) -> Workbook:
        """The summary workbook, opened (and, unless a dry run, prepared) once per run."""
        if self._book is None:
            self._book = publish.open_summary_book(self.ctx.config, prepare=not self.ctx.dry_run)
        return self._book

    def summary_for_logs(self) -> Workbook | None:
        """The summary to log into: none in a dry run, nor where an optional summary failed."""
        if self.ctx.dry_run or self._problem:
            return None
        try:
            return self.summary()
        except WorkbookError as exc:
            if not self._summary_optional:
                raise
            self._problem = (
                f"Workbook ringkasan tidak dapat dibuka ({exc}); Log Surat dan Log Proses "
                "diperbarui pada proses berikutnya."
            )
            self.warnings.append(self._problem)
            return None

    def finish(self) -> None:
        """Fill the record with what the run found before it is logged."""
        if self.validation is None:
            return
        self.record.unit = len(self.validation.units)
        self.record.ditolak = len(self.validation.tables["rejected"])
        for unit, reason in self.validation.failed_units.items():
            self.record.partial(f"Unit {unit} tidak terbaca: {reason}")


@contextlib.contextmanager
def _run(ctx: RunContext, *, summary_optional: bool = False) -> Iterator[_Run]:
    """Hold the run lock and log the run in Log Proses however it ends."""
    run = _Run(ctx, summary_optional=summary_optional)
    with (
        run_lock(ctx),
        logged_run(run.record, run.summary_for_logs, now=ctx.now, warnings=run.warnings),
    ):
        try:
            yield run
        finally:
            run.finish()


@contextlib.contextmanager
def run_lock(ctx: RunContext) -> Iterator[Path]:
    """Hold ``run.lock`` for the length of a run; a live holder stops this run with a sentence
    that says who holds it and how to clear it (a lock whose process is gone is taken over)."""
    path = ctx.config.path(ctx.config.state.folder) / LOCK_FILE
    try:
        with pid_lock(path, command=ctx.command) as held:
            yield held
    except LockBusy as busy:
        raise CommandError(str(busy), EXIT_FAILED) from None
