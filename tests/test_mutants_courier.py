"""The courier bill's three-way match (automation/courier/reconcile.py): cases the mutation run showed
untested (issue 11 §6). In-memory bill, shipment and stub frames in the shapes reconcile() takes;
every amount hand-computed from the rate card below and asserted as an exact Decimal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl

from automation.courier.bill import LINE_SCHEMA, Bill
from automation.courier.frames import empty_stubs
from automation.courier.rates import parse_rate_card
from automation.courier.reconcile import reconcile
from automation.courier.settings import Tolerances

# 浙江 4.00 first kg + 1.00 each further kg; 广东 (everything else) 6.00 + 3.00
CARD = parse_rate_card("中通", {"zones": [{"name": "江浙沪", "provinces": ["浙江"], "first": 4, "additional": 1},
                                          {"name": "其他", "provinces": ["*"], "first": 6, "additional": 3}]})


def line(waybill, total_c, *, province="浙江", grams=1000, insurance_c=None, unreadable=False, damaged=False):
    return {"waybill": None if damaged else waybill, "shown": waybill, "damaged": damaged,
            "billed_at": dt.datetime(2026, 10, 5), "bill_province": province, "bill_weight_g": grams,
            "fee_c": total_c, "other_c": None, "insurance_c": insurance_c, "total_c": total_c, "unreadable": unreadable}


def bill(*lines, courier="中通", month="10"):
    """Bill lines on rows 5, 6, …"""
    frame = pl.DataFrame([{**l, "bill_row": i + 5} for i, l in enumerate(lines)], schema=LINE_SCHEMA)
    return Bill(courier, Path(f"{courier}_2026-{month}.xlsx"), "账单", frame)


def shipments(*rows):
    """(waybill, province, grams[, date, courier])"""
    return pl.DataFrame([{"ship_row": i + 2, "waybill": w, "order_id": f"O{i}", "ship_date": (r[0] if r else dt.date(2026, 10, 5)),
                          "ship_courier": (r[1] if len(r) > 1 else "中通"), "ship_province": p, "ship_weight_g": g}
                         for i, (w, p, g, *r) in enumerate(rows)],
                        schema={"ship_row": pl.Int64, "waybill": pl.Utf8, "order_id": pl.Utf8, "ship_date": pl.Date,
                                "ship_courier": pl.Utf8, "ship_province": pl.Utf8, "ship_weight_g": pl.Int64})


def stubs(*rows):
    """(waybill, status[, grams])"""
    if not rows:
        return empty_stubs()
    return pl.DataFrame([{"stub_row": i + 2, "waybill": w, "stub_date": dt.date(2026, 10, 5), "stub_courier": "中通",
                          "stub_weight_g": (r[0] if r else 1000), "stub_fee_c": None, "stub_status": s, "stub_archived": True}
                         for i, (w, s, *r) in enumerate(rows)], schema=empty_stubs().schema)


def test_insurance_is_added_to_the_expected_fee():
    """A 1 kg 浙江 parcel insured for 2.00: expected 6.00, so a 6.00 line is correct, not a fee mismatch."""
    res = reconcile(bill(line("W1", 600, insurance_c=200)), shipments(("W1", "浙江", 1000)), stubs(("W1", "正常")),
                    CARD, Tolerances(), "2026-10")
    assert res.lines["category"].to_list() == ["ok"]
    assert (res.bill_total, res.expected_total, res.difference) == (Decimal("6.00"), Decimal("6.00"), Decimal("0.00"))
