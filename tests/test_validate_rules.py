"""Validation rules beyond single bad cells: clean types, repeats, warnings, cross-unit, headers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from test_validate_corpus import PERIOD, STRANGER, TEMPLATES, TODAY, A, B, C, clean_unit, validate

from workflows.validate import RULES, combine, realisasi_statuses, validate_unit, validate_units


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


def test_every_code_has_a_severity_and_an_indonesian_template():
    assert {r.severity for r in RULES.values()} == {"error", "warning"}
    assert all(r.template.strip() and "  " not in r.template for r in RULES.values())


def test_a_huge_tab_stays_fast_enough_for_tests():
    raw = clean_unit()
    entry = [TEMPLATES["Realisasi"].get(h) for h in raw["Realisasi"][0]]
    for i in range(20_000):
        raw["Realisasi"].append(
            [dt.datetime(2026, 1, 1) + dt.timedelta(days=i % 300), *entry[1:3], i, *entry[4:]]
        )
    data = validate(raw)
    assert len(data.tables["realisasi"]) == 20_002
