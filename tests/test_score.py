"""Scoring rules, each checked against numbers computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from workflows import score
from workflows.calendar import run_week
from workflows.config import Period, Scoring

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
WEEK = run_week(dt.date(2026, 11, 30), period_start=PERIOD.start, period_end=PERIOD.end)
SCORING = Scoring()
ATAS, SESUAI, BAWAH = "Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi"
NIP_A, NIP_B, NIP_C = "198609262015051001", "199001012020122002", "198512312010011003"


def capaian_of(realised, low, high=None, arah="Naik", scoring=SCORING) -> float:
    high = low if high is None else high
    return score.capaian(
        pd.Series([realised], dtype=float),
        pd.Series([low], dtype=float),
        pd.Series([high], dtype=float),
        pd.Series([arah]),
        scoring=scoring,
    ).iloc[0]


# -- capaian -------------------------------------------------------------------------------------


def test_regulation_worked_examples():
    assert capaian_of(6.5, 7, arah="Turun") == pytest.approx(107.142857, abs=1e-6)
    assert round(capaian_of(6.5, 7, arah="Turun"), 2) == 107.14
    assert capaian_of(9, 8, arah="Turun") == pytest.approx(87.5)
    assert capaian_of(70, 80, 90) == pytest.approx(87.5)


def test_naik_is_realisation_over_target():
    assert capaian_of(45, 50) == pytest.approx(90)
    assert capaian_of(50, 50) == 100


def test_range_targets_use_the_bound_on_the_realisation_side():
    assert capaian_of(85, 80, 90) == 100  # inside
    assert capaian_of(80, 80, 90) == 100
    assert capaian_of(99, 80, 90) == pytest.approx(110)  # above: 99 / 90
    # Turun mirrored: above the range is worse, judged against the upper bound
    assert capaian_of(99, 80, 90, arah="Turun") == pytest.approx(90)  # (2 - 99/90) × 100
    assert capaian_of(72, 80, 90, arah="Turun") == pytest.approx(110)  # (2 - 72/80) × 100
    assert capaian_of(85, 80, 90, arah="Turun") == 100


def test_capaian_is_clamped_to_floor_and_cap():
    assert capaian_of(200, 100) == 120
    assert capaian_of(0, 5, arah="Turun") == 120  # (2 - 0) × 100 = 200
    assert capaian_of(30, 10, arah="Turun") == 0  # (2 - 3) × 100 = -100
    assert capaian_of(200, 100, scoring=Scoring(cap=150)) == 150


def test_no_realisation_gives_zero():
    assert capaian_of(float("nan"), 10) == 0
    assert capaian_of(float("nan"), 10, arah="Turun") == 0


# -- target to date and realisation --------------------------------------------------------------


def test_jumlah_target_is_prorated_by_days_elapsed():
    targets = pd.Series([365.0, 80.0])
    agregasi = pd.Series(["Jumlah", "Rata-rata"])
    out = score.target_to_date(targets, agregasi, period=PERIOD, cut_off=dt.date(2026, 3, 1))
    assert out.tolist() == [pytest.approx(60.0), 80.0]  # 31 + 28 + 1 = 60 days of 365
    assert score.days_elapsed(PERIOD, dt.date(2025, 12, 31)) == 0
    assert score.days_elapsed(PERIOD, dt.date(2027, 2, 1)) == 365


def entries_frame(rows) -> pd.DataFrame:
    """(row, date, nip, indicator, value) tuples → a validated Realisasi table."""
    frame = pd.DataFrame(rows, columns=["row", "tanggal", "nip", "id_indikator", "realisasi"])
    frame["tanggal"] = pd.to_datetime(frame["tanggal"])
    frame["realisasi"] = frame["realisasi"].astype(float)
    frame["unit"] = "Seksi Pelayanan"
    frame["status"] = "OK"
    return frame


def test_realisation_per_aggregation_latest_date_then_lower_row_wins():
    entries = entries_frame(
        [
            (5, "2026-11-20", NIP_A, "X", 7.0),
            (2, "2026-11-20", NIP_A, "X", 9.0),
            (3, "2026-11-10", NIP_A, "X", 100.0),
            (4, "2026-11-01", NIP_A, "Y", 1.0),
        ]
    )
    agg = score.realisation(entries)
    x = agg.loc[(NIP_A, "X")]
    assert (x["sum"], x["mean"], x["latest"], x["count"]) == (116.0, pytest.approx(116 / 3), 7.0, 3)
    picked = score.pick_realisation(
        pd.Series(["Jumlah", "Rata-rata", "Terakhir"]),
        agg.loc[[(NIP_A, "X")] * 3].reset_index(drop=True),
    )
    assert picked.tolist() == [116.0, pytest.approx(116 / 3), 7.0]
    # only the chosen entries count: without row 5 (the latest, 7.0) row 2 is the latest
    chosen = score.realisation(entries, (entries["row"] != 5).to_numpy())
    x = chosen.loc[(NIP_A, "X")]
    assert (x["sum"], x["latest"], x["count"]) == (109.0, 9.0, 2)
    assert chosen.loc[(NIP_A, "Y"), "sum"] == 1.0


def test_realisation_of_interleaved_groups_skips_missing_values():
    entries = entries_frame(
        [
            (2, "2026-11-02", NIP_A, "X", 4.0),
            (3, "2026-11-02", NIP_B, "X", 10.0),
            (4, "2026-11-09", NIP_A, "X", float("nan")),  # latest date, but nothing to count
            (5, "2026-11-03", NIP_A, "X", 6.0),
            (6, "2026-11-01", NIP_B, "X", 30.0),
            (7, "2026-11-05", NIP_A, "Y", float("nan")),
        ]
    )
    agg = score.realisation(entries)
    a, b, y = agg.loc[(NIP_A, "X")], agg.loc[(NIP_B, "X")], agg.loc[(NIP_A, "Y")]
    assert (a["sum"], a["mean"], a["latest"], a["count"]) == (10.0, 5.0, 6.0, 2)
    assert (b["sum"], b["mean"], b["latest"], b["count"]) == (40.0, 20.0, 10.0, 2)
    assert (y["sum"], y["count"]) == (0.0, 0)
    assert np.isnan(y["mean"]) and np.isnan(y["latest"])


# -- Nilai Capaian, bands, ratings ---------------------------------------------------------------


def test_weights_need_not_sum_to_100():
    frame = pd.DataFrame(
        {"nip": [NIP_A, NIP_A, NIP_B], "capaian": [100.0, 60.0, 80.0], "bobot": [1.0, 3.0, 7.0]}
    )
    nc = score.weighted_score(frame, by="nip", value="capaian", weight="bobot")
    assert nc[NIP_A] == pytest.approx(70.0)  # (1×100 + 3×60) / 4
    assert nc[NIP_B] == pytest.approx(80.0)


@pytest.mark.parametrize(
    ("nc", "kategori", "rating"),
    [
        (120.0, "Sangat Baik", ATAS),
        (110.0, "Sangat Baik", ATAS),
        (109.99, "Baik", SESUAI),
        (90.0, "Baik", SESUAI),
        (89.99, "Butuh Perbaikan", BAWAH),
        (70.0, "Butuh Perbaikan", BAWAH),
        (50.0, "Kurang", BAWAH),
        (49.99, "Sangat Kurang", BAWAH),
        (0.0, "Sangat Kurang", BAWAH),
        (float("nan"), None, None),
    ],
)
def test_kategori_and_suggested_rating_bands(nc, kategori, rating):
    values = pd.Series([nc])
    assert score.kategori_capaian(values, SCORING).iloc[0] == kategori
    assert score.suggested_rating(values, SCORING).iloc[0] == rating


def test_bands_ignore_binary_noise_and_follow_config():
    nc = pd.Series([(100 + 120 + 110) / 3])  # 110 computed with rounding noise
    assert score.kategori_capaian(nc, SCORING).iloc[0] == "Sangat Baik"
    strict = Scoring(kategori={"sangat_baik": 115, "baik": 95, "butuh_perbaikan": 75, "kurang": 55})
    assert score.kategori_capaian(pd.Series([112.0]), strict).iloc[0] == "Baik"


@pytest.mark.parametrize(
    ("hasil_kerja", "perilaku", "expected"),
    [
        (ATAS, BAWAH, "Kurang/Misconduct"),
        (ATAS, SESUAI, "Baik"),
        (ATAS, ATAS, "Sangat Baik"),
        (SESUAI, BAWAH, "Kurang/Misconduct"),
        (SESUAI, SESUAI, "Baik"),
        (SESUAI, ATAS, "Baik"),
        (BAWAH, BAWAH, "Sangat Kurang"),
        (BAWAH, SESUAI, "Butuh Perbaikan"),
        (BAWAH, ATAS, "Butuh Perbaikan"),
        (ATAS, None, score.PENDING),
        (None, SESUAI, None),
    ],
)
def test_predikat_matrix(hasil_kerja, perilaku, expected):
    out = score.predikat(
        pd.Series([hasil_kerja], dtype=object), pd.Series([perilaku], dtype=object)
    )
    assert out.iloc[0] == expected


def behaviour_frame(rows) -> pd.DataFrame:
    """Dicts with periode, nip and any rating columns → a validated Perilaku table."""
    columns = [
        "periode",
        "nip",
        *score.ASPECTS,
        "rating_perilaku",
        "rating_hasil_kerja",
        "catatan_atasan",
    ]
    frame = pd.DataFrame(
        [{c: r.get(c) for c in columns} for r in rows], columns=columns, dtype=object
    )
    frame["periode_mulai"] = pd.to_datetime(
        [
            f"{p[:4]}-{(int(p[-1]) - 1) * 3 + 1:02d}-01" if "Q" in p else f"{p}-01"
            for p in frame["periode"]
        ]
    )
    frame["row"] = range(2, len(frame) + 2)
    frame["unit"] = "Seksi Pelayanan"
    return frame


def aspects(*values):
    return dict(zip(score.ASPECTS, values, strict=False))


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"rating_perilaku": BAWAH, **aspects(ATAS, ATAS, ATAS, ATAS, ATAS, ATAS, ATAS)}, BAWAH),
        (aspects(ATAS, ATAS, SESUAI, None, None, None, None), ATAS),  # 8/3 = 2.67
        (aspects(ATAS, SESUAI), ATAS),  # 2.5 reaches di_atas
        (aspects(SESUAI, BAWAH), SESUAI),  # 1.5 is not below di_bawah
        (aspects(BAWAH, BAWAH, SESUAI), BAWAH),  # 1.33
        (aspects(SESUAI, SESUAI, SESUAI, SESUAI, SESUAI, SESUAI, SESUAI), SESUAI),
        ({}, None),  # nothing rated yet: pending
    ],
)
def test_rating_perilaku(row, expected):
    frame = behaviour_frame([{"periode": "2026-11", "nip": NIP_A, **row}])
    assert score.rating_perilaku(frame, SCORING).iloc[0] == expected


def test_aspect_scores_come_from_config():
    frame = behaviour_frame([{"periode": "2026-11", "nip": NIP_A, **aspects(ATAS, BAWAH)}])
    assert score.rating_perilaku(frame, SCORING).iloc[0] == SESUAI  # (3 + 1) / 2 = 2
    heavy = Scoring(perilaku={"aspect_scores": {"di_bawah": 1, "sesuai": 2, "di_atas": 4}})
    assert score.rating_perilaku(frame, heavy).iloc[0] == ATAS  # (4 + 1) / 2 = 2.5


# -- which supervisor rating counts for a week ---------------------------------------------------


def overrides(rows, cut_off) -> dict[str, str]:
    picked = score.supervisor_rating(behaviour_frame(rows), cut_off=cut_off)
    return picked["rating_hasil_kerja"].to_dict()


def test_a_hasil_kerja_override_applies_only_inside_its_own_month_or_quarter():
    rows = [
        {"periode": "2026-01", "nip": NIP_A, "rating_hasil_kerja": ATAS},
        {"periode": "2026-Q1", "nip": NIP_B, "rating_hasil_kerja": ATAS},
        {"periode": "2026-11", "nip": NIP_C, "rating_hasil_kerja": SESUAI},
    ]
    assert overrides(rows, dt.date(2026, 1, 25)) == {NIP_A: ATAS, NIP_B: ATAS}
    assert overrides(rows, dt.date(2026, 3, 29)) == {NIP_B: ATAS}
    assert overrides(rows, dt.date(2026, 11, 29)) == {NIP_C: SESUAI}


def test_the_cut_off_decides_for_a_week_across_a_month_or_quarter_edge():
    rows = [
        {"periode": "2026-10", "nip": NIP_A, "rating_hasil_kerja": ATAS},
        {"periode": "2026-11", "nip": NIP_B, "rating_hasil_kerja": SESUAI},
        {"periode": "2026-Q3", "nip": NIP_C, "rating_hasil_kerja": ATAS},
        {"periode": "2026-Q4", "nip": NIP_C, "rating_hasil_kerja": BAWAH},
    ]
    # 2026-W44 runs Monday 26 October to Sunday 1 November: November's rating counts
    assert overrides(rows, dt.date(2026, 11, 1)) == {NIP_B: SESUAI, NIP_C: BAWAH}
    # 2026-W40 runs Monday 28 September to Sunday 4 October: the fourth quarter's counts
    assert overrides(rows, dt.date(2026, 10, 4)) == {NIP_A: ATAS, NIP_C: BAWAH}
    assert overrides(rows, dt.date(2026, 9, 27)) == {NIP_C: ATAS}


def test_a_january_override_does_not_overrule_a_computed_55_in_november():
    tables = week_tables()
    tables["behaviour"] = behaviour_frame(
        [{"periode": "2026-01", "nip": NIP_B, "rating_hasil_kerja": ATAS}]
    )
    out = score.score_week(
        **tables, week=WEEK, period=PERIOD, scoring=SCORING, organisation="Kecamatan"
    )
    budi = out.people.set_index("nip").loc[NIP_B]
    assert budi["nilai_capaian"] == pytest.approx(55.0)  # (1×110 + 1×0) / 2
    assert (budi["rating_hasil_kerja"], budi["sumber_rating_hasil_kerja"]) == (BAWAH, "Sistem")


# -- which behaviour rating counts for a week ----------------------------------------------------


def behaviour_on(rows, cut_off, scoring=SCORING) -> dict[str, tuple]:
    """NIP → (rating, period it came from, carried, latest rated period) for the week."""
    picked = score.behaviour_for_week(
        behaviour_frame(rows), period=PERIOD, cut_off=cut_off, scoring=scoring
    )
    return {
        nip: (
            None if pd.isna(r["rating_perilaku"]) else r["rating_perilaku"],
            None if pd.isna(r["periode"]) else r["periode"],
            None if pd.isna(r["carried"]) else bool(r["carried"]),
            r["last_rated"],
        )
        for nip, r in picked.iterrows()
    }


def test_a_month_rating_counts_its_month_carries_one_month_then_expires():
    rows = [{"periode": "2026-10", "nip": NIP_A, "rating_perilaku": SESUAI}]
    assert behaviour_on(rows, dt.date(2026, 9, 27)) == {}  # not begun
    assert behaviour_on(rows, dt.date(2026, 10, 25)) == {
        NIP_A: (SESUAI, "2026-10", False, "2026-10")
    }
    assert behaviour_on(rows, dt.date(2026, 11, 29)) == {
        NIP_A: (SESUAI, "2026-10", True, "2026-10")
    }
    assert behaviour_on(rows, dt.date(2026, 12, 27)) == {NIP_A: (None, None, None, "2026-10")}
    # the week of Monday 26 October to Sunday 1 November is already November's
    assert behaviour_on(rows, dt.date(2026, 11, 1))[NIP_A][2] is True
    assert behaviour_on(rows, dt.date(2026, 11, 29), Scoring(perilaku={"carry_over": 0})) == {
        NIP_A: (None, None, None, "2026-10")
    }


def test_a_quarter_rating_counts_its_quarter_carries_one_quarter_then_expires():
    rows = [{"periode": "2026-Q2", "nip": NIP_A, **aspects(ATAS, ATAS, SESUAI)}]
    assert behaviour_on(rows, dt.date(2026, 6, 28)) == {NIP_A: (ATAS, "2026-Q2", False, "2026-Q2")}
    assert behaviour_on(rows, dt.date(2026, 9, 27)) == {NIP_A: (ATAS, "2026-Q2", True, "2026-Q2")}
    # 2026-W40 (28 September to 4 October) is the fourth quarter's: expired
    assert behaviour_on(rows, dt.date(2026, 10, 4)) == {NIP_A: (None, None, None, "2026-Q2")}


def test_the_own_period_wins_then_the_later_start_then_the_lower_row():
    rows = [
        # Ani: October (carried into November) and the fourth quarter (its own) start together
        {"periode": "2026-10", "nip": NIP_A, "rating_perilaku": ATAS},
        {"periode": "2026-Q4", "nip": NIP_A, "rating_perilaku": SESUAI},
        # Budi: November and the fourth quarter both hold the cut-off; November started later
        {"periode": "2026-11", "nip": NIP_B, "rating_perilaku": BAWAH},
        {"periode": "2026-Q4", "nip": NIP_B, "rating_perilaku": ATAS},
        # Citra: a November row with no behaviour rating does not hide October's
        {"periode": "2026-10", "nip": NIP_C, "rating_perilaku": SESUAI},
        {"periode": "2026-11", "nip": NIP_C, "rating_hasil_kerja": ATAS, "catatan_atasan": "x"},
        {"periode": "2026-12", "nip": NIP_C, "rating_perilaku": ATAS},  # not begun
    ]
    assert behaviour_on(rows, WEEK.cut_off) == {
        NIP_A: (SESUAI, "2026-Q4", False, "2026-Q4"),
        NIP_B: (BAWAH, "2026-11", False, "2026-11"),
        NIP_C: (SESUAI, "2026-10", True, "2026-10"),
    }


def test_last_years_rating_never_carries_into_the_new_period():
    rows = [{"periode": "2025-12", "nip": NIP_A, "rating_perilaku": SESUAI}]
    assert behaviour_on(rows, dt.date(2026, 1, 4)) == {}


def test_the_summary_shows_where_the_behaviour_rating_came_from():
    """Ani rated for October: own period in 2026-W43, carried in 2026-W48, pending in 2026-W52."""
    tables = week_tables()
    tables["behaviour"] = behaviour_frame(
        [{"periode": "2026-10", "nip": NIP_A, "rating_perilaku": SESUAI}]
    )
    shown = [
        "rating_perilaku",
        "periode_perilaku",
        "perilaku_dibawa",
        "rating_perilaku_pending",
        "periode_perilaku_terakhir",
    ]
    seen = {}
    for monday in (dt.date(2026, 10, 26), dt.date(2026, 11, 30), dt.date(2026, 12, 28)):
        week = run_week(monday, period_start=PERIOD.start, period_end=PERIOD.end)
        out = score.score_week(
            **tables, week=week, period=PERIOD, scoring=SCORING, organisation="Kecamatan"
        )
        ani = out.people.set_index("nip").loc[NIP_A]
        seen[week.key] = [ani[c] for c in shown]
        if week.key == "2026-W52":
            assert ani["predikat"] == "Menunggu Penilaian Perilaku"
    assert seen == {
        "2026-W43": [SESUAI, "2026-10", "Tidak", False, "2026-10"],
        "2026-W48": [SESUAI, "2026-10", "Ya", False, "2026-10"],
        "2026-W52": [None, None, None, True, "2026-10"],
    }


# -- distribution curve --------------------------------------------------------------------------


def counts(sb=0, b=0, bp=0, k=0, sk=0, pending=0):
    return {
        "Sangat Baik": sb,
        "Baik": b,
        "Butuh Perbaikan": bp,
        "Kurang/Misconduct": k,
        "Sangat Kurang": sk,
        score.PENDING: pending,
    }


def test_istimewa_at_most_70_percent_sangat_baik():
    assert score.check_distribution(counts(sb=7, b=3), "Istimewa") == []
    assert score.check_distribution(counts(sb=8, b=2, pending=5), "Istimewa") == [
        "Predikat Sangat Baik 80% (8 dari 10 ASN), melebihi batas 70% untuk organisasi "
        "berpredikat Istimewa."
    ]


def test_baik_at_most_70_percent_baik_and_one_needing_improvement():
    assert score.check_distribution(counts(sb=2, b=7, k=1), "Baik") == []
    assert score.check_distribution(counts(sb=1, b=8, bp=1), "Baik") == [
        "Predikat Baik 80% (8 dari 10 ASN), melebihi batas 70% untuk organisasi berpredikat Baik."
    ]
    assert score.check_distribution(counts(sb=4, b=5), "Baik") == [
        "Predikat Butuh Perbaikan atau Kurang/Misconduct 0% (0 dari 9 ASN), padahal organisasi "
        "berpredikat Baik harus memiliki paling sedikit satu ASN."
    ]


def test_butuh_perbaikan_curve():
    assert score.check_distribution(counts(sb=1, b=3, bp=6), "Butuh Perbaikan") == []
    assert score.check_distribution(counts(sb=2, b=3, bp=4), "Butuh Perbaikan") == [
        "Predikat Butuh Perbaikan 44,4% (4 dari 9 ASN), kurang dari batas minimal 60% untuk "
        "organisasi berpredikat Butuh Perbaikan.",
        "Predikat Sangat Baik 22,2% (2 dari 9 ASN), melebihi batas 10% untuk organisasi "
        "berpredikat Butuh Perbaikan.",
    ]


def test_kurang_curve():
    assert score.check_distribution(counts(sb=1, bp=1, k=6, sk=2), "Kurang") == []
    breaches = score.check_distribution(counts(sb=2, b=2, k=6), "Kurang")
    assert breaches == [
        "Predikat Butuh Perbaikan 0% (0 dari 10 ASN), kurang dari batas minimal 10% untuk "
        "organisasi berpredikat Kurang.",
        "Predikat Sangat Baik 20% (2 dari 10 ASN), melebihi batas 10% untuk organisasi "
        "berpredikat Kurang.",
    ]
    assert len(score.check_distribution(counts(b=5, bp=1, k=4), "Kurang")) == 1  # 40% Kurang


def test_sangat_kurang_curve():
    assert score.check_distribution(counts(bp=1, k=1, sk=8), "Sangat Kurang") == []
    assert score.check_distribution(counts(sb=1, sk=9), "Sangat Kurang") == [
        "Predikat Kurang/Misconduct atau Butuh Perbaikan 0% (0 dari 10 ASN), kurang dari batas "
        "minimal 10% untuk organisasi berpredikat Sangat Kurang.",
        "Predikat Sangat Baik 10% (1 dari 10 ASN), padahal organisasi berpredikat Sangat Kurang "
        "tidak boleh memiliki predikat itu.",
    ]
    assert len(score.check_distribution(counts(b=5, k=1, sk=4), "Sangat Kurang")) == 1


def test_nothing_to_check_without_predikat():
    assert score.check_distribution(counts(pending=4), "Baik") == []


# -- a whole week, by hand -----------------------------------------------------------------------


def week_tables():
    roster = pd.DataFrame(
        {
            "nip": [NIP_A, NIP_B, NIP_C, "197001011995031004"],
            "nama": ["Ani", "Budi", "Citra", "Dedi"],
            "jabatan": ["Analis", "Pengadministrasi", "Kepala Seksi", "Pengelola"],
            "email": ["ani@x.example", "budi@x.example", "citra@x.example", "dedi@x.example"],
            "nip_atasan": [NIP_C, NIP_C, None, NIP_C],
            "status": ["Aktif", "Aktif", "Aktif", "Nonaktif"],
            "unit": ["Seksi Pelayanan", "Seksi Pelayanan", "Sekretariat", "Seksi Pelayanan"],
            "row": [2, 3, 2, 4],
        }
    )
    ind = pd.DataFrame(
        [
            # id, nip, target_low, target_high, text, arah, agregasi, bobot
            ("PLY-01", NIP_A, 365, 365, "365", "Naik", "Jumlah", 60),
            ("PLY-02", NIP_A, 3, 3, "3", "Turun", "Rata-rata", 30),
            ("PLY-03", NIP_A, 80, 90, "80-90", "Naik", "Terakhir", 10),
            ("PLY-04", NIP_B, 10, 10, "10", "Naik", "Terakhir", 1),
            ("PLY-05", NIP_B, 50, 50, "50", "Naik", "Jumlah", 1),
            ("SEK-01", NIP_C, 100, 100, "100", "Naik", "Terakhir", 5),
            ("PLY-09", "197001011995031004", 1, 1, "1", "Naik", "Jumlah", 1),
        ],
        columns=[
            "id",
            "nip",
            "target_low",
            "target_high",
            "target_text",
            "arah",
            "agregasi",
            "bobot",
        ],
    )
    ind["target"] = ind["target_low"].astype(float)
    for col in ("target_low", "target_high", "bobot"):
        ind[col] = ind[col].astype(float)
    ind["rhk"], ind["indikator"], ind["aspek"], ind["satuan"] = "RHK", "IKI", "Kuantitas", "dokumen"
    ind["wajib_bukti"] = False
    ind["unit"] = np.where(ind["id"].str.startswith("SEK"), "Sekretariat", "Seksi Pelayanan")
    ind["row"] = range(2, len(ind) + 2)
    entries = entries_frame(
        [
            (2, "2026-03-01", NIP_A, "PLY-01", 100.0),
            (3, "2026-11-24", NIP_A, "PLY-01", 233.0),
            (4, "2026-11-30", NIP_A, "PLY-01", 500.0),  # after the cut-off: next week
            (5, "2025-12-31", NIP_A, "PLY-01", 500.0),  # before the period
            (6, "2026-10-01", NIP_A, "PLY-02", 2.0),
            (7, "2026-10-08", NIP_A, "PLY-02", 4.0),
            (8, "2026-11-20", NIP_A, "PLY-03", 95.0),
            (9, "2026-11-21", NIP_A, "PLY-03", 70.0),
            (10, "2026-11-10", NIP_B, "PLY-04", 11.0),
            (11, "2026-11-25", NIP_C, "SEK-01", 100.0),
        ]
    )
    behaviour = behaviour_frame(
        [
            {
                "periode": "2026-11",
                "nip": NIP_A,
                **aspects(ATAS, ATAS, ATAS),
                "catatan_atasan": "Bagus",
            },
            {
                "periode": "2026-Q4",
                "nip": NIP_B,
                "rating_perilaku": SESUAI,
                "rating_hasil_kerja": SESUAI,
            },
        ]
    )
    history = pd.DataFrame(
        {
            "minggu": ["2026-W47", "2026-W47", "2026-W46"],
            "nip": [NIP_A, NIP_B, NIP_C],
            "nilai_capaian": [90.0, "40.5", 50.0],
        }
    )
    rejected = pd.DataFrame({"unit": ["Seksi Pelayanan"] * 3, "nip": [NIP_A, NIP_A, None]})
    return dict(
        roster=roster,
        indicators=ind,
        entries=entries,
        behaviour=behaviour,
        history=history,
        rejected=rejected,
    )


@pytest.fixture(scope="module")
def result():
    return score.score_week(
        **week_tables(),
        week=WEEK,
        period=PERIOD,
        scoring=SCORING,
        organisation="Kecamatan Asemrowo",
    )


def test_week_indicators_by_hand(result):
    ind = result.indicators.set_index("id_indikator")
    assert "PLY-09" not in ind.index  # inactive ASN are not scored
    # PLY-01: Jumlah, 333 of 365 × 333/365 days (2026-01-01 to 2026-11-29) → 100 %
    assert ind.loc["PLY-01", "target_to_date"] == pytest.approx(333.0)
    assert ind.loc["PLY-01", "realisasi"] == 333.0
    assert ind.loc["PLY-01", "capaian"] == pytest.approx(100.0)
    assert ind.loc["PLY-01", "jumlah_entri"] == 2
    # PLY-02: Turun, mean 3 of target 3 → 100; PLY-03: latest 70 below the range 80-90 → 87.5
    assert ind.loc["PLY-02", "capaian"] == pytest.approx(100.0)
    assert ind.loc["PLY-03", "realisasi"] == 70.0
    assert ind.loc["PLY-03", "capaian"] == pytest.approx(87.5)
    assert ind.loc["PLY-03", "target"] == "80-90"
    assert (ind.loc["PLY-03", "target_low"], ind.loc["PLY-03", "target_high"]) == (80.0, 90.0)
    assert bool(ind.loc["PLY-03", "below_target"]) and not bool(ind.loc["PLY-02", "below_target"])
    # PLY-05: no entry → 0, flagged
    assert math.isnan(ind.loc["PLY-05", "realisasi"])
    assert ind.loc["PLY-05", "capaian"] == 0 and ind.loc["PLY-05", "jumlah_entri"] == 0
    assert ind.loc["PLY-04", "nama"] == "Budi" and ind.loc["PLY-04", "minggu"] == "2026-W48"
    assert result.entries_scored == 8


def test_week_people_by_hand(result):
    people = result.people.set_index("nip")
    assert list(people.index) == [NIP_A, NIP_B, NIP_C]
    a, b, c = people.loc[NIP_A], people.loc[NIP_B], people.loc[NIP_C]
    # Ani: (60×100 + 30×100 + 10×87.5) / 100 = 98.75
    assert a["nilai_capaian"] == pytest.approx(98.75)
    assert (a["kategori_capaian"], a["rating_hasil_kerja"], a["sumber_rating_hasil_kerja"]) == (
        "Baik",
        SESUAI,
        "Sistem",
    )
    assert (a["rating_perilaku"], a["predikat"]) == (ATAS, "Baik")
    assert a["perubahan"] == pytest.approx(8.75) and a["nilai_capaian_sebelumnya"] == 90.0
    assert (a["indikator_di_bawah_target"], a["kelengkapan_data"], a["no_entries_indicators"]) == (
        1,
        1.0,
        0,
    )
    assert (a["melapor_minggu_ini"], a["entri_ditolak"]) == ("Ya", 2)
    assert (a["catatan_atasan"], a["periode_perilaku"], a["email"]) == (
        "Bagus",
        "2026-11",
        "ani@x.example",
    )
    assert (a["perilaku_dibawa"], a["nip_atasan"], a["nama_atasan"]) == ("Tidak", NIP_C, "Citra")
    # Budi: (1×110 + 1×0) / 2 = 55 → Kurang; the supervisor's Sesuai wins over the suggested Di Bawah
    assert b["nilai_capaian"] == pytest.approx(55.0)
    assert (b["kategori_capaian"], b["rating_hasil_kerja"], b["sumber_rating_hasil_kerja"]) == (
        "Kurang",
        SESUAI,
        "Atasan",
    )
    assert (b["rating_perilaku"], b["predikat"], b["periode_perilaku"]) == (
        SESUAI,
        "Baik",
        "2026-Q4",
    )
    assert b["perubahan"] == pytest.approx(14.5)  # Riwayat read back as text still counts
    assert (b["kelengkapan_data"], b["no_entries_indicators"], b["melapor_minggu_ini"]) == (
        0.5,
        1,
        "Tidak",
    )
    # Citra: 100, behaviour not rated → pending; no score last week (W46 only) → no change
    assert (c["rating_hasil_kerja"], c["predikat"], bool(c["rating_perilaku_pending"])) == (
        SESUAI,
        score.PENDING,
        True,
    )
    assert c["rating_perilaku"] is None
    assert (c["periode_perilaku"], c["perilaku_dibawa"], c["periode_perilaku_terakhir"]) == (
        None,
        None,
        None,
    )
    assert pd.isna(c["nama_atasan"])
    assert math.isnan(c["perubahan"]) and c["entri_ditolak"] == 0


def test_week_people_last_report_and_silent_weeks(result):
    people = result.people.set_index("nip")
    # Ani and Citra entered this week (23-29 Nov); Budi last on Tue 10 Nov (week W46), so W47
    # and W48 passed without a report
    assert list(people["terakhir_melapor"]) == [
        pd.Timestamp("2026-11-24"),
        pd.Timestamp("2026-11-10"),
        pd.Timestamp("2026-11-25"),
    ]
    assert list(people["minggu_tanpa_laporan"]) == [0, 2, 0]


@pytest.mark.parametrize(
    ("today", "pinned", "last", "silent"),
    [
        # pinned 2026: every Sunday from 4 Jan is a cut-off, 4 Jan .. 29 Nov = 48 weeks
        ("2026-11-30", True, None, 48),
        # calendar 2026: 4 Jan closes 2025's final week, so W02 .. W48 = 47 weeks
        ("2026-11-30", False, None, 47),
        ("2026-11-30", False, "2026-01-02", 46),  # 2 Jan counted in W02 (cut-off 11 Jan)
        ("2026-11-30", False, "2025-12-30", 47),  # before the period: never in it
        ("2026-11-30", False, "2026-11-22", 1),  # Sunday of W47
        # the final partial week, cut-off Thu 31 Dec: W02 .. W53 = 52 weeks
        ("2027-01-04", False, None, 52),
        ("2027-01-04", False, "2026-12-28", 0),
        ("2027-01-04", False, "2026-12-27", 1),
    ],
)
def test_silent_weeks_count_the_periods_run_weeks(today, pinned, last, silent):
    day = dt.date.fromisoformat(today)
    week = (
        run_week(day, period_start=PERIOD.start, period_end=PERIOD.end) if pinned else run_week(day)
    )
    dates = [] if last is None else [(2, last, NIP_A, "PLY-01", 1.0)]
    tables = week_tables()
    tables["entries"] = entries_frame(dates)
    out = score.score_week(
        **tables, week=week, period=week.period, scoring=SCORING, organisation="K"
    )
    ani = out.people.set_index("nip").loc[NIP_A]
    assert ani["minggu_tanpa_laporan"] == silent
    assert (pd.isna(ani["terakhir_melapor"]), ani["melapor_minggu_ini"]) == (
        last is None,
        "Ya" if silent == 0 else "Tidak",
    )


def test_week_units_by_hand(result):
    units = result.units.set_index("unit")
    assert list(units.index) == ["Seksi Pelayanan", "Sekretariat", "Kecamatan Asemrowo"]
    ply, org = units.loc["Seksi Pelayanan"], units.loc["Kecamatan Asemrowo"]
    assert (ply["jumlah_asn"], ply["baik"], ply["menunggu"], ply["entri_ditolak"]) == (2, 2, 0, 3)
    assert ply["rata_rata_nilai_capaian"] == pytest.approx((98.75 + 55) / 2)
    assert ply["persentase_melapor"] == pytest.approx(0.5)
    assert (org["jumlah_asn"], org["menunggu"], org["entri_ditolak"]) == (3, 1, 3)
    assert org["median_nilai_capaian"] == pytest.approx(98.75)
    assert org["persentase_melapor"] == pytest.approx(2 / 3)
    # Baik organisation: 100 % Baik and no one needing improvement; the units (2 and 1 ASN) are
    # below scoring.distribution_min_unit (10), so only the organisation is judged
    assert len(result.breaches) == 2
    assert result.breaches[0].startswith("Kecamatan Asemrowo: Predikat Baik 100% (2 dari 2 ASN)")
    assert result.breaches[1].startswith("Kecamatan Asemrowo: Predikat Butuh Perbaikan")
    assert org["catatan_distribusi"].startswith("Predikat Baik 100%")
    assert pd.isna(ply["catatan_distribusi"])
    assert pd.isna(units.loc["Sekretariat", "catatan_distribusi"])


def test_units_from_the_threshold_up_are_judged_on_their_own():
    out = score.score_week(
        **week_tables(),
        week=WEEK,
        period=PERIOD,
        scoring=Scoring(distribution_min_unit=2),
        organisation="Kecamatan Asemrowo",
    )
    units = out.units.set_index("unit")
    assert units.loc["Seksi Pelayanan", "catatan_distribusi"].startswith(
        "Predikat Baik 100% (2 dari 2 ASN), melebihi batas 70%"
    )
    assert pd.isna(units.loc["Sekretariat", "catatan_distribusi"])  # 1 ASN: still too few
    assert [b.split(":")[0] for b in out.breaches] == [
        "Seksi Pelayanan",
        "Seksi Pelayanan",
        "Kecamatan Asemrowo",
        "Kecamatan Asemrowo",
    ]


def test_week_columns_follow_the_contract(result):
    assert list(result.units.columns) == [
        "minggu",
        "unit",
        "jumlah_asn",
        "rata_rata_nilai_capaian",
        "median_nilai_capaian",
        "sangat_baik",
        "baik",
        "butuh_perbaikan",
        "kurang_misconduct",
        "sangat_kurang",
        "menunggu",
        "persentase_melapor",
        "entri_ditolak",
        "catatan_distribusi",
        "keterangan",
    ]
    assert list(result.people.columns) == [
        # Ringkasan Pegawai, in the order of the tab
        "minggu",
        "nip",
        "nama",
        "unit",
        "jabatan",
        "nilai_capaian",
        "kategori_capaian",
        "rating_hasil_kerja",
        "sumber_rating_hasil_kerja",
        "rating_perilaku",
        "predikat",
        "periode_perilaku",
        "perilaku_dibawa",
        "perubahan",
        "indikator_di_bawah_target",
        "kelengkapan_data",
        "melapor_minggu_ini",
        "entri_ditolak",
        # for the letters
        "email",
        "nip_atasan",
        "nama_atasan",
        "nilai_capaian_sebelumnya",
        "rating_perilaku_pending",
        "periode_perilaku_terakhir",
        "catatan_atasan",
        "no_entries_indicators",
        "terakhir_melapor",
        "minggu_tanpa_laporan",
    ]
    assert list(result.indicators.columns) == [
        "minggu",
        "nip",
        "nama",
        "unit",
        "id_indikator",
        "indikator",
        "aspek",
        "satuan",
        "arah",
        "agregasi",
        "bobot",
        "target",
        "target_to_date",
        "realisasi",
        "capaian",
        "jumlah_entri",
        "sumber",
        "rincian_sumber",
        "target_low",
        "target_high",
        "below_target",
    ]


def test_the_target_line_comes_from_config():
    strict = Scoring(target_met=87.5)
    out = score.score_week(
        **week_tables(), week=WEEK, period=PERIOD, scoring=strict, organisation="Kecamatan"
    )
    ind = out.indicators.set_index("id_indikator")
    assert not bool(ind.loc["PLY-03", "below_target"])  # 87.5 reaches 87.5
    assert bool(ind.loc["PLY-05", "below_target"])  # 0
    assert out.people.set_index("nip").loc[NIP_A, "indikator_di_bawah_target"] == 0


def test_empty_history_and_no_rejections():
    tables = week_tables()
    tables["history"] = pd.DataFrame()
    tables["rejected"] = pd.DataFrame({"unit": [], "nip": []}, dtype=object)
    out = score.score_week(
        **tables, week=WEEK, period=PERIOD, scoring=SCORING, organisation="Kecamatan"
    )
    assert out.people["perubahan"].isna().all()
    assert out.units["entri_ditolak"].tolist() == [0, 0, 0]


def test_a_week_with_no_data_scores_nobody():
    from workflows.validate import combine

    tables = combine([])  # every unit failed validation
    out = score.score_week(
        roster=tables["pegawai"],
        indicators=tables["indikator"],
        entries=tables["realisasi"],
        behaviour=tables["perilaku"],
        history=pd.DataFrame(),
        rejected=tables["rejected"],
        week=WEEK,
        period=PERIOD,
        scoring=SCORING,
        organisation="Kecamatan",
    )
    assert out.people.empty and out.indicators.empty and out.breaches == []
    assert out.units[["unit", "jumlah_asn", "entri_ditolak"]].values.tolist() == [
        ["Kecamatan", 0, 0]
    ]


@pytest.mark.parametrize(
    ("perilaku", "expected"),
    [
        (
            {"aspect_scores": {"di_bawah": 2, "sesuai": 2, "di_atas": 3}},
            "aspect_scores harus naik: di_bawah < sesuai < di_atas",
        ),
        (
            {"di_atas": 3.5},
            "batas perilaku harus berurutan: aspect_scores.di_bawah < di_bawah < di_atas "
            "<= aspect_scores.di_atas",
        ),
        (
            {"carry_over": -1},
            "kunci 'scoring.perilaku.carry_over' bernilai -1: harus paling sedikit 0",
        ),
    ],
)
def test_behaviour_numbers_are_validated(tmp_path, perilaku, expected):
    from workflows.config import ConfigError, parse_config

    data = {
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "units": [{"name": "A", "workbook": "a.xlsx"}],
        "summary": {"workbook": "s.xlsx"},
        "scoring": {"perilaku": perilaku},
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(data, base_dir=tmp_path)
    assert expected in str(caught.value)
