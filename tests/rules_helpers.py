"""Building small shop folders for the rule tests and running the catalog over them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from automation.commands.validate import validate

SHEET_NAMES = {"orders": "订单", "stock": "库存", "movements": "出入库登记", "handover": "交接本", "reviews": "评价登记",
               "returns": "退换货登记", "shipments": "发货登记", "service": "服务统计", "messages": "留言记录",
               "stubs": "快递底单", "staff": "人员"}


def shop(tmp_path: Path, sheets: dict[str, tuple[list[str], list[list[object]]]], toml: str = "") -> Path:
    """One workbook (店铺.xlsx) with a sheet per kind (header + rows from row 1), and shop.toml."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for kind, (header, rows) in sheets.items():
        sheet = book.create_sheet(SHEET_NAMES[kind])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(tmp_path / "店铺.xlsx")
    (tmp_path / "shop.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def findings(tmp_path: Path, sheets, toml: str = "", select: tuple[str, ...] = (), as_of: dt.date | None = None):
    return validate(shop(tmp_path, sheets, toml), select=select, as_of=as_of).findings


def rows_with(found, code: str) -> list[int]:
    return sorted(f.row for f in found if f.code == code)


def sheet(*rows: dict) -> tuple[list[str], list[list[object]]]:
    """Rows given as {header: value}; the header is the union in first-seen order."""
    header: list[str] = []
    for row in rows:
        header += [h for h in row if h not in header]
    return header, [[row.get(h) for h in header] for row in rows]


PAID = "买家已付款，等待卖家发货"
SHIPPED = "卖家已发货，等待买家确认"


def order(order_id: str, **extra) -> dict:
    """A clean paid, shipped order; override fields by header name."""
    base = {"订单编号": order_id, "收货人姓名": "张三", "收货地址": "广东省 广州市 越秀区 黄花岗街道 1号(510080)",
            "联系手机": "13812345678", "订单状态": SHIPPED, "订单付款时间": dt.datetime(2026, 10, 14, 10, 0),
            "发货时间": dt.datetime(2026, 10, 14, 17, 0), "物流公司": "中通", "物流单号": "7812345678" + order_id[-4:],
            "宝贝标题": "纯棉圆领T恤 白色 L"}
    base.update(extra)
    return {k: v for k, v in base.items() if v is not ...}


def typed(kind: str, *rows: dict, notes=None):
    """An in-memory typed table of one kind from {header: value} rows (as read from a sheet, no file);
    `notes` (tables.CellNotes) marks cells holding an error or a formula saved without its value."""
    from automation.headers import match_headers
    from automation.schema import schema
    from automation.tables import build_table

    header, body = sheet(*rows)
    found = schema(kind)
    return build_table("店铺.xlsx", SHEET_NAMES[kind], [header, *body], 0, found, match_headers(header, found), notes)


def checked(code: str, sheets: dict[str, list[dict]], toml: str = "", as_of: dt.date | None = None, **config):
    """One rule run by the engine over in-memory tables: (findings, not-checked entries). Fast (no
    workbook), for the mutation run's tests; `toml` gives rule options, rates, couriers, the calendar;
    a sheet is given as its rows or as a table already built with `typed`; `config` sets ShopConfig
    fields that shop.toml would (staff=, promotions=)."""
    import tomllib

    from automation.workdays import WorkCalendar
    from automation.config import ShopConfig
    from automation.rules.engine import check_rules, load_selection

    config = ShopConfig(None, tomllib.loads(toml), **config)
    tables = {kind: rows if hasattr(rows, "records") else typed(kind, *rows) for kind, rows in sheets.items()}
    selection = load_selection(config, select=(code,))
    done = check_rules(list(tables.values()), tables, config, lambda: WorkCalendar.from_config(config.section("calendar")),
                       selection, as_of)
    return done.findings, done.not_checked
