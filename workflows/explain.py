"""Every score explained: one ASN's week, from the entries that counted to the predikat (pure).

The numbers are the ones the summary published (``score.ScoreResult``); what the summary does not
keep (which Realisasi rows counted, the share of the period a target to date asks, the capaian
before the cap or floor, which Perilaku row a rating came from) is taken from the validated tables
with score's own rules, so the explanation recomputes exactly to Ringkasan Pegawai.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .calendar import RunWeek
from .config import Scoring
from .labels import ACTIVE, JUMLAH, RATINGS, SOURCE_SUPERVISOR, YES
from .letters import (
    behaviour_due,
    behaviour_source,
    formula,
    period_name,
    predikat_reason,
    records,
    render,
    unclamped_capaian,
)
from .score import ScoreResult, days_elapsed, periods_since, rating_perilaku


class UnknownNip(LookupError):
    """The NIP is not an active, scored ASN; the message says so in one Indonesian sentence."""


@dataclass(frozen=True)
class Entry:
    """One Realisasi row that counted."""

    tanggal: dt.date
    realisasi: float
    row: int  # the sheet row in the unit's Realisasi tab


@dataclass(frozen=True)
class IndicatorExplained:
    id_indikator: str
    indikator: str
    satuan: str
    arah: str
    agregasi: str
    bobot: float
    entries: tuple[Entry, ...]
    realisasi: float | None  # the aggregate of ``entries`` (None without an entry)
    target_period_low: float  # the target for the whole period (low == high unless a range)
    target_period_high: float
    share: float  # the part of the period target due by now (1 unless ``Jumlah``)
    target_low: float  # the target to date
    target_high: float
    capaian_before_limit: float | None  # None without an entry
    capaian: float
    limit: str | None  # "cap" or "floor" where it changed the capaian
    formula: str  # the computation with the numbers, in Indonesian


@dataclass(frozen=True)
class RatingExplained:
    rating: str | None
    source: str  # Indonesian: where the rating came from
    periode: str | None  # the Perilaku period of the supervisor's row used, if any
    row: int | None  # that row in the unit's Perilaku tab


@dataclass(frozen=True)
class Explanation:
    nip: str
    nama: str
    jabatan: str
    unit: str
    week: str
    cut_off: dt.date
    period_start: dt.date
    period_end: dt.date
    days_elapsed: int
    period_days: int
    indicators: tuple[IndicatorExplained, ...]
    weight_total: float
    nilai_capaian: float | None
    kategori_capaian: str | None
    hasil_kerja: RatingExplained
    perilaku: RatingExplained
    perilaku_carried: bool
    perilaku_pending: bool
    predikat: str | None
    predikat_reason: str
    cap: float
    floor: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values: dates as ISO text, a missing number as None."""
        return _plain(dataclasses.asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def normalise_nip(text: str) -> str:
    """A NIP as typed, spaces and all (``19860926 201505 2 001``), as the tables hold it."""
    return "".join(str(text).split())


def explain(
    nip: str,
    *,
    tables: Mapping[str, pd.DataFrame],
    result: ScoreResult,
    week: RunWeek,
    scoring: Scoring,
) -> Explanation:
    """The explanation of ``nip``'s scores for ``week``; ``tables`` are the validated tables
    (``ValidationRun.tables``) and ``result`` the ``score.ScoreResult`` computed from them.

    Raises ``UnknownNip`` when the NIP is not among the scored (active) ASN.
    """
    nip = normalise_nip(nip)
    people = records(result.people[result.people["nip"] == nip])
    if not people:
        raise UnknownNip(_unknown_sentence(nip, tables["pegawai"]))
    person = people[0]
    rows = records(result.indicators[result.indicators["nip"] == nip])
    inds = tuple(_indicator(row, tables, week=week, scoring=scoring) for row in rows)
    return Explanation(
        nip=nip,
        nama=person["nama"],
        jabatan=person.get("jabatan") or "",
        unit=person["unit"],
        week=week.key,
        cut_off=week.cut_off,
        period_start=week.period.start,
        period_end=week.period.end,
        days_elapsed=days_elapsed(week.period, week.cut_off),
        period_days=week.period.days,
        indicators=inds,
        weight_total=sum(i.bobot for i in inds),
        nilai_capaian=person.get("nilai_capaian"),
        kategori_capaian=person.get("kategori_capaian"),
        hasil_kerja=_hasil_kerja(person, tables["perilaku"], week=week),
        perilaku=_perilaku(person, tables["perilaku"], week=week, scoring=scoring),
        perilaku_carried=person.get("perilaku_dibawa") == YES,
        perilaku_pending=bool(person.get("rating_perilaku_pending")),
        predikat=person.get("predikat"),
        predikat_reason=predikat_reason(person),
        cap=scoring.cap,
        floor=scoring.floor,
    )


def _unknown_sentence(nip: str, roster: pd.DataFrame) -> str:
    listed = roster[roster["nip"] == nip]
    if listed.empty:
        return f"NIP {nip} tidak ada di tab Pegawai unit mana pun; periksa NIP-nya (18 angka)."
    status = listed["status"].iloc[-1]
    return (
        f"NIP {nip} ({listed['nama'].iloc[-1]}) berstatus {status}, bukan {ACTIVE}, sehingga "
        "tidak dinilai."
    )


def _entries(realisasi: pd.DataFrame, nip: str, ident: str, week: RunWeek) -> tuple[Entry, ...]:
    """The rows score counts: this NIP and indicator, dated from the period start to the cut-off,
    in date order (the row further down last on the same date, as ``Terakhir`` reads them)."""
    day = realisasi["tanggal"]
    counted = realisasi[
        (realisasi["nip"] == nip)
        & (realisasi["id_indikator"] == ident)
        & (day >= pd.Timestamp(week.period.start))
        & (day <= pd.Timestamp(week.cut_off))
    ].sort_values(["tanggal", "row"], kind="stable")
    return tuple(
        Entry(tanggal=t.date(), realisasi=float(v), row=int(r))
        for t, v, r in zip(counted["tanggal"], counted["realisasi"], counted["row"], strict=True)
    )


def _indicator(
    row: dict[str, Any], tables: Mapping[str, pd.DataFrame], *, week: RunWeek, scoring: Scoring
) -> IndicatorExplained:
    spec = tables["indikator"]
    mine = (spec["unit"] == row["unit"]) & (spec["nip"] == row["nip"])
    spec = spec[mine & (spec["id"] == row["id_indikator"])].iloc[-1]
    entries = _entries(tables["realisasi"], row["nip"], row["id_indikator"], week)
    counted = bool(row["jumlah_entri"])
    before = unclamped_capaian(row) if counted else None
    limit = None
    if before is not None and before != row["capaian"]:
        limit = "cap" if before > scoring.cap else "floor"
    share = days_elapsed(week.period, week.cut_off) / week.period.days
    return IndicatorExplained(
        id_indikator=row["id_indikator"],
        indikator=row["indikator"],
        satuan=row.get("satuan") or "",
        arah=row["arah"],
        agregasi=row["agregasi"],
        bobot=float(row["bobot"]),
        entries=entries,
        realisasi=row["realisasi"] if counted else None,
        target_period_low=float(spec["target_low"]),
        target_period_high=float(spec["target_high"]),
        share=share if row["agregasi"] == JUMLAH else 1.0,
        target_low=float(row["target_low"]),
        target_high=float(row["target_high"]),
        capaian_before_limit=before,
        capaian=float(row["capaian"]),
        limit=limit,
        formula=formula(row, cap=scoring.cap, floor=scoring.floor),
    )


def _latest(rows: pd.DataFrame) -> tuple[str | None, int | None]:
    """The period and sheet row of the Perilaku row score picks among ``rows`` (started later,
    then further down)."""
    if rows.empty:
        return None, None
    last = rows.sort_values(["periode_mulai", "row"], kind="stable").iloc[-1]
    return str(last["periode"]), int(last["row"])


def _hasil_kerja(
    person: dict[str, Any], behaviour: pd.DataFrame, *, week: RunWeek
) -> RatingExplained:
    """Rating Hasil Kerja: the supervisor's own for the cut-off's month or quarter, else the
    system's from the Nilai Capaian bands (``score.supervisor_rating``)."""
    rating = person.get("rating_hasil_kerja")
    if person.get("sumber_rating_hasil_kerja") != SOURCE_SUPERVISOR:
        source = "dihitung sistem dari Nilai Capaian" if rating else "belum ada Nilai Capaian"
        return RatingExplained(rating=rating, source=source, periode=None, row=None)
    mine = behaviour[behaviour["nip"] == person["nip"]]
    given = mine["rating_hasil_kerja"].isin(RATINGS) & (periods_since(mine, week.cut_off) == 0)
    periode, row = _latest(mine[given])
    named = period_name(periode) if periode else "periode ini"
    source = f"ditetapkan atasan di tab Perilaku untuk {named} (baris {row})"
    return RatingExplained(rating=rating, source=source, periode=periode, row=row)


def _perilaku(
    person: dict[str, Any], behaviour: pd.DataFrame, *, week: RunWeek, scoring: Scoring
) -> RatingExplained:
    """Rating Perilaku: the supervisor's row of the period used, overall or from the aspects."""
    periode = person.get("periode_perilaku")
    if not periode:  # pending: say what the supervisor still owes
        owed = render("_behaviour.txt", {"b": behaviour_due(person, week.cut_off)}).strip()
        return RatingExplained(rating=None, source=f"{owed}.", periode=None, row=None)
    mine = behaviour[(behaviour["nip"] == person["nip"]) & (behaviour["periode"] == periode)]
    mine = mine[rating_perilaku(mine, scoring).notna()]
    _, row = _latest(mine)
    overall = mine.loc[mine["row"] == row, "rating_perilaku"].isin(RATINGS).any()
    how = "rating keseluruhan yang diisi atasan" if overall else "rata-rata aspek BerAKHLAK"
    return RatingExplained(
        rating=person.get("rating_perilaku"),
        source=f"{behaviour_source(person, week.cut_off)} Baris {row} tab Perilaku: {how}.",
        periode=str(periode),
        row=row,
    )


def render_text(explanation: Explanation, scoring: Scoring) -> str:
    """The explanation for the console, in Indonesian."""
    return render("explain.txt", {"e": explanation, "bands": scoring})
