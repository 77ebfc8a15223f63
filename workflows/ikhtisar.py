"""The summary's own tables that are not schema tabs: Ikhtisar (the week on one page), Tren (mean
Nilai Capaian per week and unit) and Grafik's predikat counts; and Riwayat Unit, the per-week unit
figures the change since last week is read from. Pure: DataFrames in, sheet rows out.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .calendar import RunWeek
from .indonesian import format_date
from .labels import PREDIKAT_COLUMNS
from .schema import tab

# Section titles and headers of Ikhtisar; the local backend styles the rows that hold them.
ORGANISATION_SECTION = "Organisasi"
UNITS_SECTION = "Unit"
ATTENTION_SECTION = "ASN yang Perlu Perhatian"
SUPPORT_SECTION = "Dukungan yang Diminta dalam Refleksi Minggu Ini"
SECTIONS = (ORGANISATION_SECTION, UNITS_SECTION, ATTENTION_SECTION, SUPPORT_SECTION)
FIGURES_HEADER = ["Ukuran", "Minggu Ini", "Minggu Lalu", "Perubahan"]
UNITS_HEADER = [
    "Unit",
    "Jumlah ASN",
    "Rata-rata Nilai Capaian",
    "Minggu Lalu",
    "Perubahan",
    "Persentase Melapor",
    "Entri Ditolak",
    "Keterangan",
]
ATTENTION_HEADER = ["Nama", "Unit", "Nilai Capaian", "Minggu Tanpa Laporan", "Predikat", "Alasan"]
SUPPORT_HEADER = ["Nama", "Unit", "Dukungan"]
HEADERS = (FIGURES_HEADER, UNITS_HEADER, ATTENTION_HEADER, SUPPORT_HEADER)
# Ikhtisar's column widths (characters): every section shares the same eight columns.
WIDTHS = (28, 24, 14, 15, 18, 13, 11, 44)
# Organisation figures: (label, Ringkasan Unit key), in the order Ikhtisar lists them.
FIGURES = (
    ("Jumlah ASN", "jumlah_asn"),
    ("Rata-rata Nilai Capaian", "rata_rata_nilai_capaian"),
    ("Median Nilai Capaian", "median_nilai_capaian"),
    ("Persentase Melapor", "persentase_melapor"),
    ("Entri Ditolak", "entri_ditolak"),
)
# Figures and columns shown as percentages, and as whole numbers (two decimals otherwise).
PERCENT_LABELS = frozenset({"Persentase Melapor"})
COUNT_LABELS = frozenset({"Jumlah ASN", "Entri Ditolak", "Minggu Tanpa Laporan"})
TREND_FIRST = "Minggu"


@dataclass(frozen=True)
class OverviewLimits:
    """How much Ikhtisar lists before "dan N lainnya", so that it stays one page."""

    attention_rows: int
    support_rows: int
    support_chars: int = 110  # a request longer than this is cut (the Refleksi tab has it whole)


def overview_rows(
    *,
    week: RunWeek,
    organisation: str,
    units: pd.DataFrame,
    changes: pd.DataFrame,
    previous: pd.DataFrame,
    attention: pd.DataFrame,
    support: pd.DataFrame,
    limits: OverviewLimits,
) -> list[list[Any]]:
    """Ikhtisar's rows: the title, the organisation's figures with last week's, one row per
    unit (unreadable ones with the reason), the ASN who need attention and the support asked for.

    ``units`` are Ringkasan Unit's rows (the organisation's included), ``changes`` the mean and its
    change per unit (``overview.unit_changes``), ``previous`` last week's Riwayat Unit rows,
    ``attention`` and ``support`` the lists of ``overview.attention``/``support_requests``.
    """
    rows: list[list[Any]] = [
        [f"Ikhtisar Kinerja {organisation}"],
        [f"Minggu {week.key}: {format_date(week.start)} s.d. {format_date(week.cut_off)}"],
    ]
    rows += _section(
        ORGANISATION_SECTION, FIGURES_HEADER, _figures(units, changes, previous, organisation)
    )
    rows += _section(UNITS_SECTION, UNITS_HEADER, _unit_rows(units, changes, organisation))
    rows += _section(
        f"{ATTENTION_SECTION} ({len(attention)})",
        ATTENTION_HEADER,
        _capped(_attention_rows(attention), limits.attention_rows),
    )
    rows += _section(
        f"{SUPPORT_SECTION} ({len(support)})",
        SUPPORT_HEADER,
        _capped(_support_rows(support, limits.support_chars), limits.support_rows),
    )
    return rows


def _section(title: str, header: list[str], body: list[list[Any]]) -> list[list[Any]]:
    return [[], [title], header, *(body or [["Tidak ada."]])]


def _capped(rows: list[list[Any]], limit: int) -> list[list[Any]]:
    if len(rows) <= limit:
        return rows
    return [*rows[:limit], [f"dan {len(rows) - limit} lainnya"]]


# The row that stands for the rows a capped list leaves out.
MORE = re.compile(r"dan \d+ lainnya")


def _value(value: Any) -> Any:
    """A cell value: NaN/None empty, numpy scalars plain."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return value.item() if hasattr(value, "item") else value


def _difference(now: Any, before: Any) -> Any:
    now, before = _value(now), _value(before)
    return None if now is None or before is None else now - before


def _row_of(frame: pd.DataFrame, unit: str) -> pd.Series | None:
    found = frame[frame["unit"] == unit] if len(frame) else frame
    return found.iloc[0] if len(found) else None


def _figures(units, changes, previous, organisation) -> list[list[Any]]:
    now = _row_of(units, organisation)
    before = _row_of(previous, organisation)
    change = _row_of(changes, organisation)
    rows = []
    for label, key in FIGURES:
        this = None if now is None else _value(now[key])
        if key == "rata_rata_nilai_capaian" and change is not None:
            last = _value(change["rata_rata_sebelumnya"])  # the digest's own figure
        else:
            last = None if before is None else _value(before[key])
        rows.append([label, this, last, _difference(this, last)])
    return rows


def _unit_rows(units, changes, organisation) -> list[list[Any]]:
    rows = []
    for _, unit in units[units["unit"] != organisation].iterrows():
        change = _row_of(changes, unit["unit"])
        last = None if change is None else _value(change["rata_rata_sebelumnya"])
        mean = _value(unit["rata_rata_nilai_capaian"])
        rows.append(
            [
                unit["unit"],
                _value(unit["jumlah_asn"]),
                mean,
                last,
                _difference(mean, last),
                _value(unit["persentase_melapor"]),
                _value(unit["entri_ditolak"]),
                _value(unit["keterangan"]),
            ]
        )
    return rows


def _attention_rows(attention: pd.DataFrame) -> list[list[Any]]:
    keys = ("nama", "unit", "nilai_capaian", "minggu_tanpa_laporan", "predikat", "alasan")
    return [[_value(row[k]) for k in keys] for _, row in attention.iterrows()]


def _support_rows(support: pd.DataFrame, chars: int) -> list[list[Any]]:
    def cut(text: Any) -> str:
        text = " ".join(str(text).split())
        return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"

    return [[row["nama"], row["unit"], cut(row["dukungan"])] for _, row in support.iterrows()]


# -- Riwayat Unit, Tren, Grafik -------------------------------------------------------------------


def upsert_unit_history(
    history: pd.DataFrame, units: pd.DataFrame, week_key: str, *, now: dt.datetime
) -> pd.DataFrame:
    """Riwayat Unit with this week's row of each unit scored now (and of the organisation)
    replaced; a unit that could not be read keeps the row it had. Sorted by week, then as
    Ringkasan Unit lists the units, so a replay of the week gives the same rows."""
    keys = [c.key for c in tab("riwayat_unit").columns]
    scored = units[units["jumlah_asn"].notna()]
    fresh = scored.assign(minggu=week_key, diperbarui=now).reindex(columns=keys)
    stale = (history["minggu"].astype(str) == week_key) & history["unit"].isin(scored["unit"])
    kept = history[~stale].reindex(columns=keys)
    merged = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
    return merged.sort_values("minggu", key=lambda s: s.astype(str), kind="stable")


def last_week(
    unit_history: pd.DataFrame, riwayat: pd.DataFrame, previous_key: str | None, organisation: str
) -> pd.DataFrame:
    """Last week's Riwayat Unit rows; when it has none for the organisation (the first week
    published with it), the organisation's ASN count and median from last week's Riwayat."""
    rows = unit_history[unit_history["minggu"].astype(str) == str(previous_key)]
    if (rows["unit"] == organisation).any():
        return rows
    scores = pd.to_numeric(
        riwayat.loc[riwayat["minggu"].astype(str) == str(previous_key), "nilai_capaian"],
        errors="coerce",
    )
    if scores.empty:
        return rows
    derived = {
        "minggu": previous_key,
        "unit": organisation,
        "jumlah_asn": len(scores),
        "rata_rata_nilai_capaian": scores.mean(),
        "median_nilai_capaian": scores.median(),
    }
    return pd.DataFrame([derived]).reindex(columns=rows.columns)


def unit_means(
    riwayat: pd.DataFrame, unit_history: pd.DataFrame, organisation: str
) -> pd.DataFrame:
    """Riwayat Unit rows (ASN count, mean and median Nilai Capaian) for the weeks and units of
    ``riwayat`` that ``unit_history`` lacks, the organisation's included: what Tren needs of
    weeks that leave Riwayat (those back-filled never had a Riwayat Unit row)."""
    keys = [c.key for c in tab("riwayat_unit").columns]
    scores = riwayat.assign(
        minggu=riwayat["minggu"].astype(str),
        nilai_capaian=pd.to_numeric(riwayat["nilai_capaian"], errors="coerce"),
    )
    whole = scores.assign(unit=organisation)
    groups = pd.concat([scores, whole]).groupby(["minggu", "unit"], sort=True)["nilai_capaian"]
    derived = pd.DataFrame(
        {
            "jumlah_asn": groups.size(),
            "rata_rata_nilai_capaian": groups.mean(),
            "median_nilai_capaian": groups.median(),
        }
    ).reset_index()
    held = set(zip(unit_history["minggu"].astype(str), unit_history["unit"], strict=True))
    fresh = [(w, u) not in held for w, u in zip(derived["minggu"], derived["unit"], strict=True)]
    return derived[fresh].reindex(columns=keys)


def trend_rows(
    riwayat: pd.DataFrame,
    organisation: str,
    units: list[str],
    *,
    unit_history: pd.DataFrame | None = None,
) -> list[list[Any]]:
    """Tren: one row per week, the organisation's mean Nilai Capaian then each unit's (``units``
    first in that order, then any other unit named). The weeks of Riwayat are computed from its
    rows; older weeks that only ``unit_history`` (Riwayat Unit) holds, from its means."""
    scores = riwayat.assign(nilai_capaian=pd.to_numeric(riwayat["nilai_capaian"], errors="coerce"))
    scores["minggu"] = scores["minggu"].astype(str)
    means = scores.pivot_table(
        index="minggu", columns="unit", values="nilai_capaian", aggfunc="mean"
    ).reindex(columns=sorted(set(scores["unit"].dropna())))
    means[organisation] = scores.groupby("minggu")["nilai_capaian"].mean()
    if unit_history is not None and len(unit_history):
        weeks = unit_history["minggu"].astype(str)
        older = unit_history[~weeks.isin(means.index)].assign(minggu=weeks)
        mean = pd.to_numeric(older["rata_rata_nilai_capaian"], errors="coerce")
        held = older.assign(mean=mean).pivot_table(index="minggu", columns="unit", values="mean")
        means = pd.concat([held, means]) if len(held) else means
    present = set(means.columns) - {organisation}
    named = [u for u in units if u in present]
    named += sorted(present - set(named))
    rows: list[list[Any]] = [[TREND_FIRST, organisation, *named]]
    for week in sorted(means.index):
        rows.append([week, *(_value(means.at[week, u]) for u in [organisation, *named])])
    return rows


def predikat_rows(units: pd.DataFrame, organisation: str) -> list[list[Any]]:
    """Grafik's table: the predikat counts of each unit that was scored."""
    scored = units[(units["unit"] != organisation) & units["jumlah_asn"].notna()]
    return [
        ["Unit", *PREDIKAT_COLUMNS],
        *(
            [row["unit"], *(_value(row[k]) for k in PREDIKAT_COLUMNS.values())]
            for _, row in scored.iterrows()
        ),
    ]
