"""Publish the week's scores to the summary workbook; ``score``: validate, score, publish.

The summary tabs (Ringkasan Pegawai, Ringkasan Unit, Capaian Indikator, Temuan Validasi) and the
upserted Riwayat are written in one batch call, then a Log Proses row is appended. The local
``.xlsx`` also gets predikat colours and a native chart of the predikat per unit (tab ``Grafik``),
rebuilt at every save because openpyxl cannot read charts back.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as XlsxBook

from .backends import open_summary
from .calendar import RunWeek, run_week
from .check import ValidationRun, run_validation, temuan_rows
from .cli import EXIT_OK, print_table, week_for
from .config import PREDIKAT, Config
from .indonesian import format_number
from .schema import Tab, summary_tabs, tab
from .score import PENDING, PREDIKAT_COLUMNS, ScoreResult, score_week
from .workbook import Rows, Workbook, WorkbookError, WorkbookNotFound

CHART_TAB = "Grafik"
PREDIKAT_COLOURS = {
    "Sangat Baik": "63BE7B",
    "Baik": "C6EFCE",
    "Butuh Perbaikan": "FFEB84",
    "Kurang/Misconduct": "F4B183",
    "Sangat Kurang": "F8696B",
    PENDING: "D9D9D9",
}
RESULT_DONE, RESULT_FAILED = "Selesai", "Gagal"


# -- tables as sheet rows ------------------------------------------------------------------------


def sheet_rows(schema_tab: Tab, frame: pd.DataFrame) -> list[list[Any]]:
    """Header (schema names) and one row per record in schema order; NaN becomes an empty cell."""
    keys = [c.key for c in schema_tab.columns]
    values = frame.reindex(columns=keys).astype(object)
    return [schema_tab.headers, *values.where(values.notna(), None).to_numpy().tolist()]


def read_table(schema_tab: Tab, rows: Rows | None) -> pd.DataFrame:
    """A tab's rows as a DataFrame with schema keys (headers matched by name or alias)."""
    keys = [c.key for c in schema_tab.columns]
    if not rows:
        return pd.DataFrame(columns=keys)
    columns = [(i, col.key) for i, h in enumerate(rows[0]) if (col := schema_tab.match_header(h))]
    records = [
        {key: (row[i] if i < len(row) else None) for i, key in columns}
        for row in rows[1:]
        if any(cell not in (None, "") for cell in row)
    ]
    return pd.DataFrame(records, columns=keys)


def upsert_history(history: pd.DataFrame, result: ScoreResult, week: RunWeek, *, now: dt.datetime):
    """Riwayat with this week's rows replaced by the new scores, sorted by week then NIP.

    A row of this week is replaced when its NIP was scored now or its unit was scored now (an
    ASN who left the unit loses the stale row); other weeks and units stay as they were.
    """
    people = result.people
    this_week = history["minggu"].astype(str) == week.key
    replaced = this_week & (
        history["nip"].astype(str).isin(people["nip"]) | history["unit"].isin(people["unit"])
    )
    fresh = people.assign(diperbarui=now)[list(history.columns)]
    kept = history[~replaced]
    merged = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
    return merged.sort_values(["minggu", "nip"], key=lambda s: s.astype(str), kind="stable")


# -- the local workbook's colours and chart --------------------------------------------------------


def _colour_predikat(book: XlsxBook) -> None:
    """Conditional fills on every Predikat column of the summary (replacing earlier rules)."""
    for ws in book.worksheets:
        header = [cell.value for cell in ws[1]]
        if "Predikat" not in header:
            continue
        letter = get_column_letter(header.index("Predikat") + 1)
        cells = f"{letter}2:{letter}{max(ws.max_row, 2)}"
        ws.conditional_formatting = ConditionalFormattingList()
        for name, colour in PREDIKAT_COLOURS.items():
            fill = PatternFill("solid", start_color=colour, end_color=colour)
            ws.conditional_formatting.add(
                cells, CellIsRule(operator="equal", formula=[f'"{name}"'], fill=fill)
            )


def _chart_predikat(book: XlsxBook, organisation: str) -> None:
    """Tab ``Grafik``: the predikat counts per unit (from Ringkasan Unit) and a stacked bar chart."""
    units_tab = tab("ringkasan_unit")
    if units_tab.name not in book.sheetnames:
        return
    source = read_table(units_tab, [list(r) for r in book[units_tab.name].values])
    source = source[source["unit"].notna() & (source["unit"] != organisation)]
    if CHART_TAB in book.sheetnames:
        book.remove(book[CHART_TAB])
    ws = book.create_sheet(CHART_TAB, book.sheetnames.index(units_tab.name) + 1)
    ws.append(["Unit", *PREDIKAT_COLUMNS])
    for _, row in source.iterrows():
        ws.append([row["unit"], *(row[c] for c in PREDIKAT_COLUMNS.values())])
    ws.column_dimensions["A"].width = 30
    if source.empty:
        return
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = "Sebaran Predikat per Unit"
    chart.y_axis.title = "Jumlah ASN"
    last = len(source) + 1
    chart.add_data(
        Reference(ws, min_col=2, max_col=len(PREDIKAT_COLUMNS) + 1, min_row=1, max_row=last),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    for series, colour in zip(chart.series, PREDIKAT_COLOURS.values(), strict=True):
        series.graphicalProperties.solidFill = colour
    chart.width, chart.height = 24, max(8, 1.2 * len(source))
    ws.add_chart(chart, f"{get_column_letter(len(PREDIKAT_COLUMNS) + 3)}2")


def summary_on_save(organisation: str) -> Callable[[XlsxBook], None]:
    """The local summary's ``on_save`` hook: predikat colours and the chart, rebuilt each save."""

    def on_save(book: XlsxBook) -> None:
        _colour_predikat(book)
        _chart_predikat(book, organisation)

    return on_save


def open_summary_book(config: Config, *, prepare: bool = True) -> Workbook:
    """The summary workbook with the local colours and chart; with ``prepare``, every schema tab
    is made present first (a dry run reads only, so it does not prepare)."""
    book = open_summary(config, on_save=summary_on_save(config.organisation))
    if prepare:
        book.ensure_tabs(summary_tabs())
    return book


# -- publishing ----------------------------------------------------------------------------------


def _now(config: Config) -> dt.datetime:
    return dt.datetime.now(config.tz).replace(tzinfo=None)


def publish_summary(
    book: Workbook,
    config: Config,
    week: RunWeek,
    result: ScoreResult,
    temuan: Sequence[Sequence[Any]],
    *,
    history: pd.DataFrame,
    started: dt.datetime,
) -> None:
    """Rewrite the summary tabs and the upserted Riwayat in one batch, then log the run.

    ``temuan`` are the Temuan Validasi rows (``check.temuan_rows``); ``history`` is Riwayat as
    read before scoring.
    """
    now = _now(config)
    contents = {
        "ringkasan_pegawai": result.people,
        "ringkasan_unit": result.units,
        "capaian_indikator": result.indicators,
        "riwayat": upsert_history(history, result, week, now=now),
    }
    rows = {tab(k).name: sheet_rows(tab(k), frame) for k, frame in contents.items()}
    temuan_tab = tab("temuan_validasi")
    rows[temuan_tab.name] = [temuan_tab.headers, *temuan]
    book.replace_tabs(rows)
    note = f"{len(temuan)} temuan validasi; {len(result.breaches)} catatan kurva distribusi."
    log_run(book, config, week, started=started, result=RESULT_DONE, scores=result, note=note)


def log_run(
    book: Workbook,
    config: Config,
    week: RunWeek,
    *,
    started: dt.datetime,
    result: str,
    scores: ScoreResult | None,
    note: str,
) -> None:
    """Append one Log Proses row for this ``score`` run."""
    units = scores.units if scores is not None else pd.DataFrame()
    row = {
        "mulai": started,
        "selesai": _now(config),
        "perintah": "score",
        "minggu": week.key,
        "hasil": result,
        "unit": max(len(units) - 1, 0),
        "asn": len(scores.people) if scores is not None else None,
        "entri": scores.entries_scored if scores is not None else None,
        "ditolak": int(units["entri_ditolak"].iloc[-1]) if len(units) else None,
        "keterangan": note,
    }
    book.append_rows(tab("log_proses").name, sheet_rows(tab("log_proses"), pd.DataFrame([row]))[1:])


def read_history(book: Workbook) -> pd.DataFrame:
    """The summary's Riwayat rows as a DataFrame with the schema keys (empty if none yet)."""
    riwayat = tab("riwayat")
    try:
        rows = book.read_tabs([riwayat.name])[riwayat.name]
    except WorkbookNotFound:
        rows = None  # no summary yet (a dry run before the first real one): no history
    return read_table(riwayat, rows)


def score_validation(
    config: Config, week: RunWeek, validation: ValidationRun, history: pd.DataFrame
) -> ScoreResult:
    """The week's scores from a validation run, with every number from config."""
    tables = validation.tables
    return score_week(
        roster=tables["pegawai"],
        indicators=tables["indikator"],
        entries=tables["realisasi"],
        behaviour=tables["perilaku"],
        history=history,
        rejected=tables["rejected"],
        week=week,
        period=config.period,
        scoring=config.scoring,
        organisation=config.organisation,
    )


def backfill_history(
    config: Config,
    week: RunWeek,
    validation: ValidationRun,
    history: pd.DataFrame,
    *,
    now: dt.datetime,
) -> pd.DataFrame:
    """Riwayat with the weeks before ``week`` that it lacks (within the trend window) filled in.

    On the first run, or after weeks without a run, the trend and the change since last week
    would be empty although the entries are there: each missing week is scored from the same
    validated entries with that week's cut-off. Weeks already in Riwayat are never rewritten
    (they record what was published then), nor weeks before any entry or the period's start.
    """
    known = set(history["minggu"].astype(str))
    for back in range(config.scoring.trend_weeks - 1, 0, -1):
        past = run_week(
            week.cut_off + dt.timedelta(days=1 - 7 * back),
            period_start=config.period.start,
            period_end=config.period.end,
        )
        if past.key in known or past.cut_off < config.period.start:
            continue
        scores = score_validation(config, past, validation, history)
        if scores.entries_scored:
            history = upsert_history(history, scores, past, now=now)
    return history


def score_and_publish(
    config: Config,
    week: RunWeek,
    validation: ValidationRun,
    *,
    started: dt.datetime | None = None,
    book: Workbook | None = None,
) -> ScoreResult:
    """Score a validation run and publish it to the summary workbook; the weekly pipeline's core.

    ``book`` is the summary already opened by the caller (one open per run). A failure after the
    summary is open is still logged in Log Proses, then raised.
    """
    started = started or _now(config)
    book = book or open_summary_book(config)
    try:
        history = backfill_history(config, week, validation, read_history(book), now=_now(config))
        result = score_validation(config, week, validation, history)
        publish_summary(
            book,
            config,
            week,
            result,
            temuan_rows(validation, config),
            history=history,
            started=started,
        )
    except Exception as exc:
        with contextlib.suppress(WorkbookError):
            log_run(
                book,
                config,
                week,
                started=started,
                result=RESULT_FAILED,
                scores=None,
                note=f"{type(exc).__name__}: {exc}",
            )
        raise
    return result


def print_scores(result: ScoreResult) -> None:
    """The console table: per unit, ASN, mean Nilai Capaian and predikat counts; then breaches."""
    headers = ["Unit", "ASN", "Rata-rata NC", *PREDIKAT, "Menunggu"]
    rows = [
        [
            row["unit"],
            row["jumlah_asn"],
            format_number(row["rata_rata_nilai_capaian"]),
            *(row[c] for c in PREDIKAT_COLUMNS.values()),
        ]
        for _, row in result.units.iterrows()
    ]
    print_table(headers, rows)
    if result.breaches:
        print("\nCatatan kurva distribusi:")
        for sentence in result.breaches:
            print(f"- {sentence}")


def cmd_score(config: Config, args: argparse.Namespace) -> int:
    """``score``: validate every unit, score the week, publish the summary workbook.

    With ``--unit`` statuses are written back to that unit only; the summary is still built from
    every unit, so leadership never sees a partial summary.
    """
    started = _now(config)
    week = week_for(config, args)
    validation = run_validation(config, week, write_back_unit=args.unit)
    result = score_and_publish(config, week, validation, started=started)
    for line in validation.writeback:
        print(line)
    print(
        f"Minggu {week.key} (data sampai {week.cut_off:%d/%m/%Y}): "
        f"{len(result.people)} ASN dinilai, {result.entries_scored} entri."
    )
    print_scores(result)
    return EXIT_OK
