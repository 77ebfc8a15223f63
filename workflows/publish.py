"""Score a validated week and publish it to the summary workbook.

The summary tabs (Ringkasan Pegawai, Ringkasan Unit, Capaian Indikator, Temuan Validasi), the
views (Ikhtisar, Tren, Grafik's table) and the upserted Riwayat and Riwayat Unit are written in one
batch call. Riwayat keeps only the newest weeks that fit in ``summary.riwayat_cells``, Log Surat
those within ``summary.log_surat_cells`` (``window.py``); the rows that leave are archived to
``<state>/riwayat/<year>.csv`` and ``<state>/log_surat/<year>.csv`` first (``archive.py``), so a
crash between the two leaves them in both places and a re-run is idempotent. The local ``.xlsx`` gets its look (``presentation``) and native charts at every save.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.workbook.workbook import Workbook as XlsxBook

from .archive import archive_rows
from .backends import open_summary
from .calendar import RunWeek
from .check import ValidationRun, temuan_rows
from .config import Config
from .ikhtisar import (
    OverviewLimits,
    last_week,
    overview_rows,
    predikat_rows,
    trend_rows,
    unit_means,
    upsert_unit_history,
)
from .labels import ACTIVE, UNREADABLE
from .local import apply_look, draw_chart, order_tabs, style_overview, style_view
from .outcomes import computed_realisations
from .overview import attention, support_requests, unit_changes
from .presentation import CHART_TAB, OVERVIEW_TAB, TREND_TAB, summary_charts, summary_looks
from .schema import Tab, summary_tabs, tab
from .score import ScoreResult, score_week
from .window import split_window
from .workbook import Rows, Workbook, WorkbookNotFound

# What publish reads of the summary's past (Google reads them ahead, with the tabs' headers).
HISTORY_TABS = ("riwayat", "riwayat_unit", "log_surat")
RIWAYAT_ARCHIVE = "riwayat"  # <state folder>/riwayat/<year>.csv: the weeks Riwayat no longer holds
LOG_SURAT_ARCHIVE = "log_surat"  # <state folder>/log_surat/<year>.csv
# Each archived row's identity: Riwayat has one row per week and NIP; a Log Surat row is one
# journal record, named by its ID (unique in the journal); the other fields keep apart rows
# typed or kept without one.
ARCHIVE_KEYS = {
    "riwayat": ["minggu", "nip"],
    "log_surat": ["minggu", "nip", "jenis", "waktu", "status", "id"],
}
# Log Surat keeps this week and the last at least: a sync cut short is checked against it.
LOG_SURAT_WEEKS = 2

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


# -- the local workbook's look -------------------------------------------------------------------


def summary_on_save() -> Callable[[XlsxBook], None]:
    """The local summary's ``on_save`` hook: every tab's look (presentation.summary_looks) and
    the charts, set afresh at each save (openpyxl reads charts back only in part)."""

    def on_save(book: XlsxBook) -> None:
        looks = summary_looks(_published_week(book))
        order_tabs(book, [look.tab for look in looks])
        for look in looks:
            if look.tab in book.sheetnames:
                style_view(book[look.tab], look.tab)
                apply_look(book[look.tab], look)
        if OVERVIEW_TAB in book.sheetnames:
            style_overview(book[OVERVIEW_TAB])
        charts = summary_charts()
        for title in {chart.anchor_tab for chart in charts} & set(book.sheetnames):
            book[title]._charts = []  # those openpyxl read back from the file: drawn afresh
        for chart in charts:
            draw_chart(book, chart)

    return on_save


def _published_week(book: XlsxBook) -> str:
    """The week the summary shows (Ringkasan Unit's first Minggu), for the page headers."""
    units = tab("ringkasan_unit").name
    if units not in book.sheetnames:
        return ""
    value = book[units].cell(row=2, column=1).value
    return "" if value is None else str(value)


def open_summary_book(config: Config, *, prepare: bool = True) -> Workbook:
    """The summary workbook with the local colours and chart; with ``prepare``, every schema tab
    is made present first (a dry run reads only, so it does not prepare)."""
    book = open_summary(config, on_save=summary_on_save())
    if prepare:
        book.ensure_tabs(summary_tabs())
    return book


# -- publishing ----------------------------------------------------------------------------------


def publish_summary(
    book: Workbook,
    result: ScoreResult,
    temuan: Sequence[Sequence[Any]],
    *,
    riwayat: pd.DataFrame,
    unit_history: pd.DataFrame,
    views: dict[str, list[list[Any]]],
    log_surat: pd.DataFrame | None = None,
    trimmed: Mapping[str, int] | None = None,
) -> None:
    """Rewrite the summary tabs, Riwayat and Riwayat Unit in one batch.

    ``temuan`` are the Temuan Validasi rows (``check.temuan_rows``); ``riwayat`` and
    ``unit_history`` the histories with this week's rows upserted; ``views`` the rows of the
    tabs that are not schema tabs (Ikhtisar, Tren, Grafik), by title; ``log_surat`` the Log
    Surat rows its window keeps, when some left it (else the tab is not written); ``trimmed``
    how many rows below the header, per tab title, left its top since it was read.
    """
    contents = {
        "ringkasan_pegawai": sorted_people(result.people),
        "ringkasan_unit": result.units,
        "capaian_indikator": result.indicators,
        "riwayat": riwayat,
        "riwayat_unit": unit_history,
        **({"log_surat": log_surat} if log_surat is not None else {}),
    }
    rows = {tab(k).name: sheet_rows(tab(k), frame) for k, frame in contents.items()}
    temuan_tab = tab("temuan_validasi")
    rows[temuan_tab.name] = [temuan_tab.headers, *temuan]
    book.replace_tabs({**views, **rows}, trimmed=trimmed)


def sorted_people(people: pd.DataFrame) -> pd.DataFrame:
    """Ringkasan Pegawai's order (presentation): by unit, best Nilai Capaian first, then name;
    an ASN without a score last in the unit."""
    look = next(lk for lk in summary_looks("") if lk.tab == tab("ringkasan_pegawai").name)
    keys = [*look.sort_by, "nama"]
    ascending = [not d for d in look.sort_descending] + [True]
    return people.sort_values(keys, ascending=ascending, na_position="last", kind="stable")


@dataclasses.dataclass(frozen=True)
class Histories:
    """The summary's tabs that keep the past (schema keys as columns; empty if none yet)."""

    riwayat: pd.DataFrame
    unit_history: pd.DataFrame  # Riwayat Unit
    log_surat: pd.DataFrame


def read_history(book: Workbook) -> pd.DataFrame:
    """The summary's Riwayat rows as a DataFrame with the schema keys (empty if none yet)."""
    return read_histories(book).riwayat


def read_histories(book: Workbook) -> Histories:
    """Riwayat, Riwayat Unit and Log Surat, read at once."""
    tabs = [tab(k) for k in HISTORY_TABS]
    try:
        found = book.read_tabs([t.name for t in tabs])
    except WorkbookNotFound:
        found = {}  # no summary yet (a dry run before the first real one): no history
    return Histories(*(read_table(t, found.get(t.name)) for t in tabs))


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

    Returns the scores and Riwayat with this week upserted (the rows that left the summary's
    window in this publish included), which the letters need.
    """
    held = read_histories(book)
    history = backfill_history(config, week, validation, held.riwayat, today=today, now=now)
    result = score_validation(config, week, validation, history, today=today)
    riwayat = upsert_history(history, result, week, now=now)
    previous = last_week(held.unit_history, riwayat, week.previous_key, config.organisation)
    window = keep_windows(config, riwayat, held)
    views = summary_views(
        config,
        week,
        validation,
        result,
        riwayat,
        previous=previous,
        window=(window.riwayat, window.unit_history),
    )
    publish_summary(
        book,
        result,
        temuan_rows(validation, config),
        riwayat=window.riwayat,
        unit_history=upsert_unit_history(window.unit_history, result.units, week.key, now=now),
        views=views,
        log_surat=window.log_surat,
        trimmed=window.trimmed,
    )
    return result, riwayat


@dataclasses.dataclass(frozen=True)
class Windows:
    """What the summary keeps of Riwayat and Log Surat, and how many rows left each tab's top."""

    riwayat: pd.DataFrame
    unit_history: pd.DataFrame  # with the means of the weeks that left Riwayat
    log_surat: pd.DataFrame | None  # None when no row left it (the tab is not rewritten)
    trimmed: dict[str, int]  # tab title -> rows below its header that left its top


def keep_windows(config: Config, riwayat: pd.DataFrame, held: Histories) -> Windows:
    """Riwayat's window (``summary.riwayat_cells``, never fewer weeks than the trend needs)
    and Log Surat's (``summary.log_surat_cells``, never fewer than ``LOG_SURAT_WEEKS``); Riwayat
    Unit gains the means of the weeks that leave Riwayat. The leaving rows are archived here,
    before the summary is written: a crash in between leaves them in both places, and a re-run
    upserts the same rows into the archive again. The send journal, not Log Surat, says which
    letters were sent, so the window never lets a letter go twice."""
    state = config.path(config.state.folder)
    kept, departing = _archived_window(
        riwayat,
        "riwayat",
        cells=config.summary.riwayat_cells,
        minimum=config.scoring.trend_weeks + 1,
        folder=state / RIWAYAT_ARCHIVE,
    )
    log_kept, log_departing = _archived_window(
        held.log_surat,
        "log_surat",
        cells=config.summary.log_surat_cells,
        minimum=LOG_SURAT_WEEKS,
        folder=state / LOG_SURAT_ARCHIVE,
    )
    unit_history = held.unit_history
    if len(departing):
        derived = unit_means(departing, unit_history, config.organisation)
        merged = pd.concat([unit_history, derived], ignore_index=True)
        unit_history = merged.sort_values("minggu", key=lambda s: s.astype(str), kind="stable")
    trimmed = {
        tab("riwayat").name: _leading_departed(held.riwayat, kept),
        tab("log_surat").name: _leading_departed(held.log_surat, log_kept),
    }
    return Windows(kept, unit_history, log_kept if len(log_departing) else None, trimmed)


def _archived_window(
    rows: pd.DataFrame, key: str, *, cells: int, minimum: int, folder: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tab ``key``'s rows as those its window keeps and those that leave it, archived."""
    kept, departing = split_window(
        rows, columns=len(tab(key).columns), cells=cells, minimum=minimum
    )
    archive_rows(folder, departing, key=ARCHIVE_KEYS[key])
    return kept, departing


def _leading_departed(read: pd.DataFrame, kept: pd.DataFrame) -> int:
    """How many of the rows as read, from the top, are of weeks the window no longer keeps."""
    inside = read["minggu"].astype(str).isin(set(kept["minggu"].astype(str))).to_numpy()
    return int(inside.argmax()) if inside.any() else len(inside)


def summary_views(
    config: Config,
    week: RunWeek,
    validation: ValidationRun,
    result: ScoreResult,
    riwayat: pd.DataFrame,
    *,
    previous: pd.DataFrame,
    window: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> dict[str, list[list[Any]]]:
    """Ikhtisar, Tren and Grafik's rows: from the same scores, lists and Riwayat as the digest.

    With ``window`` (Riwayat as the summary keeps it, and Riwayat Unit), Tren shows the weeks
    before the window from Riwayat Unit's means."""
    people = result.people
    overview = overview_rows(
        week=week,
        organisation=config.organisation,
        units=result.units,
        changes=unit_changes(result.units, riwayat, week),
        previous=previous,
        attention=attention(
            people,
            lowest=config.letters.attention_lowest,
            silent_weeks=config.letters.silent_weeks,
        ),
        support=support_requests(validation.tables["refleksi"], people, week.key),
        limits=OverviewLimits(
            attention_rows=config.summary.overview_attention_rows,
            support_rows=config.summary.overview_support_rows,
        ),
    )
    units = [u.name for u in config.units]
    kept, unit_history = window if window is not None else (riwayat, None)
    return {
        OVERVIEW_TAB: overview,
        TREND_TAB: trend_rows(kept, config.organisation, units, unit_history=unit_history),
        CHART_TAB: predikat_rows(result.units, config.organisation),
    }
