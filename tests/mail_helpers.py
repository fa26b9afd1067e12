"""A real SMTP server on loopback (aiosmtpd) and a test section provider carrying customer data."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import time
import ssl
from pathlib import Path

import openpyxl
from aiosmtpd.controller import Controller

from automation.monthly import Section

PHONE = "13812345678"
ADDRESS = "浙江省杭州市西湖区文三路100号5幢"


class Inbox:
    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"


class Scripted(Inbox):
    """An SMTP server's behaviour on DATA and QUIT, for the exactly-once tests.

    `replies` are answered to successive DATA commands (then "250 OK"); a message counts as received
    when it is (to be) answered 250. `delay` seconds pass between taking the message and answering
    (a slow server: it has the message, the client waits for the 250); `quit_reply` replaces the
    usual "221 Bye"."""

    def __init__(self, replies=(), delay: float = 0.0, quit_reply: str | None = None):
        super().__init__()
        self.replies, self.delay, self.quit_reply = list(replies), delay, quit_reply
        self.attempts = 0
        self.data_started = threading.Event()
        self.data_times: list[float] = []  # time.monotonic() of each DATA

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        self.data_times.append(time.monotonic())
        self.data_started.set()
        reply = self.replies.pop(0) if self.replies else "250 OK"
        if reply.startswith("250"):
            await super().handle_DATA(server, session, envelope)
        if self.delay:
            await asyncio.sleep(self.delay)
        return reply

    async def handle_QUIT(self, server, session, envelope):
        return self.quit_reply or "221 Bye"

    def wait_for(self, count: int, seconds: float = 10.0) -> int:
        """The number of messages received, once it reaches `count` or `seconds` have passed."""
        end = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < end:
            time.sleep(0.05)
        return len(self.messages)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, inbox: Inbox, tls_context: ssl.SSLContext | None = None) -> Controller:
    kwargs = {"tls_context": tls_context, "require_starttls": True} if tls_context else {}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def monthly_section(shop, month):
    """A provider that leaks customer data on purpose: the mailer must mask it."""
    path = shop.month_dir(month) / "客户明细.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.active.append(["订单编号", "联系手机", "收货地址"])
    book.active.append(["3201234567890123456", PHONE, ADDRESS])
    book.active.append(["3201234567890123457", int(PHONE), "上海市浦东新区张江路1号"])
    book.save(path)
    return Section("测试", f"<p>买家 {PHONE}</p>", f"买家 {PHONE}", [path], {})
