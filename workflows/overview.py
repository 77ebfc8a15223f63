"""Who needs help and what changed: the views leadership and supervisors read (pure).

Inputs are the week's scores (``ScoreResult.people`` and ``.units``), Riwayat and the validated
Refleksi table; outputs are small DataFrames the digest and the team letters render.
"""

from __future__ import annotations

import pandas as pd

from .calendar import RunWeek
from .labels import KURANG, SANGAT_KURANG

ATTENTION_COLUMNS = [
    "unit",
    "nip",
    "nama",
    "nilai_capaian",
    "predikat",
    "minggu_tanpa_laporan",
    "alasan",
]
UNIT_CHANGE_COLUMNS = ["unit", "rata_rata_nilai_capaian", "rata_rata_sebelumnya", "perubahan"]
SUPPORT_COLUMNS = ["unit", "nip", "nama", "dukungan", "row"]
_LOW_PREDIKAT = (KURANG, SANGAT_KURANG)


def _blank(values: pd.Series) -> pd.Series:
    """True where a cell holds nothing a reader could see."""
    return values.isna() | (values.astype(str).str.strip() == "")


def attention(people: pd.DataFrame, *, lowest: int, silent_weeks: int) -> pd.DataFrame:
    """The ASN who need attention, each with the reasons why, lowest Nilai Capaian first.

    Reasons: among the ``lowest`` lowest Nilai Capaian (ties broken by name), no valid entry for
    ``silent_weeks`` weeks or more, or a predikat Kurang/Misconduct or Sangat Kurang.
    """
    ranked = people.dropna(subset=["nilai_capaian"]).sort_values(
        ["nilai_capaian", "nama"], kind="stable"
    )
    reasons = pd.DataFrame(
        {
            "lowest": people.index.isin(ranked.index[:lowest]),
            "silent": people["minggu_tanpa_laporan"] >= silent_weeks,
            "predikat": people["predikat"].isin(_LOW_PREDIKAT),
        },
        index=people.index,
    )
    picked = people[reasons.any(axis=1)].copy()
    picked["alasan"] = [
        _reasons(person, reasons.loc[index], lowest=lowest) for index, person in picked.iterrows()
    ]
    ordered = picked.sort_values(
        ["nilai_capaian", "nama"], na_position="last", kind="stable"
    ).reset_index(drop=True)
    return ordered.reindex(columns=ATTENTION_COLUMNS)


def _reasons(person: pd.Series, flags: pd.Series, *, lowest: int) -> str:
    found = []
    if flags["lowest"]:
        found.append(f"termasuk {lowest} Nilai Capaian terendah")
    if flags["silent"]:
        found.append(f"{int(person['minggu_tanpa_laporan'])} minggu tanpa laporan")
    if flags["predikat"]:
        found.append(f"predikat {person['predikat']}")
    return "; ".join(found)


def unit_changes(units: pd.DataFrame, history: pd.DataFrame, week: RunWeek) -> pd.DataFrame:
    """Each Ringkasan Unit row's mean Nilai Capaian beside last week's, from Riwayat.

    Last week's mean is over that unit's Riwayat rows of ``week.previous_key`` (NaN without
    any); the organisation row, which ``score_week`` puts last, takes all of them.
    """
    previous = _previous_rows(history, week)
    out = units[["unit", "rata_rata_nilai_capaian"]].reset_index(drop=True)
    out["rata_rata_nilai_capaian"] = pd.to_numeric(out["rata_rata_nilai_capaian"])
    before = out["unit"].map(previous.groupby("unit")["nilai_capaian"].mean()).astype(float)
    if len(out):
        before.iloc[-1] = previous["nilai_capaian"].mean()
    out["rata_rata_sebelumnya"] = before
    out["perubahan"] = out["rata_rata_nilai_capaian"] - out["rata_rata_sebelumnya"]
    return out[UNIT_CHANGE_COLUMNS]


def _previous_rows(history: pd.DataFrame, week: RunWeek) -> pd.DataFrame:
    """Riwayat rows of the week before this one, Nilai Capaian as numbers (text read back)."""
    if week.previous_key is None or history.empty:
        return pd.DataFrame({"unit": pd.Series(dtype=str), "nilai_capaian": pd.Series(dtype=float)})
    rows = history[history["minggu"].astype(str) == week.previous_key]
    return pd.DataFrame(
        {
            "unit": rows["unit"].astype(str),
            "nilai_capaian": pd.to_numeric(rows["nilai_capaian"], errors="coerce"),
        }
    )


def support_requests(refleksi: pd.DataFrame, people: pd.DataFrame, week_key: str) -> pd.DataFrame:
    """This week's reflections that ask for support, by unit then name (names from ``people``).

    Columns: ``unit, nip, nama, dukungan, row`` (``row``: the Refleksi sheet row).
    """
    if refleksi.empty:
        return pd.DataFrame(columns=SUPPORT_COLUMNS)
    asked = refleksi[
        (refleksi["minggu"].astype(str) == week_key) & ~_blank(refleksi["dukungan_yang_dibutuhkan"])
    ]
    names = people.drop_duplicates("nip").set_index("nip")["nama"]
    out = pd.DataFrame(
        {
            "unit": asked["unit"],
            "nip": asked["nip"].astype(str),
            "nama": asked["nip"].astype(str).map(names),
            "dukungan": asked["dukungan_yang_dibutuhkan"].astype(str).str.strip(),
            "row": asked["row"].astype(int),
        }
    )
    return out.sort_values(["unit", "nama", "row"], kind="stable").reset_index(drop=True)
