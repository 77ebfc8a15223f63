"""The summary reads at a glance, on screen and on paper; staff see their rejected rows (issue 12).

Every test drives the real commands on the demo workbooks and opens what was written with
openpyxl; the expectations are the demo's own figures, written out.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
import time_machine
from conftest import DEMO_DATE

from workflows.cli import main
from workflows.ikhtisar import upsert_unit_history
from workflows.local import wrapped_lines

TABS = [
    "Ikhtisar",
    "Ringkasan Pegawai",
    "Ringkasan Unit",
    "Grafik",
    "Tren",
    "Capaian Indikator",
    "Riwayat",
    "Riwayat Unit",
    "Temuan Validasi",
    "Log Surat",
    "Log Proses",
]
UNITS = [
    "Sekretariat",
    "Seksi Pemerintahan",
    "Seksi Pelayanan",
    "Seksi Trantib",
    "Kelurahan Asemrowo",
    "Kelurahan Genting Kalianak",
    "Puskesmas Asemrowo",
]


@pytest.fixture(autouse=True)
def demo_clock():
    moment = dt.datetime.fromisoformat(f"{DEMO_DATE}T08:00:00+07:00")
    with time_machine.travel(moment, tick=True):
        yield


def run(config, command: str, date: str = DEMO_DATE) -> None:
    assert main([command, "--config", str(config.base_dir / "config.yaml"), "--date", date]) == 0


def summary(config):
    return openpyxl.load_workbook(config.path(config.local.folder) / config.summary.workbook)


@pytest.fixture
def scored(demo_config):
    run(demo_config, "score")
    return demo_config


def rows_of(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True)]


def section(ws, title: str) -> list[tuple]:
    """The rows of an Ikhtisar section after its header, up to the blank row that ends it."""
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith(title)) + 2
    end = next((i for i in range(start, len(rows)) if rows[i][0] is None), len(rows))
    return rows[start:end]


def test_ikhtisar_comes_first_and_its_numbers_are_the_summary_tabs(scored):
    book = summary(scored)
    assert book.sheetnames == TABS and book.active.title == "Ikhtisar"
    ws = book["Ikhtisar"]
    assert ws["A1"].value == "Ikhtisar Kinerja Kecamatan Asemrowo"
    assert ws["A2"].value.startswith("Minggu 2026-W48: Senin, 23 November 2026")
    figures = {r[0]: r[1] for r in section(ws, "Organisasi")}
    assert figures["Jumlah ASN"] == 49 and figures["Entri Ditolak"] == 10
    assert figures["Persentase Melapor"] == pytest.approx(41 / 49)
    assert round(figures["Rata-rata Nilai Capaian"], 2) == 95.59
    assert round(figures["Median Nilai Capaian"], 2) == 98.15
    organisation = rows_of(book["Ringkasan Unit"])[-1]
    assert organisation[1] == "Kecamatan Asemrowo"
    assert [figures[k] for k in figures] == [organisation[i] for i in (2, 3, 4, 11, 12)]

    units = section(ws, "Unit")
    assert [r[0] for r in units] == UNITS
    tab_units = {r[1]: r for r in rows_of(book["Ringkasan Unit"])[1:]}
    for name, asn, mean, _, _, reported, rejected, _ in units:
        assert (asn, mean, reported, rejected) == tuple(tab_units[name][i] for i in (2, 3, 11, 12))
    trantib = next(r for r in units if r[0] == "Seksi Trantib")
    assert round(trantib[2], 2) == 84.89 and trantib[4] == pytest.approx(trantib[2] - trantib[3])

    people = {r[2]: r for r in rows_of(book["Ringkasan Pegawai"])[1:]}
    attention = section(ws, "ASN yang Perlu Perhatian")
    assert attention[0][:2] == ("Irma Yuniar", "Seksi Trantib")
    for name, unit, score, *_ in attention:
        assert (people[name][3], people[name][5]) == (unit, score)
    support = section(ws, "Dukungan yang Diminta")
    assert len(support) == 9 and support[-1][0] == "dan 15 lainnya"  # 23 requests, 8 shown


def test_ikhtisar_shows_last_week_from_riwayat_unit_and_a_replay_changes_nothing(scored):
    run(scored, "score", "2026-12-07")  # week 2026-W49: last week is the one published above
    run(scored, "score", "2026-12-07")  # replayed: Riwayat Unit is upserted, not appended
    book = summary(scored)
    weeks = [r[0] for r in rows_of(book["Riwayat Unit"])[1:]]
    assert weeks == ["2026-W48"] * 8 + ["2026-W49"] * 8
    figures = {r[0]: r[1:] for r in section(book["Ikhtisar"], "Organisasi")}
    assert figures["Jumlah ASN"][1] == 49 and figures["Entri Ditolak"][1] == 10
    assert figures["Persentase Melapor"][1] == pytest.approx(41 / 49)
    assert [r[0] for r in rows_of(book["Tren"])[1:]][-2:] == ["2026-W48", "2026-W49"]


def test_every_tab_prints_landscape_one_page_wide_with_its_header_row(scored):
    book = summary(scored)
    for ws in book.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth) == ("landscape", 9, 1)
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.oddHeader.center.text == f"{ws.title} – Minggu 2026-W48"
        if ws.title == "Ikhtisar":
            assert setup.fitToHeight == 1 and ws.print_title_rows is None
        else:
            assert setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1", ws.title
            assert ws.freeze_panes == "A2" and ws["A1"].alignment.wrap_text, ws.title


def test_tables_have_filters_fitted_headers_and_two_decimals(scored):
    book = summary(scored)
    people = book["Ringkasan Pegawai"]
    assert people.auto_filter.ref == "A1:R50"
    assert book["Riwayat"].auto_filter.ref == "A1:J393"  # 8 weeks × 49 ASN
    assert book["Tren"].auto_filter.ref == "A1:I9"
    # "Rating Perilaku Dibawa" in a column 10 wide: three lines, so the row is three lines tall
    assert people.row_dimensions[1].height == 45
    assert book["Riwayat"].row_dimensions[1].height == 15
    assert people["F2"].number_format == "0.00" and book["Tren"]["B2"].number_format == "0.00"
    assert book["Grafik"]["B2"].number_format == "0"
    ranked = [(r[3], r[5]) for r in rows_of(people)[1:]]
    assert ranked[:2] == [
        ("Kelurahan Asemrowo", pytest.approx(105.62, abs=0.01)),
        ("Kelurahan Asemrowo", pytest.approx(101.37, abs=0.01)),
    ]
    assert [u for u, _ in ranked] == sorted(u for u, _ in ranked)
    for unit in UNITS:
        scores = [s for u, s in ranked if u == unit and s is not None]
        assert scores == sorted(scores, reverse=True), unit


def test_colours_are_conditional_rules_that_follow_sorting(scored):
    book = summary(scored)
    rules = {
        str(cf.sqref): [(r.formula[0], r.dxf.fill.fgColor.rgb[-6:]) for r in cf.rules]
        for cf in book["Ringkasan Pegawai"].conditional_formatting
    }
    assert rules["K2:K50"][0] == ('$K2="Sangat Baik"', "63BE7B")
    assert rules["K2:K50"][-1] == ('$K2="Menunggu Penilaian Perilaku"', "D9D9D9")
    assert rules["G2:G50"][3] == ('$G2="Kurang"', "F4B183")
    assert rules["Q2:Q50"] == [('$Q2="Tidak"', "FFC7CE")]
    temuan = {
        str(cf.sqref): [r.formula[0] for r in cf.rules]
        for cf in book["Temuan Validasi"].conditional_formatting
    }
    assert temuan == {"H2:H17": ['$H2="Ditolak"', '$H2="Peringatan"']}
    predikat = [c for c in book["Ringkasan Pegawai"]["K"][1:]]
    assert all(c.fill.fill_type is None for c in predikat)  # no static fills left to go stale


def test_charts_draw_tren_and_grafik_ranges_once(scored):
    run(scored, "score")  # a second save draws them afresh, not twice
    path = scored.path(scored.local.folder) / scored.summary.workbook
    with zipfile.ZipFile(path) as archive:
        charts = sorted(
            n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)
        )
        assert len(charts) == 2
        xml = {n: archive.read(n).decode() for n in charts}
    line = next(x for x in xml.values() if "<lineChart>" in x)
    bars = next(x for x in xml.values() if "<barChart>" in x)
    refs = re.findall(r"<f>([^<]*)</f>", line)
    assert refs[:3] == ["'Tren'!B1", "'Tren'!$A$2:$A$9", "'Tren'!$B$2:$B$9"]
    assert refs[-1] == "'Tren'!$I$2:$I$9" and len(refs) == 8 * 3  # the organisation, 7 units
    assert 'grouping val="stacked"' in bars and "'Grafik'!$G$2:$G$8" in bars
    grafik = rows_of(summary(scored)["Grafik"])
    assert grafik[0] == (
        "Unit",
        "Sangat Baik",
        "Baik",
        "Butuh Perbaikan",
        "Kurang/Misconduct",
        "Sangat Kurang",
        "Menunggu Penilaian Perilaku",
    )
    assert grafik[1] == ("Sekretariat", 1, 5, 1, 0, 0, 1)


def test_staff_realisasi_highlights_rejected_rows_and_wraps_messages(demo_config):
    folder = demo_config.path(demo_config.local.folder)
    run(demo_config, "score")  # the write-back keeps what init set up
    ws = openpyxl.load_workbook(folder / "pelayanan.xlsx")["Realisasi"]
    (rule,) = [(str(cf.sqref), r.formula[0]) for cf in ws.conditional_formatting for r in cf.rules]
    assert rule == ("A2:H5000", '$G2="Ditolak"')
    rejected = next(r for r in ws.iter_rows(min_row=2) if r[6].value == "Ditolak")
    assert rejected[7].alignment.wrap_text and ws.column_dimensions["H"].alignment.wrap_text
    before = (folder / "pelayanan.xlsx").read_bytes()
    run(demo_config, "init")  # already there: not added twice, the file not even written
    assert (folder / "pelayanan.xlsx").read_bytes() == before


def test_init_gives_an_older_staff_workbook_its_look_once(demo_config, capsys):
    path = demo_config.path(demo_config.local.folder) / "trantib.xlsx"
    book = openpyxl.load_workbook(path)
    realisasi = book["Realisasi"]
    typed = [[c.value for c in row] for row in realisasi.iter_rows()]
    realisasi.conditional_formatting = type(realisasi.conditional_formatting)()
    book.save(path)  # as a workbook prepared before this look existed
    run(demo_config, "init")
    assert "Seksi Trantib: tab 'Realisasi' diberi warna baris ditolak" in capsys.readouterr().out
    after = openpyxl.load_workbook(path)["Realisasi"]
    assert [[c.value for c in row] for row in after.iter_rows()] == typed
    assert len(after.conditional_formatting) == 1


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [("Nilai Capaian", 13, 1), ("Rating Perilaku Dibawa", 9, 3), ("Persentase", 4, 3)],
)
def test_wrapped_lines_counts_word_wrapped_lines(text, width, lines):
    assert wrapped_lines(text, width) == lines


def test_ikhtisar_marks_a_unit_that_could_not_be_read(demo_config):
    folder = demo_config.path(demo_config.local.folder)
    (folder / "trantib.xlsx").write_bytes(b"not a workbook")
    assert main(["score", "--config", str(demo_config.base_dir / "config.yaml")]) == 1
    ws = summary(demo_config)["Ikhtisar"]
    trantib = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "Seksi Trantib")
    assert [c.value for c in trantib[1:7]] == [None] * 6
    assert trantib[7].value.startswith("Tidak terbaca: ")
    assert {c.fill.fgColor.rgb[-6:] for c in trantib} == {"FFC7CE"}
    figures = {r[0]: r[1] for r in section(ws, "Organisasi")}
    assert figures["Jumlah ASN"] == 43  # 49 less Seksi Trantib's 6


def test_riwayat_unit_upsert_keeps_the_row_of_a_unit_not_read_now():
    now = dt.datetime(2026, 11, 30, 7, 0)
    history = pd.DataFrame(
        [
            {"minggu": "2026-W47", "unit": "Sekretariat", "jumlah_asn": 8, "diperbarui": now},
            {"minggu": "2026-W48", "unit": "Sekretariat", "jumlah_asn": 7, "diperbarui": now},
            {"minggu": "2026-W48", "unit": "Seksi Trantib", "jumlah_asn": 6, "diperbarui": now},
        ]
    )
    units = pd.DataFrame(
        [
            {"unit": "Sekretariat", "jumlah_asn": 8, "rata_rata_nilai_capaian": 98.5},
            {"unit": "Seksi Trantib", "jumlah_asn": None, "keterangan": "Tidak terbaca: rusak"},
        ]
    )
    merged = upsert_unit_history(history, units, "2026-W48", now=now)
    assert merged[["minggu", "unit", "jumlah_asn"]].values.tolist() == [
        ["2026-W47", "Sekretariat", 8],
        ["2026-W48", "Seksi Trantib", 6],
        ["2026-W48", "Sekretariat", 8],
    ]
    assert merged.iloc[2]["rata_rata_nilai_capaian"] == 98.5
