"""Problems found while reading (automation.tables: Table.problems) as findings with their own codes."""

from __future__ import annotations

from collections.abc import Iterator

from ..tables import Table
from .catalog import Context, Hit, rule

ANY_KIND = "*"
# A damaged cell breaks the house rule its column serves: an order id that lost digits can no longer
# be told apart from another (M-ORD-DUP), a waybill no longer traced (M-ORD-WAYBILL).
CLAUSE_OF_FIELD = {"order_id": "M-ORD-DUP", "waybill": "M-ORD-WAYBILL", "new_waybill": "M-ORD-DUP",
                   "phone": "M-ORD-ADDR", "landline": "M-ORD-ADDR"}


def damaged_cells(table: Table) -> set[tuple[int, str]]:
    """(row, field) of cells the reader already reported: such a cell is not also "missing"."""
    return {(p.row, p.field) for p in table.problems}


def _problems(table: Table, *codes: str) -> Iterator[Hit]:
    for problem in table.problems:
        if problem.code in codes:
            clause = CLAUSE_OF_FIELD.get(problem.field) if table.kind in ("orders", "returns") else None
            yield Hit(problem.row, problem.field, problem.params.get("value"), {"hint": problem.message}, clause=clause)


@rule("READ001", "id-damaged", "error", None, ANY_KIND,
      zh="长编号被 Excel 存成数字，已丢失数字：{value}", en="A long id was stored by Excel as a number and lost digits: {value}",
      fix_zh="{hint}", fix_en="{hint}")
def id_damaged(table: Table, ctx: Context) -> Iterator[Hit]:
    return _problems(table, "coerce.id_damaged")


@rule("READ002", "id-as-number", "info", None, ANY_KIND,
      zh="编号存成了数字（未丢位）：{value}", en="An id is stored as a number (no digits lost yet): {value}",
      fix_zh="{hint}", fix_en="{hint}")
def id_as_number(table: Table, ctx: Context) -> Iterator[Hit]:
    return _problems(table, "coerce.id_as_number")


@rule("READ003", "bad-date", "error", None, ANY_KIND,
      zh="无法识别的日期/时间：{value}", en="Not a recognisable date/time: {value}", fix_zh="{hint}", fix_en="{hint}")
def bad_date(table: Table, ctx: Context) -> Iterator[Hit]:
    return _problems(table, "coerce.bad_date")


@rule("READ004", "bad-number", "error", None, ANY_KIND,
      zh="不是数字或金额：{value}", en="Not a number or amount: {value}", fix_zh="{hint}", fix_en="{hint}")
def bad_number(table: Table, ctx: Context) -> Iterator[Hit]:
    return _problems(table, "coerce.bad_number", "coerce.bad_money", "coerce.too_large")


@rule("READ005", "bad-choice", "warning", None, ANY_KIND,
      zh="不是可选值之一：{value}", en="Not one of the allowed values: {value}", fix_zh="{hint}", fix_en="{hint}")
def bad_choice(table: Table, ctx: Context) -> Iterator[Hit]:
    return _problems(table, "coerce.bad_enum", "coerce.bad_bool")


@rule("READ006", "error-value", "error", None, ANY_KIND,
      zh="单元格是错误值 {value}，无法检查", en="The cell holds the error {value} and cannot be checked",
      fix_zh="{hint}", fix_en="{hint}")
def error_value(table: Table, ctx: Context) -> Iterator[Hit]:
    return _problems(table, "read.cell_error")


@rule("READ007", "formula-not-calculated", "error", None, ANY_KIND,
      zh="公式没有计算结果：工作簿保存时没有计算公式值，请用 Excel/WPS 打开并保存（{value}）",
      en="A formula has no calculated value: the workbook was saved without calculated values; open and save it in Excel/WPS ({value})",
      fix_zh="{hint}", fix_en="{hint}")
def formula_not_calculated(table: Table, ctx: Context) -> Iterator[Hit]:
    return _problems(table, "read.uncached")


@rule("READ008", "duplicate-header", "warning", None, ANY_KIND,
      zh="重复的表头：{cell}“{value}”与 {first}“{first_header}”是同一列，只读取了 {first}",
      en="Duplicate header: {cell} '{value}' and {first} '{first_header}' are the same column; only {first} is read",
      fix_zh="{hint}", fix_en="{hint}")
def duplicate_header(table: Table, ctx: Context) -> Iterator[Hit]:
    for problem in table.problems:
        if problem.code == "read.duplicate_header":
            yield Hit(problem.row, problem.field, problem.params["value"], {**problem.params, "hint": problem.message})
