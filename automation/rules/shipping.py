"""Shipping rules (M-ORD-MATCH, M-SHIP-PACKER, M-CUR-SIGN) on the shipping register (发货登记) and the
courier stubs (快递底单): what is shipped matches the order, every shipment names its packer, every
stub names the courier's collector."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..tables import Record, Table
from .catalog import Context, Hit, hit, rule
from .needs import own, sheet
from .orders import DEFAULT_COLOURS, ITEM_SEPARATORS, item_problems

RESHIP_WORDS = ("换货", "补发", "重发")


def item_set(text: object) -> list[str]:
    """Items as a sorted list with spacing folded, so `A;B` matches `B； A`."""
    return sorted(re.sub(r"\s+", " ", p).strip() for p in ITEM_SEPARATORS.split(str(text or "")) if p.strip())


def is_reshipment(record: Record) -> bool:
    """An exchange's or a replacement's parcel: its items are the new ones, not the order's."""
    return any(w in str(record.get("note") or "") for w in RESHIP_WORDS)


def _orders_by_id(ctx: Context) -> dict[str, Record]:
    orders = ctx.table("orders")
    return {str(r.get("order_id")): r for r in orders.records if r.get("order_id") is not None} if orders else {}


@rule("SHP001", "shipment-items-differ", "error", "M-ORD-MATCH", "shipments", field="items",
      zh="发货商品“{value}”与订单的“{ordered}”不符", en="Shipped '{value}' does not match the order's '{ordered}'",
      fix_zh="核对实际发出的款式、颜色、尺码、数量是否与订单一致；发错请联系买家并补发。",
      fix_en="Check that the model, colour, size and quantity shipped match the order; if wrong, contact the buyer and reship.",
      requires=(own("order_id", "items"), sheet("orders", "order_id", "items")))
def shipment_items_differ(table: Table, ctx: Context) -> Iterator[Hit]:
    """Compared only when both sides are complete (an incomplete order line is ORD008's finding)
    and the parcel is not an exchange's or a replacement's."""
    if not table.has("items"):
        return
    orders = ctx.memo("orders_by_id", lambda: _orders_by_id(ctx))
    for record in table.records:
        order = orders.get(str(record.get("order_id")))
        shipped, ordered = record.get("items"), order.get("items") if order else None
        if not shipped or not ordered or is_reshipment(record) or item_problems(str(ordered), DEFAULT_COLOURS):
            continue
        if item_set(shipped) != item_set(ordered):
            yield hit(record, "items", ordered=ordered)


@rule("SHP002", "packer-missing", "error", "M-SHIP-PACKER", "shipments", field="packer", requires=own("waybill", "packer"),
      zh="发货记录没有打包人", en="Shipment without the packer's name",
      fix_zh="打包后打包人在快递单上签名，并在发货登记中写明打包人。",
      fix_en="After packing, the packer signs the waybill; write the packer's name in the shipping register.")
def packer_missing(table: Table, ctx: Context) -> Iterator[Hit]:
    return unsigned(table, "packer")


def unsigned(table: Table, field_name: str) -> Iterator[Hit]:
    """Rows of a parcel (a waybill is written) whose signing person is empty; the column must exist."""
    if table.has(field_name):
        for record in table.records:
            if record.get("waybill") and not record.get(field_name):
                yield hit(record, field_name)


@rule("SHP003", "stub-collector-missing", "error", "M-CUR-SIGN", "stubs", field="courier_staff",
      requires=own("waybill", "courier_staff"),
      zh="底单没有快递员签名", en="Stub without the courier's collector",
      fix_zh="快递员揽件时须在底单上签名；请在底单登记中写明揽件的快递员。",
      fix_en="The courier's staff sign every stub at pick-up; write the collector's name in the stubs sheet.")
def stub_collector_missing(table: Table, ctx: Context) -> Iterator[Hit]:
    return unsigned(table, "courier_staff")
