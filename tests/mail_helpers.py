"""A real SMTP server on loopback (aiosmtpd) and a test section provider carrying customer data."""

from __future__ import annotations

import datetime as dt
import socket
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
