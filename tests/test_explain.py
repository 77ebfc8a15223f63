"""Every score explained: ``explain NIP`` recomputes to the summary; the letter says why."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
import time_machine

from tests.conftest import DEMO_DATE
from tests.test_letters import HEAD, indicators, people
from tests.test_score import behaviour_frame, entries_frame
from tests.test_weekly import summary_tab
from workflows import cli, explain, score
from workflows.calendar import run_week, run_week_for
from workflows.check import run_validation
from workflows.config import Period, Scoring
from workflows.context import entry_period
from workflows.letters import Link, predikat_reason, render_weekly_letters, weekly_pace

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
MARCH = run_week(dt.date(2026, 3, 2), period_start=PERIOD.start, period_end=PERIOD.end)
NOVEMBER = run_week(dt.date(2026, 11, 30), period_start=PERIOD.start, period_end=PERIOD.end)
ANI, BUDI, CITRA = "198609262015052001", "197501012000031002", "198512312010011003"
ATAS, SESUAI, BAWAH = "Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi"


@pytest.fixture(autouse=True)
def demo_clock():
    """08:00 WIB on the demo's Monday: what validation judges "today" by."""
    with time_machine.travel(dt.datetime.fromisoformat(f"{DEMO_DATE}T08:00:00+07:00"), tick=True):
        yield


# -- a week by hand --------------------------------------------------------------------------------


def march_tables() -> dict[str, pd.DataFrame]:
    """Two ASN scored for the week ending Sunday 1 March 2026: 60 of 365 days elapsed."""
    roster = pd.DataFrame(
        {
            "nip": [ANI, BUDI, CITRA],
            "nama": ["Ani Rahayu", "Budi Santoso", "Citra Lestari"],
            "jabatan": ["Analis Layanan", "Pengadministrasi", "Pengelola"],
            "email": ["ani@x.example", "budi@x.example", "citra@x.example"],
            "nip_atasan": [None, None, None],
            "status": ["Aktif"] * 3,
            "unit": ["Seksi Pelayanan"] * 3,
            "row": [2, 3, 4],
        }
    )
    ind = pd.DataFrame(
        [
            ("PLY-01", ANI, 365.0, "dokumen", "Naik", "Jumlah", 2.0),
            ("PLY-02", ANI, 80.0, "%", "Naik", "Rata-rata", 1.0),
            ("PLY-03", BUDI, 365.0, "pengaduan", "Turun", "Jumlah", 1.0),
            ("PLY-04", CITRA, 10.0, "orang", "Naik", "Terakhir", 1.0),
        ],
        columns=["id", "nip", "target_low", "satuan", "arah", "agregasi", "bobot"],
    )
    ind["target_high"], ind["target"] = ind["target_low"], ind["target_low"]
    ind["target_text"] = ind["target_low"].map(lambda v: f"{v:g}")
    ind["rhk"], ind["indikator"], ind["aspek"], ind["wajib_bukti"] = (
        "RHK",
        "IKI",
        "Kuantitas",
        False,
    )
    ind["unit"], ind["row"] = "Seksi Pelayanan", range(2, 6)
    entries = entries_frame(
        [
            (2, "2026-01-10", ANI, "PLY-01", 50.0),
            (3, "2026-02-20", ANI, "PLY-01", 40.0),
            (4, "2026-03-05", ANI, "PLY-01", 99.0),  # after the cut-off
            (5, "2026-01-15", ANI, "PLY-02", 70.0),
            (6, "2026-02-15", ANI, "PLY-02", 90.0),
            (7, "2026-02-28", ANI, "PLY-02", 74.0),
            (8, "2026-02-01", BUDI, "PLY-03", 150.0),
            (9, "2026-02-10", CITRA, "PLY-04", 8.0),
            (10, "2026-02-10", CITRA, "PLY-04", 12.0),  # the same day, further down: it counts
            (11, "2026-01-05", CITRA, "PLY-04", 20.0),
        ]
    )
    behaviour = behaviour_frame(
        [
            {"periode": "2026-02", "nip": ANI, "rating_perilaku": SESUAI},
            {
                "periode": "2026-03",
                "nip": BUDI,
                "rating_hasil_kerja": BAWAH,
                **dict(zip(score.ASPECTS, (ATAS, ATAS), strict=False)),
            },
        ]
    )
    return {"pegawai": roster, "indikator": ind, "realisasi": entries, "perilaku": behaviour}


def explained(nip: str) -> explain.Explanation:
    tables = march_tables()
    result = score.score_week(
        roster=tables["pegawai"],
        indicators=tables["indikator"],
        entries=tables["realisasi"],
        behaviour=tables["perilaku"],
        history=pd.DataFrame(),
        rejected=pd.DataFrame(columns=["unit", "nip"]),
        week=MARCH,
        period=PERIOD,
        scoring=Scoring(),
        organisation="Kecamatan",
    )
    return explain.explain(nip, tables=tables, result=result, week=MARCH, scoring=Scoring())


def test_a_hand_checked_explanation_rows_aggregate_target_to_date_capaian_and_cap():
    ani = explained("19860926 201505 2 001")  # typed with spaces
    jumlah, rata = ani.indicators
    assert [(e.row, e.tanggal, e.realisasi) for e in jumlah.entries] == [
        (2, dt.date(2026, 1, 10), 50.0),
        (3, dt.date(2026, 2, 20), 40.0),
    ]  # row 4 is dated after the cut-off
    assert jumlah.realisasi == 90.0  # 50 + 40
    assert (ani.days_elapsed, ani.period_days) == (60, 365)
    assert jumlah.share == pytest.approx(60 / 365)
    assert jumlah.target_period_low == 365.0 and jumlah.target_low == pytest.approx(60.0)
    assert jumlah.capaian_before_limit == pytest.approx(150.0)  # 90 / 60 × 100
    assert (jumlah.capaian, jumlah.limit) == (120.0, "cap")
    assert (
        jumlah.formula == "90 ÷ 60,00 × 100 = 150,00, dibatasi menjadi 120,00 (batas atas capaian)"
    )
    assert [e.row for e in rata.entries] == [5, 6, 7]
    assert rata.realisasi == pytest.approx(78.0)  # (70 + 90 + 74) / 3
    assert (rata.share, rata.target_low, rata.limit) == (1.0, 80.0, None)
    assert rata.capaian == pytest.approx(97.5)  # 78 / 80 × 100
    assert ani.weight_total == 3.0
    assert ani.nilai_capaian == pytest.approx(112.5)  # (2 × 120 + 1 × 97,5) / 3
    assert ani.kategori_capaian == "Sangat Baik"
    assert (ani.hasil_kerja.rating, ani.hasil_kerja.row) == (ATAS, None)
    assert ani.hasil_kerja.source == "dihitung sistem dari Nilai Capaian"
    assert (ani.perilaku.rating, ani.perilaku.periode, ani.perilaku.row) == (SESUAI, "2026-02", 2)
    assert ani.perilaku_carried and not ani.perilaku_pending
    assert ani.perilaku.source == (
        "Rating Perilaku berasal dari penilaian atasan untuk Februari 2026, dibawa ke minggu ini "
        "karena penilaian Maret 2026 belum diisi. Baris 2 tab Perilaku: rating keseluruhan yang "
        "diisi atasan."
    )
    assert ani.predikat == "Baik"  # Di Atas × Sesuai
    text = explain.render_text(ani, Scoring())
    assert "   - baris 2, 10 Januari 2026: 50\n   - baris 3, 20 Februari 2026: 40\n" in text
    assert "Realisasi (Jumlah): jumlah 2 entri = 90." in text
    assert "target periode × 60/365 hari (16,44% periode) = 60,00." in text
    assert "Batas atas capaian 120 berlaku: capaian sebelum dibatasi 150,00." in text
    assert "Rata-rata berbobot: (2 × 120,00 + 1 × 97,50) ÷ 3 = 112,50." in text
    assert "Predikat Baik karena Rating Hasil Kerja Di Atas Ekspektasi dan Rating Perilaku" in text


def test_the_supervisors_rating_its_period_the_floor_and_aspects():
    budi = explained(BUDI)
    (turun,) = budi.indicators
    assert turun.target_low == pytest.approx(60.0)
    assert turun.capaian_before_limit == pytest.approx(-50.0)  # (2 − 150 / 60) × 100
    assert (turun.capaian, turun.limit) == (0.0, "floor")
    assert (
        turun.formula
        == "(2 − 150 ÷ 60,00) × 100 = -50,00, dibatasi menjadi 0,00 (batas bawah capaian)"
    )
    assert (budi.hasil_kerja.rating, budi.hasil_kerja.periode, budi.hasil_kerja.row) == (
        BAWAH,
        "2026-03",
        3,
    )
    assert budi.hasil_kerja.source == "ditetapkan atasan di tab Perilaku untuk Maret 2026 (baris 3)"
    assert budi.perilaku.rating == ATAS and not budi.perilaku_carried
    assert budi.perilaku.source.endswith("Baris 3 tab Perilaku: rata-rata aspek BerAKHLAK.")
    assert budi.predikat_reason == (
        "Predikat Butuh Perbaikan karena Rating Hasil Kerja Di Bawah Ekspektasi dan Rating "
        "Perilaku Di Atas Ekspektasi (matriks PermenPANRB 6/2022)."
    )


def test_the_latest_entry_and_a_pending_behaviour_rating():
    citra = explained(CITRA)
    (terakhir,) = citra.indicators
    assert [e.row for e in terakhir.entries] == [11, 9, 10]  # date order, then sheet row
    assert (terakhir.realisasi, terakhir.capaian, terakhir.limit) == (12.0, 120.0, None)
    assert citra.perilaku_pending and citra.predikat == score.PENDING
    assert citra.perilaku.source == "belum ada penilaian perilaku pada periode penilaian ini."
    text = explain.render_text(citra, Scoring())
    assert "Realisasi (Terakhir): entri terakhir, baris 10 tanggal 10 Februari 2026 = 12." in text
    assert "Target periode 10 orang berlaku penuh setiap minggu (agregasi Terakhir" in text
    assert "Rating Perilaku: menunggu penilaian atasan; belum ada penilaian perilaku" in text


def test_an_unknown_nip_is_one_sentence():
    with pytest.raises(explain.UnknownNip, match=r"^NIP 199901012020011001 tidak ada di tab"):
        explained("199901012020011001")


# -- the demo: every ASN recomputes to the published summary ------------------------------------


def _recomputed_capaian(ind: dict) -> float:
    """The capaian from the explanation's own rows, by the formulas of domain.md (cap 120)."""
    values = [e["realisasi"] for e in ind["entries"]]
    if ind["rincian_sumber"]:  # computed from the unit's records (tests/test_outcomes.py)
        assert values == [] and ind["sumber"] != "Isian"
        real = ind["realisasi"]
    elif not values:
        return 0.0
    else:
        aggregate = {"Jumlah": sum(values), "Rata-rata": sum(values) / len(values)}
        real = aggregate.get(ind["agregasi"], values[-1])
        assert real == pytest.approx(ind["realisasi"], abs=1e-9)
    low = ind["target_period_low"] * ind["share"]
    high = ind["target_period_high"] * ind["share"]
    assert (low, high) == (pytest.approx(ind["target_low"]), pytest.approx(ind["target_high"]))
    if low <= real <= high:
        return 100.0
    bound = low if real < low else high
    raw = real / bound * 100 if ind["arah"] == "Naik" else (2 - real / bound) * 100
    return min(max(raw, 0.0), 120.0)


def test_explain_recomputes_every_demo_asn_to_the_published_summary(demo_config, capsys):
    config_file = str(demo_config.base_dir / "config.yaml")
    assert cli.main(["weekly", "--config", config_file, "--date", DEMO_DATE]) == 0
    published = summary_tab(demo_config, "ringkasan_pegawai")
    assert len(published) == 49
    day = dt.date.fromisoformat(DEMO_DATE)
    week = run_week_for(demo_config, day)
    validation = run_validation(
        demo_config, week, today=day, entry_period=entry_period(demo_config, day), write_back=False
    )
    from workflows.publish import score_validation

    result = score_validation(demo_config, week, validation, pd.DataFrame(), today=day)
    for nip, nc in zip(published["nip"], published["nilai_capaian"], strict=True):
        found = explain.explain(
            str(nip),
            tables=validation.tables,
            result=result,
            week=week,
            scoring=demo_config.scoring,
        ).to_dict()
        inds = found["indicators"]
        for ind in inds:
            assert _recomputed_capaian(ind) == pytest.approx(ind["capaian"], abs=1e-9), ind
        weighted = sum(i["bobot"] * i["capaian"] for i in inds) / sum(i["bobot"] for i in inds)
        assert weighted == pytest.approx(float(nc), abs=1e-9), nip
        assert found["nilai_capaian"] == pytest.approx(float(nc), abs=1e-9)
    capsys.readouterr()

    # the command itself: the same numbers as JSON, the text with the published value
    balapati = published["nama"] == "Balapati Megantara, S.E., M.M."  # Seksi Pemerintahan
    nip = str(published.loc[balapati, "nip"].iloc[0])
    assert cli.main(["explain", nip, "--json", "--config", config_file, "--date", DEMO_DATE]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["nama"] == "Balapati Megantara, S.E., M.M."
    assert printed["nilai_capaian"] == pytest.approx(102.515203, abs=1e-6)
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert cli.main(["explain", *spaced.split(), "--config", config_file]) == 0
    text = capsys.readouterr().out
    assert "(30 × 101,62 + 30 × 100,84 + 40 × 104,44) ÷ 100 = 102,52." in text
    assert "Realisasi (Jumlah): jumlah 54 entri = 445." in text


def test_explain_an_unknown_nip_exits_2_with_one_sentence(demo_config, capsys):
    config_file = str(demo_config.base_dir / "config.yaml")
    status = cli.main(["explain", "199901012020011001", "--config", config_file])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "NIP 199901012020011001 tidak ada di tab Pegawai unit mana pun; periksa NIP-nya (18 angka)."
    ]


# -- the letter ------------------------------------------------------------------------------------


def test_the_predikat_sentence_names_the_matrix_cell():
    pair = {"rating_hasil_kerja": SESUAI, "rating_perilaku": SESUAI, "predikat": "Baik"}
    assert predikat_reason(pair) == (
        "Predikat Baik karena Rating Hasil Kerja Sesuai Ekspektasi dan Rating Perilaku Sesuai "
        "Ekspektasi (matriks PermenPANRB 6/2022)."
    )
    pending = {"rating_hasil_kerja": BAWAH, "rating_perilaku": None, "predikat": score.PENDING}
    assert predikat_reason(pending) == (
        "Predikat belum dapat ditetapkan: Rating Hasil Kerja Di Bawah Ekspektasi, sedangkan "
        "Rating Perilaku masih menunggu penilaian atasan."
    )


def _jumlah(real: float | None, satuan: str = "dokumen", arah: str = "Naik", **extra) -> dict:
    """A 150-per-year indicator on 29 November 2026: 333 of 365 days elapsed, 32 days left."""
    to_date = 150 * 333 / 365
    return {
        "agregasi": "Jumlah",
        "arah": arah,
        "satuan": satuan,
        "target": "150",
        "target_low": to_date,
        "target_high": to_date,
        "realisasi": real,
        **extra,
    }


COUNTABLE = ("dokumen", "pengaduan")


def test_the_weekly_pace_in_whole_pieces_for_countable_units():
    # 150 − 132 = 18 left over 32 days = 32/7 weeks: 18 × 7 / 32 = 3,94 → about 4 a week
    assert weekly_pace(_jumlah(132.0), NOVEMBER, COUNTABLE) == (
        "Untuk mencapai target periode 150 dokumen sampai 31 Desember 2026, perlu sekitar "
        "4 dokumen per minggu."
    )
    # a Satuan not counted in pieces: one decimal, 3,9375 → 3,9
    assert weekly_pace(_jumlah(132.0, "jam"), NOVEMBER, COUNTABLE) == (
        "Untuk mencapai target periode 150 jam sampai 31 Desember 2026, perlu sekitar "
        "3,9 jam per minggu."
    )
    assert weekly_pace(_jumlah(150.0), NOVEMBER, COUNTABLE) == (
        "Target periode 150 dokumen sudah tercapai."
    )
    # lower is better: (150 − 100) × 7 / 32 = 10,94 → at most 10 a week
    assert weekly_pace(_jumlah(100.0, "pengaduan", "Turun"), NOVEMBER, COUNTABLE) == (
        "Agar tetap dalam target periode 150 pengaduan sampai 31 Desember 2026, paling banyak "
        "sekitar 10 pengaduan per minggu."
    )
    assert weekly_pace(_jumlah(None), NOVEMBER, COUNTABLE).endswith(
        "sekitar 33 dokumen per minggu."
    )
    averaged = {**_jumlah(70.0, "%"), "agregasi": "Rata-rata", "target_low": 150.0}
    assert weekly_pace(averaged, NOVEMBER, COUNTABLE) == ""  # its target holds every week


def _letters(reported: str, **person: object) -> dict:
    """The letters of ``test_letters``; PLY-01's targets to date as scoring writes them: 500 a
    year, 60 of 365 days elapsed by Sunday 1 March."""
    inds = indicators().astype({"target_low": float, "target_high": float})
    ply01 = inds["id_indikator"] == "PLY-01"
    inds.loc[ply01, ["target_low", "target_high", "target_to_date"]] = 500 * 60 / 365
    frame = people().assign(melapor_minggu_ini=reported, **person)
    rendered = render_weekly_letters(
        frame, inds, None, None, None, letterhead=HEAD, links={"Seksi Pelayanan": Link("x")}
    )
    return {letter.key: letter for letter in rendered}


def test_no_valid_entry_this_week_is_said_at_the_top_not_thanked():
    silent = _letters("Tidak")[ANI]
    for body in (silent.text, silent.html):
        assert "Terima kasih atas kerja" not in body
        assert "Belum ada entri realisasi yang sah dari Ibu untuk minggu 2026-W09" in body
    opening = silent.text.split("\n\n")[1]
    assert opening.startswith("Belum ada entri realisasi yang sah")
    assert "Terima kasih atas kerja" in _letters("Ya")[ANI].text


def test_the_letter_explains_the_predikat_and_shows_the_period_target_and_pace():
    ani = _letters("Ya", periode_perilaku="2026-Q1", perilaku_dibawa="Tidak")[ANI]
    for body in (ani.text, ani.html):
        assert (
            "Predikat Baik karena Rating Hasil Kerja Sesuai Ekspektasi dan Rating Perilaku Sesuai "
            "Ekspektasi (matriks PermenPANRB 6/2022). Rating Perilaku berasal dari penilaian "
            "atasan untuk Triwulan I 2026."
        ) in body
    # a carried rating: the line of the rating says so already, once
    carried = _letters("Ya")[ANI].text
    assert (
        "Rating Perilaku: Sesuai Ekspektasi (penilaian Februari 2026 dipakai sementara; "
        "penilaian Maret 2026 belum diisi)\nPredikat: Baik\nPredikat Baik karena"
    ) in carried
    assert "Rating Perilaku berasal dari" not in carried
    # PLY-01: 90 of 500 done, 410 left over 305 days = 43,57 weeks: 9,41 → about 10 a week
    assert "(target periode 500 dokumen)" in ani.text
    assert "perlu sekitar 10 dokumen per minggu" in ani.text
