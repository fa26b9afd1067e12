"""`shopbook flags`: apply the remark-flag conventions to the orders sheet (M-FLAG-*, 002 §23.5).

Reads the orders table, parses each remark (automation.remarks), attributes each order
(automation.attribution) and builds a `WorkbookEdit`: the canonical remark in a new 规范备注 column
(the original remark is never touched), each order row coloured by its flag, and derived sheets
换货登记 / 退款登记 / 异常订单 / 催付催单 / 订单归属. Building the edit is pure; writing is
`automation.sheets.writers.apply_edit` (a `.flags` copy by default).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import click

from ..click_zh import help_text
from ..attribution import BASIS_ZH, Attribution, attribute_orders
from ..config import ShopConfig
from ..coverage import NotChecked, as_json as not_checked_json, lines as not_checked_lines
from ..i18n import pick
from ..jsonout import dumps
from ..privacy import full_notice, full_option, mask_text
from ..remarks import Remark, canonical, parse_remark
from ..rules.needs import Declared, any_of, gaps, own
from ..shop import Shop
from ..sheets.edit import CellWrite, NewSheet, RowFill, WorkbookEdit
from ..tables import Record, Table, column_letter, gc_paused, read_as_columns

# Light fills by flag colour (grey = no flag: no fill).
FLAG_FILLS = {"红": "F8CBAD", "黄": "FFF2CC", "绿": "E2EFDA", "紫": "E4DFEC", "蓝": "DDEBF7"}
CANONICAL_HEADERS = ("规范备注", "Canonical remark")
UNPAID = "等待买家付款"
URGE_TIME = dt.time(16, 0)  # M-ORD-URGE: unpaid orders are chased around 16:00
MISSING_ZH = {"name": ("姓名", "name"), "date": ("日期", "date"), "reason": ("原因", "reason"),
              "requests": ("顾客要求", "requests"), "items": ("换货内容", "items"),
              "price_diff": ("差价", "price difference"), "postage": ("运费", "postage")}


# What each part of the flags run reads; without it that part is reported as not checked.
CHECKS = (
    *(Declared(f"flags.{colour}", f"M-FLAG-{colour.upper()}", "orders", (own("remark"),))
      for colour in ("red", "yellow", "green", "purple", "blue")),
    Declared("flags.flag-column", "M-ORD-NOTE", "orders", (own("flag"),)),  # the column vs the remark's marker
    Declared("flags.chase", "M-ORD-URGE", "orders", (own("status", "created_at"),)),
    Declared("flags.attribution", "M-ATTR", "orders", (own(any_of("agent", "remark", "paid_at", "created_at")),)),
)


# Every field of the order sheet the flags run reads (the remarks, attribution, the derived sheets):
# only these are typed (`tables.read_as_columns(fields=…)`), the other columns of a big sheet are
# not (tests/test_flags_fields.py holds the run to them, and its output to a full read's).
FIELDS = frozenset({"order_id", "buyer", "status", "created_at", "paid_at", "signed_at", "goods_amount", "total",
                    "refund_amount", "remark", "flag", "agent"})


def read_orders(shop: Shop) -> Table:
    """The shop's orders for flags: straight to Arrow columns as validate reads them, when the sheet
    allows, typed in FIELDS only (a table read in full earlier in the run serves as it is)."""
    return shop.require("orders", read=read_as_columns, fields=FIELDS)


def not_checked(orders: Table) -> list[NotChecked]:
    return gaps(CHECKS, {"orders": orders})


class OrderFlag(NamedTuple):
    """An order and its remark as the conventions read it (a named tuple, as `Attribution`: one per order)."""

    record: Record
    remark: Remark
    canonical: str
    promotion: str | None  # the promotion's name when the order falls in one


def read_flags(orders: Table, config: ShopConfig) -> list[OrderFlag]:
    """Every order's remark parsed under the conventions (names optional during a promotion)."""
    staff = [p.name for p in config.staff]
    out = []
    canonicals: dict[int, str] = {}  # id(remark) -> its canonical form: parse_remark hands out one object per distinct remark
    for record in orders.records:
        moment = record.get("paid_at") or record.get("created_at")
        promotion = config.promotion_at(moment) if config.promotions else None
        remark = parse_remark(record.get("remark"), record.get("flag"), staff=staff, promo=promotion is not None,
                              default_year=moment.year if moment else None)
        text = canonicals.get(id(remark))
        if text is None:
            text = canonicals[id(remark)] = canonical(remark)
        out.append(OrderFlag(record, remark, text, promotion.name if promotion else None))
    return out


# ---- the edit ---------------------------------------------------------------------------------------

def build_edit(orders: Table, flags: list[OrderFlag], attributions: list[Attribution]) -> WorkbookEdit:
    """Canonical remarks in a 规范备注 column, row fills by flag, and the derived sheets."""
    edit = WorkbookEdit(job="flags")
    column = canonical_column(orders)
    existing = column in orders.headers
    # written on every run: the file writer first takes out what the previous run wrote
    edit.writes.append(CellWrite(orders.sheet, orders.header_row, column, pick(*CANONICAL_HEADERS)))
    for item in flags:
        text = item.canonical if item.remark.flag or item.remark.text.strip() else ""
        if text or existing:  # a rerun clears what an earlier run wrote
            edit.writes.append(CellWrite(orders.sheet, item.record.row, column, text or None))
        fill = FLAG_FILLS.get(item.remark.flag or "")
        if fill:
            edit.row_fills.append(RowFill(orders.sheet, item.record.row, fill, width=column + 1))
    edit.new_sheets += [exchanges_sheet(orders, flags), refunds_sheet(orders, flags), abnormal_sheet(orders, flags),
                        chase_sheet(orders, flags, attributions), attribution_sheet(orders, flags, attributions)]
    return edit


def canonical_column(orders: Table) -> int:
    """Our column: the one a previous run added (same header), else the first column after the last
    used one that no merged range reaches (a merged title row may span past the table)."""
    for index, header in orders.headers.items():
        if header in CANONICAL_HEADERS:
            return index
    used = [*orders.headers, *orders.unmapped]
    column = max(used) + 1 if used else 0
    return max([column, *(c1 + 1 for _, _, _, c1 in orders.merged)])


def _missing(remark: Remark) -> str:
    return "、".join(pick(*MISSING_ZH[p]) for p in remark.missing)


def _sheet(name: tuple[str, str], header: list[tuple[str, str]], orders: Table,
           rows: list[tuple[Record, list[object]]], fill: str | None = None) -> NewSheet:
    """A derived sheet whose last column links back to the order row."""
    link_col = len(header)
    letters = column_letter(orders.columns.get("order_id", 0))
    links = [f"{letters}{record.row}" for record, _ in rows]
    sheet = NewSheet(pick(*name), [pick(*h) for h in header] + [pick("订单行", "Order row")],
                     [values + [link] for (_, values), link in zip(rows, links)])
    sheet.links = {(i, link_col): (orders.sheet, link) for i, link in enumerate(links)}
    if fill:
        sheet.fills = {i: fill for i in range(len(rows))}
    return sheet


def exchanges_sheet(orders: Table, flags: list[OrderFlag]) -> NewSheet:
    header = [("订单编号", "Order ID"), ("日期", "Date"), ("换货内容", "Items exchanged"), ("原因", "Reason"),
              ("差价", "Price difference"), ("运费", "Postage"), ("运费承担", "Postage paid by"), ("到付", "Freight collect"),
              ("新单号", "New waybill"), ("经办人", "Agent"), ("签收时间", "Signed for"), ("缺项", "Missing"),
              ("规范备注", "Canonical remark"), ("原备注", "Original remark")]
    rows = [(f.record, [f.record.get("order_id"), f.remark.date, f.remark.items, f.remark.reason, f.remark.price_diff,
                        f.remark.postage, f.remark.postage_payer, pick("是", "yes") if f.remark.freight_collect else None,
                        f.remark.waybill, f.remark.name, f.record.get("signed_at"), _missing(f.remark) or None,
                        f.canonical, f.remark.text])
            for f in flags if f.remark.flag == "紫"]
    return _sheet(("换货登记", "Exchanges"), header, orders, rows)


def refunds_sheet(orders: Table, flags: list[OrderFlag]) -> NewSheet:
    header = [("订单编号", "Order ID"), ("日期", "Date"), ("退款原因", "Refund reason"), ("运费", "Postage"),
              ("运费承担", "Postage paid by"), ("退款金额", "Refund amount"), ("经办人", "Agent"), ("订单状态", "Status"),
              ("缺项", "Missing"), ("规范备注", "Canonical remark"), ("原备注", "Original remark")]
    rows = [(f.record, [f.record.get("order_id"), f.remark.date, f.remark.reason, f.remark.postage,
                        f.remark.postage_payer, f.record.get("refund_amount"), f.remark.name, f.record.get("status"),
                        _missing(f.remark) or None, f.canonical, f.remark.text])
            for f in flags if f.remark.flag == "蓝"]
    return _sheet(("退款登记", "Refunds"), header, orders, rows)


def abnormal_sheet(orders: Table, flags: list[OrderFlag]) -> NewSheet:
    header = [("订单编号", "Order ID"), ("日期", "Date"), ("原因", "Reason"), ("经办人", "Agent"), ("订单状态", "Status"),
              ("缺项", "Missing"), ("规范备注", "Canonical remark"), ("原备注", "Original remark")]
    rows = [(f.record, [f.record.get("order_id"), f.remark.date, f.remark.reason, f.remark.name, f.record.get("status"),
                        _missing(f.remark) or None, f.canonical, f.remark.text])
            for f in flags if f.remark.flag == "绿"]
    return _sheet(("异常订单", "Abnormal orders"), header, orders, rows)


def chase_at(created: dt.datetime | dt.date | None) -> dt.datetime | None:
    """M-ORD-URGE: the 16:00 round that day, or the next day's for an order placed after 16:00."""
    if created is None:
        return None
    if not isinstance(created, dt.datetime):
        return dt.datetime.combine(created, URGE_TIME)
    day = created.date() if created.time() < URGE_TIME else created.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, URGE_TIME)


def chase_sheet(orders: Table, flags: list[OrderFlag], attributions: list[Attribution]) -> NewSheet:
    """Unpaid orders to chase at 16:00 (催付, M-ORD-URGE) and yellow-flag orders being chased (催单)."""
    agents = _agents_by_row(attributions)
    header = [("类型", "Kind"), ("订单编号", "Order ID"), ("买家", "Buyer"), ("下单时间", "Created"),
              ("催付时间", "Chase at"), ("金额", "Amount"), ("跟进客服", "Agent"), ("备注", "Remark")]
    rows = []
    for f in flags:
        record = f.record
        unpaid = record.get("status") == UNPAID
        if not unpaid and f.remark.flag != "黄":
            continue
        kind = pick("催付", "unpaid") if unpaid else pick("催单", "chasing")
        agent = f.remark.name or (pick("公共订单", "public order") if f.remark.flag == "黄" else agents.get(record.row))
        rows.append((record, [kind, record.get("order_id"), record.get("buyer"), record.get("created_at"),
                              chase_at(record.get("created_at")) if unpaid else None,
                              record.get("total") or record.get("goods_amount"), agent, f.remark.text or None]))
    return _sheet(("催付催单", "To chase"), header, orders, rows)


def _agents_by_row(attributions: list[Attribution]) -> dict[int, str]:
    out: dict[int, list[str]] = {}
    for a in attributions:
        if a.agent:
            out.setdefault(a.row, []).append(a.agent)
    return {row: "、".join(names) for row, names in out.items()}


def attribution_sheet(orders: Table, flags: list[OrderFlag], attributions: list[Attribution]) -> NewSheet:
    promotions = {f.record.row: f.promotion for f in flags}
    records = {f.record.row: f.record for f in flags}
    header = [("订单编号", "Order ID"), ("客服", "Agent"), ("份额", "Share"), ("依据", "Basis"), ("活动", "Promotion")]
    basis = {k: pick(v, k) for k, v in BASIS_ZH.items()}
    unattributed = pick("（未归属）", "(unattributed)")
    rows = [(records[a.row], [a.order_id, a.agent or unattributed, a.share, basis[a.basis], promotions.get(a.row)])
            for a in attributions]
    return _sheet(("订单归属", "Attribution"), header, orders, rows)


# ---- summary, command, demo -----------------------------------------------------------------------

def summarise(flags: list[OrderFlag], attributions: list[Attribution]) -> dict:
    colours = Counter(f.remark.flag for f in flags if f.remark.flag)
    attributed = {a.row for a in attributions if a.agent}
    return {
        "orders": len(flags),
        "flags": dict(colours),
        "incomplete": sum(1 for f in flags if f.remark.missing),
        "conflicts": sum(1 for f in flags if f.remark.flag_conflict),
        "exchanges": colours.get("紫", 0),
        "refunds": colours.get("蓝", 0),
        "abnormal": colours.get("绿", 0),
        "unpaid": sum(1 for f in flags if f.record.get("status") == UNPAID),
        "attributed": len(attributed),
        "unattributed": len({a.row for a in attributions} - attributed),
    }


def analyse(orders: Table, config: ShopConfig) -> tuple[list[OrderFlag], list[Attribution], WorkbookEdit]:
    """Remarks parsed, orders attributed (reusing the parsed remarks), the edit built. Pure.

    This makes a few objects per order and no garbage cycles, yet each burst of them would start a
    collection walking every cell of the table still alive (a 100k-row sheet: ~0.7 s of it), so the
    collector is paused meanwhile."""
    with gc_paused():
        flags = read_flags(orders, config)
        attributions = attribute_orders(orders, config, remarks={f.record.row: f.remark for f in flags})
        return flags, attributions, build_edit(orders, flags, attributions)


def run(path: str | Path) -> tuple[Table, list[OrderFlag], list[Attribution], WorkbookEdit]:
    shop = Shop.open(path)
    orders = read_orders(shop)
    return orders, *analyse(orders, shop.config)


def _order_json(item: OrderFlag) -> dict:
    remark = item.remark
    return {"row": item.record.row, "order_id": item.record.get("order_id"), "flag": remark.flag,
            "flag_source": remark.flag_source, "conflict": remark.flag_conflict, "name": remark.name,
            "missing": list(remark.missing), "canonical": mask_text(item.canonical)}


@click.command("flags")
@click.argument("path", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help=help_text("以 JSON 输出：{summary, orders: [...], outputs: [...], not_checked: [...]}。", "Print JSON: {summary, orders: [...], outputs: [...], not_checked: [...]}."))
@click.option("--inplace", is_flag=True, help=help_text("直接写入工作簿本身（其他内容不变；保留备份）。", "Write into the workbook itself (nothing else in it changes; a backup is kept)."))
@click.option("--no-write", is_flag=True, help=help_text("只报告，不写任何文件。", "Only report; write nothing."))
@full_option
def command(path: str, as_json: bool, inplace: bool, no_write: bool, full: bool) -> None:
    """Apply the flag conventions: canonical remarks, row colours,
    exchange/refund/abnormal/chase/attribution sheets.

    按旗帜约定整理订单备注：新增“规范备注”列、按旗帜颜色标记订单行，并生成换货登记、退款登记、异常订单、
    催付催单、订单归属表。
    """
    from ..progress import READING, RULES, WRITING, step, steps

    with steps(pick("旗帜", "Flags"), total=2 if no_write else 3, enabled=not as_json):
        step(READING)
        shop = Shop.open(path)
        orders = read_orders(shop)
        step(RULES)
        flags, attributions, edit = analyse(orders, shop.config)
        outputs = []
        if not no_write:
            from ..sheets.writers import apply_edit

            step(WRITING)
            outputs.append(apply_edit(orders.source, edit, inplace=inplace, suffix=".flags", keep_backups=shop.keep_backups))
    summary = summarise(flags, attributions)
    if as_json:
        click.echo(dumps({"summary": summary, "orders": [_order_json(f) for f in flags if f.remark.flag],
                          "outputs": [str(p) for p in outputs], "not_checked": not_checked_json(not_checked(orders))}))
        return
    _print(summary, flags, outputs, full)
    for line in not_checked_lines(not_checked(orders)):
        click.echo(line)


def _print(summary: dict, flags: list[OrderFlag], outputs: list[Path], full: bool = False) -> None:
    if full:
        click.echo(full_notice())
    colours = "，".join(f"{k}{v}" for k, v in summary["flags"].items()) or pick("无", "none")
    click.echo(pick(f"订单 {summary['orders']} 行；旗帜：{colours}；备注不完整 {summary['incomplete']} 行；"
                    f"旗帜列与备注不一致 {summary['conflicts']} 行；未归属 {summary['unattributed']} 单。",
                    f"{summary['orders']} orders; flags: {colours}; incomplete remarks {summary['incomplete']}; "
                    f"flag column vs remark conflicts {summary['conflicts']}; unattributed {summary['unattributed']}."))
    incomplete = [item for item in flags if item.remark.missing]
    for item in incomplete[:50]:
        click.echo(f"  {pick('第', 'row ')}{item.record.row}{pick('行', '')} {item.record.get('order_id') or ''}: "
                   f"{pick('缺', 'missing ')}{_missing(item.remark)} — {item.canonical if full else mask_text(item.canonical)}")
    if len(incomplete) > 50:
        click.echo(pick(f"  …另有 {len(incomplete) - 50} 行（用 --json 查看全部）", f"  …{len(incomplete) - 50} more (use --json)"))
    for path in outputs:
        click.echo(pick(f"已写出：{path}", f"Written: {path}"))


def figures(summary: dict) -> list[str]:
    """The flags run in short lines (the demo's summary table, the Excel console's status cell)."""
    colours = "，".join(f"{k}{v}" for k, v in summary["flags"].items()) or pick("无", "none")
    return [pick(f"订单 {summary['orders']} 行，备注不完整 {summary['incomplete']} 行", f"{summary['orders']} orders, "
                 f"{summary['incomplete']} incomplete remarks"),
            pick(f"旗帜：{colours}；未归属 {summary['unattributed']} 单", f"flags: {colours}; unattributed {summary['unattributed']}")]


def demo_step(shop_dir: Path, console):
    """`shopbook demo`: the flags copy of the demo shop's orders workbook."""
    from ..outcome import Outcome
    from ..sheets.writers import apply_edit

    orders, flags, attributions, edit = run(shop_dir)
    written = apply_edit(orders.source, edit, suffix=".flags")
    return Outcome(pick("旗帜备注", "Flags"), figures(summarise(flags, attributions)), [written])
