"""Messages (multipart, encoded headers, refused line breaks) and both transports."""

from __future__ import annotations

import os
import re
import smtplib
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import trustme

from tests.processes import dead_pid, live_pid
from tests.smtp_server import PASSWORD, USER, Recorder, SmtpServer
from workflows.config import Mail
from workflows.letters import Rendered
from workflows.mail import (
    MailError,
    OutboxTransport,
    SmtpTransport,
    UnsafeHeader,
    build_message,
)

SENDER = {"sender_name": "Kecamatan Asemrowo", "sender_address": "kinerja@asemrowo.example"}


def letter(n: int = 1, *, name: str = "Dra. Siti Nur'aini, M.Si.", address: str | None = None):
    return Rendered(
        kind="mingguan",
        key=f"1986092620150520{n:02d}",
        name=name,
        address=address or f"asn{n}@asemrowo.example",
        subject=f"Umpan Balik Kinerja Minggu 2026-W48 – Nilai Capaian {n},50",
        text=f"Nilai Capaian Anda {n},50.\n",
        html=f"<p>Nilai Capaian Anda <b>{n},50</b>.</p>",
    )


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def test_message_is_multipart_alternative_with_encoded_headers():
    message = parse(build_message(letter(name="Ayu Ñoman Ketut, S.E."), **SENDER).data)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["To"].addresses[0].display_name == "Ayu Ñoman Ketut, S.E."
    assert message["To"].addresses[0].addr_spec == "asn1@asemrowo.example"
    assert str(message["From"]) == "Kecamatan Asemrowo <kinerja@asemrowo.example>"
    assert message["Subject"] == "Umpan Balik Kinerja Minggu 2026-W48 – Nilai Capaian 1,50"
    assert message["Message-ID"].endswith("@asemrowo.example>")
    assert message.get_body(("plain",)).get_content() == "Nilai Capaian Anda 1,50.\n"
    assert "<b>1,50</b>" in message.get_body(("html",)).get_content()


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("Budi\r\nBcc: semua@luar.example", "budi@asemrowo.example"),
        ("Budi\nSantoso", "budi@asemrowo.example"),
        ("Budi", "budi@asemrowo.example\nBcc: x@luar.example"),
        ("Budi", "budi@asemrowo.example, x@luar.example"),
        ("Budi", "bukan alamat"),
    ],
)
def test_line_breaks_and_bad_addresses_never_reach_a_header(name, address):
    with pytest.raises(UnsafeHeader):
        build_message(letter(name=name, address=address), **SENDER)


def test_outbox_writes_eml_preview_and_index(tmp_path: Path):
    folder = tmp_path / "outbox" / "2026-W48"
    with OutboxTransport(folder) as outbox:
        for n in (1, 2):
            outbox.send(build_message(letter(n), **SENDER), name=f"mingguan-{n}")
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html",
        "mingguan-1.eml",
        "mingguan-1.html",
        "mingguan-2.eml",
        "mingguan-2.html",
    ]
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="mingguan-2.html"' in index and 'href="mingguan-1.eml"' in index
    assert "Nur&#x27;aini" in index
    assert parse((folder / "mingguan-1.eml").read_bytes())["To"].addresses[0].username == "asn1"


def test_outbox_index_lists_digests_first_then_each_unit_by_name(tmp_path: Path):
    def to(name, address, unit, score, kind="mingguan"):
        return Rendered(kind, address, name, address, "Surat", "teks", "<p>x</p>", unit, score)

    folder = tmp_path / "outbox" / "2026-W48"
    with OutboxTransport(folder) as outbox:
        for n, letter in enumerate(
            [
                to("Yusuf, S.E.", "yusuf@asemrowo.example", "Sekretariat", 98.15),
                to(
                    "Pimpinan Kecamatan Asemrowo", "camat@asemrowo.example", None, None, "ringkasan"
                ),
                to("Budi", "budi@asemrowo.example", "Seksi Pelayanan", 64.5),
                to("Ani, S.Sos.", "ani@asemrowo.example", "Sekretariat", 102.777, "pengingat"),
            ]
        ):
            outbox.send(build_message(letter, **SENDER), name=f"surat-{n}")
    index = (folder / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r"<h2>(.*?)</h2>", index)
    assert sections == ["Ringkasan pimpinan", "Sekretariat", "Seksi Pelayanan"]
    rows = [
        re.sub(r"<[^>]+>", "|", row).replace("||", "|")
        for row in re.findall(r"<tr><td>(.*?)</td><td>.*?</td><td>.*?</td><td>", index)
    ]
    assert rows == [
        "Pimpinan Kecamatan Asemrowo|camat@asemrowo.example|",
        "Ani, S.Sos.|ani@asemrowo.example|",
        "Yusuf, S.E.|yusuf@asemrowo.example|",
        "Budi|budi@asemrowo.example|",
    ]
    cells = re.findall(r"</small></td><td>(\w+)</td><td>([\d,]*)</td>", index)
    assert cells == [
        ("ringkasan", ""),
        ("pengingat", "102,78"),
        ("mingguan", "98,15"),
        ("mingguan", "64,50"),
    ]
    assert "&quot;" not in index and '"Yusuf' not in index


def test_outbox_knows_which_letters_reached_the_disk(tmp_path: Path):
    folder = tmp_path / "outbox" / "2026-W48"
    outbox = OutboxTransport(folder)
    with outbox:
        outbox.send(build_message(letter(1), **SENDER), name="mingguan-1")
    # a run killed while writing letter 2 left only its temporary file
    (folder / f".mingguan-2.eml.{os.getpid()}.tmp").write_bytes(b"From: setengah")
    assert outbox.delivered("mingguan-1") is True
    assert outbox.delivered("mingguan-2") is False


def test_outbox_clears_temporary_files_of_killed_runs_only(tmp_path: Path):
    folder = tmp_path / "outbox" / "2026-W48"
    folder.mkdir(parents=True)
    killed = folder / f".mingguan-1.eml.{dead_pid()}.tmp"
    legacy = folder / ".mingguan-2.html.tmp"  # named before temporary files carried a pid
    writing = folder / f".mingguan-3.eml.{live_pid()}.tmp"  # a live process is writing it
    for tmp in (killed, legacy, writing):
        tmp.write_bytes(b"sebagian")
    os.utime(legacy, (1_700_000_000, 1_700_000_000))  # November 2023: older than this run
    with OutboxTransport(folder) as outbox:
        outbox.send(build_message(letter(4), **SENDER), name="mingguan-4")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["index.html", "mingguan-4.eml", "mingguan-4.html", writing.name]
    )


def test_smtp_cannot_tell_what_was_delivered(tmp_path):
    assert SmtpTransport(smtp_settings(1025), base_dir=tmp_path).delivered("mingguan-1") is None


def smtp_settings(port: int, **smtp) -> Mail:
    return Mail.model_validate({"transport": "smtp", "smtp": {"port": port, **smtp}})


def test_smtp_batch_uses_one_session_and_pauses_between_messages(tmp_path):
    pauses = []
    with SmtpServer() as server:
        transport = SmtpTransport(
            smtp_settings(server.port, pause_seconds=0.5), base_dir=tmp_path, sleep=pauses.append
        )
        with transport:
            for n in (1, 2, 3):
                transport.send(build_message(letter(n), **SENDER), name="x")
    got = server.recorder.received
    assert [r.rcpt_tos for r in got] == [[f"asn{n}@asemrowo.example"] for n in (1, 2, 3)]
    assert len(server.recorder.sessions) == 1
    assert pauses == [0.5, 0.5]


def test_smtp_reconnects_when_the_server_drops_between_messages(tmp_path):
    server = SmtpServer(recorder=Recorder(drop_before_mail=2))
    with server, SmtpTransport(smtp_settings(server.port), base_dir=tmp_path) as transport:
        for n in (1, 2, 3):
            transport.send(build_message(letter(n), **SENDER), name="x")
    got = server.recorder.received
    assert [r.rcpt_tos[0] for r in got] == [f"asn{n}@asemrowo.example" for n in (1, 2, 3)]
    assert len(server.recorder.sessions) == 2  # the first session, then one reconnection


def test_smtp_starttls_and_login(tmp_path):
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with SmtpServer(tls_ca=ca) as server:
        settings = smtp_settings(
            server.port, user=USER, starttls=True, ca_file="ca.pem", password_env="UJI_SMTP"
        )
        environ = {"UJI_SMTP": PASSWORD}
        with SmtpTransport(settings, base_dir=tmp_path, environ=environ) as transport:
            transport.send(build_message(letter(), **SENDER), name="x")
        assert len(server.recorder.received) == 1
        with pytest.raises(MailError, match="menolak login"):
            SmtpTransport(settings, base_dir=tmp_path, environ={"UJI_SMTP": "salah"}).__enter__()
        with pytest.raises(MailError, match="UJI_SMTP"):
            SmtpTransport(settings, base_dir=tmp_path, environ={}).__enter__()


def test_smtp_without_a_server_is_one_sentence(tmp_path):
    from tests.smtp_server import free_port

    transport = SmtpTransport(smtp_settings(free_port(), timeout_seconds=2), base_dir=tmp_path)
    with pytest.raises(MailError, match="Tidak dapat terhubung"):
        transport.__enter__()


def test_smtp_refused_recipient_is_undelivered(tmp_path):
    from workflows.mail import Undelivered

    class Refusing(Recorder):
        async def handle_RCPT(self, server, session, envelope, address, options):
            return "550 no such user"

    server = SmtpServer(recorder=Refusing())
    with server, SmtpTransport(smtp_settings(server.port), base_dir=tmp_path) as transport:
        with pytest.raises(Undelivered):
            transport.send(build_message(letter(), **SENDER), name="x")
        assert isinstance(transport.client, smtplib.SMTP)  # the session stays usable
