"""The one small interface every workbook backend implements.

A workbook is a set of named tabs holding rows of cell values. The pipeline reads all the tabs it
needs in one batch, writes ranges in one batch, appends rows and makes sure tabs and headers exist.
Two implementations sit side by side: ``local.LocalWorkbook`` (``.xlsx`` files, the default) and
``google.GoogleWorkbook`` (Google Sheets through gspread).

Cell values cross this interface as plain Python values: ``str``, ``int``, ``float``, ``bool``,
``datetime``/``date`` (local) or sheet serial numbers (Google), and ``None`` for an empty cell.
Row ``i`` of a tab's list is the sheet's row ``i + 1``; trailing empty rows and cells are dropped.
A large tab may be asked for column by column instead (``read_tabs(..., by_column=...)``): then it
arrives as ``Columns``, so no list of millions of row lists is ever built.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from .schema import Tab, normalise_header

Rows = list[list[Any]]


@dataclass(frozen=True)
class Columns:
    """A tab read column by column: the header row, and each column's cells from sheet row 2 down.

    Columns are ragged (trailing empty cells dropped, as Google's ``majorDimension=COLUMNS``
    returns them); ``height`` is the number of data rows, so ``cells(i)[k]`` is sheet row ``k + 2``.
    """

    header: list[Any]
    columns: list[Sequence[Any]]
    height: int

    @classmethod
    def from_rows(cls, rows: Rows) -> Columns:
        """The same cells as ``rows`` (header first), column by column."""
        header, data = (list(rows[0]) if rows else []), rows[1:]
        width = max([len(header), *map(len, data)], default=0)
        columns = [[r[i] if i < len(r) else None for r in data] for i in range(width)]
        return cls(header, [_trimmed(c) for c in columns], len(trim_rows(data)))

    @property
    def width(self) -> int:
        return max(len(self.header), len(self.columns))

    def cells(self, i: int) -> list[Any]:
        """Column ``i`` (0-based) padded with ``None`` to ``height``."""
        cells = list(self.columns[i]) if i < len(self.columns) else []
        return cells[: self.height] + [None] * (self.height - len(cells))

    def to_rows(self) -> Rows:
        """The row form (header first), trailing empty cells and rows dropped."""
        width = max((i + 1 for i, cells in enumerate(self.columns) if cells), default=0)
        padded = [[*c, *[None] * (self.height - len(c))] for c in self.columns[:width]]
        rows = [list(self.header), *map(list, zip(*padded, strict=True))]
        for row in rows:
            while row and _empty(row[-1]):
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows


TabValues = Rows | Columns


@dataclass(frozen=True)
class RangeUpdate:
    """Values to write with their top-left cell at (``row``, ``col``), both 1-based."""

    tab: str
    row: int
    col: int
    values: Sequence[Sequence[Any]]


class WorkbookError(Exception):
    """A workbook cannot be read or written; ``str()`` is an Indonesian sentence for the operator."""


class WorkbookNotFound(WorkbookError):
    pass


class WorkbookLocked(WorkbookError):
    """The file is open in another program (or locked), so writing now could lose someone's work."""


class WorkbookUnsafeToWrite(WorkbookError):
    """Writing would drop parts of the workbook the backend cannot keep (charts, images)."""


@runtime_checkable
class Workbook(Protocol):
    label: str  # how messages name this workbook (file name or spreadsheet title)
    # True when a save refuses to replace a workbook edited since it was read (local files);
    # False where a write can land beside rows someone moved meanwhile (Google Sheets).
    refuses_concurrent_saves: bool

    def read_tabs(
        self, tabs: Sequence[str], *, by_column: Collection[str] = ()
    ) -> dict[str, TabValues | None]:
        """Every named tab's values in one batch; ``None`` for a tab that does not exist.

        Tabs named in ``by_column`` arrive as ``Columns``, the others as ``Rows``.
        """

    def write_ranges(self, updates: Sequence[RangeUpdate]) -> None:
        """Write all ranges in one batch; text is written as text, never as a formula."""

    def append_rows(self, tab: str, rows: Sequence[Sequence[Any]]) -> None:
        """Add rows after the last non-empty row of ``tab``."""

    def replace_tabs(
        self,
        contents: Mapping[str, Sequence[Sequence[Any]]],
        *,
        trimmed: Mapping[str, int] | None = None,
    ) -> None:
        """Rewrite whole system-owned tabs (header row included) in one batch.

        All or nothing: when it raises, every tab still holds what it held before (the summary
        is never left half written or cleared). Formats and the header's set-up stay.
        ``trimmed`` says, per tab, how many rows below the header the new content no longer
        holds at its top (Riwayat's weeks that left its window): a backend may delete them
        rather than rewrite every row below them.
        """

    def ensure_tabs(self, tabs: Sequence[Tab]) -> list[str]:
        """Create missing tabs and header cells from the schemas, touching no data.

        Returns a sentence per change made (empty when the workbook was already complete).
        """


def as_requested(rows: Rows | None, *, columnar: bool) -> TabValues | None:
    """``rows`` as ``Columns`` when asked for by column (for backends that read rows)."""
    return Columns.from_rows(rows) if columnar and rows is not None else rows


def find_tab_title(titles: Sequence[str], wanted: str) -> str | None:
    """The existing tab title that names ``wanted`` (case- and space-insensitive)."""
    if wanted in titles:
        return wanted
    folded = normalise_header(wanted)
    return next((t for t in titles if normalise_header(t) == folded), None)


def trim_rows(rows: Sequence[Sequence[Any]]) -> Rows:
    """Drop trailing empty cells of each row and trailing empty rows."""
    out: Rows = []
    for row in rows:
        cells = list(row)
        while cells and _empty(cells[-1]):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _trimmed(cells: list[Any]) -> list[Any]:
    while cells and _empty(cells[-1]):
        cells.pop()
    return cells


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def missing_headers(tab: Tab, header_row: Sequence[Any]) -> list[str]:
    """Schema columns the sheet's header row does not name (by name or alias)."""
    present = {col.key for h in header_row if not _empty(h) and (col := tab.match_header(h))}
    return [c.name for c in tab.columns if c.key not in present]


def tab_created(label: str, tab: str) -> str:
    """The change sentence ``ensure_tabs`` reports for a new tab."""
    return f"{label}: tab '{tab}' dibuat."


def columns_added(label: str, title: str, names: Sequence[str]) -> str:
    """The change sentence ``ensure_tabs`` reports for header cells added to an existing tab."""
    return f"{label}: tab '{title}' mendapat kolom {', '.join(names)}."
