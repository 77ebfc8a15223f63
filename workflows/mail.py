"""Mail: build each letter as a standard ``EmailMessage`` and hand it to one of two transports.

``OutboxTransport`` (the default) writes one ``.eml`` per letter into a folder per week, plus an
HTML preview of each and an ``index.html`` that lists them for a browser. ``SmtpTransport`` keeps
one SMTP connection for the whole batch (SSL or STARTTLS, login with a password from the
environment), pauses between messages as configured, and reconnects when the server drops it.

Header values come only from the roster and config, and each is checked here: a line break or an
address that is not a plain ``local@domain`` is refused, so nothing typed in a sheet can add a
header. yagmail is not used; README says why.
"""

from __future__ import annotations

import html
import itertools
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid
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


def _mailbox(name: str, address: str, *, field: str) -> Address:
    check_header(name, field=f"nama {field}")
    local, domain = check_address(address, field=f"alamat {field}").rsplit("@", 1)
    return Address(display_name=name.strip(), username=local, domain=domain)


def build_message(letter: Rendered, *, sender_name: str, sender_address: str) -> EmailMessage:
    """A multipart/alternative message (text first, HTML preferred) with a fresh Message-ID.

    Names with Indonesian titles and non-ASCII letters are encoded by the email package (RFC 2047);
    ``UnsafeHeader`` is raised before anything is built if a name or address is not safe.
    """
    sender = _mailbox(sender_name, sender_address, field="pengirim")
    recipient = _mailbox(letter.name, letter.address, field="penerima")
    check_header(letter.subject, field="subjek")
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = letter.subject
    message["Message-ID"] = make_msgid(domain=sender.domain)
    message["Date"] = formatdate(localtime=True)
    message["Auto-Submitted"] = "auto-generated"  # so out-of-office replies are not sent back
    # What the outbox index lists; plain values from config and scores, checked all the same.
    message[KIND_HEADER] = check_header(letter.kind, field="jenis surat")
    if letter.unit:
        message[UNIT_HEADER] = check_header(letter.unit, field="unit")
    if letter.score is not None:
        message[SCORE_HEADER] = f"{letter.score:.2f}"
    message.set_content(letter.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(letter.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


class Transport(Protocol):
    """Where letters go. Open once per batch (``with``), then ``send`` each message."""

    def __enter__(self) -> Transport: ...

    def __exit__(self, *exc: object) -> None: ...

    def send(self, message: EmailMessage, *, name: str) -> None:
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

    def send(self, message: EmailMessage, *, name: str) -> None:
        preview = message.get_body(preferencelist=("html",))
        if preview is not None:
            write_atomically(self._file(name, ".html"), preview.get_content().encode("utf-8"))
        write_atomically(self._file(name, ".eml"), message.as_bytes())

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

    def send(self, message: EmailMessage, *, name: str) -> None:
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

    def _envelope(self, message: EmailMessage) -> None:
        """MAIL FROM and RCPT TO: a failure here means the message was certainly not sent."""
        client = self.client
        assert client is not None, "use the transport as a context manager"
        client.ehlo_or_helo_if_needed()
        sender = message["From"].addresses[0].addr_spec
        code, reply = client.mail(sender)
        if code != 250:
            client.rset()
            raise Undelivered(f"server menolak pengirim {sender}: {code} {reply!r}")
        for address in message["To"].addresses:
            code, reply = client.rcpt(address.addr_spec)
            if code not in (250, 251):
                client.rset()
                raise Undelivered(f"server menolak penerima {address.addr_spec}: {code} {reply!r}")

    def _data(self, message: EmailMessage) -> None:
        client = self.client
        assert client is not None
        try:
            code, reply = client.data(message.as_bytes(policy=policy.SMTP))
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
