"""mask_workbook on our own attachments: text cells masked in the sheet XML, every other part of the
file copied as it is; a sheet of another shape is masked the openpyxl way, with the same result."""

import re
import zipfile

import openpyxl

from automation import privacy, xlsxout
from automation.privacy import mask_workbook


def _attachment(path):
    book = xlsxout.new_workbook(path)
    sheet = book.add_worksheet("清单")
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, ["收货地址", "备注", "手机", "金额", "空"])
    sheet.write_row(1, 0, ["浙江省杭州市西湖区文三路1号", "买家 13812345678 & <急>", 13812345678])
    sheet.write_number(1, 3, 12.5, money)
    sheet.write_string(1, 4, "")
    sheet.write_row(2, 0, ["上海市浦东新区世纪大道1号", "=不是公式", 3])
    sheet.set_column(0, 0, 30)
    book.close()
    return path


def test_text_cells_are_masked_and_every_other_part_is_copied_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setattr(privacy, "_mask_workbook_openpyxl", lambda *_: (_ for _ in ()).throw(AssertionError("fallback")))
    src, dst = _attachment(tmp_path / "a.xlsx"), tmp_path / "b.xlsx"
    mask_workbook(src, dst)
    sheet = openpyxl.load_workbook(dst)["清单"]
    assert [c.value for c in sheet[2]] == ["浙江省杭州市", "买家 138****5678 & <急>", "138****5678", 12.5, ""]  # an empty text stays one
    assert [c.value for c in sheet[3]][:3] == ["上海市", "=不是公式", 3]
    assert sheet["B3"].data_type == "s" and sheet["C2"].data_type == "s" and sheet["D2"].number_format == "#,##0.00"
    assert sheet.column_dimensions["A"].width > 29
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        assert a.namelist() == b.namelist()
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
        assert changed == ["xl/worksheets/sheet1.xml"]
        assert b"13812345678" not in b.read("xl/worksheets/sheet1.xml")


def test_a_sheet_without_cell_references_is_masked_the_openpyxl_way(tmp_path):
    src, dst = _attachment(tmp_path / "a.xlsx"), tmp_path / "b.xlsx"
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(tmp_path / "c.xlsx", "w") as c:
        for name in a.namelist():  # the same cells, written without r="…" (allowed by the format)
            data = a.read(name)
            c.writestr(name, re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", data) if name.endswith("sheet1.xml") else data)
    mask_workbook(tmp_path / "c.xlsx", dst)
    sheet = openpyxl.load_workbook(dst)["清单"]
    assert [c.value for c in sheet[2]][:3] == ["浙江省杭州市", "买家 138****5678 & <急>", "138****5678"]
