"""A stand-in for the validate engine (`(tables, shop) -> (summary, WorkbookEdit)`), for backend tests.

It marks every order whose mobile number is missing, as the real rule M-ORD-ADDR would, and lists
them on a 校验结果 sheet with links; the backends are tested on what they do with the edit.
"""

from __future__ import annotations

from automation.sheets.edit import SEVERITY_FILLS, CellMark, NewSheet, WorkbookEdit
from automation.tables import column_letter


def missing_phone_engine(tables, shop):
    orders = next(t for t in tables if t.kind == "orders")
    column = orders.columns["phone"]
    marks = [CellMark(orders.sheet, r.row, column, fill=SEVERITY_FILLS["error"], note="ORD001 缺少手机号")
             for r in orders.records if r.data.get("phone") is None]
    cells = [f"{column_letter(column)}{m.row}" for m in marks]
    links = {(i, 1): (orders.sheet, cell) for i, cell in enumerate(cells)}
    rows = [["ORD001", cell, "=cmd|' /C calc'!A0"] for cell in cells]
    return None, WorkbookEdit(marks=marks, new_sheets=[NewSheet("校验结果", ["代码", "单元格", "值"], rows, links=links,
                                                                 fills={0: SEVERITY_FILLS["error"]})])
