"""The monthly e-mail through a real SMTP server on loopback (aiosmtpd)."""

import email
import io
import ssl
from email import policy

import openpyxl
import pytest
from click.testing import CliRunner

import courier_helpers as month_data
import mail_helpers as mh
from automation import monthly
from automation.cli import cli
from automation.shop import Shop

SUBJECT = "【对账】2026年10月 快递对账与月报"


def _email_toml(port, security="none", extra=""):
    return (f'\n[email]\nto = ["boss@example.com", "lead@example.com"]\nfrom = "shop@example.com"\n'
            f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsecurity = "{security}"\nretries = 3\n'
            f'retry_delay_seconds = 0.05\ntimeout_seconds = 5\n{extra}')


@pytest.fixture
def providers(monkeypatch):
    monkeypatch.setattr(monthly, "SECTION_PROVIDERS", ("automation.courier.section", "mail_helpers", "automation.nothing_here"))


@pytest.fixture
def shop_dir(tmp_path, providers):
    root = month_data.write_shop(tmp_path / "shop")
    port = mh.free_port()
    with open(root / "shop.toml", "a", encoding="utf-8") as f:
        f.write(_email_toml(port))
    return root, port


def _parts(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def test_send_mime_structure_subject_masking_and_attachment(shop_dir):
    root, port = shop_dir
    inbox = mh.Inbox()
    server = mh.start_server(port, inbox)
    try:
        result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10", "--send"])
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    (sender, rcpts, raw), = inbox.messages
    assert sender == "shop@example.com" and rcpts == ["boss@example.com", "lead@example.com"]
    msg = _parts(raw)
    assert msg["Subject"] == SUBJECT
    head = raw.split(b"\r\n\r\n")[0].decode("ascii")  # the headers are pure ASCII: the subject is RFC 2047 UTF-8
    assert "Subject: =?utf-8?" in head
    assert msg.get_content_type() == "multipart/mixed"
    alternative, *attachments = msg.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    text, related = alternative.get_payload()
    assert text.get_content_type() == "text/plain" and related.get_content_type() == "multipart/related"
    html, *images = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert [i.get_content_type() for i in images] == ["image/png"] and images[0]["Content-ID"] == "<courier_chart>"
    assert "cid:courier_chart" in html.get_content() and "快递对账" in html.get_content()
    assert "36.00" in text.get_content() and "可追回 42.00" in text.get_content() and "重复计费" in text.get_content()
    names = sorted(a.get_filename() for a in attachments)
    assert names == sorted(["快递对账_2026-10.xlsx", "申诉清单_中通_2026-10.xlsx", "客户明细.xlsx"])
    for part in attachments:
        book = openpyxl.load_workbook(io.BytesIO(part.get_content()))
        cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
        assert not any(mh.PHONE in c for c in cells)
        if part.get_filename() == "客户明细.xlsx":
            assert "138****5678" in cells and "浙江省杭州市" in cells and mh.ADDRESS not in cells
    assert mh.PHONE.encode() not in raw and "138****5678" in text.get_content()
    # the original workbook on disk is left as it was
    original = openpyxl.load_workbook(root / "reports" / "out" / "2026-10" / "客户明细.xlsx").active
    assert original["B2"].value == mh.PHONE


def test_outbox_without_send_and_no_double_send(shop_dir):
    root, port = shop_dir
    result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    eml = root / "reports" / "outbox" / "月报_2026-10.eml"
    assert eml.exists() and (root / "reports" / "outbox" / "月报_2026-10.html").exists()
    assert _parts(eml.read_bytes())["Subject"] == SUBJECT
    inbox = mh.Inbox()
    server = mh.start_server(port, inbox)
    try:
        first = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10", "--send"])
        second = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10", "--send"])
        forced = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10", "--send", "--force"])
    finally:
        server.stop()
    assert first.exit_code == 0 and second.exit_code == 0 and forced.exit_code == 0
    assert "--force" in second.output
    assert len(inbox.messages) == 2  # first and forced; the second run was held back by the sent-log


def test_retry_when_server_comes_up(shop_dir):
    root, port = shop_dir
    inbox = mh.Inbox()
    started = []

    def sleep(seconds):  # the first attempt failed: bring the server up before the retry
        if not started:
            started.append(mh.start_server(port, inbox))

    try:
        mail, status = monthly.send_monthly(Shop.open(root), "2026-10", sleep=sleep)
    finally:
        for server in started:
            server.stop()
    assert len(inbox.messages) == 1 and "2" in status  # delivered on the 2nd attempt
    assert monthly.send_monthly(Shop.open(root), "2026-10")[0] is None  # and logged as sent


def test_server_down_keeps_eml_and_exits_non_zero(shop_dir):
    root, _ = shop_dir
    result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10", "--send"])
    assert result.exit_code == 1
    assert "月报_2026-10.eml" in result.output and "Traceback" not in result.output
    assert (root / "reports" / "outbox" / "月报_2026-10.eml").exists()
    assert not (root / "reports" / "outbox" / "sent.json").exists()


def test_starttls_with_self_signed_certificate_and_password_from_env(tmp_path, providers, monkeypatch):
    root = month_data.write_shop(tmp_path / "shop")
    cert, key = mh.self_signed(tmp_path)
    port = mh.free_port()
    with open(root / "shop.toml", "a", encoding="utf-8") as f:
        f.write(_email_toml(port, "starttls", f'ca_file = "{cert.as_posix()}"\nusername = "shop@example.com"\n'
                                               f'password_env = "TEST_SMTP_PW"\n'))
    monkeypatch.setenv("TEST_SMTP_PW", "s3cret-pw")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = mh.Inbox()
    seen = {}

    class Auth:
        def __call__(self, server, session, envelope, mechanism, auth_data):
            from aiosmtpd.smtp import AuthResult

            seen["login"] = (auth_data.login, auth_data.password)
            seen["tls"] = session.ssl is not None
            return AuthResult(success=True)

    from aiosmtpd.controller import Controller

    server = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                        authenticator=Auth(), auth_require_tls=True)
    server.start()
    try:
        result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10", "--send"])
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    assert seen == {"login": (b"shop@example.com", b"s3cret-pw"), "tls": True}
    assert len(inbox.messages) == 1 and b"s3cret-pw" not in inbox.messages[0][2]


def test_missing_password_is_a_clear_error(tmp_path, providers, monkeypatch):
    root = month_data.write_shop(tmp_path / "shop")
    with open(root / "shop.toml", "a", encoding="utf-8") as f:
        f.write(_email_toml(mh.free_port(), extra='username = "shop@example.com"\npassword_env = "NOT_SET_PW"\n'))
    monkeypatch.delenv("NOT_SET_PW", raising=False)
    monkeypatch.setattr("keyring.get_password", lambda *a: None)
    result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10", "--send"])
    assert result.exit_code == 2 and "NOT_SET_PW" in result.output and "keyring" in result.output


def test_a_provider_stopped_by_bad_input_becomes_a_note(tmp_path, monkeypatch):
    import sys
    import types

    from automation.errors import UserError

    def stopped(shop, month):
        raise UserError("err.no_table", kind="扣分登记", where=shop.root)

    provider = types.ModuleType("failing_provider")
    provider.SECTION_TITLE, provider.monthly_section = "扣分", stopped
    monkeypatch.setitem(sys.modules, "failing_provider", provider)
    root = month_data.write_shop(tmp_path / "shop")
    monkeypatch.setattr(monthly, "SECTION_PROVIDERS", ("automation.courier.section", "failing_provider"))
    mail = monthly.write_monthly(Shop.open(root), "2026-10")
    assert "扣分登记" in mail.text and "扣分" in mail.html and "快递对账" in mail.text
    assert mail.eml.exists() and mail.preview.read_text(encoding="utf-8") == monthly.inline_images(mail.html, mail.images)


def test_implicit_ssl_with_self_signed_certificate(tmp_path, providers):
    root = month_data.write_shop(tmp_path / "shop")
    cert, key = mh.self_signed(tmp_path)
    port = mh.free_port()
    with open(root / "shop.toml", "a", encoding="utf-8") as f:
        f.write(_email_toml(port, "ssl", f'ca_file = "{cert.as_posix()}"\n'))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    from aiosmtpd.controller import Controller

    inbox = mh.Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context)
    server.start()
    try:
        result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10", "--send"])
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    assert len(inbox.messages) == 1 and _parts(inbox.messages[0][2])["Subject"] == SUBJECT
