"""The letters of a run: who gets which letter, with which links; rendering is ``letters.py``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from . import overview
from .calendar import RunWeek, week_key
from .config import Config
from .labels import ACTIVE
from .letters import (
    Letterhead,
    Link,
    Rendered,
    digest_context,
    records,
    render_digest,
    render_reminder,
    render_team,
    render_weekly_letters,
    team_context,
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
    return letters + digests(
        config, head, result, refleksi=refleksi, history=history, failed_units=failed_units
    )


def digests(
    config: Config,
    head: Letterhead,
    result: ScoreResult,
    *,
    refleksi: pd.DataFrame,
    history: pd.DataFrame,
    failed_units: dict[str, str],
) -> list[Rendered]:
    """The leadership digest for each recipient: the week's numbers, who needs attention, each
    unit's change and the support staff ask for, of the units that could be read."""
    readable = ~result.units["unit"].isin(list(failed_units))
    units = result.units[readable]
    people = result.people[~result.people["unit"].isin(list(failed_units))]
    context = digest_context(
        units,
        result.breaches,
        letterhead=head,
        link=_link(config, config.summary.workbook, config.summary.url),
        people=people,
        unreadable=failed_units,
        attention=overview.attention(
            people,
            lowest=config.letters.attention_lowest,
            silent_weeks=config.letters.silent_weeks,
        ),
        unit_changes=overview.unit_changes(units, history, head.week),
        support=overview.support_requests(refleksi, people, head.week.key),
    )
    name = f"Pimpinan {config.organisation}"
    suffix = _unreadable_suffix(failed_units)
    return [
        dataclasses.replace(
            render_digest(context, name=name, address=address), key=f"{address}{suffix}"
        )
        for address in config.mail.digest_recipients
    ]


def _unreadable_suffix(failed_units: dict[str, str]) -> str:
    """What a letter's journal key adds while units are unreadable, so the complete letter of
    the re-run after the fix is a different letter and is sent too."""
    return f" (tanpa {', '.join(sorted(failed_units))})" if failed_units else ""


def _supervisors(roster: pd.DataFrame) -> dict[str, dict]:
    """Every roster NIP's row as a supervisor is addressed: an active row with an email first."""
    ranked = roster.assign(
        _usable=(roster["status"] == ACTIVE) & roster["email"].notna(),
    ).sort_values("_usable", ascending=False, kind="stable")
    return {
        str(r["nip"]): r for r in records(ranked.drop_duplicates("nip").drop(columns="_usable"))
    }


def _unknown_supervisor(nip: str, staff: pd.Series, failed_units: dict[str, str]) -> str:
    names = ", ".join(sorted(staff, key=str.casefold))
    where = " yang terbaca" if failed_units else ""
    fix = "Periksa kolom NIP Atasan" + (
        ", atau perbaiki workbook unit yang tidak terbaca." if failed_units else "."
    )
    return (
        f"Surat tim untuk atasan dengan NIP {nip} (atasan dari {names}) tidak dapat dikirim: "
        f"NIP itu tidak ada di tab Pegawai unit mana pun{where}. {fix}"
    )


def team_letters(
    config: Config,
    week: RunWeek,
    result: ScoreResult,
    *,
    roster: pd.DataFrame,
    refleksi: pd.DataFrame,
    failed_units: dict[str, str],
) -> tuple[list[Rendered], list[str]]:
    """One team letter per supervisor of a scored ASN, and a warning per supervisor not found.

    A supervisor is anyone named in ``NIP Atasan`` of an active ASN, in any unit; their name and
    email come from any roster row. One whose NIP is on no roster cannot be mailed.
    """
    head = Letterhead.for_run(config, week)
    known = _supervisors(roster)
    staff = result.people[result.people["nip_atasan"].notna()]
    indicators, reflections = records(result.indicators), records(refleksi)
    links = unit_links(config)
    letters, warnings = [], []
    for nip, team in staff.groupby(staff["nip_atasan"].astype(str), sort=True):
        if nip not in known:
            warnings.append(_unknown_supervisor(nip, team["nama"], failed_units))
            continue
        context = team_context(
            known[nip],
            records(team),
            indicators,
            reflections,
            letterhead=head,
            links=links,
            silent_weeks=config.letters.silent_weeks,
            unreadable=failed_units,
        )
        letter = render_team(context)
        letters.append(
            dataclasses.replace(letter, key=letter.key + _unreadable_suffix(failed_units))
        )
    return letters, warnings


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
