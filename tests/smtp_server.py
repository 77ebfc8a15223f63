"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for the mail tests.

Each received message is kept with the connection it came on, so a test can check that a batch
used one session. ``drop_before_mail`` closes the connection when the n-th message starts (before
anything is sent); ``drop_after_data`` keeps the n-th message and then closes without replying,
the case where the client cannot know whether it was delivered.
"""

from __future__ import annotations

import base64
import socket
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import trustme
from aiosmtpd.controller import Controller

USER, PASSWORD = "kinerja", "rahasia-uji"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    peer: tuple
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Recorder:
    """The aiosmtpd handler: records messages, and can drop a connection once on cue."""

    received: list[Received] = field(default_factory=list)
    drop_before_mail: int | None = None  # 1-based index of the message to cut off
    drop_after_data: int | None = None
    attempts: int = 0

    async def handle_MAIL(self, server, session, envelope, address, options):
        self.attempts += 1
        if self.attempts == self.drop_before_mail:
            server.transport.close()
            return "421 closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.received.append(Received(session.peer, envelope.mail_from, envelope.rcpt_tos, message))
        if len(self.received) == self.drop_after_data:
            server.transport.close()
            return "421 closing"
        return "250 OK"

    async def handle_AUTH(self, server, session, envelope, args):
        # Checked here rather than through ``authenticator``: aiosmtpd 1.4.6 then sets the
        # deprecated ``Session.login_data`` itself, a DeprecationWarning that fails the tests.
        # aiosmtpd has already refused AUTH before STARTTLS (auth_require_tls).
        if args[0].upper() != "PLAIN" or len(args) != 2:
            return "504 5.5.4 Unrecognized authentication type"
        try:
            _, login, password = base64.b64decode(args[1], validate=True).split(b"\0")
        except ValueError:
            return "501 5.5.2 Can't decode base64"
        if (login, password) != (USER.encode(), PASSWORD.encode()):
            return "535 5.7.8 Authentication credentials invalid"
        session.authenticated = True
        return "235 2.7.0 Authentication successful"

    @property
    def sessions(self) -> set:
        return {r.peer for r in self.received}


class SmtpServer:
    """``with SmtpServer() as server``: a running server; ``server.port``, ``server.recorder``."""

    def __init__(self, *, tls_ca: trustme.CA | None = None, recorder: Recorder | None = None):
        self.recorder = recorder or Recorder()
        self.port = free_port()
        kwargs: dict = {}
        if tls_ca is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls_ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
            kwargs = dict(
                tls_context=context,
                require_starttls=True,
                auth_required=True,
                auth_exclude_mechanism=["LOGIN"],
            )
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
