"""The local .xlsx backend: values round-trip as typed, nothing staff typed is lost, writes are atomic."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from workflows import schema
from workflows.local import LocalWorkbook
from workflows.prepare import prepare_workbooks
from workflows.workbook import (
    RangeUpdate,
    Workbook,
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
    # a formula that no spreadsheet program has computed yet has no value to read
    assert rows[2] == ["02/03/2026", "19860926 201505 1 001", "PLY-02", None, None, "08123"]
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
