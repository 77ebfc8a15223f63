"""``init``: create or upgrade every workbook's tabs and headers from the schemas."""

from __future__ import annotations

from .backends import open_unit
from .config import Config
from .publish import open_summary_book
from .schema import summary_tabs, unit_tabs


def prepare_workbooks(config: Config, *, only_unit: str | None = None) -> list[str]:
    """Ensure the tabs and headers of the unit workbooks and the summary; return what changed.

    Existing data is never touched: missing tabs are created, missing header cells are added after
    the last header, a staff Realisasi tab gets its rejected-row colour and wrapped messages
    (presentation.unit_looks), and a workbook that is already complete is not written at all.
    A summary written here gets the look publish gives it.
    """
    units = [config.unit(only_unit)] if only_unit else list(config.units)
    changes: list[str] = []
    for unit in units:
        changes += open_unit(config, unit).ensure_tabs(unit_tabs())
    if only_unit is None:
        changes += open_summary_book(config, prepare=False).ensure_tabs(summary_tabs())
    return changes
