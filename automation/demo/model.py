"""The demo's in-memory world: sheets as lists of rows, the orders, and the planted problems.

A row is a dict (header text -> value) or an Order (its cells are computed). Keys starting with "_"
are the generator's own bookkeeping and are never written. Row numbers are only known when a sheet
is final, so a Problem points at the row object itself; answer_key.py turns it into a row number.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..workdays import WorkCalendar
from .reference import PACKAGING_KG

MONTH = "2026-10"
MONTH_START = dt.date(2026, 10, 1)
MONTH_END = dt.date(2026, 10, 31)
AS_OF = dt.datetime(2026, 10, 31, 23, 59, 59)  # "now" for every check on the demo month
PROMO_START = dt.datetime(2026, 10, 20, 0, 0)
PROMO_END = dt.datetime(2026, 10, 22, 23, 59, 59)
SHOP_NAME = "简衣纪旗舰店"


@dataclass
class Sheet:
    file: str  # path relative to the shop folder
    name: str  # sheet name
    kind: str
    headers: list[str]
    rows: list = field(default_factory=list)
    title: list[list] = field(default_factory=list)  # rows above the header (title block)
    footer: list[list] = field(default_factory=list)  # rows below the data (totals, signatures)

    @property
    def header_row(self) -> int:
        return len(self.title) + 1

    def row_number(self, row: object) -> int:
        if row is HEADER:
            return self.header_row
        for index, candidate in enumerate(self.rows):
            if candidate is row:
                return self.header_row + 1 + index
        raise LookupError(f"row not in sheet {self.name}")


HEADER = object()  # a Problem's row when the problem is in the header row (a duplicated header)


@dataclass(frozen=True)
class Formula:
    """A formula cell as a team's workbook holds it: `cached` is the value Excel saved with it — an
    error such as "#REF!", or "" when the workbook was saved without calculating (READ006, READ007)."""

    text: str
    cached: str


@dataclass
class Problem:
    area: str  # validation | courier | people
    clause: str | None
    category: str
    sheet: str  # World.sheets key
    row: object | None  # the row object (None: the problem is an absence, e.g. a missing day)
    column: str | None
    key: str
    detail: str
    extra: dict = field(default_factory=dict)  # code, person, points, courier, difference…


@dataclass
class Item:
    sku: str
    model: str
    color: str
    size: str
    price: Decimal
    weight: Decimal

    @property
    def title(self) -> str:
        return f"{self.model} {self.color} {self.size}"


@dataclass
class Order:
    order_id: str
    buyer: str
    consignee: str
    province: str  # as written in the address (long form)
    province_short: str
    city: str
    district: str
    street: str
    postcode: str
    phone: str
    items: list[Item]
    original: Decimal
    goods: Decimal
    postage: Decimal
    created_at: dt.datetime
    paid_at: dt.datetime | None
    courier: str
    payment: str = "支付宝"
    contacted_at: dt.datetime | None = None
    buyer_message: str = ""
    flag: str = ""
    remark: str = ""
    agent: str | None = None  # the agent named in the remark (attribution)
    shipped_at: dt.datetime | None = None
    signed_at: dt.datetime | None = None
    waybill: str | None = None
    closed_reason: str = ""
    refund: Decimal | None = None
    unpaid_closed: bool = False
    refunded_before_ship: bool = False
    returned: bool = False  # refunded after receipt
    cells: dict = field(default_factory=dict)  # planted cell values by header, written as they are
    tags: set[str] = field(default_factory=set)  # what the generator did to it (plants, after-sales)

    @property
    def weight(self) -> Decimal:
        return sum((i.weight for i in self.items), PACKAGING_KG)

    @property
    def shipped(self) -> bool:
        return self.shipped_at is not None

    @property
    def total(self) -> Decimal:
        return self.goods + self.postage

    @property
    def address(self) -> str:
        return f"{self.province} {self.city} {self.district} {self.street}({self.postcode})"

    @property
    def status(self) -> str:
        if self.unpaid_closed or self.refunded_before_ship or self.returned:
            return "交易关闭"
        if self.paid_at is None and self.payment != "货到付款":
            return "等待买家付款"
        if self.shipped_at is None:
            return "买家已付款，等待卖家发货"
        if self.signed_at is None:
            return "卖家已发货，等待买家确认"
        return "交易成功"


@dataclass(frozen=True)
class CachedCalendar(WorkCalendar):
    """The shop's calendar with each day looked up once (the generator asks about the same days often)."""

    def is_workday(self, day: dt.date) -> bool:
        return _is_workday(self, day)


@lru_cache(maxsize=None)
def _is_workday(calendar: CachedCalendar, day: dt.date) -> bool:
    return WorkCalendar.is_workday(calendar, day)


@dataclass
class World:
    seed: int
    rng: random.Random
    calendar: WorkCalendar
    staff: list[dict] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    sheets: dict[str, Sheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    shipments: list[dict] = field(default_factory=list)  # also sheets["shipments"].rows
    exchanges: list[dict] = field(default_factory=list)  # after-sales records (rows of sheets["returns"])
    used_ids: set[str] = field(default_factory=set)

    @classmethod
    def create(cls, seed: int) -> "World":
        return cls(seed, random.Random(seed), CachedCalendar())

    def people(self, role: str) -> list[str]:
        return [p["name"] for p in self.staff if p["role"] == role]

    def shift_of(self, name: str) -> str | None:
        return next((p.get("shift") for p in self.staff if p["name"] == name), None)

    def plant(self, area: str, clause: str | None, category: str, sheet: str, row: object | None,
              column: str | None, key: str, detail: str, **extra: object) -> Problem:
        problem = Problem(area, clause, category, sheet, row, column, key, detail, extra)
        self.problems.append(problem)
        return problem

    def unique_digits(self, first: str, length: int) -> str:
        while True:
            value = first + "".join(self.rng.choice("0123456789") for _ in range(length - len(first)))
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def waybill(self, courier: str) -> str:
        if courier == "中通":
            return self.unique_digits(self.rng.choice(("7731", "7735", "7588", "7862")), 14)
        if courier == "圆通":
            return "YT" + self.unique_digits(self.rng.choice(("7", "8")), 13)
        return "SF" + self.unique_digits(self.rng.choice(("14", "13")), 13)

    def clean_orders(self, *, shipped: bool | None = None) -> list[Order]:
        """Orders no plant or after-sales step has touched (candidates for a new plant). One pass
        with no calls per order: the plants ask for candidates ~70 times over ~3000 orders."""
        return [order for order in self.orders
                if not (order.tags or order.unpaid_closed or order.refunded_before_ship or order.payment == "货到付款")
                and (shipped is None or (order.shipped_at is not None) == shipped)]
