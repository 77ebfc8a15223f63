"""The commands: build the run context from the arguments, call one run, print what it did.

Everything the operator reads on the console is printed here; the runs below return values.
Each ``cmd_*(config, args) -> int`` returns the exit status and raises ``CommandError`` for a
known failure (``cli.main`` prints its sentence).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

import pandas as pd

from . import weekly
from .calendar import local_today, week_key
from .check import ValidationRun
from .config import Config
from .context import RunContext, build_context
from .delivery import FAILED, RENDERED, SENT, SKIPPED, UNCERTAIN, Delivery
from .errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError
from .findings import STATUS_FOR_SEVERITY
from .indonesian import format_number
from .labels import KIND_DIGEST, KIND_REMINDER, KIND_TEAM, KIND_WEEKLY, PREDIKAT, PREDIKAT_COLUMNS
from .score import ScoreResult


def context_for(config: Config, args: argparse.Namespace, command: str) -> RunContext:
    """The run context of a command line (``--date``, ``--unit``, ``--dry-run`` …)."""
    return build_context(
        config,
        command,
        date=args.date,
        unit=args.unit,
        dry_run=getattr(args, "dry_run", False),
        resend=tuple(getattr(args, "resend", ()) or ()),
        force=getattr(args, "force", False),
        write_back=not getattr(args, "read_only", False),
    )


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, out=None) -> None:
    """A plain aligned text table for the console."""
    out = out or sys.stdout
    cells = [[str(h) for h in headers]] + [
        ["" if v is None else str(v) for v in row] for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)


class Progress:
    """``Mengirim surat 120/480`` on one refreshed stderr line; silent when not a terminal."""

    def __init__(self, *, stream: TextIO | None = None, interval: float = 0.2):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.interval = interval
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.enabled and (done == total or now - self.last >= self.interval):
            self.last, self.shown = now, True
            self.stream.write(f"\rMengirim surat {done}/{total}")
            self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


# -- demo and init ---------------------------------------------------------------------------------


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from .demo import write_demo

    if config.backend != "local":
        raise CommandError(
            "Data demo hanya dibuat sebagai workbook .xlsx lokal; pakai config dengan 'backend: local'.",
            EXIT_USAGE,
        )
    written = write_demo(config, force=args.force, today=args.date or local_today(config.timezone))
    folder = config.path(config.local.folder)
    if written:
        print(f"Data demo ditulis ke {folder}: {', '.join(written)}.")
    else:
        print(
            f"Data demo sudah ada di {folder}; tidak ada yang diubah (pakai --force untuk menulis ulang)."
        )
    return EXIT_OK


def cmd_init(config: Config, args: argparse.Namespace) -> int:
    from .prepare import prepare_workbooks

    changes = prepare_workbooks(config, only_unit=args.unit)
    for line in changes:
        print(line)
    print("Semua workbook sudah lengkap." if not changes else f"{len(changes)} perubahan dibuat.")
    return EXIT_OK


def cmd_guide(config: Config, args: argparse.Namespace) -> int:
    """Write the workshop guide; a unit that cannot be read is named and the run exits 1."""
    from .handbook import write_guide

    context = context_for(config, args, "guide")
    outcome = write_guide(
        config,
        context.week,
        today=context.today,
        entry_period=context.entry_period,
        only_unit=context.unit,
    )
    for path in outcome.written:
        print(f"Panduan ditulis: {path}")
    for unit, reason in outcome.unreadable.items():
        print(f"Panduan unit {unit} tidak dibuat karena workbook-nya tidak terbaca: {reason}")
    return EXIT_FAILED if outcome.unreadable else EXIT_OK


# -- validate and score ----------------------------------------------------------------------------


def cmd_validate(config: Config, args: argparse.Namespace) -> int:
    """Print the findings per workbook (or ``--json``); statuses are written back unless
    ``--read-only``. Findings in staff data are not failures: exit 0."""
    run = weekly.run_validate(context_for(config, args, "validate"))
    if args.json:
        print(json.dumps([f.to_dict() for f in run.findings], ensure_ascii=False, indent=2))
        for line in run.writeback:
            print(line, file=sys.stderr)
        return EXIT_OK
    for data in run.units:
        title = data.unit if data.workbook == data.unit else f"{data.unit} ({data.workbook})"
        print(f"\n== {title} ==")
        if not data.findings:
            print("Tidak ada temuan.")
            continue
        print_table(
            ["Tab", "Baris", "Kolom", "Tingkat", "Pesan"],
            [
                [f.tab, f.row or "", f.column or "", STATUS_FOR_SEVERITY[f.severity], f.message]
                for f in data.findings
            ],
        )
    print()
    for line in run.writeback:
        print(line)
    print(_validation_summary(run))
    return EXIT_OK


def _validation_summary(run: ValidationRun) -> str:
    errors = sum(f.severity == "error" for f in run.findings)
    warnings = len(run.findings) - errors
    accepted = sum(len(u.tables["realisasi"]) for u in run.units)
    failed = len(run.failed_units)
    tail = f"; {failed} workbook gagal diperiksa" if failed else ""
    return (
        f"Minggu {run.week.key}: {len(run.units)} workbook diperiksa, {accepted} entri realisasi "
        f"diterima, {errors} temuan ditolak dan {warnings} peringatan{tail}."
    )


def cmd_score(config: Config, args: argparse.Namespace) -> int:
    """Validate every unit, score the week, publish the summary workbook."""
    outcome = weekly.run_score(context_for(config, args, "score"))
    _print_week_start(outcome)
    result = outcome.result
    print(
        f"Minggu {outcome.ctx.week.key} (data sampai {outcome.ctx.week.cut_off:%d/%m/%Y}): "
        f"{len(result.people)} ASN dinilai, {result.entries_scored} entri."
    )
    print_scores(result)
    _print_end(outcome)
    return outcome.exit_status


def print_scores(result: ScoreResult) -> None:
    """Per unit: ASN, mean Nilai Capaian and predikat counts (or why it is missing); breaches."""
    headers = ["Unit", "ASN", "Rata-rata NC", *PREDIKAT, "Menunggu"]
    rows = []
    for row in result.units.to_dict("records"):
        if isinstance(row.get("keterangan"), str):
            rows.append([row["unit"], row["keterangan"]])
            continue
        rows.append(
            [
                row["unit"],
                row["jumlah_asn"],
                format_number(row["rata_rata_nilai_capaian"]),
                *(row[c] for c in PREDIKAT_COLUMNS.values()),
            ]
        )
    print_table(headers, [r + [""] * (len(headers) - len(r)) for r in rows])
    if result.breaches:
        print("\nCatatan kurva distribusi:")
        for sentence in result.breaches:
            print(f"- {sentence}")


def cmd_explain(config: Config, args: argparse.Namespace) -> int:
    """How one ASN's scores of the week follow from the entries (read only: nothing written)."""
    from . import check, explain, publish

    ctx = context_for(config, args, "explain")
    validation = check.run_validation(
        config,
        ctx.week,
        today=ctx.today,
        entry_period=ctx.entry_period,
        only_unit=ctx.unit,
        write_back=False,
    )
    result = publish.score_validation(config, ctx.week, validation, pd.DataFrame(), today=ctx.today)
    for unit, reason in validation.failed_units.items():
        print(f"Perhatian: unit {unit} tidak terbaca: {reason}", file=sys.stderr)
    try:
        found = explain.explain(
            " ".join(args.nip),
            tables=validation.tables,
            result=result,
            week=ctx.week,
            scoring=config.scoring,
        )
    except explain.UnknownNip as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    if args.json:
        print(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(explain.render_text(found, config.scoring), end="")
    return EXIT_OK


# -- letters, weekly, remind -----------------------------------------------------------------------


def cmd_weekly(config: Config, args: argparse.Namespace) -> int:
    """Validate, score, publish, then the letters and the leadership digest."""
    return _weekly_command(config, args, "weekly", weekly.run_weekly)


def cmd_letters(config: Config, args: argparse.Namespace) -> int:
    """Re-score the week (without publishing) and send what was not sent yet."""
    return _weekly_command(config, args, "letters", weekly.run_letters)


def _weekly_command(config: Config, args: argparse.Namespace, command: str, run) -> int:
    progress = Progress()
    try:
        outcome = run(context_for(config, args, command), progress=progress)
    finally:
        progress.close()
    ctx, delivery = outcome.ctx, outcome.delivery
    _print_week_start(outcome)
    print(
        f"Minggu {ctx.week.key} (data sampai {ctx.week.cut_off:%d/%m/%Y})"
        + (": uji coba, tidak ada surat yang dikirim." if ctx.dry_run else ".")
    )
    print_delivery(outcome.result.people, outcome.validation, delivery, kind=KIND_WEEKLY)
    made = "disusun" if ctx.dry_run else "terkirim"
    for kind, label in ((KIND_TEAM, "Surat tim atasan"), (KIND_DIGEST, "Ringkasan pimpinan")):
        counts = Counter(s for (k, _), s in delivery.outcomes.items() if k == kind)
        if counts:
            print(
                f"{label}: {counts[SENT] + counts[RENDERED]} {made}, "
                f"{counts[SKIPPED]} dilewati, {counts[FAILED]} gagal, "
                f"{counts[UNCERTAIN]} belum pasti."
            )
    not_mailed = sorted(set(ctx.resend) - {key for _, key in delivery.outcomes})
    if not_mailed:
        outcome.warnings.append(
            f"NIP {', '.join(not_mailed)} tidak menerima surat minggu ini (tidak aktif atau di "
            "luar unit yang dipilih); tidak ada yang dikirim ulang untuknya."
        )
    _print_end(outcome)
    return outcome.exit_status


def cmd_remind(config: Config, args: argparse.Namespace) -> int:
    """A reminder to each active ASN with no valid entry this week (so far)."""
    progress = Progress()
    try:
        outcome = weekly.run_remind(context_for(config, args, "remind"), progress=progress)
    finally:
        progress.close()
    day = outcome.ctx.week.today
    start = day - dt.timedelta(days=day.weekday())
    print(
        f"Pengingat minggu {week_key(day)} (isian sejak {start:%d/%m/%Y} sampai "
        f"{day:%d/%m/%Y}): "
        f"{len(outcome.due)} ASN belum mengisi."
        + (" Uji coba, tidak ada surat yang dikirim." if outcome.ctx.dry_run else "")
    )
    print_delivery(outcome.roster, outcome.validation, outcome.delivery, kind=KIND_REMINDER)
    _print_end(outcome)
    return outcome.exit_status


def print_delivery(
    people, validation: ValidationRun, delivery: Delivery, *, kind: str, out=None
) -> None:
    """Per unit: ASN, rejected entries and what happened to the letters; then a total row."""
    unit_of = dict(zip(people["nip"], people["unit"], strict=True))
    units = list(dict.fromkeys(people["unit"]))
    states: dict[str, Counter] = {u: Counter() for u in units}
    for (k, key), state in delivery.outcomes.items():
        if k == kind and key in unit_of:
            states[unit_of[key]][state] += 1
    asn = Counter(people["unit"])
    rejected = validation.tables["rejected"]
    rejects = Counter(rejected["unit"]) if len(rejected) else Counter()
    rows = [
        [u, asn[u], rejects[u], c[SENT] + c[RENDERED], c[SKIPPED], c[FAILED], c[UNCERTAIN]]
        for u, c in states.items()
    ]
    for unit in validation.failed_units:
        rows.append([unit, "tidak terbaca", "", "", "", "", ""])
    numeric = [r for r in rows if isinstance(r[1], int)]
    rows.append(["Jumlah", *[sum(r[i] for r in numeric) for i in range(1, 7)]])
    sent_header = "Disusun" if delivery.count(RENDERED) else "Terkirim"
    print_table(
        ["Unit", "ASN", "Entri Ditolak", sent_header, "Dilewati", "Gagal", "Belum Pasti"],
        rows,
        out=out,
    )


def _print_week_start(outcome: weekly.RunOutcome) -> None:
    for line in outcome.validation.writeback:
        print(line)


def _print_end(outcome: weekly.RunOutcome) -> None:
    """Failed units, unfinished and failed letters, warnings, and where the letters are."""
    for unit, reason in outcome.validation.failed_units.items():
        print(
            f"Perhatian: unit {unit} tidak terbaca dan tidak dinilai minggu ini: {reason}",
            file=sys.stderr,
        )
    delivery = outcome.delivery
    if delivery is not None:
        _print_delivery_notes(delivery)
    for warning in outcome.warnings:
        print(f"Peringatan: {warning}", file=sys.stderr)
    if delivery is None:
        return
    if outcome.ctx.dry_run:
        print(f"\nPratinjau surat uji coba: {delivery.folder / 'index.html'}")
    elif outcome.ctx.config.mail.transport == "outbox":
        print(f"\nKotak keluar: {delivery.folder}")
        print(f"Pratinjau di peramban: {delivery.folder / 'index.html'}")


def _print_delivery_notes(delivery: Delivery) -> None:
    if delivery.unfinished:
        print(
            "\nSurat berikut terputus di tengah pengiriman pada proses sebelumnya; mungkin sudah "
            "diterima, mungkin belum. Surat ini tidak dikirim ulang otomatis. Periksa dengan "
            "penerimanya, lalu kirim ulang bila perlu dengan --resend NIP:"
        )
        for e in delivery.unfinished:
            print(f"- minggu {e.week}, {e.kind}, {e.nip} <{e.address}>, sejak {e.time}")
    if delivery.notes:
        print("\nCatatan pengiriman:")
        for note in delivery.notes:
            print(f"- {note}")
