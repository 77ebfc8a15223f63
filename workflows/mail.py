"""Mail: build each letter as MIME bytes (``Message``) and hand it to one of two transports.

``OutboxTransport`` (the default) writes one ``.eml`` per letter into a folder per week, plus an
HTML preview of each and an ``index.html`` that lists them for a browser. ``SmtpTransport`` keeps
one SMTP connection for the whole batch (SSL or STARTTLS, login with a password from the
environment), pauses between messages as configured, and reconnects when the server drops it.

Header values come only from the roster and config, and each is checked here: a line break or an
address that is not a plain ``local@domain`` is refused, so nothing typed in a sheet can add a
header. yagmail is not used; README says why.
"""

from __future__ import annotations

import binascii
import html
import itertools
import os
import random
import re
import smtplib
import ssl
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from .config import ADDRESS, Mail
from .files import remove_stale_temp_files, write_atomically
from .indonesian import format_number
from .labels import KIND_DIGEST
from .letters import Rendered

KIND_HEADER, UNIT_HEADER, SCORE_HEADER = "X-Capaian-Jenis", "X-Capaian-Unit", "X-Capaian-Nilai"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._@-]")


class MailError(Exception):
    """Mail cannot be sent at all (no server, login refused); the message is for the operator."""


class UnsafeHeader(ValueError):
    """A value meant for a header has a line break or is not a valid address."""


class Undelivered(Exception):
    """The server refused this one message; it was certainly not delivered and may be retried."""


class UncertainDelivery(Exception):
    """The connection broke while the message was being transferred: it may have been delivered."""


def check_header(value: str, *, field: str) -> str:
    """``value`` unchanged if it is one line with no control characters; else ``UnsafeHeader``."""
    if _CONTROL.search(value):
        raise UnsafeHeader(f"{field} berisi baris baru atau karakter kendali")
    return value


def check_address(value: str, *, field: str = "alamat email") -> str:
    check_header(value, field=field)
    if not ADDRESS.match(value):
        raise UnsafeHeader(f"{field} '{value}' bukan alamat email yang sah")
    return value


@dataclass(frozen=True)
class Message:
    """One letter ready for a transport: the envelope and the whole message as bytes.

    ``data`` has LF line ends (the ``.eml`` in the outbox); ``smtp_bytes`` the CRLF SMTP needs.
    ``html`` is the decoded HTML part, the outbox's preview.
    """

    sender: str
    recipients: tuple[str, ...]
    message_id: str
    data: bytes
    html: bytes

    def smtp_bytes(self) -> bytes:
        return self.data.replace(b"\n", b"\r\n")


def _address(name: str, address: str, *, field: str) -> tuple[str, str]:
    """The checked (display name, addr-spec) of a mailbox; ``UnsafeHeader`` if not safe."""
    check_header(name, field=f"nama {field}")
    return name.strip(), check_address(address, field=f"alamat {field}")


def build_message(letter: Rendered, *, sender_name: str, sender_address: str) -> Message:
    """A multipart/alternative message (text first, HTML preferred) with a fresh Message-ID.

    Assembled as bytes directly (below): the email package's ``EmailMessage`` took three times
    as long as rendering the letter (issue 13). Names with Indonesian titles and non-ASCII letters are
    RFC 2047-encoded; ``UnsafeHeader`` is raised before anything is built if a value is unsafe.
    """
    sender = _address(sender_name, sender_address, field="pengirim")
    recipient = _address(letter.name, letter.address, field="penerima")
    check_header(letter.subject, field="subjek")
    message_id = make_msgid(domain=sender[1].rsplit("@", 1)[1])
    headers = [
        _mailbox_header("From", *sender),
        _mailbox_header("To", *recipient),
        _text_header("Subject", letter.subject),
        f"Message-ID: {message_id}",
        f"Date: {formatdate(localtime=True)}",
        "Auto-Submitted: auto-generated",  # so out-of-office replies are not sent back
        # What the outbox index lists; plain values from config and scores, checked all the same.
        _text_header(KIND_HEADER, check_header(letter.kind, field="jenis surat")),
    ]
    if letter.unit:
        headers.append(_text_header(UNIT_HEADER, check_header(letter.unit, field="unit")))
    if letter.score is not None:
        headers.append(f"{SCORE_HEADER}: {letter.score:.2f}")
    text, html_part = _text_body(letter.text), _text_body(letter.html)
    data = _alternative(headers, [("plain", text), ("html", html_part)])
    return Message(sender[1], (recipient[1],), message_id, data, html_part)


# -- MIME assembly ---------------------------------------------------------------------------------
# What ``EmailMessage`` with ``policy.default`` wrote for a letter, assembled directly: the same
# headers, structure and decoded content (tests/test_mime.py parses both back and compares them).
# Header lines fit 78 characters where a space allows (RFC 5322); encoded words fit 75 (RFC 2047).

_LINE = 78  # RFC 5322's recommended line length
_EW_ROOM = _LINE - 3 - len("=?utf-8?q??=")  # encoded text per word on a continuation line
_Q = [chr(b) if chr(b).isalnum() or chr(b) in "-!*+/" else f"={b:02X}" for b in range(128)]
_Q += [f"={b:02X}" for b in range(128, 256)]
_Q[ord(" ")] = "_"
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")  # a word a display name may hold bare


def _needs_encoding(word: str) -> bool:
    """A word that cannot go into a header as it is: not ASCII, too long for a line, or one a
    reader would decode as an encoded word."""
    return not word.isascii() or "=?" in word or len(word) > _LINE - 20


def _not_atom(word: str) -> bool:
    return _needs_encoding(word) or not _ATOM.fullmatch(word)


def _encoded_words(value: str, first_room: int) -> str:
    """``value`` as RFC 2047 Q-encoded words separated by spaces (which decoding drops), the
    first holding at most ``first_room`` encoded characters, the others a continuation line."""
    words, body, room = [], "", first_room
    for char in value:
        piece = "".join(_Q[b] for b in char.encode("utf-8"))
        if len(body) + len(piece) > room:
            words.append(body)
            body, room = "", _EW_ROOM
        body += piece
    words.append(body)
    return " ".join(f"=?utf-8?q?{w}?=" for w in words)


def _encoded(name: str, value: str, needs: Callable[[str], bool]) -> str:
    """``value`` with its words from the first to the last that ``needs`` it encoded as one
    run, so no whitespace inside the run is lost; the words around it as written."""
    words = value.split(" ")
    marked = [i for i, word in enumerate(words) if needs(word)]
    if not marked:
        return value
    first, last = marked[0], marked[-1] + 1
    run = _encoded_words(" ".join(words[first:last]), _EW_ROOM - len(name) - 1)
    return " ".join([*words[:first], run, *words[last:]])


def _fold(line: str) -> str:
    """``Name: value`` folded before spaces so each line fits ``_LINE`` where a space allows."""
    if len(line) <= _LINE:
        return line
    words = line.split(" ")
    lines, current = [], words[0] + " " + words[1]  # never fold right after "Name:"
    for word in words[2:]:
        if len(current) + 1 + len(word) > _LINE:
            lines.append(current)
            current = " " + word
        else:
            current += " " + word
    lines.append(current)
    return "\n".join(lines)


def _text_header(name: str, value: str) -> str:
    """An unstructured header, RFC 2047-encoded where needed and folded."""
    return _fold(f"{name}: {_encoded(name, value, _needs_encoding)}")


def _mailbox_header(name: str, display_name: str, address: str) -> str:
    """``Name: "Display, Name" <local@domain>``; a display name beyond ASCII encoded."""
    if not display_name:
        return f"{name}: {address}"
    if any(_needs_encoding(word) for word in display_name.split(" ")):
        return _fold(f"{name}: {_encoded(name, display_name, _not_atom)} <{address}>")
    return _fold(f"{name}: {formataddr((display_name, address))}")


def _text_body(text: str) -> bytes:
    """The UTF-8 bytes a text part decodes to: line ends made LF and a final one added, as
    ``EmailMessage.set_content`` does."""
    data = text.encode("utf-8")
    if b"\r" not in data:  # the usual case, the same bytes without splitting every line
        return data if data.endswith(b"\n") else data + b"\n"
    return b"\n".join(data.splitlines()) + b"\n"


def _quoted_printable(body: bytes) -> bytes:
    """``body`` quoted-printable (lines <= 76), a line starting "From " protected from mbox."""
    encoded = b"\n" + binascii.b2a_qp(body, istext=True)
    return encoded.replace(b"\nFrom ", b"\n=46rom ")[1:]


def _alternative(headers: list[str], parts: list[tuple[str, bytes]]) -> bytes:
    """The whole multipart/alternative message, LF line ends. The boundary starts with "==",
    which quoted-printable text never contains (a "=" there is always "=3D")."""
    boundary = f"==============={random.randrange(sys.maxsize):019d}=="
    chunks = [
        *headers,
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative;\n boundary="{boundary}"',
        "",
    ]
    head = "\n".join(chunks).encode("ascii")
    out = [head]
    for subtype, body in parts:
        out.append(
            f'\n--{boundary}\nContent-Type: text/{subtype}; charset="utf-8"\n'
            "Content-Transfer-Encoding: quoted-printable\n\n".encode("ascii")
        )
        out.append(_quoted_printable(body))
    out.append(f"\n--{boundary}--\n".encode("ascii"))
    return b"".join(out)


class Transport(Protocol):
    """Where letters go. Open once per batch (``with``), then ``send`` each message."""

    def __enter__(self) -> Transport: ...

    def __exit__(self, *exc: object) -> None: ...

    def send(self, message: Message, *, name: str) -> None:
        """Deliver one message or raise. ``name`` is a file-safe label (outbox file name).

        ``Undelivered`` means the message certainly did not go out, ``UncertainDelivery`` that it
        may have; ``MailError`` that the transport cannot be used any more (nothing was sent).
        """

    def delivered(self, name: str) -> bool | None:
        """Whether the message sent as ``name`` reached its destination: True or False where the
        transport can tell (a run cut short between sending and recording), None where not."""


# -- outbox ----------------------------------------------------------------------------------------


class OutboxTransport:
    """One ``.eml`` (and an ``.html`` preview) per letter in ``folder``; ``index.html`` lists them.

    Each file is written whole or not at all (temporary file, then rename), so a letter is in the
    outbox exactly when its ``.eml`` is; a batch starts by clearing the temporary files a killed
    run left behind.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> OutboxTransport:
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(self.folder)
        return self

    def __exit__(self, *exc: object) -> None:
        write_index(self.folder)

    def send(self, message: Message, *, name: str) -> None:
        write_atomically(self._file(name, ".html"), message.html)
        write_atomically(self._file(name, ".eml"), message.data)

    def delivered(self, name: str) -> bool:
        """Whether the letter ``name`` is in the outbox (its ``.eml`` reached the disk)."""
        return self._file(name, ".eml").is_file()

    def _file(self, name: str, suffix: str) -> Path:
        return self.folder / f"{_SAFE_NAME.sub('_', name)}{suffix}"


@dataclass(frozen=True)
class _Listed:
    """One letter of the outbox as its index shows it."""

    unit: str  # "" for a letter to no unit (the leadership digest)
    name: str
    address: str
    kind: str
    score: str
    subject: str
    eml: Path

    @property
    def order(self) -> tuple[bool, str, str, str]:
        return (self.kind != KIND_DIGEST, self.unit, self.name.casefold(), self.kind)


def _listed(eml: Path, parser: BytesParser) -> _Listed:
    with open(eml, "rb") as f:
        headers = parser.parse(f, headersonly=True)
    to = headers["To"]
    mailbox = to.addresses[0] if to is not None and to.addresses else None
    score = headers[SCORE_HEADER]
    return _Listed(
        unit=str(headers[UNIT_HEADER] or ""),
        name=mailbox.display_name if mailbox else "",
        address=mailbox.addr_spec if mailbox else "",
        kind=str(headers[KIND_HEADER] or ""),
        score=format_number(float(score)) if score else "",
        subject=str(headers["Subject"] or ""),
        eml=eml,
    )


def _index_row(letter: _Listed) -> str:
    preview = letter.eml.with_suffix(".html")
    cells = [
        f"{html.escape(letter.name)}<br><small>{html.escape(letter.address)}</small>",
        html.escape(letter.kind),
        letter.score,
        html.escape(letter.subject),
        f'<a href="{html.escape(preview.name)}">pratinjau</a>' if preview.exists() else "",
        f'<a href="{html.escape(letter.eml.name)}">.eml</a>',
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def write_index(folder: Path) -> Path:
    """``index.html`` listing every ``.eml`` in ``folder`` (earlier runs' too): the digests
    first, then each unit's letters by name, with kind and Nilai Capaian, linked to previews."""
    parser = BytesParser(policy=policy.default)
    letters = sorted((_listed(eml, parser) for eml in folder.glob("*.eml")), key=lambda x: x.order)
    head = (
        "<tr><th>Nama</th><th>Jenis</th><th>Nilai Capaian</th><th>Subjek</th>"
        "<th>Pratinjau</th><th>Berkas</th></tr>"
    )
    sections = []
    for (to_unit, unit), group in itertools.groupby(letters, key=lambda x: x.order[:2]):
        title = html.escape(unit or "Lainnya") if to_unit else "Ringkasan pimpinan"
        rows = "\n".join(_index_row(letter) for letter in group)
        sections.append(
            f'<h2>{title}</h2>\n<div style="overflow-x:auto;">'  # a phone scrolls the table only
            f'<table border="1" cellpadding="6" cellspacing="0">\n{head}\n{rows}\n</table></div>'
        )
    title = f"Kotak keluar {html.escape(folder.name)}"
    page = (
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>\n"
        '<body style="font-family:Arial,Helvetica,sans-serif;">\n'
        f"<h1>{title}</h1>\n<p>{len(letters)} surat. Buka pratinjau untuk melihat isi surat; "
        "berkas .eml dapat dibuka dengan program email.</p>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )
    path = folder / "index.html"
    write_atomically(path, page.encode("utf-8"))
    return path


# -- SMTP ------------------------------------------------------------------------------------------


class SmtpTransport:
    """One SMTP session for the whole batch, reconnected once if the server drops it."""

    def __init__(
        self,
        settings: Mail,
        *,
        base_dir: Path,
        environ: Mapping[str, str] = os.environ,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.smtp_settings = settings.smtp
        self.ca_file = None
        if settings.smtp.ca_file is not None:
            ca = settings.smtp.ca_file
            self.ca_file = ca if ca.is_absolute() else base_dir / ca
        self.environ = environ
        self.sleep = sleep
        self.client: smtplib.SMTP | None = None
        self.sent = 0

    def __enter__(self) -> SmtpTransport:
        self._connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)

    def _connect(self) -> None:
        s = self.smtp_settings
        if s.user and not self.environ.get(s.password_env):
            raise MailError(
                f"Kata sandi SMTP untuk pengguna '{s.user}' tidak ada: isi variabel "
                f"lingkungan {s.password_env} sebelum menjalankan."
            )
        try:
            client = self._open_client()
        except smtplib.SMTPAuthenticationError:
            raise MailError(
                f"Server SMTP {s.host}:{s.port} menolak login pengguna '{s.user}'. "
                f"Periksa nama pengguna dan kata sandi di {s.password_env}."
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"Tidak dapat terhubung ke server SMTP {s.host}:{s.port}: {exc}. "
                "Periksa host, port, dan pengaturan ssl/starttls di config.yaml."
            ) from None
        self.client = client

    def _open_client(self) -> smtplib.SMTP:
        """Connect, secure and log in; the socket is closed again if any step fails."""
        s = self.smtp_settings
        if s.ssl:
            client = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout_seconds, context=self._tls()
            )
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            if s.starttls:
                client.starttls(context=self._tls())
            if s.user:
                client.login(s.user, self.environ[s.password_env])
        except BaseException:
            client.close()
            raise
        return client

    def _close(self) -> None:
        if self.client is None:
            return
        try:
            self.client.quit()
        except (OSError, smtplib.SMTPException):
            pass
        finally:
            self.client.close()
            self.client = None

    def delivered(self, name: str) -> None:
        """An SMTP server keeps no record a client can ask: whether it arrived cannot be told."""
        return None

    def send(self, message: Message, *, name: str) -> None:
        if self.sent and self.smtp_settings.pause_seconds:
            self.sleep(self.smtp_settings.pause_seconds)
        if self.client is None:  # dropped during the previous message's transfer
            self._connect()
        try:
            self._envelope(message)
        except smtplib.SMTPServerDisconnected:
            # Dropped before the data was sent: nothing went out, so reconnect and try once more.
            self._close()
            self._connect()
            self._envelope(message)
        try:
            self._data(message)
        except smtplib.SMTPServerDisconnected as exc:
            self._close()
            raise UncertainDelivery(f"koneksi terputus saat mengirim isi surat: {exc}") from None
        self.sent += 1

    def _envelope(self, message: Message) -> None:
        """MAIL FROM and RCPT TO: a failure here means the message was certainly not sent."""
        client = self.client
        assert client is not None, "use the transport as a context manager"
        client.ehlo_or_helo_if_needed()
        code, reply = client.mail(message.sender)
        if code != 250:
            client.rset()
            raise Undelivered(f"server menolak pengirim {message.sender}: {code} {reply!r}")
        for address in message.recipients:
            code, reply = client.rcpt(address)
            if code not in (250, 251):
                client.rset()
                raise Undelivered(f"server menolak penerima {address}: {code} {reply!r}")

    def _data(self, message: Message) -> None:
        client = self.client
        assert client is not None
        try:
            code, reply = client.data(message.smtp_bytes())
        except smtplib.SMTPDataError as exc:  # refused at the DATA command: nothing was sent
            client.rset()
            raise Undelivered(
                f"server menolak isi surat: {exc.smtp_code} {exc.smtp_error!r}"
            ) from None
        if code != 250:
            client.rset()
            raise Undelivered(f"server menolak isi surat: {code} {reply!r}")


def open_transport(settings: Mail, *, outbox: Path, base_dir: Path) -> Transport:
    """The transport config.yaml names; ``outbox`` is this run's folder (already per week)."""
    if settings.transport == "smtp":
        return SmtpTransport(settings, base_dir=base_dir)
    return OutboxTransport(outbox)
