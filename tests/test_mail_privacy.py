"""Masking customer data (M-CONFIDENTIAL): phones 138****5678, addresses cut to province + city."""

import openpyxl
import pytest

from automation.privacy import mask_address, mask_phone, mask_workbook


@pytest.mark.parametrize("raw, masked", [
    ("13812345678", "138****5678"),
    ("电话:13812345678,备用 19912345678", "电话:138****5678,备用 199****5678"),
    ("+86 138 1234 5678", "+86 138****5678"),
    ("0571-88886666", "0571-****6666"),
    ("订单 3201234567890123456", "订单 3201234567890123456"),  # a 19-digit order id is not a phone
])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("浙江省杭州市西湖区文三路1号", "浙江省杭州市"),
    ("上海市浦东新区张江路1号", "上海市"),
    ("新疆维吾尔自治区乌鲁木齐市天山区", "新疆维吾尔自治区乌鲁木齐市"),
    ("湖北省恩施土家族苗族自治州恩施市", "湖北省恩施土家族苗族自治州"),
])
def test_mask_address(raw, masked):
    assert mask_address(raw) == masked


def test_mask_workbook_copy(tmp_path):
    src, dst = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["收货地址", "手机", "备注"])
    book.active.append(["广东省深圳市南山区科技园1号", 13812345678, "买家说 13912345678 联系"])
    book.save(src)
    mask_workbook(src, dst)
    row = [c.value for c in openpyxl.load_workbook(dst).active[2]]
    assert row == ["广东省深圳市", "138****5678", "买家说 139****5678 联系"]
    assert openpyxl.load_workbook(src).active["B2"].value == 13812345678
