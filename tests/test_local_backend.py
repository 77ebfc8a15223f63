"""The local .xlsx backend: values round-trip as typed, nothing staff typed is lost, writes are atomic."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import DEMO_DATE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from tests.processes import dead_pid, live_pid
from workflows import schema
from workflows.cli import main
from workflows.local import LocalWorkbook, WorkbookChanged, WorkbookMergedCell
from workflows.prepare import prepare_workbooks
from workflows.workbook import (
    RangeUpdate,
    Workbook,
    WorkbookError,
    WorkbookLocked,
    WorkbookNotFound,
    WorkbookUnsafeToWrite,
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def staff_book(tmp_path: Path) -> Path:
    """A workbook as a unit admin might have made it by hand: formats, a formula, an extra tab."""
    path = tmp_path / "unit.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Realisasi"
    ws.append(schema.tab("realisasi").headers)
    ws.append(
        [
            dt.datetime(2026, 3, 2),
            "198609262015051001",
            "PLY-01",
            12.5,
            "https://x.example/a",
            "rapat",
        ]
    )
    ws.append(["02/03/2026", "19860926 201505 1 001", "PLY-02", "=10+2", None, "08123"])
    ws["D2"].number_format = "0.00"
    ws["A2"].number_format = "DD/MM/YYYY"
    ws["F2"].font = Font(bold=True, color="FF0000")
    ws["B3"].fill = PatternFill("solid", fgColor="FFFF00")
    notes = book.create_sheet("Catatan Admin")
    notes["A1"] = "Jangan dihapus"
    notes["B2"] = "=SUM(1,2,3)"
    book.save(path)
    return path


def test_local_workbook_satisfies_the_interface(tmp_path):
    assert isinstance(LocalWorkbook(tmp_path / "x.xlsx"), Workbook)


def test_read_gives_values_as_typed(staff_book):
    tabs = LocalWorkbook(staff_book).read_tabs(["Realisasi", "realisasi ", "Tidak Ada"])
    rows = tabs["Realisasi"]
    assert rows[0][:4] == ["Tanggal", "NIP", "ID Indikator", "Realisasi"]
    assert rows[1] == [
        dt.datetime(2026, 3, 2),
        "198609262015051001",
        "PLY-01",
        12.5,
        "https://x.example/a",
        "rapat",
    ]
    # a formula no spreadsheet program has computed yet reads as its text, never as empty
    assert rows[2] == ["02/03/2026", "19860926 201505 1 001", "PLY-02", "=10+2", None, "08123"]
    assert tabs["realisasi "] == rows  # tab titles match case- and space-insensitively
    assert tabs["Tidak Ada"] is None


def test_read_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(WorkbookNotFound, match="tidak ditemukan"):
        LocalWorkbook(tmp_path / "hilang.xlsx").read_tabs(["Pegawai"])


def test_write_round_trip_keeps_formulas_formats_and_other_tabs(staff_book):
    book = LocalWorkbook(staff_book)
    book.write_ranges(
        [RangeUpdate("Realisasi", 2, 7, [["OK", ""], ["Ditolak", '=HYPERLINK("x")']])]
    )
    wb = openpyxl.load_workbook(staff_book)
    ws = wb["Realisasi"]
    assert ws["D3"].value == "=10+2" and ws["D3"].data_type == "f"  # staff formula kept
    assert ws["D2"].number_format == "0.00" and ws["A2"].number_format == "DD/MM/YYYY"
    assert ws["F2"].font.bold and ws["F2"].font.color.rgb == "00FF0000"
    assert ws["B3"].fill.fgColor.rgb == "00FFFF00"
    assert ws["G2"].value == "OK" and ws["G3"].value == "Ditolak"
    # text that looks like a formula is written as text, never as a formula
    assert ws["H3"].value == '=HYPERLINK("x")' and ws["H3"].data_type == "s"
    assert wb["Catatan Admin"]["A1"].value == "Jangan dihapus"
    assert wb["Catatan Admin"]["B2"].value == "=SUM(1,2,3)"
    assert book.read_tabs(["Realisasi"])["Realisasi"][2][7] == '=HYPERLINK("x")'


def test_typed_values_round_trip(tmp_path):
    book = LocalWorkbook(tmp_path / "t.xlsx")
    book.ensure_tabs([schema.tab("refleksi")])
    row = ["2026-W48", "08123", 12, 12.5, True, dt.datetime(2026, 11, 29, 7, 30)]
    book.append_rows("Refleksi", [row, ["2026-W49", None, "", "x"]])
    rows = book.read_tabs(["Refleksi"])["Refleksi"]
    assert rows[1] == row
    assert rows[2] == ["2026-W49", None, None, "x"]  # an empty string is an empty cell


def test_numpy_and_pandas_values_are_stored_as_plain_cells(tmp_path):
    import numpy as np
    import pandas as pd

    book = LocalWorkbook(tmp_path / "t.xlsx")
    book.ensure_tabs([schema.tab("riwayat")])
    book.append_rows(
        "Riwayat",
        [
            [
                "2026-W48",
                "1",
                "A",
                "U",
                np.float64(97.5),
                np.nan,
                pd.NaT,
                None,
                "Baik",
                pd.Timestamp("2026-11-30 07:00", tz="Asia/Jakarta"),
            ]
        ],
    )
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["Riwayat"]
    assert ws["E2"].value == 97.5 and ws["E2"].data_type == "n"
    assert ws["E2"].number_format == "0.00"  # format from the summary schema
    assert ws["F2"].value is None and ws["G2"].value is None
    assert ws["J2"].value == dt.datetime(2026, 11, 30, 7, 0)


def test_append_goes_after_the_last_used_row(tmp_path):
    book = LocalWorkbook(tmp_path / "t.xlsx")
    book.ensure_tabs([schema.tab("log_proses")])
    book.append_rows("Log Proses", [["a"], ["b"]])
    book.append_rows("Log Proses", [["c"]])
    assert [r[0] for r in book.read_tabs(["Log Proses"])["Log Proses"]] == ["Mulai", "a", "b", "c"]


def test_replace_tabs_rewrites_only_the_named_tabs(tmp_path):
    book = LocalWorkbook(tmp_path / "s.xlsx")
    book.ensure_tabs(schema.summary_tabs())
    book.append_rows("Log Proses", [["log lama"]])
    headers = schema.tab("riwayat").headers
    book.replace_tabs({"Riwayat": [headers, ["2026-W09", "1"], ["2026-W09", "2"]]})
    book.replace_tabs({"Riwayat": [headers, ["2026-W10", "3"]]})
    tabs = book.read_tabs(["Riwayat", "Log Proses"])
    assert tabs["Riwayat"] == [headers, ["2026-W10", "3"]]
    assert tabs["Log Proses"][1] == ["log lama"]
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Riwayat"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert ws.column_dimensions["C"].width == schema.tab("riwayat").column("nama").width


@pytest.mark.parametrize("lock_name", [".~lock.unit.xlsx#", "~$unit.xlsx", "~$it.xlsx"])
def test_a_file_open_in_another_program_is_not_written(staff_book, lock_name):
    before = sha(staff_book)
    (staff_book.parent / lock_name).write_text("someone")
    with pytest.raises(WorkbookLocked, match="sedang dibuka") as caught:
        LocalWorkbook(staff_book).write_ranges([RangeUpdate("Realisasi", 2, 7, [["OK"]])])
    assert "Tutup berkas" in str(caught.value)
    assert sha(staff_book) == before
    # reading is still allowed: it cannot lose anything
    assert LocalWorkbook(staff_book).read_tabs(["Realisasi"])["Realisasi"]


def test_a_crash_while_saving_leaves_the_old_file_whole(staff_book, monkeypatch):
    before = sha(staff_book)

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        LocalWorkbook(staff_book).write_ranges([RangeUpdate("Realisasi", 2, 7, [["OK"]])])
    assert sha(staff_book) == before
    assert [p.name for p in staff_book.parent.iterdir()] == ["unit.xlsx"]  # no temporary file left


def test_a_workbook_with_a_chart_is_not_written(staff_book):
    wb = openpyxl.load_workbook(staff_book)
    chart = BarChart()
    chart.add_data(
        Reference(wb["Realisasi"], min_col=4, min_row=1, max_row=3), titles_from_data=True
    )
    wb["Catatan Admin"].add_chart(chart, "D4")
    wb.save(staff_book)
    before = sha(staff_book)
    with pytest.raises(WorkbookUnsafeToWrite, match="grafik"):
        LocalWorkbook(staff_book).write_ranges([RangeUpdate("Realisasi", 2, 7, [["OK"]])])
    assert sha(staff_book) == before


def test_on_save_hook_runs_before_every_save(tmp_path):
    calls = []
    book = LocalWorkbook(tmp_path / "s.xlsx", on_save=lambda wb: calls.append(wb.sheetnames))
    book.ensure_tabs([schema.tab("log_proses")])
    book.append_rows("Log Proses", [["x"]])
    assert len(calls) >= 2 and "Log Proses" in calls[-1]


def test_fixed_time_gives_byte_identical_files(tmp_path):
    when = dt.datetime(2026, 11, 30, 7, 0)
    for name in ("a.xlsx", "b.xlsx"):
        book = LocalWorkbook(tmp_path / name, fixed_time=when)
        book.ensure_tabs(schema.unit_tabs())
        book.append_rows("Pegawai", [["198609262015051001", "Siti", "Analis", "siti@x.example"]])
    assert sha(tmp_path / "a.xlsx") == sha(tmp_path / "b.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# -- init -----------------------------------------------------------------------------------------


def test_init_creates_every_workbook_then_is_a_no_op(config):
    changes = prepare_workbooks(config)
    folder = config.path(config.local.folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [u.workbook for u in config.units] + [config.summary.workbook]
    )
    assert f"{config.units[0].name}: tab 'Realisasi' dibuat." in changes
    wb = openpyxl.load_workbook(folder / config.units[0].workbook)
    assert wb.sheetnames == ["Pegawai", "Indikator", "Realisasi", "Perilaku", "Refleksi"]
    assert [c.value for c in wb["Realisasi"][1]] == schema.tab("realisasi").headers
    dropdowns = {
        str(dv.sqref): dv.formula1 for dv in wb["Indikator"].data_validations.dataValidation
    }
    assert dropdowns["E2:E5000"] == '"Kuantitas,Kualitas,Waktu,Biaya"'
    summary = openpyxl.load_workbook(folder / config.summary.workbook)
    assert summary.sheetnames == [t.name for t in schema.summary_tabs()]

    hashes = {p.name: sha(p) for p in folder.iterdir()}
    assert prepare_workbooks(config) == []
    assert {p.name: sha(p) for p in folder.iterdir()} == hashes


def test_init_adds_missing_columns_without_touching_staff_data(config, staff_book):
    folder = config.path(config.local.folder)
    folder.mkdir(parents=True)
    target = folder / config.units[0].workbook
    wb = openpyxl.load_workbook(staff_book)
    wb["Realisasi"].delete_cols(7, 2)  # an old sheet without the system columns
    wb.save(target)
    before = openpyxl.load_workbook(target)
    changes = prepare_workbooks(config, only_unit=config.units[0].name)
    assert any("mendapat kolom Status, Pesan Validasi" in c for c in changes)
    after = openpyxl.load_workbook(target)
    for ws in before.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert after[ws.title][cell.coordinate].value == cell.value, cell.coordinate
    assert after["Realisasi"]["D3"].value == "=10+2"
    assert [c.value for c in after["Realisasi"][1]][6:] == ["Status", "Pesan Validasi"]
    assert after.sheetnames[:2] == ["Realisasi", "Catatan Admin"]
    assert not (folder / config.summary.workbook).exists()  # --unit leaves the summary alone


# -- faults: a save racing a staff save, formulas, merged cells, leftovers ------------------------


def test_a_staff_save_during_capaian_save_wins(staff_book, monkeypatch):
    staff_saved = {}
    real_fsync = os.fsync

    def staff_save_lands_while_capaian_saves(fd):
        real_fsync(fd)
        if not staff_saved:  # the temporary file is complete: now the admin presses Ctrl+S
            wb = openpyxl.load_workbook(staff_book)
            wb["Realisasi"]["F4"] = "baris baru dari admin"
            wb.save(staff_book)
            staff_saved["sha"] = sha(staff_book)

    monkeypatch.setattr(os, "fsync", staff_save_lands_while_capaian_saves)
    with pytest.raises(WorkbookChanged) as caught:
        LocalWorkbook(staff_book).write_ranges([RangeUpdate("Realisasi", 2, 7, [["OK"], ["OK"]])])
    assert str(caught.value) == (
        "Workbook unit.xlsx disimpan orang lain saat capaian sedang menyimpannya; simpanan itu "
        "dipertahankan, dan yang hendak ditulis capaian (misalnya status) akan ditulis pada "
        "proses berikutnya."
    )
    assert isinstance(caught.value, WorkbookError)
    assert sha(staff_book) == staff_saved["sha"]
    assert sorted(p.name for p in staff_book.parent.iterdir()) == ["unit.xlsx"]  # no temp file
    ws = openpyxl.load_workbook(staff_book)["Realisasi"]
    assert ws["F4"].value == "baris baru dari admin" and ws["G2"].value is None


def test_a_workbook_touched_before_the_save_is_not_replaced(staff_book):
    def admin_saves_the_same_bytes_again(book):
        staff_book.write_bytes(staff_book.read_bytes())  # same content, a newer time

    book = LocalWorkbook(staff_book, on_save=admin_saves_the_same_bytes_again)
    os.utime(staff_book, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    with pytest.raises(WorkbookChanged):
        book.write_ranges([RangeUpdate("Realisasi", 2, 7, [["OK"]])])


# A workbook as Excel saves it: each formula with the value Excel computed for it. Row 3's
# Realisasi is a shared formula (Excel stores it once, at C2, for C2:C3).
COMPUTED_SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>Tanggal</t></is></c><c r="B1" t="inlineStr"><is><t>NIP</t></is></c><c r="C1" t="inlineStr"><is><t>Realisasi</t></is></c><c r="D1" t="inlineStr"><is><t>Keterangan</t></is></c><c r="E1" t="inlineStr"><is><t>Wajib</t></is></c><c r="F1" t="inlineStr"><is><t>Status</t></is></c></row>
<row r="2"><c r="A2"><f>DATE(2026,3,2)</f><v>46083</v></c><c r="B2" t="inlineStr"><is><t>198609262015051001</t></is></c><c r="C2"><f t="shared" ref="C2:C3" si="0">10+2</f><v>12</v></c><c r="D2" t="str"><f>"Lembur "&amp;"2 jam"</f><v>Lembur 2 jam</v></c><c r="E2" t="b"><f>C2&gt;10</f><v>1</v></c></row>
<row r="3"><c r="A3"><f>A2+1</f><v>46084</v></c><c r="B3" t="inlineStr"><is><t>198609262015051001</t></is></c><c r="C3"><f t="shared" si="0"/><v>12</v></c><c r="D3" t="str"><f>IF(C3&gt;99,"x","")</f><v></v></c><c r="E3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
</sheetData></worksheet>"""


def excel_saved_book(path: Path, sheet_xml: str) -> Path:
    """A minimal .xlsx package (as Excel lays it out) whose one tab, Realisasi, is ``sheet_xml``."""
    main = "http://schemas.openxmlformats.org/"
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{main}package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{main}package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{main}officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}spreadsheetml/2006/main" '
            f'xmlns:r="{main}officeDocument/2006/relationships"><sheets>'
            '<sheet name="Realisasi" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{main}package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{main}officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def prefixed(sheet_xml: str) -> str:
    """The same sheet with every tag under a namespace prefix, as some generators write it."""
    body = re.sub(r"<(/?)(\w+)", r"<\1x:\2", sheet_xml)
    return body.replace('xmlns="', 'xmlns:x="')


@pytest.mark.parametrize("markup", [lambda xml: xml, prefixed], ids=["excel", "prefixed"])
def test_formulas_read_by_their_computed_values_through_every_save(tmp_path, markup):
    path = excel_saved_book(tmp_path / "unit.xlsx", markup(COMPUTED_SHEET))
    book = LocalWorkbook(path)
    expected = [
        [46083, "198609262015051001", 12, "Lembur 2 jam", True],
        [46084, "198609262015051001", 12, None, "#DIV/0!"],
    ]
    assert book.read_tabs(["Realisasi"])["Realisasi"][1:] == expected
    for status in ("OK", "Peringatan"):  # two runs, each saving its statuses
        book.write_ranges([RangeUpdate("Realisasi", 2, 6, [[status], [status]])])
        rows = book.read_tabs(["Realisasi"])["Realisasi"]
        assert rows[1:] == [expected[0] + [status], expected[1] + [status]]
    ws = openpyxl.load_workbook(path)["Realisasi"]  # and they are still the staff's formulas
    assert [ws[c].value for c in ("A3", "C3", "D2", "E3")] == [
        "=A2+1",
        "=10+2",
        '="Lembur "&"2 jam"',
        "=1/0",
    ]


def test_a_formula_never_computed_reads_as_its_text_for_validation_to_name(tmp_path):
    sheet = COMPUTED_SHEET.replace('<v>12</v></c><c r="D2"', '<v /></c><c r="D2"')
    path = excel_saved_book(tmp_path / "unit.xlsx", sheet)
    rows = LocalWorkbook(path).read_tabs(["Realisasi"])["Realisasi"]
    assert rows[1][2] == "=10+2"  # C2 has no computed value: its formula is what is read
    assert rows[2][2] == 12  # C3, the same shared formula, was computed


def test_a_merged_cell_over_a_system_column_is_a_clear_error(staff_book):
    wb = openpyxl.load_workbook(staff_book)
    wb["Realisasi"].merge_cells("F3:G3")  # Keterangan merged into Status
    wb.save(staff_book)
    before = sha(staff_book)
    with pytest.raises(WorkbookMergedCell) as caught:
        LocalWorkbook(staff_book).write_ranges(
            [RangeUpdate("Realisasi", 2, 7, [["OK", ""], ["Ditolak", "Tanggal kosong."]])]
        )
    assert str(caught.value) == (
        "Sel G3 di tab 'Realisasi' berada dalam sel gabungan F3:G3, sehingga capaian tidak dapat "
        "menulis di sana dan tidak ada yang ditulis; pisahkan sel itu (Unmerge Cells / Pisahkan "
        "Sel) lalu jalankan lagi."
    )
    assert isinstance(caught.value, WorkbookError)
    assert (caught.value.tab, caught.value.cell, caught.value.merged) == (
        "Realisasi",
        "G3",
        "F3:G3",
    )
    assert sha(staff_book) == before


def test_temporary_files_of_killed_runs_are_cleared_by_the_next_save(staff_book):
    killed = staff_book.with_name(f".unit.xlsx.{dead_pid()}.tmp")
    writing = staff_book.with_name(f".unit.xlsx.{live_pid()}.tmp")  # a live process is saving
    other = staff_book.with_name(f".lain.xlsx.{dead_pid()}.tmp")  # another workbook's
    for tmp in (killed, writing, other):
        tmp.write_bytes(b"PK setengah")
    LocalWorkbook(staff_book).write_ranges([RangeUpdate("Realisasi", 2, 7, [["OK"]])])
    assert sorted(p.name for p in staff_book.parent.iterdir()) == sorted(
        ["unit.xlsx", writing.name, other.name]
    )


# -- capaian's own chart --------------------------------------------------------------------------


def chart_in(wb: openpyxl.Workbook, tab: str) -> None:
    ws = wb[tab] if tab in wb.sheetnames else wb.create_sheet(tab)
    ws.append(["Unit", "Baik"])
    ws.append(["Sekretariat", 3])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2), titles_from_data=True)
    ws.add_chart(chart, "D2")


def test_capaian_own_chart_tab_is_written_but_a_foreign_chart_is_not(tmp_path):
    path = tmp_path / "ringkasan.xlsx"
    LocalWorkbook(path).ensure_tabs([schema.tab("log_proses")])
    wb = openpyxl.load_workbook(path)
    chart_in(wb, "Grafik")
    wb.save(path)
    book = LocalWorkbook(path, drawn_tabs=("Grafik",))
    book.append_rows("Log Proses", [["a"]])
    assert book.read_tabs(["Log Proses"])["Log Proses"][1] == ["a"]

    wb = openpyxl.load_workbook(path)
    chart_in(wb, "Log Proses")  # leadership's own chart beside the log
    wb.save(path)
    before = sha(path)
    with pytest.raises(WorkbookUnsafeToWrite, match="grafik"):
        book.append_rows("Log Proses", [["b"]])
    assert sha(path) == before


def test_init_works_after_the_summary_has_its_chart(demo_config, capsys):
    config_file = str(demo_config.base_dir / "config.yaml")
    assert main(["score", "--config", config_file, "--date", DEMO_DATE]) == 0
    summary = demo_config.path(demo_config.local.folder) / demo_config.summary.workbook
    with zipfile.ZipFile(summary) as archive:
        assert "xl/charts/chart1.xml" in archive.namelist()
    capsys.readouterr()
    assert main(["init", "--config", config_file]) == 0
    assert "grafik" not in capsys.readouterr().err


def test_a_merged_status_cell_stops_only_its_own_workbook(demo_config, capsys):
    folder = demo_config.path(demo_config.local.folder)
    merged = folder / demo_config.unit("Seksi Pelayanan").workbook
    wb = openpyxl.load_workbook(merged)
    wb["Realisasi"].merge_cells("G5:H6")
    wb.save(merged)
    before = sha(merged)
    config_file = str(demo_config.base_dir / "config.yaml")
    assert main(["validate", "--config", config_file, "--date", DEMO_DATE]) == 0
    out = capsys.readouterr().out
    assert "berada dalam sel gabungan G5:H6" in out
    assert main(["validate", "--json", "--config", config_file, "--date", DEMO_DATE]) == 0
    found = [f for f in json.loads(capsys.readouterr().out) if f["code"] == "merged-system-cell"]
    assert [(f["workbook"], f["tab"], f["value"]) for f in found] == [
        ("Seksi Pelayanan", "Realisasi", "H5")  # G5, the top-left cell, could be written
    ]
    assert sha(merged) == before
    others = openpyxl.load_workbook(folder / demo_config.unit("Sekretariat").workbook)
    assert others["Realisasi"]["G2"].value == "OK"  # the other units got their statuses
