"""Sales on the demo month: every paid order's money lands on an agent or on 未归属 (never dropped),
pay follows the demo's [sales] settings, the month-end unshipped list matches the orders sheet."""

from __future__ import annotations

from decimal import Decimal

import pytest

from automation.sales.section import shop_sales_report
from automation.sales.stats import money, order_amount
from automation.shop import Shop
from demo_helpers import demo, key  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def shop(demo):  # noqa: F811
    return Shop.open(demo.folder)


def _paid_in_october(shop):
    return [r for r in shop.require("orders").records
            if r.get("paid_at") and r["paid_at"].strftime("%Y-%m") == "2026-10" and r.get("status") != "等待买家付款"]


def test_every_paid_order_is_counted_once(shop):
    report = shop_sales_report(shop, "2026-10")
    total = sum((m.figures.sales for m in report.agents), Decimal(0))
    assert total == sum((order_amount(r) for r in _paid_in_october(shop)), Decimal(0))
    assert sum((m.figures.orders for m in report.agents), Decimal(0)) == len(_paid_in_october(shop))
    assert report.agents[-1].agent is None and report.agents[-1].figures.sales > 0  # shown, not dropped


def test_pay_uses_the_shops_base_and_rate(shop):
    report = shop_sales_report(shop, "2026-10")
    named = [m for m in report.agents if m.agent]
    assert {m.agent for m in named} >= {p.name for p in shop.config.people("客服")}
    for m in named:
        assert (m.base, m.rate) == (Decimal(3000), Decimal("0.01"))
        assert m.commission == money(Decimal(3000) + Decimal("0.01") * m.figures.net)
    assert [m.rank for m in named] == list(range(1, len(named) + 1))
    assert all(a.figures.net >= b.figures.net for a, b in zip(named, named[1:]))


def test_unshipped_at_month_end_matches_the_orders(shop):
    report = shop_sales_report(shop, "2026-10")
    waiting = {r["order_id"] for r in shop.require("orders").records
               if r.get("status") == "买家已付款，等待卖家发货" and r.get("paid_at") and r["paid_at"].strftime("%Y-%m") <= "2026-10"}
    assert {o["order_id"] for o in report.unshipped} == waiting and waiting
