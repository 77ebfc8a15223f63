"""What capaian writes opens in LibreOffice with the same values (skipped where it is not installed).

LibreOffice re-saves each workbook through its own .xlsx import filter; the copy must hold what
openpyxl reads from the original, cell by cell, so a spreadsheet program sees what we wrote.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import DEMO_DATE
from test_local_fast import MESSAGE, excel_book

from workflows.cli import main
from workflows.local import LocalWorkbook
from workflows.workbook import RangeUpdate

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def values(path, tab):
    rows = openpyxl.load_workbook(path, data_only=True)[tab].iter_rows(values_only=True)
    return [[_plain(v) for v in row] for row in rows if any(v not in (None, "") for v in row)]


def _plain(value):
    """LibreOffice stores whole numbers as integers, 15 significant digits, empty text as no cell."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else float(f"{value:.12g}")
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return None if value == "" else value


def trimmed(rows):
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    return out


def resave(paths: list[Path], out: Path) -> list[Path]:
    """Each workbook as LibreOffice saves it after opening it (formulas computed), in ``out``."""
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{out}-profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return [out / p.name for p in paths]


def test_workbooks_written_by_the_weekly_job_open_unchanged(demo_config, tmp_path):
    config_path = demo_config.base_dir / "config.yaml"
    assert main(["weekly", "--config", str(config_path), "--date", DEMO_DATE]) == 0
    folder = demo_config.path(demo_config.local.folder)
    originals = [folder / "pelayanan.xlsx", folder / demo_config.summary.workbook]
    unit, summary = resave(originals, tmp_path / "libreoffice")
    for tab in ("Pegawai", "Indikator", "Realisasi", "Perilaku", "Refleksi"):
        assert trimmed(values(unit, tab)) == trimmed(values(originals[0], tab)), tab
    for tab in openpyxl.load_workbook(originals[1]).sheetnames:  # Ikhtisar, Tren, Grafik too
        assert trimmed(values(summary, tab)) == trimmed(values(originals[1], tab)), tab
    # the chart survives too (frozen panes are view settings, which a headless convert drops)
    assert "Grafik" in openpyxl.load_workbook(summary).sheetnames
    with zipfile.ZipFile(summary) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_staff_formulas_keep_the_values_libreoffice_computed(tmp_path):
    typed = openpyxl.Workbook()
    ws = typed.active
    ws.title = "Realisasi"
    ws.append(["Tanggal", "NIP", "ID Indikator", "Realisasi", "Bukti", "Keterangan", "Status"])
    ws.append(["=DATE(2026,3,2)", "198609262015051001", "PLY-01", "=10+2", None, '="Lembur "&"2"'])
    ws.append(["=A2+1", "198609262015051001", "PLY-02", "=D2/4", None, '=IF(D3>99,"x","")'])
    for cell in ("A2", "A3"):
        ws[cell].number_format = "DD/MM/YYYY"
    typed.save(tmp_path / "unit.xlsx")
    (saved,) = resave([tmp_path / "unit.xlsx"], tmp_path / "calc")  # as staff save it
    book = LocalWorkbook(saved)
    for status in ("OK", "Peringatan"):  # two runs, each writing its statuses
        book.write_ranges([RangeUpdate("Realisasi", 2, 7, [[status], [status]])])
        assert book.read_tabs(["Realisasi"])["Realisasi"][1:] == [
            [dt.datetime(2026, 3, 2), "198609262015051001", "PLY-01", 12, None, "Lembur 2", status],
            [dt.datetime(2026, 3, 3), "198609262015051001", "PLY-02", 3, None, None, status],
        ]
    (reopened,) = resave([saved], tmp_path / "again")  # LibreOffice computes the same values
    assert trimmed(values(reopened, "Realisasi")) == trimmed(values(saved, "Realisasi"))


PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_summary_prints_one_page_wide_and_ikhtisar_on_one_page(demo_config, tmp_path):
    config_path = demo_config.base_dir / "config.yaml"
    assert main(["score", "--config", str(config_path), "--date", DEMO_DATE]) == 0
    summary = demo_config.path(demo_config.local.folder) / demo_config.summary.workbook
    out = tmp_path / "pdf"
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{out}-profile", "--convert-to",
         "pdf", "--outdir", str(out), str(summary)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(out / "ringkasan.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    pages = [page for page in text.split("\f") if page.strip()]
    tabs = [page.split("\n")[0].strip().removesuffix(" – Minggu 2026-W48") for page in pages]
    counts = {tab: tabs.count(tab) for tab in dict.fromkeys(tabs)}
    # Riwayat: 8 weeks × 49 ASN = 392 rows, about 60 a page; Capaian Indikator 154 rows
    assert counts == {
        "Ikhtisar": 1,
        "Ringkasan Pegawai": 1,
        "Ringkasan Unit": 1,
        "Grafik": 1,
        "Tren": 1,
        "Capaian Indikator": 2,
        "Riwayat": 7,
        "Riwayat Unit": 1,
        "Temuan Validasi": 1,
        "Log Surat": 1,
        "Log Proses": 1,
    }
    # one page wide: every Riwayat page has the header row, up to its last column
    riwayat = [page for page, tab in zip(pages, tabs, strict=True) if tab == "Riwayat"]
    assert all("Minggu" in page and "Diperbarui" in page for page in riwayat)
    assert pages[-1].strip().endswith("Halaman 18 dari 18")


def test_statuses_written_in_place_open_unchanged(tmp_path):
    path = excel_book(tmp_path / "unit.xlsx")
    statuses = [["OK", ""], ["Ditolak", "Tanggal kosong."], ["Ditolak", MESSAGE], ["OK", "x & <y>"]]
    assert LocalWorkbook(path)._write_in_place([RangeUpdate("Realisasi", 2, 7, statuses)])
    (copy,) = resave([path], tmp_path / "libreoffice")
    assert trimmed(values(copy, "Realisasi")) == trimmed(values(path, "Realisasi"))
    ws = openpyxl.load_workbook(copy)["Realisasi"]
    assert [ws[f"G{r}"].value for r in range(2, 6)] == ["OK", "Ditolak", "Ditolak", "OK"]
    assert ws["H4"].value == MESSAGE and ws["H4"].alignment.wrap_text
    assert ws["D5"].value == "=D2*2" and ws["I3"].value == "catatan staf"
