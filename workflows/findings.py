"""A finding: one problem in what staff typed, as data (frictionless-style).

``code`` is a stable slug the code branches on; ``message`` is the Indonesian sentence for the
user, made from that code's template, saying what is wrong and what to type instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]
STATUS_FOR_SEVERITY = {"error": "Ditolak", "warning": "Peringatan"}


@dataclass(frozen=True)
class Finding:
    workbook: str  # the workbook's label (unit name or file name)
    tab: str  # tab name as in sheets_schema (e.g. "Realisasi")
    row: int | None  # the row number the user sees (header = 1); None for a whole-tab problem
    column: str | None  # column name as in sheets_schema; None for a whole-row or whole-tab problem
    value: str | None  # the cell's value as text, as the user typed it
    severity: Severity
    code: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
