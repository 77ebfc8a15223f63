"""Read every unit workbook once, validate, and write Status and Pesan Validasi back.

The I/O edge around the pure ``validate`` module. Write-back touches only the two system columns
of the Realisasi tab, in one batch write per workbook, and only when the staff's cells still hold
what was read: if rows were inserted, sorted or deleted meanwhile, that workbook is skipped and
reported, so a status never lands next to the wrong row. A backend that cannot refuse a save
over a concurrent edit (Google Sheets) reads the tab back in the write's own answer, and a status
that landed beside changed content is cleared again. A week whose statuses are already right
writes and re-reads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from . import schema
from .backends import open_unit
from .calendar import RunWeek
from .config import Config, Period, Unit
from .findings import STATUS_FOR_SEVERITY, Finding
from .local import WorkbookMergedCell
from .validate import (
    UnitData,
    combine,
    merged_system_cell,
    missing_unit,
    realisasi_statuses,
    roster_nips,
    unreadable_unit,
    validate_units,
)
from .workbook import (
    Columns,
    RangeUpdate,
    TabValues,
    Workbook,
    WorkbookError,
    WorkbookNotFound,
    trim_rows,
)

# The optional record tabs are read in the same batch, under every title they may carry.
UNIT_TAB_NAMES = [t.name for t in schema.unit_tabs()] + [
    title for t in schema.record_tabs() for title in t.titles
]
_REALISASI = schema.tab("realisasi").name


@dataclass
class ValidationRun:
    """Every unit's validated data and findings, and what write-back did to each workbook."""

    week: RunWeek
    units: list[UnitData]
    writeback: list[str] = field(default_factory=list)  # one sentence per workbook

    @property
    def findings(self) -> list[Finding]:
        return [f for u in self.units for f in u.findings]

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """All units' tables concatenated, computed once per run."""
        return combine(self.units)

    @property
    def failed_units(self) -> dict[str, str]:
        """Unit name → why its data could not be used this run (unreadable, missing tab …)."""
        return {
            u.unit: "; ".join(
                f.message.removeprefix(f"Workbook {u.workbook}: ")
                for f in u.findings
                if f.severity == "error"
            )
            for u in self.units
            if u.failed
        }


def run_validation(
    config: Config,
    week: RunWeek,
    *,
    today: dt.date,
    entry_period: Period,
    only_unit: str | None = None,
    write_back: bool = True,
    write_back_unit: str | None = None,
) -> ValidationRun:
    """Read, validate and (by default) write statuses back, for every unit or just one.

    ``today`` is the real local date and ``entry_period`` the dates an entry may carry ("in the
    future" and "outside the period" are judged against them, never against the replayed week). A workbook that cannot be read becomes a ``workbook-unreadable`` finding; the
    others go on. With ``only_unit``, the other units' Pegawai tabs are still read so a supervisor
    from another unit is known. ``write_back_unit`` validates every unit (the summary needs them
    all) but writes statuses back to that unit's workbook only.
    """
    chosen = [config.unit(only_unit)] if only_unit else list(config.units)
    books: dict[str, Workbook] = {}
    raws: list[tuple[str, str, dict[str, TabValues | None]]] = []
    unreadable: dict[str, UnitData] = {}
    for unit in chosen:
        book = open_unit(config, unit)
        try:
            raws.append(
                (unit.name, book.label, book.read_tabs(UNIT_TAB_NAMES, by_column=[_REALISASI]))
            )
            books[unit.name] = book
        except WorkbookError as exc:
            unreadable[unit.name] = _unreadable(config, unit, book.label, exc)
    extra_nips, all_read = _other_rosters(config, chosen)
    validated = validate_units(
        raws,
        today=today,
        period=entry_period,
        check_nip_structure=config.nip.check_structure,
        extra_nips=extra_nips,
        rosters_complete=all_read and not unreadable,
        settings=config.validation,
    )
    by_name = {u.unit: u for u in validated} | unreadable
    run = ValidationRun(week=week, units=[by_name[u.name] for u in chosen])
    if write_back:
        target = config.unit(write_back_unit).name if write_back_unit else None
        first_reads = {name: raw.get(_REALISASI) for name, _, raw in raws}
        run.writeback = [
            write_statuses(books[data.unit], data, first_reads[data.unit])
            for data in run.units
            if data.unit in books and target in (None, data.unit)
        ]
    return run


def _unreadable(config: Config, unit: Unit, label: str, exc: WorkbookError) -> UnitData:
    if isinstance(exc, WorkbookNotFound):
        where = (
            str(config.path(config.local.folder) / unit.workbook)
            if config.backend == "local"
            else f"spreadsheet {unit.workbook}"
        )
        return missing_unit(unit.name, label, where)
    return unreadable_unit(unit.name, label, str(exc).rstrip("."))


def _other_rosters(config: Config, chosen: Sequence[Unit]) -> tuple[set[str], bool]:
    """NIPs of units not validated this run (``--unit``): supervisors may sit there; and whether
    every one of those rosters could be read (if not, an unknown supervisor is no finding)."""
    names = {u.name for u in chosen}
    pegawai = schema.tab("pegawai").name
    nips: set[str] = set()
    all_read = True
    for unit in config.units:
        if unit.name in names:
            continue
        try:
            nips |= roster_nips(open_unit(config, unit).read_tabs([pegawai]))
        except WorkbookError:
            all_read = False  # that unit's own run reports it
    return nips, all_read


# -- write-back ----------------------------------------------------------------------------------


def write_statuses(book: Workbook, data: UnitData, read: TabValues | None) -> str:
    """Write Status and Pesan Validasi of every Realisasi row in one batch; say what happened.

    The wanted statuses are compared with those read first, so a week with nothing new costs no
    further request. A backend that refuses a save over a concurrent edit (local files) re-reads
    the tab before writing; on Google a status written beside a row moved meanwhile is cleared
    again (``_write``).
    """
    label = book.label
    if data.failed or read is None:
        return f"{label}: status tidak ditulis karena workbook gagal diperiksa."
    first = read if isinstance(read, Columns) else Columns.from_rows(read)
    columns = _system_columns(first.header)
    if columns is None:
        return (
            f"{label}: status dilewati karena kolom Status atau Pesan Validasi belum ada di tab "
            f"{_REALISASI}; jalankan 'python run.py init' terlebih dahulu."
        )
    statuses = realisasi_statuses(data)
    wanted = [statuses.get(row, ("", "")) for row in range(2, first.height + 2)]
    current = list(zip(*(map(_cell, first.cells(i)) for i in columns), strict=True))
    if wanted == current:
        return f"{label}: status sudah sesuai; tidak ada yang ditulis."
    if not wanted:
        return f"{label}: tab {_REALISASI} belum berisi entri; tidak ada yang ditulis."
    if book.refuses_concurrent_saves:
        try:
            again = book.read_tabs([_REALISASI], by_column=[_REALISASI])[_REALISASI]
        except WorkbookError as exc:
            return f"{label}: status dilewati karena workbook tidak dapat dibaca ulang ({exc})."
        if again is None or _staff_columns(again, columns) != _staff_columns(first, columns):
            return _changed(label)
    try:
        cleared = _write(book, first, columns, wanted)
    except WorkbookMergedCell as exc:
        data.findings.append(merged_system_cell(data.workbook, exc.tab, exc.cell, exc.merged))
        return f"{label}: status dilewati karena {str(exc)[:1].lower()}{str(exc)[1:]}"
    except WorkbookError as exc:
        return f"{label}: status dilewati karena workbook tidak dapat ditulis ({exc})."
    if cleared:
        return _changed(label, cleared=cleared)
    rejected = sum(1 for s, _ in wanted if s == STATUS_FOR_SEVERITY["error"])
    return f"{label}: status {len(wanted)} baris ditulis ({rejected} ditolak)."


def _write(
    book: Workbook, first: Columns, columns: tuple[int, int], wanted: list[tuple[str, str]]
) -> int:
    """Write the statuses; returns how many rows' statuses were cleared again after the write.

    Google's write returns the tab as it stands right after it, in the same request
    (``GoogleWorkbook.write_ranges(read_back=)``), the check a backend that cannot refuse a
    concurrent save needs."""
    updates = _updates(columns, 2, wanted)
    if book.refuses_concurrent_saves:
        book.write_ranges(updates)
        return 0
    after = book.write_ranges(updates, read_back=_REALISASI)  # type: ignore[call-arg]
    return _clear_moved_statuses(book, first, after, columns)


def _changed(label: str, *, cleared: int = 0) -> str:
    detail = (
        f"; status {cleared} baris yang bergeser dikosongkan lagi" if cleared else " sejak dibaca"
    )
    return (
        f"{label}: status dilewati karena tab {_REALISASI} berubah{detail} (baris disisipkan, "
        "diurutkan atau dihapus). Status ditulis pada proses berikutnya."
    )


def _system_columns(header: Sequence[Any]) -> tuple[int, int] | None:
    """The 0-based positions of Status and Pesan Validasi in Realisasi's header, if both exist."""
    realisasi = schema.tab("realisasi")
    where = {
        col.key: i
        for i, text in enumerate(header)
        if text is not None and (col := realisasi.match_header(text)) is not None
    }
    if "status" not in where or "pesan_validasi" not in where:
        return None
    return where["status"], where["pesan_validasi"]


def _clear_moved_statuses(
    book: Workbook, first: Columns, after: Columns | None, columns: tuple[int, int]
) -> int:
    """From the first row whose staff cells are no longer the ones read first (an insert,
    delete or sort landed between the read and the write), clear every status: below that row
    a status may sit beside a shifted twin of its own row's content."""
    after = after or Columns([], [], 0)
    last = max(first.height, after.height) + 1
    moved = [
        _first_difference(first.cells(i), after.cells(i))
        for i in range(max(first.width, after.width))
        if i not in columns
    ]
    first_moved = min((k + 2 for k in moved if k is not None), default=None)
    if first_moved is None:
        return 0
    book.write_ranges(_updates(columns, first_moved, [("", "")] * (last - first_moved + 1)))
    return last - first_moved + 1


def _first_difference(before: list[Any], now: list[Any]) -> int | None:
    """The first index where two columns differ (the shorter padded with empty cells)."""
    length = max(len(before), len(now))
    before, now = before + [None] * (length - len(before)), now + [None] * (length - len(now))
    return next((k for k, (a, b) in enumerate(zip(before, now, strict=True)) if a != b), None)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _staff_columns(values: TabValues, columns: tuple[int, int]) -> list[list[Any]]:
    """Each staff column (header first) without the two system columns, trailing blanks dropped."""
    tab = values if isinstance(values, Columns) else Columns.from_rows(values)
    header = tab.header + [None] * (tab.width - len(tab.header))
    staff = [[header[i], *tab.cells(i)] for i in range(tab.width) if i not in columns]
    return trim_rows(staff)


def _updates(columns: tuple[int, int], first_row: int, wanted: list[tuple[str, str]]):
    """One range when the two columns are side by side (Status left of Pesan), else two."""
    status_col, message_col = columns
    if message_col == status_col + 1:
        return [RangeUpdate(_REALISASI, first_row, status_col + 1, [list(w) for w in wanted])]
    return [
        RangeUpdate(_REALISASI, first_row, status_col + 1, [[s] for s, _ in wanted]),
        RangeUpdate(_REALISASI, first_row, message_col + 1, [[m] for _, m in wanted]),
    ]


# -- the summary's Temuan Validasi -----------------------------------------------------------------


def temuan_rows(run: ValidationRun, config: Config) -> list[list[Any]]:
    """The run's findings as rows of the summary's Temuan Validasi tab (header excluded)."""
    files = {u.name: u.workbook for u in config.units}
    return [
        [
            run.week.key,
            data.unit,
            files.get(data.unit, f.workbook),
            f.tab,
            f.row,
            f.column,
            f.value,
            STATUS_FOR_SEVERITY[f.severity],
            f.code,
            f.message,
        ]
        for data in run.units
        for f in data.findings
    ]
