"""The criteria guide for the socialisation workshops, built from what the code itself does (pure).

Every column comes from ``sheets_schema/``, every mistake and its message from the rule registry,
every number from ``config.scoring`` and ``config.schedule``, each ASN's indicators and targets
from the unit's own tabs, and the worked example from ``score.score_week`` on the unit's entries:
so the guide cannot say one thing while the code does another. ``unit_context`` and
``index_context`` build plain dicts; ``render_unit`` and ``render_index`` fill the templates in
``templates/guide/`` (self-contained HTML, A4 print CSS, readable on a phone).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from . import score
from .calendar import RunWeek
from .config import Config, Period, Scoring
from .findings import STATUS_FOR_SEVERITY, Rule
from .indonesian import DAYS, MONTHS, format_number
from .labels import ACTIVE, DI_ATAS, DI_BAWAH, JUMLAH, KATEGORI, RATINGS, SESUAI
from .letters import records, render
from .outcomes import computed_realisations
from .schema import Column, Tab, tab, unit_tabs
from .sheet_docs import TYPE_WORDS, WRITER_WORDS, example_finding, rule_scope
from .validate import RULES, UnitData

# The seven BerAKHLAK values (SE MenPANRB 20/2021), in the words of the circular's key behaviours.
ASPECT_MEANINGS = {
    "berorientasi_pelayanan": "Memahami dan memenuhi kebutuhan masyarakat; ramah, cekatan, "
    "solutif dan dapat diandalkan; terus memperbaiki layanan.",
    "akuntabel": "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin dan "
    "berintegritas; memakai kekayaan negara secara bertanggung jawab; tidak menyalahgunakan "
    "kewenangan.",
    "kompeten": "Terus meningkatkan kompetensi diri, membantu orang lain belajar, dan "
    "melaksanakan tugas dengan kualitas terbaik.",
    "harmonis": "Menghargai setiap orang apa pun latar belakangnya, suka menolong, dan membangun "
    "lingkungan kerja yang kondusif.",
    "loyal": "Setia kepada Pancasila, UUD 1945, NKRI dan pemerintahan yang sah; menjaga nama baik "
    "instansi serta rahasia jabatan dan negara.",
    "adaptif": "Cepat menyesuaikan diri dengan perubahan, terus berinovasi dan mengembangkan "
    "kreativitas, bertindak proaktif.",
    "kolaboratif": "Memberi kesempatan berbagai pihak untuk berkontribusi, terbuka bekerja sama "
    "untuk menghasilkan nilai tambah, menggerakkan pemanfaatan berbagai sumber daya.",
}
# Rows of the matrix, best Rating Hasil Kerja first; columns lowest Rating Perilaku first.
_MATRIX_ROWS = (DI_ATAS, SESUAI, DI_BAWAH)
_ENTRIES_SHOWN = 5  # the worked example lists this many of the latest entries


def file_name(unit: str) -> str:
    """The unit page's file name: ``Seksi Pelayanan`` → ``seksi-pelayanan.html``."""
    return re.sub(r"[^a-z0-9]+", "-", unit.casefold()).strip("-") + ".html"


def month_ends(period: Period) -> list[dt.date]:
    """The last day of each month of the period (the period's own end for its last month)."""
    ends, day = [], period.start
    while day <= period.end:
        last = month_calendar.monthrange(day.year, day.month)[1]
        ends.append(min(dt.date(day.year, day.month, last), period.end))
        day = dt.date(day.year, day.month, last) + dt.timedelta(days=1)
    return ends


# -- how to fill each tab --------------------------------------------------------------------------


def _example(column: Column, frame: pd.DataFrame) -> str:
    """A value of the column as staff would type it, taken from the unit's own tab if it has one."""
    values = frame[column.key].dropna() if column.key in frame.columns else pd.Series(dtype=object)
    values = values[values.astype(str).str.strip() != ""]
    if values.empty:
        return next(iter(column.choices), "") or column.default or ""
    value = values.iloc[0]
    if column.type == "target":
        return str(frame.loc[values.index[0], "target_text"])
    if column.type == "bool":  # choices list the yes word first, the no word last
        return next(iter(column.choices)) if value else list(column.choices)[-1]
    if isinstance(value, pd.Timestamp | dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return format_number(value, 0 if value.is_integer() else 2)
    return str(value)


def _rule_row(rule: Rule) -> dict[str, Any]:
    finding = example_finding(rule)
    value = rule.example.get("value")
    return {
        "code": rule.code,
        "status": STATUS_FOR_SEVERITY[rule.severity],
        "scope": rule_scope(rule),
        "value": None if value is None else str(value),
        "message": finding.message,
    }


def _errors_first(rules: Iterable[Rule]) -> list[Rule]:
    return sorted(rules, key=lambda r: (r.severity != "error", r.code))


def _rules_of(tab_: Tab) -> list[Rule]:
    """The rules whose example message speaks of this tab: each code is shown once, beside the
    tab its message names."""
    return _errors_first(r for r in RULES.values() if r.example_arguments()["tab"] == tab_.name)


def tab_guides(tables: Mapping[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """Each unit tab: its columns (meaning, format, example, who fills it) and its mistakes."""
    guides = []
    for tab_ in unit_tabs():
        frame = tables.get(tab_.key, pd.DataFrame())
        columns = [
            {
                "name": c.name,
                "meaning": c.description,
                "format": TYPE_WORDS[c.type],
                "required": c.required,
                "choices": list(c.choices),
                "writer": WRITER_WORDS[c.writer],
                "example": _example(c, frame),
            }
            for c in tab_.columns
        ]
        guides.append(
            {
                "name": tab_.name,
                "anchor": f"tab-{tab_.key}",
                "description": tab_.description,
                "columns": columns,
                "mistakes": [_rule_row(r) for r in _rules_of(tab_)],
            }
        )
    return guides


def other_mistakes() -> list[dict[str, Any]]:
    """The rules whose example names no unit tab (a whole workbook), so every code is shown."""
    placed = {r.code for t in unit_tabs() for r in _rules_of(t)}
    return [_rule_row(r) for r in _errors_first(r for r in RULES.values() if r.code not in placed)]


# -- each ASN's indicators -------------------------------------------------------------------------


def prorated_targets(indicators: pd.DataFrame, period: Period) -> list[list[tuple[float, float]]]:
    """Per indicator row, per month end: the (low, high) target due by then (score's own rule)."""
    by_month = [
        (
            score.target_to_date(indicators["target_low"], indicators["agregasi"], **at),
            score.target_to_date(indicators["target_high"], indicators["agregasi"], **at),
        )
        for at in ({"period": period, "cut_off": end} for end in month_ends(period))
    ]
    return [
        [(float(low.iloc[i]), float(high.iloc[i])) for low, high in by_month]
        for i in range(len(indicators))
    ]


def people(
    tables: Mapping[str, pd.DataFrame], period: Period, names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Each active ASN of the unit with their indicators and the prorated target table;
    ``names`` maps NIPs of every roster read to names, so a supervisor elsewhere is named."""
    roster = tables["pegawai"]
    active = roster[roster["status"] == ACTIVE].drop_duplicates("nip")
    indicators = tables["indikator"]
    out = []
    for person in records(active):
        own = indicators[indicators["nip"] == person["nip"]].reset_index(drop=True)
        rows = records(own)
        for row, months in zip(rows, prorated_targets(own, period), strict=True):
            row["months"] = months
        supervisor = person["nip_atasan"]
        out.append(
            {
                **person,
                "anchor": f"asn-{person['nip']}",
                "atasan": names.get(supervisor, supervisor) if supervisor else None,
                "indicators": rows,
                "total_weight": float(own["bobot"].sum()),
            }
        )
    return out


# -- how a score is computed -----------------------------------------------------------------------


def score_unit(data: UnitData, week: RunWeek, config: Config) -> score.ScoreResult:
    """The unit's scores for ``week`` exactly as the weekly run computes them."""
    t = data.tables
    return score.score_week(
        roster=t["pegawai"],
        indicators=t["indikator"],
        entries=t["realisasi"],
        behaviour=t["perilaku"],
        history=pd.DataFrame(),
        rejected=data.rejected.assign(unit=data.unit),
        week=week,
        period=week.period,
        scoring=config.scoring,
        organisation=config.organisation,
        computed=computed_realisations(
            t["indikator"],
            t["survei"],
            t["layanan"],
            start=week.period.start,
            cut_off=week.cut_off,
            settings=config.outcomes,
        ),
    )


def _counted_entries(entries: pd.DataFrame, indicator: Mapping[str, Any], week: RunWeek):
    mine = entries[
        (entries["nip"] == indicator["nip"])
        & (entries["id_indikator"] == indicator["id_indikator"])
        & (entries["tanggal"] >= pd.Timestamp(week.period.start))
        & (entries["tanggal"] <= pd.Timestamp(week.cut_off))
    ]
    return mine.sort_values(["tanggal", "row"])


def worked_example(
    result: score.ScoreResult, entries: pd.DataFrame, week: RunWeek, scoring: Scoring
) -> dict[str, Any] | None:
    """The unit's first indicator scored for ``week``, and its owner's Nilai Capaian from all of
    their indicators: every number as ``score.score_week`` computed it. None without indicators."""
    if result.indicators.empty:
        return None
    first = records(result.indicators.head(1))[0]
    counted = _counted_entries(entries, first, week)
    own = result.indicators[result.indicators["nip"] == first["nip"]]
    person = records(result.people[result.people["nip"] == first["nip"]])[0]
    rows = records(own.assign(tertimbang=own["capaian"] * own["bobot"]))
    nilai = pd.Series([person["nilai_capaian"]], dtype=float)
    return {
        "indicator": first,
        "entries": records(counted.tail(_ENTRIES_SHOWN)),
        "earlier_entries": max(len(counted) - _ENTRIES_SHOWN, 0),
        "days": score.days_elapsed(week.period, week.cut_off),
        "period_days": week.period.days,
        "capped": first["capaian"] >= scoring.cap,
        "rows": rows,
        "sum_weight": float(own["bobot"].sum()),
        "sum_weighted": float(sum(r["tertimbang"] for r in rows)),
        "person": person,
        "kategori": score.kategori_capaian(nilai, scoring).iloc[0],
        "suggested": score.suggested_rating(nilai, scoring).iloc[0],
    }


def scoring_rules(config: Config) -> dict[str, Any]:
    """The bands, the rating matrix, the BerAKHLAK aspects and the distribution curve."""
    s = config.scoring
    k = s.kategori
    lower = [k.sangat_baik, k.baik, k.butuh_perbaikan, k.kurang, None]
    upper = [s.cap, *lower[:-1]]
    perilaku = tab("perilaku")
    return {
        "scoring": s,
        "bands": [
            {"kategori": name, "from": low, "below": high, "top": high == s.cap}
            for name, low, high in zip(KATEGORI, lower, upper, strict=True)
        ],
        "ratings": RATINGS,
        "matrix": [
            {"hasil_kerja": hk, "cells": [score.PREDIKAT_MATRIX[(hk, pr)] for pr in RATINGS]}
            for hk in _MATRIX_ROWS
        ],
        "aspects": [
            {"name": perilaku.column(key).name, "meaning": ASPECT_MEANINGS[key]}
            for key in score.ASPECTS
        ],
        "aspect_scores": s.perilaku.aspect_scores.by_rating(),
        "curve": [
            {"organisation": org, "bounds": bounds, "ours": org == s.organisation_predikat}
            for org, bounds in s.distribution.items()
        ],
        "di_bawah": DI_BAWAH,
        "di_atas": DI_ATAS,
        "sesuai": SESUAI,
    }


# -- the weekly rhythm and the pages ---------------------------------------------------------------


def rhythm(config: Config) -> dict[str, Any]:
    """When entries close, when letters and reminders arrive (config.schedule), in words."""
    weekly, reminder = config.schedule.weekly, config.schedule.reminder
    return {
        "weekly_day": DAYS[weekly.weekday],
        "weekly_time": f"{weekly.time:%H.%M}",
        "reminder": None
        if reminder is None
        else {"day": DAYS[reminder.weekday], "time": f"{reminder.time:%H.%M}"},
        "refleksi": {c.key: c.name for c in tab("refleksi").columns},
    }


def _common(config: Config, week: RunWeek, generated: dt.date) -> dict[str, Any]:
    return {
        "organisation": config.organisation,
        "period": week.period,
        "week": week,
        "generated": generated,
        "months": [MONTHS[end.month - 1] for end in month_ends(week.period)],
        "jumlah": JUMLAH,
    }


def unit_context(
    config: Config,
    data: UnitData,
    week: RunWeek,
    *,
    names: Mapping[str, str],
    generated: dt.date,
) -> dict[str, Any]:
    """Everything one unit's page shows, as plain values for the template; ``names``: NIP →
    name over every roster read (supervisors may sit in another unit)."""
    result = score_unit(data, week, config)
    return {
        **_common(config, week, generated),
        "unit": data.unit,
        "tabs": tab_guides(data.tables),
        "other_mistakes": other_mistakes(),
        "people": people(data.tables, week.period, names),
        "example": worked_example(result, data.tables["realisasi"], week, config.scoring),
        "rules": scoring_rules(config),
        "rhythm": rhythm(config),
    }


def index_context(
    config: Config,
    week: RunWeek,
    *,
    written: Sequence[str],
    unreadable: Mapping[str, str],
    generated: dt.date,
) -> dict[str, Any]:
    """The index page: a link to each unit's guide, and the units that could not be read."""
    return {
        **_common(config, week, generated),
        "units": [{"name": name, "file": file_name(name)} for name in written],
        "unreadable": dict(unreadable),
    }


def render_unit(context: Mapping[str, Any]) -> str:
    return render("guide/unit.html", context)


def render_index(context: Mapping[str, Any]) -> str:
    return render("guide/index.html", context)
