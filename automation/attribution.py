"""Which agent each order belongs to (for sales, penalties and the 订单归属 sheet). Pure.

Precedence, per order:
1. an explicit 客服 column (the lead's decision, M-ATTR; several names there share the order evenly);
2. the agent's name in a red or yellow remark (M-FLAG-RED, M-FLAG-YELLOW);
3. an order in a promotion period (`[[promotions]]`) is shared evenly among the agents on duty
   (staff with role 客服, minus anyone whose weekly rest day it is) — M-FLAG-PROMO, 002 §27.7;
4. otherwise the order stays in the list with agent None, basis "unattributed" — never dropped.

M-ATTR (an order chatted by several agents is attributed by the chat, decided by the lead) cannot
be automated beyond reading that decision from the 客服 column: the chat logs are not in the sheets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

from .config import Person, ShopConfig
from .lazyre import lazy_compile
from .remarks import Remark, parse_remark
from .tables import Record, Table

BASES = ("column", "remark", "promotion", "unattributed")
BASIS_ZH = {"column": "客服列", "remark": "备注姓名", "promotion": "活动平分", "unattributed": "未归属"}
SHARE_STEP = Decimal("0.0001")
WHOLE = Decimal(1)  # an order not shared
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_SEVERAL = lazy_compile(r"\s*[,，、/;；&+]\s*|\s+")


class Attribution(NamedTuple):
    """One agent's part of one order. A named tuple (immutable like a frozen dataclass) because a
    100k-row sheet makes one or more per order: a tuple is made in a seventh of the time."""

    row: int  # the sheet's own row number
    order_id: str | None
    agent: str | None
    share: Decimal  # this agent's part of the order; an order's shares sum to exactly 1
    basis: str  # one of BASES


def even_shares(n: int) -> list[Decimal]:
    """n shares of 1 to four decimals that sum to exactly 1 (the last one takes the rounding)."""
    base = (Decimal(1) / n).quantize(SHARE_STEP, rounding=ROUND_DOWN)
    return [base] * (n - 1) + [Decimal(1) - base * (n - 1)]


def order_moment(record: Record) -> dt.datetime | dt.date | None:
    """When an order counts for promotions and duty: paid, else created."""
    return record.get("paid_at") or record.get("created_at")


def agents_on_duty(config: ShopConfig, day: dt.date | None, agent_names: Iterable[str] | None = None) -> list[str]:
    """The agents an order can be shared among: `agent_names` if given, else 客服 staff not resting that day."""
    if agent_names is not None:
        return list(dict.fromkeys(agent_names))
    return [p.name for p in config.people("客服") if not _resting(p, day)]


def _resting(person: Person, day: dt.date | None) -> bool:
    return day is not None and person.rest_day is not None and person.rest_day.strip() == WEEKDAYS[day.weekday()]


def attribute_orders(orders: Table, config: ShopConfig, *, agent_names: Iterable[str] | None = None,
                     remarks: dict[int, Remark] | None = None) -> list[Attribution]:
    """One Attribution per (order, agent); a shared order gives one per agent, shares summing to 1.

    `remarks` (sheet row -> Remark) reuses remarks the caller has parsed already."""
    fixed_agents = list(agent_names) if agent_names is not None else None
    staff = [p.name for p in config.staff] + (fixed_agents or [])
    out: list[Attribution] = []
    for record in orders.records:
        out.extend(attribute_order(record, config, staff=staff, agent_names=fixed_agents,
                                   remark=(remarks or {}).get(record.row)))
    return out


def attribute_order(record: Record, config: ShopConfig, *, staff: list[str] | None = None,
                    agent_names: list[str] | None = None, remark: Remark | None = None) -> list[Attribution]:
    order_id = record.get("order_id")
    moment = order_moment(record)
    agent = record.get("agent")
    explicit = [n for n in _SEVERAL.split(str(agent).strip()) if n] if agent else []
    if explicit:
        return _shared(record.row, order_id, list(dict.fromkeys(explicit)), "column")
    staff = staff if staff is not None else [p.name for p in config.staff]
    promo = bool(config.promotions) and config.promotion_at(moment) is not None
    if remark is None:
        remark = parse_remark(record.get("remark"), record.get("flag"), staff=staff, promo=promo,
                              default_year=moment.year if moment else None)
    if remark.flag in ("红", "黄") and remark.name:
        return [Attribution(record.row, order_id, remark.name, WHOLE, "remark")]
    if promo:
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        on_duty = agents_on_duty(config, day, agent_names)
        if on_duty:
            return _shared(record.row, order_id, on_duty, "promotion")
    return [Attribution(record.row, order_id, None, WHOLE, "unattributed")]


def _shared(row: int, order_id: str | None, agents: list[str], basis: str) -> list[Attribution]:
    return [Attribution(row, order_id, agent, share, basis) for agent, share in zip(agents, even_shares(len(agents)))]
