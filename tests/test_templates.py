"""Template workbooks: read back as their kinds, text-format long numbers, dropdowns, LibreOffice."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from automation.commands.templates import checked_in_dir
from automation.schema import schema
from automation.tables import column_letter, read_tables
from automation.templates import (COURIER_LIST, DEFAULT_COURIERS, LISTS_SHEET, STAFF_LIST, TEMPLATE_BOOKS, Lists,
                                  display_width, write_template, write_templates)

BOOKS = {book.filename: book for book in TEMPLATE_BOOKS}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("templates")
    write_templates(folder)
    return folder


def _dimension(sheet, index: int):
    """The <col> entry covering a 0-based column (openpyxl keys grouped columns by their first letter)."""
    for dim in sheet.column_dimensions.values():
        if dim.min and dim.min <= index + 1 <= dim.max:
            return dim
    raise AssertionError(f"no column entry for {column_letter(index)} in {sheet.title}")


def _validations(sheet) -> dict[str, object]:
    """Column letter -> its data validation (each template validation covers one whole column)."""
    out = {}
    for dv in sheet.data_validations.dataValidation:
        cell_range = str(dv.sqref)
        first, last = cell_range.split(":")
        assert first.rstrip("0123456789") == last.rstrip("0123456789"), cell_range
        assert first.endswith("2") and last.endswith("1048576"), cell_range  # below the header, whole column
        out[first.rstrip("0123456789")] = dv
    return out


def test_the_mapping_covers_every_kind_but_the_courier_bill_once():
    kinds = [k for book in TEMPLATE_BOOKS for k in book.kinds]
    assert len(kinds) == len(set(kinds))
    from automation.schema import schemas

    assert set(kinds) == set(schemas()) - {"bill"}


@pytest.mark.parametrize("filename", sorted(BOOKS))
def test_every_template_reads_back_as_its_kinds(generated, filename):
    book = BOOKS[filename]
    tables = read_tables(generated / filename)
    assert [(tb.sheet, tb.kind) for tb in tables] == [(schema(k).zh, k) for k in book.kinds]
    for table in tables:
        assert table.header_row == 1
        assert set(table.columns) == {c.field for c in table.schema.columns}
        assert table.unmapped == {} and table.records == [] and table.problems == []


@pytest.mark.parametrize("filename", sorted(BOOKS))
def test_formats_widths_and_frozen_header(generated, filename):
    workbook = openpyxl.load_workbook(generated / filename)
    for kind in BOOKS[filename].kinds:
        sheet = workbook[schema(kind).zh]
        assert sheet.freeze_panes == "A2"
        for index, col in enumerate(schema(kind).columns):
            assert sheet.cell(1, index + 1).value == col.header
            assert sheet.cell(1, index + 1).font.b
            dim = _dimension(sheet, index)
            expected = {"id": "@", "phone": "@", "waybill": "@", "date": "yyyy-mm-dd",
                        "datetime": "yyyy-mm-dd hh:mm", "money": "#,##0.00"}.get(col.type)
            if expected:
                assert dim.number_format == expected, (kind, col.field)
            assert dim.width >= display_width(col.header) + 2, (kind, col.field)
            if col.required:
                assert sheet.cell(1, index + 1).comment is not None


def test_long_numbers_columns_are_text_formatted_where_staff_paste_them(generated):
    sheet = openpyxl.load_workbook(generated / "订单.xlsx")["订单"]
    by_header = {sheet.cell(1, i + 1).value: _dimension(sheet, i) for i in range(sheet.max_column)}
    for header in ("订单编号", "联系手机", "联系电话", "物流单号", "邮编", "商家编码"):
        assert by_header[header].number_format == "@", header
    assert by_header["收货地址"].width >= 40
    assert by_header["买家会员名"].number_format == "General"


def test_enum_and_bool_dropdowns_hold_the_schema_values(generated):
    workbook = openpyxl.load_workbook(generated / "订单.xlsx")
    sheet = workbook["订单"]
    letters = {sheet.cell(1, i + 1).value: column_letter(i) for i in range(sheet.max_column)}
    rules = _validations(sheet)
    flag = rules[letters["旗帜"]]
    assert flag.type == "list" and flag.formula1 == '"红,黄,绿,紫,蓝,灰"'
    assert flag.errorStyle in (None, "stop")  # only the colours the flag rules know
    status = rules[letters["订单状态"]]
    assert status.formula1.strip('"').split(",") == list(schema("orders").column("status").values)
    assert letters["订单编号"] not in rules and letters["收货地址"] not in rules

    stubs = openpyxl.load_workbook(generated / "发货.xlsx")["快递底单"]
    stub_rules = _validations(stubs)
    stub_letters = {stubs.cell(1, i + 1).value: column_letter(i) for i in range(stubs.max_column)}
    assert stub_rules[stub_letters["已归档"]].formula1 == '"是,否"'
    staff = openpyxl.load_workbook(generated / "人员.xlsx")["人员"]
    staff_rules = _validations(staff)
    assert staff_rules["C"].formula1 == '"白班,晚班"'  # 班次
    assert staff_rules["B"].formula1.strip('"').split(",") == list(schema("staff").column("role").values)


def _list_values(workbook, formula: str) -> list[str]:
    sheet_part, cells = formula.split("!")
    assert sheet_part.strip("'=") == LISTS_SHEET
    column = cells.split(":")[0].strip("$").rstrip("0123456789").strip("$")
    sheet = workbook[LISTS_SHEET]
    values = [c.value for c in sheet[column]]
    return [v for v in values[1:] if v is not None]


def test_courier_and_staff_dropdowns_default_lists(generated):
    workbook = openpyxl.load_workbook(generated / "发货.xlsx")
    sheet = workbook["发货登记"]
    letters = {sheet.cell(1, i + 1).value: column_letter(i) for i in range(sheet.max_column)}
    rules = _validations(sheet)
    assert _list_values(workbook, rules[letters["快递公司"]].formula1) == list(DEFAULT_COURIERS)
    packer = rules[letters["打包人"]]
    assert _list_values(workbook, packer.formula1) == []  # no staff known: the team fills the list
    assert packer.errorStyle == "information"  # …so typing a name is never blocked
    lists = workbook[LISTS_SHEET]
    assert [lists["A1"].value, lists["B1"].value] == [COURIER_LIST, STAFF_LIST]
    assert workbook.sheetnames[-1] == LISTS_SHEET


def test_courier_and_staff_lists_come_from_the_shop_config(tmp_path):
    (tmp_path / "shop.toml").write_text(
        '[[staff]]\nname = "李娜"\nrole = "客服主管"\n\n[[staff]]\nname = "刘强"\nrole = "发货"\n\n'
        '[couriers."中通"]\n[rates."顺丰"]\n[rates."中通"]\n', encoding="utf-8")
    from automation.commands.templates import shop_lists

    lists = shop_lists(tmp_path)
    assert lists == Lists(("中通", "顺丰"), ("李娜", "刘强"))
    path = write_template(tmp_path / "交接本.xlsx", BOOKS["交接本.xlsx"], lists)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["交接本"]
    letters = {sheet.cell(1, i + 1).value: column_letter(i) for i in range(sheet.max_column)}
    rules = _validations(sheet)
    for header in ("交班人", "接班人"):
        assert _list_values(workbook, rules[letters[header]].formula1) == ["李娜", "刘强"]
        assert rules[letters[header]].errorStyle == "warning"
    assert rules[letters["班次"]].formula1 == '"白班,晚班"'


def test_templates_command_keeps_existing_files_unless_forced(cli, tmp_path):
    result = cli("templates", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(BOOKS)
    mine = tmp_path / "订单.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["订单编号", "收货人姓名"])
    book.active.append(["5121910154426014049", "赵六"])
    book.save(mine)
    before = mine.read_bytes()
    result = cli("templates", str(tmp_path))
    assert result.exit_code == 0 and "订单.xlsx" in result.output and "保留" in result.output
    assert mine.read_bytes() == before
    result = cli("templates", str(tmp_path), "--force")
    assert result.exit_code == 0
    assert read_tables(mine)[0].records == []  # replaced by the empty template


def test_generation_is_reproducible(tmp_path):
    first = write_template(tmp_path / "a" / "客服.xlsx", BOOKS["客服.xlsx"])
    second = write_template(tmp_path / "b" / "客服.xlsx", BOOKS["客服.xlsx"])
    assert first.read_bytes() == second.read_bytes()
    assert [p.name for p in first.parent.iterdir()] == ["客服.xlsx"]  # no temporary file left behind


@pytest.mark.parametrize("filename", sorted(BOOKS))
def test_checked_in_templates_are_up_to_date(generated, filename):
    """workbook_templates/xlsx/ must match the schemas: after changing a schema run `shopbook templates`."""
    def layout(path):
        workbook = openpyxl.load_workbook(path)
        return {ws.title: ([c.value for c in ws[1]],
                           [_dimension(ws, i).number_format for i in range(ws.max_column)],
                           sorted((str(dv.sqref), dv.formula1) for dv in ws.data_validations.dataValidation))
                for ws in workbook.worksheets}

    checked_in = checked_in_dir() / filename
    assert checked_in.exists(), f"{checked_in} is missing: run `shopbook templates`"
    assert layout(checked_in) == layout(generated / filename), f"{filename} is stale: run `shopbook templates`"


@pytest.mark.libreoffice
@pytest.mark.parametrize("filename", ["订单.xlsx", "发货.xlsx", "客服.xlsx"])
def test_template_opens_in_libreoffice_and_reads_back(soffice_convert, generated, filename):
    # 76 = UTF-8; the last -1 writes every sheet to its own CSV (<name>-<sheet>.csv)
    produced = soffice_convert(generated / filename, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1")
    csvs = {p.stem.split("-", 1)[1]: p for p in produced.parent.glob("*.csv")}
    kinds = BOOKS[filename].kinds
    assert set(csvs) == {schema(k).zh for k in kinds} | {LISTS_SHEET}
    for kind in kinds:
        path = csvs[schema(kind).zh]
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.split(",") == [c.header for c in schema(kind).columns]
        table = read_tables(path)[0]
        assert table.kind == kind and table.header_row == 1 and table.unmapped == {}
