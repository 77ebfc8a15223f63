"""``validate``: read every unit workbook once, validate, write Status and Pesan Validasi back.

The I/O edge around the pure ``validate`` module. Write-back touches only the two system columns
of the Realisasi tab, in one batch write per workbook, and only when the staff's cells still hold
what was read: if rows were inserted, sorted or deleted meanwhile, that workbook is skipped and
reported, so a status never lands next to the wrong row.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import cli, schema
from .backends import open_unit
from .calendar import RunWeek
from .config import Config
from .findings import STATUS_FOR_SEVERITY, Finding
from .validate import (
    UnitData,
    combine,
    empty_tables,
    make_finding,
    realisasi_statuses,
    roster_nips,
    validate_units,
)
from .workbook import RangeUpdate, Rows, Workbook, WorkbookError

UNIT_TAB_NAMES = [t.name for t in schema.unit_tabs()]


@dataclass
class ValidationRun:
    week: RunWeek
    units: list[UnitData]
    writeback: list[str]  # one Indonesian sentence per workbook: written, unchanged or skipped

    @property
    def findings(self) -> list[Finding]:
        return [f for u in self.units for f in u.findings]

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return combine(self.units)


def run_validation(
    config: Config,
    week: RunWeek,
    *,
    only_unit: str | None = None,
    write_back: bool = True,
    write_back_unit: str | None = None,
) -> ValidationRun:
    """Read, validate and (by default) write statuses back, for every unit or just one.

    A workbook that cannot be read becomes a ``workbook-unreadable`` finding; the others go on.
    With ``only_unit``, the other units' Pegawai tabs are still read so a supervisor from another
    unit is known. ``write_back_unit`` validates every unit (the summary needs them all) but
    writes statuses back to that unit's workbook only.
    """
    chosen = [config.unit(only_unit)] if only_unit else list(config.units)
    target = config.unit(write_back_unit).name if write_back_unit else None
    books: dict[str, Workbook] = {}
    raws: list[tuple[str, str, dict[str, Rows | None]]] = []
    unreadable: dict[str, UnitData] = {}
    for unit in chosen:
        book = open_unit(config, unit)
        try:
            raws.append((unit.name, book.label, book.read_tabs(UNIT_TAB_NAMES)))
            books[unit.name] = book
        except WorkbookError as exc:
            unreadable[unit.name] = _unreadable(unit.name, book.label, exc)
    validated = validate_units(
        raws,
        today=week.today,
        period=config.period,
        check_nip_structure=config.nip.check_structure,
        extra_nips=_other_rosters(config, chosen),
    )
    by_name = {u.unit: u for u in validated} | unreadable
    units = [by_name[u.name] for u in chosen]
    writeback: list[str] = []
    if write_back:
        first_reads = {name: raw for name, _, raw in raws}
        for data in units:
            if data.unit in books and target in (None, data.unit):
                writeback.append(
                    write_statuses(books[data.unit], data, first_reads[data.unit].get(_REALISASI))
                )
    return ValidationRun(week=week, units=units, writeback=writeback)


def _unreadable(unit: str, label: str, exc: WorkbookError) -> UnitData:
    finding = make_finding("workbook-unreadable", workbook=label, tab="", detail=str(exc))
    return UnitData(unit, label, empty_tables(), [finding], failed=True)


def _other_rosters(config: Config, chosen: Sequence[Any]) -> set[str]:
    """NIPs of units not validated this run (``--unit``): supervisors may sit there."""
    names = {u.name for u in chosen}
    pegawai = schema.tab("pegawai").name
    nips: set[str] = set()
    for unit in config.units:
        if unit.name in names:
            continue
        try:
            nips |= roster_nips(open_unit(config, unit).read_tabs([pegawai]))
        except WorkbookError:
            continue  # that unit's own run reports it
    return nips


# -- write-back ----------------------------------------------------------------------------------

_REALISASI = schema.tab("realisasi").name


def write_statuses(book: Workbook, data: UnitData, first_read: Rows | None) -> str:
    """Write Status and Pesan Validasi of every Realisasi row in one batch; say what happened."""
    label = book.label
    if data.failed or first_read is None:
        return f"{label}: status tidak ditulis karena workbook gagal diperiksa."
    header = first_read[0] if first_read else []
    realisasi = schema.tab("realisasi")
    where = {
        col.key: i
        for i, text in enumerate(header)
        if text is not None and (col := realisasi.match_header(text)) is not None
    }
    if "status" not in where or "pesan_validasi" not in where:
        return (
            f"{label}: status dilewati karena kolom Status atau Pesan Validasi belum ada di tab "
            f"{_REALISASI}; jalankan 'python run.py init' terlebih dahulu."
        )
    system = {where["status"], where["pesan_validasi"]}
    try:
        again = book.read_tabs([_REALISASI])[_REALISASI]
    except WorkbookError as exc:
        return f"{label}: status dilewati karena workbook tidak dapat dibaca ulang ({exc})."
    if again is None or _staff_cells(again, system) != _staff_cells(first_read, system):
        return (
            f"{label}: status dilewati karena tab {_REALISASI} berubah sejak dibaca (baris "
            "disisipkan, diurutkan atau dihapus). Jalankan ulang 'python run.py validate'."
        )
    statuses = realisasi_statuses(data)
    wanted = [statuses.get(row, ("", "")) for row in range(2, len(first_read) + 1)]
    current = [
        (_cell(r, where["status"]), _cell(r, where["pesan_validasi"])) for r in first_read[1:]
    ]
    if wanted == current:
        return f"{label}: status sudah sesuai; tidak ada yang ditulis."
    if not wanted:
        return f"{label}: tab {_REALISASI} belum berisi entri; tidak ada yang ditulis."
    updates = _updates(where["status"], where["pesan_validasi"], wanted)
    try:
        book.write_ranges(updates)
    except WorkbookError as exc:
        return f"{label}: status dilewati karena workbook tidak dapat ditulis ({exc})."
    rejected = sum(1 for s, _ in wanted if s == STATUS_FOR_SEVERITY["error"])
    return f"{label}: status {len(wanted)} baris ditulis ({rejected} ditolak)."


def _cell(row: Sequence[Any], i: int) -> str:
    value = row[i] if i < len(row) else None
    return "" if value is None else str(value)


def _staff_cells(rows: Rows, system: set[int]) -> list[tuple[Any, ...]]:
    """Every row's cells except the system columns, trailing blanks dropped."""
    out = []
    for row in rows:
        cells = [v for i, v in enumerate(row) if i not in system]
        while cells and cells[-1] in (None, ""):
            cells.pop()
        out.append(tuple(cells))
    while out and not out[-1]:
        out.pop()
    return out


def _updates(status_col: int, message_col: int, wanted: list[tuple[str, str]]) -> list[RangeUpdate]:
    """One range when the two columns are side by side (Status left of Pesan), else two."""
    if message_col == status_col + 1:
        return [RangeUpdate(_REALISASI, 2, status_col + 1, [list(w) for w in wanted])]
    return [
        RangeUpdate(_REALISASI, 2, status_col + 1, [[s] for s, _ in wanted]),
        RangeUpdate(_REALISASI, 2, message_col + 1, [[m] for _, m in wanted]),
    ]


# -- command -------------------------------------------------------------------------------------


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


def cmd_validate(config: Config, args: argparse.Namespace) -> int:
    """Print the findings per workbook (or ``--json``) and write statuses back; exit 0."""
    run = run_validation(config, cli.week_for(config, args), only_unit=args.unit)
    if args.json:
        print(json.dumps([f.to_dict() for f in run.findings], ensure_ascii=False, indent=2))
        for line in run.writeback:
            print(line, file=sys.stderr)
        return cli.EXIT_OK
    for data in run.units:
        title = data.unit if data.workbook == data.unit else f"{data.unit} ({data.workbook})"
        print(f"\n== {title} ==")
        if not data.findings:
            print("Tidak ada temuan.")
            continue
        cli.print_table(
            ["Tab", "Baris", "Kolom", "Tingkat", "Pesan"],
            [
                [f.tab, f.row or "", f.column or "", STATUS_FOR_SEVERITY[f.severity], f.message]
                for f in data.findings
            ],
        )
    print()
    for line in run.writeback:
        print(line)
    print(_summary(run))
    return cli.EXIT_OK


def _summary(run: ValidationRun) -> str:
    errors = sum(f.severity == "error" for f in run.findings)
    warnings = len(run.findings) - errors
    accepted = sum(len(u.tables["realisasi"]) for u in run.units)
    failed = sum(u.failed for u in run.units)
    tail = f"; {failed} workbook gagal diperiksa" if failed else ""
    return (
        f"Minggu {run.week.key}: {len(run.units)} workbook diperiksa, {accepted} entri realisasi "
        f"diterima, {errors} temuan ditolak dan {warnings} peringatan{tail}."
    )
