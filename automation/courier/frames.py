"""Typed tables -> polars frames for the joins. Money as integer cents, weights as integer grams.

No float ever carries money: Decimal -> Int64 cents here, Int64 cents -> Decimal in `to_money`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from ..tables import Table
from .settings import CourierSettings

CENTS = Decimal(100)
GRAMS = Decimal(1000)


def cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * CENTS).to_integral_value(rounding=ROUND_HALF_UP))


def grams(value: Decimal | None) -> int | None:
    return None if value is None else int((value * GRAMS).to_integral_value(rounding=ROUND_HALF_UP))


def to_money(value_cents: int | None) -> Decimal | None:
    return None if value_cents is None else (Decimal(int(value_cents)) / CENTS).quantize(Decimal("0.01"))


def to_kg(value_grams: int | None) -> Decimal | None:
    return None if value_grams is None else (Decimal(int(value_grams)) / GRAMS).normalize()


def _column(table: Table, field_name: str, convert=None, dtype=pl.Utf8) -> list | pl.Series:
    """A field's values down the table; `convert` runs once per distinct value (columns repeat them:
    a few couriers, statuses and weights over 100k rows). A table read to Arrow columns
    (`courier.arrow`) gives them as a polars column, without a `Record`."""
    if hasattr(table, "typed"):
        return table.typed(field_name, convert, dtype)
    values = [r.data.get(field_name) for r in table.records]
    if convert is None:
        return values
    converted = {v: convert(v) for v in set(values)}
    return [converted[v] for v in values]


def _rows(table: Table) -> list[int] | pl.Series:
    return table.rows if hasattr(table, "typed") else [r.row for r in table.records]


def shipments_frame(table: Table, settings: CourierSettings) -> pl.DataFrame:
    return pl.DataFrame({
        "ship_row": _rows(table),
        "waybill": _column(table, "waybill"),
        "order_id": _column(table, "order_id"),
        "ship_date": _column(table, "date", dtype=pl.Date),
        "ship_courier": _column(table, "courier", settings.canonical),
        "ship_province": _column(table, "province"),
        "ship_weight_g": _column(table, "weight", grams, pl.Int64),
    }, schema={"ship_row": pl.Int64, "waybill": pl.Utf8, "order_id": pl.Utf8, "ship_date": pl.Date,
               "ship_courier": pl.Utf8, "ship_province": pl.Utf8, "ship_weight_g": pl.Int64})


# A status written in the team's own words still says what happened to the parcel: 丢了 is a lost
# parcel and must reach the claims list (M-CUR-CLAIM), whatever the dropdown says.
STATUS_WORDS = (("无法送达", ("无法送达", "送不到", "地址错误", "查无此人")), ("退回", ("退回", "拒收", "退件", "退货")),
                ("破损", ("破损", "损坏", "压坏", "摔坏", "碎")), ("丢件", ("丢", "遗失", "丢失", "找不到", "没收到")))


def stub_status(written: object) -> str | None:
    """The canonical stub status for what the sheet says (the known values pass through)."""
    if written is None:
        return None
    text = str(written).strip()
    for status, words in STATUS_WORDS:
        if text == status or any(w in text for w in words):
            return status
    return text


def stubs_frame(table: Table, settings: CourierSettings) -> pl.DataFrame:
    return pl.DataFrame({
        "stub_row": _rows(table),
        "waybill": _column(table, "waybill"),
        "stub_date": _column(table, "date", dtype=pl.Date),
        "stub_courier": _column(table, "courier", settings.canonical),
        "stub_weight_g": _column(table, "weight", grams, pl.Int64),
        "stub_fee_c": _column(table, "fee", cents, pl.Int64),
        "stub_status": _column(table, "status", stub_status),
        "stub_archived": _column(table, "archived", dtype=pl.Boolean),
    }, schema={"stub_row": pl.Int64, "waybill": pl.Utf8, "stub_date": pl.Date, "stub_courier": pl.Utf8,
               "stub_weight_g": pl.Int64, "stub_fee_c": pl.Int64, "stub_status": pl.Utf8, "stub_archived": pl.Boolean})


def empty_shipments() -> pl.DataFrame:
    return pl.DataFrame(schema={"ship_row": pl.Int64, "waybill": pl.Utf8, "order_id": pl.Utf8, "ship_date": pl.Date,
                                "ship_courier": pl.Utf8, "ship_province": pl.Utf8, "ship_weight_g": pl.Int64})


def empty_stubs() -> pl.DataFrame:
    return pl.DataFrame(schema={"stub_row": pl.Int64, "waybill": pl.Utf8, "stub_date": pl.Date, "stub_courier": pl.Utf8,
                                "stub_weight_g": pl.Int64, "stub_fee_c": pl.Int64, "stub_status": pl.Utf8,
                                "stub_archived": pl.Boolean})
