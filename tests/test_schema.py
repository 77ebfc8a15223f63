"""Every tab of design.md §3 is declared once in sheets_schema/, with the columns it names."""

from __future__ import annotations

import pytest

from workflows import schema

UNIT_COLUMNS = {
    "Pegawai": ["NIP", "Nama", "Jabatan", "Email", "NIP Atasan", "Status"],
    "Indikator": [
        "ID",
        "NIP",
        "Rencana Hasil Kerja",
        "Indikator",
        "Aspek",
        "Satuan",
        "Target",
        "Arah",
        "Agregasi",
        "Bobot",
        "Wajib Bukti",
        "Sumber",
    ],
    "Realisasi": [
        "Tanggal",
        "NIP",
        "ID Indikator",
        "Realisasi",
        "Bukti",
        "Keterangan",
        "Status",
        "Pesan Validasi",
    ],
    "Perilaku": [
        "Periode",
        "NIP",
        "Berorientasi Pelayanan",
        "Akuntabel",
        "Kompeten",
        "Harmonis",
        "Loyal",
        "Adaptif",
        "Kolaboratif",
        "Rating Perilaku",
        "Rating Hasil Kerja",
        "Catatan Atasan",
    ],
    "Refleksi": [
        "Minggu",
        "NIP",
        "Yang Berjalan Baik",
        "Kendala",
        "Rencana Minggu Depan",
        "Dukungan yang Dibutuhkan",
        "Tanggapan Atasan",
    ],
}
SUMMARY_TABS = [
    "Ringkasan Pegawai",
    "Ringkasan Unit",
    "Capaian Indikator",
    "Riwayat",
    "Riwayat Unit",
    "Temuan Validasi",
    "Log Surat",
    "Log Proses",
]
RATINGS = ["Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Di Atas Ekspektasi"]


def test_unit_tabs_declare_exactly_the_design_columns_in_order():
    assert {t.name: t.headers for t in schema.unit_tabs()} == UNIT_COLUMNS


def test_summary_workbook_has_the_eight_schema_tabs_in_order():
    assert [t.name for t in schema.summary_tabs()] == SUMMARY_TABS
    assert all(c.is_system for t in schema.summary_tabs() for c in t.columns)


@pytest.mark.parametrize("tab", schema.unit_tabs() + schema.summary_tabs(), ids=lambda t: t.name)
def test_every_declaration_is_complete(tab):
    assert tab.description
    assert tab.key and all(c.key.isidentifier() for c in tab.columns)
    for column in tab.columns:
        assert column.type in schema.COLUMN_TYPES
        assert column.writer in schema.WRITERS
        if column.type in {"choice", "bool"}:
            assert column.choices
        if column.default is not None:
            assert column.canonical_choice(column.default) == column.default
        if tab.workbook == "unit":
            assert column.description, f"{tab.name}.{column.name} needs help text for staff"


def test_required_columns_and_writers_follow_the_design():
    realisasi = schema.tab("realisasi")
    assert [c.name for c in realisasi.columns if c.is_system] == ["Status", "Pesan Validasi"]
    assert not realisasi.column("status").required_column
    assert [c.name for c in realisasi.columns if c.required] == [
        "Tanggal",
        "NIP",
        "ID Indikator",
        "Realisasi",
    ]
    pegawai = schema.tab("pegawai")
    assert pegawai.column("status").default == "Aktif"
    assert not pegawai.column("nip_atasan").required


def test_allowed_values_match_case_space_and_synonyms():
    indikator = schema.tab("indikator")
    assert indikator.column("aspek").canonical_choice("  KUANTITAS ") == "Kuantitas"
    assert indikator.column("arah").canonical_choice("lebih rendah lebih baik") == "Turun"
    assert indikator.column("agregasi").canonical_choice("rata  rata") == "Rata-rata"
    assert indikator.column("agregasi").canonical_choice("median") is None
    assert indikator.column("wajib_bukti").canonical_choice("YA") == "Ya"
    perilaku = schema.tab("perilaku")
    for key in ("berorientasi_pelayanan", "kolaboratif", "rating_perilaku", "rating_hasil_kerja"):
        assert list(perilaku.column(key).choices) == RATINGS
    assert perilaku.column("adaptif").canonical_choice("di atas") == "Di Atas Ekspektasi"


def test_headers_match_case_space_insensitively_and_by_alias():
    realisasi = schema.tab("realisasi")
    assert realisasi.match_header(" id   INDIKATOR ").key == "id_indikator"
    assert realisasi.match_header("Bukti Dukung").key == "bukti"
    assert realisasi.match_header("Warna Favorit") is None
    assert schema.tab("pegawai").match_header("e-mail").key == "email"


def test_malformed_declarations_are_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: X\nkey: x\nworkbook: unit\ncolumns:\n  - {name: A, key: a, type: colour, writer: staff}\n"
    )
    with pytest.raises(schema.SchemaError, match="type 'colour'"):
        schema.load_tab(bad)
    bad.write_text(
        "name: X\nkey: x\nworkbook: unit\ncolumns:\n"
        "  - {name: A, key: a, type: text, writer: staff}\n"
        "  - {name: B, key: b, type: text, writer: staff, aliases: [a]}\n"
    )
    with pytest.raises(schema.SchemaError, match="names two columns"):
        schema.load_tab(bad)
    bad.write_text(
        "name: X\nkey: x\nworkbook: unit\ncolumns:\n  - {name: A, key: a, type: choice, writer: staff}\n"
    )
    with pytest.raises(schema.SchemaError, match="needs choices"):
        schema.load_tab(bad)
