"""Masking (M-CONFIDENTIAL) value by value: exact outputs, so a wrong digit count or a lost case shows."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from automation.privacy import mask_address, mask_data, mask_phone, mask_text, mask_value, mask_workbook
from tests.sheet_builders import SHEET1, with_prefixed_sheet


@pytest.mark.parametrize(("text", "shown"), [
    ("13812345678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("１３８１２３４５６７８", "138****5678"),
    ("+8613812345678", "+86138****5678"),
    ("电话13812345678，谢谢", "电话138****5678，谢谢"),
    ("0571-88886666", "0571-****6666"),
    ("(0571)88886666", "(0571)****6666"),
    ("021 6666 8888", "021 ****8888"),
    ("12812345678", "12812345678"),  # not a mobile (second digit 2) and no leading 0
    ("138123456789", "138123456789"),  # 12 digits: an id, not a phone
    ("订单5121910154426014049", "订单5121910154426014049"),
    (None, None),
])
def test_mask_phone(text, shown):
    assert mask_phone(text) == shown


@pytest.mark.parametrize(("address", "shown"), [
    ("浙江省杭州市西湖区文三路1号", "浙江省杭州市"),
    ("浙江省 杭州市 西湖区", "浙江省杭州市"),
    ("上海市浦东新区世纪大道1号", "上海市"),
    ("北京朝阳区", "北京市"),
    ("新疆维吾尔自治区乌鲁木齐市天山区", "新疆维吾尔自治区乌鲁木齐市"),
    ("广东深圳南山区", "广东"),  # no 市: the city is not recognisable, only the province is kept
    ("某某路1号", "***"),
    (None, None),
])
def test_mask_address(address, shown):
    assert mask_address(address) == shown


@pytest.mark.parametrize(("text", "shown"), [
    ("改寄浙江省杭州市西湖区文三路1号", "改寄浙江省杭州市***"),
    ("改寄上海市浦东新区世纪大道1号，电话13812345678", "改寄上海市***，电话138****5678"),
    ("红旗 张三：要发顺丰", "红旗 张三：要发顺丰"),
    (None, None),
])
def test_mask_text(text, shown):
    assert mask_text(text) == shown


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("phone", "13812345678", "138****5678"),
    ("phone", "1381234567", "138****4567"),  # a mistyped number is still masked
    ("phone", "123", "123"),
    ("phone", 13812345678, "138****5678"),
    ("landline", 88886666, "888****6666"),
    ("address", "浙江省杭州市西湖区文三路1号", "浙江省杭州市"),
    ("changed_address", "上海市浦东新区", "上海市"),
    ("order_id", "13812345678", "13812345678"),  # an id is never a phone
    ("waybill", 13812345678, 13812345678),
    ("quantity", 3, 3),
    ("buyer", 13812345678, "138****5678"),  # a number that is a mobile, in any field
    ("paid_amount", Decimal("13812345678"), Decimal("13812345678")),
    ("paid_at", dt.date(2026, 10, 1), dt.date(2026, 10, 1)),
    ("flag", True, True),
    ("remark", "改寄浙江省杭州市西湖区文三路1号", "改寄浙江省杭州市***"),
    ("remark", None, None),
])
def test_mask_value(field, value, shown):
    assert mask_value(field, value) == shown and type(mask_value(field, value)) is type(shown)


def test_mask_data_follows_the_keys():
    data = {"phone": "13812345678", "rows": [{"address": "浙江省杭州市西湖区", "order_id": "13812345678"}],
            "pair": ("13812345678",), 1: "13812345678"}
    assert mask_data(data) == {"phone": "138****5678", "rows": [{"address": "浙江省杭州市", "order_id": "13812345678"}],
                               "pair": ["138****5678"], 1: "138****5678"}


def test_mask_workbook_keeps_types_and_formulas(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["收货地址", "备注", "手机", "数量"])
    ws.append(["浙江省杭州市西湖区文三路1号", "=不是公式 13812345678", 13812345678, 3])
    ws["B2"].data_type = "s"  # buyer text that starts with =, stored as text
    ws["E2"] = "=HYPERLINK(\"#A1\",\"x\")"
    book.save(tmp_path / "in.xlsx")
    mask_workbook(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert [c.value for c in out[2]][:4] == ["浙江省杭州市", "=不是公式 138****5678", "138****5678", 3]
    assert out["B2"].data_type == "s" and out["C2"].data_type == "s" and out["D2"].data_type == "n"
    assert out["E2"].value == "=HYPERLINK(\"#A1\",\"x\")" and out["A1"].value == "收货地址"


def test_mask_workbook_masks_a_sheet_whose_tags_carry_a_namespace_prefix(tmp_path):
    """`<x:worksheet xmlns:x=…><x:c>`: not the shape the XML masking reads, so the openpyxl way masks it
    (the XML way found no `<c r=` in it and would have sent it unmasked)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["收货地址", "手机", "数量"])
    ws.append(["浙江省杭州市西湖区文三路1号", "13812345678", 3])
    book.save(tmp_path / "in.xlsx")
    with_prefixed_sheet(tmp_path / "in.xlsx")
    with zipfile.ZipFile(tmp_path / "in.xlsx") as packed:
        assert b"<x:c " in packed.read(SHEET1)
    mask_workbook(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert [c.value for c in out[2]] == ["浙江省杭州市", "138****5678", 3]


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("landline", "0571-8886666", "0571-****6666"),  # a 7-digit number keeps its last 4, not digits 5–7
    ("phone", 123, "****"),  # too short to keep any digits
    ("phone", 1234567, "123****4567"),  # 7 digits is enough
    ("remark", "改寄北京朝阳区建国路1号", "改寄北京市***"),  # a municipality keeps its 市
])
def test_mask_edges(field, value, shown):
    assert mask_value(field, value) == shown


def test_mask_workbook_leaves_our_formulas_and_finds_address_headers_in_the_first_20_rows(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = '=HYPERLINK("#A2","13812345678")'  # our own link formula: never rewritten
    ws["B20"] = "地址"
    ws["B21"] = "浙江省杭州市西湖区文三路1号"
    ws["C21"] = "地址"  # row 21 is data, not a header row: the cell below is free text
    ws["C22"] = "浙江省杭州市西湖区文三路1号"
    book.save(tmp_path / "in.xlsx")
    mask_workbook(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert out["A1"].value == '=HYPERLINK("#A2","13812345678")' and out["A1"].data_type == "f"
    assert out["B21"].value == "浙江省杭州市"  # the whole cell, as an address column
    assert out["C22"].value == "浙江省杭州市***"


def test_full_option_and_notice():
    import click
    from click.testing import CliRunner

    from automation.i18n import set_lang
    from automation.privacy import full_notice, full_option

    @click.command()
    @full_option
    def show(full: bool) -> None:
        click.echo(f"full={full}")

    assert CliRunner().invoke(show, ["--full"]).output == "full=True\n"
    assert CliRunner().invoke(show, []).output == "full=False\n"
    assert show.params[0].help == "Show phones and addresses unmasked on this console (never in --json); says so first."
    assert show.params[0].is_flag
    assert full_notice().startswith("注意：--full 已关闭遮盖")
    set_lang("en")
    assert full_notice().startswith("Note: --full turns masking off")
