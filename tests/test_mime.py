"""The letters' MIME bytes against what the email package builds: parsed back, the same letter.

``mail.build_message`` assembles the bytes itself (issue 13: ``EmailMessage`` was the slowest
step of the letters). Here a few hundred seeded letters with awkward names, subjects and bodies
are built both ways and parsed back with ``policy.default``; every header, the structure and each
part's decoded content must be equal. A few values the email package itself does not read back
as written (a long quoted name folded inside its quotes) are tested against the value alone.
"""

from __future__ import annotations

import dataclasses
import random
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from tests.smtp_server import SmtpServer
from workflows.config import Mail
from workflows.letters import Rendered
from workflows.mail import KIND_HEADER, SCORE_HEADER, UNIT_HEADER, SmtpTransport, build_message

SENDER = {"sender_name": "Kecamatan Asemrowo", "sender_address": "kinerja@asemrowo.example"}
NAMES = [
    "Budi",
    "Ni Luh Putu Ayu Wulandari, S.Kom.",
    "Ṡiti 'Ani' Nur\"aini",
    "Dra. Siti Nur'aini, M.Si.",
    "Ayu Ñoman Ketut, S.E.",
    "Bambang (Bams) Suryo <Kasi>",
    "Rahmat \\ Hidayat",
    "Yohanes @ Kristianto; S.Pd",
    "Ĉĉ",
    "",
    "Wahyu  Dwi  Saputro",
]
SUBJECTS = [
    "Umpan Balik Kinerja Minggu 2026-W48 (23–29 November 2026)",
    "Kinerja Tim Minggu 2026-W01 (29 Desember 2025 – 4 Januari 2026)",
    "Pengingat: Realisasi Kinerja Minggu 2026-W48 Belum Diisi",
    "Ringkasan Kinerja Kecamatan Asemrowo Minggu 2026-W48",
    "Ringkasan Kinerja Kecamatan Asemrowo Kota Surabaya Provinsi Jawa Timur Minggu 2026-W48 "
    "untuk pimpinan dan seluruh kepala seksi",
    "Umpan Balik – Ṡeksi Ékonomi dan Pembangunan – Kelurahan Tambak Sarioso – Minggu 2026-W48 "
    "(23–29 November 2026)",
    "Subjek dengan sebuah kata yang sangat panjang "
    "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit",
]
UNITS = [None, "Sekretariat", "Seksi Pelayanan", "Seksi Ékonomi", "Kelurahan Tambak Sarioso"]
LINES = [
    "Yth. Bapak/Ibu,",
    "From this week on",
    "From ",
    ".",
    "..",
    ".titik di awal",
    "",
    "Nilai Capaian: 98,15 (naik 2,30 dari minggu lalu) – tercapai ✓",
    "trailing space ",
    "tab\tdi tengah\t",
    "sama dengan = 3D dan =?utf-8?q?x?=",
    "a" * 200,
    "ṡ" * 90,
    "form\x0cfeed and \x85 next line",
]


def letters(count: int, seed: int = 13) -> list[Rendered]:
    rng = random.Random(seed)

    def body(html: bool) -> str:
        lines = rng.choices(LINES, k=rng.randrange(0, 12))
        if html:
            lines.append("<td>" + "<b>12 dokumen</b> " * rng.randrange(1, 120) + "</td>")
        return rng.choice(["\n", "\r\n"]).join(lines) + rng.choice(["", "\n", "\n\n"])

    return [
        Rendered(
            kind=rng.choice(["mingguan", "tim", "pengingat", "ringkasan"]),
            key=f"19860926201505{n:04d}",
            name=rng.choice(NAMES),
            address=f"asn.{n}+kinerja@kel-{n % 7}.asemrowo.example",
            subject=rng.choice(SUBJECTS),
            text=body(html=False),
            html=body(html=True),
            unit=rng.choice(UNITS),
            score=rng.choice([None, 0.0, 64.5, 98.155, 120.0]),
        )
        for n in range(count)
    ]


def reference(letter: Rendered, *, message_id: str, date: str) -> bytes:
    """The message as the email package builds it (mail.build_message before issue 13)."""
    message = EmailMessage(policy=policy.default)
    sender_local, sender_domain = SENDER["sender_address"].split("@")
    local, domain = letter.address.rsplit("@", 1)
    message["From"] = Address(SENDER["sender_name"], sender_local, sender_domain)
    message["To"] = Address(letter.name.strip(), local, domain)
    message["Subject"] = letter.subject
    message["Message-ID"] = message_id
    message["Date"] = date
    message["Auto-Submitted"] = "auto-generated"
    message[KIND_HEADER] = letter.kind
    if letter.unit:
        message[UNIT_HEADER] = letter.unit
    if letter.score is not None:
        message[SCORE_HEADER] = f"{letter.score:.2f}"
    message.set_content(letter.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(letter.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message.as_bytes()


def parse(data: bytes):
    return message_from_bytes(data, policy=policy.default)


def headers(message) -> list[tuple[str, str]]:
    return [(name, str(value)) for name, value in message.items() if name != "Content-Type"]


def parts(message) -> list[tuple[str, str | None, str, str]]:
    return [
        (
            p.get_content_type(),
            p.get_param("charset"),
            p["Content-Transfer-Encoding"],
            p.get_content(),
        )
        for p in message.iter_parts()
    ]


def lines_fit(data: bytes) -> bool:
    return all(len(line) <= 78 for line in data.split(b"\n"))


def test_every_letter_reads_back_as_the_email_package_built_it():
    for letter in letters(300):
        message = build_message(letter, **SENDER)
        mine = parse(message.data)
        ours = reference(letter, message_id=message.message_id, date=str(mine["Date"]))
        theirs = parse(ours)
        assert headers(mine) == headers(theirs)
        assert list(mine.keys()) == list(theirs.keys())
        assert [(a.display_name, a.addr_spec) for a in mine["To"].addresses] == [
            (" ".join(letter.name.split()), letter.address)
        ]
        assert mine.get_content_type() == "multipart/alternative"
        assert parts(mine) == parts(theirs)
        assert mine.get_body(("html",)).get_content().encode() == message.html
        assert lines_fit(message.data)


def test_bodies_decode_to_the_text_with_line_ends_made_lf():
    letter = letters(1)[0]
    text = "From Budi\r\n.\r\nsama = 3\n\ntrailing \n" + "ṡ" * 90
    message = parse(build_message(dataclasses.replace(letter, text=text), **SENDER).data)
    assert message.get_body(("plain",)).get_content() == (
        "From Budi\n.\nsama = 3\n\ntrailing \n" + "ṡ" * 90 + "\n"
    )
    empty = parse(build_message(dataclasses.replace(letter, text="", html=""), **SENDER).data)
    assert [p.get_content() for p in empty.iter_parts()] == ["\n", "\n"]


@pytest.mark.parametrize(
    "name",
    [
        "Drs. H. Mochammad Yusuf Effendi, S.H., M.H., M.Kn., M.Si., M.A.P., M.Tr.A.P.",
        "I Gusti Ngurah Ketut Sutha Wirawan Putra Pratama Adi Nugraha Jaya Kusuma, S.T.",
        "=?utf-8?q?Palsu?=",
    ],
)
def test_a_long_or_odd_name_reads_back_whole(name):
    """The email package folds these inside the quotes or takes the text for an encoded word,
    so its own message read back names someone else; ours keeps the name."""
    letter = dataclasses.replace(letters(1)[0], name=name)
    message = build_message(letter, **SENDER)
    assert parse(message.data)["To"].addresses[0].display_name == name
    assert lines_fit(message.data)


def test_a_long_name_beyond_ascii_is_split_into_encoded_words_a_mail_client_joins():
    """RFC 2047: the space between two encoded words is not part of the name. (policy.default
    keeps one there, for the email package's own messages as for ours.)"""
    name = "Łukasz Ñoman Çelik Østergård Ümit Şahin, S.Kom., M.Kom., Ph.D."
    message = build_message(dataclasses.replace(letters(1)[0], name=name), **SENDER)
    raw = message.data.decode("ascii").split("\nTo: ", 1)[1].split("\nSubject: ")[0]
    words, address = raw.rsplit(" <", 1)
    assert address == "asn.0+kinerja@kel-0.asemrowo.example>"
    assert raw.count("=?utf-8?q?") == 2
    assert str(make_header(decode_header(words))) == name
    assert lines_fit(message.data)


def test_a_subject_that_looks_encoded_reads_back_as_written():
    subject = "Subjek =?utf-8?q?bukan?= kode"
    message = build_message(dataclasses.replace(letters(1)[0], subject=subject), **SENDER)
    assert parse(message.data)["Subject"] == subject


def test_smtp_delivers_bytes_that_read_back_as_the_same_letter(tmp_path):
    sent = letters(6, seed=48)
    with SmtpServer() as server:
        settings = Mail.model_validate({"transport": "smtp", "smtp": {"port": server.port}})
        built = [build_message(letter, **SENDER) for letter in sent]
        with SmtpTransport(settings, base_dir=tmp_path) as transport:
            for message in built:
                transport.send(message, name="x")
    received = server.recorder.received
    assert [r.rcpt_tos for r in received] == [[letter.address] for letter in sent]
    assert {r.mail_from for r in received} == {"kinerja@asemrowo.example"}
    for got, message in zip(received, built, strict=True):
        local = parse(message.data)
        assert headers(got.message) == headers(local)
        assert [(*p[:3], p[3].replace("\r\n", "\n")) for p in parts(got.message)] == parts(local)
