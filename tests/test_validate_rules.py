"""Validation rules beyond single bad cells: clean types, repeats, warnings, cross-unit, headers."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from test_validate_corpus import PERIOD, STRANGER, TEMPLATES, TODAY, A, B, C, clean_unit, validate

from workflows import mail
from workflows.config import ConfigError, Validation, parse_config
from workflows.findings import Rule, declares, make_finding
from workflows.letters import Rendered
from workflows.validate import (
    RULES,
    combine,
    realisasi_statuses,
    unreadable_unit,
    validate_unit,
    validate_units,
)

TESTS = Path(__file__).resolve().parent


def add(raw: dict, tab_name: str, **cells) -> int:
    """Append a template row with ``cells`` changed; return its sheet row."""
    changes = {k.replace("_", " "): v for k, v in cells.items()}
    raw[tab_name].append([{**TEMPLATES[tab_name], **changes}.get(h) for h in raw[tab_name][0]])
    return len(raw[tab_name])


def test_clean_tables_have_the_contract_types():
    data = validate(clean_unit())
    pegawai, indikator, realisasi = (data.tables[k] for k in ("pegawai", "indikator", "realisasi"))
    assert list(pegawai["nip"]) == [A, B, C]
    assert list(pegawai["status"]) == ["Aktif", "Nonaktif", "Aktif"]
    assert pegawai["nip_atasan"].tolist() == [C, None, None]
    assert indikator["wajib_bukti"].tolist() == [True, False, False]
    assert indikator[["target", "target_low", "target_high"]].iloc[1].tolist() == [80, 80, 90]
    assert indikator["target_text"].tolist() == ["100", "80-90", "5"]
    assert realisasi["tanggal"].dtype == "datetime64[ns]"
    assert realisasi["realisasi"].tolist() == [3.0, 4.5]
    assert realisasi["status"].tolist() == ["OK", "OK"]
    assert realisasi["keterangan"].tolist() == [None, None]
    assert set(realisasi["unit"]) == {"Seksi Pelayanan"} and realisasi["row"].tolist() == [2, 3]
    perilaku = data.tables["perilaku"]
    assert perilaku[["periode", "periode_mulai", "akuntabel"]].iloc[0].tolist() == [
        "2026-11",
        pd.Timestamp("2026-11-01"),
        "Sesuai Ekspektasi",
    ]
    assert data.rejected.empty


def test_warnings_stay_and_errors_go_with_their_messages():
    raw = clean_unit()
    warned = add(raw, "Realisasi", Realisasi="105")
    refused = add(raw, "Realisasi", Realisasi="dua belas", Tanggal="29 Nov 2026")
    data = validate(raw)
    realisasi = data.tables["realisasi"].set_index("row")
    assert realisasi.loc[warned, "status"] == "Peringatan"
    assert "lebih dari 100" in realisasi.loc[warned, "pesan_validasi"]
    assert refused not in realisasi.index
    rejected = data.rejected.iloc[0]
    assert rejected[["row", "nip", "id_indikator", "tanggal", "realisasi"]].tolist() == [
        refused,
        A,
        "PLY-02",
        "29 Nov 2026",
        "dua belas",
    ]
    assert "bukan angka" in rejected["pesan"]
    statuses = realisasi_statuses(data)
    assert statuses[2] == ("OK", "")
    assert statuses[warned][0] == "Peringatan" and statuses[refused][0] == "Ditolak"


def test_an_exact_repeat_counts_once_from_the_lowest_row():
    raw = clean_unit()
    rows = [add(raw, "Realisasi", Realisasi="12") for _ in range(3)]
    other = add(raw, "Realisasi", Realisasi="13")
    data = validate(raw)
    kept = data.tables["realisasi"]["row"].tolist()
    assert rows[2] in kept and other in kept and rows[0] not in kept and rows[1] not in kept
    repeats = [f for f in data.findings if f.code == "duplicate-entry"]
    assert [(f.row, f.severity) for f in repeats] == [(rows[0], "warning"), (rows[1], "warning")]
    assert all(f"baris {rows[2]}" in f.message for f in repeats)


def test_entries_after_the_cut_off_but_not_after_today_are_valid():
    raw = clean_unit()
    row = add(raw, "Realisasi", Tanggal="30/11/2026")  # Monday: after Sunday's cut-off
    assert row in validate(raw).tables["realisasi"]["row"].tolist()


def test_indicator_ids_match_case_insensitively_and_come_out_canonical():
    raw = clean_unit()
    row = add(raw, "Realisasi", ID_Indikator=" ply-02 ")
    realisasi = validate(raw).tables["realisasi"].set_index("row")
    assert realisasi.loc[row, "id_indikator"] == "PLY-02"


def test_a_supervisor_may_sit_in_another_unit():
    mine, theirs = clean_unit(), clean_unit()
    mine["Pegawai"][1][4] = STRANGER
    theirs["Pegawai"].append([STRANGER, "Eko", "Camat", "eko@asemrowo.go.id"])
    alone = validate(mine)
    assert [(f.row, f.code) for f in alone.findings] == [(2, "unknown-supervisor")]
    both = validate_units(
        [("Satu", "satu.xlsx", mine), ("Dua", "dua.xlsx", theirs)], today=TODAY, period=PERIOD
    )
    assert [u.findings for u in both] == [[], []]
    tables = combine(both)
    assert tables["pegawai"]["unit"].tolist() == ["Satu"] * 3 + ["Dua"] * 4
    assert list(tables["rejected"].columns)[-1] == "unit"


def test_headers_match_aliases_case_and_spaces():
    raw = clean_unit()
    raw["Realisasi"][0] = ["  TGL ", "nip", "Kode  Indikator", "Nilai", "Link Bukti", "catatan"]
    raw["Pegawai"][0] = [
        "Nomor Induk Pegawai",
        "nama lengkap",
        "JABATAN",
        "e-mail",
        "NIP Atasan Langsung",
        "status",
    ]
    data = validate(raw)
    assert data.findings == []
    assert data.tables["realisasi"]["realisasi"].tolist() == [3.0, 4.5]


def test_a_missing_tab_is_found_by_any_spelling_of_its_name():
    raw = clean_unit()
    raw["  realisasi "] = raw.pop("Realisasi")
    assert validate(raw).findings == []


def test_a_failed_unit_has_empty_tables_and_combines_to_nothing():
    raw = clean_unit()
    del raw["Indikator"]
    data = validate(raw)
    assert data.failed and combine([data])["realisasi"].empty


def test_nip_structure_check_can_be_switched_off():
    raw = clean_unit()
    add(raw, "Pegawai", NIP="199203142019033004")  # gender digit 3: a PPPK-style number
    codes = [f.code for f in validate(raw).findings]
    assert codes == ["nip-structure"]
    relaxed = validate_unit(
        raw, unit="U", workbook="U", today=TODAY, period=PERIOD, check_nip_structure=False
    )
    assert relaxed.findings == []


def test_a_supervisor_in_a_unit_that_could_not_be_read_is_not_reported():
    mine = clean_unit()
    mine["Pegawai"][1][4] = STRANGER  # Ani's supervisor sits in a unit whose workbook is broken
    wrong = add(mine, "Pegawai", NIP_Atasan="1970")  # a NIP that cannot be anyone's
    units = [("Satu", "satu.xlsx", mine)]
    complete = validate_units(units, today=TODAY, period=PERIOD)
    assert [(f.row, f.code) for f in complete[0].findings] == [
        (2, "unknown-supervisor"),
        (wrong, "nip-format"),
    ]
    partial = validate_units(units, today=TODAY, period=PERIOD, rosters_complete=False)
    assert [(f.row, f.code) for f in partial[0].findings] == [(wrong, "nip-format")]
    assert partial[0].tables["pegawai"]["nip_atasan"].tolist()[0] == STRANGER


def test_an_unreadable_workbook_is_one_finding_and_no_tables():
    data = unreadable_unit("Seksi Pelayanan", "pelayanan.xlsx", "berkas rusak")
    assert data.failed and all(t.empty for t in data.tables.values())
    (finding,) = data.findings
    assert (finding.code, finding.severity, finding.tab, finding.row) == (
        "workbook-unreadable",
        "error",
        "",
        None,
    )
    assert finding.message.startswith("Workbook pelayanan.xlsx: Workbook tidak dapat dibaca: ")


# -- a name goes into a mail header ----------------------------------------------------------------

# Every character that is a control, format or line/paragraph separator: the candidates for a
# name that looks fine in the sheet and breaks the letter's To: header.
INVISIBLE = [
    chr(c)
    for c in range(sys.maxunicode + 1)
    if unicodedata.category(chr(c)) in {"Cc", "Cf", "Zl", "Zp"}
]


def _builds(name: str) -> bool:
    letter = Rendered("mingguan", A, name, "ani@asemrowo.go.id", "Umpan balik", "teks", "<p>x</p>")
    try:
        mail.build_message(letter, sender_name="Kecamatan", sender_address="k@asemrowo.go.id")
    except mail.UnsafeHeader:
        return False
    return True


def test_a_line_break_in_a_name_is_a_finding_in_the_sheet_and_never_a_failed_letter():
    raw = clean_unit()
    rows = {}
    for i, char in enumerate(INVISIBLE):
        nip = f"199203142019032{i + 1:03d}"
        rows[add(raw, "Pegawai", NIP=nip, Nama=f"Dedi{char}Saputra")] = char
    data = validate(raw)
    flagged = {f.row for f in data.findings if f.code == "line-break"}
    accepted = data.tables["pegawai"].set_index("row")["nama"]
    refused_by_mail = {row for row, char in rows.items() if not _builds(f"Dedi{char}Saputra")}
    assert len(refused_by_mail) == 36  # 0x00-0x1f, 0x7f, 0x85, U+2028, U+2029
    assert refused_by_mail <= flagged
    assert all(_builds(accepted[row]) for row in rows if row not in flagged)


def test_the_line_break_message_names_the_row_and_what_to_remove():
    raw = clean_unit()
    row = add(raw, "Pegawai", Nama="Dedi\nSaputra, S.Kom.")
    data = validate(raw)
    (finding,) = data.findings
    assert (finding.row, finding.column, finding.code, finding.severity) == (
        row,
        "Nama",
        "line-break",
        "error",
    )
    assert finding.value == "Dedi\nSaputra, S.Kom."
    assert finding.message == (
        f"Tab Pegawai baris {row}: Nama 'Dedi↵Saputra, S.Kom.' berisi baris baru atau karakter "
        "tak terlihat (ditandai ↵), padahal nama dipakai sebagai nama penerima surat. Tulis nama "
        "dalam satu baris: hapus baris barunya dan ganti dengan spasi."
    )
    assert row not in set(data.tables["pegawai"]["row"])


# -- settings from config.validation ---------------------------------------------------------------


def test_the_header_match_threshold_comes_from_config():
    raw = clean_unit()
    raw["Realisasi"][0][0] = "Tanggal Lapor"  # 0.70 alike "tanggal": below the 0.75 default
    default = validate(raw)
    assert [(f.column, f.code) for f in default.findings] == [("Tanggal", "missing-column")]
    config = parse_config(
        _config_with(validation={"header_match": 0.6}), base_dir=Path("."), source="config.yaml"
    )
    looser = validate_unit(
        raw,
        unit="U",
        workbook="U",
        today=TODAY,
        period=PERIOD,
        settings=config.validation,
    )
    assert [(f.value, f.column, f.code) for f in looser.findings] == [
        ("Tanggal Lapor", "Tanggal", "renamed-column")
    ]


def test_percent_units_come_from_config_and_match_any_case():
    raw = clean_unit()
    raw["Indikator"][2][5] = "Prosen"  # PLY-02's Satuan
    row = add(raw, "Realisasi", Realisasi="105")
    assert validate(raw).findings == []
    settings = Validation(percent_units=("%", "PROSEN "))
    warned = validate_unit(
        raw, unit="U", workbook="U", today=TODAY, period=PERIOD, settings=settings
    )
    assert [(f.row, f.code, f.severity) for f in warned.findings] == [
        (row, "percent-over-100", "warning")
    ]


def _config_with(**section) -> dict:
    return {
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "units": [{"name": "U", "workbook": "u.xlsx"}],
        "summary": {"workbook": "r.xlsx"},
        **section,
    }


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"header_match": 0}, "kunci 'validation.header_match' bernilai 0: harus lebih dari 0"),
        ({"header_match": 1.5}, "'validation.header_match' bernilai 1.5: harus paling banyak 1"),
        ({"percent_units": ["%", " "]}, "setiap satuan persen harus berisi teks"),
        ({"strict": True}, "kunci 'validation.strict' bernilai true: kunci ini tidak dikenal"),
    ],
)
def test_validation_settings_are_checked_when_config_loads(section, expected):
    with pytest.raises(ConfigError, match=expected):
        parse_config(_config_with(validation=section), base_dir=Path("."), source="config.yaml")


# -- the rule registry ------------------------------------------------------------------------------


def test_every_rule_shows_its_example_as_a_message_that_says_what_to_type():
    for rule in RULES.values():
        finding = make_finding(rule.code, workbook="pelayanan.xlsx", **rule.example_arguments())
        assert finding.severity == rule.severity in {"error", "warning"}, rule.code
        assert "{" not in finding.message and "  " not in finding.message, rule.code
        assert finding.message.endswith((".", "...")), rule.code
        assert finding.message.startswith(("Tab ", "Workbook pelayanan.xlsx: ")), rule.code


def test_a_finding_takes_its_severity_from_its_rule_only():
    arguments = {"workbook": "u.xlsx", "tab": "Realisasi", "column": "Tanggal", "value": "Tangal"}
    assert make_finding("renamed-column", **arguments).severity == "error"
    with pytest.raises(TypeError, match="severity"):
        make_finding("renamed-column", severity="warning", **arguments)
    with pytest.raises(KeyError):
        make_finding("renamed-colum", **arguments)


def test_a_code_is_declared_once():
    twin = Rule("missing-tab", "warning", problem="tab {tab} hilang.", fix="Buat lagi.")
    with pytest.raises(ValueError, match="'missing-tab' is declared twice"):
        declares(twin)(lambda: None)
    assert RULES["missing-tab"].severity == "error"


def test_every_rule_names_the_check_that_yields_it_and_a_test_names_its_code():
    tests = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py"))
    for rule in RULES.values():
        path, name = rule.check.split("::")
        source = (TESTS.parent / path).read_text(encoding="utf-8")
        assert f"def {name.split('.')[-1]}(" in source, rule.check
        assert f'"{rule.code}"' in tests, f"no test names {rule.code}"


def test_combine_is_pure():
    units = validate_units(
        [("Satu", "satu.xlsx", clean_unit()), ("Dua", "dua.xlsx", clean_unit())],
        today=TODAY,
        period=PERIOD,
    )
    before = [u.tables["realisasi"].copy() for u in units]
    tables = combine(units)
    assert tables["realisasi"]["unit"].tolist() == ["Satu", "Satu", "Dua", "Dua"]
    tables["realisasi"].loc[0, "realisasi"] = 999.0
    for unit, old in zip(units, before, strict=True):
        pd.testing.assert_frame_equal(unit.tables["realisasi"], old)
    assert combine(units)["realisasi"]["realisasi"].tolist() == [3.0, 4.5, 3.0, 4.5]
