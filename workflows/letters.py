"""Render the weekly letter, the reminder and the leadership digest from ``templates/`` (pure).

Inputs are the validated tables and the "Scores" DataFrames (ARCHITECTURE.md); the output is a
``Rendered`` letter (subject, text and HTML) per recipient, ready for ``mail.build_message``.
Nothing here reads a sheet, the clock or the network: the caller passes the week and the links.

HTML templates are autoescaped, so whatever staff typed (a reflection, a rejected value) shows as
text; the plain-text templates are not, because escaping would corrupt what the reader sees there.
``StrictUndefined`` turns a missing context key into an error instead of a blank in a letter.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from .calendar import RunWeek
from .config import Config, Letters, Scoring
from .indonesian import MONTHS, format_date, format_number
from .labels import (
    JUMLAH,
    KIND_DIGEST,
    KIND_REMINDER,
    KIND_TEAM,
    KIND_WEEKLY,
    NAIK,
    PENDING,
    PREDIKAT_COLUMNS,
    SOURCE_SUPERVISOR,
    TURUN,
    YES,
)
from .parse import nip_structure_problem
from .score import capaian as capaian_of
from .score import days_elapsed, period_of

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Presentation only: the colour of an indicator's status and of a trend bar.
GREEN, AMBER, RED, GREY = "#1b7f3b", "#b26a00", "#b3261e", "#6b6b6b"
_SCORING, _LETTERS = Scoring(), Letters()  # the defaults of config.yaml


@dataclass(frozen=True)
class Letterhead:
    """What every letter of a run shares: who sends it, which week, and the numbers it draws by.

    The numbers default to config.yaml's defaults; a run builds it with ``for_run``.
    """

    organisation: str
    sender_name: str
    week: RunWeek
    trend_weeks: int = _SCORING.trend_weeks
    cap: float = _SCORING.cap
    floor: float = _SCORING.floor
    target_met: float = _SCORING.target_met  # capaian from here up: "Tercapai", a green bar
    amber_from: float = _LETTERS.amber_from  # from here below target_met: "Mendekati target"
    top_rejected: int = _LETTERS.top_rejected  # units the digest names for rejected entries
    countable_units: tuple[str, ...] = _LETTERS.countable_units  # Satuan counted in whole pieces

    @classmethod
    def for_run(cls, config: Config, week: RunWeek) -> Letterhead:
        return cls(
            organisation=config.organisation,
            sender_name=config.mail.sender.name,
            week=week,
            trend_weeks=config.scoring.trend_weeks,
            cap=config.scoring.cap,
            floor=config.scoring.floor,
            target_met=config.scoring.target_met,
            amber_from=config.letters.amber_from,
            top_rejected=config.letters.top_rejected,
            countable_units=config.letters.countable_units,
        )


@dataclass(frozen=True)
class Link:
    """Where the reader writes a reflection or reads the summary: a URL, or (a local workbook
    without a configured URL) the workbook's file name, which the letter shows as text."""

    target: str

    @property
    def is_url(self) -> bool:
        return self.target.startswith(("https://", "http://"))


@dataclass(frozen=True)
class Rendered:
    kind: str  # labels.KIND_WEEKLY, KIND_TEAM, KIND_REMINDER or KIND_DIGEST
    key: str  # the journal key's second part: the NIP, or the address for a digest
    name: str
    address: str
    subject: str
    text: str
    html: str
    unit: str | None = None  # the reader's unit (the outbox index groups by it); None: a digest
    score: float | None = None  # the Nilai Capaian the letter reports, if it reports one


# -- the jinja environment -------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


_remembered = lru_cache(maxsize=1 << 16)(format_number)


def _format(value: float, decimals: int = 2) -> str:
    """``format_number``, remembered: a city's letters show the same few thousand numbers over
    and over. Zero is not remembered: 0.0 == -0.0, and -0.0 prints as ``-0,00``."""
    return format_number(value, decimals) if value == 0 else _remembered(value, decimals)


def _number(value: Any, decimals: int = 2) -> str:
    return "-" if _is_missing(value) else _format(float(value), decimals)


def _quantity(value: Any) -> str:
    """A measured amount: no decimals when it is whole (``12``), else two (``12,50``)."""
    if _is_missing(value):
        return "-"
    value = float(value)
    return _format(value, 0 if value.is_integer() else 2)


def _percent(value: Any) -> str:
    """A share stored as a fraction (``0.875``) shown as ``87,50%``."""
    return "-" if _is_missing(value) else f"{_format(float(value) * 100)}%"


def _with_unit(amount: str, unit: Any) -> str:
    """``95,00%`` but ``12 dokumen``: a percent sign follows the number without a space."""
    unit = _text(unit, "")
    if not unit:
        return amount
    return f"{amount}{unit}" if unit == "%" else f"{amount} {unit}"


_TYPED_NUMBER = re.compile(r"(-?\d+)\.(\d+)")
_SPACED_PERCENT = re.compile(r"(\d)\s+%")


def as_typed(value: Any) -> str:
    """A value as staff typed it, in Indonesian form: ``93.5`` (a spreadsheet number) is shown as
    ``93,5`` and ``95 %`` as ``95%``; anything else (``dua belas``, ``#REF!``) unchanged."""
    text = _text(value)
    if (number := _TYPED_NUMBER.fullmatch(text)) is not None:
        return f"{number[1]},{number[2]}"
    return _SPACED_PERCENT.sub(r"\1%", text)


def salutation(nip: Any) -> str:
    """``Bapak`` or ``Ibu`` from a PNS NIP's 15th digit (1 male, 2 female), else ``Bapak/Ibu``.

    A PPPK number, or anything that is not a well-formed PNS NIP, says nothing reliable about
    its holder, so the letter keeps the neutral form.
    """
    nip = "" if _is_missing(nip) else str(nip)
    if len(nip) != 18 or not nip.isdigit() or nip_structure_problem(nip) is not None:
        return "Bapak/Ibu"
    return "Bapak" if nip[14] == "1" else "Ibu"


def _date(value: Any, with_weekday: bool = True) -> str:
    if _is_missing(value):
        return "-"
    if isinstance(value, pd.Timestamp | dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value, with_weekday=with_weekday)
    return str(value)  # a rejected entry's date as typed


def _text(value: Any, fallback: str = "-") -> str:
    return fallback if _is_missing(value) or str(value).strip() == "" else str(value)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja's environment with a quicker ``row.key`` on the dicts letters are made of.

    Jinja tries the attribute first and the key only after an ``AttributeError``; a dict's
    attributes are its class's, so a name that is not one of them goes straight to the key
    (the same value, without raising an exception for most lookups of a letter).
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@cache
def environment() -> jinja2.Environment:
    # auto_reload off: a run renders from the templates it started with, without checking
    # every template's modification time at each include of each letter.
    env = _Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        auto_reload=False,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html",),
            disabled_extensions=("txt",),
            default_for_string=True,
            default=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        angka=_number,
        jumlah=_quantity,
        persen=_percent,
        tanggal=_date,
        teks=_text,
        satuan=_with_unit,
        ketikan=as_typed,
    )
    _remember_macros(env.get_template("_macros.html").module)
    return env


def _remember_macros(shared: Any) -> None:
    """The letters' small pieces of markup (headings, status squares, trend bars, links) take a
    few distinct arguments: each is rendered once per argument, not once per letter.

    ``shared`` is the module every ``{% import "_macros.html" as m %}`` gets (Jinja keeps one
    per template). ``typed``: ``Markup("a<b")`` and ``"a<b"`` are equal but render differently.
    """
    for name in ("heading", "status", "bar", "link_to"):
        macro = getattr(shared, name)
        remembered = lru_cache(maxsize=4096, typed=True)(macro)

        def call(*args: Any, _remembered: Any = remembered, _macro: Any = macro) -> Any:
            try:
                return _remembered(*args)
            except TypeError:  # an argument that cannot be remembered (unhashable)
                return _macro(*args)

        setattr(shared, name, call)


def render(template: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(template).render(context)


def _render_pair(name: str, context: Mapping[str, Any]) -> tuple[str, str]:
    return render(f"{name}.txt", context), render(f"{name}.html", context)


def _week_context(week: RunWeek) -> dict[str, Any]:
    return {
        "key": week.key,
        "start": week.start,
        "end": week.cut_off,
        "range": date_range(week.start, week.cut_off),
    }


# -- table helpers ---------------------------------------------------------------------------------


def records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Rows as dicts with NaN/NaT turned into None, so templates test one kind of "empty"."""
    if frame is None or frame.empty:
        return []
    rows = frame.to_dict("records")
    # Only a column pandas sees a gap in can hold one: the others are left as they are.
    gaps = frame.columns[frame.isna().any().to_numpy()]
    for row in rows:
        for name in gaps:
            if _is_missing(row[name]):
                row[name] = None
    return rows


def group_by_nip(frame: pd.DataFrame | None) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in records(frame):
        grouped[str(row["nip"])].append(row)
    return grouped


# -- the weekly letter -----------------------------------------------------------------------------


_UNCLAMPED = Scoring().model_copy(update={"cap": math.inf, "floor": -math.inf})


_RAW = "_capaian_tanpa_batas"  # the unclamped capaian, when computed for a whole table at once


def _unclamped(frame: pd.DataFrame) -> pd.Series:
    real, low, high = (frame[k].astype(float) for k in ("realisasi", "target_low", "target_high"))
    return capaian_of(real, low, high, frame["arah"], scoring=_UNCLAMPED)


def _with_unclamped(indicators: pd.DataFrame) -> pd.DataFrame:
    """``indicators`` with each one's unclamped capaian in one pass over the table, so a letter's
    ``formula`` does not compute it again for one indicator at a time."""
    if indicators.empty:
        return indicators
    return indicators.assign(**{_RAW: _unclamped(indicators)})


def unclamped_capaian(ind: Mapping[str, Any]) -> float:
    """The capaian before the cap and floor: ``score.capaian`` on this one indicator, unclamped,
    rounded to 9 decimals so binary noise (120.00000000000001) never reads as a cap that bit."""
    if _RAW in ind:
        return round(float(ind[_RAW]), 9)
    one = pd.DataFrame({k: [ind[k]] for k in ("realisasi", "target_low", "target_high", "arah")})
    return round(float(_unclamped(one).iloc[0]), 9)


def formula(ind: Mapping[str, Any], *, cap: float, floor: float) -> str:
    """How this indicator's capaian was computed, with its own numbers (domain.md formulas),
    and the cap or floor where it bit."""
    if not ind["jumlah_entri"]:
        return "belum ada entri sah, sehingga capaian 0"
    real = ind["realisasi"]
    low, high = ind["target_low"], ind["target_high"]
    if low is not None and high is not None and low != high:
        if low <= real <= high:
            return (
                f"realisasi {_quantity(real)} berada dalam rentang target "
                f"{_quantity(low)}–{_quantity(high)}, sehingga capaian 100"
            )
        target = low if real < low else high
    else:
        target = ind["target_to_date"]
    ratio = f"{_quantity(real)} ÷ {_number(target)}"
    body = f"{ratio} × 100" if ind["arah"] == NAIK else f"(2 − {ratio}) × 100"
    result = _number(ind["capaian"])
    if ind["capaian"] in (cap, floor) and (raw := unclamped_capaian(ind)) != ind["capaian"]:
        limit = "batas atas" if raw > cap else "batas bawah"
        return f"{body} = {_number(raw)}, dibatasi menjadi {result} ({limit} capaian)"
    return f"{body} = {result}"


def _suggestion(ind: Mapping[str, Any]) -> str:
    """One concrete next step for an indicator below target, in the indicator's own unit."""
    unit = ind["satuan"]
    if not ind["jumlah_entri"]:
        return (
            "Belum ada entri sah untuk indikator ini. Catat realisasinya di tab Realisasi "
            "beserta tautan buktinya agar capaiannya terhitung."
        )
    real = ind["realisasi"]
    if ind["arah"] == TURUN:
        limit = ind["target_high"] if ind["target_high"] is not None else ind["target"]
        return (
            f"Upayakan agar nilainya turun menjadi paling banyak {_with_unit(_quantity(limit), unit)} "
            f"(saat ini {_with_unit(_quantity(real), unit)})."
        )
    if ind["agregasi"] == JUMLAH:
        gap = max(float(ind["target_to_date"]) - float(real), 0)
        return (
            f"Tambahkan sekitar {_with_unit(_quantity(round(gap, 2)), unit)} lagi agar sesuai "
            f"target sampai minggu ini ({_with_unit(_number(ind['target_to_date']), unit)})."
        )
    floor = ind["target_low"] if ind["target_low"] is not None else ind["target"]
    return (
        f"Upayakan agar nilainya naik menjadi sekurang-kurangnya {_with_unit(_quantity(floor), unit)} "
        f"(saat ini {_with_unit(_quantity(real), unit)})."
    )


def is_countable(satuan: Any, countable: Iterable[str]) -> bool:
    """A Satuan counted in whole pieces: its first word is one of ``countable`` (folded)."""
    words = str(satuan or "").casefold().split()
    return bool(words) and words[0] in set(countable)


def period_target(ind: Mapping[str, Any], week: RunWeek) -> tuple[float, float]:
    """The (low, high) target for the whole period: ``Jumlah`` targets to date are prorated by
    the elapsed share of the period (``score.target_to_date``), the others are not."""
    low, high = float(ind["target_low"]), float(ind["target_high"])
    if ind["agregasi"] != JUMLAH:
        return low, high
    share = days_elapsed(week.period, week.cut_off) / week.period.days
    return round(low / share, 9), round(high / share, 9)


def period_target_text(ind: Mapping[str, Any], week: RunWeek) -> str:
    """``36.000``, or ``80–90`` for a range: the target for the whole period."""
    low, high = period_target(ind, week)
    return _quantity(low) if low == high else f"{_quantity(low)}–{_quantity(high)}"


def weekly_pace(ind: Mapping[str, Any], week: RunWeek, countable: Iterable[str]) -> str:
    """How much per week from now reaches the period target, in the indicator's own unit.

    Only a ``Jumlah`` indicator grows week by week, so only it gets a pace; ``Rata-rata`` and
    ``Terakhir`` targets hold for every week already (the suggestion says the value to reach).
    A countable Satuan (``countable``) gets whole pieces, rounded up to reach a ``Naik`` target
    and down to stay under a ``Turun`` one; any other Satuan one decimal. Empty once the period's
    last day is the cut-off.
    """
    weeks_left = (week.period.end - week.cut_off).days / 7
    if ind["agregasi"] != JUMLAH or weeks_left <= 0:
        return ""
    unit = _text(ind["satuan"], "")
    whole = is_countable(unit, countable)
    low, high = period_target(ind, week)
    done = 0.0 if _is_missing(ind["realisasi"]) else float(ind["realisasi"])
    end = format_date(week.period.end, with_weekday=False)
    goal = _with_unit(period_target_text(ind, week), unit)
    if ind["arah"] == TURUN:
        room = round((high - done) / weeks_left, 9)
        if room < 0:
            return f"Jumlahnya sudah melewati batas target periode {goal}."
        pace = _quantity(math.floor(room)) if whole else _format(room, 1)
        return (
            f"Agar tetap dalam target periode {goal} sampai {end}, paling banyak sekitar "
            f"{_with_unit(pace, unit)} per minggu."
        )
    needed = round((low - done) / weeks_left, 9)
    if needed <= 0:
        return f"Target periode {goal} sudah tercapai."
    pace = _quantity(math.ceil(needed)) if whole else _format(needed, 1)
    return (
        f"Untuk mencapai target periode {goal} sampai {end}, perlu sekitar "
        f"{_with_unit(pace, unit)} per minggu."
    )


def _below_target_colour(capaian: float, letterhead: Letterhead) -> str:
    """Amber when close to the target (from ``amber_from``), red when it needs attention."""
    return AMBER if capaian >= letterhead.amber_from else RED


def _indicator(row: Mapping[str, Any], letterhead: Letterhead) -> dict[str, Any]:
    ind = dict(row)
    ind["jumlah_entri"] = int(ind.get("jumlah_entri") or 0)
    ind["capaian"] = float(ind["capaian"] or 0)
    below = bool(ind.get("below_target"))
    if not ind["jumlah_entri"]:
        status, colour = "Belum ada entri", GREY
    elif not below:
        status, colour = "Tercapai", GREEN
    else:
        colour = _below_target_colour(ind["capaian"], letterhead)
        status = "Mendekati target" if colour == AMBER else "Perlu perhatian"
    ind.update(
        below=below,
        status=status,
        colour=colour,
        formula=formula(ind, cap=letterhead.cap, floor=letterhead.floor),
        suggestion=_suggestion(ind) if below else "",
        period_target=period_target_text(ind, letterhead.week),
        pace=weekly_pace(ind, letterhead.week, letterhead.countable_units),
        source=_source_line(ind),
    )
    return ind


def _source_line(ind: Mapping[str, Any]) -> str:
    """For an indicator computed from the unit's records: where from, and the figures."""
    figures = ind.get("rincian_sumber")
    return f"Dihitung dari {ind['sumber']}: {figures}" if figures else ""


BAR_FLOOR = 10  # the shortest trend bar, in percent of the longest: the lowest week still shows


def scaled_widths(values: Iterable[float], *, floor: int = BAR_FLOOR) -> list[int]:
    """Bar lengths (percent) spread over the range shown: the lowest value gets ``floor``, the
    highest 100, so a change of one point over weeks in the nineties is visible; equal values
    (or one week alone) all get 100."""
    values = list(values)
    low, high = min(values, default=0.0), max(values, default=0.0)
    if high == low:
        return [100 for _ in values]
    return [round(floor + (v - low) / (high - low) * (100 - floor)) for v in values]


def _trend(
    person: Mapping[str, Any], history: Iterable[Mapping[str, Any]], letterhead: Letterhead
) -> list[dict[str, Any]]:
    """The last weeks' Nilai Capaian up to this week, this week taken from this run's scores."""
    key = letterhead.week.key
    by_week = {
        str(row["minggu"]): row["nilai_capaian"]
        for row in history
        if str(row["minggu"]) < key and row.get("nilai_capaian") is not None
    }
    by_week[key] = person["nilai_capaian"]
    weeks = sorted(by_week)[-letterhead.trend_weeks :]
    scores = [float(by_week[week] or 0) for week in weeks]
    return [
        {
            "week": week,
            "score": score,
            "width": width,
            "chars": max(1, round(width / 5)),  # the text part's bar: 20 characters at most
            "colour": (
                GREEN if score >= letterhead.target_met else _below_target_colour(score, letterhead)
            ),
        }
        for week, score, width in zip(weeks, scores, scaled_widths(scores), strict=True)
    ]


# -- behaviour ratings due -------------------------------------------------------------------------

_QUARTERS = ("I", "II", "III", "IV")


def period_name(periode: str) -> str:
    """``2026-11`` → ``November 2026``; ``2026-Q4`` → ``Triwulan IV 2026``."""
    year, part = periode.split("-")
    if part.startswith("Q"):
        return f"Triwulan {_QUARTERS[int(part[1:]) - 1]} {year}"
    return f"{MONTHS[int(part) - 1]} {year}"


def behaviour_due(person: Mapping[str, Any], cut_off: dt.date) -> dict[str, Any] | None:
    """What the supervisor still owes this ASN's behaviour rating for the week, or None.

    Due when the rating used is carried over from the period before (``period``) or none counts
    any more (``last`` names the expired one, if any); ``due`` is the period to rate now, of the
    same length as the last rating.
    """
    pending = bool(person.get("rating_perilaku_pending"))
    carried = person.get("perilaku_dibawa") == YES
    if not (pending or carried):
        return None
    last = person.get("periode_perilaku_terakhir")
    last = None if _is_missing(last) else str(last)
    due = period_of(cut_off, quarterly="Q" in last) if last else None
    return {
        "pending": pending,
        "period": period_name(str(person["periode_perilaku"])) if carried else None,
        "last": period_name(last) if pending and last else None,
        "due": period_name(due) if due else None,
        "nama": person["nama"],
        "unit": person["unit"],
        "supervisor": None if _is_missing(person.get("nama_atasan")) else person["nama_atasan"],
    }


MATRIX_SOURCE = "matriks PermenPANRB 6/2022"


def predikat_reason(person: Mapping[str, Any]) -> str:
    """Why the predikat follows from the two ratings, naming the matrix cell it comes from."""
    work, behaviour, verdict = (
        person.get(k) for k in ("rating_hasil_kerja", "rating_perilaku", "predikat")
    )
    if _is_missing(work):
        return "Predikat belum dapat ditetapkan karena belum ada Nilai Capaian."
    if verdict == PENDING or _is_missing(behaviour):
        return (
            f"Predikat belum dapat ditetapkan: Rating Hasil Kerja {work}, sedangkan Rating "
            "Perilaku masih menunggu penilaian atasan."
        )
    return (
        f"Predikat {verdict} karena Rating Hasil Kerja {work} dan Rating Perilaku {behaviour} "
        f"({MATRIX_SOURCE})."
    )


def behaviour_source(person: Mapping[str, Any], cut_off: dt.date) -> str | None:
    """Where the behaviour rating of the week came from: the supervisor's rating of which
    period, carried over from an earlier one or not; None while it is pending."""
    periode = person.get("periode_perilaku")
    if bool(person.get("rating_perilaku_pending")) or _is_missing(periode):
        return None
    rated = period_name(str(periode))
    if person.get("perilaku_dibawa") != YES:
        return f"Rating Perilaku berasal dari penilaian atasan untuk {rated}."
    due = period_name(period_of(cut_off, quarterly="Q" in str(periode)))
    return (
        f"Rating Perilaku berasal dari penilaian atasan untuk {rated}, dibawa ke minggu ini "
        f"karena penilaian {due} belum diisi."
    )


def _supervisor_label(person: Mapping[str, Any]) -> str:
    """The supervisor as the digest names them: by name, else what is wrong with NIP Atasan."""
    if not _is_missing(person.get("nama_atasan")):
        return str(person["nama_atasan"])
    if _is_missing(person.get("nip_atasan")) or not str(person["nip_atasan"]).strip():
        return "NIP Atasan belum diisi"
    return f"NIP Atasan {person['nip_atasan']} (tidak ada di tab Pegawai)"


def behaviour_due_by_supervisor(
    people: Iterable[Mapping[str, Any]], cut_off: dt.date
) -> list[dict[str, Any]]:
    """Whose behaviour rating is due, grouped under each supervisor (sorted by name)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in people:
        if (due := behaviour_due(person, cut_off)) is not None:
            groups[_supervisor_label(person)].append(due)
    return [
        {"supervisor": label, "people": sorted(members, key=lambda d: str(d["nama"]))}
        for label, members in sorted(groups.items())
    ]


def _last_reflection(rows: Iterable[Mapping[str, Any]], week_key: str) -> dict[str, Any] | None:
    """The latest reflection written for this week or before (a later week is not yet due)."""
    due = [row for row in rows if str(row["minggu"]) <= week_key]
    return max(due, key=lambda row: str(row["minggu"])) if due else None


def weekly_context(
    person: Mapping[str, Any],
    indicators: Iterable[Mapping[str, Any]],
    rejected: Iterable[Mapping[str, Any]],
    reflections: Iterable[Mapping[str, Any]],
    history: Iterable[Mapping[str, Any]],
    *,
    letterhead: Letterhead,
    link: Link,
    subordinates: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Everything the weekly letter shows one ASN: only that ASN's own numbers.

    ``subordinates`` are the scored ASN whose ``nip_atasan`` is this ASN: the letter lists
    those whose behaviour rating this supervisor still owes.
    """
    inds = [_indicator(row, letterhead) for row in indicators]
    cut_off = letterhead.week.cut_off
    weight = sum(float(i["bobot"]) for i in inds)
    return {
        "organisation": letterhead.organisation,
        "sender_name": letterhead.sender_name,
        "week": _week_context(letterhead.week),
        "person": dict(person),
        "sapaan": salutation(person["nip"]),
        "previous": person.get("nilai_capaian_sebelumnya"),
        "change": person.get("perubahan"),
        "reported": person.get("melapor_minggu_ini") == YES,
        "supervisor_set": person.get("sumber_rating_hasil_kerja") == SOURCE_SUPERVISOR,
        "predikat_reason": predikat_reason(person),
        "behaviour_source": behaviour_source(person, cut_off),
        "pending_perilaku": bool(person.get("rating_perilaku_pending")),
        "behaviour": behaviour_due(person, cut_off),
        "subordinates_due": [d for s in subordinates if (d := behaviour_due(s, cut_off))],
        "indicators": inds,
        "went_well": [i for i in inds if not i["below"] and i["jumlah_entri"]],
        "attention": [i for i in inds if i["below"]],
        "rejected": sorted(rejected, key=lambda r: (str(r.get("unit", "")), r["row"])),
        "reflection": _last_reflection(reflections, letterhead.week.key),
        "trend": _trend(person, history, letterhead),
        "weight_total": weight,
        "link": link,
        "cap": letterhead.cap,
    }


def date_range(start: dt.date, end: dt.date) -> str:
    """``23–29 November 2026``; the month and year are written once where they are shared."""
    last = format_date(end, with_weekday=False)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last}"
    first = format_date(start, with_weekday=False)
    return f"{first.rsplit(' ', 1)[0] if start.year == end.year else first} – {last}"


def render_weekly(context: Mapping[str, Any]) -> Rendered:
    week = context["week"]
    subject = f"Umpan Balik Kinerja Minggu {week['key']} ({date_range(week['start'], week['end'])})"
    score = context["person"].get("nilai_capaian")
    return _to_person(
        KIND_WEEKLY,
        "weekly_letter",
        context,
        subject=subject,
        score=None if _is_missing(score) else float(score),
    )


def _to_person(
    kind: str,
    template: str,
    context: Mapping[str, Any],
    *,
    subject: str,
    score: float | None = None,
) -> Rendered:
    """A letter from ``template`` to the roster person in ``context``, keyed by NIP."""
    person = context["person"]
    text, html = _render_pair(template, context)
    return Rendered(
        kind=kind,
        key=str(person["nip"]),
        name=str(person["nama"]),
        address=str(person["email"]),
        subject=subject,
        text=text,
        html=html,
        unit=_text(person.get("unit"), "") or None,
        score=score,
    )


def render_weekly_letters(
    people: pd.DataFrame,
    indicators: pd.DataFrame,
    rejected: pd.DataFrame | None,
    refleksi: pd.DataFrame | None,
    riwayat: pd.DataFrame | None,
    *,
    letterhead: Letterhead,
    links: Mapping[str, Link],
) -> Iterator[Rendered]:
    """One weekly letter per row of ``people``; ``links`` maps each unit name to its sheet."""
    tables = (_with_unclamped(indicators), rejected, refleksi, riwayat)
    by_nip = [group_by_nip(frame) for frame in tables]
    inds, rejects, reflections, history = by_nip
    persons = records(people)
    reports: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in persons:
        if not _is_missing(person.get("nip_atasan")):
            reports[str(person["nip_atasan"])].append(person)
    for person in persons:
        nip = str(person["nip"])
        yield render_weekly(
            weekly_context(
                person,
                inds.get(nip, []),
                rejects.get(nip, []),
                reflections.get(nip, []),
                history.get(nip, []),
                letterhead=letterhead,
                link=links[person["unit"]],
                subordinates=reports.get(nip, []),
            )
        )


# -- the team letter -------------------------------------------------------------------------------


def _team_member(person: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the team table: the scores, the change and whether they reported."""
    return {
        **person,
        "change": person.get("perubahan"),
        "previous": person.get("nilai_capaian_sebelumnya"),
        "reported": person.get("melapor_minggu_ini") == YES,
    }


def _awaiting_answer(
    reflections: Iterable[Mapping[str, Any]],
    names: Mapping[str, str],
    links: Mapping[str, Link],
    week_key: str,
) -> list[dict[str, Any]]:
    """Reflections up to this week with no Tanggapan Atasan, newest week first, then by name."""
    waiting = [
        {**row, "nama": names[str(row["nip"])], "link": links[row["unit"]]}
        for row in reflections
        if str(row["minggu"]) <= week_key and _text(row.get("tanggapan_atasan"), "") == ""
    ]
    by_name = sorted(waiting, key=lambda r: (str(r["nama"]).casefold(), r["row"]))
    return sorted(by_name, key=lambda r: str(r["minggu"]), reverse=True)


def team_context(
    supervisor: Mapping[str, Any],
    staff: Iterable[Mapping[str, Any]],
    indicators: Iterable[Mapping[str, Any]],
    reflections: Iterable[Mapping[str, Any]],
    *,
    letterhead: Letterhead,
    links: Mapping[str, Link],
    silent_weeks: int,
    unreadable: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a supervisor reads about the scored ASN whose ``nip_atasan`` they are.

    ``indicators`` and ``reflections`` may hold other ASN's rows: only the staff's are shown.
    ``links`` maps each unit to its sheet, where the staff's reflections are answered.
    """
    members = sorted(
        (_team_member(p) for p in staff), key=lambda m: (m["unit"], str(m["nama"]).casefold())
    )
    names = {str(m["nip"]): m["nama"] for m in members}
    below: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in indicators:
        if str(row["nip"]) in names and row.get("below_target"):
            below[str(row["nip"])].append(_indicator(row, letterhead))
    mine = [r for r in reflections if str(r["nip"]) in names]
    cut_off = letterhead.week.cut_off
    return {
        "organisation": letterhead.organisation,
        "sender_name": letterhead.sender_name,
        "week": _week_context(letterhead.week),
        "person": dict(supervisor),
        "sapaan": salutation(supervisor["nip"]),
        "members": members,
        "silent": [m for m in members if m["minggu_tanpa_laporan"] >= silent_weeks],
        "silent_weeks": silent_weeks,
        "below": [
            {"nama": m["nama"], "indicators": below[str(m["nip"])]}
            for m in members
            if below[str(m["nip"])]
        ],
        "awaiting": _awaiting_answer(mine, names, links, letterhead.week.key),
        "behaviour_due": [d for m in members if (d := behaviour_due(m, cut_off))],
        "unreadable": dict(unreadable or {}),
    }


def render_team(context: Mapping[str, Any]) -> Rendered:
    """The supervisor's team letter, keyed by the supervisor's NIP (so ``--resend`` reaches it)."""
    week = context["week"]
    subject = f"Kinerja Tim Minggu {week['key']} ({date_range(week['start'], week['end'])})"
    return _to_person(KIND_TEAM, "team_letter", context, subject=subject)


# -- the reminder ----------------------------------------------------------------------------------


def render_reminder(
    person: Mapping[str, Any],
    *,
    letterhead: Letterhead,
    link: Link,
    week_start: dt.date,
    today: dt.date,
    week_key: str,
) -> Rendered:
    """A gentle reminder to an ASN with no valid entry from ``week_start`` to ``today``."""
    context = {
        "organisation": letterhead.organisation,
        "sender_name": letterhead.sender_name,
        "person": dict(person),
        "sapaan": salutation(person["nip"]),
        "week_key": week_key,
        "week_start": week_start,
        "today": today,
        "link": link,
    }
    subject = f"Pengingat: Realisasi Kinerja Minggu {week_key} Belum Diisi"
    return _to_person(KIND_REMINDER, "reminder", context, subject=subject)


# -- the leadership digest -------------------------------------------------------------------------


def digest_context(
    units: pd.DataFrame,
    breaches: Iterable[str],
    *,
    letterhead: Letterhead,
    link: Link,
    people: pd.DataFrame | None = None,
    unreadable: Mapping[str, str] | None = None,
    attention: pd.DataFrame | None = None,
    unit_changes: pd.DataFrame | None = None,
    support: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The organisation's numbers, the unit table, the predikat spread, the rejected entries,
    given the scored ``people`` whose behaviour rating each supervisor still owes, and the units
    whose workbook could not be read (``unreadable``: unit → reason).

    The frames of ``overview.py``, when given, add the ASN who need attention, each unit's change
    since last week and this week's support requests grouped by unit; a section whose frame is
    not given is left out."""
    rows = records(units)
    org = next((r for r in rows if r["unit"] == letterhead.organisation), None)
    unit_rows = [r for r in rows if r["unit"] != letterhead.organisation]
    if org is None:
        raise ValueError(f"the units table has no row for {letterhead.organisation!r}")
    total = int(org["jumlah_asn"] or 0)
    distribution = []
    for label, key in PREDIKAT_COLUMNS.items():
        count = int(org.get(key) or 0)
        share = count / total if total else 0.0
        distribution.append(
            {"label": label, "count": count, "share": share, "width": max(1, round(share * 100))}
        )
    most_rejected = sorted(
        (r for r in unit_rows if (r["entri_ditolak"] or 0) > 0),
        key=lambda r: (-r["entri_ditolak"], r["unit"]),
    )[: letterhead.top_rejected]
    return {
        "organisation": letterhead.organisation,
        "sender_name": letterhead.sender_name,
        "week": _week_context(letterhead.week),
        "org": org,
        "units": unit_rows,
        "distribution": distribution,
        "breaches": list(breaches),
        "most_rejected": most_rejected,
        "behaviour_due": (
            None
            if people is None
            else behaviour_due_by_supervisor(records(people), letterhead.week.cut_off)
        ),
        "link": link,
        "unreadable": dict(unreadable or {}),
        "attention": None if attention is None else records(attention),
        "unit_changes": None if unit_changes is None else records(unit_changes),
        "support": None if support is None else _by_unit(records(support)),
    }


def _by_unit(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows grouped under their unit, in the order the units first appear."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(row["unit"])].append(row)
    return [{"unit": unit, "rows": members} for unit, members in groups.items()]


def render_digest(context: Mapping[str, Any], *, name: str, address: str) -> Rendered:
    text, html = _render_pair("digest", context)
    return Rendered(
        kind=KIND_DIGEST,
        key=address,
        name=name,
        address=address,
        subject=f"Ringkasan Kinerja {context['organisation']} Minggu {context['week']['key']}",
        text=text,
        html=html,
    )
