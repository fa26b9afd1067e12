"""Small shop folders for the penalty and sales tests: a shop.toml and one workbook of named sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

SHOP_TOML = """
[shop]
name = "测试小店"

[[staff]]
name = "王芳"
role = "负责人"

[[staff]]
name = "李娜"
role = "客服主管"
supervisor = "王芳"

[[staff]]
name = "陈静"
role = "客服"
supervisor = "李娜"

[[staff]]
name = "张伟"
role = "客服"
supervisor = "李娜"

[sales]
base_pay = 3000
commission_rate = 0.02
"""

HEADERS = {
    "订单": ["订单编号", "订单状态", "买家实际支付金额", "订单付款时间", "发货时间", "宝贝标题", "宝贝总数量", "旗帜", "订单备注", "客服", "退款金额", "联系手机"],
    "服务统计": ["日期", "客服", "咨询人数", "成交人数", "登记时间"],
    "留言记录": ["留言时间", "买家", "处理客服", "处理时间", "处理批注"],
    "回访表": ["咨询日期", "客服", "买家", "应回访日期", "回访日期"],
    "报表提交登记": ["报表类型", "所属期间", "提交人", "提交时间"],
    "评价登记": ["评价日期", "订单编号", "客服", "评价", "评价内容", "针对服务", "表扬/批评", "处理状态"],
    "扣分登记": ["日期", "姓名", "规则代码", "扣分", "说明", "登记人"],
    "退换货": ["登记日期", "订单编号", "类型", "原因", "商品", "退款金额"],
    "人员": ["姓名", "岗位", "班次", "休息日"],
}


def D(text: str) -> dt.datetime | dt.date:
    """'2026-10-09 19:00' -> datetime; '2026-10-09' -> date."""
    return dt.datetime.fromisoformat(text) if " " in text else dt.date.fromisoformat(text)


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Sheets by name (a name from HEADERS gets its header row); cells as given (ids as text)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(HEADERS[name])
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def make_shop(folder: Path, sheets: dict[str, list[list[object]]], toml: str = SHOP_TOML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shop.toml").write_text(toml, encoding="utf-8")
    write_workbook(folder / "店铺表格.xlsx", sheets)
    return folder
