"""``init``: create or upgrade every workbook's tabs and headers from the schemas."""

from __future__ import annotations

from .backends import open_unit
from .config import Config
from .outcomes import source_tabs
from .publish import open_summary_book
from .schema import Tab, record_tabs, summary_tabs, tab, unit_tabs
from .workbook import Workbook, WorkbookNotFound


def prepare_workbooks(config: Config, *, only_unit: str | None = None) -> list[str]:
    """Ensure the tabs and headers of the unit workbooks and the summary; return what changed.

    Existing data is never touched: missing tabs are created, missing header cells are added after
    the last header, a staff Realisasi tab gets its rejected-row colour and wrapped messages
    (presentation.unit_looks), and a workbook that is already complete is not written at all.
    A summary written here gets the look publish gives it. The optional record tabs (Survei,
    Layanan) are created only where an indicator's ``Sumber`` uses them.
    """
    units = [config.unit(only_unit)] if only_unit else list(config.units)
    changes: list[str] = []
    for unit in units:
        book = open_unit(config, unit)
        changes += book.ensure_tabs([*unit_tabs(), *_record_tabs_used(book)])
    if only_unit is None:
        changes += open_summary_book(config, prepare=False).ensure_tabs(summary_tabs())
    return changes


def _record_tabs_used(book: Workbook) -> list[Tab]:
    """The record tabs the unit's indicators name; one kept under another title (a Google
    Form's ``Jawaban Formulir 1``) is left as it is."""
    indikator = tab("indikator")
    try:
        raw = book.read_tabs([indikator.name, *(t for r in record_tabs() for t in r.aliases)])
    except WorkbookNotFound:
        return []
    rows = raw[indikator.name] or []
    header = [indikator.match_header(h) for h in (rows[0] if rows else [])]
    at = next((i for i, c in enumerate(header) if c is not None and c.key == "sumber"), None)
    if at is None:
        return []
    used = source_tabs(row[at] for row in rows[1:] if len(row) > at)
    return [r for r in record_tabs() if r.key in used and all(raw[a] is None for a in r.aliases)]
