"""Score a validated week and publish it to the summary workbook.

The summary tabs (Ringkasan Pegawai, Ringkasan Unit, Capaian Indikator, Temuan Validasi) and the
upserted Riwayat are written in one batch call. The local ``.xlsx`` also gets predikat colours and
a native chart of the predikat per unit (tab ``Grafik``), rebuilt at every save because openpyxl
cannot read charts back.
"""

from __future__ import annotations

import dataclasses
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

from .backends import CHART_TAB, open_summary
from .calendar import RunWeek
from .check import ValidationRun, temuan_rows
from .config import Config
from .labels import (
    ACTIVE,
    BAIK,
    BUTUH_PERBAIKAN,
    KURANG,
    PENDING,
    PREDIKAT_COLUMNS,
    SANGAT_BAIK,
    SANGAT_KURANG,
    UNREADABLE,
)
from .outcomes import computed_realisations
from .schema import Tab, summary_tabs, tab
from .score import ScoreResult, score_week
from .workbook import Rows, Workbook, WorkbookNotFound

PREDIKAT_COLOURS = {
    SANGAT_BAIK: "63BE7B",
    BAIK: "C6EFCE",
    BUTUH_PERBAIKAN: "FFEB84",
    KURANG: "F4B183",
    SANGAT_KURANG: "F8696B",
    PENDING: "D9D9D9",
}


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


def publish_summary(
    book: Workbook, result: ScoreResult, temuan: Sequence[Sequence[Any]], *, riwayat: pd.DataFrame
) -> None:
    """Rewrite the summary tabs and Riwayat in one batch.

    ``temuan`` are the Temuan Validasi rows (``check.temuan_rows``); ``riwayat`` is the history
    with this week's rows upserted.
    """
    contents = {
        "ringkasan_pegawai": result.people,
        "ringkasan_unit": result.units,
        "capaian_indikator": result.indicators,
        "riwayat": riwayat,
    }
    rows = {tab(k).name: sheet_rows(tab(k), frame) for k, frame in contents.items()}
    temuan_tab = tab("temuan_validasi")
    rows[temuan_tab.name] = [temuan_tab.headers, *temuan]
    book.replace_tabs(rows)


def read_history(book: Workbook) -> pd.DataFrame:
    """The summary's Riwayat rows as a DataFrame with the schema keys (empty if none yet)."""
    riwayat = tab("riwayat")
    try:
        rows = book.read_tabs([riwayat.name])[riwayat.name]
    except WorkbookNotFound:
        rows = None  # no summary yet (a dry run before the first real one): no history
    return read_table(riwayat, rows)


def reported_rejections(validation: ValidationRun, week: RunWeek, today: dt.date) -> pd.DataFrame:
    """The rejected entries this week reports: not those dated after the cut-off that are valid
    in time (they wait for their own week); a date in the future or unreadable always shows."""
    rejected = validation.tables["rejected"]
    day = pd.to_datetime(rejected["tanggal_nilai"])
    waiting = (day > pd.Timestamp(week.cut_off)) & (day <= pd.Timestamp(today))
    return rejected[~waiting.fillna(False)]


def score_validation(
    config: Config,
    week: RunWeek,
    validation: ValidationRun,
    history: pd.DataFrame,
    *,
    today: dt.date,
) -> ScoreResult:
    """The week's scores from a validation run, with every number from config; units that
    could not be read are listed in Ringkasan Unit with the reason."""
    tables = validation.tables
    result = score_week(
        roster=tables["pegawai"],
        indicators=tables["indikator"],
        entries=tables["realisasi"],
        behaviour=tables["perilaku"],
        history=history,
        rejected=reported_rejections(validation, week, today),
        week=week,
        period=week.period,
        scoring=config.scoring,
        organisation=config.organisation,
        computed=computed_realisations(
            tables["indikator"],
            tables["survei"],
            tables["layanan"],
            start=week.period.start,
            cut_off=week.cut_off,
            settings=config.outcomes,
        ),
    )
    return _with_unreadable_units(result, validation.failed_units, week)


def _with_unreadable_units(
    result: ScoreResult, failed: dict[str, str], week: RunWeek
) -> ScoreResult:
    if not failed:
        return result
    missing = pd.DataFrame(
        [
            {"minggu": week.key, "unit": unit, "keterangan": f"{UNREADABLE}: {reason}"}
            for unit, reason in failed.items()
        ]
    )
    # Before the organisation's row (the last), so the unit rows stay together.
    units = result.units
    units = pd.concat([units.iloc[:-1], missing, units.iloc[-1:]], ignore_index=True)
    return dataclasses.replace(result, units=units)


def backfill_history(
    config: Config,
    week: RunWeek,
    validation: ValidationRun,
    history: pd.DataFrame,
    *,
    today: dt.date,
    now: dt.datetime,
) -> pd.DataFrame:
    """Riwayat with the (week, NIP) rows before ``week`` that it lacks, within the trend window.

    On the first run, after weeks without a run, or after a week in which a unit could not be
    read, the trend and the change since last week would miss people although their entries are
    there: each missing (week, NIP) is scored from the same validated entries with that week's
    cut-off. Rows already in Riwayat are never rewritten (they record what was published then),
    nor weeks before any entry or of an earlier period.
    """
    roster = validation.tables["pegawai"]
    active = set(roster.loc[roster["status"] == ACTIVE, "nip"].astype(str))
    earlier: list[RunWeek] = []
    past = week.earlier()
    while past is not None and len(earlier) < config.scoring.trend_weeks - 1:
        earlier.insert(0, past)  # oldest first, so each week's change uses the one before
        past = past.earlier()
    for past in earlier:
        known = set(history.loc[history["minggu"].astype(str) == past.key, "nip"].astype(str))
        if active <= known:
            continue
        scores = score_validation(config, past, validation, history, today=today)
        missing = scores.people[~scores.people["nip"].isin(known)]
        if scores.entries_scored and len(missing):
            fresh = missing.assign(diperbarui=now)[list(history.columns)]
            history = pd.concat([history, fresh], ignore_index=True) if len(history) else fresh
    return history.sort_values(["minggu", "nip"], key=lambda s: s.astype(str), kind="stable")


def score_and_publish(
    config: Config,
    week: RunWeek,
    validation: ValidationRun,
    *,
    today: dt.date,
    book: Workbook,
    now: dt.datetime,
) -> tuple[ScoreResult, pd.DataFrame]:
    """Score a validation run and publish it to the summary workbook ``book``.

    Returns the scores and Riwayat as published (this week included), which the letters need.
    """
    history = backfill_history(config, week, validation, read_history(book), today=today, now=now)
    result = score_validation(config, week, validation, history, today=today)
    riwayat = upsert_history(history, result, week, now=now)
    publish_summary(book, result, temuan_rows(validation, config), riwayat=riwayat)
    return result, riwayat
