"""overview.py on small literal frames: who needs attention, unit changes, support requests."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from workflows import overview
from workflows.calendar import run_week

WEEK = run_week(dt.date(2026, 11, 30))  # 2026-W48, the week before is 2026-W47


def people_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": ["A", "A", "B", "B", "B", "A"],
            "nip": ["1", "2", "3", "4", "5", "6"],
            "nama": ["Eko", "Dina", "Fajar", "Ani", "Gita", "Hadi"],
            "nilai_capaian": [40.0, 95.0, 40.0, 110.0, float("nan"), 99.0],
            "predikat": ["Baik", "Baik", "Butuh Perbaikan", "Sangat Kurang", None, "Baik"],
            "minggu_tanpa_laporan": [0, 0, 1, 0, 3, 2],
        }
    )


def test_attention_names_the_lowest_the_silent_and_the_low_predikat():
    out = overview.attention(people_frame(), lowest=2, silent_weeks=2)
    assert list(out.columns) == [
        "unit",
        "nip",
        "nama",
        "nilai_capaian",
        "predikat",
        "minggu_tanpa_laporan",
        "alasan",
    ]
    # Eko and Fajar share the lowest 40 (by name), Hadi is silent for 2 weeks, Ani is Sangat
    # Kurang, Gita has no Nilai Capaian (last) and 3 silent weeks; Dina is fine
    assert list(out["nama"]) == ["Eko", "Fajar", "Hadi", "Ani", "Gita"]
    assert list(out["alasan"]) == [
        "termasuk 2 Nilai Capaian terendah",
        "termasuk 2 Nilai Capaian terendah",
        "2 minggu tanpa laporan",
        "predikat Sangat Kurang",
        "3 minggu tanpa laporan",
    ]
    assert list(out["unit"]) == ["A", "B", "A", "B", "B"]


def test_attention_joins_several_reasons_and_can_name_no_lowest():
    people = people_frame()
    people.loc[0, ["predikat", "minggu_tanpa_laporan"]] = ["Kurang/Misconduct", 4]
    out = overview.attention(people, lowest=1, silent_weeks=3)
    assert list(out["nama"]) == ["Eko", "Ani", "Gita"]
    assert out.loc[0, "alasan"] == (
        "termasuk 1 Nilai Capaian terendah; 4 minggu tanpa laporan; predikat Kurang/Misconduct"
    )
    none_lowest = overview.attention(people, lowest=0, silent_weeks=5)
    assert list(none_lowest["nama"]) == ["Eko", "Ani"]


def test_unit_changes_compare_with_last_weeks_riwayat():
    units = pd.DataFrame(
        {
            "unit": ["A", "B", "C", "Kecamatan"],
            "rata_rata_nilai_capaian": [80.0, 60.0, 70.0, 72.5],
            "jumlah_asn": [2, 1, 1, 4],
        }
    )
    history = pd.DataFrame(
        {
            "minggu": ["2026-W47", "2026-W47", "2026-W47", "2026-W46", "2026-W48"],
            "nip": ["1", "2", "3", "1", "1"],
            "unit": ["A", "A", "B", "B", "C"],
            "nilai_capaian": ["70", 90.0, 50.0, 10.0, 99.0],  # text read back from a sheet counts
        }
    )
    out = overview.unit_changes(units, history, WEEK)
    assert list(out.columns) == [
        "unit",
        "rata_rata_nilai_capaian",
        "rata_rata_sebelumnya",
        "perubahan",
    ]
    assert list(out["unit"]) == ["A", "B", "C", "Kecamatan"]
    # A: (70 + 90) / 2 = 80 → 0; B: 50 → +10; C: no W47 row; organisation: (70+90+50)/3 = 70
    assert out["rata_rata_sebelumnya"].tolist()[:2] == [80.0, 50.0]
    assert math.isnan(out.loc[2, "rata_rata_sebelumnya"]) and math.isnan(out.loc[2, "perubahan"])
    assert out.loc[3, "rata_rata_sebelumnya"] == 70.0
    assert out["perubahan"].tolist()[:2] == [0.0, 10.0]
    assert out.loc[3, "perubahan"] == 2.5


def test_unit_changes_without_last_week():
    units = pd.DataFrame({"unit": ["A", "Kecamatan"], "rata_rata_nilai_capaian": [80.0, 80.0]})
    first_week = run_week(dt.date(2026, 1, 12))  # 2026-W02: the period's first week
    assert first_week.previous_key is None
    out = overview.unit_changes(units, pd.DataFrame(), first_week)
    assert out["rata_rata_sebelumnya"].isna().all() and out["perubahan"].isna().all()


def test_support_requests_of_this_week_by_unit_then_name():
    refleksi = pd.DataFrame(
        {
            "unit": ["B", "A", "A", "A", "A"],
            "row": [2, 2, 3, 4, 5],
            "minggu": ["2026-W48", "2026-W48", "2026-W47", "2026-W48", "2026-W48"],
            "nip": ["3", "6", "2", "2", "1"],
            "dukungan_yang_dibutuhkan": [
                "Pelatihan aplikasi",
                " Printer baru ",
                "Minggu lalu",
                "  ",
                None,
            ],
        }
    )
    out = overview.support_requests(refleksi, people_frame(), "2026-W48")
    assert out.to_dict("records") == [
        {"unit": "A", "nip": "6", "nama": "Hadi", "dukungan": "Printer baru", "row": 2},
        {"unit": "B", "nip": "3", "nama": "Fajar", "dukungan": "Pelatihan aplikasi", "row": 2},
    ]
    empty = overview.support_requests(refleksi.iloc[:0], people_frame(), "2026-W48")
    assert list(empty.columns) == ["unit", "nip", "nama", "dukungan", "row"] and empty.empty
