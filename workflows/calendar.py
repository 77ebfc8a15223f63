"""The run's week: which SKP period a run belongs to, the day it scores up to, and its key.

A run on day D scores the entries from its period's start up to a cut-off, and is keyed by the ISO
week of that cut-off. Let S be the last Sunday strictly before D (dates are local dates already):
a run on Monday 2026-03-02 or Wednesday 2026-03-04 has S = Sunday 2026-03-01, week 2026-W09.

Calendar periods (config has no ``period``, the default): the period is the calendar year
containing S and the cut-off is S, except when S's ISO week began in the previous year (S falls
on 1-6 January, so 31 December is a weekday of that same week, never a Sunday): then the run
scores the previous year's final partial week, cut-off 31 December, which closes that year for
the annual appraisal. The new year's first days are not lost: scoring is cumulative from the
period start, so they count in the new year's first week, scored by the next week's run.

A pinned period [start, end] (config ``period``):
- S before start: refused (``PeriodNotStarted``);
- start <= S <= end: cut-off S (a first week that began before start is fine: entries count
  from start);
- S at most 6 days after an end that is not a Sunday: the final partial week, cut-off end;
- later: refused (``PeriodOver``) until config names the next period.

The key is the ISO week of the cut-off: cut-off Thursday 2026-12-31 is ``2026-W53``, and the
final partial week of 2025 (cut-off Wednesday 2025-12-31) is ``2026-W01``, so period 2026's own
weeks start at ``2026-W02``. Under either rule every ISO week holds at most one cut-off (its
Sunday, or a period end that is not a Sunday, whose Sunday is then never a cut-off), so two
different cut-offs never share a key. Two pinned periods that meet in mid-week do share that
week's key (one period's end, the other's first Sunday): keys are unique within a period, which
is why the send journal keys letters by period too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .config import Config, Period
from .indonesian import format_date

ONE_DAY = dt.timedelta(days=1)
ONE_WEEK = dt.timedelta(days=7)


class PeriodError(Exception):
    """The run's date lies outside the pinned SKP period; the message says what to do (exit 2)."""


class PeriodNotStarted(PeriodError):
    """The run would score a week before the pinned period starts."""


class PeriodOver(PeriodError):
    """The pinned period ended and its final week has been scored."""


@dataclass(frozen=True)
class RunWeek:
    today: dt.date  # the run's date
    cut_off: dt.date  # the last day whose entries count: a Sunday, or the period's end
    key: str  # ISO week of the cut-off, e.g. "2026-W09"
    start: dt.date  # first day not covered by the period's previous week (Monday, or period start)
    period: Period
    pinned: bool  # the period is config's, not the calendar year
    previous_key: str | None  # the period's week before this one; None in its first week

    def earlier(self) -> RunWeek | None:
        """The period's week before this one (what a run seven days earlier scored), or None."""
        if self.previous_key is None:
            return None
        day = self.today - ONE_WEEK
        if self.pinned:
            return run_week(day, period_start=self.period.start, period_end=self.period.end)
        return run_week(day)


def week_key(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_sunday_before(day: dt.date) -> dt.date:
    """The Sunday strictly before ``day`` (Monday → yesterday; Sunday → a week ago)."""
    return day - dt.timedelta(days=day.isoweekday())


def calendar_year(year: int) -> Period:
    return Period(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


def run_week(
    today: dt.date, *, period_start: dt.date | None = None, period_end: dt.date | None = None
) -> RunWeek:
    """The week a run on ``today`` scores: calendar periods, or the period pinned by the two dates.

    Raises ``PeriodNotStarted`` / ``PeriodOver`` (both ``PeriodError``) for a pinned period that
    ``today`` cannot score; calendar periods always give a week.
    """
    if (period_start is None) != (period_end is None):
        raise TypeError("pin a period with both period_start and period_end, or neither")
    pinned = None if period_start is None else Period(start=period_start, end=period_end)
    sunday = last_sunday_before(today)
    period, cut_off = _scored(sunday, pinned, today=today)
    try:
        before, previous = _scored(sunday - ONE_WEEK, pinned, today=today)
    except PeriodNotStarted:
        before, previous = None, None
    same_period = before == period
    return RunWeek(
        today=today,
        cut_off=cut_off,
        key=week_key(cut_off),
        start=previous + ONE_DAY if same_period else period.start,
        period=period,
        pinned=pinned is not None,
        previous_key=week_key(previous) if same_period else None,
    )


def run_week_for(config: Config, today: dt.date) -> RunWeek:
    """``run_week`` with the period config pins, if any: what every command scores."""
    if config.period is None:
        return run_week(today)
    return run_week(today, period_start=config.period.start, period_end=config.period.end)


def _scored(sunday: dt.date, pinned: Period | None, *, today: dt.date) -> tuple[Period, dt.date]:
    """The period and cut-off of a run whose last Sunday is ``sunday`` (module docstring)."""
    if pinned is None:
        new_year = dt.date(sunday.year, 1, 1)
        if sunday - dt.timedelta(days=6) < new_year:
            return calendar_year(sunday.year - 1), new_year - ONE_DAY
        return calendar_year(sunday.year), sunday
    if sunday < pinned.start:
        raise PeriodNotStarted(_not_started(pinned, today))
    if sunday <= pinned.end:
        return pinned, sunday
    if sunday == _sunday_of(pinned.end):  # the end is a weekday of this week: its final week
        return pinned, pinned.end
    raise PeriodOver(_over(pinned, today))


def _sunday_of(day: dt.date) -> dt.date:
    """The Sunday that ends ``day``'s ISO week (``day`` itself on a Sunday)."""
    return day + dt.timedelta(days=7 - day.isoweekday())


def _dates(period: Period) -> str:
    return (
        f"{format_date(period.start, with_weekday=False)} s.d. "
        f"{format_date(period.end, with_weekday=False)}"
    )


def _not_started(period: Period, today: dt.date) -> str:
    return (
        f"Periode SKP {_dates(period)} belum dimulai: proses tanggal "
        f"{format_date(today, with_weekday=False)} menilai data sampai "
        f"{format_date(last_sunday_before(today))}, sebelum periode itu. Jalankan proses mulai "
        f"{format_date(_sunday_of(period.start) + ONE_DAY)}, atau ubah kunci 'period' di config.yaml."
    )


def _over(period: Period, today: dt.date) -> str:
    return (
        f"Periode SKP {_dates(period)} sudah berakhir: minggu terakhirnya (data sampai "
        f"{format_date(period.end, with_weekday=False)}) dinilai oleh proses paling lambat "
        f"{format_date(_sunday_of(period.end) + ONE_WEEK)}, sedangkan proses ini bertanggal "
        f"{format_date(today, with_weekday=False)}. Atur periode berikutnya pada kunci 'period' "
        "di config.yaml, atau hapus kunci itu agar periode mengikuti tahun kalender."
    )


def local_today(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()
