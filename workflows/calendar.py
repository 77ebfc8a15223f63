"""The run's week: which Sunday it scores up to, and its ISO week key.

A run is keyed by the ISO week of its cut-off, the last Sunday before the run's date (Asia/Jakarta):
a run on Monday 2026-03-02 or Wednesday 2026-03-04 scores up to Sunday 2026-03-01, week 2026-W09.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class RunWeek:
    today: dt.date
    cut_off: dt.date  # the last day whose entries count (a Sunday, or the period's end)
    key: str  # ISO week of the cut-off, e.g. "2026-W09"
    start: dt.date  # Monday of that week

    @property
    def previous_key(self) -> str:
        return week_key(self.cut_off - dt.timedelta(days=7))


def week_key(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_sunday_before(day: dt.date) -> dt.date:
    """The Sunday strictly before ``day`` (Monday → yesterday; Sunday → a week ago)."""
    return day - dt.timedelta(days=day.isoweekday())


def run_week(today: dt.date, *, period_start: dt.date, period_end: dt.date) -> RunWeek:
    """The week a run on ``today`` scores; the cut-off never passes the period's end."""
    cut_off = min(last_sunday_before(today), period_end)
    cut_off = max(cut_off, period_start - dt.timedelta(days=1))
    monday = cut_off - dt.timedelta(days=cut_off.isoweekday() - 1)
    return RunWeek(today=today, cut_off=cut_off, key=week_key(cut_off), start=monday)


def local_today(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()
