"""Publishing the summary workbook: real .xlsx files, read back cell by cell."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest
from test_score import NIP_A, NIP_B, NIP_C, week_tables

from workflows import publish
from workflows.calendar import run_week
from workflows.check import ValidationRun
from workflows.findings import Finding
from workflows.local import LocalWorkbook
from workflows.schema import tab
from workflows.validate import UnitData, empty_tables

HYPERLINK = '=HYPERLINK("https://evil.example","klik")'


def week_of(day: str):
    return run_week(
        dt.date.fromisoformat(day),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


W47, W48 = week_of("2026-11-23"), week_of("2026-11-30")
# By hand, Ani in W47 (cut-off 22 Nov, 326 days): PLY-01 100 of 326 due, PLY-02 mean 3 of 3 (Turun),
# PLY-03 latest 70 against 80-90 → (60 × 100/326 × 100 + 30 × 100 + 10 × 87.5) / 100
ANI_W47 = (60 * (100 / 326 * 100) + 30 * 100 + 10 * 87.5) / 100


def validation(week=None):
    """A validation run as check.run_validation returns it, over the hand-computed week tables."""
    tables = week_tables()
    tables["roster"].loc[tables["roster"]["nip"] == NIP_B, "nama"] = HYPERLINK
    finding = Finding(
        "Seksi Pelayanan",
        "Realisasi",
        12,
        "Realisasi",
        "=1+1",
        "error",
        "not-a-number",
        "Bukan angka.",
    )
    keys = {
        "pegawai": "roster",
        "indikator": "indicators",
        "realisasi": "entries",
        "perilaku": "behaviour",
    }
    units = []
    for name in ("Seksi Pelayanan", "Sekretariat"):
        own = {key: tables[source][tables[source]["unit"] == name] for key, source in keys.items()}
        own["indikator"] = own["indikator"].assign(sumber=None)  # every indicator typed
        own |= {key: empty_tables()[key] for key in ("refleksi", "survei", "layanan")}
        ply = name == "Seksi Pelayanan"
        rejected = pd.DataFrame(
            {"row": [12, 13], "nip": [NIP_A, NIP_A], "tanggal_nilai": [pd.NaT, pd.NaT]}
            if ply
            else {"row": [], "nip": [], "tanggal_nilai": []}
        )
        units.append(UnitData(name, name, own, [finding] if ply else [], rejected=rejected))
    return ValidationRun(week=week or W48, units=units, writeback=[])


def summary_path(config):
    return config.path(config.local.folder) / config.summary.workbook


def records(config, name: str) -> list[dict]:
    """A summary tab as dicts keyed by header, values as stored."""
    ws = openpyxl.load_workbook(summary_path(config))[name]
    rows = list(ws.values)
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def publish_week(config, week, run):
    """Score and publish ``run`` into the config's summary workbook, as the weekly job does."""
    publish.score_and_publish(
        config,
        week,
        run,
        today=dt.date(2026, 11, 30),
        book=publish.open_summary_book(config),
        now=dt.datetime(2026, 11, 30, 7, 0),
    )


@pytest.fixture
def published(config):
    publish_week(config, W48, validation())
    return config


def test_tabs_are_written_with_numbers_formats_and_frozen_headers(published):
    book = openpyxl.load_workbook(summary_path(published))
    ws = book["Ringkasan Pegawai"]
    assert [c.value for c in ws[1]] == tab("ringkasan_pegawai").headers
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 22
    header = [c.value for c in ws[1]]
    ani = next(row for row in ws.iter_rows(min_row=2) if row[1].value == NIP_A)
    cell = dict(zip(header, ani, strict=True))
    assert isinstance(cell["Nilai Capaian"].value, float) and cell[
        "Nilai Capaian"
    ].value == pytest.approx(98.75)
    assert cell["Nilai Capaian"].number_format == "0.00"
    assert cell["Kelengkapan Data"].value == 1 and cell["Kelengkapan Data"].number_format == "0.0%"
    assert cell["Entri Ditolak"].value == 2 and cell["Entri Ditolak"].number_format == "0"
    assert cell["NIP"].data_type == "s"
    # W47 was never published: it is filled in from the same entries, so the change is known
    assert cell["Perubahan"].value == pytest.approx(98.75 - ANI_W47)

    units = {r["Unit"]: r for r in records(published, "Ringkasan Unit")}
    assert (
        units["Seksi Pelayanan"]["Jumlah ASN"] == 2
        and units["Seksi Pelayanan"]["Entri Ditolak"] == 2
    )
    assert units["Kecamatan Asemrowo"]["Persentase Melapor"] == pytest.approx(2 / 3)
    assert units["Kecamatan Asemrowo"]["Catatan Kurva Distribusi"].startswith("Predikat Baik 100%")
    assert book["Ringkasan Unit"]["L2"].number_format == "0.0%"

    indicators = {r["ID Indikator"]: r for r in records(published, "Capaian Indikator")}
    assert indicators["PLY-03"]["Target"] == "80-90" and indicators["PLY-03"]["Capaian (%)"] == 87.5
    assert indicators["PLY-05"]["Realisasi"] is None and indicators["PLY-05"]["Jumlah Entri"] == 0

    (finding,) = records(published, "Temuan Validasi")
    assert (finding["Unit"], finding["Workbook"], finding["Baris"], finding["Tingkat"]) == (
        "Seksi Pelayanan",
        "pelayanan.xlsx",
        12,
        "Ditolak",
    )


def test_typed_text_never_becomes_a_formula(published):
    path = summary_path(published)
    book = openpyxl.load_workbook(path)
    names = [c for c in book["Ringkasan Pegawai"]["C"] if c.value == HYPERLINK]
    values = [c for c in book["Temuan Validasi"]["G"] if c.value == "=1+1"]
    assert names and values and all(c.data_type == "s" for c in names + values)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in archive.read(n).decode() for n in sheets)


def test_rerunning_a_week_leaves_riwayat_unchanged(published):
    def rows():
        return [
            {k: v for k, v in r.items() if k != "Diperbarui"} for r in records(published, "Riwayat")
        ]

    first = rows()
    publish_week(published, W48, validation())
    assert rows() == first
    assert [(r["Minggu"], r["NIP"]) for r in first] == sorted(
        (r["Minggu"], r["NIP"]) for r in first
    )
    assert [r["NIP"] for r in first if r["Minggu"] == "2026-W48"] == sorted([NIP_A, NIP_B, NIP_C])


def test_week_after_week_gives_the_change_and_keeps_history(config):
    publish_week(config, W47, validation(W47))
    publish_week(config, W48, validation())
    riwayat = {(r["Minggu"], r["NIP"]): r["Nilai Capaian"] for r in records(config, "Riwayat")}
    assert riwayat[("2026-W47", NIP_A)] == pytest.approx(ANI_W47)
    assert riwayat[("2026-W48", NIP_A)] == pytest.approx(98.75)
    assert sum(week in ("2026-W47", "2026-W48") for week, _ in riwayat) == 6
    people = {r["NIP"]: r for r in records(config, "Ringkasan Pegawai")}
    assert people[NIP_A]["Perubahan"] == pytest.approx(98.75 - ANI_W47)
    assert people[NIP_A]["Minggu"] == "2026-W48"


def test_missing_weeks_are_filled_in_but_published_weeks_are_kept(config):
    book = LocalWorkbook(summary_path(config))
    book.ensure_tabs([tab("riwayat")])
    published_w46 = ["2026-W46", NIP_A, "Ani", "Seksi Pelayanan", 55.0, "Kurang"]
    book.replace_tabs({"Riwayat": [tab("riwayat").headers, published_w46]})
    publish_week(config, W48, validation())
    riwayat = {(r["Minggu"], r["NIP"]): r["Nilai Capaian"] for r in records(config, "Riwayat")}
    assert riwayat[("2026-W46", NIP_A)] == 55.0  # what was published then stays
    assert ("2026-W46", NIP_B) in riwayat  # but the people the week lacked are filled in
    assert riwayat[("2026-W47", NIP_A)] == pytest.approx(ANI_W47)  # W47 was missing
    weeks = sorted({week for week, _ in riwayat})
    assert weeks == [
        "2026-W41",
        "2026-W42",
        "2026-W43",
        "2026-W44",
        "2026-W45",
        "2026-W46",
        "2026-W47",
        "2026-W48",
    ]  # the trend window of config (8 weeks)


def test_sheet_rows_and_read_table_round_trip(tmp_path):
    riwayat = tab("riwayat")
    frame = pd.DataFrame({"minggu": ["2026-W48"], "nip": [NIP_A], "nilai_capaian": [float("nan")]})
    rows = publish.sheet_rows(riwayat, frame)
    assert rows[0] == riwayat.headers and rows[1][:5] == ["2026-W48", NIP_A, None, None, None]
    book = LocalWorkbook(tmp_path / "r.xlsx")
    book.ensure_tabs([riwayat])
    book.replace_tabs({"Riwayat": rows})
    back = publish.read_table(riwayat, book.read_tabs(["Riwayat"])["Riwayat"])
    assert back[["minggu", "nip"]].to_dict("records") == [{"minggu": "2026-W48", "nip": NIP_A}]


# -- end to end on the demo: three ASN worked out by hand --------------------------------------
#
# The numbers below were worked out from the cells of the demo workbooks for DEMO_DATE (week
# 2026-W48, cut-off Sunday 29 November 2026) with plain arithmetic, never with workflows.score.
# A Jumlah target is due pro rata: 1 January to 29 November is 333 of 365 days. Capaian is
# realisasi / target × 100 (Turun: (2 − realisasi / target) × 100), 100 inside a range (below it
# the lower bound judges), clamped to [0, 120]; Nilai Capaian = Σ bobot × capaian / Σ bobot.

DWI, WISNU, BAKIDIN = "199301112020041302", "197606261999111904", "197903072005021200"

# (NIP, ID Indikator): (Target s.d. Minggu Ini, Realisasi, Capaian (%), Jumlah Entri)
HAND_INDICATORS = {
    # Dwi Natsir, Seksi Pelayanan. Row 760 is his PLY-06 entry typed as "92,5" (accepted).
    (DWI, "PLY-04"): (85, 82.080435, 96.565217, 46),  # Rata-rata 3775.7 / 46; 82.080435 / 85
    (DWI, "PLY-05"): (95, 92.584783, 97.457666, 46),  # Rata-rata 4258.9 / 46; 92.584783 / 95
    (DWI, "PLY-06"): (90, 92.202128, 100.0, 47),  # (4241.0 + 92.5) / 47, inside 90-100: 100
    # Wisnu Nugroho, Seksi Pelayanan (his NIP is typed with spaces in Pegawai). Row 640
    # ("dua belas", 31 August) is rejected; his other entry of that day (row 642, 6) counts.
    # Jumlah: 600 × 333/365 = 547.397260 due; 477 in 51 entries (52 rows less row 640) / 547.39726
    (WISNU, "PLY-07"): (547.397260, 477.0, 87.139640, 51),
    # Sumber "Layanan: rata-rata hari kerja": the Layanan register's 434 services completed by
    # 29 November (row 60, completed before received, left out) took 1097 working days
    # (counted day by day: Monday-Friday without the national holidays and 24 December):
    # 1097 / 434 = 2.527650; Turun: (2 − 2.527650 / 3) × 100
    (WISNU, "PLY-08"): (3, 2.527650, 115.745008, 434),
    (WISNU, "PLY-09"): (95, 93.126190, 98.027569, 42),  # 3911.3 / 42; 93.12619 / 95
    # Bakidin Setiawan, Seksi Trantib, dates partly typed as text (07/04/2026).
    (BAKIDIN, "TRA-01"): (90, 56.931707, 63.257453, 41),  # 2334.2 / 41; 56.931707 / 90
    # Jumlah: 240 × 333/365 = 218.958904 due; 123 / 218.958904
    (BAKIDIN, "TRA-02"): (218.958904, 123.0, 56.174925, 49),
    # Terakhir: 57.7 on 23 November, below the range 90-100 so 90 judges: 57.7 / 90
    (BAKIDIN, "TRA-03"): (90, 57.7, 64.111111, 41),
}
HAND_PEOPLE = {
    # (30 × 96.565217 + 30 × 97.457666 + 40 × 100) / 100; November's aspects S S S A A S S:
    # (2+2+2+3+3+2+2) / 7 = 2.29, Sesuai; Sesuai × Sesuai → Baik
    DWI: {
        "Unit": "Seksi Pelayanan",
        "Nilai Capaian": 98.206865,
        "Kategori Capaian": "Baik",
        "Rating Hasil Kerja": "Sesuai Ekspektasi",
        "Sumber Rating Hasil Kerja": "Sistem",
        "Rating Perilaku": "Sesuai Ekspektasi",
        "Predikat": "Baik",
        "Indikator di Bawah Target": 2,
        "Kelengkapan Data": 1,
        "Melapor Minggu Ini": "Ya",
        "Entri Ditolak": 0,
    },
    # (40 × 87.13964 + 30 × 115.745008 + 30 × 98.027569) / 100; aspects A A S S S S S: 16 / 7;
    # no entry from 23 to 29 November
    WISNU: {
        "Unit": "Seksi Pelayanan",
        "Nilai Capaian": 98.987629,
        "Kategori Capaian": "Baik",
        "Rating Hasil Kerja": "Sesuai Ekspektasi",
        "Sumber Rating Hasil Kerja": "Sistem",
        "Rating Perilaku": "Sesuai Ekspektasi",
        "Predikat": "Baik",
        "Indikator di Bawah Target": 2,
        "Kelengkapan Data": 1,
        "Melapor Minggu Ini": "Tidak",
        "Entri Ditolak": 1,
    },
    # (40 × 63.257453 + 30 × 56.174925 + 30 × 64.111111) / 100 = 61.39: Kurang (50-70), Di Bawah
    # (< 90); the supervisor's overall Rating Perilaku for November is Sesuai → Butuh Perbaikan
    BAKIDIN: {
        "Unit": "Seksi Trantib",
        "Nilai Capaian": 61.388792,
        "Kategori Capaian": "Kurang",
        "Rating Hasil Kerja": "Di Bawah Ekspektasi",
        "Sumber Rating Hasil Kerja": "Sistem",
        "Rating Perilaku": "Sesuai Ekspektasi",
        "Predikat": "Butuh Perbaikan",
        "Indikator di Bawah Target": 3,
        "Kelengkapan Data": 1,
        "Melapor Minggu Ini": "Ya",
        "Entri Ditolak": 0,
    },
}


def _hand(value):
    """Hand figures carry six decimals."""
    return pytest.approx(value, abs=1e-6) if isinstance(value, float) else value


def test_score_command_on_the_demo_matches_hand_computation(demo_config, capsys):
    from conftest import DEMO_DATE

    from workflows.cli import main

    config_file = demo_config.base_dir / "config.yaml"
    assert main(["score", "--config", str(config_file), "--date", DEMO_DATE]) == 0
    console = capsys.readouterr().out
    assert "Minggu 2026-W48" in console and "Kecamatan Asemrowo" in console

    indicators = {
        (r["NIP"], r["ID Indikator"]): r
        for r in records(demo_config, "Capaian Indikator")
        if r["NIP"] in HAND_PEOPLE
    }
    assert {
        key: (r["Target s.d. Minggu Ini"], r["Realisasi"], r["Capaian (%)"], r["Jumlah Entri"])
        for key, r in indicators.items()
    } == {key: tuple(map(_hand, row)) for key, row in HAND_INDICATORS.items()}
    assert (indicators[(DWI, "PLY-06")]["Target"], indicators[(WISNU, "PLY-08")]["Arah"]) == (
        "90-100",
        "Turun",
    )

    people = {r["NIP"]: r for r in records(demo_config, "Ringkasan Pegawai")}
    for nip, expected in HAND_PEOPLE.items():
        assert {k: people[nip][k] for k in expected} == {
            k: _hand(v) for k, v in expected.items()
        }, nip
        assert people[nip]["Minggu"] == "2026-W48"

    # what the staff see next to those rows after the run
    pelayanan = openpyxl.load_workbook(
        demo_config.path(demo_config.local.folder) / demo_config.unit("Seksi Pelayanan").workbook
    )["Realisasi"]
    assert [pelayanan.cell(row, 7).value for row in (640, 642, 820, 821)] == [
        "Ditolak",
        "OK",
        "Peringatan",
        "OK",
    ]

    # 7 active ASN in Pelayanan's Pegawai, one rejected entry (row 640); 49 active ASN in all
    units = {r["Unit"]: r for r in records(demo_config, "Ringkasan Unit")}
    assert (units["Seksi Pelayanan"]["Jumlah ASN"], units["Seksi Pelayanan"]["Entri Ditolak"]) == (
        7,
        1,
    )
    assert units[demo_config.organisation]["Jumlah ASN"] == len(people) == 49

    # a second run of the same date leaves Riwayat with the same rows
    before = [(r["Minggu"], r["NIP"], r["Nilai Capaian"]) for r in records(demo_config, "Riwayat")]
    assert main(["score", "--config", str(config_file), "--date", DEMO_DATE]) == 0
    after = [(r["Minggu"], r["NIP"], r["Nilai Capaian"]) for r in records(demo_config, "Riwayat")]
    assert after == before and len({(w, n) for w, n, _ in after}) == len(after)
