"""The run context: what one command run knows about itself, built once and passed down.

``today`` is the real local date: validation judges "in the future" against it, so a row's status
is the same whichever week is replayed. ``week`` is the week being scored: ``--date`` moves only
its cut-off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calendar import PeriodError, RunWeek, local_today, run_week_for
from .config import Config, Period


@dataclass(frozen=True)
class RunContext:
    config: Config
    command: str
    today: dt.date  # the real local date (never moved by --date)
    week: RunWeek  # the week scored: the cut-off follows --date
    entry_period: Period  # the dates an entry may carry: what validation judges, never --date
    started: dt.datetime  # local wall-clock time, naive, as the summary shows it
    unit: str | None = None  # the configured name of the one unit to touch, or None for all
    dry_run: bool = False
    resend: tuple[str, ...] = ()
    force: bool = False
    write_back: bool = True

    def now(self) -> dt.datetime:
        """The local wall-clock time now, naive, as the summary's time columns hold it."""
        return dt.datetime.now(self.config.tz).replace(tzinfo=None)


def entry_period(config: Config, today: dt.date) -> Period:
    """The dates a Realisasi entry may carry, judged from the real ``today`` only, so a row's
    status is the same whichever week is replayed: a pinned period as config says; with calendar
    periods, from the start of the period today's run scores up to today (in the first days of
    January, while the old year's final week is scored, the old year's entries still count)."""
    if config.period is not None:
        return config.period
    try:
        start = run_week_for(config, today).period.start
    except PeriodError:  # no calendar period refuses a day; kept for a clear failure elsewhere
        start = dt.date(today.year, 1, 1)
    return Period(start=start, end=max(today, start))


def build_context(
    config: Config,
    command: str,
    *,
    date: dt.date | None = None,
    unit: str | None = None,
    dry_run: bool = False,
    resend: tuple[str, ...] = (),
    force: bool = False,
    write_back: bool = True,
) -> RunContext:
    """The context of a run started now; ``date`` replays the week a run on that day scores."""
    today = local_today(config.timezone)
    return RunContext(
        config=config,
        command=command,
        today=today,
        week=run_week_for(config, date or today),
        entry_period=entry_period(config, today),
        started=dt.datetime.now(config.tz).replace(tzinfo=None),
        unit=config.unit(unit).name if unit else None,
        dry_run=dry_run,
        resend=tuple(resend),
        force=force,
        write_back=write_back,
    )
