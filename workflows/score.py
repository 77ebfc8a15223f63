"""Pure scoring: the validated unit tables in, each ASN's scores and the summaries out.

Nothing here reads files or the clock: the week (with its cut-off) and the period are passed in,
and every threshold comes from ``config.scoring``. The hot path is vectorised with pandas
groupby, so a city-year (7.8 M entries) scores in seconds. Rules follow design.md §4 and
domain.md; where the regulation leaves a choice open, the reading taken is stated beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .calendar import RunWeek
from .config import DEFAULT_DISTRIBUTION, CurveBound, Period, Scoring
from .indonesian import format_number
from .labels import (
    ACTIVE,
    BAIK,
    BUTUH_PERBAIKAN,
    DI_ATAS,
    DI_BAWAH,
    JUMLAH,
    KATEGORI,
    KURANG,
    NO,
    PENDING,
    PREDIKAT,
    PREDIKAT_COLUMNS,
    RATA_RATA,
    RATINGS,
    SANGAT_BAIK,
    SANGAT_KURANG,
    SESUAI,
    SOURCE_SUPERVISOR,
    SOURCE_SYSTEM,
    TURUN,
    YES,
)
from .outcomes import REALISATION_COLUMNS, TYPED
from .schema import tab

ASPECTS = (
    "berorientasi_pelayanan",
    "akuntabel",
    "kompeten",
    "harmonis",
    "loyal",
    "adaptif",
    "kolaboratif",
)

# PermenPANRB 6/2022 matrix: (Rating Hasil Kerja, Rating Perilaku) -> Predikat.
PREDIKAT_MATRIX = {
    (DI_ATAS, DI_BAWAH): KURANG,
    (DI_ATAS, SESUAI): BAIK,
    (DI_ATAS, DI_ATAS): SANGAT_BAIK,
    (SESUAI, DI_BAWAH): KURANG,
    (SESUAI, SESUAI): BAIK,
    (SESUAI, DI_ATAS): BAIK,
    (DI_BAWAH, DI_BAWAH): SANGAT_KURANG,
    (DI_BAWAH, SESUAI): BUTUH_PERBAIKAN,
    (DI_BAWAH, DI_ATAS): BUTUH_PERBAIKAN,
}
# Columns the letters need beyond the summary tabs' own (ARCHITECTURE.md "Scores").
PEOPLE_EXTRA = (
    "email",
    "nip_atasan",
    "nama_atasan",  # the supervisor's name, from any roster row (active or not)
    "nilai_capaian_sebelumnya",
    "rating_perilaku_pending",
    "periode_perilaku_terakhir",  # the latest rated period, even once expired
    "catatan_atasan",
    "no_entries_indicators",
    "terakhir_melapor",  # the latest valid entry's date up to the cut-off (NaT: never)
    "minggu_tanpa_laporan",  # run-weeks without a valid entry; 0: reported this week
)
INDICATOR_EXTRA = ("target_low", "target_high", "below_target")
# Band comparisons round away binary noise, so an NC of 110 is never read as 109.99999999.
_BAND_DECIMALS = 9


@dataclass
class ScoreResult:
    """The week's scores; column keys are the summary schema keys (ARCHITECTURE.md "Scores")."""

    people: pd.DataFrame
    indicators: pd.DataFrame
    units: pd.DataFrame
    breaches: list[str] = field(default_factory=list)
    entries_scored: int = 0  # valid entries from the period start to the cut-off


# -- small rules ---------------------------------------------------------------------------------


def days_elapsed(period: Period, cut_off: dt.date) -> int:
    """Days from the period start to the cut-off, both counted, within [0, period days]."""
    return int(np.clip((cut_off - period.start).days + 1, 0, period.days))


def target_to_date(
    target: pd.Series, agregasi: pd.Series, *, period: Period, cut_off: dt.date
) -> pd.Series:
    """``Jumlah`` targets are for the whole period, so only the elapsed share is due by now."""
    share = days_elapsed(period, cut_off) / period.days
    return target.where(agregasi != JUMLAH, target * share).astype(float)


def realisation(entries: pd.DataFrame, where: np.ndarray | None = None) -> pd.DataFrame:
    """Per (nip, id_indikator): ``sum``, ``mean``, ``latest`` and ``count`` of the entries (of
    those where ``where`` holds, if given: only the columns needed are ever copied).

    ``latest`` is the value of the latest date; on the same date the row further down wins.
    Missing values are skipped, as pandas' aggregations skip them.
    """
    chosen = np.arange(len(entries)) if where is None else np.flatnonzero(where)
    groups, keys = _group_codes(entries["nip"], entries["id_indikator"], chosen)
    rows, groups = chosen[groups >= 0], groups[groups >= 0]
    values = entries["realisasi"].to_numpy(float)[rows]
    has = ~np.isnan(values)
    rows, groups, values = rows[has], groups[has], values[has]
    size = len(keys)
    count = np.bincount(groups, minlength=size)
    total = np.bincount(groups, weights=values, minlength=size)
    mean = np.divide(total, count, out=np.full(size, np.nan), where=count > 0)
    return pd.DataFrame(
        {
            "sum": total,
            "mean": mean,
            "latest": _latest(entries, rows, groups, values, size),
            "count": count,
        },
        index=keys,
    )


def _latest(
    entries: pd.DataFrame, rows: np.ndarray, groups: np.ndarray, values: np.ndarray, size: int
) -> np.ndarray:
    """Each group's value at its latest (date, sheet row); of equal ones, the last position.

    A maximum per group, not a sort: a city-year's rows are never put in time order."""
    order = entries["tanggal"].to_numpy("datetime64[D]")[rows].astype(np.int64)
    order *= 2**32
    order += entries["row"].to_numpy(np.int64)[rows]
    newest = np.full(size, np.iinfo(np.int64).min)
    np.maximum.at(newest, groups, order)
    at_newest = np.flatnonzero(order == newest[groups])
    latest = np.full(size, np.nan)
    latest[groups[at_newest]] = values[at_newest]  # positions ascend: the last one stays
    return latest


def _group_codes(
    nip: pd.Series, indicator: pd.Series, chosen: np.ndarray
) -> tuple[np.ndarray, pd.MultiIndex]:
    """For the rows at ``chosen``: one integer per (nip, id_indikator) in order of first
    appearance (-1 where either is missing), and those pairs. Grouping by integers hashes each
    string once, not once per key; rows are taken in sheet order, which keeps the strings'
    memory read in order (a shuffled take makes hashing them several times slower)."""
    nips, nip_values = pd.factorize(nip.to_numpy()[chosen])
    ids, id_values = pd.factorize(indicator.to_numpy()[chosen])
    valid = (nips >= 0) & (ids >= 0)
    pairs = nips.astype(np.int64)
    del nips
    pairs *= len(id_values)
    pairs += ids
    del ids
    groups = np.full(len(pairs), -1, dtype=np.int64)
    # A small starting table: pairs are few next to rows, and a table sized for every row
    # spreads them over more memory than the cache holds.
    groups[valid], found = pd.factorize(pairs[valid], size_hint=1 << 16)
    index = [nip_values[found // len(id_values)], id_values[found % len(id_values)]]
    return groups, pd.MultiIndex.from_arrays(index, names=["nip", "id_indikator"])


def pick_realisation(agregasi: pd.Series, aggregates: pd.DataFrame) -> pd.Series:
    """The realisation each indicator's ``Agregasi`` asks for (NaN where there is no entry)."""
    return pd.Series(
        np.select(
            [agregasi == JUMLAH, agregasi == RATA_RATA],
            [aggregates["sum"], aggregates["mean"]],
            aggregates["latest"],
        ),
        index=agregasi.index,
        dtype=float,
    )


def with_computed(ind: pd.DataFrame, computed: pd.DataFrame | None) -> pd.DataFrame:
    """Indicators computed from records (``outcomes.computed_realisations``, per (nip,
    id_indikator)) take that realisation and record count in place of the typed entries'; every
    indicator gets its ``sumber`` and ``rincian_sumber``."""
    if computed is None:
        computed = pd.DataFrame(columns=list(REALISATION_COLUMNS))
    keys = pd.MultiIndex.from_frame(ind[["nip", "id_indikator"]])
    found = computed.reindex(keys).set_axis(ind.index)
    own = found["sumber"].notna()
    return ind.assign(
        realisasi=ind["realisasi"].mask(own, found["realisasi"].astype(float)),
        count=ind["count"].mask(own, found["jumlah_entri"].astype(float)),
        sumber=found["sumber"].astype(object).where(own, TYPED),
        rincian_sumber=found["rincian_sumber"].astype(object).where(own, None),
    )


def capaian(
    realised: pd.Series,
    low: pd.Series,
    high: pd.Series,
    arah: pd.Series,
    *,
    scoring: Scoring,
) -> pd.Series:
    """Capaian (%) of each indicator, clamped to [floor, cap]; no realisation gives 0.

    The realisation is compared with the bound on the side it falls (a single target has
    ``low == high``), 100 inside a range. ``Naik``: r / bound × 100. ``Turun`` (lower is better,
    PermenPANRB 8/2021): (2 − r / bound) × 100, so for a ``Turun`` range the upper bound judges a
    realisation above it (worse, < 100) and the lower bound one below it (better, > 100), the
    mirror of the ``Naik`` reading in domain.md.
    """
    r = realised.to_numpy(float)
    lo, hi = low.to_numpy(float), high.to_numpy(float)
    bound = np.where(r < lo, lo, hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = r / bound
    raw = np.where(arah.to_numpy() == TURUN, 2 - ratio, ratio) * 100
    raw = np.where((r >= lo) & (r <= hi), 100.0, raw)
    clamped = np.clip(raw, scoring.floor, scoring.cap)
    return pd.Series(np.where(np.isnan(r), 0.0, clamped), index=realised.index)


def weighted_score(frame: pd.DataFrame, *, by: str, value: str, weight: str) -> pd.Series:
    """Σ weight × value / Σ weight per ``by``: weights need not sum to 100."""
    weighted = (frame[value] * frame[weight]).groupby(frame[by], sort=False).sum()
    return weighted / frame.groupby(by, sort=False)[weight].sum()


def _band(values: pd.Series, bounds: Sequence[float], labels: Sequence[str]) -> pd.Series:
    """Label of the first lower bound a value reaches (bounds highest first); NaN stays empty."""
    v = values.astype(float).round(_BAND_DECIMALS).to_numpy()
    picked = np.select([v >= b for b in bounds], labels[: len(bounds)], labels[len(bounds)])
    return pd.Series(picked, index=values.index, dtype=object).where(~np.isnan(v), None)


def kategori_capaian(nc: pd.Series, scoring: Scoring) -> pd.Series:
    k = scoring.kategori
    return _band(nc, [k.sangat_baik, k.baik, k.butuh_perbaikan, k.kurang], KATEGORI)


def suggested_rating(nc: pd.Series, scoring: Scoring) -> pd.Series:
    """The Rating Hasil Kerja the numbers suggest; the supervisor's own rating wins over it."""
    bands = scoring.rating_hasil_kerja
    return _band(nc, [bands.di_atas, bands.sesuai], (DI_ATAS, SESUAI, DI_BAWAH))


def rating_perilaku(behaviour: pd.DataFrame, scoring: Scoring) -> pd.Series:
    """Per Perilaku row: the supervisor's overall rating, else from the mean of the rated aspects.

    Each aspect counts for its ``scoring.perilaku.aspect_scores``; empty aspects are left out of
    the mean; with no aspect and no overall rating it is None (nothing rated in that row).
    """
    t = scoring.perilaku
    values = t.aspect_scores.by_rating()
    scores = behaviour[list(ASPECTS)].apply(lambda col: col.map(values)).astype(float)
    mean = scores.mean(axis=1, skipna=True)
    derived = _band(mean, [t.di_atas, t.di_bawah], (DI_ATAS, SESUAI, DI_BAWAH))
    overall = behaviour["rating_perilaku"].where(behaviour["rating_perilaku"].isin(RATINGS))
    return overall.astype(object).where(overall.notna(), derived)


def predikat(hasil_kerja: pd.Series, perilaku: pd.Series) -> pd.Series:
    """Predikat from the matrix; pending behaviour gives ``PENDING``, a missing Hasil Kerja None."""
    cells = {f"{hk}|{pr}": value for (hk, pr), value in PREDIKAT_MATRIX.items()}
    out = (hasil_kerja.astype(str) + "|" + perilaku.astype(str)).map(cells).astype(object)
    out = out.where(out.notna(), None)
    return out.mask(perilaku.isna(), PENDING)


def _month_number(day: pd.Series | dt.date) -> pd.Series | int:
    """Months since year 0, so months and quarters compare by subtraction."""
    if isinstance(day, dt.date):
        return day.year * 12 + day.month - 1
    day = pd.to_datetime(day)  # an empty table may arrive untyped
    return day.dt.year * 12 + day.dt.month - 1


def periods_since(behaviour: pd.DataFrame, cut_off: dt.date) -> pd.Series:
    """Per Perilaku row: how many of its own periods lie between it and the cut-off's.

    0 when the cut-off lies inside the row's month (``2026-11``) or quarter (``2026-Q4``), 1 in
    the month or quarter right after it, and so on; negative for a period not yet begun.
    """
    months = np.where(behaviour["periode"].astype(str).str.contains("Q"), 3, 1)
    elapsed = _month_number(cut_off) - _month_number(behaviour["periode_mulai"])
    return pd.Series(np.floor_divide(elapsed, months), index=behaviour.index)


def period_of(day: dt.date, *, quarterly: bool) -> str:
    """The month (``2026-11``) or quarter (``2026-Q4``) holding ``day``, as Perilaku writes it."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if quarterly else f"{day:%Y-%m}"


def _latest_per_nip(rows: pd.DataFrame, *order: str) -> pd.DataFrame:
    """One row per NIP: the last by ``order`` then ``periode_mulai``, then the row further down."""
    ordered = rows.sort_values([*order, "periode_mulai", "row"], kind="stable")
    return ordered.drop_duplicates("nip", keep="last").set_index("nip")


def supervisor_rating(behaviour: pd.DataFrame, *, cut_off: dt.date) -> pd.DataFrame:
    """Per NIP: the supervisor's own ``rating_hasil_kerja`` and ``catatan_atasan`` for a week.

    An override judges the work of its own month or quarter only, so it applies to weeks whose
    cut-off lies inside that period; of two that do (``2026-11`` and ``2026-Q4``) the one started
    later wins, then the row further down.
    """
    given = behaviour["rating_hasil_kerja"].isin(RATINGS)
    inside = periods_since(behaviour, cut_off) == 0
    picked = _latest_per_nip(behaviour[given & inside])
    return picked[["rating_hasil_kerja", "catatan_atasan"]]


def behaviour_for_week(
    behaviour: pd.DataFrame, *, period: Period, cut_off: dt.date, scoring: Scoring
) -> pd.DataFrame:
    """Per NIP: the behaviour rating that counts for the week ending at ``cut_off``.

    A rating counts inside its own month or quarter and, while the supervisor has not rated the
    next one, for ``scoring.perilaku.carry_over`` following periods of the same length (marked
    ``carried``). A rating of the cut-off's own period wins over a carried one; then the period
    started later, then the row further down. Periods starting before the performance period never
    count (a new SKP year starts unrated). Columns: ``rating_perilaku``, ``periode`` (where the
    rating came from; None once expired), ``carried``, ``last_rated`` (the latest rated period
    begun by the cut-off, even if expired) and ``catatan_atasan``.
    """
    ratings = rating_perilaku(behaviour, scoring)
    since = periods_since(behaviour, cut_off)
    begun = (behaviour["periode_mulai"] >= pd.Timestamp(period.start)) & (since >= 0)
    rated = behaviour.assign(
        rating_perilaku=ratings, own=since == 0, counts=since <= scoring.perilaku.carry_over
    )[begun & ratings.notna()]
    last_rated = _latest_per_nip(rated)["periode"].rename("last_rated")
    used = _latest_per_nip(rated[rated["counts"]], "own")
    out = used[["rating_perilaku", "periode", "catatan_atasan"]].assign(carried=~used["own"])
    return out.reindex(last_rated.index).join(last_rated)


# -- distribution curve --------------------------------------------------------------------------


def _percent(share: float) -> str:
    return format_number(share * 100, 1).removesuffix(",0") + "%"


def _names(predikat_set: Sequence[str]) -> str:
    return " atau ".join(predikat_set)


def check_distribution(
    predikat_counts: Mapping[str, int],
    organisation_predikat: str,
    *,
    curve: Mapping[str, Sequence[CurveBound]] = DEFAULT_DISTRIBUTION,
) -> list[str]:
    """Each breach of the distribution curve for ``organisation_predikat``, as a sentence.

    Shares are of the ASN who have a predikat (pending behaviour is not counted); with none
    there is nothing to check.
    """
    total = sum(int(predikat_counts.get(p, 0)) for p in PREDIKAT)
    if total == 0:
        return []
    org = f"organisasi berpredikat {organisation_predikat}"
    breaches = []
    for rule in curve[organisation_predikat]:
        count = sum(int(predikat_counts.get(p, 0)) for p in rule.predikat)
        share = count / total
        stated = f"Predikat {_names(rule.predikat)} {_percent(share)} ({count} dari {total} ASN)"
        if rule.at_least_one and count == 0:
            breaches.append(f"{stated}, padahal {org} harus memiliki paling sedikit satu ASN.")
        elif rule.maximum == 0 and count > 0:
            breaches.append(f"{stated}, padahal {org} tidak boleh memiliki predikat itu.")
        elif rule.maximum is not None and share > rule.maximum:
            breaches.append(f"{stated}, melebihi batas {_percent(rule.maximum)} untuk {org}.")
        elif rule.minimum is not None and share < rule.minimum:
            breaches.append(
                f"{stated}, kurang dari batas minimal {_percent(rule.minimum)} untuk {org}."
            )
    return breaches


# -- the week ------------------------------------------------------------------------------------


def _columns(key: str) -> list[str]:
    return [c.key for c in tab(key).columns]


def _score_indicators(
    indicators: pd.DataFrame,
    entries: pd.DataFrame,
    *,
    week: RunWeek,
    period: Period,
    scoring: Scoring,
    computed: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, int]:
    """Capaian Indikator rows (without names) and the number of typed entries scored."""
    in_period = (entries["tanggal"] >= pd.Timestamp(period.start)) & (
        entries["tanggal"] <= pd.Timestamp(week.cut_off)
    )
    aggregates = realisation(entries, in_period.to_numpy())
    ind = indicators.rename(columns={"id": "id_indikator"})
    ind = ind.join(aggregates, on=["nip", "id_indikator"])
    low = target_to_date(ind["target_low"], ind["agregasi"], period=period, cut_off=week.cut_off)
    high = target_to_date(ind["target_high"], ind["agregasi"], period=period, cut_off=week.cut_off)
    ind["target_low"], ind["target_high"] = low, high
    ind["target_to_date"] = low
    ind["realisasi"] = pick_realisation(ind["agregasi"], ind)
    typed_count = ind["count"].fillna(0)
    ind = with_computed(ind, computed)
    ind["capaian"] = capaian(ind["realisasi"], low, high, ind["arah"], scoring=scoring)
    ind["jumlah_entri"] = ind["count"].fillna(0).astype(int)
    ind["below_target"] = ind["capaian"].round(_BAND_DECIMALS) < scoring.target_met
    ind["target"] = ind["target_text"].astype(object)
    ind["minggu"] = week.key
    scored = int(typed_count[ind["sumber"].eq(TYPED)].sum())
    return ind, scored


def _history_before(history: pd.DataFrame, week: RunWeek) -> pd.Series:
    """Each NIP's Nilai Capaian of the week before this one, from Riwayat."""
    if history.empty or not {"minggu", "nip", "nilai_capaian"} <= set(history.columns):
        return pd.Series(dtype=float)
    last = history[history["minggu"].astype(str) == week.previous_key]
    values = pd.to_numeric(last["nilai_capaian"], errors="coerce")
    return values.groupby(last["nip"].astype(str)).last()


def _ratings(
    people: pd.DataFrame,
    behaviour: pd.DataFrame,
    *,
    week: RunWeek,
    period: Period,
    scoring: Scoring,
) -> pd.DataFrame:
    """Per person (``people``'s index): the two ratings, their sources and the predikat."""
    out = pd.DataFrame(index=people.index)
    override = supervisor_rating(behaviour, cut_off=week.cut_off).reindex(people.index)
    supervisor = override["rating_hasil_kerja"]
    out["rating_hasil_kerja"] = supervisor.astype(object).where(
        supervisor.notna(), suggested_rating(people["nilai_capaian"], scoring)
    )
    out["sumber_rating_hasil_kerja"] = np.where(
        supervisor.notna(),
        SOURCE_SUPERVISOR,
        np.where(out["rating_hasil_kerja"].notna(), SOURCE_SYSTEM, None),
    )
    rated = behaviour_for_week(
        behaviour, period=period, cut_off=week.cut_off, scoring=scoring
    ).reindex(people.index)
    pending = rated["rating_perilaku"].isna()
    out["rating_perilaku"] = rated["rating_perilaku"].astype(object).where(~pending, None)
    out["rating_perilaku_pending"] = pending
    out["predikat"] = predikat(out["rating_hasil_kerja"], out["rating_perilaku"])
    out["periode_perilaku"] = rated["periode"].astype(object).where(~pending, None)
    carried = rated["carried"].astype(object).eq(True)
    out["perilaku_dibawa"] = (
        carried.map({True: YES, False: NO}).astype(object).where(~pending, None)
    )
    last = rated["last_rated"]
    out["periode_perilaku_terakhir"] = last.astype(object).where(last.notna(), None)
    note = rated["catatan_atasan"]
    out["catatan_atasan"] = note.where(note.notna(), override["catatan_atasan"]).astype(object)
    return out


def _score_people(
    roster: pd.DataFrame,
    ind: pd.DataFrame,
    entries: pd.DataFrame,
    behaviour: pd.DataFrame,
    history: pd.DataFrame,
    rejected: pd.DataFrame,
    *,
    names: pd.Series,
    week: RunWeek,
    period: Period,
    scoring: Scoring,
) -> pd.DataFrame:
    """Per active ASN in ``roster``: Nilai Capaian, completeness, ratings, change since last week.

    ``names`` maps every NIP of the roster, active or not, to its name (for the supervisor's).
    """
    people = roster.set_index("nip", drop=False)
    nc = weighted_score(ind, by="nip", value="capaian", weight="bobot")
    people["nilai_capaian"] = nc.reindex(people.index)
    counts = (
        ind.assign(with_entries=ind["jumlah_entri"] > 0)
        .groupby("nip", sort=False)
        .agg(
            n=("capaian", "size"),
            below=("below_target", "sum"),
            with_entries=("with_entries", "sum"),
        )
        .reindex(people.index)
    )
    people["indikator_di_bawah_target"] = counts["below"].fillna(0).astype(int)
    people["kelengkapan_data"] = counts["with_entries"] / counts["n"]
    people["no_entries_indicators"] = (counts["n"] - counts["with_entries"]).fillna(0).astype(int)

    people[["melapor_minggu_ini", "terakhir_melapor", "minggu_tanpa_laporan"]] = _reporting(
        people.index, entries, week=week
    )
    people["entri_ditolak"] = (
        rejected.groupby("nip").size().reindex(people.index, fill_value=0).astype(int)
    )

    people["kategori_capaian"] = kategori_capaian(people["nilai_capaian"], scoring)
    ratings = _ratings(people, behaviour, week=week, period=period, scoring=scoring)
    people[list(ratings.columns)] = ratings
    people["nama_atasan"] = people["nip_atasan"].map(names)

    before = _history_before(history, week).reindex(people.index)
    people["nilai_capaian_sebelumnya"] = before.astype(float)
    people["perubahan"] = people["nilai_capaian"] - people["nilai_capaian_sebelumnya"]
    people["minggu"] = week.key
    return people.reset_index(drop=True)


def cut_offs_between(first: np.ndarray, week: RunWeek) -> np.ndarray:
    """Per day in ``first`` (``datetime64[D]``): the period's run cut-offs from it to this week's.

    Cut-offs are the period's Sundays, except in a calendar year the Sunday of 1-6 January (its
    ISO week began the year before, so its days count in the next week), plus the period's end
    where that is not a Sunday (calendar.py). Every day of ``first`` lies in the period.
    """
    cut_off = np.datetime64(week.cut_off, "D")
    # numpy's day 0 (1970-01-01) is a Thursday: (day + 3) % 7 is 0 on Mondays, 6 on Sundays.
    first_sunday = first + (6 - (first.astype(np.int64) + 3) % 7)
    last_sunday = cut_off - (int(cut_off.astype(np.int64)) + 4) % 7
    sundays = np.maximum((last_sunday - first_sunday).astype(np.int64) // 7 + 1, 0)
    ends_on_weekday = int(last_sunday != cut_off)
    new_year = np.datetime64(dt.date(week.period.start.year, 1, 1), "D")
    skipped = (not week.pinned) & (first_sunday < new_year + 6) & (first_sunday <= last_sunday)
    return sundays + ends_on_weekday - skipped.astype(np.int64)


def _reporting(nips: pd.Index, entries: pd.DataFrame, *, week: RunWeek) -> pd.DataFrame:
    """Per NIP: ``melapor_minggu_ini``, ``terakhir_melapor`` (the latest valid entry's date up to
    the cut-off) and ``minggu_tanpa_laporan`` (run-weeks since the one holding that entry; never
    reported counts every week of the period so far, this one included)."""
    day = entries["tanggal"]
    counted = day.where(day <= pd.Timestamp(week.cut_off))  # NaT after it: max() skips those
    last = pd.to_datetime(counted.groupby(entries["nip"]).max().reindex(nips))
    in_period = last >= pd.Timestamp(week.period.start)
    start = np.full(len(nips), np.datetime64(week.period.start, "D"))
    days = last.to_numpy("datetime64[D]")
    since = cut_offs_between(np.where(in_period, days, start), week)
    silent = np.where(in_period, since - 1, since)
    reported = last >= pd.Timestamp(week.start)
    return pd.DataFrame(
        {
            "melapor_minggu_ini": np.where(reported, YES, NO),
            "terakhir_melapor": last,
            "minggu_tanpa_laporan": silent.astype(int),
        },
        index=nips,
    )


def summarise(people: pd.DataFrame, rejected: pd.DataFrame, *, label: str) -> dict[str, object]:
    """One Ringkasan Unit row (without the distribution note) for a group of ASN."""
    counts = people["predikat"].value_counts()
    reported = people["melapor_minggu_ini"] == YES
    return {
        "unit": label,
        "jumlah_asn": len(people),
        "rata_rata_nilai_capaian": people["nilai_capaian"].mean(),
        "median_nilai_capaian": people["nilai_capaian"].median(),
        **{column: int(counts.get(p, 0)) for p, column in PREDIKAT_COLUMNS.items()},
        "persentase_melapor": reported.mean() if len(people) else np.nan,
        "entri_ditolak": len(rejected),
    }


def _summarise_units(
    people: pd.DataFrame,
    rejected: pd.DataFrame,
    *,
    week: RunWeek,
    organisation: str,
    scoring: Scoring,
) -> tuple[pd.DataFrame, list[str]]:
    """Ringkasan Unit rows and the distribution breaches: the curve is the organisation's
    (PermenPANRB 6/2022), so a unit is judged on its own only from
    ``scoring.distribution_min_unit`` ASN up, where shares of a handful mean nothing."""
    units = list(dict.fromkeys([*people["unit"], *rejected["unit"]]))
    people_of = dict(tuple(people.groupby("unit", sort=False)))  # one pass, not one per unit
    rejected_of = dict(tuple(rejected.groupby("unit", sort=False)))
    groups = [
        (unit, people_of.get(unit, people.iloc[:0]), rejected_of.get(unit, rejected.iloc[:0]))
        for unit in units
    ]
    rows, breaches = [], []
    for label, members, refused in [*groups, (organisation, people, rejected)]:
        row = summarise(members, refused, label=label)
        judged = label == organisation or len(members) >= scoring.distribution_min_unit
        counts = {p: row[c] for p, c in PREDIKAT_COLUMNS.items()}
        found = (
            check_distribution(counts, scoring.organisation_predikat, curve=scoring.distribution)
            if judged
            else []
        )
        row["catatan_distribusi"] = " ".join(found) or None
        breaches += [f"{label}: {sentence}" for sentence in found]
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["minggu"] = week.key
    return frame.reindex(columns=_columns("ringkasan_unit")), breaches


def score_week(
    *,
    roster: pd.DataFrame,
    indicators: pd.DataFrame,
    entries: pd.DataFrame,
    behaviour: pd.DataFrame,
    history: pd.DataFrame,
    rejected: pd.DataFrame,
    week: RunWeek,
    period: Period,
    scoring: Scoring,
    organisation: str,
    computed: pd.DataFrame | None = None,
) -> ScoreResult:
    """Score every active ASN for ``week``; tables as in ARCHITECTURE.md "Validated unit".

    ``computed`` holds the realisations of indicators computed from records
    (``outcomes.computed_realisations``); they replace those indicators' typed entries.

    ``rejected`` has one row per rejected Realisasi entry with its ``unit`` and ``nip`` (the NIP
    may be unknown); ``history`` is Riwayat with schema keys (may be empty). Entries count from
    the period start to ``week.cut_off``; ASN whose ``status`` is not ``Aktif`` are left out.
    """
    active = roster[roster["status"] == ACTIVE].drop_duplicates("nip")
    names = roster.drop_duplicates("nip").set_index("nip")["nama"]
    ind = indicators[indicators["nip"].isin(active["nip"])]
    ind, scored = _score_indicators(
        ind, entries, week=week, period=period, scoring=scoring, computed=computed
    )
    people = _score_people(
        active,
        ind,
        entries,
        behaviour,
        history,
        rejected,
        names=names,
        week=week,
        period=period,
        scoring=scoring,
    )
    ind["nama"] = ind["nip"].map(names)
    units, breaches = _summarise_units(
        people,
        rejected,
        week=week,
        organisation=organisation,
        scoring=scoring,
    )
    return ScoreResult(
        people=people[[*_columns("ringkasan_pegawai"), *PEOPLE_EXTRA]],
        indicators=ind[[*_columns("capaian_indikator"), *INDICATOR_EXTRA]].reset_index(drop=True),
        units=units,
        breaches=breaches,
        entries_scored=scored,
    )
