"""run_validation and the validate command on real .xlsx demo workbooks."""

from __future__ import annotations

import json

import openpyxl

from workflows import check
from workflows.calendar import run_week_for
from workflows.cli import main
from workflows.context import entry_period
from workflows.demo import DEMO_TODAY, planted_mistakes
from workflows.local import LocalWorkbook

SEKRETARIAT = "Sekretariat"
TRANTIB = "Seksi Trantib"  # the demo unit with a staff formula in Realisasi


def week(config):
    return run_week_for(config, DEMO_TODAY)


def judged(config) -> dict:
    """Validation's real today and the dates an entry may carry, on the demo's Monday."""
    return {"today": DEMO_TODAY, "entry_period": entry_period(config, DEMO_TODAY)}


def workbook_path(config, unit_name: str):
    return config.path(config.local.folder) / config.unit(unit_name).workbook


def every_cell(path) -> dict[tuple[str, int, int], object]:
    """Every stored cell of every sheet, formulas as formulas."""
    book = openpyxl.load_workbook(path)
    cells = {
        (ws.title, c.row, c.column): c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    book.close()
    return cells


def system_columns(path) -> set[int]:
    book = openpyxl.load_workbook(path, read_only=True)
    header = next(book["Realisasi"].iter_rows(max_row=1, values_only=True))
    book.close()
    return {i + 1 for i, h in enumerate(header) if h in ("Status", "Pesan Validasi")}


def test_planted_mistakes_are_found_and_nothing_else_is_rejected(demo_config):
    run = check.run_validation(
        demo_config, week(demo_config), **judged(demo_config), write_back=False
    )
    found = {
        (u.unit, f.tab, f.row, f.column, f.code, f.severity) for u in run.units for f in u.findings
    }
    # the Realisasi mistakes and the bad rows of the Survei and Layanan records
    mistakes = planted_mistakes(run.week)
    planted = {(p.unit, p.tab, p.row, p.column, p.code, p.severity) for p in mistakes}
    assert found == planted
    assert not any(u.failed for u in run.units)
    rejected = run.tables["rejected"]
    assert set(zip(rejected["unit"], rejected["row"], strict=True)) == {
        (p.unit, p.row) for p in mistakes if p.severity == "error" and p.tab == "Realisasi"
    }
    assert run.writeback == []


def test_write_back_changes_no_staff_cell(demo_config):
    path = workbook_path(demo_config, TRANTIB)
    before = every_cell(path)
    run = check.run_validation(
        demo_config, week(demo_config), **judged(demo_config), only_unit=TRANTIB
    )
    assert run.writeback[0].startswith("Seksi Trantib: status ")
    after = every_cell(path)
    system = system_columns(path)

    def staff(cells):
        return {k: v for k, v in cells.items() if not (k[0] == "Realisasi" and k[2] in system)}

    assert staff(after) == staff(before)  # formulas included: the Keterangan formula stays
    assert any(isinstance(v, str) and v.startswith("=") for v in staff(after).values())
    status_col, message_col = sorted(system)
    assert after[("Realisasi", 880, status_col)] == "Ditolak"
    assert "sesudah hari ini" in after[("Realisasi", 880, message_col)]
    assert after[("Realisasi", 2, status_col)] == "OK"
    assert ("Realisasi", 2, message_col) not in after

    again = check.run_validation(
        demo_config, week(demo_config), **judged(demo_config), only_unit=TRANTIB
    )
    assert again.writeback == ["Seksi Trantib: status sudah sesuai; tidak ada yang ditulis."]


def test_a_sheet_edited_between_read_and_write_gets_no_status(demo_config, monkeypatch):
    path = workbook_path(demo_config, SEKRETARIAT)
    real_read = LocalWorkbook.read_tabs
    calls = []

    def read_then_someone_inserts_a_row(self, tabs, **options):
        out = real_read(self, tabs, **options)
        if self.path == path and len(tabs) > 1:
            calls.append(tabs)
            book = openpyxl.load_workbook(path)
            book["Realisasi"].insert_rows(5)  # staff insert a row meanwhile
            book.save(path)
        return out

    monkeypatch.setattr(LocalWorkbook, "read_tabs", read_then_someone_inserts_a_row)
    run = check.run_validation(
        demo_config, week(demo_config), **judged(demo_config), only_unit=SEKRETARIAT
    )
    edited = every_cell(path)
    assert calls and "berubah sejak dibaca" in run.writeback[0]
    status_col = min(system_columns(path))
    assert not any(k[0] == "Realisasi" and k[2] == status_col and k[1] > 1 for k in edited)


def test_missing_system_columns_are_reported_not_written(demo_config):
    path = workbook_path(demo_config, SEKRETARIAT)
    book = openpyxl.load_workbook(path)
    ws = book["Realisasi"]
    ws.delete_cols(min(system_columns(path)), 2)
    book.save(path)
    before = every_cell(path)
    run = check.run_validation(
        demo_config, week(demo_config), **judged(demo_config), only_unit=SEKRETARIAT
    )
    assert "python run.py init" in run.writeback[0]
    assert every_cell(path) == before


def test_an_unreadable_workbook_is_a_finding_and_the_others_go_on(demo_config):
    workbook_path(demo_config, SEKRETARIAT).write_bytes(b"bukan xlsx")
    run = check.run_validation(
        demo_config, week(demo_config), **judged(demo_config), write_back=False
    )
    first = run.units[0]
    assert first.failed and [f.code for f in first.findings] == ["workbook-unreadable"]
    assert first.findings[0].message.startswith("Workbook Sekretariat: ")
    assert not any(u.failed for u in run.units[1:])
    assert len(run.tables["realisasi"]) > 1000


def test_validate_json_prints_the_findings(demo_config, capsys):
    path = demo_config.base_dir / "config.yaml"
    argv = ["validate", "--json", "--date", "2026-11-30", "--config", str(path), "--unit", TRANTIB]
    status = main(argv)
    out = capsys.readouterr()
    assert status == 0
    findings = json.loads(out.out)
    assert [(f["row"], f["code"]) for f in findings] == [(880, "future-date")]
    assert set(findings[0]) == {
        "workbook",
        "tab",
        "row",
        "column",
        "value",
        "severity",
        "code",
        "message",
    }
    assert "ditulis" in out.err


def test_validate_prints_a_table_and_a_summary(demo_config, capsys):
    path = demo_config.base_dir / "config.yaml"
    argv = ["validate", "--date", "2026-11-30", "--config", str(path), "--unit", "Seksi Pelayanan"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "== Seksi Pelayanan ==" in out and "Sekretariat" not in out
    assert "Ditolak" in out and "Peringatan" in out
    assert "Seksi Pelayanan: status " in out and "Minggu 2026-W48: 1 workbook diperiksa" in out


def test_temuan_rows_follow_the_summary_schema(demo_config):
    from workflows.schema import tab

    run = check.run_validation(
        demo_config,
        week(demo_config),
        **judged(demo_config),
        only_unit=SEKRETARIAT,
        write_back=False,
    )
    rows = check.temuan_rows(run, demo_config)
    assert len(rows) == len(run.findings)
    assert all(len(r) == len(tab("temuan_validasi").columns) for r in rows)
    assert rows[0][:3] == ["2026-W48", SEKRETARIAT, "sekretariat.xlsx"]
