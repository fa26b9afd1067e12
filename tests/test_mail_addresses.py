"""Chinese e-mail addresses through a real SMTP server on loopback (aiosmtpd): a Chinese domain
travels as IDNA to any server; a Chinese local part needs a server that offers SMTPUTF8."""

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

import courier_helpers as month_data
import mail_helpers as mh
from automation import monthly
from automation.cli import cli

CHINA = "xn--fsqu00a.xn--fiqs8s"  # 例子.中国 in IDNA


@pytest.fixture
def shop(tmp_path, monkeypatch):
    monkeypatch.setattr(monthly, "SECTION_PROVIDERS", ("automation.courier.section", "mail_helpers"))
    root = month_data.write_shop(tmp_path / "shop")
    port = mh.free_port()

    def configure(to: str, sender: str = "店铺 <shop@example.com>"):
        with open(root / "shop.toml", "a", encoding="utf-8") as f:
            f.write(f'\n[email]\nto = ["{to}"]\nfrom = "{sender}"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
                    'security = "none"\nretries = 1\nretry_delay_seconds = 0.05\ntimeout_seconds = 5\n')
    return root, port, configure


def _send(root, port, smtputf8: bool):
    inbox = mh.Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    server.start()
    try:
        result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10", "--send"])
    finally:
        server.stop()
    return result, inbox.messages


def _utf8(raw: bytes):
    return email.message_from_string(raw.decode("utf-8"), policy=policy.default)


def test_a_chinese_domain_goes_as_idna_with_plain_ascii_headers(shop):
    root, port, configure = shop
    configure("boss@例子.中国", sender="店铺 <shop@例子.中国>")
    result, messages = _send(root, port, smtputf8=False)
    assert result.exit_code == 0, result.output
    assert "boss@例子.中国" in result.output  # told as the shop wrote it
    (sender, rcpts, raw), = messages
    assert sender == f"shop@{CHINA}" and rcpts == [f"boss@{CHINA}"]
    head = raw.split(b"\r\n\r\n")[0]
    head.decode("ascii")  # no 8-bit header for a server without SMTPUTF8
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["To"].addresses[0].domain == CHINA
    assert msg["From"].addresses[0].display_name == "店铺"


def test_a_chinese_local_part_is_sent_with_smtputf8(shop):
    root, port, configure = shop
    configure("老板@例子.中国")
    result, messages = _send(root, port, smtputf8=True)
    assert result.exit_code == 0, result.output
    (_, rcpts, raw), = messages
    assert rcpts == [f"老板@{CHINA}"]
    msg = _utf8(raw)  # UTF-8 headers (RFC 6532)
    assert msg["To"].addresses[0].username == "老板" and msg["Subject"].startswith("【对账】")
    eml = root / "reports" / "outbox" / "月报_2026-10.eml"
    assert _utf8(eml.read_bytes())["To"].addresses[0].username == "老板"


def test_a_server_without_smtputf8_refuses_a_chinese_local_part_in_one_line(shop):
    root, port, configure = shop
    configure("老板@example.com")
    result, messages = _send(root, port, smtputf8=False)
    assert result.exit_code == 1 and messages == []
    assert "SMTPUTF8" in result.output and "老板@example.com" in result.output
    assert "Traceback" not in result.output and "UnicodeEncodeError" not in result.output
    assert (root / "reports" / "outbox" / "月报_2026-10.eml").exists()
    assert not (root / "reports" / "outbox" / "sent.json").exists()


def test_an_address_without_a_domain_is_one_line_before_anything_is_sent(shop):
    root, port, configure = shop
    configure("boss")
    result, messages = _send(root, port, smtputf8=True)
    assert result.exit_code == 2 and messages == []
    assert "'boss'" in result.output and "Traceback" not in result.output
