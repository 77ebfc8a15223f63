"""The bad-input corpus: every rule's bad input, one finding each, and never an exception.

Each case appends one row (a clean template with some cells changed) to a small clean unit and
asserts the finding's (row, column, severity, code). Whole-tab cases change the header or drop
a tab.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc

import pytest

from workflows.config import Period
from workflows.schema import tab
from workflows.validate import RULES, validate_unit

TODAY = dt.date(2026, 11, 30)
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
A = "198609262015051001"  # Ani
B = "199001012015032002"  # Budi, inactive
C = "197505052000031003"  # Cici, head of unit
D = "199203142019032004"  # a new ASN in the Pegawai template row
STRANGER = "197001012000011001"  # a well-formed NIP nobody has


def rows(tab_key: str, *records: dict) -> list[list]:
    """A tab's rows: the schema header, then each record's cells in header order."""
    headers = tab(tab_key).headers
    return [headers] + [[record.get(h) for h in headers] for record in records]


def clean_unit() -> dict[str, list[list]]:
    return {
        "Pegawai": rows(
            "pegawai",
            {
                "NIP": A,
                "Nama": "Ani",
                "Jabatan": "Staf",
                "Email": "ani@asemrowo.go.id",
                "NIP Atasan": C,
            },
            {
                "NIP": B,
                "Nama": "Budi",
                "Jabatan": "Staf",
                "Email": "budi@asemrowo.go.id",
                "Status": "Nonaktif",
            },
            {"NIP": C, "Nama": "Cici", "Jabatan": "Kasi", "Email": "cici@asemrowo.go.id"},
        ),
        "Indikator": rows(
            "indikator",
            {
                "ID": "PLY-01",
                "NIP": A,
                "Rencana Hasil Kerja": "Layanan",
                "Indikator": "Dokumen",
                "Aspek": "Kuantitas",
                "Satuan": "dokumen",
                "Target": 100,
                "Arah": "Naik",
                "Agregasi": "Jumlah",
                "Bobot": 2,
                "Wajib Bukti": "Ya",
            },
            {
                "ID": "PLY-02",
                "NIP": A,
                "Rencana Hasil Kerja": "Layanan",
                "Indikator": "Sesuai SOP",
                "Aspek": "Kualitas",
                "Satuan": "%",
                "Target": "80-90",
                "Arah": "Naik",
                "Agregasi": "Rata-rata",
                "Bobot": 1,
            },
            {
                "ID": "PLY-03",
                "NIP": C,
                "Rencana Hasil Kerja": "Layanan",
                "Indikator": "Waktu",
                "Aspek": "Waktu",
                "Satuan": "hari",
                "Target": 5,
                "Arah": "Turun",
                "Agregasi": "Terakhir",
                "Bobot": 1,
            },
        ),
        "Realisasi": rows(
            "realisasi",
            {
                "Tanggal": "20/11/2026",
                "NIP": A,
                "ID Indikator": "PLY-01",
                "Realisasi": 3,
                "Bukti": "https://drive.google.com/a",
            },
            {
                "Tanggal": dt.datetime(2026, 11, 21),
                "NIP": C,
                "ID Indikator": "PLY-03",
                "Realisasi": "4,5",
            },
        ),
        "Perilaku": rows("perilaku", {"Periode": "2026-11", "NIP": A, "Akuntabel": "Sesuai"}),
        "Refleksi": rows("refleksi", {"Minggu": "2026-W48", "NIP": A, "Kendala": "Tidak ada"}),
    }


TEMPLATES = {
    "Pegawai": {
        "NIP": D,
        "Nama": "Dedi",
        "Jabatan": "Staf",
        "Email": "dedi@asemrowo.go.id",
        "NIP Atasan": C,
        "Status": "Aktif",
    },
    "Indikator": {
        "ID": "PLY-09",
        "NIP": A,
        "Rencana Hasil Kerja": "Layanan",
        "Indikator": "Baru",
        "Aspek": "Kuantitas",
        "Satuan": "dokumen",
        "Target": 10,
        "Arah": "Naik",
        "Agregasi": "Jumlah",
        "Bobot": 1,
        "Wajib Bukti": "Tidak",
    },
    "Realisasi": {
        "Tanggal": "20/11/2026",
        "NIP": A,
        "ID Indikator": "PLY-02",
        "Realisasi": "85",
        "Bukti": "https://drive.google.com/b",
    },
    "Perilaku": {"Periode": "2026-10", "NIP": A, "Akuntabel": "Sesuai Ekspektasi"},
    "Refleksi": {"Minggu": "2026-W47", "NIP": A, "Kendala": "Jaringan lambat"},
}
KEYS = {
    "Pegawai": "pegawai",
    "Indikator": "indikator",
    "Realisasi": "realisasi",
    "Perilaku": "perilaku",
    "Refleksi": "refleksi",
}

# (tab, cells changed in the template row, column of the finding, code, severity)
ROW_CASES = [
    # Realisasi: numbers
    ("Realisasi", {"Realisasi": "dua belas"}, "Realisasi", "not-a-number", "error"),
    ("Realisasi", {"Realisasi": "12 dokumen"}, "Realisasi", "not-a-number", "error"),
    ("Realisasi", {"Realisasi": "80-90"}, "Realisasi", "not-a-number", "error"),
    ("Realisasi", {"Realisasi": "1.2.3,4,5"}, "Realisasi", "not-a-number", "error"),
    ("Realisasi", {"Realisasi": True}, "Realisasi", "not-a-number", "error"),
    ("Realisasi", {"Realisasi": "-3"}, "Realisasi", "negative-number", "error"),
    ("Realisasi", {"Realisasi": -3}, "Realisasi", "negative-number", "error"),
    ("Realisasi", {"Realisasi": "- 2,5"}, "Realisasi", "negative-number", "error"),
    ("Realisasi", {"Realisasi": ""}, "Realisasi", "required-missing", "error"),
    ("Realisasi", {"Realisasi": None}, "Realisasi", "required-missing", "error"),
    ("Realisasi", {"Realisasi": "#REF!"}, "Realisasi", "formula-error", "error"),
    ("Realisasi", {"Realisasi": "#N/A"}, "Realisasi", "formula-error", "error"),
    ("Realisasi", {"Realisasi": "#VALUE!"}, "Realisasi", "formula-error", "error"),
    ("Realisasi", {"Realisasi": "#DIV/0!"}, "Realisasi", "formula-error", "error"),
    ("Realisasi", {"Realisasi": "#NAME?"}, "Realisasi", "formula-error", "error"),
    # Realisasi: dates
    ("Realisasi", {"Tanggal": "31/02/2026"}, "Tanggal", "impossible-date", "error"),
    ("Realisasi", {"Tanggal": "2026-02-30"}, "Tanggal", "impossible-date", "error"),
    ("Realisasi", {"Tanggal": "30 Februari 2026"}, "Tanggal", "impossible-date", "error"),
    ("Realisasi", {"Tanggal": "11/29/2026"}, "Tanggal", "impossible-date", "error"),
    ("Realisasi", {"Tanggal": "besok"}, "Tanggal", "not-a-date", "error"),
    ("Realisasi", {"Tanggal": "29/11"}, "Tanggal", "not-a-date", "error"),
    ("Realisasi", {"Tanggal": "29 Nopembre 2026"}, "Tanggal", "not-a-date", "error"),
    ("Realisasi", {"Tanggal": True}, "Tanggal", "not-a-date", "error"),
    ("Realisasi", {"Tanggal": ""}, "Tanggal", "required-missing", "error"),
    ("Realisasi", {"Tanggal": "#VALUE!"}, "Tanggal", "formula-error", "error"),
    ("Realisasi", {"Tanggal": "01/12/2026"}, "Tanggal", "future-date", "error"),
    ("Realisasi", {"Tanggal": dt.datetime(2026, 12, 5)}, "Tanggal", "future-date", "error"),
    ("Realisasi", {"Tanggal": 46400}, "Tanggal", "future-date", "error"),
    ("Realisasi", {"Tanggal": "15/12/2025"}, "Tanggal", "date-outside-period", "error"),
    ("Realisasi", {"Tanggal": 46000}, "Tanggal", "date-outside-period", "error"),
    # Realisasi: NIP and references
    ("Realisasi", {"NIP": "12345"}, "NIP", "nip-format", "error"),
    ("Realisasi", {"NIP": "1986092620150510011"}, "NIP", "nip-format", "error"),
    ("Realisasi", {"NIP": "19860926-201505-1-001"}, "NIP", "nip-format", "error"),
    ("Realisasi", {"NIP": 1.98609262015051e17}, "NIP", "nip-scientific", "error"),
    ("Realisasi", {"NIP": "1.98609E+17"}, "NIP", "nip-scientific", "error"),
    ("Realisasi", {"NIP": "198613322015051001"}, "NIP", "nip-structure", "error"),
    ("Realisasi", {"NIP": "198609262015053001"}, "NIP", "nip-structure", "error"),
    ("Realisasi", {"NIP": "198609261985051001"}, "NIP", "nip-structure", "error"),
    ("Realisasi", {"NIP": "198609262015131001"}, "NIP", "nip-structure", "error"),
    ("Realisasi", {"NIP": "198609262015051000"}, "NIP", "nip-structure", "error"),
    ("Realisasi", {"NIP": ""}, "NIP", "required-missing", "error"),
    ("Realisasi", {"NIP": "#N/A"}, "NIP", "formula-error", "error"),
    ("Realisasi", {"NIP": STRANGER}, "NIP", "unknown-nip", "error"),
    ("Realisasi", {"NIP": B}, "NIP", "inactive-nip", "error"),
    ("Realisasi", {"ID Indikator": "PLY-99"}, "ID Indikator", "unknown-indicator", "error"),
    ("Realisasi", {"ID Indikator": "PLY-03"}, "ID Indikator", "indicator-other-nip", "error"),
    ("Realisasi", {"ID Indikator": ""}, "ID Indikator", "required-missing", "error"),
    # Realisasi: evidence and warnings
    (
        "Realisasi",
        {"ID Indikator": "PLY-01", "Realisasi": 5, "Bukti": None},
        "Bukti",
        "evidence-required",
        "error",
    ),
    ("Realisasi", {"Bukti": "drive folder saya"}, "Bukti", "invalid-url", "error"),
    ("Realisasi", {"Bukti": "ftp://files.example/x"}, "Bukti", "invalid-url", "error"),
    (
        "Realisasi",
        {"ID Indikator": "PLY-01", "Realisasi": 150},
        "Realisasi",
        "implausible-value",
        "warning",
    ),
    ("Realisasi", {"Realisasi": "105"}, "Realisasi", "percent-over-100", "warning"),
    # Pegawai
    ("Pegawai", {"NIP": A}, "NIP", "duplicate-nip", "error"),
    ("Pegawai", {"NIP": 1.99203142019032e17}, "NIP", "nip-scientific", "error"),
    ("Pegawai", {"NIP": "19920314201903200"}, "NIP", "nip-format", "error"),
    ("Pegawai", {"Email": "bukan-email"}, "Email", "invalid-email", "error"),
    ("Pegawai", {"Email": "dedi@asemrowo"}, "Email", "invalid-email", "error"),
    ("Pegawai", {"Email": "dedi@asemrowo.-go.id"}, "Email", "invalid-email", "error"),
    ("Pegawai", {"Email": "dedi..s@asemrowo.go.id"}, "Email", "invalid-email", "error"),
    ("Pegawai", {"Email": ""}, "Email", "required-missing", "error"),
    ("Pegawai", {"Nama": ""}, "Nama", "required-missing", "error"),
    ("Pegawai", {"Nama": "Dedi\nSaputra"}, "Nama", "line-break", "error"),
    ("Pegawai", {"Nama": "Dedi\r\nSaputra"}, "Nama", "line-break", "error"),
    ("Pegawai", {"Nama": "Dedi\u2028Saputra"}, "Nama", "line-break", "error"),
    ("Pegawai", {"Nama": "Dedi\tSaputra"}, "Nama", "line-break", "error"),
    ("Pegawai", {"Jabatan": None}, "Jabatan", "required-missing", "error"),
    ("Pegawai", {"NIP Atasan": STRANGER}, "NIP Atasan", "unknown-supervisor", "error"),
    ("Pegawai", {"NIP Atasan": "123"}, "NIP Atasan", "nip-format", "error"),
    ("Pegawai", {"Status": "Pensiun"}, "Status", "invalid-choice", "error"),
    # Indikator
    ("Indikator", {"ID": "PLY-01"}, "ID", "duplicate-indicator-id", "error"),
    ("Indikator", {"ID": " ply-01 "}, "ID", "duplicate-indicator-id", "error"),
    ("Indikator", {"NIP": STRANGER}, "NIP", "unknown-nip", "error"),
    ("Indikator", {"Aspek": "Kecepatan"}, "Aspek", "invalid-choice", "error"),
    ("Indikator", {"Arah": "Atas"}, "Arah", "invalid-choice", "error"),
    ("Indikator", {"Agregasi": "Median"}, "Agregasi", "invalid-choice", "error"),
    ("Indikator", {"Agregasi": ""}, "Agregasi", "required-missing", "error"),
    ("Indikator", {"Wajib Bukti": "Mungkin"}, "Wajib Bukti", "invalid-choice", "error"),
    ("Indikator", {"Target": 0}, "Target", "invalid-target", "error"),
    ("Indikator", {"Target": "-5"}, "Target", "invalid-target", "error"),
    ("Indikator", {"Target": "90-80"}, "Target", "invalid-target", "error"),
    ("Indikator", {"Target": "banyak"}, "Target", "invalid-target", "error"),
    ("Indikator", {"Target": ""}, "Target", "required-missing", "error"),
    ("Indikator", {"Bobot": 0}, "Bobot", "invalid-weight", "error"),
    ("Indikator", {"Bobot": "-1"}, "Bobot", "invalid-weight", "error"),
    ("Indikator", {"Bobot": "berat"}, "Bobot", "not-a-number", "error"),
    ("Indikator", {"Satuan": ""}, "Satuan", "required-missing", "error"),
    # Perilaku
    ("Perilaku", {"Periode": "2026-13"}, "Periode", "invalid-period", "error"),
    ("Perilaku", {"Periode": "November"}, "Periode", "invalid-period", "error"),
    ("Perilaku", {"Periode": "2025-11"}, "Periode", "date-outside-period", "error"),
    ("Perilaku", {"Periode": ""}, "Periode", "required-missing", "error"),
    ("Perilaku", {"NIP": STRANGER}, "NIP", "unknown-nip", "error"),
    ("Perilaku", {"Akuntabel": "Luar biasa"}, "Akuntabel", "invalid-choice", "error"),
    ("Perilaku", {"Rating Hasil Kerja": "Bagus"}, "Rating Hasil Kerja", "invalid-choice", "error"),
    # Refleksi
    ("Refleksi", {"Minggu": "2026-W60"}, "Minggu", "invalid-week", "error"),
    ("Refleksi", {"Minggu": "2025-W53"}, "Minggu", "invalid-week", "error"),
    ("Refleksi", {"Minggu": "minggu ini"}, "Minggu", "invalid-week", "error"),
    ("Refleksi", {"Minggu": None}, "Minggu", "required-missing", "error"),
    ("Refleksi", {"NIP": "12 34"}, "NIP", "nip-format", "error"),
    ("Refleksi", {"NIP": STRANGER}, "NIP", "unknown-nip", "error"),
]


def validate(raw: dict) -> object:
    return validate_unit(
        raw, unit="Seksi Pelayanan", workbook="Seksi Pelayanan", today=TODAY, period=PERIOD
    )


def concerns(rule, tab_name: str, column: str) -> bool:
    """The finding lands where its rule's declaration says it may."""
    if rule.column_types:
        declared = next(c for c in tab(KEYS[tab_name]).columns if c.name == column)
        return declared.type in rule.column_types
    return rule.tab in (None, tab_name) and rule.column in (None, column)


def projection(data, tab_name: str) -> set[tuple]:
    return {(f.row, f.column, f.severity, f.code) for f in data.findings if f.tab == tab_name}


def test_the_clean_unit_has_no_findings():
    data = validate(clean_unit())
    assert data.findings == [] and not data.failed


def test_the_corpus_is_large_and_distinct():
    keys = [(t, tuple(sorted((k, repr(v)) for k, v in c.items()))) for t, c, *_ in ROW_CASES]
    assert len(set(keys)) == len(keys) >= 60
    assert {t for t, *_ in ROW_CASES} == set(KEYS)


@pytest.mark.parametrize(
    ("tab_name", "changes", "column", "code", "severity"),
    ROW_CASES,
    ids=[f"{t}-{c}-{'-'.join(map(str, ch.values()))}" for t, ch, _, c, _ in ROW_CASES],
)
def test_bad_row(tab_name, changes, column, code, severity):
    raw = clean_unit()
    raw[tab_name].append([{**TEMPLATES[tab_name], **changes}.get(h) for h in raw[tab_name][0]])
    row = len(raw[tab_name])
    data = validate(raw)  # no exception may escape
    assert (row, column, severity, code) in projection(data, tab_name)
    finding = next(f for f in data.findings if (f.row, f.code) == (row, code))
    assert finding.message.startswith(f"Tab {tab_name} baris {row}: ")
    assert concerns(RULES[code], tab_name, column), f"{code} is not declared for {column}"
    assert "{" not in finding.message
    table = data.tables[KEYS[tab_name]]
    assert (row in set(table["row"])) == (severity == "warning")


def test_an_exact_repeat_warns_on_the_upper_row():
    raw = clean_unit()
    entry = [TEMPLATES["Realisasi"].get(h) for h in raw["Realisasi"][0]]
    raw["Realisasi"] += [entry, list(entry)]
    data = validate(raw)
    assert projection(data, "Realisasi") == {(4, "Realisasi", "warning", "duplicate-entry")}


def test_an_indicator_without_owner_is_reported_in_indikator_not_in_realisasi():
    raw = clean_unit()
    ownerless = TEMPLATES["Indikator"] | {"NIP": None}
    raw["Indikator"].append([ownerless.get(h) for h in raw["Indikator"][0]])
    entry = TEMPLATES["Realisasi"] | {"ID Indikator": "PLY-09", "Realisasi": 4}
    raw["Realisasi"].append([entry.get(h) for h in raw["Realisasi"][0]])
    data = validate(raw)
    assert projection(data, "Indikator") == {(5, "NIP", "error", "required-missing")}
    assert projection(data, "Realisasi") == set()  # not "milik NIP None"


def test_validation_leaves_the_cycle_collector_as_it_found_it():
    assert gc.get_freeze_count() == 0
    validate(clean_unit())
    assert gc.get_freeze_count() == 0  # set aside during validation only
    gc.freeze()  # a caller's own freeze (before forking workers, say) is the caller's to undo
    try:
        validate(clean_unit())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def drop_column(raw: dict, tab_name: str, header: str) -> dict:
    i = raw[tab_name][0].index(header)
    raw[tab_name] = [r[:i] + r[i + 1 :] for r in raw[tab_name]]
    return raw


def rename_column(raw: dict, tab_name: str, header: str, new: str) -> dict:
    raw[tab_name][0][raw[tab_name][0].index(header)] = new
    return raw


def without_tab(raw: dict, tab_name: str) -> dict:
    del raw[tab_name]
    return raw


# (how to spoil the clean unit, tab, column, code, severity, whole workbook failed)
WHOLE_TAB_CASES = [
    (lambda r: without_tab(r, "Realisasi"), "Realisasi", None, "missing-tab", "error", True),
    (lambda r: without_tab(r, "Perilaku"), "Perilaku", None, "missing-tab", "error", True),
    (lambda r: {**r, "Refleksi": None}, "Refleksi", None, "missing-tab", "error", True),
    (
        lambda r: drop_column(r, "Realisasi", "Tanggal"),
        "Realisasi",
        "Tanggal",
        "missing-column",
        "error",
        True,
    ),
    (
        lambda r: drop_column(r, "Indikator", "Bobot"),
        "Indikator",
        "Bobot",
        "missing-column",
        "error",
        True,
    ),
    (lambda r: {**r, "Pegawai": []}, "Pegawai", None, "missing-header", "error", True),
    (
        lambda r: rename_column(r, "Realisasi", "Tanggal", "Tangal"),
        "Realisasi",
        "Tanggal",
        "renamed-column",
        "error",
        True,
    ),
    (
        lambda r: rename_column(r, "Pegawai", "Email", "Emial"),
        "Pegawai",
        "Email",
        "renamed-column",
        "error",
        True,
    ),
    (
        lambda r: rename_column(r, "Realisasi", "Bukti", "Buktii"),
        "Realisasi",
        "Bukti",
        "renamed-optional-column",
        "warning",
        False,
    ),
]


@pytest.mark.parametrize(
    ("spoil", "tab_name", "column", "code", "severity", "failed"), WHOLE_TAB_CASES
)
def test_whole_tab_problem(spoil, tab_name, column, code, severity, failed):
    data = validate(spoil(copy.deepcopy(clean_unit())))
    assert (None, column, severity, code) in projection(data, tab_name)
    assert data.failed is failed
    if failed:
        assert len(data.findings) == 1
        assert all(t.empty for t in data.tables.values())


def test_extra_columns_and_empty_rows_are_ignored():
    raw = clean_unit()
    for rows_ in raw.values():
        rows_[0].append("Kolom Tambahan Saya")
        rows_[1].append("apa saja")
        rows_.insert(2, [None, "  ", ""])
        rows_.append([])
    data = validate(raw)
    assert data.findings == []
    assert list(data.tables["realisasi"]["row"]) == [2, 4]
