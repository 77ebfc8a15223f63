"""Write the workshop guide: read every unit (read-only), render its page, write the files.

The I/O edge around the pure ``guide`` module. A unit whose workbook cannot be used gets no page
and is named in the outcome; the other units' pages are still written. With one unit chosen only
its page is written, so an index listing every unit is never replaced by a partial one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import guide
from .calendar import RunWeek
from .check import run_validation
from .config import Config, Period
from .files import write_atomically


@dataclass
class GuideOutcome:
    written: list[Path] = field(default_factory=list)  # the files written, index last
    unreadable: dict[str, str] = field(default_factory=dict)  # unit → why it has no page


def write_guide(
    config: Config,
    week: RunWeek,
    *,
    today: dt.date,
    entry_period: Period,
    only_unit: str | None = None,
) -> GuideOutcome:
    """The guide of ``week``'s period into ``config.guide.folder``: one page per unit, an index."""
    validation = run_validation(
        config,
        week,
        today=today,
        entry_period=entry_period,
        only_unit=only_unit,
        write_back=False,
    )
    folder = config.path(config.guide.folder)
    folder.mkdir(parents=True, exist_ok=True)
    outcome = GuideOutcome(unreadable=validation.failed_units)
    roster = validation.tables["pegawai"]
    names = dict(zip(roster["nip"], roster["nama"], strict=True))
    for data in validation.units:
        if data.failed:
            continue
        page = guide.render_unit(
            guide.unit_context(config, data, week, names=names, generated=today)
        )
        outcome.written.append(_write(folder / guide.file_name(data.unit), page))
    if only_unit is None:
        written = [u.unit for u in validation.units if not u.failed]
        context = guide.index_context(
            config, week, written=written, unreadable=outcome.unreadable, generated=today
        )
        outcome.written.append(_write(folder / "index.html", guide.render_index(context)))
    return outcome


def _write(path: Path, html: str) -> Path:
    write_atomically(path, html.encode("utf-8"))
    return path
