"""Masking (M-CONFIDENTIAL) edge cases that the mutation run of automation/privacy.py showed untested
(issue 11 §6): exact masked outputs, so a changed slice, separator or guard shows."""

from __future__ import annotations

import pytest

from automation.privacy import mask_value


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("phone", 1381234567, "138****4567"),  # a 10-digit whole number in a phone column: still the customer's
    ("phone", 12345, "****"),  # too short to keep any digits
    ("phone", "12-34-56-78", "123****5678"),
    ("phone", "123-4567", "123****4567"),  # 7 digits: the shortest number still masked as one
    ("landline", "123456", "123456"),  # 6 digits: not a number to mask
    ("phone", 8613812345678, "86138****5678"),  # +86 written as a whole number: masked once, the prefix kept
    ("landline", 8613812345678, "86138****5678"),  # 8 digits that are no phone pattern: first 3 and last 4 kept
])
def test_a_mistyped_number_in_a_phone_column_is_still_masked(field, value, shown):
    assert mask_value(field, value) == shown


def test_lettered_waybills_between_phones_stay_whole():
    """YT8618312346766 holds "+86 183…" but is a waybill: kept whole, the numbers around it masked."""
    from automation.privacy import mask_phone

    text = "单号YT8618312346766，电话13812345678；SF1234567890123 转 0571-88886666，JD86138123456789"
    assert mask_phone(text) == "单号YT8618312346766，电话138****5678；SF1234567890123 转 0571-****6666，JD86138123456789"


def test_mask_data_passes_the_field_name_down_to_lists_and_numbered_keys():
    from automation.privacy import mask_data

    data = {"phone": ["1234567", {0: "12-34-567"}], "remark": ["1234567"], 3: "1234567"}
    assert mask_data(data) == {"phone": ["123****4567", {0: "123****4567"}], "remark": ["1234567"], 3: "1234567"}
    assert mask_data(["1234567"], "phone") == ["123****4567"] and mask_data(("1234567",), "landline") == ["123****4567"]


def _without_cell_references(src, dst):
    """The same workbook with its cells written without r="A1" (allowed by the format, and what some
    writers do): mask_workbook takes the openpyxl way for it."""
    import re
    import zipfile

    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w") as c:
        for name in a.namelist():
            data = a.read(name)
            c.writestr(name, re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", data) if name.startswith("xl/worksheets/") else data)
    return dst


def test_the_openpyxl_way_masks_each_sheet_on_its_own(tmp_path):
    import openpyxl

    from automation.privacy import mask_workbook

    book = openpyxl.Workbook()
    first = book.active
    first.title = "订单"
    first.append(["收货地址", "备注", "手机", "数量", "合计", "已付"])
    first.append(["浙江省杭州市西湖区文三路1号", "电话13812345678", 13812345678, 42, '="13812345678"', True])
    first["A3"] = "浙江省宁波市"
    first["B3"] = "=13812345678"  # text that looks like a formula
    first["B3"].data_type = "s"
    second = book.create_sheet("备注")  # no 地址 header here: the address in free text is cut, not hidden
    second.append(["浙江省杭州市西湖区文三路1号", 12345678901, None])
    book.save(tmp_path / "a.xlsx")
    mask_workbook(_without_cell_references(tmp_path / "a.xlsx", tmp_path / "b.xlsx"), tmp_path / "c.xlsx")
    out = openpyxl.load_workbook(tmp_path / "c.xlsx")
    rows = [[c.value for c in row] for row in out["订单"].iter_rows()]
    assert rows[:2] == [["收货地址", "备注", "手机", "数量", "合计", "已付"],
                        ["浙江省杭州市", "电话138****5678", "138****5678", 42, '="13812345678"', True]]  # our formula stays
    assert out["订单"]["A3"].value == "浙江省宁波市" and out["订单"]["B3"].value == "=138****5678" and out["订单"]["B3"].data_type == "s"
    assert out["订单"]["C2"].data_type == "s" and out["订单"]["E2"].data_type == "f"
    assert [c.value for c in out["备注"][1]][:2] == ["浙江省杭州市***", 12345678901]  # not a mobile (second digit 2)


def test_a_workbook_with_shared_strings_is_masked_in_its_xml(tmp_path):
    """XlsxWriter (like Excel) keeps text in xl/sharedStrings.xml, rich text as runs: those cells are
    masked too, from the text of their runs (an empty run adds nothing, a phonetic guide is not text),
    written back inline; every other part of the file is copied byte for byte."""
    import zipfile

    import openpyxl
    import xlsxwriter

    from automation.privacy import mask_workbook

    book = xlsxwriter.Workbook(tmp_path / "a.xlsx")
    sheet = book.add_worksheet("清单")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, ["收货地址", "备注", "件数", "手机", "金额", "公式", "空"])
    sheet.write_row(1, 0, ["浙江省杭州市西湖区文三路1号"])
    sheet.write_rich_string(1, 1, "请打", bold, "138", "12345678")
    sheet.write_number(1, 2, 2)
    sheet.write_number(1, 3, 13812345678, book.add_format({"bold": True, "num_format": "0"}))  # XlsxWriter writes no t="n"
    sheet.write_number(1, 4, 12.5)
    sheet.write_formula(1, 5, '="138"&"12345678"', None, "13812345678")  # our formula, its cached text kept
    sheet.write_row(2, 0, ["上海市浦东新区世纪大道1号", "PHONETIC", 3, 13012345678, True])
    book.close()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as a, zipfile.ZipFile(tmp_path / "b.xlsx", "w") as b:
        for name in a.namelist():
            data = a.read(name)
            if name == "xl/sharedStrings.xml":  # what Excel writes for a name with its reading, and an empty run
                assert b"<t>PHONETIC</t>" in data
                data = data.replace(b"<t>PHONETIC</t>", b'<r><t>\xe7\x8e\x8b13812345678</t></r><r><t/></r>'
                                    b'<rPh sb="0" eb="1"><t>WANG</t></rPh>')
            if name == "xl/worksheets/sheet1.xml":
                # text cells without a value (inline, shared, formula text); a text result without its formula
                data = data.replace(b"</row></sheetData>", b'<c r="G3" t="inlineStr"/>'
                                    b'<c r="H3" t="str"><v>\xe7\x94\xb5\xe8\xaf\x9d 13812345678 &amp; 1</v></c>'
                                    b'<c r="I3" t="s"/><c r="J3" t="str"/></row></sheetData>')
                assert b'<c r="G3" t="inlineStr"/>' in data
            b.writestr(name, data)
    mask_workbook(tmp_path / "b.xlsx", tmp_path / "c.xlsx")
    out = openpyxl.load_workbook(tmp_path / "c.xlsx")["清单"]
    rows = [[c.value for c in row] for row in out.iter_rows()]
    assert rows == [["收货地址", "备注", "件数", "手机", "金额", "公式", "空", None, None, None],
                    ["浙江省杭州市", "请打138****5678", 2, "138****5678", 12.5, '="138"&"12345678"', None, None, None, None],
                    ["上海市", "王138****5678", 3, "130****5678", True, None, None, "电话 138****5678 & 1", None, None]]
    assert out["F2"].data_type == "f" and out["D2"].data_type == "s" and out["E3"].data_type == "b"
    assert out["D2"].font.b and not out["D3"].font.b  # a masked cell keeps its style
    with zipfile.ZipFile(tmp_path / "b.xlsx") as b, zipfile.ZipFile(tmp_path / "c.xlsx") as c:
        assert b.namelist() == c.namelist()
        assert [n for n in b.namelist() if b.read(n) != c.read(n)] == ["xl/worksheets/sheet1.xml"]
        import re

        kept = re.findall(rb'<c r="[A-Z]+1"[^>]*>', c.read("xl/worksheets/sheet1.xml"))
        assert len(kept) == 7 and all(b't="s"' in cell for cell in kept)  # cells left as they are stay shared strings
