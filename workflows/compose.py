"""The letters of a run: who gets which letter, with which links; rendering is ``letters.py``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from .calendar import RunWeek, week_key
from .config import Config
from .labels import ACTIVE
from .letters import (
    Letterhead,
    Link,
    Rendered,
    digest_context,
    render_digest,
    render_reminder,
    render_weekly_letters,
)
from .score import ScoreResult


def _link(config: Config, workbook: str, url: str | None) -> Link:
    """The sheet a reader can open: its configured URL, the Google sheet of its key, or (local
    workbooks, no URL) the workbook's file name: a path on the server means nothing to a reader."""
    if url:
        return Link(url)
    if config.backend == "google":
        return Link(f"https://docs.google.com/spreadsheets/d/{workbook}/edit")
    return Link(Path(workbook).name)


def unit_links(config: Config) -> dict[str, Link]:
    """Each unit's name → the link its letters give to the unit's sheet."""
    return {unit.name: _link(config, unit.workbook, unit.url) for unit in config.units}


def weekly_letters(
    config: Config,
    week: RunWeek,
    result: ScoreResult,
    *,
    rejected: pd.DataFrame,
    refleksi: pd.DataFrame,
    history: pd.DataFrame,
    failed_units: dict[str, str],
    digest: bool,
) -> list[Rendered]:
    """One letter per scored ASN, then (with ``digest``) the leadership digest per recipient.

    A digest written while a unit could not be read is a different letter from the complete
    one: its journal key names the missing units, so the re-run after the fix sends the digest
    again with the right numbers.
    """
    head = Letterhead.for_run(config, week)
    letters = list(
        render_weekly_letters(
            result.people,
            result.indicators,
            rejected,
            refleksi,
            history,
            letterhead=head,
            links=unit_links(config),
        )
    )
    if not (digest and config.mail.digest_recipients):
        return letters
    unreadable = list(failed_units)
    context = digest_context(
        result.units[~result.units["unit"].isin(unreadable)],
        result.breaches,
        letterhead=head,
        link=_link(config, config.summary.workbook, config.summary.url),
        people=result.people[~result.people["unit"].isin(unreadable)],
        unreadable=failed_units,
    )
    name = f"Pimpinan {config.organisation}"
    suffix = f" (tanpa {', '.join(sorted(failed_units))})" if failed_units else ""
    return letters + [
        dataclasses.replace(
            render_digest(context, name=name, address=address), key=f"{address}{suffix}"
        )
        for address in config.mail.digest_recipients
    ]


def reminder_recipients(
    roster: pd.DataFrame, entries: pd.DataFrame, *, start: dt.date, today: dt.date
) -> pd.DataFrame:
    """Active ASN with no valid entry dated from ``start`` to ``today`` (both included)."""
    active = roster[roster["status"] == ACTIVE].drop_duplicates("nip")
    dates = (
        pd.to_datetime(entries["tanggal"]) if len(entries) else pd.Series(dtype="datetime64[ns]")
    )
    this_week = entries[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(today))]
    return active[~active["nip"].isin(set(this_week["nip"]))]


def reminders(
    config: Config, week: RunWeek, due: pd.DataFrame, *, start: dt.date, day: dt.date
) -> list[Rendered]:
    """A reminder to each ASN in ``due`` (no entry from ``start`` to ``day``)."""
    head = Letterhead.for_run(config, week)
    links = unit_links(config)
    return [
        render_reminder(
            person,
            letterhead=head,
            link=links[person["unit"]],
            week_start=start,
            today=day,
            week_key=week_key(day),
        )
        for person in due.to_dict("records")
    ]
