"""Letters render from synthetic score tables: own numbers only, escaped input, Indonesian formats."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from workflows.calendar import run_week
from workflows.letters import (
    Letterhead,
    Link,
    digest_context,
    render,
    render_digest,
    render_reminder,
    render_weekly_letters,
)

WEEK = run_week(
    dt.date(2026, 3, 2), period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31)
)
HEAD = Letterhead(organisation="Kecamatan Asemrowo", sender_name="Tim Kinerja", week=WEEK)
ANI, BUDI = "198609262015052001", "197501012000031002"
EVIL = '<script>alert(1)</script> <b>tebal</b> =HYPERLINK("http://x.example","klik")'


def people() -> pd.DataFrame:
    base = {
        "minggu": WEEK.key,
        "unit": "Seksi Pelayanan",
        "jabatan": "Analis Layanan",
        "kategori_capaian": "Baik",
        "rating_hasil_kerja": "Sesuai Ekspektasi",
        "sumber_rating_hasil_kerja": "Sistem",
        "rating_perilaku": "Sesuai Ekspektasi",
        "predikat": "Baik",
        "indikator_di_bawah_target": 1,
        "kelengkapan_data": 1.0,
        "melapor_minggu_ini": "Ya",
        "entri_ditolak": 1,
        "nip_atasan": None,
        "rating_perilaku_pending": False,
    }
    return pd.DataFrame(
        [
            {
                **base,
                "nip": ANI,
                "nama": "Ani Rahayu, S.Sos.",
                "email": "ani@asemrowo.example",
                "nilai_capaian": 102.777,
                "nilai_capaian_sebelumnya": 100.43,
                "perubahan": 2.347,
            },
            {
                **base,
                "nip": BUDI,
                "nama": "Budi Santoso",
                "email": "budi@asemrowo.example",
                "nilai_capaian": 64.5,
                "nilai_capaian_sebelumnya": float("nan"),
                "perubahan": float("nan"),
                "rating_perilaku_pending": True,
                "predikat": None,
                "rating_perilaku": None,
            },
        ]
    )


def indicators() -> pd.DataFrame:
    def row(nip, ident, name, arah, agregasi, bobot, ttd, real, capaian, entries, below, low, high):
        return {
            "minggu": WEEK.key,
            "nip": nip,
            "nama": "",
            "unit": "Seksi Pelayanan",
            "id_indikator": ident,
            "indikator": name,
            "aspek": "Kuantitas",
            "satuan": "dokumen",
            "arah": arah,
            "agregasi": agregasi,
            "bobot": bobot,
            "target": str(high),
            "target_to_date": ttd,
            "realisasi": real,
            "capaian": capaian,
            "jumlah_entri": entries,
            "target_low": low,
            "target_high": high,
            "below_target": below,
        }

    return pd.DataFrame(
        [
            row(
                ANI,
                "PLY-01",
                "Dokumen KTP terbit",
                "Naik",
                "Jumlah",
                2,
                82.19,
                90,
                109.5,
                6,
                False,
                500,
                500,
            ),
            row(
                ANI,
                "PLY-02",
                "Waktu layanan",
                "Turun",
                "Rata-rata",
                1,
                3,
                3.5,
                83.33,
                4,
                True,
                3,
                3,
            ),
            row(
                BUDI,
                "PLY-03",
                "Surat pindah",
                "Naik",
                "Jumlah",
                1,
                16.44,
                10.6,
                64.5,
                2,
                True,
                100,
                100,
            ),
            row(
                BUDI,
                "PLY-04",
                "Layanan sesuai SOP",
                "Naik",
                "Terakhir",
                1,
                80,
                float("nan"),
                0,
                0,
                True,
                80,
                90,
            ),
        ]
    )


def rejected() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "row": 14,
                "nip": ANI,
                "id_indikator": "PLY-01",
                "tanggal": "31/02/2026",
                "realisasi": EVIL,
                "pesan": "Tanggal '31/02/2026' tidak ada. Tulis tanggal yang benar.",
            }
        ]
    )


def refleksi() -> pd.DataFrame:
    cols = {
        "yang_berjalan_baik": EVIL,
        "kendala": "Jaringan\nlambat",
        "rencana_minggu_depan": "x",
        "dukungan_yang_dibutuhkan": None,
        "tanggapan_atasan": EVIL,
    }
    return pd.DataFrame(
        [
            {"minggu": "2026-W08", "nip": ANI, **cols, "kendala": "lama"},
            {"minggu": WEEK.key, "nip": ANI, **cols},
            {"minggu": "2026-W10", "nip": ANI, **cols, "kendala": "masa depan"},
        ]
    )


def riwayat() -> pd.DataFrame:
    weeks = [f"2026-W{w:02d}" for w in range(1, 10)]
    return pd.DataFrame(
        [{"minggu": w, "nip": ANI, "nilai_capaian": 90 + i} for i, w in enumerate(weeks)]
        + [{"minggu": "2026-W10", "nip": ANI, "nilai_capaian": 1.0}]
    )


def letters() -> dict[str, object]:
    rendered = render_weekly_letters(
        people(),
        indicators(),
        rejected(),
        refleksi(),
        riwayat(),
        letterhead=HEAD,
        links={"Seksi Pelayanan": Link("https://docs.google.com/spreadsheets/d/abc/edit")},
    )
    return {letter.key: letter for letter in rendered}


def test_weekly_letter_shows_own_numbers_in_indonesian_formats():
    ani = letters()[ANI]
    assert ani.kind == "mingguan" and ani.address == "ani@asemrowo.example"
    assert ani.subject == "Umpan Balik Kinerja Minggu 2026-W09 (23 Februari – 1 Maret 2026)"
    for body in (ani.text, ani.html):
        assert "102,78" in body
        assert "naik 2,35 dari 100,43 pada minggu lalu" in body
        assert "Senin, 23 Februari 2026" in body and "Minggu, 1 Maret 2026" in body
        assert "(2 × 109,50 + 1 × 83,33) ÷ 3 = 102,78" in body  # the score explained
        assert "(2 − 3,50 ÷ 3,00) × 100 = 83,33" in body  # a Turun indicator's formula
        assert "turun menjadi paling banyak 3 dokumen (saat ini 3,50 dokumen)" in body
        assert "Baris 14" in body or ">14<" in body
        assert "Surat pindah" not in body and "64,50" not in body  # nobody else's numbers
        assert "https://docs.google.com/spreadsheets/d/abc/edit" in body


def test_trend_has_last_eight_weeks_ending_with_this_week():
    ani = letters()[ANI]
    weeks = re.findall(r"^(2026-W\d\d)  #", ani.text, flags=re.M)
    assert weeks == [f"2026-W{w:02d}" for w in range(2, 10)]
    assert "2026-W10" not in ani.html.split("Tren Nilai Capaian")[1].split("</table>")[0]
    assert "<script" not in ani.html and "<img" not in ani.html


def test_latest_reflection_is_this_week_not_a_later_one():
    ani = letters()[ANI]
    assert "Refleksi terakhir Bapak/Ibu (minggu 2026-W09)" in ani.text
    assert "masa depan" not in ani.text and "Jaringan\nlambat" in ani.text


def test_typed_text_is_escaped_in_html():
    html = letters()[ANI].html
    assert "<script>" not in html and "<b>tebal</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;tebal&lt;/b&gt;" in html
    assert "=HYPERLINK(&#34;http://x.example&#34;,&#34;klik&#34;)" in html
    assert 'href="http://x.example"' not in html


def test_first_week_pending_behaviour_and_missing_entries():
    budi = letters()[BUDI]
    assert "minggu pertama yang dinilai" in budi.text
    assert "Rating Perilaku: menunggu penilaian atasan" in budi.text
    assert "Belum ada entri sah untuk indikator ini" in budi.text
    assert "Tambahkan sekitar 5,84 dokumen lagi" in budi.text
    assert "Bapak/Ibu belum menulis refleksi." in budi.text
    assert "belum ada entri sah, sehingga capaian 0" in budi.html


def test_local_link_shows_the_workbook_path():
    rendered = render_weekly_letters(
        people().iloc[:1],
        indicators(),
        None,
        None,
        None,
        letterhead=HEAD,
        links={"Seksi Pelayanan": Link("/data/demo/pelayanan.xlsx")},
    )
    letter = next(rendered)
    assert "<code" in letter.html and "/data/demo/pelayanan.xlsx" in letter.html
    assert "href=" not in letter.html


def test_reminder_renders():
    person = people().iloc[0].to_dict()
    letter = render_reminder(
        person,
        letterhead=HEAD,
        link=Link("https://example.org/s"),
        week_start=dt.date(2026, 3, 2),
        today=dt.date(2026, 3, 5),
        week_key="2026-W10",
    )
    assert letter.kind == "pengingat" and letter.key == ANI
    assert "Kamis, 5 Maret 2026" in letter.text and "Senin, 2 Maret 2026" in letter.html
    assert "2026-W10" in letter.subject


def units() -> pd.DataFrame:
    def row(unit, asn, mean, rejected, **counts):
        base = dict(
            sangat_baik=0,
            baik=0,
            butuh_perbaikan=0,
            kurang_misconduct=0,
            sangat_kurang=0,
            menunggu=0,
        )
        return {
            "minggu": WEEK.key,
            "unit": unit,
            "jumlah_asn": asn,
            "rata_rata_nilai_capaian": mean,
            "median_nilai_capaian": mean,
            "persentase_melapor": 0.875,
            "entri_ditolak": rejected,
            "catatan_distribusi": "",
            **{**base, **counts},
        }

    return pd.DataFrame(
        [
            row("Seksi Pelayanan", 2, 83.64, 1, baik=1, menunggu=1),
            row("Sekretariat", 3, 95.0, 4, baik=3),
            row("Kecamatan Asemrowo", 5, 90.3, 5, baik=4, menunggu=1),
        ]
    )


def test_digest_renders_organisation_numbers_and_breaches():
    context = digest_context(
        units(),
        ["Lebih dari 70% ASN berpredikat Baik (80,0%)."],
        letterhead=HEAD,
        link=Link("https://docs.google.com/spreadsheets/d/sum/edit"),
    )
    letter = render_digest(context, name="Camat", address="camat@asemrowo.example")
    assert letter.kind == "ringkasan" and letter.key == "camat@asemrowo.example"
    for body in (letter.text, letter.html):
        assert "90,30" in body and "87,5%" in body
        assert "Lebih dari 70% ASN berpredikat Baik (80,0%)." in body
        assert "Baik: 4 (80,0%)" in body or "4 (80,0%)" in body
    assert letter.text.index("1. Sekretariat: 4 entri") < letter.text.index(
        "2. Seksi Pelayanan: 1 entri"
    )


def test_missing_context_key_fails_loudly():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        render("reminder.txt", {"person": {}})


def test_date_range():
    from workflows.letters import date_range

    assert date_range(dt.date(2026, 11, 23), dt.date(2026, 11, 29)) == "23–29 November 2026"
    assert (
        date_range(dt.date(2026, 12, 28), dt.date(2027, 1, 3))
        == "28 Desember 2026 – 3 Januari 2027"
    )
