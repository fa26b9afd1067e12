"""Masking customer data for anything that leaves the machine or is logged (M-CONFIDENTIAL).

Phones keep the first 3 and last 4 digits (138****5678), whatever digits they are written in
(full-width １３８…) and however they are split (138-1234-5678, 138 1234 5678); landlines keep the
area code and the last 4 digits (0571-****6666); addresses keep province + city, also when they sit
inside free text ("改寄浙江省杭州市西湖区文三路1号" -> "改寄浙江省杭州市***").

`mask_text` is for any text, `mask_value(field, value)` for a typed value of a known field,
`mask_data` for whole records and JSON payloads.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import xml.etree.ElementTree as ET
from decimal import Decimal

from .click_zh import help_text
from .geo import PROVINCES
from .lazyre import lazy_compile

_D = "[0-9\uFF10-\uFF19]"  # ASCII and full-width digits
_SEP = "[-\u2010-\u2015\u2212\uFF0D.\uFF0E\u00B7 \u3000]?"  # one optional hyphen, dash, dot or space between digits
_MOBILE = lazy_compile(rf"(?<![0-9\uFF10-\uFF19])((?:[+\uFF0B]?[8\uFF18][6\uFF16]{_SEP})?)"
                     rf"([1\uFF11]{_SEP}[3-9\uFF13-\uFF19](?:{_SEP}{_D}){{9}})(?![0-9\uFF10-\uFF19])")
_LANDLINE = lazy_compile(rf"(?<![0-9\uFF10-\uFF19])([0\uFF10]{_D}{{2,3}})([-\uFF0D\u2010-\u2015 ]?|[)）] ?)"
                       rf"({_D}{{3,4}}{_SEP}{_D}{{4}})(?![0-9\uFF10-\uFF19])")

# A courier's waybill (YT/SF/JT/DPK/JD… + 12–15 digits) is an id, not a phone: "YT8618312346766" has a
# "+86 183…" inside it. Pure-digit waybills are already safe: they are longer than a phone.
_LETTERED_ID = lazy_compile(r"(?<![A-Za-z0-9])[A-Z]{2,4}[0-9]{12,15}(?![0-9])")

_PROVINCE_FORMS = sorted((form for name, forms in PROVINCES.items() for form in (name, *forms)), key=len, reverse=True)
_MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
_CITY = r"(?:[\u4e00-\u9fff]{1,10}?(?:自治州|地区|盟|市))"
_PROVINCE = "(?:" + "|".join(re.escape(f) for f in _PROVINCE_FORMS) + ")(?:省|市|自治区)?"
_PROVINCE_START = lazy_compile(rf"^{_PROVINCE}")
_CITY_START = lazy_compile(rf"^{_CITY}")
# an address inside free text: a province, maybe a city, then street-level detail up to punctuation
# (atomic groups: "新疆维吾尔自治区" on its own is a province, not "新疆维吾尔" + a district "自治区")
_ADDRESS_IN_TEXT = lazy_compile(
    rf"(?P<head>(?>{_PROVINCE})(?>{_CITY})?|[\u4e00-\u9fff]{{2,4}}?(?:市|自治州))(?P<tail>[\u4e00-\u9fff0-9\uFF10-\uFF19A-Za-z#＃\-－]*"
    r"(?:区|县|旗|镇|乡|街道?|路|巷|弄|村|号|幢|栋|楼|室|单元|小区|大厦|公寓|花园)[\u4e00-\u9fff0-9\uFF10-\uFF19A-Za-z#＃\-－]*)")


def _digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())


def _mobile(match: re.Match) -> str:
    digits = _digits(match.group(2))
    return f"{match.group(1)}{digits[:3]}****{digits[-4:]}"


def _landline(match: re.Match) -> str:
    return f"{_digits(match.group(1))}{match.group(2)}****{_digits(match.group(3))[-4:]}"


def mask_phone(text: object) -> str | None:
    """Every mobile and landline number inside the text masked: '13812345678' -> '138****5678'."""
    if text is None:
        return None
    text = str(text)
    out, start = [], 0
    for waybill in _LETTERED_ID.finditer(text):
        out += [_mask_numbers(text[start:waybill.start()]), waybill.group(0)]
        start = waybill.end()
    out.append(_mask_numbers(text[start:]))
    return "".join(out)


def _mask_numbers(text: str) -> str:
    return _LANDLINE.sub(_landline, _MOBILE.sub(_mobile, text))


def mask_address(text: object) -> str | None:
    """An address value: '浙江省杭州市西湖区文三路1号' -> '浙江省杭州市'; '上海市浦东新区…' -> '上海市'.

    Anything that does not start with a recognisable province is hidden entirely ('***')."""
    if text is None:
        return None
    address = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    for city in _MUNICIPALITIES:
        if address.startswith(city):
            return city + "市"
    province = _PROVINCE_START.match(address)
    if not province:
        return "***"
    city = _CITY_START.match(address[province.end():])
    return province.group(0) + (city.group(0) if city else "")


def _address_in_text(match: re.Match) -> str:
    head = match.group("head")
    for city in _MUNICIPALITIES:
        if head.startswith(city):
            head = city + "市"
    return head + "***"


def mask_text(text: object) -> str | None:
    """Free text (a remark, a message, a log line): phones masked, embedded addresses cut to province + city."""
    if text is None:
        return None
    return _ADDRESS_IN_TEXT.sub(_address_in_text, mask_phone(text))


PHONE_FIELDS = ("phone", "landline")
ADDRESS_FIELDS = ("address", "changed_address")
ID_FIELDS = ("order_id", "waybill", "sku")  # ids, never a phone even when 11 digits long


def mask_value(field_name: str, value: object) -> object:
    """A typed value of a known field, masked for output. Numbers, dates and money that are not a
    phone pass as they are; every other value is shown as masked text."""
    if value is None or isinstance(value, (bool, Decimal, float, dt.date, dt.time)) or field_name in ID_FIELDS:
        return value
    if field_name in ADDRESS_FIELDS:
        return mask_address(value)
    if isinstance(value, int):
        shown = mask_phone(str(value))
        return value if shown == str(value) and field_name not in PHONE_FIELDS else _whole_number(shown, field_name)
    text = str(value)
    shown = mask_text(text)
    if field_name in PHONE_FIELDS and shown == text and len(_digits(text)) >= 7:
        return _whole_number(text, field_name)  # a mistyped number is still the customer's
    return shown


def _whole_number(text: str, field_name: str) -> str:
    if field_name not in PHONE_FIELDS or "****" in text:
        return text
    digits = _digits(text)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "****"


def mask_data(data: object, field_name: str = "") -> object:
    """A record or JSON payload with every value masked: dict keys name the field of their value."""
    if isinstance(data, dict):
        return {k: mask_data(v, k if isinstance(k, str) else field_name) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [mask_data(v, field_name) for v in data]
    return mask_value(field_name, data)


def mask_workbook(source, target) -> None:
    """Copy an .xlsx with every text cell masked (phones, and addresses: whole in an address column,
    cut inside free text). Each cell keeps its type: a text cell that starts with '=' stays text,
    and our own formulas (links) are left alone.

    Used on attachments (our own report workbooks) before they are e-mailed; the source file is
    left as it is. Our workbooks are regular XlsxWriter/openpyxl output, so their sheets are masked
    as XML, cell by cell, with every other part copied as it is (seconds faster than an openpyxl
    load and save); a sheet of another shape goes the openpyxl way."""
    from .sheets.xlsxpatch.package import Package

    package = Package.open(source)
    try:
        strings = _shared_strings(package)
        sheets = [sheet.part for sheet in package.sheets() if sheet.kind == "worksheet"]
        masked = {part: _mask_sheet_xml(package.read(part), strings) for part in sheets}
        if None in masked.values():
            return _mask_workbook_openpyxl(source, target)
        for part, data in masked.items():
            package.replace(part, data)
        with open(target, "wb") as out:
            package.save(out)
    finally:
        package.close()


_CELL = lazy_compile(rb'<c r="([A-Z]{1,3})([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_T_ATTR = lazy_compile(rb'\st="([a-zA-Z]+)"')
_STYLE_ATTR = lazy_compile(rb'\ss="[0-9]+"')
_V = lazy_compile(rb"<v>([^<]*)</v>")


def _shared_strings(package) -> list[str]:
    if not package.has("xl/sharedStrings.xml"):
        return []
    root = ET.fromstring(package.read("xl/sharedStrings.xml"))
    ns = root.tag[:-len("sst")]
    return [_string_item(si, ns) for si in root.iter(f"{ns}si")]


def _string_item(node, ns: str) -> str:
    """The text of a shared or inline string: its runs, not its phonetic guide (rPh)."""
    return "".join(t.text or "" for child in node for t in ([child] if child.tag == f"{ns}t" else
                                                            child.iter(f"{ns}t") if child.tag == f"{ns}r" else []))


def _mask_sheet_xml(data: bytes, strings: list[str]) -> bytes | None:
    """The sheet with its text cells masked, or None for a shape this does not read (cells without r,
    or tags with a namespace prefix: `<x:c>` is no `<c r=`, and the sheet would pass unmasked)."""
    from .sheets.xlsxscan import root_prefix

    if data.count(b"<c ") != data.count(b'<c r="') or root_prefix(data):
        return None
    address_cols: set[bytes] = set()

    def cell(match: re.Match) -> bytes:
        column, row, attrs, inner = match.group(1), int(match.group(2)), match.group(3), match.group(4) or b""
        if b"<f" in inner:
            return match.group(0)
        kind = _T_ATTR.search(attrs)
        kind = kind.group(1) if kind else b"n"
        value = _cell_text(kind, inner, strings)
        shown = None if value is None else _masked(value, column, row, address_cols)
        return match.group(0) if shown is None else _inline(match, attrs, shown)

    return _CELL.sub(cell, data)


def _cell_text(kind: bytes, inner: bytes, strings: list[str]) -> str | int | None:
    """A text cell's text, a whole number cell's int, or None for anything else."""
    if kind == b"s":
        found = _V.search(inner)
        return strings[int(found.group(1))] if found else None
    if kind == b"inlineStr":
        node = ET.fromstring(b'<is xmlns="x">' + inner.split(b">", 1)[1].rsplit(b"</is>", 1)[0] + b"</is>") \
            if inner.startswith(b"<is") else None
        return _string_item(node, "{x}") if node is not None else None
    if kind == b"str":
        import html

        found = _V.search(inner)
        return html.unescape(found.group(1).decode("utf-8")) if found else None
    if kind == b"n":
        found = _V.search(inner)
        return int(found.group(1)) if found and found.group(1).isdigit() else None
    return None


def _inline(match: re.Match, attrs: bytes, text: str) -> bytes:
    """The cell as an inline string (its style kept): text is never read back as a formula or number."""
    from .sheets.xlsxpatch.sheetstream import xml_text

    style = _STYLE_ATTR.search(attrs)
    return (b'<c r="' + match.group(1) + match.group(2) + b'"' + (style.group(0) if style else b"") +
            b' t="inlineStr"><is><t xml:space="preserve">' + xml_text(text).encode("utf-8") + b"</t></is></c>")


def _mask_workbook_openpyxl(source, target) -> None:
    import openpyxl

    book = openpyxl.load_workbook(source)
    for sheet in book.worksheets:
        address_cols = set()
        for row in sheet.iter_rows():
            for cell in row:
                _mask_cell(cell, address_cols)
    book.save(target)


def _mask_cell(cell, address_cols: set) -> None:
    if cell.data_type == "f" or cell.value is None or isinstance(cell.value, bool):
        return
    if isinstance(cell.value, (int, str)):
        shown = _masked(cell.value, cell.column, cell.row, address_cols)
        if shown is not None:
            _set_text(cell, shown)


def _masked(value: str | int, column, row: int, address_cols: set) -> str | None:
    """A cell's masked text, or None when it stays as it is. A header cell naming 地址 in the first
    20 rows makes its column an address column (masked whole); a whole number that is a mobile is
    masked as text."""
    if isinstance(value, int):
        return mask_phone(str(value)) if _MOBILE.fullmatch(str(value)) else None
    if "地址" in value and row <= 20:
        address_cols.add(column)
        return None
    shown = mask_address(value) if column in address_cols else mask_text(value)
    return None if shown == value else shown


def _set_text(cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # openpyxl would read a leading '=' as a formula


def full_option(command):
    """`--full` for a command's console output; JSON stays masked whatever is asked."""
    import click

    return click.option("--full", is_flag=True,
                        help=help_text("在本终端显示未打码的电话与地址（--json 中永不显示）；会先提示。", "Show phones and addresses unmasked on this console (never in --json); says so first."))(command)


def full_notice() -> str:
    from .i18n import pick

    return pick("注意：--full 已关闭遮盖，下面显示完整的手机号和地址。只在本机查看，不要复制、截图或转发。",
                "Note: --full turns masking off; full phone numbers and addresses follow. Read them here only; do not copy, screenshot or forward.")
