"""The run context: what one command run knows about itself, built once and passed down.

``today`` is the real local date: validation judges "in the future" against it, so a row's status
is the same whichever week is replayed. ``week`` is the week being scored: ``--date`` moves only
its cut-off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calendar import RunWeek, local_today, run_week
from .config import Config


@dataclass(frozen=True)
class RunContext:
    config: Config
    command: str
    today: dt.date  # the real local date (never moved by --date)
    week: RunWeek  # the week scored: the cut-off follows --date
    started: dt.datetime  # local wall-clock time, naive, as the summary shows it
    unit: str | None = None  # the configured name of the one unit to touch, or None for all
    dry_run: bool = False
    resend: tuple[str, ...] = ()
    force: bool = False
    write_back: bool = True

    def now(self) -> dt.datetime:
        """The local wall-clock time now, naive, as the summary's time columns hold it."""
        return dt.datetime.now(self.config.tz).replace(tzinfo=None)


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
    week = run_week(date or today, period_start=config.period.start, period_end=config.period.end)
    return RunContext(
        config=config,
        command=command,
        today=today,
        week=week,
        started=dt.datetime.now(config.tz).replace(tzinfo=None),
        unit=config.unit(unit).name if unit else None,
        dry_run=dry_run,
        resend=tuple(resend),
        force=force,
        write_back=write_back,
    )
