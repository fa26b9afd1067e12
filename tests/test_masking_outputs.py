"""Masking everywhere data leaves the machine (issue 9 §6, M-CONFIDENTIAL): validate and flags on the
console and as JSON, inspect --json --records, stubs --json, the button's log; `--full` unmasks
the local console only, and says so."""

from __future__ import annotations

import json
import unicodedata

import openpyxl
import pytest

from automation.privacy import mask_address, mask_data, mask_phone, mask_text, mask_value
from tests.rules_helpers import order, sheet

# digits no other cell of the test shop carries, so any of them in an output is a leak
FULL_WIDTH = "１３６２４６８１３５７"  # 136 2468 1357
SPLIT = "139-8642-9753"
LANDLINE = "0571-8765 4321"
STREET = "文三路100号5幢"
ADDRESS_IN_REMARK = f"改寄浙江省杭州市西湖区{STREET}"
REMARK = f"要发顺丰 买家{FULL_WIDTH} 备用{SPLIT} 座机{LANDLINE} {ADDRESS_IN_REMARK}"
SECRETS = ("2468", "8642", "8765", STREET, "西湖区")
MASKED = ("136****1357", "139****9753", "0571-****4321", "浙江省杭州市***")


def _leaks(text: str) -> list[str]:
    flat = unicodedata.normalize("NFKC", text).replace("-", "").replace(" ", "")
    return [s for s in SECRETS if unicodedata.normalize("NFKC", s).replace("-", "") in flat]


@pytest.fixture
def orders(tmp_path):
    rows = [order("5000000000000000001", 旗帜="红", 订单备注=REMARK, 买家留言=REMARK, 买家电话备忘=SPLIT),
            order("5000000000000000002", 联系手机=FULL_WIDTH, 收货地址=f"浙江省杭州市西湖区{STREET}", 联系电话=LANDLINE)]
    header, body = sheet(*rows)
    book = openpyxl.Workbook()
    book.active.title = "订单"
    book.active.append(header)
    for row in body:
        book.active.append(row)
    book.save(tmp_path / "订单.xlsx")
    return tmp_path / "订单.xlsx"


def _shown_masked(output: str) -> None:
    assert _leaks(output) == [], output
    assert all(m in output for m in MASKED[:2]), output


def test_validate_json_and_console_are_masked(orders, cli):
    as_json = cli("validate", str(orders), "--json", "--no-write")
    findings = json.loads(as_json.output)["findings"]
    assert any(f["code"] == "FLG001" for f in findings)  # the remark reaches the output ...
    _shown_masked(as_json.output)  # ... masked
    assert "浙江省杭州市***" in as_json.output
    console = cli("validate", str(orders), "--no-write")
    assert "FLG001" in console.output
    _shown_masked(console.output)


def test_validate_full_unmasks_the_console_and_says_so_but_not_json(orders, cli):
    full = cli("validate", str(orders), "--no-write", "--full")
    assert "已关闭遮盖" in full.output.replace("\n", "") and FULL_WIDTH in full.output
    assert _leaks(cli("validate", str(orders), "--no-write", "--json", "--full").output) == []


def test_flags_json_canonical_remark_and_console_are_masked(orders, cli):
    as_json = cli("flags", str(orders), "--json", "--no-write")
    canonical = [o["canonical"] for o in json.loads(as_json.output)["orders"]]
    assert any("136****1357" in c for c in canonical)
    _shown_masked(as_json.output)
    console = cli("flags", str(orders), "--no-write")
    assert "136****1357" in console.output
    _shown_masked(console.output)
    full = cli("flags", str(orders), "--no-write", "--full")
    assert full.output.startswith("注意：--full 已关闭遮盖") and FULL_WIDTH in full.output


def test_inspect_json_records_are_masked(orders, cli):
    result = cli("inspect", str(orders), "--json", "--records")
    records = json.loads(result.output)["tables"][0]["records"]
    assert _leaks(result.output) == []
    by_id = {r["order_id"]: r for r in records}
    second = by_id["5000000000000000002"]
    assert second["phone"] == "136****1357" and second["address"] == "浙江省杭州市" and second["landline"] == "0571-****4321"
    first = by_id["5000000000000000001"]
    assert "136****1357" in first["remark"] and first["extra"]["买家电话备忘"] == "139****9753"
    assert first["order_id"] == "5000000000000000001" and first["paid_at"].startswith("2026-10-14")  # ids and dates stay


def test_stubs_json_is_masked(tmp_path, cli):
    import courier_helpers as month_data

    root = month_data.write_shop(tmp_path / "shop")
    book = openpyxl.load_workbook(root / "订单.xlsx")
    book.active.cell(1, 6, "买家会员名")
    for row in range(2, book.active.max_row + 1):
        book.active.cell(row, 6, f"买家{FULL_WIDTH}")
    book.save(root / "订单.xlsx")
    result = cli("stubs", str(root), "--month", "2026-10", "--json")
    assert "136****1357" in result.output and _leaks(result.output) == []


def test_the_button_log_is_masked(tmp_path, monkeypatch):
    from automation import button

    monkeypatch.setattr(button.tempfile, "gettempdir", lambda: str(tmp_path))
    try:
        raise ValueError(f"cell says {REMARK}")
    except ValueError:
        path = button._log_failure()
    text = path.read_text(encoding="utf-8")
    assert "ValueError" in text and "136****1357" in text and _leaks(text) == []


@pytest.mark.parametrize("raw, masked", [
    (FULL_WIDTH, "136****1357"),
    ("买家１３６ ２４６８ １３５７说", "买家136****1357说"),
    (SPLIT, "139****9753"),
    ("139.8642.9753", "139****9753"),
    ("(0571)87654321", "(0571)****4321"),
    ("０５７１－８７６５４３２１", "0571－****4321"),
    ("运单 773312000012345 订单 3201234567890123456 日期 2026-10-08 10:30", None),  # not phones
])
def test_mask_phone_forms(raw, masked):
    assert mask_phone(raw) == (raw if masked is None else masked)


@pytest.mark.parametrize("raw, masked", [
    (ADDRESS_IN_REMARK + "，谢谢", "改寄浙江省杭州市***，谢谢"),
    ("送到上海市浦东新区张江路1号3楼", "送到上海市***"),
    ("改寄杭州市西湖区文三路1号", "改寄杭州市***"),
    ("浙江发货很快，好评", "浙江发货很快，好评"),  # a province without an address stays
    ("新疆维吾尔自治区", "新疆维吾尔自治区"),  # a province on its own is not an address + district
    ("广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区南宁市***"),
])
def test_mask_text_cuts_addresses_inside_free_text(raw, masked):
    assert mask_text(raw) == masked


def test_mask_value_masks_every_kind_of_field():
    assert mask_value("remark", REMARK) == mask_text(REMARK) != REMARK  # the fallback for any text field
    assert mask_value("buyer_message", f"电话{SPLIT}") == "电话139****9753"
    assert mask_value("phone", "1381234567") == "138****4567"  # a mistyped number is still the customer's
    assert mask_value("phone", 13624681357) == "136****1357"
    assert mask_value("remark", 13624681357) == "136****1357"
    assert mask_value("address", "浙江省杭州市西湖区文三路1号") == "浙江省杭州市" == mask_address("浙江省杭州市西湖区")
    assert mask_value("quantity", 3) == 3 and mask_value("order_id", "5000000000000000001") == "5000000000000000001"
    assert mask_value("waybill", "13624681357") == "13624681357"  # an id, even when it looks like a mobile
    assert mask_data({"phone": FULL_WIDTH, "rows": [{"note": SPLIT}]}) == {"phone": "136****1357", "rows": [{"note": "139****9753"}]}


def test_the_email_body_and_attachments_are_masked(tmp_path, monkeypatch):
    import sys
    import types

    import courier_helpers as month_data
    from automation import monthly
    from automation.shop import Shop

    def section(shop, month):
        path = tmp_path / "明细.xlsx"
        book = openpyxl.Workbook()
        book.active.append(["订单编号", "备注", "收货地址"])
        book.active.append(["5000000000000000001", REMARK, f"浙江省杭州市西湖区{STREET}"])
        book.save(path)
        return monthly.Section("测试", f"<p>{REMARK}</p>", REMARK, [path], {})

    provider = types.ModuleType("leaky_provider")
    provider.monthly_section = section
    monkeypatch.setitem(sys.modules, "leaky_provider", provider)
    monkeypatch.setattr(monthly, "SECTION_PROVIDERS", ("leaky_provider",))
    mail = monthly.write_monthly(Shop.open(month_data.write_shop(tmp_path / "shop")), "2026-10")
    attached = openpyxl.load_workbook(mail.attachments[0]).active
    cells = " ".join(str(c.value) for row in attached.iter_rows() for c in row)
    for text in (mail.html, mail.text, mail.eml.read_bytes().decode("ascii", "replace"), cells):
        assert _leaks(text) == []
    assert "136****1357" in mail.text and "浙江省杭州市***" in mail.text and "浙江省杭州市" in cells
