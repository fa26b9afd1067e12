"""The monthly e-mail exactly once (issue 9 §2), against a real SMTP server on loopback (aiosmtpd)
that counts the messages it received."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import courier_helpers as month_data
import mail_helpers as mh
from automation import monthly
from automation.cli import cli
from automation.mail.compose import stable_message_id
from automation.shop import Shop

MONTH = ["--month", "2026-10"]


def _shop(tmp_path, port, host="127.0.0.1", extra="", retries=3, delay=0.05, timeout=5, to='"boss@example.com"') -> Path:
    root = month_data.write_shop(tmp_path / "shop")
    with open(root / "shop.toml", "a", encoding="utf-8") as f:
        f.write(f'\n[email]\nto = [{to}]\nfrom = "shop@example.com"\nsmtp_host = "{host}"\n'
                f'smtp_port = {port}\nsecurity = "none"\nretries = {retries}\nretry_delay_seconds = {delay}\n'
                f'timeout_seconds = {timeout}\n{extra}')
    return root


@pytest.fixture(autouse=True)
def providers(monkeypatch):
    monkeypatch.setattr(monthly, "SECTION_PROVIDERS", ("automation.courier.section", "mail_helpers"))


@pytest.fixture
def server():
    started = []

    def start(port, handler):
        started.append(mh.start_server(port, handler))
        return handler

    yield start
    for controller in started:
        controller.stop()


def send(root, *extra):
    return CliRunner().invoke(cli, ["monthly", str(root), *MONTH, "--send", *extra])


def log(root) -> dict:
    path = root / "reports" / "outbox" / "sent.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


def test_a_slow_250_is_delivery_unknown_recorded_not_retried_and_force_sends_again(tmp_path, server):
    port = mh.free_port()
    root = _shop(tmp_path, port, timeout=0.5)
    inbox = server(port, mh.Scripted(delay=1.5))
    first = send(root)
    assert first.exit_code == 1 and "没有确认" in first.output and "Traceback" not in first.output
    assert inbox.wait_for(1) == 1 and inbox.attempts == 1  # the server took it; the client did not try again
    assert log(root)["2026-10"]["status"] == "unknown"
    again = send(root)
    assert again.exit_code == 1 and "没有确认" in again.output and "--force" in again.output
    time.sleep(0.3)
    assert len(inbox.messages) == 1 and inbox.attempts == 1
    inbox.delay = 0
    forced = send(root, "--force")
    assert forced.exit_code == 0, forced.output
    assert inbox.wait_for(2) == 2
    entry = log(root)["2026-10"]
    assert entry["status"] == "sent" and [h["status"] for h in entry["history"]] == ["unknown"]
    ids = {m[2].split(b"Message-ID: ")[1].split(b"\r\n")[0] for m in inbox.messages}
    assert len(ids) == 1 and ids == {entry["message_id"].encode()}  # the resend carries the same Message-ID


def test_421_on_quit_after_250_counts_as_sent_once(tmp_path, server):
    port = mh.free_port()
    root = _shop(tmp_path, port)
    inbox = server(port, mh.Scripted(quit_reply="421 4.3.0 closing"))
    result = send(root)
    assert result.exit_code == 0, result.output
    assert log(root)["2026-10"]["status"] == "sent"
    again = send(root)
    assert again.exit_code == 0 and "不再发送" in again.output
    assert inbox.wait_for(1) == 1 and inbox.attempts == 1


def test_two_overlapping_runs_send_once(tmp_path, server):
    port = mh.free_port()
    root = _shop(tmp_path, port, timeout=20)
    inbox = server(port, mh.Scripted(delay=4))
    command = [sys.executable, "-c", "from automation.cli import main; main()", "monthly", str(root), *MONTH, "--send"]
    env = {**os.environ, "SHOPBOOK_LANG": "zh"}
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert inbox.data_started.wait(30)  # the first run is inside DATA, holding the lock ...
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    out1, out2 = first.communicate(60)[0], second.communicate(60)[0]
    assert first.returncode == 0 and second.returncode == 0, (out1, out2)
    assert "Traceback" not in out1 + out2
    assert "已发送" in out1 and "不再发送" in out2  # ... so the second waited, then found the month sent
    assert len(inbox.messages) == 1 and inbox.attempts == 1
    leftovers = [p.name for p in root.rglob("*") if ".tmp" in p.name]
    assert leftovers == []


def test_an_unknown_host_fails_at_once_in_one_chinese_line(tmp_path, monkeypatch):
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):  # what the resolver answers for a .invalid name, without asking it
        if str(host).endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        assert host in ("127.0.0.1", "localhost"), host  # no real network traffic in this test
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    root = _shop(tmp_path, 25, host="smtp.shopbook-test.invalid", retries=3, delay=5)
    started = time.monotonic()
    result = send(root)
    assert time.monotonic() - started < 10  # no retries (3 × 5 s and more would be spent otherwise)
    assert result.exit_code == 1
    assert lines(result) == [next(line for line in lines(result) if "找不到邮件服务器 smtp.shopbook-test.invalid" in line)]
    assert "重试" not in result.output.replace("重试也不会成功", "") and log(root) == {}


def test_a_5xx_is_permanent_not_retried(tmp_path, server):
    port = mh.free_port()
    root = _shop(tmp_path, port, delay=5)
    inbox = server(port, mh.Scripted(replies=["554 5.7.1 message rejected"] * 5))
    result = send(root)
    assert result.exit_code == 1 and "554" in result.output and "重试也不会成功" in result.output
    assert len(lines(result)) == 1
    assert inbox.attempts == 1 and inbox.messages == [] and log(root) == {}


def test_auth_not_supported_is_permanent(tmp_path, server, monkeypatch):
    port = mh.free_port()
    monkeypatch.setenv("TEST_SMTP_PW", "pw")
    root = _shop(tmp_path, port, delay=5, extra='username = "shop@example.com"\npassword_env = "TEST_SMTP_PW"\n')
    inbox = server(port, mh.Scripted())
    started = time.monotonic()
    result = send(root)
    assert time.monotonic() - started < 10
    assert result.exit_code == 1 and "不支持登录" in result.output and len(lines(result)) == 1
    assert inbox.attempts == 0 and log(root) == {}


def test_a_4xx_is_retried_with_a_chinese_line_and_delivered_once(tmp_path, server):
    port = mh.free_port()
    root = _shop(tmp_path, port)
    inbox = server(port, mh.Scripted(replies=["451 4.3.0 try again later"]))
    result = send(root)
    assert result.exit_code == 0, result.output
    assert "发送第 1/4 次失败" in result.output and "451" in result.output and "第 2 次尝试成功" in result.output
    assert inbox.wait_for(1) == 1 and inbox.attempts == 2
    assert log(root)["2026-10"] | {"sent_at": None} == {
        "status": "sent", "sent_at": None, "to": "boss@example.com", "attempts": 2,
        "message_id": stable_message_id("shop@example.com", "测试店", "monthly-2026-10")}


def test_the_whole_send_has_a_deadline(tmp_path, server):
    port = mh.free_port()
    root = _shop(tmp_path, port, retries=20, delay=0.3, extra="deadline_seconds = 1.5\n")
    inbox = server(port, mh.Scripted(replies=["451 busy"] * 50))
    result = send(root)
    # timed from the first DATA, not from the start of the run: building the report before it can
    # take seconds on a busy machine
    assert inbox.data_times[-1] - inbox.data_times[0] < 1.5
    assert result.exit_code == 1 and "发送时限 1.5 秒" in result.output
    assert 1 < inbox.attempts < 20 and inbox.messages == []


def test_the_message_id_is_stable_per_shop_and_month(tmp_path):
    root = _shop(tmp_path, 25)
    first = monthly.build_monthly(Shop.open(root), "2026-10").message["Message-ID"]
    assert monthly.build_monthly(Shop.open(root), "2026-10").message["Message-ID"] == first
    assert first == stable_message_id("shop@example.com", "测试店", "monthly-2026-10")
    assert stable_message_id("shop@example.com", "测试店", "monthly-2026-09") != first
    assert stable_message_id("shop@example.com", "另一家店", "monthly-2026-10") != first


def test_an_unwritable_outbox_is_one_clear_line_and_exit_2(tmp_path):
    root = _shop(tmp_path, 25, extra='outbox = "发件箱"\n')
    (root / "发件箱").write_text("a file where the outbox folder should be", encoding="utf-8")
    for args in ([], ["--send"]):
        result = CliRunner().invoke(cli, ["monthly", str(root), *MONTH, *args])
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert lines(result) == [next(line for line in lines(result) if "无法写入发件箱" in line and "发件箱" in line)]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_outbox_is_one_clear_line_and_exit_2(tmp_path):
    root = _shop(tmp_path, 25)
    outbox = root / "reports" / "outbox"
    outbox.mkdir(parents=True)
    outbox.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, ["monthly", str(root), *MONTH])
    finally:
        outbox.chmod(0o700)
    assert result.exit_code == 2 and "无法写入发件箱" in result.output and len(lines(result)) == 1


def test_recipients_with_display_names_and_cc_each_get_it_once(tmp_path, server):
    port = mh.free_port()
    root = _shop(tmp_path, port, to='"\\"Wang, Boss\\" <boss@example.com>", "lead@example.com"', extra='cc = ["老板 <cc@example.com>"]\n')
    inbox = server(port, mh.Scripted())
    result = send(root)
    assert result.exit_code == 0, result.output
    (sender, rcpts, _), = inbox.messages
    assert sender == "shop@example.com" and rcpts == ["boss@example.com", "lead@example.com", "cc@example.com"]
