"""Masking (M-CONFIDENTIAL) value by value: exact outputs, so a wrong digit count or a lost case shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from automation.privacy import mask_address, mask_data, mask_phone, mask_text, mask_value, mask_workbook


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
