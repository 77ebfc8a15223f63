"""Indonesian words and formats shared by parsing and letters: months, days, decimal commas."""

from __future__ import annotations

import datetime as dt
import math

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
# Folded month name or common abbreviation → month number.
MONTH_NUMBERS = {
    **{name.casefold(): i for i, name in enumerate(MONTHS, start=1)},
    "jan": 1,
    "feb": 2,
    "peb": 2,
    "pebruari": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "agu": 8,
    "agt": 8,
    "agus": 8,
    "ags": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "nop": 11,
    "nopember": 11,
    "des": 12,
    # English spellings that differ, as staff sometimes type them
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "october": 10,
    "oct": 10,
    "december": 12,
    "dec": 12,
    "aug": 8,
}
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def format_date(day: dt.date, *, with_weekday: bool = True) -> str:
    """``Senin, 2 Maret 2026`` (or ``2 Maret 2026``)."""
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]}, {text}" if with_weekday else text


def format_number(value: float | None, decimals: int = 2) -> str:
    """``1.234,56``: Indonesian thousands dot and decimal comma; ``-`` for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
