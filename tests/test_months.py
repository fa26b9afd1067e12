"""Issue 10 §1: a month that is not there is never sent or reported (automation.months)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
import email
from email import policy

import openpyxl
import pytest
from click.testing import CliRunner

import courier_helpers as month_data
import mail_helpers as mh
from automation import monthly
from automation.cli import cli
from automation.months import COVERAGE, date_ranges, month_check
from automation.shop import Shop


@pytest.fixture
def shop_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(monthly, "SECTION_PROVIDERS", ("automation.courier.section",))
    root = month_data.write_shop(tmp_path / "shop")
    port = mh.free_port()
    with open(root / "shop.toml", "a", encoding="utf-8") as f:
        f.write(f'\n[email]\nto = ["boss@example.com"]\nfrom = "shop@example.com"\nsmtp_host = "127.0.0.1"\n'
                f'smtp_port = {port}\nsecurity = "none"\nretries = 0\ntimeout_seconds = 5\n')
    return root, port


def _send(root, port, *extra):
    inbox = mh.Inbox()
    server = mh.start_server(port, inbox)
    try:
        result = CliRunner().invoke(cli, ["monthly", str(root), "--send", *extra])
    finally:
        server.stop()
    return result, inbox


def _drop_rows(path, keep):
    """Rewrite a one-sheet test workbook keeping the header and the rows `keep(row)` accepts."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    sheet.delete_rows(1, sheet.max_row)
    for row in [rows[0]] + [r for r in rows[1:] if keep(r)]:
        sheet.append(row)
    book.save(path)


def test_a_complete_month_has_nothing_missing(shop_dir):
    check = month_check(Shop.open(shop_dir[0]), "2026-10")
    assert check.complete and check.has_data, check.missing
    assert check.logs["shipments"].workdays == 18  # October 2026: national holidays 1–7 Oct, make-up days counted
    assert len(check.logs["shipments"].days) >= check.logs["shipments"].needed == 11  # ceil(0.6 × 18)


def test_each_gap_is_named(shop_dir):
    root, _ = shop_dir
    (root / "账单" / "中通_2026-10.xlsx").unlink()
    _drop_rows(root / "底单.xlsx", lambda r: r[0] is None or r[0].day < 10)  # stubs only for 1–9 Oct
    _drop_rows(root / "订单.xlsx", lambda r: False)
    check = month_check(Shop.open(root), "2026-10")
    assert not check.complete
    text = "\n".join(check.missing)
    assert "缺少 中通 的 2026-10 账单" in text
    assert "快递底单只有 2/18 个工作日有记录（至少需要 11 天）" in text and "现有日期：2026-10-01 ~ 2026-10-09" in text
    assert "订单表中没有 2026-10 的订单" in text
    assert "发货登记" not in text  # the shipment log does cover the month
    assert not check.has_data  # no orders: the reports say 无数据


def test_threshold_is_most_working_days():
    assert COVERAGE == Decimal("0.6")
    days = [dt.date(2026, 10, d) for d in (8, 9, 12, 13, 14)] + [dt.date(2026, 11, 2)]
    assert date_ranges(days) == "2026-10-08 ~ 2026-10-14、2026-11-02"


def test_send_refuses_an_incomplete_month_with_exit_2_and_sends_nothing(shop_dir):
    root, port = shop_dir
    (root / "账单" / "中通_2026-10.xlsx").unlink()
    result, inbox = _send(root, port, "--month", "2026-10")
    assert result.exit_code == 2, result.output
    assert "不予发送" in result.output and "缺少 中通 的 2026-10 账单" in result.output and "--allow-partial" in result.output
    assert inbox.messages == []
    assert not (root / "reports" / "outbox" / "sent.json").exists() or "2026-10" not in (root / "reports" / "outbox" / "sent.json").read_text()


def test_allow_partial_sends_with_the_gaps_as_first_line(shop_dir):
    root, port = shop_dir
    (root / "账单" / "中通_2026-10.xlsx").unlink()
    result, inbox = _send(root, port, "--month", "2026-10", "--allow-partial")
    assert result.exit_code == 0, result.output
    (_, _, raw), = inbox.messages
    msg = email.message_from_bytes(raw, policy=policy.default)
    text = msg.get_body(("plain",)).get_content()
    assert text.splitlines()[0] == "注意：2026-10 数据不完整 —— 缺少 中通 的 2026-10 账单（放在 账单/，文件名如 中通_2026-10.xlsx）"
    html = msg.get_body(("html",)).get_content()
    body = html.split('<div class="wrap">', 1)[1]
    assert body.lstrip().startswith('<p class="partial" id="partial">注意：2026-10 数据不完整')


def test_outbox_run_lists_the_gaps_at_the_top_of_the_preview_and_exits_non_zero(shop_dir):
    root, _ = shop_dir
    (root / "账单" / "中通_2026-10.xlsx").unlink()
    result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10"])
    assert result.exit_code == 2 and "预览顶部已列出" in result.output
    preview = (root / "reports" / "outbox" / "月报_2026-10.html").read_text(encoding="utf-8")
    body = preview.split('<div class="wrap">', 1)[1]
    assert body.lstrip().startswith('<p class="partial" id="partial">') and "缺少 中通 的 2026-10 账单" in body.split("<h1>")[0]


def test_complete_month_preview_has_no_banner(shop_dir):
    root, _ = shop_dir
    result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert 'class="partial"' not in (root / "reports" / "outbox" / "月报_2026-10.html").read_text(encoding="utf-8")


def test_default_month_is_said_and_an_incomplete_one_is_refused(shop_dir, monkeypatch):
    root, port = shop_dir
    import automation.months as months

    real = months.last_month
    monkeypatch.setattr(months, "last_month", lambda today=None: real(dt.date(2026, 12, 1)))
    result, inbox = _send(root, port)
    assert "未指定 --month，使用上个月：2026-11" in result.output
    assert result.exit_code == 2 and "2026-11 的数据不完整" in result.output and inbox.messages == []
    monkeypatch.setattr(months, "last_month", lambda today=None: real(dt.date(2026, 11, 3)))
    result, inbox = _send(root, port)
    assert "使用上个月：2026-10" in result.output and result.exit_code == 0, result.output
    assert len(inbox.messages) == 1


def test_reconcile_refuses_a_month_the_shipment_log_does_not_cover(shop_dir):
    root, _ = shop_dir
    result = CliRunner().invoke(cli, ["reconcile", str(root), "--month", "2026-09"])
    assert result.exit_code == 2
    assert "发货登记没有覆盖 2026-09" in result.output and "发货登记现有日期：2026-09-30 ~ 2026-10-31" in result.output
    assert "Traceback" not in result.output
    assert not (root / "reports" / "out" / "2026-09").exists()
