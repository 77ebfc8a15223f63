"""Team letters and the digest's new sections on the demo: ``weekly`` through ``cli.main``."""

from __future__ import annotations

import json
import re
from email import policy
from email.parser import BytesParser

import openpyxl

from tests.test_weekly import demo_clock, run, with_mail  # noqa: F401
from workflows.config import Config

CAMAT = "197301032008102637"
PEMERINTAHAN_HEAD = "197008111997091822"
SEKCAM = "198411042017101452"
# Every demo supervisor and the active ASN whose NIP Atasan they are (the demo's rosters).
TEAMS = {
    CAMAT: {  # Devi Pertiwi (Sekretariat) supervises the other units' heads
        "197606071997022399",  # Cornelia Susanti, Kelurahan Asemrowo
        "197802182012112194",  # Hana Oktaviani, Kelurahan Genting Kalianak
        "197903302013041237",  # dr. Rendy Dongoran, Puskesmas Asemrowo
        SEKCAM,  # Jefri Rajasa, Sekretariat
        "198401102019091258",  # Danu Napitupulu, Seksi Pelayanan
        PEMERINTAHAN_HEAD,  # Balapati Megantara, Seksi Pemerintahan
        "197903072005021200",  # Bakidin Setiawan, Seksi Trantib
    },
    PEMERINTAHAN_HEAD: {
        "197602202006041785",  # Ihsan Ardianto
        "198504082019021642",  # Mustika Manullang
        "199807142023071578",  # Rendy Hardiansyah
        "197908082011102440",  # Yulia Wahyuni
    },
    "197606071997022399": {
        "197607132000111944",
        "198111262011091212",
        "197602242005081336",
        "198908162024021510",
        "199007262021061957",
        "199508012025042695",
    },
    "197802182012112194": {
        "198203122013031400",
        "198010162011091224",
        "199412112016091816",
        "199510232023072295",
        "197807122005052192",
    },
    # Seksi Trantib: its Nonaktif ASN (row 6) is not on the team
    "197903072005021200": {
        "199101102014012321",
        "197810152005111164",
        "198312022007022636",
        "199710102024071828",
        "198107252009011095",
    },
    # Puskesmas Asemrowo: its Nonaktif ASN (row 7) is not on the team
    "197903302013041237": {
        "200007242025101275",
        "197508162002052425",
        "197904302003011318",
        "198209072004112062",
        "197912032009121288",
        "198910272016092803",
        "198304282014112109",
        "197711132002061166",
        "197603212002031361",
    },
    "198401102019091258": {
        "199301112020041302",
        "198303192010121491",
        "199406242023111930",
        "199612162022041267",
        "198903162017022449",
        "197606261999111904",
    },
    SEKCAM: {
        "198902042013072258",
        "200011252025012869",
        "199509072022021409",
        "197912202004022461",
        "197901092008092300",
        "199111192023092654",
    },
}


def outbox(config: Config, week: str = "2026-W48"):
    return config.path(config.mail.outbox) / week


def text_of(path) -> tuple[str, str, str]:
    """(To address, Subject, plain text) of an outbox ``.eml``."""
    with open(path, "rb") as f:
        message = BytesParser(policy=policy.default).parse(f)
    return (
        message["To"].addresses[0].addr_spec,
        str(message["Subject"]),
        message.get_body(("plain",)).get_content(),
    )


def section(text: str, heading: str) -> str:
    """The lines under an upper-case heading of a text letter, up to the next blank line pair."""
    return text.split(f"{heading}\n", 1)[1].split("\n\n", 1)[0]


def team_nips(text: str) -> set[str]:
    return set(re.findall(r"^- .+ \(NIP (\d{18})", section(text, "ANGGOTA TIM"), re.M))


def journal_states(config: Config, kind: str) -> list[tuple[str, str]]:
    lines = (config.path(config.state.folder) / "surat.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    return [(r["nip"], r["state"]) for r in records if r.get("kind") == kind]


def test_each_supervisor_gets_one_team_letter_listing_exactly_their_staff(demo_config, capsys):
    config = with_mail(demo_config)
    assert run(config, "weekly") == 0
    printed = capsys.readouterr().out
    assert "Surat tim atasan: 8 terkirim, 0 dilewati, 0 gagal, 0 belum pasti." in printed
    letters = {p.stem.removeprefix("tim-"): p for p in outbox(config).glob("tim-*.eml")}
    assert set(letters) == set(TEAMS)
    for nip, path in letters.items():
        address, subject, text = text_of(path)
        assert subject == "Kinerja Tim Minggu 2026-W48 (23–29 November 2026)"
        assert team_nips(text) == TEAMS[nip], nip
    camat = text_of(letters[CAMAT])
    assert camat[0] == "devi.pertiwi@asemrowo.example"
    assert camat[2].startswith("Yth. Ibu Devi Pertiwi, S.Sos., M.Si.\n")  # NIP digit 15: 2
    # Seksi Pemerintahan: everyone reported and every reflection has its answer
    head = text_of(letters[PEMERINTAHAN_HEAD])[2]
    assert "- Yulia Wahyuni (NIP 197908082011102440)\n  Nilai Capaian 100,33 (naik 0,01 " in head
    assert section(head, "REFLEKSI YANG MENUNGGU TANGGAPAN") == (
        "Semua refleksi anggota tim sudah ditanggapi."
    )
    assert section(head, "INDIKATOR DI BAWAH TARGET").splitlines()[:2] == [
        "Ihsan Ardianto, S.H.:",
        "- PEM-07 Jumlah rekomendasi dan surat keterangan pemerintahan yang diterbitkan: "
        "capaian 92,71% (Mendekati target)",
    ]
    # the camat answers the head of Seksi Pemerintahan's reflection of this week, row 5
    waiting = section(camat[2], "REFLEKSI YANG MENUNGGU TANGGAPAN")
    assert "- Balapati Megantara, S.E., M.M., minggu 2026-W48\n" in waiting
    assert "Lembar kerja unit Seksi Pemerintahan, tab Refleksi baris 5: " in waiting
    # the sekcam still owes Luwes Gunarto's behaviour rating
    assert section(text_of(letters[SEKCAM])[2], "PENILAIAN PERILAKU YANG JATUH TEMPO").endswith(
        "- Luwes Gunarto, S.AP. (Sekretariat): belum ada penilaian perilaku pada periode "
        "penilaian ini."
    )

    sent = {p.name: p.read_bytes() for p in outbox(config).glob("tim-*.eml")}
    assert run(config, "weekly") == 0  # exactly once: nothing new for anyone
    assert {p.name: p.read_bytes() for p in outbox(config).glob("tim-*.eml")} == sent
    assert sorted(journal_states(config, "tim")) == sorted(
        [(nip, state) for nip in TEAMS for state in ("intent", "done")]
    )
    assert run(config, "letters", "--resend", PEMERINTAHAN_HEAD) == 0
    resent = [s for nip, s in journal_states(config, "tim") if nip == PEMERINTAHAN_HEAD]
    assert resent == ["intent", "done", "intent", "done"]
    assert {p.name for p in outbox(config).glob("tim-*.eml")} == set(sent)


def test_the_digest_names_who_needs_attention_and_the_support_asked_for(demo_config):
    config = with_mail(demo_config)
    assert run(config, "weekly") == 0
    _, _, text = text_of(outbox(config) / "ringkasan-camat@asemrowo.example.eml")
    attention = section(text, "ASN YANG PERLU PERHATIAN").splitlines()[1:]
    assert attention == [
        "- Irma Yuniar (Seksi Trantib), Nilai Capaian 54,90: termasuk 5 Nilai Capaian terendah",
        "- Bakidin Setiawan, S.H., M.H. (Seksi Trantib), Nilai Capaian 61,39: termasuk 5 Nilai "
        "Capaian terendah",
        "- Taswir Hakim, S.H. (Kelurahan Asemrowo), Nilai Capaian 63,71: termasuk 5 Nilai "
        "Capaian terendah; predikat Sangat Kurang",
        "- Pranata Haryanto, S.AP. (Kelurahan Genting Kalianak), Nilai Capaian 71,08: termasuk "
        "5 Nilai Capaian terendah",
        "- Septi Hastuti (Sekretariat), Nilai Capaian 78,26: termasuk 5 Nilai Capaian terendah",
    ]
    support = text.split("DUKUNGAN YANG DIBUTUHKAN\n", 1)[1].split("\n\nSEBARAN PREDIKAT")[0]
    assert support.startswith("Dukungan yang diminta ASN dalam refleksi minggu 2026-W48:\n")
    assert (
        "\n\nKelurahan Asemrowo:\n"
        + (
            "- Cornelia Susanti, S.STP., M.AP.: Tambahan petugas pada jam sibuk.\n"
            "- Kadir Prayoga: Perbaikan jaringan internet di ruang pelayanan.\n"
        )
        in support
    )
    assert support.endswith(
        "Seksi Trantib:\n"
        "- Bakidin Setiawan, S.H., M.H.: Tambahan petugas pada jam sibuk.\n"
        "- Dinda Purnawati, S.Kom.: Tambahan petugas pada jam sibuk.\n"
        "- Irma Yuniar: Tambahan petugas pada jam sibuk."
    )
    assert len(re.findall(r"^- ", support, re.M)) == 23  # every W48 reflection asking for support
    changes = section(text, "PERUBAHAN SEJAK MINGGU LALU").splitlines()
    assert changes[0] == "- Sekretariat: rata-rata 98,91 (naik 0,36 dari 98,56 pada minggu lalu)"
    assert changes[-1] == (
        "- Kecamatan Asemrowo: rata-rata 95,59 (naik 0,03 dari 95,57 pada minggu lalu)"
    )
    # the distribution curve: the organisation, and Puskesmas Asemrowo (10 ASN) on its own only
    notes = section(text, "Catatan kurva distribusi:").splitlines()
    assert [n.split(":")[0] for n in notes] == ["- Puskesmas Asemrowo", "- Kecamatan Asemrowo"]


def test_team_letters_two_weeks_on_name_those_who_stopped_reporting(demo_config):
    config = with_mail(demo_config)
    # the demo's entries end on 29 November: two weeks later no one reported in W49 or W50
    assert run(config, "letters", date="2026-12-14") == 0
    _, _, text = text_of(outbox(config, "2026-W50") / f"tim-{PEMERINTAHAN_HEAD}.eml")
    assert section(text, "BELUM MELAPOR 2 MINGGU ATAU LEBIH").splitlines() == [
        f"- {name}: 2 minggu tanpa realisasi yang sah (terakhir 27 November 2026)."
        for name in ("Ihsan Ardianto, S.H.", "Mustika Manullang, S.H.", "Rendy Hardiansyah, S.H.")
    ] + [
        "- Yulia Wahyuni: 2 minggu tanpa realisasi yang sah (terakhir 27 November 2026).",
        "Mohon tanyakan kendalanya dan bantu agar realisasinya tercatat di tab Realisasi.",
    ]


def set_status(config: Config, workbook: str, rows: range, status: str) -> None:
    path = config.path(config.local.folder) / workbook
    book = openpyxl.load_workbook(path)
    sheet = book["Pegawai"]
    column = [c.value for c in sheet[1]].index("Status") + 1
    for row in rows:
        sheet.cell(row=row, column=column, value=status)
    book.save(path)


def test_no_letter_without_active_staff_and_a_warning_for_a_supervisor_not_on_a_roster(
    demo_config, capsys
):
    config = with_mail(demo_config)
    set_status(config, "pemerintahan.xlsx", range(3, 7), "Nonaktif")  # the head's four staff
    book = config.path(config.local.folder) / "sekretariat.xlsx"
    book.write_bytes(book.read_bytes()[:1000])  # unreadable: the camat's own row is gone
    assert run(config, "weekly") == 1
    err = capsys.readouterr().err
    letters = sorted(p.stem for p in outbox(config).glob("tim-*.eml"))
    # no camat (not on any roster read), no sekcam (staff unread), no Pemerintahan head (none
    # active); the others' letters say which unit is missing and are keyed apart from the
    # complete letter the re-run after the fix sends
    assert letters == sorted(
        f"tim-{nip}__tanpa_Sekretariat_" for nip in set(TEAMS) - {CAMAT, SEKCAM, PEMERINTAHAN_HEAD}
    )
    assert (
        f"Peringatan: Surat tim untuk atasan dengan NIP {CAMAT} (atasan dari Bakidin Setiawan, "
        "S.H., M.H., Balapati Megantara, S.E., M.M., Cornelia Susanti, S.STP., M.AP., Danu "
        "Napitupulu, S.E., M.M., dr. Rendy Dongoran, M.Kes., Hana Oktaviani, S.Sos., M.Si.) "
        "tidak dapat dikirim: NIP itu tidak ada di tab Pegawai unit mana pun yang terbaca. "
        "Periksa kolom NIP Atasan, atau perbaiki workbook unit yang tidak terbaca.\n"
    ) in err
    _, _, text = text_of(outbox(config) / f"{letters[0]}.eml")
    assert "PERHATIAN: workbook unit Sekretariat tidak terbaca minggu ini" in text
