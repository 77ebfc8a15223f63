"""Local ``.xlsx`` workbooks through openpyxl: the default backend, no Google account needed.

What staff typed is never lost: formulas stay formulas, formats and other tabs stay as they were,
a file that another program has open is not written, and every write goes to a temporary file
that then replaces the workbook, so a crash never leaves a half-written file. A write that changes
nothing does not touch the file at all, so running ``init`` twice leaves it byte-for-byte as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as XlsxBook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from . import schema
from .workbook import (
    RangeUpdate,
    Rows,
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

# Zip entries get this fixed time so equal content gives equal bytes.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Parts openpyxl cannot read back and would silently drop on save.
_UNKEPT_PARTS = ("xl/charts/", "xl/media/", "xl/pivotTables/", "xl/vbaProject")

NUMBER_FORMATS = {
    "integer": "0",
    "decimal": "0.00",
    "percent": "0.0%",
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM",
}
HEADER_FONT = Font(bold=True)
STAFF_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SYSTEM_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")


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
    """Write a value; text stays text even when it starts with '=' (never becomes a formula)."""
    cell = ws.cell(row=row, column=col)
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
    it to rebuild its chart, which openpyxl cannot read back. ``fixed_time`` pins the document's
    modified time (the demo uses it so that its files are byte-for-byte reproducible).
    """

    refuses_concurrent_saves = True

    def __init__(
        self,
        path: Path | str,
        *,
        label: str | None = None,
        on_save: Callable[[XlsxBook], None] | None = None,
        fixed_time: dt.datetime | None = None,
    ) -> None:
        self.path = Path(path)
        self.label = label or self.path.name
        self.on_save = on_save
        self.fixed_time = fixed_time

    # -- reading -------------------------------------------------------------------------------

    def read_tabs(self, tabs: Sequence[str]) -> dict[str, Rows | None]:
        book = self._open(read_only=True, data_only=True)
        try:
            out: dict[str, Rows | None] = {}
            for wanted in tabs:
                title = find_tab_title(book.sheetnames, wanted)
                if title is None:
                    out[wanted] = None
                    continue
                out[wanted] = trim_rows(book[title].iter_rows(values_only=True))
            return out
        finally:
            book.close()

    # -- writing -------------------------------------------------------------------------------

    def write_ranges(self, updates: Sequence[RangeUpdate]) -> None:
        def apply(book: XlsxBook) -> bool:
            for update in updates:
                ws = self._sheet(book, update.tab)
                for r, row in enumerate(update.values):
                    for c, value in enumerate(row):
                        set_cell(ws, update.row + r, update.col + c, value)
                _format_columns(
                    ws,
                    update.tab,
                    first_row=update.row,
                    last_row=update.row + len(update.values) - 1,
                )
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

    def replace_tabs(self, contents: Mapping[str, Sequence[Sequence[Any]]]) -> None:
        def apply(book: XlsxBook) -> bool:
            for tab, rows in contents.items():
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
            return bool(changes)

        if not self.path.exists():
            self._create_empty()
            changes.append(f"{self.label}: workbook dibuat.")
        self._edit(apply, drop_default_sheet=True)
        return changes

    # -- internals -----------------------------------------------------------------------------

    def _open(self, *, read_only: bool = False, data_only: bool = False) -> XlsxBook:
        if not self.path.exists():
            raise WorkbookNotFound(f"Workbook {self.path} tidak ditemukan.")
        try:
            return openpyxl.load_workbook(self.path, read_only=read_only, data_only=data_only)
        except PermissionError:
            raise WorkbookLocked(
                f"Workbook {self.path} tidak dapat dibuka: akses ditolak."
            ) from None
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise WorkbookError(
                f"Workbook {self.path} tidak dapat dibaca sebagai berkas .xlsx ({exc}). "
                "Simpan ulang berkas dalam format Excel Workbook (.xlsx)."
            ) from None

    def _sheet(self, book: XlsxBook, tab: str) -> Worksheet:
        title = find_tab_title(book.sheetnames, tab)
        if title is None:
            raise WorkbookError(
                f"Workbook {self.label} tidak memiliki tab '{tab}'. Jalankan 'python run.py init'."
            )
        return book[title]

    def _create_empty(self) -> None:
        book = XlsxBook()
        self._save(book)

    def _edit(self, apply: Callable[[XlsxBook], bool], *, drop_default_sheet: bool = False) -> None:
        self._check_not_open_elsewhere()
        self._check_keepable()
        book = self._open()
        changed = apply(book)
        if drop_default_sheet and len(book.sheetnames) > 1:
            default = book.worksheets[0]
            if default.title == "Sheet" and default.max_row == 1 and default["A1"].value is None:
                book.remove(default)
        if changed:
            self._save(book)

    def _check_not_open_elsewhere(self) -> None:
        holder = lock_holder(self.path)
        if holder:
            raise WorkbookLocked(
                f"Workbook {self.path.name} sedang dibuka di {holder}. Tutup berkas itu lalu jalankan "
                "ulang; tidak ada yang ditulis agar isian yang belum disimpan tidak hilang."
            )

    def _check_keepable(self) -> None:
        if self.on_save is not None or not self.path.exists():
            return  # a system-owned workbook: on_save rebuilds what openpyxl drops
        try:
            with zipfile.ZipFile(self.path) as archive:
                unkept = sorted(
                    {p for n in archive.namelist() for p in _UNKEPT_PARTS if n.startswith(p)}
                )
        except zipfile.BadZipFile:
            return  # _open reports it
        if unkept:
            raise WorkbookUnsafeToWrite(
                f"Workbook {self.path.name} berisi grafik, gambar, pivot atau makro yang akan hilang bila "
                "ditulis oleh capaian; tidak ada yang ditulis. Pindahkan objek itu ke berkas lain."
            )

    def _save(self, book: XlsxBook) -> None:
        if self.on_save is not None:
            self.on_save(book)
        book.properties.modified = self.fixed_time or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if self.fixed_time is not None:
            book.properties.created = self.fixed_time
        raw = io.BytesIO()
        ExcelWriter(book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
        write_atomically(self.path, _normalise_zip(raw.getvalue()))


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync it, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except PermissionError:
        raise WorkbookLocked(
            f"Workbook {path.name} tidak dapat ditulis: akses ditolak (mungkin sedang dibuka program lain)."
        ) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _normalise_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times, so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
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
