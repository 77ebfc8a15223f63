"""Local ``.xlsx`` workbooks through openpyxl: the default backend, no Google account needed.

What staff typed is never lost: formulas stay formulas (with the values a spreadsheet program
last computed for them, so they read the same after capaian's save), formats and other tabs stay
as they were, a file that another program has open is not written, and every write goes to a
temporary file that then replaces the workbook, so a crash never leaves a half-written file. A
staff save that lands while capaian is saving wins: the workbook is only replaced if it is still
the file that was read. A write that changes nothing does not touch the file at all, so running
``init`` twice leaves it byte-for-byte as it was.

Speed for large unit workbooks (200,000 Realisasi rows): values are read by calamine (Rust),
completed from the sheet XML where it reads otherwise than openpyxl, and a second read of the
unchanged file reuses the first; statuses are written by patching only their cells into the
sheet XML, every other part of the file copied as it was. Whatever those fast paths cannot do
exactly as openpyxl would (a layout they do not know, values that are not text) goes through
openpyxl.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import python_calamine
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import FormulaRule
from openpyxl.formula.translate import Translator
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.workbook.workbook import Workbook as XlsxBook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from . import ikhtisar, schema
from .files import ChangedOnDisk, Fingerprint, remove_stale_temp_files, write_atomically
from .labels import UNREADABLE
from .presentation import (
    ALERT_FILL,
    CHART_TAB,
    TREND_TAB,
    Chart,
    ColourRule,
    TabLook,
    unit_looks,
)
from .workbook import (
    Columns,
    RangeUpdate,
    Rows,
    TabValues,
    WorkbookError,
    WorkbookLocked,
    WorkbookNotFound,
    WorkbookUnsafeToWrite,
    columns_added,
    find_tab_title,
    missing_headers,
    tab_created,
    trim_rows,
)


def _either(pattern: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """``pattern`` for elements without a prefix, and for elements with any or none."""
    return re.compile(pattern % b""), re.compile(pattern % rb"(?:\w+:)?")


# Zip entries get this fixed time so equal content gives equal bytes.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Parts openpyxl cannot read back and would silently drop on save.
_UNKEPT_PARTS = ("xl/charts/", "xl/media/", "xl/pivotTables/", "xl/vbaProject")
# A formula cell in sheet XML (``<f>``, ``<f t="shared" .../>``), not ``<formula1>`` of a dropdown.
_HAS_FORMULA = _either(rb"<%sf[\s>/]")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>].*</(?:\w+:)?sheetData>", re.DOTALL)
# A formula cell as openpyxl writes it: no cached value (``<v />``) and no result type.
_WRITTEN_FORMULA = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?)>(<f(?: [^>]*)?>[^<]*</f>)(?:<v\s*/>|<v></v>)</c>'
)
# An error value (``<v>#DIV/0!</v>``) and a whole number written with a point or an exponent
# (``<v>12.0</v>``, ``<v>1.98609262015051E+17</v>``): calamine reads them otherwise than openpyxl.
# Each as markup without prefixes (searched far faster) and with them.
_ERROR_VALUE = _either(rb"<%sv>(#[^<]*)</")
_DECIMAL_WHOLE = _either(rb"<%sv>([-+]?(?:[0-9]+\.0*|[0-9]*\.?[0-9]+[eE][-+]?[0-9]+))</")
# The spreadsheet namespace bound to a prefix: its elements may be written ``<x:c>``.
_PREFIXED = re.compile(rb'xmlns:\w+="[^"]*spreadsheetml[^"]*main"')
_CELL_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
# Sheet and styles markup the in-place write reads and rewrites.
_ROW_NUMBER = re.compile(rb'\sr="([0-9]+)"')
_ROW_HEIGHT = re.compile(rb'\sht="([^"]*)"')
_CUSTOM_HEIGHT = re.compile(rb'\scustomHeight="[^"]*"')
_SPANS = re.compile(rb'\sspans="([0-9]+):([0-9]+)"')
_CELL_COLUMN = re.compile(rb'\sr="([A-Z]+)[0-9]+"')
_STYLE = re.compile(rb'\ss="([0-9]+)"')
_MERGED = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_COL = re.compile(rb"<col\b[^>]*>")
_CELL_XFS = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.DOTALL)
_XF = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.DOTALL)

NUMBER_FORMATS = {
    "integer": "0",
    "decimal": "0.00",
    "percent": "0.0%",
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM",
}
HEADER_FONT = Font(bold=True)
# Points per line of 11-point text.
LINE_HEIGHT = 15.0
# Characters of plain (not bold) text a column one unit wide holds: a unit is one digit's width.
TEXT_PER_WIDTH = 1.1
# Rows a staff tab's conditional colours cover (as far as the dropdowns reach).
STAFF_ROWS = 5000
WRAPPED = Alignment(wrap_text=True, vertical="top")
STAFF_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SYSTEM_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")


class WorkbookChanged(WorkbookError):
    """Someone saved the workbook while capaian was saving it: their save is kept, ours dropped."""


class WorkbookMergedCell(WorkbookError):
    """A cell capaian must write lies inside merged cells, where nothing can be written.

    ``tab``, ``cell`` (``H5``) and ``merged`` (``G5:H6``) say where, for a finding.
    """

    def __init__(self, tab: str, cell: str, merged: str) -> None:
        self.tab, self.cell, self.merged = tab, cell, merged
        super().__init__(
            f"Sel {cell} di tab '{tab}' berada dalam sel gabungan {merged}, sehingga capaian tidak "
            "dapat menulis di sana dan tidak ada yang ditulis; pisahkan sel itu (Unmerge Cells / "
            "Pisahkan Sel) lalu jalankan lagi."
        )


def to_cell_value(value: Any) -> Any:
    """A value openpyxl can store: numpy/pandas scalars unwrapped, NaN/NaT empty, no timezone."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = None if str(value) == "NaT" else value.to_pydatetime()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def set_cell(ws: Worksheet, row: int, col: int, value: Any) -> None:
    """Write a value; text stays text even when it starts with '=' (never becomes a formula).

    A cell covered by merged cells cannot hold a value of its own: ``WorkbookMergedCell``.
    """
    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):
        merged = next(str(r) for r in ws.merged_cells.ranges if cell.coordinate in r)
        raise WorkbookMergedCell(ws.title, cell.coordinate, merged)
    value = to_cell_value(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def lock_holder(path: Path) -> str | None:
    """The program whose lock file says it has ``path`` open, or None."""
    name = path.name
    candidates = {
        f".~lock.{name}#": "LibreOffice",
        f"~${name}": "Microsoft Excel",
        f"~${name[2:]}": "Microsoft Excel",
    }
    for lock_name, program in candidates.items():
        if (path.parent / lock_name).exists():
            return program
    return None


class LocalWorkbook:
    """One ``.xlsx`` file.

    ``on_save`` runs on the openpyxl workbook just before every save: the summary workbook uses
    it to rebuild its chart. ``drawn_tabs`` names the tabs whose charts capaian draws itself, so a
    chart there is not mistaken for one a person made (those are never overwritten).
    ``fixed_time`` pins the document's modified time (the demo uses it so that its files are
    byte-for-byte reproducible).
    """

    refuses_concurrent_saves = True

    def __init__(
        self,
        path: Path | str,
        *,
        label: str | None = None,
        on_save: Callable[[XlsxBook], None] | None = None,
        drawn_tabs: Collection[str] = (),
        fixed_time: dt.datetime | None = None,
    ) -> None:
        self.path = Path(path)
        self.label = label or self.path.name
        self.on_save = on_save
        self.drawn_tabs = tuple(drawn_tabs)
        self.fixed_time = fixed_time
        # The last read's fingerprint and the tabs read from that file (by title).
        self._last_read: tuple[Fingerprint, dict[str, _Grid]] | None = None

    # -- reading -------------------------------------------------------------------------------

    def read_tabs(
        self, tabs: Sequence[str], *, by_column: Collection[str] = ()
    ) -> dict[str, TabValues | None]:
        """Values as last computed; a formula with no computed value reads as its text (``=A2*2``),
        so validation names it instead of seeing an empty cell.

        Values come from calamine (fast, column by column for tabs in ``by_column``); what it
        cannot tell (error values, numbers written with a decimal point, formulas never computed)
        comes from the sheet XML. A second read of the unchanged file reuses the first.
        """
        data, fingerprint = self._read()
        grids = self._grids(data, fingerprint, tabs)
        return {
            wanted: None if grid is None else grid.as_requested(wanted in by_column)
            for wanted, grid in grids.items()
        }

    def _grids(
        self, data: bytes, fingerprint: Fingerprint, tabs: Sequence[str]
    ) -> dict[str, _Grid | None]:
        """Each named tab of the file ``data`` as read (None where missing), from the last read
        when the file is still the one read then."""
        if self._last_read is None or self._last_read[0] != fingerprint:
            self._last_read = (fingerprint, {})
        grids = self._last_read[1]
        titles = self._titles(data, tabs)
        missing = {t for t in titles.values() if t is not None and t not in grids}
        if missing:
            grids.update(self._read_grids(data, missing))
        return {wanted: None if title is None else grids[title] for wanted, title in titles.items()}

    def _titles(self, data: bytes, tabs: Sequence[str]) -> dict[str, str | None]:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                titles = list(_sheet_parts(archive))
        except zipfile.BadZipFile:
            titles = []
        if not titles:  # openpyxl says why the file cannot be read, or finds its tabs elsewhere
            book = self._load(data, read_only=True)
            titles = list(book.sheetnames)
            book.close()
        return {wanted: find_tab_title(titles, wanted) for wanted in tabs}

    def _read_grids(self, data: bytes, titles: Collection[str]) -> dict[str, _Grid]:
        """Each of ``titles`` read by calamine, or by openpyxl where calamine cannot be trusted."""
        try:
            return _calamine_grids(data, titles)
        except Exception:  # a speed-up only: openpyxl reads what calamine cannot, or says why
            return self._openpyxl_grids(data, titles)

    def _openpyxl_grids(self, data: bytes, titles: Collection[str]) -> dict[str, _Grid]:
        book = self._load(data, read_only=True, data_only=True)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                formulas = _formula_cells(archive, titles)
            return {
                title: _Grid.of_rows(_tab_rows(book[title], formulas.get(title, {})))
                for title in titles
            }
        finally:
            book.close()

    # -- writing -------------------------------------------------------------------------------

    def write_ranges(self, updates: Sequence[RangeUpdate]) -> None:
        """Text into a staff tab is patched into its sheet XML, every other part kept byte for
        byte; anything else (or a sheet laid out otherwise) goes through openpyxl."""
        if self._write_in_place(updates):
            return

        def apply(book: XlsxBook) -> bool:
            for update in updates:
                ws = self._sheet(book, update.tab)
                for r, row in enumerate(update.values):
                    for c, value in enumerate(row):
                        set_cell(ws, update.row + r, update.col + c, value)
                rows = {"first_row": update.row, "last_row": update.row + len(update.values) - 1}
                _format_columns(ws, update.tab, **rows)
                wrap_written_cells(ws, update.tab, **rows)
            return bool(updates)

        self._edit(apply)

    def append_rows(self, tab: str, rows: Sequence[Sequence[Any]]) -> None:
        def apply(book: XlsxBook) -> bool:
            ws = self._sheet(book, tab)
            start = _last_used_row(ws) + 1
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    set_cell(ws, start + r, 1 + c, value)
            _format_columns(ws, tab, first_row=start, last_row=start + len(rows) - 1)
            return bool(rows)

        self._edit(apply)

    def replace_tabs(
        self,
        contents: Mapping[str, Sequence[Sequence[Any]]],
        *,
        trimmed: Mapping[str, int] | None = None,
    ) -> None:
        """Each tab rewritten whole with ``contents`` (so rows ``trimmed`` off its top are gone
        too), in one save."""

        def apply(book: XlsxBook) -> bool:
            for tab, rows in contents.items():
                if schema_tab_named(tab) is None and find_tab_title(book.sheetnames, tab) is None:
                    book.create_sheet(tab)  # a view of the summary (Ikhtisar, Tren, Grafik)
                ws = self._sheet(book, tab)
                if ws.max_row > 0:
                    ws.delete_rows(1, ws.max_row)
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        set_cell(ws, 1 + r, 1 + c, value)
                _style_header(ws, schema_tab_named(tab))
                _format_columns(ws, tab, first_row=2, last_row=len(rows))
            return True

        self._edit(apply)

    def ensure_tabs(self, tabs: Sequence[schema.Tab]) -> list[str]:
        changes: list[str] = []

        def apply(book: XlsxBook) -> bool:
            for tab in tabs:
                title = find_tab_title(book.sheetnames, tab.name)
                if title is None:
                    ws = book.create_sheet(tab.name)
                    for c, name in enumerate(tab.headers, start=1):
                        set_cell(ws, 1, c, name)
                    _set_up_sheet(ws, tab)
                    add_unit_look(ws, tab)
                    changes.append(tab_created(self.label, tab.name))
                    continue
                ws = book[title]
                header = [cell.value for cell in ws[1]] if ws.max_row >= 1 else []
                header = trim_rows([header])[0] if trim_rows([header]) else []
                missing = missing_headers(tab, header)
                for offset, name in enumerate(missing):
                    set_cell(ws, 1, len(header) + 1 + offset, name)
                if missing:
                    _set_up_sheet(ws, tab)
                    changes.append(columns_added(self.label, title, missing))
                if add_unit_look(ws, tab):
                    changes.append(look_added(self.label, title))
            return bool(changes)

        if not self.path.exists():
            self._create_empty()
            changes.append(f"{self.label}: workbook dibuat.")
        self._edit(apply, drop_default_sheet=True)
        return changes

    # -- internals -----------------------------------------------------------------------------

    def _read(self) -> tuple[bytes, Fingerprint]:
        """The file's bytes, and its fingerprint to tell later whether it is still this file."""
        if not self.path.exists():
            raise WorkbookNotFound(f"Workbook {self.path} tidak ditemukan.")
        try:
            stat = self.path.stat()
            data = self.path.read_bytes()
        except PermissionError:
            raise WorkbookLocked(
                f"Workbook {self.path} tidak dapat dibuka: akses ditolak."
            ) from None
        except OSError as exc:
            raise self._unreadable(exc) from None
        return data, Fingerprint.of(data, stat)

    def _load(self, data: bytes, *, read_only: bool = False, data_only: bool = False) -> XlsxBook:
        try:
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=read_only, data_only=data_only
            )
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise self._unreadable(exc) from None

    def _unreadable(self, exc: Exception) -> WorkbookError:
        return WorkbookError(
            f"Workbook {self.path} tidak dapat dibaca sebagai berkas .xlsx ({exc}). "
            "Simpan ulang berkas dalam format Excel Workbook (.xlsx)."
        )

    def _sheet(self, book: XlsxBook, tab: str) -> Worksheet:
        title = find_tab_title(book.sheetnames, tab)
        if title is None:
            raise WorkbookError(
                f"Workbook {self.label} tidak memiliki tab '{tab}'. Jalankan 'python run.py init'."
            )
        return book[title]

    def _create_empty(self) -> None:
        self._save(XlsxBook())

    def _edit(self, apply: Callable[[XlsxBook], bool], *, drop_default_sheet: bool = False) -> None:
        self._check_not_open_elsewhere()
        remove_stale_temp_files(self.path.parent, target=self.path.name)
        data, fingerprint = self._read()
        book = self._load(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            foreign = _foreign_parts(archive, self.drawn_tabs)
            formulas = _formula_cells(archive, book.sheetnames)
        changed = apply(book)
        if drop_default_sheet and len(book.sheetnames) > 1:
            default = book.worksheets[0]
            if default.title == "Sheet" and default.max_row == 1 and default["A1"].value is None:
                book.remove(default)
        if not changed:
            return
        if foreign:  # only refused when writing: reading or a no-op loses nothing
            raise WorkbookUnsafeToWrite(
                f"Workbook {self.path.name} berisi grafik, gambar, pivot atau makro yang akan hilang bila "
                "ditulis oleh capaian; tidak ada yang ditulis. Pindahkan objek itu ke berkas lain."
            )
        self._save(book, expected=fingerprint, formulas=formulas)

    def _write_in_place(self, updates: Sequence[RangeUpdate]) -> bool:
        """``updates`` written by patching their sheet's XML; False (nothing written) where that
        cannot be done exactly as the openpyxl path would do it."""
        tabs = {update.tab for update in updates}
        if self.on_save is not None or len(tabs) != 1 or not _text_only(updates):
            return False
        (tab,) = tabs
        named = schema_tab_named(tab)
        if named is not None and named.workbook == "summary":  # number formats to set: openpyxl
            return False
        self._check_not_open_elsewhere()
        remove_stale_temp_files(self.path.parent, target=self.path.name)
        data, fingerprint = self._read()
        try:
            header = self._header(data, fingerprint, tab)
            patched = _patched_workbook(data, updates, header, self.drawn_tabs)
        except _NotFast:
            return False
        self._replace(patched, fingerprint)
        return True

    def _header(self, data: bytes, fingerprint: Fingerprint, tab: str) -> Sequence[Any]:
        """The header row of ``tab``: from the last read of this file, else its first row alone."""
        title = self._titles(data, [tab])[tab]
        if title is None:
            raise _NotFast("no such tab")
        if self._last_read is not None and self._last_read[0] == fingerprint:
            grid = self._last_read[1].get(title)
            if grid is not None:
                return grid.header
        book = self._load(data, read_only=True, data_only=True)
        try:
            return next(book[title].iter_rows(max_row=1, values_only=True), ())
        finally:
            book.close()

    def _check_not_open_elsewhere(self) -> None:
        holder = lock_holder(self.path)
        if holder:
            raise WorkbookLocked(
                f"Workbook {self.path.name} sedang dibuka di {holder}. Tutup berkas itu lalu jalankan "
                "ulang; tidak ada yang ditulis agar isian yang belum disimpan tidak hilang."
            )

    def _save(
        self,
        book: XlsxBook,
        *,
        expected: Fingerprint | None = None,
        formulas: Mapping[str, Mapping[str, _Formula]] | None = None,
    ) -> None:
        """Write ``book`` over the file, keeping the computed values of the ``formulas`` read from
        it that it still holds; with ``expected``, only if the file is still the one that was read."""
        if self.on_save is not None:
            self.on_save(book)
        book.properties.modified = self.fixed_time or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if self.fixed_time is not None:
            book.properties.created = self.fixed_time
        unchanged = _unchanged_formulas(book, formulas or {})
        raw = io.BytesIO()
        ExcelWriter(book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
        values = {
            ws.path.lstrip("/"): unchanged[ws.title]
            for ws in book.worksheets
            if ws.title in unchanged
        }
        self._replace(_normalise_zip(raw.getvalue(), values), expected)

    def _replace(self, data: bytes, expected: Fingerprint | None) -> None:
        """The file replaced by ``data`` atomically, only if it is still the one that was read."""
        try:
            write_atomically(self.path, data, expected=expected)
        except ChangedOnDisk:
            raise WorkbookChanged(
                f"Workbook {self.path.name} disimpan orang lain saat capaian sedang menyimpannya; "
                "simpanan itu dipertahankan, dan yang hendak ditulis capaian (misalnya status) akan "
                "ditulis pada proses berikutnya."
            ) from None
        except PermissionError:
            raise WorkbookLocked(
                f"Workbook {self.path.name} tidak dapat ditulis: akses ditolak (mungkin sedang dibuka "
                "program lain)."
            ) from None


# -- writing text into a staff tab in place ------------------------------------------------------


def _text_only(updates: Sequence[RangeUpdate]) -> bool:
    """Whether every value to write is text or empty (the only values written in place)."""
    return all(
        value is None or isinstance(value, str)
        for update in updates
        for row in update.values
        for value in row
    )


@dataclass(frozen=True)
class _Plan:
    """What a write does to one sheet: the updates, the rows they touch, and the columns whose
    cells wrap in those rows (sized to their text), with their widths."""

    title: str
    updates: tuple[RangeUpdate, ...]
    rows: list[int]  # sorted
    covered: Collection[int]  # the same rows, quick to ask (a range for one update)
    wrapped: dict[int, float]
    first_column: int  # the leftmost column written

    def cells_at(self, row: int) -> dict[int, str | None]:
        """The text each column of ``row`` gets (a later update wins)."""
        cells = {}
        for update in self.updates:
            if 0 <= row - update.row < len(update.values):
                for c, value in enumerate(update.values[row - update.row], start=update.col):
                    cells[c] = _text(value)
        return cells

    def wraps(self, row: int) -> bool:
        return bool(self.wrapped) and row in self.covered


def _patched_workbook(
    data: bytes, updates: Sequence[RangeUpdate], header: Sequence[Any], drawn: Collection[str]
) -> bytes:
    """The workbook ``data`` with ``updates`` written into one sheet's XML, as the openpyxl path
    would write them (text, wrapped message cells, row heights); every other part as it was."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        if _foreign_parts(src, drawn) or "xl/styles.xml" not in src.namelist():
            raise _NotFast("parts the openpyxl path refuses to lose, or no styles")
        parts = _sheet_parts(src)
        title = find_tab_title(list(parts), updates[0].tab)
        if title is None or parts[title] not in src.namelist():
            raise _NotFast("no such tab")
        sheet = src.read(parts[title])
        plan = _plan(title, updates, header, sheet)
        styles = _WrapStyles(src.read("xl/styles.xml"))
        styles.prepare(sheet, plan)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
                if info.filename == parts[title]:
                    with dst.open(entry, "w") as handle:
                        for piece in _patched_sheet(sheet, plan, styles):
                            handle.write(piece)
                elif info.filename == "xl/styles.xml":
                    dst.writestr(entry, styles.patched())
                else:
                    dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _plan(title: str, updates: Sequence[RangeUpdate], header: Sequence[Any], sheet: bytes) -> _Plan:
    """The write ``updates`` make; ``WorkbookMergedCell`` for the first cell they write that
    lies inside merged cells."""
    merged = [m[1].decode("ascii") for m in _MERGED.finditer(sheet, _tail(sheet))]
    for update in updates:
        hidden = _first_hidden(update, merged)
        if hidden is not None:
            raise WorkbookMergedCell(title, *hidden)
    first_row = next(_row_spans(sheet, sheet.find(b"<sheetData"), len(sheet)), (0, 0))
    if b"<f" in sheet[first_row[0] : first_row[1]]:
        raise _NotFast("a header computed by a formula (openpyxl reads its formula)")
    spans = [range(u.row, u.row + len(u.values)) for u in updates]
    covered = spans[0] if len(spans) == 1 else frozenset().union(*spans)
    wrapped = _wrapped_columns(updates[0].tab, header, sheet)
    first = min(update.col for update in updates)
    return _Plan(title, tuple(updates), sorted(covered), covered, wrapped, first)


def _text(value: str | None) -> str | None:
    """The text ``set_cell`` stores: characters a workbook cannot hold removed."""
    if value is None:
        return None
    if type(value) is not str:
        value = to_cell_value(value)
    return value if value.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", value)


def _first_hidden(update: RangeUpdate, merged: Sequence[str]) -> tuple[str, str] | None:
    """The first cell ``update`` writes (row by row) that merged cells hide: (cell, range)."""
    hidden = []
    for text in merged:
        first, _, last = text.partition(":")
        top, left = coordinate_to_tuple(first)
        bottom, right = coordinate_to_tuple(last or first)
        for r in range(max(top, update.row), min(bottom, update.row + len(update.values) - 1) + 1):
            width = len(update.values[r - update.row])
            for c in range(max(left, update.col), min(right, update.col + width - 1) + 1):
                if (r, c) != (top, left):
                    hidden.append((r, c, text))
    if not hidden:
        return None
    r, c, text = min(hidden)
    return f"{get_column_letter(c)}{r}", text


def _tail(sheet: bytes) -> int:
    """Where the sheet's data ends (merged ranges come after it)."""
    end = sheet.rfind(b"</sheetData>")
    return end if end >= 0 else 0


def _wrapped_columns(tab_title: str, header: Sequence[Any], sheet: bytes) -> dict[int, float]:
    """The 1-based columns whose cells wrap in the rows written (the staff tab's look), with the
    width openpyxl gives each: its ``<col>``'s own (the one starting there), else 13."""
    look = next((lk for lk in unit_looks() if lk.tab == tab_title), None)
    if look is None:
        return {}
    tab = schema_tab_named(tab_title)
    found = (header_column(header, tab, key) for key in look.wrapped_columns)
    columns = {col for col in found if col}
    widths = {}
    for match in _COL.finditer(sheet, 0, max(sheet.find(b"<sheetData"), 0)):
        tag = match[0]
        first = re.search(rb'\bmin="([0-9]+)"', tag)
        width = re.search(rb'\bwidth="([^"]*)"', tag)
        if first and int(first[1]) in columns:
            widths[int(first[1])] = float(width[1]) if width else 13.0
    return {c: widths.get(c, 13.0) or 8.43 for c in columns}


class _WrapStyles:
    """styles.xml's cell formats, and for each format a wrapped cell had, its wrapped twin (the
    same format with top-aligned wrapping, as openpyxl's ``WRAPPED``): an existing one where the
    file has it, else one added at the end."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        found = _CELL_XFS.search(xml)
        if found is None:
            raise _NotFast("no cell formats")
        self.formats = [m[0] for m in _XF.finditer(xml, found.start(1), found.end(1))]
        self.keys = [_xf_key(x) for x in self.formats]
        self.twins: dict[int, int] = {}
        self.added: list[bytes] = []
        self.prepared = False

    def prepare(self, sheet: bytes, plan: _Plan) -> None:
        """The twins of the styles the wrapped cells of the written rows have (and of none, for a
        row without such a cell), found before the sheet is written, so styles.xml is known
        first; a cell this misses (its ``s`` not right after ``r``) sends the write to openpyxl."""
        if plan.wrapped:
            letters = b"|".join(_letter(col).encode("ascii") for col in plan.wrapped)
            cells = re.compile(rb'<c r="(?:%s)([0-9]+)"(?: s="([0-9]+)")?' % letters)
            found = [m for m in cells.finditer(sheet) if plan.wraps(int(m[1]))]
            for style in {int(m[2] or 0) for m in found}:
                self.wrapped(style)
            if len(found) < len(plan.wrapped) * sum(map(plan.wraps, plan.rows)):
                self.wrapped(0)
        self.prepared = True

    def wrapped(self, style: int) -> int:
        if style not in self.twins:
            if self.prepared:
                raise _NotFast("a style the wrapped cells were not seen to have")
            if style >= len(self.keys):
                raise _NotFast("a cell format styles.xml lacks")
            attrs, _, protection = self.keys[style]
            wanted = (attrs, _WRAP_KEY, protection)
            self.twins[style] = next(
                (i for i in [style, *range(len(self.keys))] if self.keys[i] == wanted), -1
            )
            if self.twins[style] < 0:
                self.twins[style] = len(self.keys)
                self.keys.append(wanted)
                self.added.append(_wrapped_xf(self.formats[style]))
        return self.twins[style]

    def patched(self) -> bytes:
        """styles.xml with the added twins (as it was when none were added)."""
        if not self.added:
            return self.xml
        found = _CELL_XFS.search(self.xml)
        head = re.sub(
            rb'\bcount="[0-9]+"',
            b'count="%d"' % len(self.keys),
            self.xml[found.start() : found.start(1)],
        )
        return b"".join(
            [self.xml[: found.start()], head, found[1], *self.added, self.xml[found.end(1) :]]
        )


_WRAP_KEY = (("vertical", "top"), ("wrapText", "1"))


def _xf_key(xf: bytes) -> tuple[tuple, tuple, tuple]:
    """A cell format compared as openpyxl sees it: attributes (without the ``apply`` flags), its
    alignment and its protection."""
    element = _fragment(xf)
    attrs = tuple(sorted((k, v) for k, v in element.attrib.items() if not k.startswith("apply")))
    children = {_local_name(child.tag): child for child in element}
    alignment = children.get("alignment")
    align = () if alignment is None else tuple(sorted(alignment.attrib.items()))
    align = tuple((k, "1" if v == "true" else v) for k, v in align)
    protection = children.get("protection")
    return attrs, align, () if protection is None else tuple(sorted(protection.attrib.items()))


def _wrapped_xf(xf: bytes) -> bytes:
    """The format ``xf`` with its alignment replaced by top-aligned wrapping."""
    element = _fragment(xf)
    for child in [c for c in element if _local_name(c.tag) == "alignment"]:
        element.remove(child)
    element.set("applyAlignment", "1")
    alignment = ET.Element("alignment", {"vertical": "top", "wrapText": "1"})
    element.insert(0, alignment)
    return ET.tostring(element)


def _fragment(xml: bytes) -> ET.Element:
    try:
        return ET.fromstring(xml)
    except ET.ParseError:
        raise _NotFast("markup read only in its document (prefixes)") from None


def _patched_sheet(sheet: bytes, plan: _Plan, styles: _WrapStyles) -> Iterator[bytes]:
    """The sheet XML in pieces, each row ``plan`` touches rewritten (or added where missing),
    the text between them copied as it is."""
    start, end = sheet.find(b"<sheetData>"), sheet.rfind(b"</sheetData>")
    if start < 0 or end < 0:
        raise _NotFast("a sheet without plain <sheetData>")
    references = sheet.count(b' r="', start, end) - sheet.count(b"<row ", start, end)
    if sheet.count(b"<c>", start, end) or references != sheet.count(b"<c ", start, end):
        raise _NotFast("cells without their reference: their columns are their order")
    pending, i, copied, out = plan.rows, 0, 0, []
    for row_start, row_end in _row_spans(sheet, start, end):
        if i == len(pending):
            break
        number = _row_number(sheet, row_start)
        if pending[i] > number:
            continue
        out.append(sheet[copied:row_start])
        copied = row_start
        while i < len(pending) and pending[i] < number:
            out.append(_patched_row(b"", pending[i], plan, styles))
            i += 1
        if i < len(pending) and pending[i] == number:
            out.append(_patched_row(sheet[row_start:row_end], number, plan, styles))
            copied, i = row_end, i + 1
        if len(out) >= 4096:
            yield b"".join(out)
            out = []
    out.append(sheet[copied:end])
    out += [_patched_row(b"", n, plan, styles) for n in pending[i:]]
    out.append(sheet[end:])
    yield b"".join(out)


def _row_spans(sheet: bytes, pos: int, end: int) -> Iterator[tuple[int, int]]:
    """Where each ``<row>`` between ``pos`` and ``end`` starts and ends."""
    while (start := sheet.find(b"<row", pos, end)) >= 0:
        close = sheet.find(b">", start, end)
        if close < 0:
            raise _NotFast("an unclosed row")
        stop = close + 1 if sheet[close - 1] == ord("/") else sheet.find(b"</row>", close, end) + 6
        if stop < close:
            raise _NotFast("an unclosed row")
        yield start, stop
        pos = stop


def _row_number(sheet: bytes, start: int) -> int:
    found = _ROW_NUMBER.search(sheet, start, sheet.find(b">", start))
    if found is None:
        raise _NotFast("a row without its number")
    return int(found[1])


def _patched_row(row: bytes, number: int, plan: _Plan, styles: _WrapStyles) -> bytes:
    """One ``<row>`` (``b""``: none yet) with the plan's cells written and wrapped, its height
    set as openpyxl's ``wrap_rows`` sets it. Only the cells from the first written column on
    are parsed; those before it are kept as they are."""
    if row:
        close = row.find(b">")
        tag, body = row[: close + 1], b"" if row[close - 1 : close] == b"/" else row[close + 1 : -6]
        tag = tag[:-2] + b">" if tag.endswith(b"/>") else tag
    else:
        tag, body = b'<row r="%d">' % number, b""
    new = plan.cells_at(number)
    wrapped = plan.wrapped if plan.wraps(number) else {}
    if any(col not in new for col in wrapped):
        raise _NotFast("a wrapped cell whose text is not written")
    split, tail = _cells_from(body, plan.first_column)
    cells, styled = [], {}
    for col, cell in tail:
        if col not in new:
            cells.append((col, cell))
        elif b"<f" in cell:
            raise _NotFast("a formula where text is to be written")
        else:
            style = _STYLE.search(cell, 0, cell.find(b">"))
            styled[col] = int(style[1]) if style else 0
    for col, value in new.items():
        style = styles.wrapped(styled.get(col, 0)) if col in wrapped else styled.get(col, 0)
        cells.append((col, _text_cell(f"{_letter(col)}{number}", style, value)))
    cells.sort(key=lambda cell: cell[0])
    if wrapped:
        tag = _row_height(tag, new, wrapped)
    tag = _spanned(tag, cells[0][0], cells[-1][0])
    return b"".join([tag, body[:split], *(c for _, c in cells), b"</row>"])


def _cells_from(body: bytes, first_column: int) -> tuple[int, list[tuple[int, bytes]]]:
    """Where the row's cells from ``first_column`` on begin, and those cells (by column)."""
    pos, end, cells = len(body), len(body), []
    while (start := body.rfind(b"<c ", 0, pos)) >= 0:
        col = _column_index(body[start : body.find(b">", start)])
        if col < first_column:
            break
        cell = body[start:pos].rstrip()
        if not cell.endswith((b"/>", b"</c>")) or (pos < end and body[pos:end].strip()):
            raise _NotFast("a row holding more than cells")
        cells.append((col, cell))
        pos, end = start, start
    return pos, cells[::-1]


def _row_height(tag: bytes, cells: Mapping[int, str | None], wrapped: Mapping[int, float]) -> bytes:
    """The row's start tag with the height its wrapped text needs (``wrap_rows``): whole lines
    when more than one; a height of whole lines capaian set earlier dropped for one line."""
    lines = max(
        _lines(cells.get(col) or "", width * TEXT_PER_WIDTH) for col, width in wrapped.items()
    )
    height = _ROW_HEIGHT.search(tag)
    if lines <= 1 and (height is None or float(height[1]) % LINE_HEIGHT != 0):
        return tag
    tag = _CUSTOM_HEIGHT.sub(b"", _ROW_HEIGHT.sub(b"", tag))
    if lines <= 1:
        return tag
    return b'%s ht="%s" customHeight="1">' % (tag[:-1], f"{LINE_HEIGHT * lines:g}".encode())


def _lines(text: str, width: float) -> int:
    """``wrapped_lines``, at once for text that fits on one line."""
    return 1 if len(text) <= max(int(width), 1) else wrapped_lines(text, width)


def _spanned(tag: bytes, first: int, last: int) -> bytes:
    """The row's start tag with its ``spans`` hint (if any) covering columns first..last."""
    spans = _SPANS.search(tag)
    if spans is None:
        return tag
    low, high = min(int(spans[1]), first), max(int(spans[2]), last)
    return tag[: spans.start()] + b' spans="%d:%d"' % (low, high) + tag[spans.end() :]


def _text_cell(ref: str, style: int, value: str | None) -> bytes:
    """A cell holding ``value`` as an inline string (never a formula), or an empty styled cell."""
    styled = b' s="%d"' % style if style else b""
    if not value:  # empty text keeps its type, as openpyxl writes it
        kind = b"" if value is None else b' t="inlineStr"'
        return b'<c r="%s"%s%s/>' % (ref.encode("ascii"), styled, kind)
    space = b' xml:space="preserve"' if value.strip() != value else b""
    text = escape(value).encode("utf-8")
    return b'<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (
        ref.encode("ascii"),
        styled,
        space,
        text,
    )


def _column_index(cell_tag: bytes) -> int:
    found = _CELL_COLUMN.search(cell_tag)
    if found is None:
        raise _NotFast("a cell without its reference")
    return _index(found[1])


@functools.cache
def _index(letters: bytes) -> int:
    return column_index_from_string(letters.decode("ascii"))


@functools.cache
def _letter(col: int) -> str:
    return get_column_letter(col)


# -- reading with calamine ----------------------------------------------------------------------


class _NotFast(Exception):
    """The sheet XML is laid out so that calamine's values cannot be completed: openpyxl reads it."""


@dataclass(frozen=True)
class _Grid:
    """One tab as read: the header row and each column's cells below it, as tuples, so that a
    second read of the same file can hand them out again unchanged."""

    header: tuple[Any, ...]
    columns: tuple[tuple[Any, ...], ...]
    height: int

    @classmethod
    def of_rows(cls, rows: Rows) -> _Grid:
        columns = Columns.from_rows(rows)
        return cls(tuple(columns.header), tuple(map(tuple, columns.columns)), columns.height)

    def as_requested(self, columnar: bool) -> TabValues:
        columns = Columns(list(self.header), list(map(list, self.columns)), self.height)
        return columns if columnar else columns.to_rows()


def _calamine_grids(data: bytes, titles: Collection[str]) -> dict[str, _Grid]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = _sheet_parts(archive)
        fixes = {title: _calamine_fixes(archive.read(parts[title])) for title in titles}
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return {
            title: _grid(
                book.get_sheet_by_name(title).to_python(skip_empty_area=False), fixes[title]
            )
            for title in titles
        }
    finally:
        book.close()


def _grid(rows: list[list[Any]], fixes: Mapping[tuple[int, int], Any]) -> _Grid:
    """calamine's rows as openpyxl reads them: whole numbers as int (unless ``fixes`` says the
    file wrote them as decimals), dates as datetime, empty text as None; then ``fixes`` put in."""
    height = max([len(rows), *(r + 1 for r, _ in fixes)])
    width = max([0, *map(len, rows), *(c + 1 for _, c in fixes)])
    rows.extend([] for _ in range(height - len(rows)))
    for row in rows:
        row.extend([None] * (width - len(row)))
    grid = [_plain_column(column) for column in zip(*rows, strict=True)]
    for (r, c), value in fixes.items():
        grid[c][r] = value
    columns = tuple(_trimmed_tuple(column, start=1) for column in grid)
    header = _trimmed_tuple([column[0] for column in grid])
    return _Grid(header, columns, max([0, *map(len, columns)]))


def _trimmed_tuple(cells: list[Any], *, start: int = 0) -> tuple[Any, ...]:
    end = len(cells)
    while end > start and cells[end - 1] is None:
        end -= 1
    return tuple(cells[start:end])


def _plain_column(cells: tuple[Any, ...]) -> list[Any]:
    """A column of calamine values as openpyxl reads them (text alone needs nothing)."""
    if set(map(type, cells)) == {str} and "" not in cells:
        return list(cells)
    return list(map(_plain, cells))


def _plain(value: Any) -> Any:
    """One calamine value as openpyxl reads it."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _calamine_fixes(xml: bytes) -> dict[tuple[int, int], Any]:
    """What calamine reads otherwise than openpyxl, by (row, column), both 0-based: a formula
    never computed (its text), an error value (``#DIV/0!``), a whole number written as a decimal
    (a float)."""
    if b' t="d"' in xml:
        raise _NotFast("ISO dates, which openpyxl reads as dates and calamine as datetimes")
    fixes: dict[tuple[int, int], Any] = {}
    for coord, f in _parse_formulas(_formula_elements(xml)).items():
        if f.value is None:
            r, c = coordinate_to_tuple(coord)
            fixes[r - 1, c - 1] = f.text
    markup = 1 if _PREFIXED.search(xml) else 0
    for match in _ERROR_VALUE[markup].finditer(xml):
        tag = _cell_tag(xml, match.start())
        if b't="e"' in tag:
            fixes[_cell_position(tag)] = match[1].decode("utf-8")
    for match in _DECIMAL_WHOLE[markup].finditer(xml):
        tag = _cell_tag(xml, match.start())
        if b' t="' not in tag or b' t="n"' in tag:
            fixes[_cell_position(tag)] = float(match[1])
    return fixes


def _cell_tag(xml: bytes, pos: int) -> bytes:
    """The start tag of the cell holding the value at ``pos``."""
    start = max(xml.rfind(b"<c ", 0, pos), xml.rfind(b":c ", 0, pos))
    if start < 0 or max(xml.rfind(b"<c>", 0, pos), xml.rfind(b":c>", 0, pos)) > start:
        raise _NotFast("a cell without attributes")
    return xml[start : xml.find(b">", start)]


def _cell_position(tag: bytes) -> tuple[int, int]:
    match = _CELL_REF.search(tag)
    if match is None:
        raise _NotFast("a cell without its reference")
    r, c = coordinate_to_tuple(match[1].decode("ascii"))
    return r - 1, c - 1


# -- formulas and their computed values, in the sheet XML -------------------------------------------


@dataclass(frozen=True)
class _Formula:
    """A formula cell as stored: its formula, and the value a spreadsheet program computed for it
    (``value`` as written in the XML, of result type ``kind``; None when never computed)."""

    text: str  # "=A2*2", shared formulas translated to this cell
    kind: str | None  # the cell's ``t``: None/"n" number, "str", "b", "e"
    value: str | None


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _relationships(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type's last word, target part) of each relationship of ``part`` inside the package."""
    try:
        root = ET.fromstring(archive.read(_rels_part(part)))
    except KeyError:
        return []
    folder = posixpath.dirname(part)
    out = []
    for rel in root:
        target = rel.get("Target", "")
        if not target or rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        out.append((rel.get("Id", ""), rel.get("Type", "").rpartition("/")[2], resolved))
    return out


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each tab title's worksheet part (``xl/worksheets/sheet1.xml``)."""
    try:
        root = ET.fromstring(archive.read("xl/workbook.xml"))
    except KeyError:
        return {}
    targets = {rid: target for rid, _, target in _relationships(archive, "xl/workbook.xml")}
    out = {}
    for sheet in root.iter():
        if _local_name(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if _local_name(k) == "id"), None)
        if rid in targets:
            out[sheet.get("name", "")] = targets[rid]
    return out


def _foreign_parts(archive: zipfile.ZipFile, drawn_tabs: Collection[str]) -> list[str]:
    """Parts openpyxl would drop that are not the charts capaian draws in ``drawn_tabs``."""
    unkept = {n for n in archive.namelist() if n.startswith(_UNKEPT_PARTS)}
    if not unkept:
        return []
    sheets = _sheet_parts(archive)
    own: set[str] = set()
    for tab in drawn_tabs:
        title = find_tab_title(list(sheets), tab)
        drawings = [] if title is None else _relationships(archive, sheets[title])
        for _, kind, drawing in drawings:
            if kind != "drawing":
                continue
            for _, kind, chart in _relationships(archive, drawing):
                if kind == "chart":
                    own |= {chart, _rels_part(chart)}
                    own |= {t for _, _, t in _relationships(archive, chart)}  # its style, colours
    return sorted(unkept - own)


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _formula_cells(
    archive: zipfile.ZipFile, titles: Collection[str]
) -> dict[str, dict[str, _Formula]]:
    """The formula cells of each named tab, by coordinate, read from the sheet XML."""
    parts = _sheet_parts(archive)
    out = {}
    for title in titles:
        try:
            xml = archive.read(parts[title])
        except KeyError:
            continue
        cells = _formula_elements(xml)
        if cells:
            out[title] = _parse_formulas(cells)
    return out


def _formula_elements(xml: bytes) -> list[ET.Element]:
    """The ``<c>`` elements that hold a formula, in sheet order.

    Only those cells are parsed (a sheet of 10,000 rows may hold one formula); a sheet whose
    markup does not allow that (namespace prefixes) is parsed whole.
    """
    data = _SHEET_DATA.search(xml)
    has_formula = _HAS_FORMULA[1 if _PREFIXED.search(xml) else 0]
    found = list(has_formula.finditer(xml, data.start(), data.end())) if data else []
    if not found:
        return []
    elements = []
    try:
        for match in found:
            start = xml.rfind(b"<c ", 0, match.start())
            end = xml.find(b"</c>", match.end())
            element = ET.fromstring(xml[start : end + 4]) if 0 <= start < end else None
            if element is None or element.tag != "c":
                raise ET.ParseError("not a cell")
            elements.append(element)
    except ET.ParseError:
        return [e for _, e in ET.iterparse(io.BytesIO(xml)) if _local_name(e.tag) == "c"]
    return elements


def _parse_formulas(elements: list[ET.Element]) -> dict[str, _Formula]:
    cells: dict[str, _Formula] = {}
    shared: dict[str, tuple[str, str]] = {}  # si → (formula, its cell) of shared formulas
    for element in elements:
        coord = element.get("r")
        kind = element.get("t")
        formula = value = None
        has_value = False
        for child in element:
            name = _local_name(child.tag)
            if name == "f":
                formula = child
            elif name == "v":
                has_value, value = True, child.text
        if coord and formula is not None:
            text = _formula_text(formula, coord, shared)
            if value is None and has_value and kind == "str":
                value = ""  # a formula whose result is empty text
            if text is not None:
                cells[coord] = _Formula(text, kind, value)
    return cells


def _formula_text(f: ET.Element, coord: str, shared: dict[str, tuple[str, str]]) -> str | None:
    si = f.get("si")
    if f.get("t") == "shared" and si is not None:
        if f.text:
            shared[si] = (f"={f.text}", coord)
        elif si in shared:
            text, origin = shared[si]
            return Translator(text, origin=origin).translate_formula(coord)
        else:
            return None
    return f"={f.text}" if f.text else None


def _tab_rows(ws: Any, formulas: Mapping[str, _Formula]) -> Rows:
    """A tab's values, with each of its ``formulas`` that has no computed value given as its text."""
    missing = {c: f.text for c, f in formulas.items() if f.value is None}
    if not missing:
        return trim_rows(ws.iter_rows(values_only=True))
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    for coord, text in missing.items():
        r, c = coordinate_to_tuple(coord)
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        row.extend([None] * (c - len(row)))
        if row[c - 1] is None:
            row[c - 1] = text
    return trim_rows(rows)


def _unchanged_formulas(
    book: XlsxBook, formulas: Mapping[str, Mapping[str, _Formula]]
) -> dict[str, dict[str, _Formula]]:
    """Of the computed ``formulas`` read from the file, those still in ``book`` as they were (the
    same formula in the same cell: capaian wrote nothing there), by tab."""
    out: dict[str, dict[str, _Formula]] = {}
    for ws in book.worksheets:
        for coord, f in formulas.get(ws.title, {}).items():
            cell = ws._cells.get(coordinate_to_tuple(coord))  # never create an empty cell
            if f.value is not None and cell is not None and cell.value == f.text:
                out.setdefault(ws.title, {})[coord] = f
    return out


def _with_computed_values(xml: bytes, formulas: Mapping[str, _Formula]) -> bytes:
    """Sheet XML written by openpyxl with each formula's computed value put back beside it."""

    def put_back(match: re.Match[bytes]) -> bytes:
        f = formulas.get(match[1].decode("ascii"))
        if f is None or f.value is None:
            return match[0]
        kind = f' t="{f.kind}"'.encode() if f.kind and f.kind != "n" else b""
        value = escape(f.value).encode("utf-8")
        return b'<c r="%s"%s%s>%s<v>%s</v></c>' % (match[1], match[2], kind, match[3], value)

    return _WRITTEN_FORMULA.sub(put_back, xml)


def _normalise_zip(data: bytes, computed: Mapping[str, Mapping[str, _Formula]]) -> bytes:
    """The same archive with fixed entry times (so equal content gives equal bytes) and the
    formulas' computed values put back into the sheets named in ``computed``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename in computed:
                content = _with_computed_values(content, computed[info.filename])
            dst.writestr(entry, content)
    return out.getvalue()


def schema_tab_named(title: str) -> schema.Tab | None:
    folded = schema.normalise_header(title)
    return next(
        (t for t in schema.load_schemas().values() if schema.normalise_header(t.name) == folded),
        None,
    )


def _last_used_row(ws: Worksheet) -> int:
    for row in range(ws.max_row, 0, -1):
        if any(cell.value not in (None, "") for cell in ws[row]):
            return row
    return 0


def _format_columns(ws: Worksheet, tab_title: str, *, first_row: int, last_row: int) -> None:
    """Number formats from the schema for the rows the system just wrote (system tabs only)."""
    tab = schema_tab_named(tab_title)
    if tab is None or tab.workbook != "summary" or last_row < first_row:
        return
    for c, column in enumerate(tab.columns, start=1):
        fmt = NUMBER_FORMATS.get(column.format or "")
        if fmt:
            for r in range(first_row, last_row + 1):
                ws.cell(row=r, column=c).number_format = fmt


def _style_header(ws: Worksheet, tab: schema.Tab | None) -> None:
    """Bold, coloured header row (grey over system columns), frozen, with readable widths."""
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        if cell.value in (None, ""):
            continue
        column = tab.match_header(cell.value) if tab else None
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = SYSTEM_HEADER_FILL if column is None or column.is_system else STAFF_HEADER_FILL
        if column is not None and column.width:
            ws.column_dimensions[cell.column_letter].width = column.width


def _set_up_sheet(ws: Worksheet, tab: schema.Tab) -> None:
    """Header styling and dropdowns for choice columns, from the schema."""
    _style_header(ws, tab)
    if tab.workbook != "unit":
        return
    existing = {str(dv.sqref) for dv in ws.data_validations.dataValidation}
    for cell in ws[1]:
        column = tab.match_header(cell.value) if cell.value else None
        if column is None or column.is_system or not column.choices:
            continue
        letter = get_column_letter(cell.column)
        sqref = f"{letter}2:{letter}5000"
        if sqref in existing:
            continue
        options = ",".join(column.choices)
        validation = DataValidation(
            type="list",
            formula1=f'"{options}"',
            allow_blank=True,
            showErrorMessage=False,  # warn in our findings instead of blocking the typist
            showInputMessage=bool(column.description),
            promptTitle=column.name[:32],
            prompt=column.description[:255],
        )
        validation.add(sqref)
        ws.add_data_validation(validation)


# -- how a tab looks (presentation.TabLook) ------------------------------------------------------


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped at word boundaries in a column ``width`` characters wide."""
    width = max(int(width), 1)
    lines, used = 1, 0
    for word in str(text).split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
        while used > width:  # a word longer than the column breaks inside it
            lines, used = lines + 1, used - width
    return lines


def fit_row_height(ws: Worksheet, row: int = 1) -> None:
    """Wrap a header row inside its own row: tall enough for its longest wrapped header (so it
    never spills over the row below)."""
    lines = 1
    for cell in ws[row]:
        if cell.value in (None, ""):
            continue
        cell.alignment = WRAPPED
        width = ws.column_dimensions[cell.column_letter].width or 8.43
        lines = max(lines, wrapped_lines(str(cell.value), width - 1))
    ws.row_dimensions[row].height = LINE_HEIGHT * lines


def column_of(ws: Worksheet, tab: schema.Tab | None, column: str) -> int | None:
    """The 1-based column whose header is the schema key ``column`` (or that header text)."""
    return header_column([cell.value for cell in ws[1]], tab, column)


def header_column(header: Sequence[Any], tab: schema.Tab | None, column: str) -> int | None:
    """``column_of`` in a header row's values."""
    for i, value in enumerate(header, start=1):
        if value in (None, ""):
            continue
        named = tab.match_header(value) if tab else None
        if (named is not None and named.key == column) or value == column:
            return i
    return None


def colour_rule(ws: Worksheet, tab: schema.Tab | None, rule: ColourRule, *, last_row: int):
    """``(range, openpyxl rule)`` for a ColourRule, or None when the tab lacks its column."""
    col = column_of(ws, tab, rule.column)
    if col is None:
        return None
    letter = get_column_letter(col)
    first = get_column_letter(1) if rule.whole_row else letter
    last = get_column_letter(max(ws.max_column, col)) if rule.whole_row else letter
    text = rule.equals.replace('"', '""')
    font = Font(color=rule.font) if rule.font else None
    fill = PatternFill(start_color=rule.fill, end_color=rule.fill, fill_type="solid")
    formula = f'${letter}2="{text}"'
    return f"{first}2:{last}{last_row}", FormulaRule(formula=[formula], fill=fill, font=font)


def apply_look(ws: Worksheet, look: TabLook) -> None:
    """A summary tab's look, set afresh: frozen and wrapped header, autofilter over the data,
    wrapped long text, conditional colours and print settings."""
    tab = schema_tab_named(ws.title)
    last_row = max(ws.max_row, 2)
    last_col = get_column_letter(max(ws.max_column, 1))
    ws.freeze_panes = f"A{look.frozen_rows + 1}" if look.frozen_rows else None
    if look.wrap_header:
        fit_row_height(ws)
    ws.auto_filter.ref = f"A1:{last_col}{last_row}" if look.autofilter else None
    wrap_rows(ws, tab, look.wrapped_columns, first_row=2, last_row=ws.max_row)
    ws.conditional_formatting = ConditionalFormattingList()
    for rule in look.colour_rules:
        made = colour_rule(ws, tab, rule, last_row=last_row)
        if made:
            ws.conditional_formatting.add(*made)
    set_printing(ws, look)


def set_printing(ws: Worksheet, look: TabLook) -> None:
    """Landscape A4, fit to one page wide (and tall for ``fit_height``), header row on every page,
    the tab name and week in the page header."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if look.landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = look.fit_width or look.fit_height
    ws.page_setup.fitToWidth = 1 if look.fit_width else 0
    ws.page_setup.fitToHeight = 1 if look.fit_height else 0
    ws.print_title_rows = "1:1" if look.repeat_header else None
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddHeader.center.text = look.page_header.replace("&", "&&")
    ws.oddFooter.center.text = "Halaman &P dari &N"


def look_added(label: str, title: str) -> str:
    return f"{label}: tab '{title}' diberi warna baris ditolak dan kolom pesan yang terlipat."


def add_unit_look(ws: Worksheet, tab: schema.Tab) -> bool:
    """The staff tab's own look (presentation.unit_looks) where it is missing: a rule whose
    formula is already there is left alone (wherever staff's edits moved its range), and so is
    every rule staff made. True if anything was added."""
    look = next((lk for lk in unit_looks() if lk.tab == tab.name), None)
    if look is None:
        return False
    changed = False
    present = {tuple(r.formula or ()) for cf in ws.conditional_formatting for r in cf.rules}
    for rule in look.colour_rules:
        made = colour_rule(ws, tab, rule, last_row=STAFF_ROWS)
        if made and tuple(made[1].formula) not in present:
            ws.conditional_formatting.add(*made)
            changed = True
    for key in look.wrapped_columns:
        col = column_of(ws, tab, key)
        dims = ws.column_dimensions[get_column_letter(col)] if col else None
        if dims is not None and not dims.alignment.wrap_text:
            dims.alignment = WRAPPED
            changed = True
    return changed


def wrap_written_cells(ws: Worksheet, tab_title: str, *, first_row: int, last_row: int) -> None:
    """The staff tab's wrapped columns wrap in the rows capaian just wrote (a column's own style
    only reaches cells that have none)."""
    look = next((lk for lk in unit_looks() if lk.tab == tab_title), None)
    if look is not None:
        tab = schema_tab_named(tab_title)
        wrap_rows(ws, tab, look.wrapped_columns, first_row=first_row, last_row=last_row)


def wrap_rows(
    ws: Worksheet, tab: schema.Tab | None, keys: Sequence[str], *, first_row: int, last_row: int
) -> None:
    """Cells of the columns ``keys`` wrap, each row as tall as its longest wrapped text needs
    (spreadsheet programs do not size rows on opening a file). A row capaian made taller earlier
    goes back to the default height when its text no longer needs it; a height staff set that
    capaian would not have chosen (not whole lines) stays."""
    columns = [c for c in (column_of(ws, tab, key) for key in keys) if c]
    for r in range(first_row, last_row + 1) if columns else ():
        lines = 1
        for col in columns:
            cell = ws.cell(row=r, column=col)
            cell.alignment = WRAPPED
            width = ws.column_dimensions[get_column_letter(col)].width or 8.43
            lines = max(lines, wrapped_lines(str(cell.value or ""), width * TEXT_PER_WIDTH))
        row = ws.row_dimensions[r]
        if lines > 1:
            row.height = LINE_HEIGHT * lines
        elif row.height is not None and row.height % LINE_HEIGHT == 0:
            row.height = None


# -- the summary's own views and charts (publish's on_save hook) -----------------------------------


def order_tabs(book: XlsxBook, titles: Sequence[str]) -> None:
    """Tabs in the order of ``titles`` (others after them, as they were); the first one open."""
    rank = {title: i for i, title in enumerate(titles)}
    book._sheets.sort(key=lambda ws: rank.get(ws.title, len(rank)))
    book.active = 0
    for i, ws in enumerate(book.worksheets):
        ws.sheet_view.tabSelected = i == 0


def style_view(ws: Worksheet, title: str) -> None:
    """Widths and number formats of the summary's tables that are not schema tabs: Tren (means,
    two decimals) and Grafik (counts)."""
    formats = {TREND_TAB: ("decimal", 10, 14), CHART_TAB: ("integer", 28, 12)}
    if title not in formats:
        return
    kind, first_width, width = formats[title]
    for col in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(col)].width = first_width if col == 1 else width
        for row in range(2, ws.max_row + 1):
            ws.cell(row=row, column=col).number_format = NUMBER_FORMATS[kind] if col > 1 else "@"


def style_overview(ws: Worksheet) -> None:
    """Ikhtisar as a report: a title, bold section titles, grey header rows, two decimals,
    percentages as such, an unreadable unit's row in red."""
    for col, width in enumerate(ikhtisar.WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = None
    ws["A1"].font, ws["A1"].fill = Font(bold=True, size=14), PatternFill()
    ws["A2"].font = Font(italic=True)
    header: list[Any] = []
    for row in ws.iter_rows(min_row=3):
        first = row[0].value
        if _header_at(row):
            header = _header_at(row)
            for cell in row[: len(header)]:
                cell.font, cell.fill, cell.alignment = HEADER_FONT, SYSTEM_HEADER_FILL, WRAPPED
            fit_row_height(ws, row[0].row)
        elif isinstance(first, str) and first.startswith(ikhtisar.SECTIONS):
            row[0].font, header = Font(bold=True, size=12), []
        elif header:
            _style_overview_row(row, header)


def _header_at(row: Sequence[Any]) -> list[str]:
    """The Ikhtisar header this row is, or []."""
    values = [c.value for c in row]
    return next((h for h in ikhtisar.HEADERS if values[: len(h)] == h), [])


def _style_overview_row(row: Sequence[Any], header: list[str]) -> None:
    label = row[0].value
    unreadable = any(isinstance(c.value, str) and c.value.startswith(UNREADABLE) for c in row)
    for cell, name in zip(row, header, strict=False):
        if unreadable:
            cell.fill = PatternFill("solid", start_color=ALERT_FILL, end_color=ALERT_FILL)
        if isinstance(cell.value, bool) or not isinstance(cell.value, (int, float)):
            continue
        named = {name, label}
        percent = bool(named & ikhtisar.PERCENT_LABELS)
        kind = "percent" if percent else "integer" if named & ikhtisar.COUNT_LABELS else "decimal"
        cell.number_format = NUMBER_FORMATS[kind]
    if isinstance(label, str) and ikhtisar.MORE.fullmatch(label):
        row[0].font = Font(italic=True)


def draw_chart(book: XlsxBook, chart: Chart) -> None:
    """A native chart over its source tab's current rows (drawn afresh at each save)."""
    if chart.source_tab not in book.sheetnames or chart.anchor_tab not in book.sheetnames:
        return
    source = book[chart.source_tab]
    last_row = _last_used_row(source)
    columns = chart.series_columns or tuple(range(chart.all_columns_from or 1, source.max_column))
    if last_row < 2 or not columns:
        return
    drawn = LineChart() if chart.kind == "line" else BarChart()
    if chart.stacked:
        drawn.grouping, drawn.overlap = "stacked", 100
    drawn.title, drawn.y_axis.title = chart.title, chart.y_title
    drawn.x_axis.delete = drawn.y_axis.delete = False  # openpyxl hides the axes otherwise
    for col in columns:
        data = Reference(source, min_col=col + 1, min_row=1, max_row=last_row)
        drawn.add_data(data, titles_from_data=True)
    drawn.set_categories(
        Reference(source, min_col=chart.category_column + 1, min_row=2, max_row=last_row)
    )
    for series, colour in zip(drawn.series, chart.series_colours, strict=False):
        series.graphicalProperties.solidFill = colour
    drawn.width, drawn.height = 24, 10
    book[chart.anchor_tab].add_chart(drawn, chart.anchor_cell)
