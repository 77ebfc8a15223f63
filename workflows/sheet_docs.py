"""The guide to every tab and column, generated from ``sheets_schema/`` into ``docs/sheets.md``.

Run ``python -m workflows.sheet_docs`` after changing a schema; a test fails while the file is
out of date, so the guide can never drift from what validation and ``init`` do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .schema import Column, Tab, summary_tabs, unit_tabs

DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "sheets.md"
TYPE_WORDS = {
    "text": "teks",
    "nip": "NIP 18 digit (teks)",
    "email": "alamat email",
    "date": "tanggal",
    "number": "angka",
    "target": "angka atau rentang",
    "choice": "pilihan",
    "bool": "Ya/Tidak",
    "url": "tautan",
    "month_or_quarter": "bulan atau triwulan",
    "iso_week": "minggu ISO",
    "datetime": "tanggal dan jam",
}
WRITER_WORDS = {
    "admin": "admin unit",
    "staff": "ASN",
    "supervisor": "atasan",
    "system": "sistem",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _column_row(column: Column) -> str:
    rule = "wajib" if column.required else "boleh kosong"
    if column.default:
        rule += f" (bawaan: {column.default})"
    allowed = ", ".join(f"`{c}`" for c in column.choices)
    aliases = ", ".join(f"`{a}`" for a in column.aliases)
    return (
        f"| {_cell(column.name)} | {TYPE_WORDS[column.type]} | {rule} | {WRITER_WORDS[column.writer]} "
        f"| {allowed} | {aliases} | {_cell(column.description)} |"
    )


def _tab_section(tab: Tab) -> list[str]:
    return [
        f"### {tab.name}",
        "",
        tab.description,
        "",
        "| Kolom | Jenis | Aturan | Diisi oleh | Nilai yang diterima | Nama lain yang dikenali | Keterangan |",
        "|---|---|---|---|---|---|---|",
        *(_column_row(c) for c in tab.columns),
        "",
    ]


def render_sheet_docs() -> str:
    lines = [
        "# Panduan lembar kerja capaian",
        "",
        "Dibuat otomatis dari `sheets_schema/` oleh `python -m workflows.sheet_docs`; jangan diubah",
        "dengan tangan. Judul kolom dikenali tanpa membedakan huruf besar/kecil dan spasi.",
        "",
        "## Workbook unit (satu per unit)",
        "",
    ]
    for tab in unit_tabs():
        lines += _tab_section(tab)
    lines += ["## Workbook ringkasan (ditulis oleh sistem, dibaca pimpinan)", ""]
    for tab in summary_tabs():
        lines += _tab_section(tab)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    DOCS_PATH.parent.mkdir(exist_ok=True)
    DOCS_PATH.write_text(render_sheet_docs(), encoding="utf-8")
    sys.stdout.write(f"{DOCS_PATH} ditulis.\n")
