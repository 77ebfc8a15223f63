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
    Rendered,
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
        "nama_atasan": None,
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
                # February's rating carried into the week ending Sunday 1 March
                "periode_perilaku": "2026-02",
                "perilaku_dibawa": "Ya",
                "periode_perilaku_terakhir": "2026-02",
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
                "predikat": "Menunggu Penilaian Perilaku",
                "rating_perilaku": None,
                "periode_perilaku": None,
                "perilaku_dibawa": None,
                "periode_perilaku_terakhir": "2026-01",  # expired: January, carried in February
                "nip_atasan": ANI,
                "nama_atasan": "Ani Rahayu, S.Sos.",
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
        assert "Surat pindah" not in body and "64,50" not in body  # nobody else's numbers
        assert "https://docs.google.com/spreadsheets/d/abc/edit" in body
    assert (
        "- Baris 14 (31/02/2026, PLY-01, realisasi " + EVIL + "): Tanggal '31/02/2026' tidak ada."
    ) in ani.text
    assert re.search(
        r">14</td><td [^>]*><span [^>]*>31/02/2026</span><br>PLY-01<br>realisasi &lt;script&gt;",
        ani.html,
    )


def test_trend_has_last_eight_weeks_ending_with_this_week():
    ani = letters()[ANI]
    weeks = re.findall(r"^(2026-W\d\d)  #", ani.text, flags=re.M)
    assert weeks == [f"2026-W{w:02d}" for w in range(2, 10)]
    assert "2026-W10" not in ani.html.split("Tren Nilai Capaian")[1].split("</table>")[0]
    assert "<script" not in ani.html and "<img" not in ani.html


def test_latest_reflection_is_this_week_not_a_later_one():
    ani = letters()[ANI]
    assert "Refleksi terakhir Ibu (minggu 2026-W09)" in ani.text
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
    assert "Bapak belum menulis refleksi." in budi.text
    assert "belum ada entri sah, sehingga capaian 0" in budi.html


def ani_alone(indicator_rows: pd.DataFrame) -> Rendered:
    """Ani's letter with only her indicators, linking her unit's workbook by its file name."""
    rendered = render_weekly_letters(
        people().iloc[:1],
        indicator_rows,
        None,
        None,
        None,
        letterhead=HEAD,
        links={"Seksi Pelayanan": Link("pelayanan.xlsx")},
    )
    return next(rendered)


def reminder_to(person: dict) -> Rendered:
    return render_reminder(
        person,
        letterhead=HEAD,
        link=Link("https://example.org/s"),
        week_start=dt.date(2026, 3, 2),
        today=dt.date(2026, 3, 5),
        week_key="2026-W10",
    )


def test_a_link_that_is_not_a_url_shows_as_text():
    letter = ani_alone(indicators())
    assert "<code" in letter.html and ">pelayanan.xlsx</code>" in letter.html
    assert "href=" not in letter.html


def test_reminder_renders():
    letter = reminder_to(people().iloc[0].to_dict())
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
        assert "90,30" in body and "87,50%" in body
        assert "Lebih dari 70% ASN berpredikat Baik (80,0%)." in body
    assert "\n- Baik: 4 (80,00%)\n" in letter.text
    assert "\n- Menunggu Penilaian Perilaku: 1 (20,00%)\n" in letter.text
    baik_row = letter.html.split(">Baik</td>", 1)[1].split("\n</tr>")[0]  # bar, then count
    assert baik_row.endswith(">4 (80,00%)</td>")
    assert letter.text.index("1. Sekretariat: 4 entri") < letter.text.index(
        "2. Seksi Pelayanan: 1 entri"
    )


def test_a_carried_behaviour_rating_names_its_period_and_the_one_due():
    ani = letters()[ANI]
    # the week of 23 February to 1 March is March's: February's rating is carried
    note = "penilaian Februari 2026 dipakai sementara; penilaian Maret 2026 belum diisi"
    assert f"Rating Perilaku: Sesuai Ekspektasi ({note})\n" in ani.text
    assert f'<b>Sesuai Ekspektasi</b><br><span style="font-size:12px;color:#4a4a4a;">({note})' in (
        ani.html
    )


def test_a_pending_behaviour_rating_names_the_supervisor_who_owes_it():
    budi = letters()[BUDI]
    assert (
        "Rating Perilaku: menunggu penilaian atasan (penilaian Maret 2026 belum diisi; penilaian "
        "Januari 2026 sudah tidak berlaku; atasan: Ani Rahayu, S.Sos.)\n"
        "Predikat: Menunggu Penilaian Perilaku\n"
    ) in budi.text
    assert "PENILAIAN PERILAKU BAWAHAN" not in budi.text


def test_the_supervisors_letter_lists_whose_behaviour_rating_is_due():
    ani = letters()[ANI]
    line = (
        "Budi Santoso (Seksi Pelayanan): penilaian Maret 2026 belum diisi; penilaian Januari 2026 "
        "sudah tidak berlaku."
    )
    assert "PENILAIAN PERILAKU BAWAHAN\n" in ani.text and f"\n- {line}\n" in ani.text
    assert f"<b>Budi Santoso</b> (Seksi Pelayanan): {line.split(': ', 1)[1]}</li>" in ani.html


def test_the_digest_lists_whose_behaviour_rating_is_due_under_each_supervisor():
    context = digest_context(
        units(), [], letterhead=HEAD, link=Link("https://example.org/s"), people=people()
    )
    letter = render_digest(context, name="Camat", address="camat@asemrowo.example")
    section = letter.text.split("PENILAIAN PERILAKU YANG DITUNGGU\n")[1].split("\n\nUNIT")[0]
    assert section.splitlines()[1:] == [
        "",
        "Ani Rahayu, S.Sos. (1 ASN):",
        "- Budi Santoso (Seksi Pelayanan): penilaian Maret 2026 belum diisi; penilaian Januari "
        "2026 sudah tidak berlaku.",
        "",
        "NIP Atasan belum diisi (1 ASN):",
        "- Ani Rahayu, S.Sos. (Seksi Pelayanan): penilaian Februari 2026 dipakai sementara; "
        "penilaian Maret 2026 belum diisi.",
    ]
    assert "<b>NIP Atasan belum diisi</b>" in letter.html
    rated = people().assign(rating_perilaku_pending=False, perilaku_dibawa="Tidak")
    context = digest_context(
        units(), [], letterhead=HEAD, link=Link("https://example.org/s"), people=rated
    )
    letter = render_digest(context, name="Camat", address="camat@asemrowo.example")
    assert "Semua ASN sudah memiliki penilaian perilaku untuk periode berjalan." in letter.text


def test_period_names():
    from workflows.letters import period_name

    assert period_name("2026-11") == "November 2026"
    assert period_name("2026-Q4") == "Triwulan IV 2026"
    assert period_name("2027-Q1") == "Triwulan I 2027"


def test_the_letters_numbers_come_from_the_letterhead():
    from workflows.letters import weekly_context

    ani_indicators = indicators()[indicators()["nip"] == ANI].to_dict("records")
    person = people().iloc[0].to_dict()

    def context(head):
        return weekly_context(person, ani_indicators, [], [], [], letterhead=head, link=Link("x"))

    default = context(HEAD)
    assert [i["status"] for i in default["indicators"]] == ["Tercapai", "Mendekati target"]
    strict = context(Letterhead(organisation="K", sender_name="T", week=WEEK, amber_from=85))
    assert [i["status"] for i in strict["indicators"]] == ["Tercapai", "Perlu perhatian"]  # 83,33
    green, amber = "#1b7f3b", "#b26a00"
    assert [t["colour"] for t in default["trend"]] == [green]  # 102,78 this week
    person["nilai_capaian"] = 95.0
    assert [t["colour"] for t in context(HEAD)["trend"]] == [amber]
    lenient = Letterhead(organisation="K", sender_name="T", week=WEEK, target_met=95)
    assert [t["colour"] for t in context(lenient)["trend"]] == [green]
    few = digest_context(
        units(),
        [],
        letterhead=Letterhead(
            organisation="Kecamatan Asemrowo", sender_name="T", week=WEEK, top_rejected=1
        ),
        link=Link("x"),
    )
    assert [u["unit"] for u in few["most_rejected"]] == ["Sekretariat"]


def test_a_run_letterhead_takes_every_number_from_config(tmp_path):
    from workflows.config import parse_config

    config = parse_config(
        {
            "organisation": "Kecamatan Contoh",
            "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "units": [{"name": "A", "workbook": "a.xlsx"}],
            "summary": {"workbook": "s.xlsx"},
            "mail": {"sender": {"name": "Tim Kinerja Contoh"}},
            "scoring": {"cap": 150, "target_met": 95, "trend_weeks": 4},
            "letters": {"amber_from": 60, "top_rejected": 3},
        },
        base_dir=tmp_path,
    )
    head = Letterhead.for_run(config, WEEK)
    assert head == Letterhead(
        organisation="Kecamatan Contoh",
        sender_name="Tim Kinerja Contoh",
        week=WEEK,
        trend_weeks=4,
        cap=150,
        target_met=95,
        amber_from=60,
        top_rejected=3,
    )


@pytest.mark.parametrize(
    ("letters_config", "scoring_config", "expected"),
    [
        (
            {"amber_from": 100},
            {},
            "kunci 'letters.amber_from' (100) harus lebih kecil dari kunci 'scoring.target_met'"
            " (100)",
        ),
        ({"amber_from": -1}, {}, "kunci 'letters.amber_from' bernilai -1: harus paling sedikit 0"),
        (
            {"top_rejected": 0},
            {},
            "kunci 'letters.top_rejected' bernilai 0: harus paling sedikit 1",
        ),
        ({}, {"target_met": 130}, "target_met harus lebih besar dari floor dan paling besar cap"),
    ],
)
def test_letter_numbers_are_validated(tmp_path, letters_config, scoring_config, expected):
    from workflows.config import ConfigError, parse_config

    data = {
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "units": [{"name": "A", "workbook": "a.xlsx"}],
        "summary": {"workbook": "s.xlsx"},
        "letters": letters_config,
        "scoring": scoring_config,
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(data, base_dir=tmp_path)
    assert expected in str(caught.value)


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


# -- letters people can use (issue 10 §4) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("nip", "expected"),
    [
        ("198703152010012001", "Ibu"),  # 15th digit 2: perempuan
        ("199001012015031002", "Bapak"),  # 15th digit 1: laki-laki
        ("199001012023211001", "Bapak/Ibu"),  # a PPPK-style number: month 21 is no PNS month
        ("19900101201503100", "Bapak/Ibu"),  # 17 digits
        ("199001012015033002", "Bapak/Ibu"),  # 15th digit 3 means nothing
        (None, "Bapak/Ibu"),
    ],
)
def test_salutation_from_the_nip(nip, expected):
    from workflows.letters import salutation

    assert salutation(nip) == expected


def test_letters_address_the_reader_as_bapak_or_ibu_throughout():
    mail = letters()
    ani, budi = mail[ANI], mail[BUDI]
    for body in (ani.text, ani.html):
        assert "Yth. Ibu Ani Rahayu, S.Sos." in body
        assert "Terima kasih atas kerja Ibu selama minggu 2026-W09" in body
        assert "Berikut umpan balik kinerja Ibu berdasarkan" in body
        assert "Sebagai atasan, Ibu belum mengisi" in body
        assert "Bapak/Ibu" not in body
    for body in (budi.text, budi.html):
        assert "Yth. Bapak Budi Santoso" in body and "Bapak/Ibu" not in body
    reminder = reminder_to(people().iloc[1].to_dict())
    for body in (reminder.text, reminder.html):
        assert "Yth. Bapak Budi Santoso" in body
        assert "Terima kasih atas kerja sama Bapak." in body and "Bapak/Ibu" not in body


def test_the_reflection_invitation_names_its_week():
    for body in (letters()[ANI].text, letters()[ANI].html):
        assert (
            "Kami mengundang Ibu menuliskan refleksi untuk minggu 2026-W09 "
            "(23 Februari – 1 Maret 2026) di tab Refleksi"
        ) in body


def test_percentages_have_a_decimal_comma_and_no_space():
    from workflows.letters import as_typed

    ani = ani_alone(indicators().assign(satuan="%"))
    assert "Target s.d. minggu ini 82,19% (target periode " in ani.text
    assert "%); realisasi 90%; capaian 109,50%" in ani.text
    assert ">82,19%<br>" in ani.html and ">90%</td>" in ani.html
    assert "turun menjadi paling banyak 3% (saat ini 3,50%)" in ani.text
    assert " %" not in ani.text and " %" not in ani.html
    assert [as_typed(v) for v in ("93.5", "95 %", "-5", "dua belas", "#REF!", None)] == [
        "93,5",
        "95%",
        "-5",
        "dua belas",
        "#REF!",
        "-",
    ]


def test_the_status_marker_stays_with_its_label():
    marker = '<span style="white-space:nowrap;font-size:12px;color:#1b7f3b;">&#9632;&nbsp;Tercapai'
    assert marker in letters()[ANI].html


def test_trend_bars_span_the_range_of_the_weeks_shown():
    from workflows.letters import scaled_widths

    assert scaled_widths([90, 95, 100]) == [10, 55, 100]
    assert scaled_widths([97.53, 98.15]) == [10, 100]
    assert scaled_widths([80, 80]) == [100, 100]
    ani = letters()[ANI]
    # W02..W08 scored 91..97, this week 102,78: 91 gets the floor, 92 gets 10 + 90/11,777 = 17,6
    assert "2026-W02  ## 91,00\n" in ani.text
    assert "2026-W03  #### 92,00\n" in ani.text
    assert "2026-W08  ########### 97,00\n" in ani.text
    assert "2026-W09  #################### 102,78\n" in ani.text
    assert "batang terpendek 91,00, batang terpanjang 102,78." in ani.text
    widths = re.findall(r'width="(\d+)%"', ani.html.split("Tren Nilai Capaian")[1])[:8]
    assert widths == ["10", "18", "25", "33", "41", "48", "56", "100"]


def test_letters_carry_unit_and_score_for_the_outbox_index():
    ani = letters()[ANI]
    assert (ani.unit, ani.score) == ("Seksi Pelayanan", 102.777)
    context = digest_context(units(), [], letterhead=HEAD, link=Link("https://example.org/s"))
    digest = render_digest(context, name="Camat", address="camat@asemrowo.example")
    assert (digest.unit, digest.score) == (None, None)


def test_local_letters_link_the_workbook_by_name_never_a_server_path(config):
    from workflows.compose import unit_links

    links = unit_links(config)
    assert links["Seksi Pelayanan"] == Link("pelayanan.xlsx")
    google = config.model_copy(update={"backend": "google"})
    assert unit_links(google)["Seksi Pelayanan"] == Link(
        "https://docs.google.com/spreadsheets/d/pelayanan.xlsx/edit"
    )
    units = [config.units[0].model_copy(update={"url": "https://intranet.example/sekretariat"})]
    configured = config.model_copy(update={"units": units})
    assert unit_links(configured) == {"Sekretariat": Link("https://intranet.example/sekretariat")}


def test_a_capped_capaian_shows_its_value_before_the_cap():
    """The letter computes the unclamped capaian for the whole table at once (issue 13): the
    formula still names 150,00 before the cap of 120 and -50,00 before the floor of 0."""
    rows = indicators().iloc[:2].copy()
    rows["realisasi"] = [150.0, 7.5]
    rows["target_to_date"] = [100.0, 3.0]
    rows["target_low"] = rows["target_high"] = [100.0, 3.0]
    rows["capaian"] = [120.0, 0.0]
    text = ani_alone(rows).text
    assert "150 ÷ 100,00 × 100 = 150,00, dibatasi menjadi 120,00 (batas atas capaian)" in text
    assert "(2 − 7,50 ÷ 3,00) × 100 = -50,00, dibatasi menjadi 0,00 (batas bawah capaian)" in text
