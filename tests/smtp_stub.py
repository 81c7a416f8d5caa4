"""A tiny SMTP server for tests: speaks just enough of RFC 5321 for ``smtplib`` (EHLO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT), keeps what it received, and can be told to refuse (a 4xx/5xx reply to RCPT) or to hang up."""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class StubState:
    messages: list[Received] = field(default_factory=list)
    refuse_rcpt: str | None = None  # e.g. "451 4.3.0 try again later"
    connections: int = 0


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        state: StubState = self.server.state  # type: ignore[attr-defined]
        state.connections += 1
        self._reply("220 stub ESMTP")
        sender, recipients = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250-stub\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].split()[0].strip("<>"), []
                self._reply("250 OK")
            elif verb == "RCPT":
                if state.refuse_rcpt:
                    self._reply(state.refuse_rcpt)
                else:
                    recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                    self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 go ahead")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if data in (b".\r\n", b".\n", b""):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                state.messages.append(Received(sender, recipients, b"".join(lines)))
                self._reply("250 queued")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()


class SmtpStub:
    """``with SmtpStub() as stub:`` — listening on 127.0.0.1:``stub.port`` in a thread."""

    def __init__(self) -> None:
        self.state = StubState()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.state = self.state  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpStub:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    @property
    def messages(self) -> list[Received]:
        return self.state.messages
