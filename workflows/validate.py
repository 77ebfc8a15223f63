"""Pure validation: the raw tab values of a unit workbook in, clean typed tables and findings out.

The schemas in ``sheets_schema/`` drive everything: which headers (and aliases) name which column,
each column's type, allowed values, defaults and whether it is required. Each check declares the
findings it yields right above its logic (``@declares(Rule(...))``, see ``findings.py``): a
stable code, its severity and an Indonesian message saying what to type instead. Rows with an
error are left out of the tables; rows with only warnings stay. Nothing here touches files,
network or the clock: ``today`` is the real local date, passed in, and no cut-off is involved, so
a row's status is the same whichever week is scored.

A city-year holds millions of Realisasi rows that repeat a few thousand distinct values, so
work is done per distinct value wherever it can be and never per unit: ``validate_units`` stacks
the tabs of many units into one sheet (``_Sheet.stacked``), each cell kept as its position among
its column's distinct values; each column of a stack is parsed once over those values; rosters and indicator
catalogues are looked up by integer (code, unit) keys; and per row there are only integer takes
and vectorised comparisons. Findings and tables are then handed back to each unit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_float_dtype

from . import outcomes, parse
from .config import Period, Validation
from .findings import RULES, STATUS_FOR_SEVERITY, Finding, Rule, Severity, declares, make_finding
from .indonesian import format_date
from .schema import Column, Tab, normalise_header, record_tabs, tab, unit_tabs
from .workbook import Columns, TabValues, find_tab_title

DEFAULT_SETTINGS = Validation()
TABLE_KEYS = ("pegawai", "indikator", "realisasi", "perilaku", "refleksi", "survei", "layanan")
# tanggal is the date as typed; tanggal_nilai the parsed date (NaT when the date is the mistake)
REJECTED_COLUMNS = ("row", "nip", "id_indikator", "tanggal", "tanggal_nilai", "realisasi", "pesan")
_STATUS_OK = "OK"


@dataclass
class UnitData:
    """One unit's validated tables (see ARCHITECTURE.md, "Validated unit") and its findings."""

    unit: str
    workbook: str
    tables: dict[str, pd.DataFrame]
    findings: list[Finding]
    failed: bool = False
    # Realisasi rows with an error, for the letters: columns REJECTED_COLUMNS.
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))


@dataclass(frozen=True)
class _Context:
    unit: str
    workbook: str
    today: dt.date  # the real local date: "in the future" means after it
    start: dt.date
    end: dt.date
    check_nip_structure: bool
    settings: Validation


def _extra_columns(column: Column) -> tuple[str, ...]:
    """Typed columns a cell yields besides its key (a range target, a period's first day)."""
    if column.type == "target":
        return (f"{column.key}_low", f"{column.key}_high", f"{column.key}_text")
    if column.type == "month_or_quarter":
        return (f"{column.key}_mulai",)
    return ()


def table_columns(tab: Tab) -> list[str]:
    """The columns of a validated table: schema keys, derived columns, ``unit``, ``row``."""
    keys = [c.key for c in tab.columns]
    return keys + [x for c in tab.columns for x in _extra_columns(c)] + ["unit", "row"]


def empty_tables() -> dict[str, pd.DataFrame]:
    return {t.key: pd.DataFrame(columns=table_columns(t)) for t in [*unit_tabs(), *record_tabs()]}


def _code(code: str, where: pd.Series) -> pd.Series:
    """``code`` on the rows where ``where`` holds (what ``_Sheet.emit`` takes); other rows are
    left out, so a check that finds nothing costs no pass over the rows."""
    return pd.Series(code, index=where.index[where.to_numpy(dtype=bool, na_value=False)])


# -- whole workbook and tab ----------------------------------------------------------------------


@declares(
    Rule(
        "workbook-unreadable",
        "error",
        problem="workbook tidak dapat dibaca: {detail}.",
        fix="Perbaiki penyebabnya lalu jalankan ulang; unit lain tetap diproses.",
        scope="seluruh workbook",
        example={"detail": "berkas rusak atau bukan workbook .xlsx"},
    )
)
def unreadable_unit(unit: str, workbook: str, detail: str) -> UnitData:
    """A unit whose workbook could not be read at all: one finding, no tables, ``failed``.

    ``detail`` is one Indonesian clause (no final full stop) saying why.
    """
    finding = make_finding("workbook-unreadable", workbook=workbook, tab="", detail=detail)
    return UnitData(unit, workbook, empty_tables(), [finding], failed=True)


@declares(
    Rule(
        "workbook-missing",
        "error",
        problem="workbook unit ini tidak ditemukan: {location}.",
        fix="Periksa nama berkas atau kunci spreadsheet unit ini di config.yaml, atau jalankan "
        "'python run.py init' untuk membuatnya; unit lain tetap diproses.",
        scope="seluruh workbook",
        example={"location": "data/demo/pelayanan.xlsx"},
    )
)
def missing_unit(unit: str, workbook: str, location: str) -> UnitData:
    """A unit whose workbook does not exist where config says: one finding, no tables."""
    finding = make_finding("workbook-missing", workbook=workbook, tab="", location=location)
    return UnitData(unit, workbook, empty_tables(), [finding], failed=True)


@declares(
    Rule(
        "merged-system-cell",
        "error",
        problem="sel {value} berada dalam sel gabungan {merged}, sehingga Status tidak dapat "
        "ditulis di workbook ini.",
        fix="Pisahkan sel itu (Unmerge Cells / Pisahkan Sel); status ditulis pada proses berikutnya.",
        tab="Realisasi",
        scope="seluruh workbook",
        example={"value": "G5", "merged": "G5:H6"},
    )
)
def merged_system_cell(workbook: str, tab: str, cell: str, merged: str) -> Finding:
    """A system cell inside merged cells: write-back of the whole workbook was refused."""
    return make_finding("merged-system-cell", workbook=workbook, tab=tab, value=cell, merged=merged)


_RENAMED = "judul kolom '{value}' tidak dikenal; mungkin maksudnya '{column}'."


class _Sheet:
    """One tab's raw cells under schema keys (index = sheet row), and the findings about it."""

    @declares(
        Rule(
            "missing-tab",
            "error",
            problem="tab {tab} tidak ada.",
            fix="Jalankan 'python run.py init' untuk membuatnya, atau kembalikan nama tab yang terganti menjadi '{tab}'.",
            scope="setiap tab",
            example={"tab": "Realisasi"},
        ),
        Rule(
            "missing-header",
            "error",
            problem="baris 1 kosong, padahal harus berisi judul kolom ({headers}).",
            fix="Jalankan 'python run.py init' untuk menuliskannya.",
            scope="baris judul (baris 1) setiap tab",
            example={"tab": "Pegawai", "headers": ", ".join(tab("pegawai").headers)},
        ),
    )
    def __init__(self, tab: Tab, values: TabValues | None, ctx: _Context) -> None:
        self.tab, self.ctx, self.contexts = tab, ctx, [ctx]
        # (unit, position or -1 for the whole tab, finding), in the order they were found
        self.found: list[tuple[int, int, Finding]] = []
        self.failed = False
        columns = _columns(values or [])
        self.index = pd.RangeIndex(columns.height)  # positions; rows[i] is the sheet row
        self.rows = np.arange(2, columns.height + 2)
        self.units = np.zeros(columns.height, dtype=np.intp)
        self.rejected = pd.Series(False, index=self.index)
        # Each column's cells as typed; hashed into ``cells`` when first asked for, or once
        # for a whole stack of units (``stacked``).
        self.typed_cells: dict[str, np.ndarray] = {}
        self._cells: dict[str, tuple[np.ndarray, pd.Series]] | None = None
        self.parsed: dict[str, tuple[parse.Parsed, dict]] | None = None  # of those values
        if values is None:
            self._whole("missing-tab")
            return
        if not any(str(h or "").strip() for h in columns.header):
            self._whole("missing-header", headers=", ".join(tab.headers))
            return
        positions = self._match_header(columns.header)
        for col in tab.columns:
            if col.is_system:  # Status and Pesan Validasi are written, never read
                continue
            self.typed_cells[col.key] = _column_cells(columns, positions.get(col.key))

    @property
    def cells(self) -> dict[str, tuple[np.ndarray, pd.Series]]:
        """Each column's cells as positions among its distinct values (``parse.distinct``)."""
        if self._cells is None:
            self._cells = {
                key: parse.distinct(pd.Series(typed, dtype=object))
                for key, typed in self.typed_cells.items()
            }
        return self._cells

    @classmethod
    def stacked(cls, sheets: Sequence[_Sheet]) -> _Sheet:
        """One tab of several units' workbooks as one sheet: each column's cells hashed once and
        parsed once over the distinct values of all of them; findings so far stay with their
        unit."""
        first = sheets[0]
        self = cls.__new__(cls)
        self.tab, self.ctx, self.contexts = first.tab, first.ctx, [s.ctx for s in sheets]
        self.failed, self.typed_cells, self._cells = False, {}, {}
        heights = [len(s.index) for s in sheets]
        starts = np.cumsum([0, *heights])
        self.found = [
            (u, p if p < 0 else p + int(starts[u]), f)
            for u, s in enumerate(sheets)
            for _, p, f in s.found
        ]
        self.index = pd.RangeIndex(int(starts[-1]))
        self.rows = np.concatenate([s.rows for s in sheets])
        self.units = np.repeat(np.arange(len(sheets)), heights)
        self.rejected = pd.Series(False, index=self.index)
        self.parsed = {}
        for col in first.tab.columns:
            if col.key not in first.typed_cells:
                continue
            typed = np.concatenate([s.typed_cells[col.key] for s in sheets])
            self._cells[col.key] = parse.distinct(pd.Series(typed, dtype=object))
            del typed
            values = self._cells[col.key][1]
            self.parsed[col.key] = parse.missing_as_none(_parse_column(col, values, self.ctx))
        return self

    @property
    def findings(self) -> list[Finding]:
        return [f for _, _, f in self.found]

    def of_unit(self, unit: int) -> list[Finding]:
        """Unit ``unit``'s findings, in the order they were found (grouped once per sheet)."""
        if getattr(self, "_by_unit", None) is None:
            self._by_unit: dict[int, list[Finding]] = {}
            for u, _, f in self.found:
                self._by_unit.setdefault(u, []).append(f)
        return self._by_unit.get(unit, [])

    def raw(self, key: str, at: np.ndarray | None = None) -> pd.Series:
        """The cells of column ``key`` as typed (of the rows at positions ``at``, or all)."""
        positions, values = self.cells[key]
        chosen = positions if at is None else positions[at]
        index = self.index if at is None else pd.Index(at)
        return pd.Series(values.to_numpy()[chosen], index=index, dtype=object)

    def _distinct_parse(self, col: Column) -> tuple[parse.Parsed, dict]:
        """The parse of the column's distinct values (and its derived columns), made once."""
        if self.parsed is None:
            self.parsed = {}
        if col.key not in self.parsed:
            self.parsed[col.key] = parse.missing_as_none(
                _parse_column(col, self.cells[col.key][1], self.ctx)
            )
        return self.parsed[col.key]

    def parse(self, col: Column) -> tuple[pd.Series, pd.Series, dict]:
        """The column's typed values, blank mask and derived columns, laid out per row."""
        found, extras = self._distinct_parse(col)
        at = self.cells[col.key][0]
        values, blank = (parse.lay_out(s, at, self.index) for s in (found.values, found.blank))
        return values, blank, parse.lay_out(extras, at, self.index)

    def problems(self, key: str) -> pd.Series:
        """The cell problem codes of column ``key``, of the rows that have one (index: their
        positions): found among the distinct values, so the others cost a boolean take."""
        found = self.parsed[key][0].problems
        at = self.cells[key][0]
        rows = np.flatnonzero(found.notna().to_numpy()[at])
        return pd.Series(found.to_numpy()[at[rows]], index=rows, dtype=object)

    def value_codes(
        self, key: str, vocabulary: pd.Index, fold: Callable[[pd.Series], pd.Series] | None = None
    ) -> np.ndarray:
        """Each row's typed ``key`` (``fold``-ed) as its position in ``vocabulary``, -1 where
        missing or absent: looked up once per distinct cell value, then taken per row."""
        values = self._distinct_parse(self.tab.column(key))[0].values
        found = vocabulary.get_indexer(fold(values) if fold else values)
        return found[self.cells[key][0]]

    def unit_keys(self, codes: np.ndarray, at: np.ndarray | None = None) -> np.ndarray:
        """(code, unit) of each row (of the rows at positions ``at``) as one integer; -1 where
        the code is -1. A key is only ever compared within one stack of units."""
        units = self.units if at is None else self.units[at]
        keys = codes.astype(np.int64) * len(self.contexts) + units
        return np.where(codes >= 0, keys, -1)

    def _whole(self, code: str, **kw: Any) -> None:
        finding = make_finding(code, workbook=self.ctx.workbook, tab=self.tab.name, **kw)
        self.found.append((0, -1, finding))
        self.failed = self.failed or finding.severity == "error"

    @declares(
        Rule(
            "missing-column",
            "error",
            problem="kolom '{column}' tidak ada di baris judul (baris 1).",
            fix="Tambahkan judul '{column}' atau jalankan 'python run.py init'.",
            scope="baris judul (baris 1) setiap tab",
            example={"tab": "Realisasi", "column": "Tanggal"},
        ),
        Rule(
            "renamed-column",
            "error",
            problem=_RENAMED,
            fix="Ubah judul itu menjadi '{column}'.",
            scope="baris judul (baris 1) setiap tab, untuk kolom wajib",
            example={"tab": "Realisasi", "column": "Tanggal", "value": "Tangal"},
        ),
        Rule(
            "renamed-optional-column",
            "warning",
            problem=_RENAMED,
            fix="Ubah judul itu menjadi '{column}'; sampai diubah, isi kolom itu tidak dibaca.",
            scope="baris judul (baris 1) setiap tab, untuk kolom tidak wajib",
            example={"tab": "Realisasi", "column": "Bukti", "value": "Buktii"},
        ),
    )
    def _match_header(self, header: Sequence[Any]) -> dict[str, int]:
        """Column positions by key; a missing required column fails the tab, a near miss is named."""
        positions: dict[str, int] = {}
        unknown: dict[int, str] = {}
        for i, text in enumerate(header):
            if text is None or str(text).strip() == "":
                continue
            col = self.tab.match_header(text)
            if col is None:
                unknown[i] = str(text).strip()
            else:
                positions.setdefault(col.key, i)
        for col in self.tab.columns:
            if col.key in positions or col.is_system:
                continue
            guess = _closest_header(col, unknown, self.ctx.settings.header_match)
            if guess is not None:
                renamed = "renamed-column" if col.required_column else "renamed-optional-column"
                self._whole(renamed, column=col.name, value=unknown.pop(guess))
            elif col.required_column:
                self._whole("missing-column", column=col.name)
        return positions

    def emit(self, key: str | None, codes: pd.Series, **params: Any) -> None:
        """Findings for every row where ``codes`` holds a code; Series params vary per row."""
        codes = codes.dropna()
        if codes.empty:
            return
        at = codes.index.to_numpy()
        column = self.tab.column(key) if key else None
        per_row = {
            k: v.reindex(codes.index).tolist() if isinstance(v, pd.Series) else [v] * len(at)
            for k, v in params.items()
        }
        if "value" not in per_row:
            shown = self.raw(key, at).map(parse.cell_text).tolist() if key else None
            per_row["value"] = shown or [None] * len(at)
        if column is not None:
            per_row.setdefault("description", [column.description] * len(at))
            per_row.setdefault("choices", [", ".join(column.choices)] * len(at))
        where = zip(at.tolist(), self.units[at].tolist(), self.rows[at].tolist(), strict=True)
        wanted = {code: RULES[code].fields | {"value"} for code in set(codes.tolist())}
        for i, ((position, unit, row), code) in enumerate(zip(where, codes.tolist(), strict=True)):
            values = {k: v[i] for k, v in per_row.items() if k in wanted[code]}
            finding = make_finding(
                code,
                workbook=self.contexts[unit].workbook,
                tab=self.tab.name,
                row=row,
                column=column.name if column else None,
                **values,
            )
            self.found.append((unit, position, finding))
        severity = codes.map({c: rule.severity for c, rule in RULES.items()})
        self.rejected[at[severity.eq("error").to_numpy()]] = True


def _columns(values: TabValues) -> Columns:
    """The tab column by column; rows are turned into columns at C speed (``zip_longest``)."""
    if isinstance(values, Columns):
        return values
    header, data = (list(values[0]) if values else []), values[1:]
    height = len(data)
    while height and all(c is None or c == "" for c in data[height - 1]):
        height -= 1  # trailing empty rows are not part of the tab
    return Columns(header, [list(c) for c in itertools.zip_longest(*data[:height])], height)


def _column_cells(columns: Columns, i: int | None) -> np.ndarray:
    """Column ``i``'s cells as an object array of ``columns.height``, None past its end."""
    given = columns.columns[i] if i is not None and i < len(columns.columns) else []
    if len(given) >= columns.height:  # the usual case: each cell object referenced once more
        return np.fromiter(given, dtype=object, count=columns.height)
    cells = np.full(columns.height, None, dtype=object)
    cells[: len(given)] = given
    return cells


def _closest_header(column: Column, unknown: Mapping[int, str], threshold: float) -> int | None:
    """The unrecognised header most like one of ``column``'s names, if at least ``threshold``
    alike (``difflib`` ratio)."""
    best, best_ratio = None, 0.0
    for i, text in unknown.items():
        folded = normalise_header(text)
        for form in column.header_forms():
            ratio = difflib.SequenceMatcher(None, folded, form).ratio()
            if ratio > best_ratio:
                best, best_ratio = i, ratio
    return best if best_ratio >= threshold else None


# -- column parsing ------------------------------------------------------------------------------


def _parse_column(col: Column, raw: pd.Series, ctx: _Context) -> tuple[parse.Parsed, dict]:
    """Typed values, problems and blank mask for one column, plus its derived columns."""
    if col.type == "nip":
        return parse.parse_nip(raw, check_structure=ctx.check_nip_structure), {}
    if col.type == "date":
        return parse.parse_date(raw), {}
    if col.type == "number":
        return parse.parse_number(raw), {}
    if col.type in {"choice", "bool"}:
        return parse.parse_choice(raw, col.choices), {}
    if col.type == "url":
        return parse.parse_url(raw), {}
    if col.type == "email":
        return parse.parse_email(raw), {}
    if col.type == "iso_week":
        return parse.parse_week(raw), {}
    if col.type == "month_or_quarter":
        canonical, start, problems, blank = parse.parse_period(raw)
        return parse.Parsed(canonical, problems, blank), {f"{col.key}_mulai": start}
    if col.type == "target":
        bounds, problems, blank = parse.parse_target(raw)
        low, high = bounds["target_low"], bounds["target_high"]
        text = parse.parse_text(raw).values.where(low.notna(), None)
        extras = {f"{col.key}_low": low, f"{col.key}_high": high, f"{col.key}_text": text}
        return parse.Parsed(low, problems, blank), extras
    return parse.parse_text(raw), {}


class _Typed:
    """A sheet's parsed columns, with cell problems and required/default rules applied."""

    @declares(
        Rule(
            "required-missing",
            "error",
            problem="kolom {column} wajib diisi.",
            fix="{description}",
            scope="setiap kolom wajib",
            example={
                "tab": "Realisasi",
                "row": 12,
                "column": "Realisasi",
                "value": "",
                "description": tab("realisasi").column("realisasi").description,
            },
        )
    )
    def __init__(self, sheet: _Sheet, *, remap: Mapping[str, Mapping[str, str]] | None = None):
        self.sheet = sheet
        self.values: dict[str, pd.Series] = {}
        self.blank: dict[str, pd.Series] = {}
        columns = [col for col in sheet.tab.columns if not col.is_system]
        for col in columns:
            self.values[col.key], self.blank[col.key], extras = sheet.parse(col)
            self.values.update(extras)
        blank = np.logical_and.reduce([b.to_numpy(dtype=bool) for b in self.blank.values()])
        self.present = pd.Series(~blank, index=sheet.index)  # empty rows are ignored
        for col in columns:
            self._emit_problems(col, remap)

    def _emit_problems(self, col: Column, remap: Mapping[str, Mapping[str, str]] | None) -> None:
        """A column's cell problems, and blank cells that are required (or take a default).

        Plain numpy masks: most columns have nothing to say, and then this costs next to nothing.
        """
        present = self.present.to_numpy()
        missing = self.blank[col.key].to_numpy(dtype=bool) & present
        typed = self.values[col.key]
        if col.default is not None and not col.required and missing.any():
            default = col.canonical_choice(col.default) or col.default
            self.values[col.key] = typed.mask(missing, default)
        codes = self.sheet.problems(col.key)
        codes = codes[present[codes.index] & ~missing[codes.index]]
        if col.required and missing.any():
            required = pd.Series("required-missing", index=np.flatnonzero(missing), dtype=object)
            codes = pd.concat([codes, required]).sort_index()
        if codes.empty:
            return
        if remap and col.key in remap:
            codes = codes.replace(dict(remap[col.key]))
        structure = typed[codes.index[codes.eq("nip-structure").to_numpy()]]
        self.sheet.emit(col.key, codes, detail=structure.map(parse.nip_structure_problem))

    def __getitem__(self, key: str) -> pd.Series:
        return self.values[key]

    @property
    def ok(self) -> pd.Series:
        """Rows that are present and have no error so far."""
        return self.present & ~self.sheet.rejected

    def table(self, keep: pd.Series, **computed: pd.Series) -> _Table:
        """The clean table of the rows in ``keep``: schema keys, derived columns, unit, row.

        Each column is made ready on its own, then the frame built once (setting columns of a
        built frame one by one copies them)."""
        keep = keep & self.present & ~self.sheet.rejected
        chosen = np.flatnonzero(keep.to_numpy())  # positions, taken once per column below
        data = {**self.values, **computed}
        bools = {c.key: next(iter(c.choices)) for c in self.sheet.tab.columns if c.type == "bool"}
        columns = {}
        for key in table_columns(self.sheet.tab)[:-2]:
            if key not in data:
                columns[key] = pd.Series(None, index=range(len(chosen)), dtype=object)
                continue
            column = pd.Series(data[key].to_numpy()[chosen], dtype=data[key].dtype)
            if key in bools:
                column = column.eq(bools[key]).astype(bool)
            elif not (
                is_float_dtype(column) or is_bool_dtype(column) or is_datetime64_any_dtype(column)
            ) and (key in computed or column.dtype != object):
                column = _none_for_missing(column)  # parsed text columns hold None already
            columns[key] = column
        units = self.sheet.units[chosen]
        names = np.array([c.unit for c in self.sheet.contexts], dtype=object)
        columns["unit"] = pd.Series(names[units], dtype=object)
        columns["row"] = pd.Series(self.sheet.rows[chosen].astype("int64"))
        frame = pd.concat(columns, axis=1)  # a block per column: nothing copied again
        return _Table(frame, np.searchsorted(units, np.arange(len(names) + 1)))


@dataclass
class _Table:
    """A validated table of stacked units: unit ``u``'s rows are ``bounds[u]:bounds[u + 1]``."""

    frame: pd.DataFrame
    bounds: np.ndarray

    def of(self, unit: int) -> pd.DataFrame:
        start, stop = int(self.bounds[unit]), int(self.bounds[unit + 1])
        return self.frame.iloc[start:stop].reset_index(drop=True)


def _none_for_missing(series: pd.Series) -> pd.Series:
    """Object column with ``None`` (not NaN) where a value is missing, as the contract says."""
    out = series if series.dtype == object else series.astype(object)
    missing = out.isna().to_numpy()
    if missing.any():
        out[missing] = None
    return out


def _first_row(sheet: _Sheet, keys: pd.Series) -> pd.Series:
    """For each row, the position where the same key first appears in its unit (keys may be
    missing)."""
    present = keys.dropna()
    at = present.index.to_numpy()
    codes = sheet.unit_keys(pd.factorize(present.to_numpy())[0], at)
    positions = pd.Series(present.index, index=present.index)
    first = positions.groupby(codes).transform("min")
    return first.reindex(keys.index).astype("Int64")


# -- the five tabs -------------------------------------------------------------------------------


@dataclass
class _Roster:
    """Each unit's roster: every parsed NIP (even from rejected rows) and its Status."""

    nips: pd.Index  # the NIPs of every unit's roster
    at: pd.Index  # (NIP, unit) of each entry, as ``_Sheet.unit_keys`` makes them
    status: np.ndarray  # Aktif/Nonaktif of each entry

    def find(self, sheet: _Sheet, key: str = "nip") -> np.ndarray:
        """Each row's entry in its own unit's roster (a position in ``status``), or -1."""
        return self.at.get_indexer(sheet.unit_keys(sheet.value_codes(key, self.nips)))


def _check_pegawai(sheet: _Sheet, supervisors: set[str] | None) -> tuple[_Table, _Roster]:
    """The roster; ``supervisors`` are the NIPs of other units (None: not every roster was read)."""
    typed = _Typed(sheet)
    _check_one_line(sheet, typed["nama"])
    nip = typed["nip"].where(typed.present)
    again = _emit_repeats(sheet, "nip", nip, "duplicate-nip")
    counted = nip[nip.notna() & ~again]
    nips = pd.Index(counted.unique(), dtype=object)
    at = sheet.unit_keys(nips.get_indexer(counted), counted.index.to_numpy())
    status = typed["status"].fillna("Aktif")[counted.index].to_numpy()
    roster = _Roster(nips, pd.Index(at), status)
    if supervisors is not None:
        _check_supervisors(sheet, typed["nip_atasan"], roster, supervisors)
    return typed.table(typed.present), roster


@declares(
    Rule(
        "line-break",
        "error",
        problem="{column} '{shown}' berisi baris baru atau karakter tak terlihat (ditandai ↵), padahal nama dipakai sebagai nama penerima surat.",
        fix="Tulis nama dalam satu baris: hapus baris barunya dan ganti dengan spasi.",
        tab="Pegawai",
        column="Nama",
        example={"row": 7, "value": "Dedi\nSaputra", "shown": "Dedi↵Saputra"},
    )
)
def _check_one_line(sheet: _Sheet, name: pd.Series) -> None:
    """A name goes into the letter's To: header, where a line break would fail the letter."""
    broken = name.str.contains(parse.CONTROL_CHARACTERS, regex=True, na=False)
    shown = name[broken].str.replace(parse.CONTROL_CHARACTERS, "↵", regex=True)
    sheet.emit("nama", _code("line-break", broken), shown=shown)


@declares(
    Rule(
        "unknown-supervisor",
        "error",
        problem="{column} {value} tidak terdaftar di tab Pegawai unit mana pun.",
        fix="Tulis NIP atasan langsung yang terdaftar, atau kosongkan sel ini.",
        tab="Pegawai",
        column="NIP Atasan",
        example={"row": 7, "value": "197001012000011001"},
    )
)
def _check_supervisors(
    sheet: _Sheet, boss: pd.Series, roster: _Roster, supervisors: set[str]
) -> None:
    """A supervisor sits on the unit's own roster or on another unit's (``supervisors``)."""
    own = roster.find(sheet, "nip_atasan") >= 0
    unknown = boss.notna() & ~own & ~boss.isin(supervisors)
    sheet.emit("nip_atasan", _code("unknown-supervisor", unknown), value=boss)


@declares(
    Rule(
        "duplicate-nip",
        "error",
        problem="NIP {value} sudah tercantum di baris {other_row}.",
        fix="Setiap ASN cukup satu baris; hapus baris ganda ini.",
        tab="Pegawai",
        column="NIP",
        example={"row": 7, "value": "198609262015051001", "other_row": 2},
    ),
    Rule(
        "duplicate-indicator-id",
        "error",
        problem="{column} '{value}' sudah dipakai di baris {other_row}.",
        fix="Beri kode unik lain, misalnya dengan menambah nomor urut.",
        tab="Indikator",
        column="ID",
        example={"row": 9, "value": "PLY-01", "other_row": 2},
    ),
)
def _emit_repeats(sheet: _Sheet, key: str, keys: pd.Series, code: str) -> pd.Series:
    """Rows whose key already appeared higher up get ``code``; returns those rows' mask."""
    first = _first_row(sheet, keys)
    again = keys.notna() & first.ne(pd.Series(sheet.index, index=sheet.index))
    other_row = first[again].map(lambda position: int(sheet.rows[position]))
    sheet.emit(key, _code(code, again), other_row=other_row)
    return again


def _fold_id(ids: pd.Series) -> pd.Series:
    return _per_value(ids, _fold_distinct)


def _fold_distinct(ids: pd.Series) -> pd.Series:
    return ids.astype(object).str.replace(r"\s+", "", regex=True).str.casefold()


def _per_value(series: pd.Series, function: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``function`` of each row's value, computed once per distinct value (missing included)."""
    positions, values = parse.distinct(series)
    out = function(values)
    return pd.Series(out.to_numpy()[positions], index=series.index, dtype=out.dtype)


@declares(
    Rule(
        "unknown-nip",
        "error",
        problem="NIP {value} tidak terdaftar di tab Pegawai unit ini.",
        fix="Periksa NIP-nya, atau minta admin unit menambahkannya ke tab Pegawai.",
        column="NIP",
        scope="kolom NIP di tab Indikator, Realisasi, Perilaku dan Refleksi",
        example={"tab": "Realisasi", "row": 12, "value": "197001012000011001"},
    )
)
def _emit_unknown_nips(sheet: _Sheet, nip: pd.Series, entry: np.ndarray) -> None:
    """A NIP that its unit's roster does not hold (``entry`` -1, see ``_Roster.find``) is an
    ``unknown-nip`` error."""
    sheet.emit("nip", _code("unknown-nip", nip.notna() & (entry < 0)), value=nip)


@declares(
    Rule(
        "invalid-weight",
        "error",
        problem="{column} '{value}' tidak sah.",
        fix="Tulis angka lebih dari 0, misalnya 20.",
        tab="Indikator",
        column="Bobot",
        example={"row": 9, "value": "0"},
    )
)
def _check_indikator(sheet: _Sheet, roster: _Roster) -> tuple[_Table, _Catalogue]:
    """The indicators, and a catalogue (by folded ID) that Realisasi rows are checked against."""
    typed = _Typed(sheet, remap={"bobot": {"negative-number": "invalid-weight"}})
    sheet.emit("bobot", _code("invalid-weight", typed["bobot"].eq(0)))
    nip = typed["nip"]
    _emit_unknown_nips(sheet, nip, roster.find(sheet))
    folded = _fold_id(typed["id"].where(typed.present))
    again = _emit_repeats(sheet, "id", folded, "duplicate-indicator-id")
    # Every indicator row whose ID parsed (even if rejected for another reason) answers
    # references from Realisasi, so one mistake in Indikator does not cascade into many there.
    source = _check_source(sheet, typed)
    known = ~again & folded.notna()
    ids = pd.Index(folded[known].unique(), dtype=object)
    at = sheet.unit_keys(ids.get_indexer(folded[known]), known.index[known.to_numpy()].to_numpy())
    facts = pd.DataFrame(
        {
            "id": typed["id"][known],
            "nip": nip[known],
            "agregasi": typed["agregasi"][known],
            "satuan": typed["satuan"][known],
            "target_high": typed["target_high"][known],
            "sumber": source[known],
            "wajib_bukti": typed["wajib_bukti"][known].eq(
                next(iter(sheet.tab.column("wajib_bukti").choices))
            ),
            "unit": sheet.units[known.to_numpy()],
        }
    ).set_index(pd.Index(at))
    return typed.table(typed.present), _Catalogue(ids, _indicator_facts(facts, sheet.ctx.settings))


@dataclass
class _Catalogue:
    """Each unit's indicators that Realisasi rows may name, with what the checks ask of each."""

    ids: pd.Index  # the folded IDs of every unit's indicators
    facts: pd.DataFrame  # one row per indicator, indexed by (folded ID, unit) keys
    owners: pd.Index = field(init=False)  # the NIPs that own an indicator
    entries: pd.DataFrame = field(init=False)  # the facts by position, a last row for unknown

    def __post_init__(self) -> None:
        nip = self.facts["nip"]
        self.owners = pd.Index(nip.dropna().unique(), dtype=object)
        found = self.facts.reset_index(drop=True).assign(
            entry=np.arange(len(self.facts)), owner=self.owners.get_indexer(nip)
        )
        unknown = {
            **dict.fromkeys(("known", "percent", "computed", "sums"), [False]),
            **dict.fromkeys(("entry", "owner"), [-1]),
        }
        self.entries = pd.concat([found, pd.DataFrame(unknown)], ignore_index=True)

    def find(self, sheet: _Sheet) -> _Found:
        """Each Realisasi row's indicator in its own unit (the missing row where unknown):
        looked up once per distinct ID as typed, then laid out by position."""
        codes = sheet.value_codes("id_indikator", self.ids, fold=_fold_distinct)
        at = self.facts.index.get_indexer(sheet.unit_keys(codes))
        return _Found(self.entries, np.where(at < 0, len(self.facts), at), sheet.index)


@dataclass
class _Found:
    """Each row's catalogue entry; a fact is laid out per row when first asked for (a city's
    rows need few of them per row, and object columns cost the most to lay out)."""

    entries: pd.DataFrame
    at: np.ndarray  # each row's position in ``entries``
    index: pd.Index
    laid_out: dict[str, pd.Series] = field(default_factory=dict)

    def __getitem__(self, key: str) -> pd.Series:
        if key not in self.laid_out:
            self.laid_out[key] = self._take(key, self.at, self.index)
        return self.laid_out[key]

    def of(self, key: str, rows: pd.Series) -> pd.Series:
        """Fact ``key`` of just the rows where ``rows`` holds (for their messages)."""
        chosen = np.flatnonzero(rows.to_numpy())
        return self._take(key, self.at[chosen], self.index[chosen])

    def _take(self, key: str, at: np.ndarray, index: pd.Index) -> pd.Series:
        column = self.entries[key]
        return pd.Series(column.to_numpy()[at], index=index, dtype=column.dtype)


def _indicator_facts(found: pd.DataFrame, settings: Validation) -> pd.DataFrame:
    """Catalogue rows with what the Realisasi checks ask of each: whether the ID is known, its
    unit is a percentage, its realisation is computed from records, its entries are summed."""
    unit = found["satuan"].astype(object).str.strip().str.casefold()
    computed = found["sumber"].map(lambda s: isinstance(s, outcomes.Source) and s.computed)
    return found.assign(
        known=True,
        percent=unit.isin(settings.percent_units),
        computed=computed.eq(True),
        sums=found["agregasi"].eq("Jumlah"),
    )


def _check_realisasi(
    sheet: _Sheet, roster: _Roster, catalogue: _Catalogue
) -> tuple[_Table, _Table]:
    """The entries: each check below in turn, then exact repeats collapsed to the lowest row."""
    typed = _Typed(sheet)
    day, nip = typed["tanggal"], typed["nip"]
    future = _check_not_future(sheet, day)
    _emit_outside_period(sheet, "tanggal", day.mask(future), earliest=pd.Timestamp(sheet.ctx.start))
    entry = roster.find(sheet)
    _emit_unknown_nips(sheet, nip, entry)
    _check_active(sheet, nip, entry, roster)
    indicator = catalogue.find(sheet)  # NaN where the ID is unknown
    known = indicator["known"]
    typed_id = typed["id_indikator"]
    own = _check_indicator_refs(sheet, nip, typed_id.notna(), known, indicator, catalogue)
    _check_evidence(sheet, typed, own & indicator["wajib_bukti"].eq(True), indicator["id"])
    _check_plausible(sheet, typed, indicator)
    _check_computed_entries(sheet, typed, own, indicator)
    collapsed = _collapse_repeats(sheet, typed, indicator["entry"], day)

    warned = _messages(sheet, "warning").reindex(sheet.index)
    table = typed.table(
        ~collapsed,
        id_indikator=indicator["id"].where(known, typed_id),
        status=pd.Series(_STATUS_OK, index=sheet.index).mask(warned.notna(), "Peringatan"),
        pesan_validasi=warned,
    )
    return table, _rejected(sheet, typed)


@declares(
    Rule(
        "future-date",
        "error",
        problem="{column} '{value}' jatuh sesudah hari ini ({today}).",
        fix="Tulis tanggal kegiatan yang sudah terjadi; isi entri hari mendatang pada harinya.",
        tab="Realisasi",
        column="Tanggal",
        scope="Realisasi › Tanggal, Survei › Tanggal, Layanan › Tanggal Masuk dan Tanggal Selesai",
        example={"row": 12, "value": "01/12/2026", "today": "30 November 2026"},
    )
)
def _check_not_future(sheet: _Sheet, day: pd.Series, key: str = "tanggal") -> pd.Series:
    """Rows dated after the real today (never the scored week's cut-off); returns the mask."""
    today = sheet.ctx.today
    future = day.gt(pd.Timestamp(today))
    sheet.emit(key, _code("future-date", future), today=format_date(today, with_weekday=False))
    return future


@declares(
    Rule(
        "date-outside-period",
        "error",
        problem="{column} '{value}' di luar periode penilaian ({start} s.d. {end}).",
        fix="Tulis tanggal di dalam periode itu.",
        column_types=("date", "month_or_quarter"),
        example={
            "tab": "Realisasi",
            "row": 12,
            "column": "Tanggal",
            "value": "15/12/2025",
            "start": "1 Januari 2026",
            "end": "31 Desember 2026",
        },
    )
)
def _emit_outside_period(
    sheet: _Sheet, key: str, first_day: pd.Series, *, earliest: pd.Timestamp
) -> None:
    """Rows whose date (a month's or quarter's first day) lies before ``earliest`` or after the
    period's end."""
    ctx = sheet.ctx
    outside = first_day.lt(earliest) | first_day.gt(pd.Timestamp(ctx.end))
    sheet.emit(
        key,
        _code("date-outside-period", outside),
        start=format_date(ctx.start, with_weekday=False),
        end=format_date(ctx.end, with_weekday=False),
    )


@declares(
    Rule(
        "inactive-nip",
        "error",
        problem="NIP {value} berstatus Nonaktif di tab Pegawai.",
        fix="Gunakan NIP ASN yang aktif, atau minta admin unit mengubah Status-nya menjadi Aktif.",
        tab="Realisasi",
        column="NIP",
        example={"row": 12, "value": "199001012015032002"},
    )
)
def _check_active(sheet: _Sheet, nip: pd.Series, entry: np.ndarray, roster: _Roster) -> None:
    """``entry``: each row's position in the roster (``_Roster.find``), -1 where unlisted."""
    nonaktif = np.append(roster.status == "Nonaktif", False)  # entry -1 takes the False
    inactive = pd.Series(nonaktif[entry], index=sheet.index)
    sheet.emit("nip", _code("inactive-nip", inactive), value=nip)


@declares(
    Rule(
        "unknown-indicator",
        "error",
        problem="{column} '{value}' tidak ada di tab Indikator.",
        fix="Salin kode indikator dari tab Indikator{own}.",
        tab="Realisasi",
        column="ID Indikator",
        example={"row": 12, "value": "PLY-99", "own": ", misalnya PLY-01, PLY-02"},
    ),
    Rule(
        "indicator-other-nip",
        "error",
        problem="indikator '{value}' milik NIP {owner}, bukan NIP {nip}.",
        fix="Pilih indikator milik NIP itu{own}.",
        tab="Realisasi",
        column="ID Indikator",
        example={
            "row": 12,
            "value": "PLY-03",
            "owner": "197505052000031003",
            "nip": "198609262015051001",
            "own": ", misalnya PLY-01, PLY-02",
        },
    ),
)
def _check_indicator_refs(
    sheet: _Sheet,
    nip: pd.Series,
    named: pd.Series,
    known: pd.Series,
    indicator: _Found,
    catalogue: _Catalogue,
) -> pd.Series:
    """Each ID (``named``: the row has one) names an indicator of the row's own NIP; returns the
    rows where it does."""
    # NIPs compared as integers; an indicator whose owner is blank (-1) is reported in
    # Indikator, not held against the rows that name it.
    owner, own_nip = indicator["owner"].to_numpy(), sheet.value_codes("nip", catalogue.owners)
    others = known & nip.notna() & pd.Series((owner >= 0) & (owner != own_nip), nip.index)
    unknown = named & ~known
    own_ids = _own_ids(sheet, nip[unknown | others], catalogue)
    sheet.emit("id_indikator", _code("unknown-indicator", unknown), own=own_ids)
    sheet.emit(
        "id_indikator",
        _code("indicator-other-nip", others),
        owner=indicator.of("nip", others),
        nip=nip,
        own=own_ids,
    )
    return known & ~others


def _own_ids(sheet: _Sheet, nips: pd.Series, catalogue: _Catalogue) -> pd.Series:
    """For a message: ", misalnya PLY-01, PLY-02" (the indicators of the row's NIP in its unit),
    or ""."""
    if nips.empty:
        return pd.Series(dtype=object)
    units = sheet.units[nips.index.to_numpy()].tolist()
    asked = list(zip(units, nips.tolist(), strict=True))
    facts = catalogue.facts
    wanted = set(asked)  # the few owners asked about, not every unit's every owner
    named = [
        key in wanted for key in zip(facts["unit"].tolist(), facts["nip"].tolist(), strict=True)
    ]
    by_owner = facts[named].groupby(["unit", "nip"])["id"].agg(", ".join).to_dict()
    listed = [by_owner.get(key) for key in asked]
    own = [f", misalnya {ids}" if ids else "" for ids in listed]
    return pd.Series(own, index=nips.index, dtype=object)


@declares(
    Rule(
        "evidence-required",
        "error",
        problem="indikator {indicator} wajib disertai bukti.",
        fix="Isi kolom {column} dengan tautan bukti dukung, misalnya https://drive.google.com/...",
        tab="Realisasi",
        column="Bukti",
        example={"row": 12, "value": "", "indicator": "PLY-01"},
    )
)
def _check_evidence(sheet: _Sheet, typed: _Typed, needs: pd.Series, indicator: pd.Series) -> None:
    missing = needs & typed.blank["bukti"] & typed.present
    sheet.emit("bukti", _code("evidence-required", missing), indicator=indicator)


@declares(
    Rule(
        "implausible-value",
        "warning",
        problem="{column} {value} dalam satu entri melebihi target satu periode ({target}) indikator {indicator}.",
        fix="Periksa kembali angkanya; entri tetap dihitung.",
        tab="Realisasi",
        column="Realisasi",
        example={"row": 12, "value": "150", "target": "100", "indicator": "PLY-01"},
    ),
    Rule(
        "percent-over-100",
        "warning",
        problem="{column} {value} lebih dari 100 padahal satuannya %.",
        fix="Periksa kembali angkanya (tulis 85 untuk 85%); entri tetap dihitung.",
        tab="Realisasi",
        column="Realisasi",
        example={"row": 12, "value": "105"},
    ),
)
def _check_plausible(sheet: _Sheet, typed: _Typed, indicator: _Found) -> None:
    """One entry above the whole period's target of a summed indicator, or a percentage over
    100, is likely a typing slip: a warning, and the entry still counts."""
    value, ok = typed["realisasi"], typed.ok
    target = indicator["target_high"]
    implausible = ok & indicator["sums"] & value.gt(target)
    sheet.emit(
        "realisasi",
        _code("implausible-value", implausible),
        target=target[implausible].map(_number_text),
        indicator=indicator["id"],
    )
    percent = indicator["percent"]
    sheet.emit("realisasi", _code("percent-over-100", ok & percent & value.gt(100)))


@declares(
    Rule(
        "unknown-source",
        "error",
        problem="{column} '{value}' tidak dikenal.",
        fix="Kosongkan atau tulis Isian bila realisasi diisi di tab Realisasi, atau tulis salah satu "
        "dari: {sources}; boleh diikuti '| nama layanan'.",
        tab="Indikator",
        column="Sumber",
        example={"row": 9, "value": "Survei", "sources": ", ".join(outcomes.SOURCES[1:])},
    )
)
def _check_source(sheet: _Sheet, typed: _Typed) -> pd.Series:
    """Each indicator's ``Sumber`` parsed (``outcomes.Source``; None where it names none)."""
    sources = _per_value(typed["sumber"], lambda texts: texts.map(outcomes.parse_source))
    source = sources.where(typed.present, None)
    unknown = typed.present & source.isna()
    sheet.emit("sumber", _code("unknown-source", unknown), sources=", ".join(outcomes.SOURCES[1:]))
    return source


@declares(
    Rule(
        "entry-for-computed-indicator",
        "warning",
        problem="realisasi indikator {indicator} dihitung dari {source}, sehingga entri ini diabaikan.",
        fix="Hapus baris ini, atau kosongkan kolom Sumber indikator itu di tab Indikator bila "
        "realisasinya memang diisi di sini.",
        tab="Realisasi",
        column="Realisasi",
        example={"row": 12, "value": "85", "indicator": "PKM-01", "source": "Survei: IKM"},
    )
)
def _check_computed_entries(
    sheet: _Sheet, typed: _Typed, own: pd.Series, indicator: _Found
) -> None:
    """An entry typed for an indicator computed from records does not count: say so."""
    ignored = typed.ok & own & indicator["computed"]
    source = indicator.of("sumber", ignored).map(lambda s: s.text)
    sheet.emit(
        "realisasi",
        _code("entry-for-computed-indicator", ignored),
        indicator=indicator["id"],
        source=source,
    )


@declares(
    Rule(
        "duplicate-entry",
        "warning",
        problem="entri ini sama persis dengan baris {other_row} (NIP, indikator, tanggal dan nilai sama) sehingga dihitung sekali saja, dari baris {other_row}.",
        fix="Hapus baris ini bila memang ganda.",
        tab="Realisasi",
        column="Realisasi",
        example={"row": 12, "other_row": 13},
    )
)
def _collapse_repeats(
    sheet: _Sheet, typed: _Typed, indicator: pd.Series, day: pd.Series
) -> pd.Series:
    """An exact repeat counts once: the row furthest down wins, the rows above it are warned.

    ``indicator`` is each row's catalogue position: for a row without error it stands for the
    unit, the NIP (the indicator's owner) and the indicator at once. Returns the mask of the
    rows left out."""
    ok = np.flatnonzero(typed.ok.to_numpy())
    # (indicator, day) of each row as one integer: no string is hashed at all, and only the
    # few rows that share theirs with another row have their values compared.
    entry_day = _entry_day(indicator.to_numpy()[ok], day.to_numpy()[ok])
    shares_key = pd.Series(entry_day).duplicated(keep=False).to_numpy()
    candidates = ok[shares_key]
    values = pd.factorize(typed["realisasi"].to_numpy()[candidates])[0]
    entry_day = pd.factorize(entry_day[shares_key])[0].astype(np.int64)
    key = entry_day * (int(values.max(initial=0)) + 1) + values
    codes = pd.factorize(key)[0]
    shared = np.bincount(codes)[codes] > 1  # the rows of a repeated entry
    keys = pd.Series(codes[shared], index=sheet.index[candidates][shared])
    repeated = keys.duplicated(keep="last").reindex(sheet.index, fill_value=False)
    last = pd.Series(keys.index, index=keys.index).groupby(keys.to_numpy()).transform("max")
    other_row = pd.Series(sheet.rows[last.to_numpy(dtype=np.intp)], index=last.index)
    sheet.emit("realisasi", _code("duplicate-entry", repeated), other_row=other_row, value="")
    return repeated


def _entry_day(entry: np.ndarray, day: np.ndarray) -> np.ndarray:
    """(catalogue entry, day) of each row as one integer."""
    if not len(entry):
        return np.zeros(0, dtype=np.int64)
    entry = entry.astype(np.int64) - int(entry.min())
    days = day.astype("datetime64[D]").astype(np.int64)
    days -= days.min()
    return entry * (int(days.max()) + 1) + days


def _number_text(value: float) -> str:
    return parse.cell_text(float(value)).replace(".", ",") if pd.notna(value) else ""


def _joined(found: Iterable[tuple[int, Finding]]) -> pd.Series:
    """Messages joined per key (a row or a position), in finding order."""
    joined: dict[int, str] = {}
    for key, f in found:
        joined[key] = f"{joined[key]} {f.message}" if key in joined else f.message
    return pd.Series(joined, dtype=object)


def _messages(sheet: _Sheet, severity: Severity | None = None) -> pd.Series:
    """The sheet's messages joined per position (rows with findings only)."""
    return _joined((p, f) for _, p, f in sheet.found if p >= 0 and severity in (None, f.severity))


def _rejected(sheet: _Sheet, typed: _Typed) -> _Table:
    at = sheet.index[(sheet.rejected & typed.present).to_numpy()].to_numpy()
    raw = {
        k: sheet.raw(k, at).map(parse.cell_text)
        for k in ("nip", "id_indikator", "tanggal", "realisasi")
    }
    frame = pd.DataFrame(
        {
            "row": sheet.rows[at].astype("int64"),
            "nip": _text(typed["nip"][at].fillna(raw["nip"])),
            "id_indikator": raw["id_indikator"].reset_index(drop=True),
            "tanggal": raw["tanggal"].reset_index(drop=True),
            "tanggal_nilai": pd.to_datetime(typed["tanggal"][at]).to_numpy(),
            "realisasi": raw["realisasi"].reset_index(drop=True),
            "pesan": _text(_messages(sheet).reindex(at)),
        },
        columns=list(REJECTED_COLUMNS),
    )
    units = sheet.units[at]
    return _Table(frame, np.searchsorted(units, np.arange(len(sheet.contexts) + 1)))


def _text(column: pd.Series) -> pd.Series:
    """A text column of a frame built anew (object, as the contract says, not pandas' str)."""
    return pd.Series(column.to_numpy(dtype=object), dtype=object)


def _check_people_tab(sheet: _Sheet, roster: _Roster) -> _Table:
    """Perilaku and Refleksi: every row names an ASN of this unit, in the period."""
    typed = _Typed(sheet)
    _emit_unknown_nips(sheet, typed["nip"], roster.find(sheet))
    first_month = pd.Timestamp(sheet.ctx.start).to_period("M").start_time
    for col in sheet.tab.columns:
        if col.type == "month_or_quarter":
            _emit_outside_period(sheet, col.key, typed[f"{col.key}_mulai"], earliest=first_month)
    return typed.table(typed.present)


# -- the record tabs (Survei, Layanan) ------------------------------------------------------------


def _survey_rows(
    survei: Tab, values: TabValues | None
) -> tuple[TabValues | None, outcomes.HeaderMatch]:
    """The tab with a Google Form's question headers renamed to the elements they name."""
    if not values:
        return values, outcomes.HeaderMatch({}, [], [])
    tab_columns = _columns(values)
    header = list(tab_columns.header)
    columns = {i: survei.match_header(h) for i, h in enumerate(header) if str(h or "").strip()}
    unknown = {i: str(header[i]).strip() for i, c in columns.items() if c is None}
    named = {c.key for c in columns.values() if c is not None}
    match = outcomes.match_form_headers(unknown, named)
    for i, key in match.positions.items():
        header[i] = survei.column(key).name
    return dataclasses.replace(tab_columns, header=header), match


@declares(
    Rule(
        "ambiguous-survey-header",
        "error",
        problem="judul kolom '{value}' cocok dengan lebih dari satu unsur survei, atau unsurnya "
        "sudah disebut kolom lain.",
        fix="Ubah judul itu sehingga hanya menyebut satu unsur (misalnya U3 atau Waktu "
        "Penyelesaian); sampai diubah, kolom itu tidak dibaca.",
        tab="Survei",
        scope="baris judul (baris 1) tab Survei",
        example={"value": "Waktu dan biaya pelayanan"},
    ),
    Rule(
        "survey-element-missing",
        "error",
        problem="tidak ada kolom untuk unsur {element}, sehingga IKM tidak dapat dihitung.",
        fix="Tambahkan kolom {column} (atau pertanyaan yang menyebut kata kuncinya).",
        tab="Survei",
        scope="baris judul (baris 1) tab Survei",
        example={"element": "Biaya/Tarif", "column": "U4"},
    ),
)
def _check_survey_headers(sheet: _Sheet, match: outcomes.HeaderMatch) -> None:
    """Header problems are reported, but the tab is still read (the unit does not fail)."""
    columns = {e.name: sheet.tab.column(e.key).name for e in outcomes.ELEMENTS}
    found = [("ambiguous-survey-header", {"value": h}) for h in match.ambiguous] + [
        ("survey-element-missing", {"element": e, "column": columns[e]}) for e in match.missing
    ]
    for code, fields in found:
        finding = make_finding(code, workbook=sheet.ctx.workbook, tab=sheet.tab.name, **fields)
        sheet.found.append((0, -1, finding))


@declares(
    Rule(
        "invalid-survey-answer",
        "error",
        problem="jawaban '{value}' untuk unsur {element} tidak dikenal; jawaban responden ini "
        "tidak dihitung.",
        fix="Tulis angka 1 sampai 4, atau salah satu pilihan: {options}.",
        tab="Survei",
        scope="kolom U1 sampai U9 tab Survei",
        example={
            "row": 14,
            "column": "U4",
            "value": "Mahal",
            "element": "Biaya/Tarif",
            "options": "Sangat mahal, Cukup mahal, Murah, Gratis",
        },
    )
)
def _check_survey(sheet: _Sheet) -> pd.DataFrame:
    """Responses with each element's answer as 1-4 (NaN where empty)."""
    typed = _Typed(sheet)
    _check_not_future(sheet, typed["tanggal"])
    answers = {}
    for e in outcomes.ELEMENTS:
        answers[e.key], bad = outcomes.element_answers(e.key, sheet.raw(e.key))
        sheet.emit(
            e.key,
            _code("invalid-survey-answer", bad & typed.present),
            element=e.name,
            options=", ".join(e.options),
        )
    return typed.table(typed.present, **answers).frame


@declares(
    Rule(
        "completed-before-received",
        "error",
        problem="{column} '{value}' lebih awal daripada Tanggal Masuk '{received}'.",
        fix="Periksa kedua tanggal itu; layanan tidak dapat selesai sebelum diterima.",
        tab="Layanan",
        column="Tanggal Selesai",
        example={"row": 8, "value": "02/11/2026", "received": "05/11/2026"},
    )
)
def _check_services(sheet: _Sheet) -> pd.DataFrame:
    """Service requests; a row completed before it came in, or dated ahead, is left out."""
    typed = _Typed(sheet)
    received, completed = typed["tanggal_masuk"], typed["tanggal_selesai"]
    _check_not_future(sheet, received, "tanggal_masuk")
    _check_not_future(sheet, completed, "tanggal_selesai")
    early = completed.lt(received)
    shown = sheet.raw("tanggal_masuk").map(parse.cell_text)
    sheet.emit("tanggal_selesai", _code("completed-before-received", early), received=shown)
    return typed.table(typed.present).frame


@declares(
    Rule(
        "source-tab-missing",
        "warning",
        problem="ada indikator bersumber {source}, tetapi tab {tab} tidak ada.",
        fix="Jalankan 'python run.py init' untuk membuat tab {tab}, lalu isi catatannya; sampai "
        "itu, realisasi indikator tersebut kosong.",
        scope="workbook unit yang indikatornya memakai Sumber",
        example={"tab": "Survei", "source": "Survei: IKM"},
    )
)
def _check_record_tabs(
    raw: Mapping[str, TabValues | None], ctx: _Context, indikator: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """The Survei and Layanan tables (empty where a tab is absent: they are optional)."""
    tables, findings = empty_tables(), []
    needed = outcomes.source_tabs(indikator["sumber"])
    for record in record_tabs():
        title = next((t for t in record.titles if _tab_rows(raw, t) is not None), None)
        if title is None:
            if record.key in needed:
                findings.append(
                    make_finding(
                        "source-tab-missing",
                        workbook=ctx.workbook,
                        tab=record.name,
                        source=needed[record.key],
                    )
                )
            continue
        shown_as = dataclasses.replace(record, name=title)
        if record.key == "survei":
            rows, match = _survey_rows(record, _tab_rows(raw, title))
            sheet = _Sheet(shown_as, rows, ctx)
            if not sheet.failed:
                _check_survey_headers(sheet, match)
                tables[record.key] = _check_survey(sheet)
        else:
            sheet = _Sheet(shown_as, _tab_rows(raw, title), ctx)
            if not sheet.failed:
                tables[record.key] = _check_services(sheet)
        findings += _in_sheet_order(sheet)
    return tables, findings


# -- entry points --------------------------------------------------------------------------------


def _tab_rows(raw: Mapping[str, TabValues | None], name: str) -> TabValues | None:
    title = find_tab_title(list(raw), name)
    return None if title is None else raw[title]


def roster_nips(raw: Mapping[str, TabValues | None]) -> set[str]:
    """The NIPs a unit's Pegawai tab lists (first pass of the cross-unit supervisor check)."""
    ctx = _Context("", "", dt.date.min, dt.date.min, dt.date.max, False, DEFAULT_SETTINGS)
    pegawai = tab("pegawai")
    sheet = _Sheet(pegawai, _tab_rows(raw, pegawai.name), ctx)
    if sheet.failed:
        return set()
    return set(parse.parse_nip(sheet.raw("nip"), check_structure=False).values.dropna())


def validate_unit(
    raw: Mapping[str, TabValues | None],
    *,
    unit: str,
    workbook: str,
    today: dt.date,
    period: Period,
    known_nips: set[str] | None = None,
    rosters_complete: bool = True,
    check_nip_structure: bool = True,
    settings: Validation = DEFAULT_SETTINGS,
) -> UnitData:
    """Validate one unit workbook's raw tabs (``{tab name: rows}``, header = rows[0]).

    ``today`` is the real local date (entries after it are errors); ``period`` the SKP period.
    ``known_nips`` are the NIPs of every unit, for ``NIP Atasan`` (default: this unit's roster
    only); with ``rosters_complete`` False some roster could not be read, so a supervisor found
    in no roster is not reported. ``settings`` is ``config.validation``.
    """
    return validate_units(
        [(unit, workbook, raw)],
        today=today,
        period=period,
        extra_nips=known_nips or (),
        rosters_complete=rosters_complete,
        check_nip_structure=check_nip_structure,
        settings=settings,
    )[0]


def validate_units(
    raws: Sequence[tuple[str, str, Mapping[str, TabValues | None]]],
    *,
    today: dt.date,
    period: Period,
    extra_nips: Iterable[str] = (),
    rosters_complete: bool = True,
    check_nip_structure: bool = True,
    settings: Validation = DEFAULT_SETTINGS,
) -> list[UnitData]:
    """Validate several units ``(unit, workbook, raw)``; a supervisor may sit in any unit.

    Units are checked in stacks (``_STACK_ROWS``): each tab of a stack's units is one sheet,
    checked in one pass, each column parsed once over the distinct values of all of them (units
    repeat each other's dates, numbers and choices), so ten units cost one unit's fixed work. A
    unit with a tab that cannot be read fails alone.
    Supervisors may sit on any unit's roster, or in ``extra_nips`` (units not validated this
    run); pass ``rosters_complete=False`` when some unit's workbook could not be read: a
    supervisor may sit there, so a ``NIP Atasan`` found in no roster is then not reported.
    """
    with _collector_set_aside():
        return _validate_stacks(
            raws,
            _Context("", "", today, period.start, period.end, check_nip_structure, settings),
            extra_nips=extra_nips,
            rosters_complete=rosters_complete,
        )


@contextlib.contextmanager
def _collector_set_aside() -> Iterator[None]:
    """The raw tabs are lists holding millions of cells, which every full pass of the cycle
    collector would walk again (about 1 s of a city-year's validation): what is alive when
    validation starts is set aside (``gc.freeze``) until it ends, then collected as usual.
    Objects a caller froze already stay frozen: undoing the freeze is then the caller's."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _validate_stacks(
    raws: Sequence[tuple[str, str, Mapping[str, TabValues | None]]],
    base: _Context,
    *,
    extra_nips: Iterable[str],
    rosters_complete: bool,
) -> list[UnitData]:
    contexts = [dataclasses.replace(base, unit=unit, workbook=book) for unit, book, _ in raws]
    pegawai = [
        _Sheet(tab("pegawai"), _tab_rows(raw, tab("pegawai").name), ctx)
        for (_, _, raw), ctx in zip(raws, contexts, strict=True)
    ]
    supervisors = None
    if rosters_complete:
        supervisors = set(extra_nips) | _roster_nips(pegawai)
    out: list[UnitData] = []
    for batch in _batches([raw for _, _, raw in raws]):
        sheets = {
            i: {
                t.key: pegawai[i]
                if t.key == "pegawai"
                else _Sheet(t, _tab_rows(raws[i][2], t.name), contexts[i])
                for t in unit_tabs()
            }
            for i in batch
        }
        usable = [i for i in batch if not any(s.failed for s in sheets[i].values())]
        checked = _check_stacked([sheets[i] for i in usable], supervisors) if usable else None
        for i in batch:
            if i in usable:
                out.append(checked.unit(usable.index(i), raws[i][2], contexts[i]))
            else:
                out.append(_failed_unit(contexts[i], sheets[i]))
            pegawai[i] = sheets[i] = None
    return out


# Realisasi rows checked in one stack: big enough that a unit's fixed costs are shared, small
# enough that the stack's working arrays stay a fraction of the raw cells' memory.
_STACK_ROWS = 800_000


def _batches(raws: Sequence[Mapping[str, TabValues | None]]) -> Iterator[list[int]]:
    """Consecutive units, about ``_STACK_ROWS`` Realisasi rows at a time."""
    batch: list[int] = []
    rows = 0
    for i, raw in enumerate(raws):
        batch.append(i)
        values = _tab_rows(raw, tab("realisasi").name) or []
        rows += values.height if isinstance(values, Columns) else len(values)
        if rows >= _STACK_ROWS:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def _roster_nips(sheets: Sequence[_Sheet]) -> set[str]:
    """The NIPs the Pegawai sheets list (for supervisors on other units' rosters)."""
    typed = [sheet.typed_cells["nip"] for sheet in sheets if not sheet.failed]
    if not typed:
        return set()
    cells = pd.Series(np.concatenate(typed), dtype=object)
    return set(parse.parse_nip(cells, check_structure=False).values.dropna())


def _failed_unit(ctx: _Context, sheets: Mapping[str, _Sheet]) -> UnitData:
    findings = [f for s in sheets.values() for f in s.findings]
    return UnitData(ctx.unit, ctx.workbook, empty_tables(), findings, failed=True)


@dataclass
class _Checked:
    """The stacked units' tables and sheets once every check ran; ``unit(u, …)`` is unit u's."""

    sheets: dict[str, _Sheet]
    tables: dict[str, _Table]
    rejected: _Table

    def unit(self, u: int, raw: Mapping[str, TabValues | None], ctx: _Context) -> UnitData:
        """Unit ``u``'s share, plus its record tabs (Survei, Layanan: checked per unit)."""
        tables = {key: table.of(u) for key, table in self.tables.items()}
        records, record_findings = _check_record_tabs(raw, ctx, tables["indikator"])
        tables |= {key: records[key] for key in ("survei", "layanan")}
        findings = [f for s in self.sheets.values() for f in _in_sheet_order(s, u)]
        data = UnitData(ctx.unit, ctx.workbook, tables, findings + record_findings)
        if self.rejected.bounds[u + 1] > self.rejected.bounds[u]:
            data.rejected = self.rejected.of(u)
        return data


def _check_stacked(units: Sequence[Mapping[str, _Sheet]], supervisors: set[str] | None) -> _Checked:
    """Every check of the five unit tabs, over all ``units`` at once."""
    sheets = {t.key: _Sheet.stacked([unit[t.key] for unit in units]) for t in unit_tabs()}
    pegawai, roster = _check_pegawai(sheets["pegawai"], supervisors)
    indikator, catalogue = _check_indikator(sheets["indikator"], roster)
    realisasi, rejected = _check_realisasi(sheets["realisasi"], roster, catalogue)
    tables = {
        "pegawai": pegawai,
        "indikator": indikator,
        "realisasi": realisasi,
        "perilaku": _check_people_tab(sheets["perilaku"], roster),
        "refleksi": _check_people_tab(sheets["refleksi"], roster),
    }
    realisasi.frame["tanggal"] = realisasi.frame["tanggal"].astype("datetime64[ns]")
    perilaku = tables["perilaku"].frame
    perilaku["periode_mulai"] = perilaku["periode_mulai"].astype("datetime64[ns]")
    return _Checked(sheets, tables, rejected)


def _in_sheet_order(sheet: _Sheet, unit: int = 0) -> list[Finding]:
    """Unit ``unit``'s findings on ``sheet``, by row then column."""
    position = {c.name: i for i, c in enumerate(sheet.tab.columns)}
    return sorted(sheet.of_unit(unit), key=lambda f: (f.row or 0, position.get(f.column or "", -1)))


def combine(units: Sequence[UnitData]) -> dict[str, pd.DataFrame]:
    """Every unit's tables concatenated (failed units add nothing), plus ``rejected``.

    New frames; each unit keeps equal tables, but as slices of the combined ones (``_share``),
    so a city's rows are held once, not twice. One concatenation per table, so compute it once
    per run.
    """
    out: dict[str, pd.DataFrame] = {}
    empty = empty_tables()
    for key in TABLE_KEYS:
        members = [u for u in units if not u.failed and len(u.tables[key])]
        frames = [u.tables[key] for u in members]
        out[key] = pd.concat(frames, ignore_index=True) if frames else empty[key]
        _share(members, key, out[key])
    rejected = [u.rejected.assign(unit=u.unit) for u in units if len(u.rejected)]
    out["rejected"] = (
        pd.concat(rejected, ignore_index=True)
        if rejected
        else pd.DataFrame(columns=[*REJECTED_COLUMNS, "unit"])
    )
    return out


def _share(units: Sequence[UnitData], key: str, combined: pd.DataFrame) -> None:
    """Each unit's ``key`` table becomes its rows of ``combined``: equal values, dtypes and
    index, sharing the combined table's memory (a slice, copied only if written to)."""
    start = 0
    for u in units:
        table = u.tables[key]
        part = combined.iloc[start : start + len(table)].reset_index(drop=True)
        start += len(table)
        if part.dtypes.equals(table.dtypes) and part.index.equals(table.index):
            u.tables[key] = part


def realisasi_statuses(unit_data: UnitData) -> dict[int, tuple[str, str]]:
    """Sheet row → (Status, Pesan Validasi) for every non-empty Realisasi row of the unit."""
    realisasi = unit_data.tables["realisasi"]
    out = {
        int(r): (s, m or "")
        for r, s, m in zip(
            realisasi["row"], realisasi["status"], realisasi["pesan_validasi"], strict=True
        )
    }
    name = tab("realisasi").name
    worst: dict[int, Severity] = {}
    for f in unit_data.findings:
        if f.tab == name and f.row is not None and worst.get(f.row) != "error":
            worst[f.row] = f.severity
    messages = _joined((f.row, f) for f in unit_data.findings if f.tab == name and f.row)
    for row, severity in worst.items():
        out[row] = (STATUS_FOR_SEVERITY[severity], messages[row])
    return out
