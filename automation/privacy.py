"""Masking customer data for anything that leaves the machine or is logged (M-CONFIDENTIAL).

Phones keep the first 3 and last 4 digits (138****5678); addresses keep province + city.
"""

from __future__ import annotations

import re

_MOBILE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)")
_MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
_PROVINCE = re.compile(r"^(.{2,3}?(?:省|自治区|特别行政区)|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|台湾|"
                       r"(?:北京|上海|天津|重庆)市?|(?:黑龙江|[\u4e00-\u9fff]{2}))")
_CITY = re.compile(r"^(.{1,10}?(?:自治州|地区|盟|市))")


def mask_phone(text: object) -> str | None:
    """Every mobile (and landline) number inside the text masked: '13812345678' -> '138****5678'."""
    if text is None:
        return None
    out = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", str(text))
    return _LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", out)


def mask_address(text: object) -> str | None:
    """'浙江省杭州市西湖区文三路1号' -> '浙江省杭州市'; '上海市浦东新区…' -> '上海市'."""
    if text is None:
        return None
    address = str(text).strip().replace(" ", "")
    for city in _MUNICIPALITIES:
        if address.startswith(city):
            return city + "市"
    province = _PROVINCE.match(address)
    if not province:
        return "***"
    rest = address[province.end():]
    city = _CITY.match(rest)
    return province.group(1) + (city.group(1) if city else "")


PHONE_FIELDS = ("phone", "landline")
ADDRESS_FIELDS = ("address", "changed_address")


def mask_value(field_name: str, value: object) -> object:
    if field_name in PHONE_FIELDS:
        return mask_phone(value)
    if field_name in ADDRESS_FIELDS:
        return mask_address(value)
    return mask_phone(value) if isinstance(value, str) else value


def mask_workbook(source, target) -> None:
    """Copy an .xlsx with every text cell's phone numbers masked and address-like cells cut.

    Used on attachments before they are e-mailed; the source file is left as it is."""
    import openpyxl

    book = openpyxl.load_workbook(source)
    for sheet in book.worksheets:
        address_cols = set()
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    if isinstance(cell.value, int) and _MOBILE.fullmatch(str(cell.value)):
                        cell.value = mask_phone(str(cell.value))
                    continue
                if "地址" in cell.value and cell.row <= 20:
                    address_cols.add(cell.column)
                    continue
                if cell.column in address_cols:
                    cell.value = mask_address(cell.value)
                else:
                    cell.value = mask_phone(cell.value)
    book.save(target)
