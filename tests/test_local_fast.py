"""The fast local paths give what the openpyxl paths gave: calamine reads the same values, and
statuses patched into the sheet XML leave a workbook openpyxl would have written, every other
cell, format and part as it was."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import DEMO_DATE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from test_local_backend import COMPUTED_SHEET, excel_saved_book, prefixed

from workflows import local, schema
from workflows.cli import main
from workflows.local import (
    LocalWorkbook,
    WorkbookChanged,
    WorkbookMergedCell,
    _calamine_grids,
    _sheet_parts,
)
from workflows.workbook import RangeUpdate, WorkbookLocked

MESSAGE = "Tanggal 31/02/2026 tidak ada di kalender; tulis tanggal yang benar, misalnya 28/02/2026."


class OpenpyxlWorkbook(LocalWorkbook):
    """The workbook as capaian wrote it before: every write through openpyxl."""

    def _write_in_place(self, updates):
        return False


def odd_book(path: Path) -> Path:
    """A unit workbook after ``init`` with every kind of cell staff leave in it."""
    LocalWorkbook(path).ensure_tabs(schema.unit_tabs())
    book = openpyxl.load_workbook(path)
    ws = book["Realisasi"]
    rows = [
        [dt.datetime(2026, 3, 2), "198609262015051001", "PLY-01", 12, "https://x", "rapat"],
        [dt.datetime(2026, 3, 2, 7, 30), 198609262015051001, "PLY-02", 12.5, None, " sp "],
        ["02/03/2026", "19860926 201505 1 001", "PLY-01", "=D2*2", None, '="a"&"b"'],
        [46083, "198609262015051001", "PLY-01", "1.234,5", True, False],
        [dt.date(2026, 3, 4), "198609262015051001", "PLY-01", 0.1 + 0.2, "#REF!", -0.0],
        [None, None, None, None, None, None],  # an empty row in the middle
        [dt.time(7, 30), "x", "PLY-01", 1e20, "& < > \" '", "baris\nkedua"],
    ]
    for row in rows:
        ws.append(row)
    ws["E6"].data_type = "e"
    ws["D3"].number_format = "0.00"
    ws["A3"].number_format = "DD/MM/YYYY"
    ws["F2"].font = Font(bold=True, color="FF0000")
    ws["B4"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["G3"] = "Ditolak"  # an earlier run's statuses, one message wrapped over two lines
    ws["H3"] = MESSAGE
    ws["H3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[3].height = 30
    ws.row_dimensions[5].height = 20  # a height staff chose
    ws["H5"].fill = PatternFill("solid", fgColor="00FF00")  # a staff colour on a message cell
    choices = DataValidation(type="list", formula1='"PLY-01,PLY-02"', allow_blank=True)
    choices.add("C2:C100")  # a dropdown staff made
    ws.add_data_validation(choices)
    ws.merge_cells("A10:C11")
    ws["A10"] = "catatan gabungan"
    notes = book.create_sheet("Catatan Admin")
    notes["A1"] = "Jangan dihapus"
    notes["B2"] = "=SUM(1,2,3)"
    book.save(path)
    return path


STATUSES = [
    ["OK", ""],
    ["OK", ""],  # row 3: its two-line message goes, and the height capaian set with it
    ["Ditolak", MESSAGE],
    ["Peringatan", "  spasi di tepi  "],
    ["", ""],
    ["Ditolak", '<b>&amp;</b> =HYPERLINK("x")'],
    ["Ditolak", MESSAGE + " " + MESSAGE],
]


def both_ways(tmp_path: Path, updates: list[RangeUpdate]) -> tuple[Path, Path, Path]:
    """(original, written in place, written by openpyxl), the same updates on two copies."""
    original = odd_book(tmp_path / "original.xlsx")
    fast = shutil.copy(original, tmp_path / "fast.xlsx")
    slow = shutil.copy(original, tmp_path / "slow.xlsx")
    LocalWorkbook(fast).write_ranges(updates)
    OpenpyxlWorkbook(slow).write_ranges(updates)
    return original, Path(fast), Path(slow)


def part(path: Path, title: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return _sheet_parts(archive)[title]


def cells(path: Path, *, data_only: bool = False) -> dict:
    """Every cell of every tab as openpyxl sees it: value, type and the whole of its format."""
    book = openpyxl.load_workbook(path, data_only=data_only)
    out = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                look = (c.number_format, repr(c.font), repr(c.fill), repr(c.border))
                look += (repr(c.alignment), repr(c.protection))
                out[ws.title, c.coordinate] = (c.value, c.data_type, look)
    return out


def style_ids(path: Path) -> dict:
    """Every cell's format as the file numbers it (``s``: its place in styles.xml)."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        for title, name in _sheet_parts(archive).items():
            xml = archive.read(name).decode("utf-8")
            for ref, style in re.findall(r'<c r="([A-Z]+[0-9]+)"(?: s="([0-9]+)")?', xml):
                out[title, ref] = int(style or 0)
    return out


def sheet_setup(path: Path) -> dict:
    """What else a tab holds: merged ranges, dropdowns, colours, widths, row heights."""
    out = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        out[ws.title] = (
            sorted(str(r) for r in ws.merged_cells.ranges),
            [(str(dv.sqref), dv.formula1) for dv in ws.data_validations.dataValidation],
            [(str(cf.sqref), [r.formula for r in cf.rules]) for cf in ws.conditional_formatting],
            {k: (d.width, d.alignment.wrap_text) for k, d in ws.column_dimensions.items()},
            {k: d.height for k, d in ws.row_dimensions.items() if d.height is not None},
            ws.freeze_panes,
        )
    return out


def test_statuses_written_in_place_are_what_openpyxl_wrote(tmp_path):
    update = RangeUpdate("Realisasi", 2, 7, STATUSES)
    _, fast, slow = both_ways(tmp_path, [update])
    assert cells(fast) == cells(slow)
    assert cells(fast, data_only=True) == cells(slow, data_only=True)
    assert sheet_setup(fast) == sheet_setup(slow)
    # two- and three-line messages; row 3's two lines gone; the staff's own height kept
    assert sheet_setup(fast)["Realisasi"][4] == {4: 30, 5: 20, 8: 45}


def test_two_ranges_for_columns_apart_are_what_openpyxl_wrote(tmp_path):
    updates = [
        RangeUpdate("Realisasi", 2, 7, [[s] for s, _ in STATUSES]),
        RangeUpdate("Realisasi", 2, 8, [[m] for _, m in STATUSES]),
    ]
    _, fast, slow = both_ways(tmp_path, updates)
    assert cells(fast) == cells(slow)
    assert sheet_setup(fast) == sheet_setup(slow)


def test_in_place_changes_nothing_but_the_two_columns(tmp_path):
    original, fast, _ = both_ways(tmp_path, [RangeUpdate("Realisasi", 2, 7, STATUSES)])
    before, after = cells(original), cells(fast)
    system = {("Realisasi", f"{col}{row}") for col in "GH" for row in range(2, 9)}
    assert {k: v for k, v in after.items() if k not in system} == {
        k: v for k, v in before.items() if k not in system
    }
    ids_before, ids_after = style_ids(original), style_ids(fast)
    assert {k: v for k, v in ids_after.items() if k not in system} == {
        k: v for k, v in ids_before.items() if k not in system
    }
    assert [after["Realisasi", f"G{row}"][0] for row in range(2, 9)] == [
        "OK",
        "OK",
        "Ditolak",
        "Peringatan",
        None,
        "Ditolak",
        "Ditolak",
    ]
    assert after["Realisasi", "H5"][0] == "  spasi di tepi  "
    assert after["Realisasi", "H7"][0] == '<b>&amp;</b> =HYPERLINK("x")'
    assert after["Realisasi", "H5"][2][2] == before["Realisasi", "H5"][2][2]  # staff colour kept
    sheet = part(fast, "Realisasi")
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(fast) as b:
        assert a.namelist() == b.namelist()
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
        old_xml, new_xml = a.read(sheet), b.read(sheet)
    # a wrapped twin of the staff's green is added; around the cells the sheet is as it was
    assert changed == [sheet, "xl/styles.xml"]
    assert old_xml.split(b"<sheetData>")[0] == new_xml.split(b"<sheetData>")[0]
    assert old_xml.split(b"</sheetData>")[1] == new_xml.split(b"</sheetData>")[1]
    assert b"<dataValidation " in old_xml and b"<conditionalFormatting " in old_xml


def test_a_second_run_leaves_the_styles_and_every_other_part_as_they_were(tmp_path):
    _, fast, _ = both_ways(tmp_path, [RangeUpdate("Realisasi", 2, 7, STATUSES)])
    once = shutil.copy(fast, tmp_path / "once.xlsx")
    LocalWorkbook(fast).write_ranges([RangeUpdate("Realisasi", 2, 7, STATUSES[::-1])])
    with zipfile.ZipFile(once) as first, zipfile.ZipFile(fast) as again:
        changed = [n for n in first.namelist() if first.read(n) != again.read(n)]
    assert changed == [part(fast, "Realisasi")]
    rows = LocalWorkbook(fast).read_tabs(["Realisasi"])["Realisasi"]
    assert [row[6] if len(row) > 6 else None for row in rows[1:8]] == [
        "Ditolak",
        "Ditolak",
        None,
        "Peringatan",
        "Ditolak",
        "OK",
        "OK",
    ]


def test_formulas_keep_their_computed_values(tmp_path):
    original, fast, _ = both_ways(tmp_path, [RangeUpdate("Realisasi", 2, 7, STATUSES)])
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(fast) as b:
        notes = part(fast, "Catatan Admin")
        assert a.read(notes) == b.read(notes)
    ws = openpyxl.load_workbook(fast)["Realisasi"]
    assert (ws["D4"].value, ws["F4"].value) == ("=D2*2", '="a"&"b"')


def test_a_staff_save_racing_the_in_place_write_wins(tmp_path, monkeypatch):
    path = odd_book(tmp_path / "unit.xlsx")
    book = LocalWorkbook(path)
    real = LocalWorkbook._replace

    def staff_saves_first(self, data, expected):
        os.utime(path, ns=(1_700_000_000_000_000_000,) * 2)  # saved meanwhile
        real(self, data, expected)

    monkeypatch.setattr(LocalWorkbook, "_replace", staff_saves_first)
    with pytest.raises(WorkbookChanged):
        book.write_ranges([RangeUpdate("Realisasi", 2, 7, STATUSES)])


# -- a workbook as Excel lays it out: shared strings, spans, a row written <row/> ------------------

MAIN = "http://schemas.openxmlformats.org/"
STRINGS = [
    *schema.tab("realisasi").headers,
    "Catatan",
    "198609262015051001",
    "PLY-01",
    "Ditolak",
    "Tanggal kosong.",
    "catatan staf",
]
EXCEL_SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}spreadsheetml/2006/main"><dimension ref="A1:I5"/>
<cols><col min="7" max="7" width="12" customWidth="1"/><col min="8" max="8" width="60" customWidth="1"/></cols>
<sheetData>
<row r="1" spans="1:9"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v>7</v></c><c r="I1" t="s"><v>8</v></c></row>
<row r="2" spans="1:4"><c r="A2" s="1"><v>46083</v></c><c r="B2" t="s"><v>9</v></c><c r="C2" t="s"><v>10</v></c><c r="D2"><v>12</v></c></row>
<row r="3" spans="1:9" ht="30" customHeight="1"><c r="A3" s="1"><v>46084</v></c><c r="B3" t="s"><v>9</v></c><c r="G3" s="2" t="s"><v>11</v></c><c r="H3" s="3" t="s"><v>12</v></c><c r="I3" t="s"><v>13</v></c></row>
<row r="4" spans="1:9" ht="20" customHeight="1"/>
<row r="5" spans="1:6"><c r="A5" s="1"><v>46085</v></c><c r="D5"><f>D2*2</f><v>24</v></c><c r="F5" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>
</sheetData><mergeCells count="1"><mergeCell ref="A7:B7"/></mergeCells>
<conditionalFormatting sqref="A2:I100"><cfRule type="expression" dxfId="0" priority="1"><formula>$G2="Ditolak"</formula></cfRule></conditionalFormatting>
<dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="C2:C100"><formula1>"PLY-01,PLY-02"</formula1></dataValidation></dataValidations>
</worksheet>"""
EXCEL_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}spreadsheetml/2006/main">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="left" wrapText="1"/></xf></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
<dxfs count="1"><dxf><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf></dxfs>
</styleSheet>"""


def excel_book(path: Path) -> Path:
    relation = f"{MAIN}officeDocument/2006/relationships"
    content = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    strings = "".join(f"<si><t>{s}</t></si>" for s in STRINGS)
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{MAIN}package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{content}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{content}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{content}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{content}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{MAIN}package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{relation}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}spreadsheetml/2006/main" xmlns:r="{relation}"><sheets>'
            '<sheet name="Realisasi" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{MAIN}package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{relation}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{relation}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{relation}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": EXCEL_SHEET,
        "xl/styles.xml": EXCEL_STYLES,
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{MAIN}spreadsheetml/2006/main" count="{len(STRINGS)}" '
            f'uniqueCount="{len(STRINGS)}">{strings}</sst>'
        ),
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_an_excel_workbook_gets_what_openpyxl_wrote(tmp_path):
    original = excel_book(tmp_path / "original.xlsx")
    fast = Path(shutil.copy(original, tmp_path / "fast.xlsx"))
    slow = Path(shutil.copy(original, tmp_path / "slow.xlsx"))
    statuses = [["OK", ""], ["Ditolak", "Tanggal kosong."], ["Ditolak", MESSAGE], ["OK", ""]]
    update = [RangeUpdate("Realisasi", 2, 7, statuses)]
    LocalWorkbook(fast).write_ranges(update)
    OpenpyxlWorkbook(slow).write_ranges(update)
    assert cells(fast) == cells(slow)
    assert cells(fast, data_only=True) == cells(slow, data_only=True)
    assert sheet_setup(fast) == sheet_setup(slow)
    assert sheet_setup(fast)["Realisasi"][4] == {4: 30}  # row 3's 30 gone, row 4's 20 replaced
    xml = zipfile.ZipFile(fast).read("xl/worksheets/sheet1.xml").decode()
    assert '<row r="2" spans="1:8">' in xml and '<c r="I3" t="s"><v>13</v></c></row>' in xml
    assert '<c r="F5" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>' in xml  # its computed value
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(fast) as b:
        assert [n for n in a.namelist() if a.read(n) != b.read(n)] == [
            "xl/worksheets/sheet1.xml",
            "xl/styles.xml",
        ]


def test_a_workbook_open_in_libreoffice_is_not_written_in_place(tmp_path):
    path = odd_book(tmp_path / "unit.xlsx")
    before = path.read_bytes()
    (tmp_path / ".~lock.unit.xlsx#").write_text("someone")
    with pytest.raises(WorkbookLocked, match="sedang dibuka di LibreOffice"):
        LocalWorkbook(path).write_ranges([RangeUpdate("Realisasi", 2, 7, STATUSES)])
    assert path.read_bytes() == before


def test_a_merged_status_cell_stops_the_in_place_write(tmp_path):
    path = odd_book(tmp_path / "unit.xlsx")
    book = openpyxl.load_workbook(path)
    book["Realisasi"].merge_cells("F4:G5")
    book.save(path)
    before = path.read_bytes()
    with pytest.raises(WorkbookMergedCell) as caught:
        LocalWorkbook(path).write_ranges([RangeUpdate("Realisasi", 2, 7, STATUSES)])
    assert (caught.value.cell, caught.value.merged) == ("G4", "F4:G5")
    assert path.read_bytes() == before


def test_a_formula_in_a_status_cell_is_left_to_openpyxl(tmp_path):
    path = odd_book(tmp_path / "unit.xlsx")
    book = openpyxl.load_workbook(path)
    book["Realisasi"]["G2"] = '=IF(A2="","","OK")'
    book.save(path)
    before = path.read_bytes()
    update = [RangeUpdate("Realisasi", 2, 7, STATUSES)]
    assert LocalWorkbook(path)._write_in_place(update) is False
    assert path.read_bytes() == before
    LocalWorkbook(path).write_ranges(update)
    assert openpyxl.load_workbook(path)["Realisasi"]["G2"].value == "OK"


# -- the weekly write-back on the demo workbooks, both ways --------------------------------------


def test_validate_writes_the_demo_workbooks_as_openpyxl_did(demo_config, tmp_path, monkeypatch):
    slow_base = tmp_path / "openpyxl"
    shutil.copytree(demo_config.base_dir, slow_base)
    unit = "Seksi Trantib"  # its Realisasi holds the demo's staff formula row
    fast = demo_config.path(demo_config.local.folder) / demo_config.unit(unit).workbook
    original = shutil.copy(fast, tmp_path / "original.xlsx")
    for base in (demo_config.base_dir, slow_base):
        config = str(base / "config.yaml")
        assert main(["validate", "--config", config, "--date", DEMO_DATE, "--unit", unit]) == 0
        monkeypatch.setattr(LocalWorkbook, "_write_in_place", OpenpyxlWorkbook._write_in_place)
    slow = slow_base / fast.relative_to(demo_config.base_dir)
    assert cells(fast) == cells(slow)
    assert sheet_setup(fast) == sheet_setup(slow)
    assert cells(fast)["Realisasi", "G2"][0] == "OK"
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(fast) as b:  # written in place
        assert a.read("docProps/core.xml") == b.read("docProps/core.xml")


# -- reading: calamine's values are openpyxl's ----------------------------------------------------


def typed(grids: dict) -> dict:
    """Each tab's rows with every value's type beside it (12 and 12.0 differ)."""
    return {
        title: [[(type(v).__name__, v) for v in row] for row in grid.as_requested(False)]
        for title, grid in grids.items()
    }


def both_readers(path: Path) -> tuple[dict, dict]:
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        titles = list(_sheet_parts(archive))
    return typed(_calamine_grids(data, titles)), typed(
        LocalWorkbook(path)._openpyxl_grids(data, titles)
    )


def test_calamine_reads_every_kind_of_cell_as_openpyxl_did(tmp_path):
    path = odd_book(tmp_path / "unit.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book.create_sheet("Format")
    formats = ["[$-421]dd mmmm yyyy", "d-mmm-yy", "hh:mm", "[h]:mm:ss", "0.00", "@", "0%"]
    for r, number_format in enumerate(formats, start=1):
        for c, value in enumerate([46083, 46083.5, 0.25, 3, 1.5], start=1):
            ws.cell(r, c, value).number_format = number_format
    ws["A9"] = dt.timedelta(hours=5)
    ws["B9"] = 12345678901234567890
    book.save(path)
    new, old = both_readers(path)
    assert new == old
    assert new["Realisasi"][2][:4] == [
        ("datetime", dt.datetime(2026, 3, 2, 7, 30)),
        ("float", 1.98609262015051e17),
        ("str", "PLY-02"),
        ("float", 12.5),
    ]
    assert new["Realisasi"][5][4] == ("str", "#REF!")


def test_calamine_reads_the_demo_workbooks_as_openpyxl_did(demo_config):
    folder = demo_config.path(demo_config.local.folder)
    for path in sorted(folder.glob("*.xlsx")):
        new, old = both_readers(path)
        assert new == old, path.name


def test_calamine_reads_excel_markup_as_openpyxl_did(tmp_path):
    new, old = both_readers(excel_book(tmp_path / "excel.xlsx"))
    assert new == old
    assert new["Realisasi"][3] == []  # a row written <row/> is empty


@pytest.mark.parametrize("markup", [lambda xml: xml, prefixed], ids=["excel", "prefixed"])
def test_calamine_reads_formulas_as_openpyxl_did(tmp_path, markup):
    path = excel_saved_book(tmp_path / "unit.xlsx", markup(COMPUTED_SHEET))
    new, old = both_readers(path)
    assert new == old
    assert new["Realisasi"][1][0] == ("int", 46083)  # a whole number stays an int


def test_a_second_read_of_the_unchanged_file_reuses_the_first(tmp_path, monkeypatch):
    path = odd_book(tmp_path / "unit.xlsx")
    book = LocalWorkbook(path)
    calls = []
    real = local._calamine_grids

    def counted(data, titles):
        calls.append(sorted(titles))
        return real(data, titles)

    monkeypatch.setattr(local, "_calamine_grids", counted)
    first = book.read_tabs(["Realisasi", "Pegawai"], by_column=["Realisasi"])
    again = book.read_tabs(["Realisasi"])
    assert calls == [["Pegawai", "Realisasi"]]
    assert again["Realisasi"] == first["Realisasi"].to_rows()
    book.write_ranges([RangeUpdate("Realisasi", 2, 7, STATUSES)])  # the file changes
    assert book.read_tabs(["Realisasi"])["Realisasi"][1][6:] == ["OK"]
    assert calls == [["Pegawai", "Realisasi"], ["Realisasi"]]


def test_iso_dates_are_read_by_openpyxl(tmp_path):
    book = openpyxl.Workbook()
    book.iso_dates = True  # cells of type "d": calamine would read the date as a datetime
    ws = book.active
    ws.title = "Realisasi"
    ws.append(["Tanggal", "Selesai"])
    ws.append([dt.datetime(2026, 3, 2, 7, 30), dt.date(2026, 3, 3)])
    book.save(tmp_path / "iso.xlsx")
    rows = LocalWorkbook(tmp_path / "iso.xlsx").read_tabs(["Realisasi"])["Realisasi"]
    assert rows[1] == [dt.datetime(2026, 3, 2, 7, 30), dt.date(2026, 3, 3)]
    assert type(rows[1][1]) is dt.date
