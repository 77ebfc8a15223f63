"""The staff guides, generated: every tab and column from ``sheets_schema/`` into
``docs/sheets.md``, and every finding from the rule registry into ``docs/findings.md``.

Run ``python -m workflows.sheet_docs`` after changing a schema or a rule; a test fails while a
file is out of date, so the guides can never drift from what validation and ``init`` do.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .findings import STATUS_FOR_SEVERITY, Finding, Rule, make_finding
from .parse import CONTROL_CHARACTERS
from .schema import Column, Tab, summary_tabs, unit_tabs
from .validate import RULES

DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "sheets.md"
FINDINGS_PATH = DOCS_PATH.parent / "findings.md"
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


# -- docs/findings.md ----------------------------------------------------------------------------

_EXAMPLE_WORKBOOK = "pelayanan.xlsx"


def _visible(text: str) -> str:
    """Text with line breaks and other control characters shown as ↵ (one line of Markdown)."""
    return re.sub(CONTROL_CHARACTERS, "↵", text)


def rule_scope(rule: Rule) -> str:
    """Where the rule applies, in words: the tab › column, or every column of a type."""
    if rule.scope:
        return rule.scope
    if rule.column_types:
        return ", ".join(
            f"{t.name} › {c.name}"
            for t in unit_tabs()
            for c in t.columns
            if c.type in rule.column_types and not c.is_system
        )
    return f"{rule.tab} › {rule.column}" if rule.column else f"tab {rule.tab}"


def _example_value(rule: Rule) -> str:
    if "value" not in rule.example:
        return "—"
    value = str(rule.example["value"])
    return f"`{_visible(value)}`" if value else "(sel kosong)"


def example_finding(rule: Rule) -> Finding:
    """The finding ``rule`` yields on its declared example: the exact message staff would see."""
    return make_finding(rule.code, workbook=_EXAMPLE_WORKBOOK, **rule.example_arguments())


def _rule_section(rule: Rule) -> list[str]:
    example = rule.example_arguments()
    finding = example_finding(rule)
    fields = {"column": example["column"] or "", "value": "", **example}
    return [
        f"### `{rule.code}`",
        "",
        f"- Tingkat: {STATUS_FOR_SEVERITY[rule.severity]}",
        f"- Berlaku untuk: {rule_scope(rule)}",
        f"- Contoh isian: {_example_value(rule)}",
        f"- Pesan: {_visible(finding.message)}",
        f"- Cara memperbaiki: {_visible(rule.fix.format(**fields))}",
        f"- Aturan: `{rule.check}`",
        "",
    ]


def render_findings_docs() -> str:
    """docs/findings.md: every finding code, rejected ones first, each with its example."""
    rules = sorted(RULES.values(), key=lambda r: (r.severity != "error", r.code))
    lines = [
        "# Daftar temuan validasi",
        "",
        "Dibuat otomatis dari aturan pemeriksaan di `workflows/` oleh `python -m workflows.sheet_docs`;",
        "jangan diubah dengan tangan. Setiap temuan punya kode tetap: kode itu tercantum di tab",
        "Temuan Validasi workbook ringkasan dan di keluaran `validate --json`. Baris dengan temuan",
        "**Ditolak** tidak dihitung sampai diperbaiki; baris dengan **Peringatan** tetap dihitung,",
        "tetapi isinya perlu diperiksa.",
        "",
        "| Kode | Tingkat | Berlaku untuk |",
        "|---|---|---|",
        *(
            f"| [`{r.code}`](#{r.code}) | {STATUS_FOR_SEVERITY[r.severity]} | {_cell(rule_scope(r))} |"
            for r in rules
        ),
        "",
    ]
    for rule in rules:
        lines += _rule_section(rule)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    DOCS_PATH.parent.mkdir(exist_ok=True)
    for path, text in ((DOCS_PATH, render_sheet_docs()), (FINDINGS_PATH, render_findings_docs())):
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"{path} ditulis.\n")
