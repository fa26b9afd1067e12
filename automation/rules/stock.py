"""Stock and movement rules (M-STK-*): weekly counts, listed vs real stock, reorder point, negative
stock, oversell risk, uninspected inbound, and counts that do not follow from the movements.

The stock sheet may hold one row per SKU (the current count) or several (a count history): the
latest count of a SKU is its current stock; consecutive counts are checked against the movements."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise

from ..tables import Record, Table
from .catalog import Context, Hit, hit, rule
from .needs import own, sheet
from .orders import ITEM_SEPARATORS, demand_by_sku

INBOUND = ("入库", "退货入库")
OUTBOUND = ("出库",)
DEFECT_STORE = "残次库"


def counts_by_sku(stock: Table) -> dict[str, list[Record]]:
    """Each SKU's count rows, oldest first (rows without a date keep sheet order, before dated ones)."""
    out: dict[str, list[Record]] = defaultdict(list)
    for record in stock.records:
        if record.get("sku") is not None:
            out[str(record.get("sku"))].append(record)
    for rows in out.values():
        rows.sort(key=lambda r: (r.get("counted_on") or dt.date.min, r.row))
    return dict(out)


def current_rows(stock: Table) -> list[Record]:
    return [rows[-1] for rows in counts_by_sku(stock).values()]


@rule("STK001", "count-stale", "warning", "M-STK-WEEKLY", "stock", field="counted_on",
      requires=own("sku", "counted_on"),
      zh="最近一次盘点是 {value}，已超过 {days} 天", en="Last counted {value}, more than {days} days ago",
      fix_zh="每件商品每周盘点一次，并记录库存与销量。", fix_en="Count every product once a week and record stock and sales.",
      options={"max_days": 7})
def count_stale(table: Table, ctx: Context) -> Iterator[Hit]:
    if not table.has("counted_on"):
        return
    limit = ctx.options["max_days"]
    for record in current_rows(table):
        counted = record.get("counted_on")
        if counted is None or (ctx.as_of - counted).days > limit:
            yield hit(record, "counted_on", days=limit)


@rule("STK002", "page-stock-differs", "warning", "M-STK-PAGE", "stock", field="page_stock",
      requires=own("sku", "page_stock", "real_stock"),
      zh="页面库存 {value} 与实际库存 {real} 不一致", en="Listed stock {value} differs from real stock {real}",
      fix_zh="与仓库核对后修改页面库存，避免缺货退款。", fix_en="Check with the warehouse and correct the listed stock to avoid out-of-stock refunds.")
def page_stock_differs(table: Table, ctx: Context) -> Iterator[Hit]:
    for record in current_rows(table):
        page, real = record.get("page_stock"), record.get("real_stock")
        if page is not None and real is not None and page != real:
            yield hit(record, "page_stock", real=real)


@rule("STK003", "at-reorder-point", "warning", "M-STK-LOW", "stock", field="real_stock",
      requires=own("sku", "real_stock", "reorder_point"),
      zh="实际库存 {value} 已到补货点 {point}", en="Real stock {value} is at or below the reorder point {point}",
      fix_zh="通知生产/采购补货，不要断货。", fix_en="Tell production/purchasing to replenish before it runs out.")
def at_reorder_point(table: Table, ctx: Context) -> Iterator[Hit]:
    for record in current_rows(table):
        real, point = record.get("real_stock"), record.get("reorder_point")
        if real is not None and point is not None and 0 <= real <= point:
            yield hit(record, "real_stock", point=point)


@rule("STK004", "negative-stock", "error", "M-STK-LOW", "stock", field="real_stock",
      requires=own("real_stock"),
      zh="库存为负数：{value}", en="Negative stock: {value}",
      fix_zh="库存不可能为负：核对出入库登记与盘点数。", fix_en="Stock cannot be negative: check the movements and the count.")
def negative_stock(table: Table, ctx: Context) -> Iterator[Hit]:
    for record in table.records:
        real = record.get("real_stock")
        if real is not None and real < 0:
            yield hit(record, "real_stock")


@rule("STK005", "oversell-risk", "error", "M-STK-LOW", "stock", field="real_stock", needs=("orders",),
      requires=(own("sku", "real_stock"), sheet("orders", "sku")),
      zh="已付款未发货 {demand} 件，超过实际库存 {value}", en="{demand} paid, unshipped pieces exceed the real stock of {value}",
      fix_zh="立即与仓库核对并补货，或联系买家协商，避免超卖退款。",
      fix_en="Check with the warehouse and replenish now, or talk to the buyers, to avoid oversold refunds.")
def oversell_risk(table: Table, ctx: Context) -> Iterator[Hit]:
    demand = ctx.memo("demand_by_sku", lambda: demand_by_sku(ctx.table("orders")))
    for record in current_rows(table):
        wanted, real = demand.get(str(record.get("sku")), 0), record.get("real_stock")
        if real is not None and wanted > max(real, 0):
            yield hit(record, "real_stock", demand=wanted)


@rule("STK006", "inbound-not-inspected", "error", "M-STK-IN", "movements", field="inspection",
      requires=own("direction", "inspection"),
      zh="入库未填写检验结果", en="Inbound without an inspection result",
      fix_zh="货品入库前须检验，并登记检验结果（合格/不合格）。", fix_en="Inspect goods before inbound and record the result (合格/不合格).")
def inbound_not_inspected(table: Table, ctx: Context) -> Iterator[Hit]:
    for record in table.records:
        if record.get("direction") in INBOUND and record.get("inspection") is None:
            yield hit(record, "inspection")


def by_sku(movements: Table) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = defaultdict(list)
    for record in movements.records:
        if record.get("sku") is not None:
            grouped[str(record.get("sku"))].append(record)
    return dict(grouped)


def net_movement(rows: list[Record], after: dt.date, until: dt.date) -> int:
    """In − out of the sellable store on the days after one count up to the next (inclusive)."""
    net = 0
    for record in rows:
        day = record.get("date")
        if day is None or not (after < day <= until) or record.get("warehouse") == DEFECT_STORE:
            continue
        quantity = record.get("quantity") or 0
        if record.get("direction") in INBOUND:
            net += quantity
        elif record.get("direction") in OUTBOUND:
            net -= quantity
    return net


@rule("STK007", "count-does-not-follow", "error", "M-STK-WEEKLY", "stock", field="real_stock", needs=("movements",),
      requires=(own("sku", "counted_on", "real_stock"), sheet("movements", "sku", "date", "direction", "quantity")),
      zh="盘点数 {value} ≠ 上次盘点 {before}（{before_on}）+ 入库 − 出库 {net:+d} = {expected}",
      en="Count {value} ≠ previous count {before} ({before_on}) + in − out {net:+d} = {expected}",
      fix_zh="核对两次盘点之间的出入库登记是否漏登或盘点有误。", fix_en="Look for unregistered movements between the two counts, or a miscount.")
def count_does_not_follow(table: Table, ctx: Context) -> Iterator[Hit]:
    movements = ctx.memo("movements_by_sku", lambda: by_sku(ctx.table("movements")))
    for sku, rows in counts_by_sku(table).items():
        dated = [r for r in rows if r.get("counted_on") is not None and r.get("real_stock") is not None]
        for before, after in pairwise(dated):
            net = net_movement(movements.get(sku, []), before.get("counted_on"), after.get("counted_on"))
            expected = before.get("real_stock") + net
            if after.get("real_stock") != expected:
                yield hit(after, "real_stock", before=before.get("real_stock"), before_on=f"{before.get('counted_on'):%m-%d}",
                          net=net, expected=expected)


# ── M-STK-OUT / M-STK-DEFECT ────────────────────────────────────────────────

def _outbound(movements: Table) -> tuple[set, set, set, set]:
    """What the movements register as gone out: (day, SKU), (day, "model colour size"), order ids, days."""
    by_sku, by_title, orders, days = set(), set(), set(), set()
    for record in movements.records:
        if record.get("direction") not in OUTBOUND or record.get("date") is None:
            continue
        day = record.get("date")
        days.add(day)
        if record.get("sku") is not None:
            by_sku.add((day, str(record.get("sku"))))
        title = " ".join(str(record.get(f)) for f in ("product", "color", "size") if record.get(f) is not None)
        if title:
            by_title.add((day, title))
        if record.get("order_id") is not None:
            orders.add(str(record.get("order_id")))
    return by_sku, by_title, orders, days


def _shipped_skus(ctx: Context) -> dict[str, list[str]]:
    orders = ctx.table("orders")
    if orders is None or not orders.has("sku"):
        return {}
    return {str(r.get("order_id")): [s.strip() for s in ITEM_SEPARATORS.split(str(r.get("sku"))) if s.strip()]
            for r in orders.records if r.get("order_id") is not None and r.get("sku") is not None}


def outbound_registered(record: Record, outbound: tuple[set, set, set, set], skus: dict[str, list[str]]) -> bool:
    """The shipment's order id is on an outbound row; else each shipped item (by title, or by the order's
    SKU for a parcel that is the order's own) is registered out that day; with neither, any outbound that day."""
    by_sku, by_title, orders, days = outbound
    day, order_id = record.get("date"), str(record.get("order_id"))
    if order_id in orders:
        return True
    titles = [t.strip() for t in ITEM_SEPARATORS.split(str(record.get("items") or "")) if t.strip()]
    own = skus.get(order_id, []) if "换" not in str(record.get("note") or "") else []
    if not titles and not own:
        return day in days
    if own and all((day, s) in by_sku for s in own):
        return True
    return bool(titles) and all((day, " ".join(t.split())) in by_title for t in titles)


@rule("STK008", "outbound-not-registered", "error", "M-STK-OUT", "shipments", field="date",
      requires=(own("date"), sheet("movements", "date", "direction")),
      zh="{value} 发出的包裹没有出库登记", en="Parcel shipped {value} without an outbound registration",
      fix_zh="快递揽件后在出入库登记中登记出库（商家编码、数量），否则库存对不上。",
      fix_en="Register the outbound (SKU, quantity) in the movements sheet once the courier takes the parcels.")
def outbound_not_registered(table: Table, ctx: Context) -> Iterator[Hit]:
    outbound = ctx.memo("outbound", lambda: _outbound(ctx.table("movements")))
    skus = ctx.memo("shipped_skus", lambda: _shipped_skus(ctx))
    for record in table.records:
        if record.get("date") is not None and not outbound_registered(record, outbound, skus):
            yield hit(record, "date")


@rule("STK009", "defect-in-saleable-stock", "error", "M-STK-DEFECT", "movements", field="warehouse",
      requires=own("direction", "warehouse"),
      zh="残次或检验不合格的货品登记进了{value}", en="Defective or rejected goods registered into {value}",
      fix_zh="残次品单独放入残次库，不得回到正品库；请改登记到残次库。",
      fix_en="Defective goods go to the separate 残次库, never back to saleable stock; register them there.")
def defect_in_saleable_stock(table: Table, ctx: Context) -> Iterator[Hit]:
    """Needs the warehouse column (仓库): without it the sheet cannot say where the goods went."""
    if not table.has("warehouse"):
        return
    for record in table.records:
        store = record.get("warehouse")
        defective = record.get("direction") == "残次入库" or (
            record.get("direction") in INBOUND and record.get("inspection") == "不合格")
        if defective and store is not None and store != DEFECT_STORE:
            yield hit(record, "warehouse")
