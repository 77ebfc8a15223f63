"""The summary's bounded history (pure): which weeks of Riwayat the summary keeps.

Google holds at most 10 million cells per spreadsheet, every tab counted. Riwayat grows by one row
per ASN a week, so the summary keeps only the newest whole weeks that fit in
``summary.riwayat_cells`` cells (rows x columns), never fewer than the trend and the change since
last week need; the weeks that leave are archived by the caller (``archive.py``) before they are
dropped, and Tren takes the older weeks from Riwayat Unit (``ikhtisar.unit_means``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def weeks_that_fit(rows_per_week: Sequence[int], *, columns: int, cells: int, minimum: int) -> int:
    """How many weeks, newest first (``rows_per_week[0]`` is the newest), the window keeps: as
    many whole weeks as fit in ``cells`` at ``columns`` cells a row, but at least ``minimum``
    (and never more than there are)."""
    used = kept = 0
    for rows in rows_per_week:
        used += rows * columns
        if used > cells and kept >= minimum:
            break
        kept += 1
    return kept


def split_window(
    history: pd.DataFrame, *, columns: int, cells: int, minimum: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``history`` (with a ``minggu`` column) as the rows of the weeks the window keeps and the
    rows of the older weeks that leave it, each in the order they had."""
    weeks = history["minggu"].astype(str)
    counts = weeks.value_counts().sort_index(ascending=False)  # ISO week keys sort as text
    kept = weeks_that_fit(counts.tolist(), columns=columns, cells=cells, minimum=minimum)
    inside = weeks.isin(counts.index[:kept])
    return history[inside], history[~inside]


def iso_year(week_key: str) -> str:
    """The ISO year of a week key (``2026-W53`` → ``2026``, ``2027-W01`` → ``2027``): the file a
    week is archived to."""
    return str(week_key).split("-W", 1)[0]
