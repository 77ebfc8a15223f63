"""Load the tab declarations in ``sheets_schema/``: the one source of truth for every column.

Validation, sheet set-up (``init``) and the docs read these objects; nothing else hard-codes a
header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "sheets_schema"

COLUMN_TYPES = {
    "text",
    "nip",
    "email",
    "date",
    "number",
    "target",
    "choice",
    "bool",
    "url",
    "month_or_quarter",
    "iso_week",
    "datetime",
}
WRITERS = {"admin", "staff", "supervisor", "system"}
FORMATS = {"integer", "decimal", "percent", "date", "datetime"}


def normalise_header(text: object) -> str:
    """Header text folded for matching: case-, space- and punctuation-spacing-insensitive."""
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def normalise_choice(text: object) -> str:
    """A cell value folded for matching against a column's allowed values."""
    return re.sub(r"[\s_]+", " ", str(text or "")).strip().casefold()


@dataclass(frozen=True)
class Column:
    name: str
    key: str
    type: str
    writer: str
    required: bool = False
    required_column: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default: str | None = None
    format: str | None = None
    width: int | None = None
    description: str = ""

    @property
    def is_system(self) -> bool:
        return self.writer == "system"

    def header_forms(self) -> set[str]:
        """Every folded header text that names this column."""
        return {normalise_header(self.name), *(normalise_header(a) for a in self.aliases)}

    def canonical_choice(self, value: object) -> str | None:
        """The canonical allowed value for ``value`` (synonyms accepted), or None."""
        folded = normalise_choice(value)
        for canonical, synonyms in self.choices.items():
            if folded == normalise_choice(canonical) or folded in {
                normalise_choice(s) for s in synonyms
            }:
                return canonical
        return None


@dataclass(frozen=True)
class Tab:
    name: str
    key: str
    workbook: str
    description: str
    columns: tuple[Column, ...]
    optional: bool = False  # a record tab (Survei, Layanan): needed only where an indicator uses it
    aliases: tuple[str, ...] = ()  # other tab titles read as this tab (a Google Form's responses)

    @property
    def titles(self) -> tuple[str, ...]:
        """Every tab title read as this tab, the canonical name first."""
        return (self.name, *self.aliases)

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.name} has no column {key!r}")

    def match_header(self, header: object) -> Column | None:
        """The column a sheet header names (exact name or alias, folded), or None."""
        folded = normalise_header(header)
        for col in self.columns:
            if folded in col.header_forms():
                return col
        return None


class SchemaError(ValueError):
    """A declaration in sheets_schema/ is malformed (a developer error, caught by the tests)."""


def _load_column(raw: dict, where: str) -> Column:
    unknown = set(raw) - {f for f in Column.__dataclass_fields__}
    if unknown:
        raise SchemaError(f"{where}: unknown field(s) {sorted(unknown)}")
    for needed in ("name", "key", "type", "writer"):
        if needed not in raw:
            raise SchemaError(f"{where}: column lacks {needed!r}")
    if raw["type"] not in COLUMN_TYPES:
        raise SchemaError(f"{where}: type {raw['type']!r} is not one of {sorted(COLUMN_TYPES)}")
    if raw["writer"] not in WRITERS:
        raise SchemaError(f"{where}: writer {raw['writer']!r} is not one of {sorted(WRITERS)}")
    if raw.get("format") is not None and raw["format"] not in FORMATS:
        raise SchemaError(f"{where}: format {raw['format']!r} is not one of {sorted(FORMATS)}")
    choices = {
        str(k): tuple(str(s) for s in (v or ())) for k, v in (raw.get("choices") or {}).items()
    }
    if raw["type"] in {"choice", "bool"} and not choices:
        raise SchemaError(f"{where}: a {raw['type']} column needs choices")
    required = bool(raw.get("required", False))
    return Column(
        name=str(raw["name"]),
        key=str(raw["key"]),
        type=raw["type"],
        writer=raw["writer"],
        required=required,
        required_column=bool(raw.get("required_column", required)),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        choices=choices,
        default=None if raw.get("default") is None else str(raw["default"]),
        format=raw.get("format"),
        width=raw.get("width"),
        description=str(raw.get("description") or ""),
    )


def load_tab(path: Path) -> Tab:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = path.name
    for needed in ("name", "key", "workbook", "columns"):
        if needed not in raw:
            raise SchemaError(f"{where}: lacks {needed!r}")
    columns = tuple(
        _load_column(c, f"{where} column {i + 1}") for i, c in enumerate(raw["columns"])
    )
    tab = Tab(
        name=str(raw["name"]),
        key=str(raw["key"]),
        workbook=str(raw["workbook"]),
        description=str(raw.get("description") or ""),
        columns=columns,
        optional=bool(raw.get("optional", False)),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
    )
    seen: set[str] = set()
    for col in columns:
        clash = col.header_forms() & seen
        if clash:
            raise SchemaError(f"{where}: header {sorted(clash)} names two columns")
        seen |= col.header_forms()
    if len({c.key for c in columns}) != len(columns):
        raise SchemaError(f"{where}: duplicate column key")
    return tab


@cache
def load_schemas(directory: Path = SCHEMA_DIR) -> dict[str, Tab]:
    """All tab declarations, keyed by tab key, in a stable order (unit tabs, then summary)."""
    tabs: dict[str, Tab] = {}
    for sub in ("unit", "summary"):
        for path in sorted((directory / sub).glob("*.yaml")):
            tab = load_tab(path)
            if tab.workbook != sub:
                raise SchemaError(f"{path.name}: workbook {tab.workbook!r} but lies in {sub}/")
            tabs[tab.key] = tab
    return tabs


# The order tabs appear in a workbook, as staff and leadership expect to see them.
UNIT_TAB_ORDER = ("pegawai", "indikator", "realisasi", "perilaku", "refleksi")
# Optional unit tabs of records that computed indicators read (workflows/outcomes.py).
RECORD_TAB_ORDER = ("survei", "layanan")
SUMMARY_TAB_ORDER = (
    "ringkasan_pegawai",
    "ringkasan_unit",
    "capaian_indikator",
    "riwayat",
    "riwayat_unit",
    "temuan_validasi",
    "log_surat",
    "log_proses",
)


def unit_tabs() -> list[Tab]:
    schemas = load_schemas()
    return [schemas[k] for k in UNIT_TAB_ORDER]


def record_tabs() -> list[Tab]:
    schemas = load_schemas()
    return [schemas[k] for k in RECORD_TAB_ORDER]


def summary_tabs() -> list[Tab]:
    schemas = load_schemas()
    return [schemas[k] for k in SUMMARY_TAB_ORDER]


def tab(key: str) -> Tab:
    return load_schemas()[key]
