"""Outcomes measured at the source: IKM from survey answers, service speed from the register.

Every expected number below was worked out by hand from the small tables in each test.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pandas as pd
import pytest
import time_machine
from test_letters import ani_alone, indicators
from test_validate_corpus import PERIOD, A, clean_unit, rows, validate

from tests.conftest import DEMO_DATE
from workflows import cli, outcomes
from workflows.config import Outcomes
from workflows.local import LocalWorkbook
from workflows.schema import tab as schema_tab
from workflows.workbook import RangeUpdate

CUTI_BERSAMA = dt.date(2026, 8, 18)  # configured; 17 August 2026 (a Monday) is national
SETTINGS = Outcomes(min_responses=30, extra_holidays=(CUTI_BERSAMA,))


def with_sources(raw: dict, *sources: str) -> dict:
    """The clean unit with its three indicators' Sumber set to ``sources`` (in order)."""
    sumber = raw["Indikator"][0].index("Sumber")
    for row, text in zip(raw["Indikator"][1:], sources, strict=True):
        row[sumber] = text
    return raw


SURVEY = [
    # Tanggal, Layanan, U1 … U9: numbers, option texts (any case and spacing), an empty answer
    ["10/11/2026", "KTP", 4, 4, 4, "Gratis", 4, 4, 4, 4, 4],
    ["11/11/2026", "KTP", "sesuai", "Kurang Mudah", 3, "Murah", 3, "kompeten",
     "Sopan dan ramah", "Berfungsi kurang maksimal", "Baik"],
    ["12/11/2026", "Domisili", 2, "", "  sangat   CEPAT ", 2, 4, 4, 4, 4, 2],
]  # fmt: skip


def realised(data, cut_off: dt.date, settings: Outcomes = SETTINGS) -> pd.DataFrame:
    """The computed realisations of a validated unit, from the period start to ``cut_off``."""
    return outcomes.computed_realisations(
        data.tables["indikator"],
        data.tables["survei"],
        data.tables["layanan"],
        start=PERIOD.start,
        cut_off=cut_off,
        settings=settings,
    )


def survey_tab(*answers: list) -> list[list]:
    return [["Tanggal", "Layanan", *(f"U{i}" for i in range(1, 10))], *answers]


def test_ikm_from_answers_with_option_texts_and_an_empty_answer():
    raw = with_sources(clean_unit(), "Isian", "Survei: IKM", "")
    raw["Survei"] = survey_tab(*SURVEY)
    data = validate(raw)
    assert data.findings == []
    # Element means: U1 (4+3+2)/3 = 3, U2 (4+2)/2 = 3 (the empty answer left out), U3 11/3,
    # U4 (4+3+2)/3 = 3, U5-U8 11/3, U9 (4+3+2)/3 = 3; mean (4 × 3 + 5 × 11/3) / 9 = 91/27;
    # × 25 = 2275/27 = 84.259259 → B.
    found = realised(data, dt.date(2026, 11, 29))
    assert list(found.index) == [(A, "PLY-02")]
    row = found.iloc[0]
    assert row["realisasi"] == pytest.approx(84.259259)
    assert row["jumlah_entri"] == 3 and row["sumber"] == "Survei: IKM"
    assert row["rincian_sumber"] == (
        "IKM 84,26 dari 3 jawaban (kurang dari 30 jawaban yang dianjurkan; nilai tetap dipakai); "
        "U1 3,00, U2 3,00, U3 3,67, U4 3,00, U5 3,67, U6 3,67, U7 3,67, U8 3,67, U9 3,00; "
        "mutu B (Baik)"
    )


def test_ikm_of_one_service_and_up_to_the_cut_off():
    raw = with_sources(clean_unit(), "", "survei : ikm | ktp", "")
    raw["Survei"] = survey_tab(*SURVEY)
    data = validate(raw)
    found = realised(data, dt.date(2026, 11, 10), settings=Outcomes(min_responses=1))
    # Only the first response (KTP, 10 November): all 4 → 100.
    assert found.iloc[0]["realisasi"] == 100.0
    assert found.iloc[0]["rincian_sumber"].startswith("ktp: IKM 100,00 dari 1 jawaban; U1 4,00")


@pytest.mark.parametrize(
    ("index", "grade"),
    [
        (100, ("A", "Sangat Baik")),
        (88.31, ("A", "Sangat Baik")),
        (88.30, ("B", "Baik")),
        (88.3049, ("B", "Baik")),  # 88,30 once rounded to two decimals
        (76.61, ("B", "Baik")),
        (76.6051, ("B", "Baik")),  # 76,61 once rounded
        (76.60, ("C", "Kurang Baik")),
        (65.00, ("C", "Kurang Baik")),
        (64.99, ("D", "Tidak Baik")),
        (25, ("D", "Tidak Baik")),
    ],
)
def test_ikm_grade_at_each_boundary(index, grade):
    assert outcomes.ikm_grade(index) == grade


def test_working_days_skip_weekends_national_holidays_and_cuti_bersama():
    holiday = outcomes.holiday_list(dt.date(2026, 8, 1), dt.date(2026, 8, 31), [CUTI_BERSAMA])
    national = outcomes.holiday_list(dt.date(2026, 8, 1), dt.date(2026, 8, 31))
    received = pd.to_datetime(pd.Series(["2026-08-14", "2026-08-14", "2026-08-21", "2026-08-22"]))
    completed = pd.to_datetime(pd.Series(["2026-08-20", "2026-08-14", "2026-08-24", None]))
    # Fri 14 to Thu 20 August: Fri 14, (Sat, Sun), Mon 17 national, Tue 18 cuti bersama,
    # Wed 19, Thu 20 → 3; the same day → 1; Fri 21 to Mon 24 → 2; still open → NaN.
    days = outcomes.working_days(received, completed, holiday)
    assert days.iloc[:3].tolist() == [3, 1, 2] and pd.isna(days.iloc[3])
    assert outcomes.working_days(received, completed, national).iloc[0] == 4


REGISTER = [
    ["Nomor", "Layanan", "Tanggal Masuk", "Tanggal Selesai", "Standar Hari"],
    ["001", "Surat Domisili", "14/08/2026", "20/08/2026", 3],  # 3 days, on time
    ["002", "KTP", "21/08/2026", "24/08/2026", 1],  # 2 days, late
    ["003", "surat  domisili", "24/08/2026", "26/08/2026", 1],  # Tue 25 Aug holiday: 2, late
    ["004", "KTP", "26/08/2026", None, 2],  # open: not counted
    ["005", "KTP", "08/12/2025", "10/12/2025", 2],  # completed before the period
    ["006", "KTP", "02/09/2026", "04/09/2026", None],  # 3 days, no standard
]


@pytest.mark.parametrize(
    ("source", "realisasi", "count", "figures"),
    [
        # (3 + 2 + 2 + 3) / 4; on time 1 of the 3 with a standard
        ("Layanan: rata-rata hari kerja", 2.5, 4, "4 layanan selesai, rata-rata 2,50 hari kerja, 33,33% tepat waktu"),
        ("Layanan: persen tepat waktu", 100 / 3, 4, "4 layanan selesai, rata-rata 2,50 hari kerja, 33,33% tepat waktu"),
        ("Layanan: jumlah selesai", 4.0, 4, "4 layanan selesai, rata-rata 2,50 hari kerja, 33,33% tepat waktu"),
        # rows 001 and 003: (3 + 2) / 2, on time 1 of 2
        ("Layanan: rata-rata hari kerja | Surat Domisili", 2.5, 2,
         "Surat Domisili: 2 layanan selesai, rata-rata 2,50 hari kerja, 50,00% tepat waktu"),
        ("Layanan: persen tepat waktu | surat domisili", 50.0, 2,
         "surat domisili: 2 layanan selesai, rata-rata 2,50 hari kerja, 50,00% tepat waktu"),
    ],
)  # fmt: skip
def test_the_three_service_measures(source, realisasi, count, figures):
    raw = with_sources(clean_unit(), "", source, "")
    raw["Layanan"] = [list(r) for r in REGISTER]
    data = validate(raw)
    assert data.findings == []
    found = realised(data, dt.date(2026, 11, 29)).iloc[0]
    assert found["realisasi"] == pytest.approx(realisasi)
    assert (found["jumlah_entri"], found["rincian_sumber"]) == (count, figures)


def findings(data) -> list[tuple]:
    return [(f.tab, f.row, f.column, f.severity, f.code) for f in data.findings]


def test_each_bad_survey_row_and_header_is_a_finding():
    raw = with_sources(clean_unit(), "", "Survei: IKM", "")
    question = "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan?"
    raw["Jawaban Formulir 1"] = [
        ["Stempel waktu", "Nama", question, "Prosedur", "Waktu dan biaya", "Biaya", "U5",
         "U6", "U7", "U8"],
        ["10/11/2026 09:15:00", "Sri", "Sangat Sesuai", 3, 3, "Mahal", 4, 4, 4, 4],
        ["01/12/2026 09:15:00", "Tono", 4, 3, 3, 4, 5, 4, 4, 4],
    ]  # fmt: skip
    data = validate(raw)
    tab = "Jawaban Formulir 1"
    assert findings(data) == [
        (tab, None, None, "error", "ambiguous-survey-header"),
        (tab, None, "U3", "error", "survey-element-missing"),
        (tab, None, "U9", "error", "survey-element-missing"),
        (tab, 2, "U4", "error", "invalid-survey-answer"),
        (tab, 3, "Tanggal", "error", "future-date"),
        (tab, 3, "U5", "error", "invalid-survey-answer"),
    ]
    messages = [f.message for f in data.findings]
    assert "Judul kolom 'Waktu dan biaya' cocok dengan lebih dari satu unsur" in messages[0]
    assert messages[1] == (
        "Tab Jawaban Formulir 1: Tidak ada kolom untuk unsur Waktu Penyelesaian, sehingga IKM "
        "tidak dapat dihitung. Tambahkan kolom U3 (atau pertanyaan yang menyebut kata kuncinya)."
    )
    assert messages[3] == (
        "Tab Jawaban Formulir 1 baris 2: Jawaban 'Mahal' untuk unsur Biaya/Tarif tidak dikenal; "
        "jawaban responden ini tidak dihitung. Tulis angka 1 sampai 4, atau salah satu pilihan: "
        "Sangat mahal, Cukup mahal, Murah, Gratis."
    )
    assert data.tables["survei"].empty and not data.failed


def test_bad_register_rows_sources_and_ignored_entries_are_findings():
    raw = with_sources(clean_unit(), "Layanan: jumlah selesai", "Survei: IKM", "Hasil survei")
    raw["Layanan"] = [
        REGISTER[0],
        ["001", "KTP", "10/11/2026", "09/11/2026", 1],
        ["002", "KTP", "02/12/2026", None, 1],
    ]
    data = validate(raw)
    assert findings(data) == [
        ("Indikator", 4, "Sumber", "error", "unknown-source"),
        ("Realisasi", 2, "Realisasi", "warning", "entry-for-computed-indicator"),
        ("Survei", None, None, "warning", "source-tab-missing"),
        ("Layanan", 2, "Tanggal Selesai", "error", "completed-before-received"),
        ("Layanan", 3, "Tanggal Masuk", "error", "future-date"),
    ]
    by_code = {f.code: f.message for f in data.findings}
    assert by_code["entry-for-computed-indicator"] == (
        "Tab Realisasi baris 2: Realisasi indikator PLY-01 dihitung dari Layanan: jumlah selesai, "
        "sehingga entri ini diabaikan. Hapus baris ini, atau kosongkan kolom Sumber indikator itu "
        "di tab Indikator bila realisasinya memang diisi di sini."
    )
    assert by_code["completed-before-received"] == (
        "Tab Layanan baris 2: Tanggal Selesai '09/11/2026' lebih awal daripada Tanggal Masuk "
        "'10/11/2026'. Periksa kedua tanggal itu; layanan tidak dapat selesai sebelum diterima."
    )
    assert data.tables["layanan"].empty
    assert data.tables["realisasi"]["status"].tolist() == ["Peringatan", "OK"]


def test_sources_parse_and_name_their_tabs():
    assert outcomes.parse_source(" layanan:Persen  tepat waktu |  Surat  Domisili ") == (
        outcomes.Source("Layanan: persen tepat waktu", "Surat Domisili")
    )
    assert outcomes.parse_source(None) == outcomes.Source("Isian")
    assert outcomes.parse_source("isian") == outcomes.Source("Isian")
    assert outcomes.parse_source("Survei") is None
    assert outcomes.source_tabs(["", "Survei: IKM", "Layanan: jumlah selesai | KTP"]) == {
        "survei": "Survei: IKM",
        "layanan": "Layanan: jumlah selesai | KTP",
    }


def test_the_schema_header_names_each_element():
    assert rows("survei")[0][2:] == [f"U{i}" for i in range(1, 10)]


# -- the weekly job on the demo ------------------------------------------------------------------


def published_ikm(config) -> list[tuple]:
    """(Realisasi, Jumlah Entri, Rincian Sumber) of each IKM row in Capaian Indikator."""
    rows = LocalWorkbook(config.path(config.local.folder) / config.summary.workbook).read_tabs(
        ["Capaian Indikator"]
    )["Capaian Indikator"]
    header = rows[0]
    at = {h: header.index(h) for h in ("Sumber", "Realisasi", "Jumlah Entri", "Rincian Sumber")}
    return [
        (r[at["Realisasi"]], r[at["Jumlah Entri"]], r[at["Rincian Sumber"]])
        for r in rows[1:]
        if r[at["Sumber"]] == "Survei: IKM"
    ]


def test_the_weekly_job_scores_the_demo_ikm_from_its_survey(demo_config):
    moment = dt.datetime.fromisoformat(f"{DEMO_DATE}T08:00:00+07:00")
    book = LocalWorkbook(demo_config.path(demo_config.local.folder) / "puskesmas.xlsx")
    survey = book.read_tabs(["Survei"])["Survei"]
    # 293 responses, 3 of them with a planted answer that fits no option: 290 count.
    assert len(survey) - 1 == 293
    with time_machine.travel(moment, tick=False):
        assert cli.main(["score", "--config", str(demo_config.base_dir / "config.yaml")]) == 0
    before = published_ikm(demo_config)
    assert len(before) == 3 and len(set(before)) == 1  # three ASN share the Puskesmas IKM
    value, responses, figures = before[0]
    assert responses == 290 and figures.startswith("IKM ") and "290 jawaban" in figures
    # The first response's U1 answer 1 becomes 4: 289 of the 290 counted responses answered
    # U1, so its mean rises by 3 / 289 and the index by 3 / 289 / 9 × 25 = 0.028835.
    assert survey[1][2] == 1
    book.write_ranges([RangeUpdate("Survei", 2, 3, [[4]])])
    with time_machine.travel(moment, tick=False):
        assert cli.main(["score", "--config", str(demo_config.base_dir / "config.yaml")]) == 0
    after = published_ikm(demo_config)[0]
    assert after[0] == pytest.approx(value + 0.028835, abs=1e-6) and after[1] == 290


def test_the_letter_shows_a_computed_indicators_source_and_figures():
    figures = "IKM 84,26 dari 3 jawaban; U1 3,00, U2 3,00; mutu B (Baik)"
    rows = indicators().assign(sumber="Isian", rincian_sumber=None)
    rows.loc[0, ["sumber", "rincian_sumber"]] = ["Survei: IKM", figures]
    letter = ani_alone(rows)
    line = f"Dihitung dari Survei: IKM: {figures}"
    assert f"\n  {line}.\n" in letter.text and letter.text.count("Dihitung dari") == 1
    assert f"<br>{line}</span>" in letter.html and letter.html.count("Dihitung dari") == 1


def test_init_creates_a_record_tab_only_where_an_indicator_uses_it(demo_config):
    folder = demo_config.path(demo_config.local.folder)
    config_file = str(demo_config.base_dir / "config.yaml")
    sekretariat = LocalWorkbook(folder / "sekretariat.xlsx")
    indikator = sekretariat.read_tabs(["Indikator"])["Indikator"]
    sumber = indikator[0].index("Sumber") + 1
    sekretariat.write_ranges([RangeUpdate("Indikator", 2, sumber, [["Survei: IKM"]])])
    assert cli.main(["init", "--config", config_file]) == 0
    tabs = {
        name: LocalWorkbook(folder / name).read_tabs(["Survei", "Layanan"])
        for name in ("sekretariat.xlsx", "trantib.xlsx")
    }
    assert tabs["sekretariat.xlsx"] == {"Survei": [rows("survei")[0]], "Layanan": None}
    assert tabs["trantib.xlsx"] == {"Survei": None, "Layanan": None}


def test_a_google_form_response_tab_is_read_as_survei_and_left_alone_by_init(demo_config, capsys):
    folder = demo_config.path(demo_config.local.folder)
    config_file = str(demo_config.base_dir / "config.yaml")
    trantib = LocalWorkbook(folder / "trantib.xlsx")
    sumber = trantib.read_tabs(["Indikator"])["Indikator"][0].index("Sumber") + 1
    trantib.write_ranges([RangeUpdate("Indikator", 2, sumber, [["Survei: IKM"]])])
    form = replace(schema_tab("survei"), name="Jawaban Formulir 1", aliases=())
    trantib.ensure_tabs([form])
    question = "Bagaimana pendapat Saudara tentang kecepatan waktu pelayanan?"
    header = ["Stempel waktu", "Persyaratan", "Prosedur", question, "Biaya/Tarif", "Produk",
              "Kompetensi", "Perilaku", "Pengaduan", "Sarana"]  # fmt: skip
    answer = ["20/11/2026 10:00:00", "Sesuai", 3, "Sangat Cepat", "Gratis", 3, 3, 3, 3, "Bagus"]
    trantib.write_ranges([RangeUpdate("Jawaban Formulir 1", 1, 1, [header, answer])])
    assert cli.main(["init", "--config", config_file]) == 0
    assert trantib.read_tabs(["Survei"])["Survei"] is None
    moment = dt.datetime.fromisoformat(f"{DEMO_DATE}T08:00:00+07:00")
    capsys.readouterr()
    with time_machine.travel(moment, tick=False):
        cli.main(["validate", "--read-only", "--json", "--unit", "Seksi Trantib",
                  "--config", config_file])  # fmt: skip
    found = json.loads(capsys.readouterr().out)
    ignored = [f for f in found if f["code"] == "entry-for-computed-indicator"]
    assert ignored and all("TRA-01" in f["message"] for f in ignored)  # now computed
    assert [(f["tab"], f["row"], f["column"], f["code"]) for f in found if f not in ignored] == [
        ("Realisasi", 880, "Tanggal", "future-date"),
        ("Jawaban Formulir 1", 2, "U9", "invalid-survey-answer"),
    ]


def test_explain_shows_where_a_computed_realisation_came_from(demo_config, capsys):
    config_file = str(demo_config.base_dir / "config.yaml")
    wisnu = "197606261999111904"  # Seksi Pelayanan; PLY-08 is computed from the Layanan register
    assert cli.main(["explain", wisnu, "--config", config_file, "--date", DEMO_DATE]) == 0
    text = capsys.readouterr().out
    # Counted day by day from the register's cells (see test_publish): 434 services completed by
    # 29 November took 1097 working days (2,53 on average); 349 of them within Standar Hari.
    assert (
        "   Realisasi dihitung dari Layanan: rata-rata hari kerja: 434 layanan selesai, rata-rata "
        "2,53 hari kerja, 80,41% tepat waktu = 2,53.\n"
        "   Target periode 3 hari kerja"
    ) in text
