"""The courier bill's three-way match (automation/courier/reconcile.py): cases the mutation run showed
untested (issue 11 §6). In-memory bill, shipment and stub frames in the shapes reconcile() takes;
every amount is worked out by hand from the rate card below, and the month's totals are summed here
from the lines as written, not taken from the code under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from automation.courier import reconcile as rec
from automation.courier.bill import LINE_SCHEMA, Bill
from automation.courier.frames import empty_stubs
from automation.courier.rates import parse_rate_card
from automation.courier.reconcile import reconcile
from automation.courier.settings import Tolerances
from automation.i18n import set_lang

# 浙江 4.00 first kg + 1.00 each further kg; 广东 6.00 + 3.00; no zone for anywhere else (no "*")
CARD = parse_rate_card("中通", {"zones": [{"name": "江浙沪", "provinces": ["浙江"], "first": 4, "additional": 1},
                                          {"name": "广东", "provinces": ["广东"], "first": 6, "additional": 3}]})
OCT = dt.date(2026, 10, 5)


def line(waybill, total_c, *, province="浙江", grams=1000, insurance_c=None, unreadable=False, damaged=False):
    return {"waybill": None if damaged else waybill, "shown": waybill, "damaged": damaged, "unreadable": unreadable,
            "billed_at": dt.datetime(2026, 10, 5), "bill_province": province, "bill_weight_g": grams,
            "fee_c": total_c, "other_c": None, "insurance_c": insurance_c, "total_c": total_c}


def bill(*lines, month="10"):
    """Bill lines on rows 5, 6, …"""
    frame = pl.DataFrame([{**l, "bill_row": i + 5} for i, l in enumerate(lines)], schema=LINE_SCHEMA)
    return Bill("中通", Path(f"中通_2026-{month}.xlsx"), "账单", frame)


def shipments(*rows):
    """(waybill, province, grams[, date[, courier]]) on rows 2, 3, …"""
    return pl.DataFrame([{"ship_row": i + 2, "waybill": w, "order_id": f"O{i}", "ship_date": r[0] if r else OCT,
                          "ship_courier": r[1] if len(r) > 1 else "中通", "ship_province": p, "ship_weight_g": g}
                         for i, (w, p, g, *r) in enumerate(rows)],
                        schema={"ship_row": pl.Int64, "waybill": pl.Utf8, "order_id": pl.Utf8, "ship_date": pl.Date,
                                "ship_courier": pl.Utf8, "ship_province": pl.Utf8, "ship_weight_g": pl.Int64})


def stubs(*rows):
    """(waybill, status[, grams]) on rows 2, 3, …"""
    if not rows:
        return empty_stubs()
    return pl.DataFrame([{"stub_row": i + 2, "waybill": w, "stub_date": OCT, "stub_courier": "中通",
                          "stub_weight_g": r[0] if r else 1000, "stub_fee_c": None, "stub_status": s, "stub_archived": True}
                         for i, (w, s, *r) in enumerate(rows)], schema=empty_stubs().schema)


# One month with every category. Each bill line: (line, category, expected cents, action), worked out by hand.
MONTH = [
    (line("W1", 400), "ok", 400, ""),                                             # 1 kg 浙江: 4.00
    (line("W2", None, unreadable=True), "unreadable", None, "check"),            # amount unknown: summed nowhere
    (line("7.73312E+14", 500, damaged=True), "waybill_damaged", 0, "dispute"),
    (line("W1", -100), "credit", -100, ""),                                       # a credit line stands as billed
    (line("W1", 400), "duplicate", 0, "dispute"),                                # W1's second charge
    (line("W3", 400), "duplicate_prev", 0, "dispute"),                           # on September's bill already
    (line("W4", 700, province="河南"), "not_shipped", 0, "dispute"),
    (line("W5", 400), "lost_billed", 0, "claim"),                                # 丢件, billed in full: claim it all
    (line("W6", 400), "lost_billed", 0, "deduct"),                               # 退回 (undelivered): deduct
    (line("W7", 600, province="河南"), "no_rate", 600, "check"),                  # our parcel to 河南: no zone
    (line("W8", 900, grams=3000), "weight_over", 400, "dispute"),                # billed 3 kg, ours 1 kg
    (line("W9", 300), "fee_mismatch", 400, "dispute"),                           # billed 1.00 LESS: a mismatch too
    (line("W10", 400), "missing_stub", 400, "check"),
    (line("W11", 900, province="广东", grams=1500), "ok", 900, ""),              # 1.5 kg -> 2 kg 广东: 6 + 3
    (line("W19", 400), "ok", 400, ""),                                            # September billed it at 0.00: not billed before
    (line("W21", 0), "fee_mismatch", 400, "dispute"),                            # a 0.00 line is a charge, not a credit
]
SHIPPED = [("W1", "浙江", 1000), ("W3", "浙江", 1000), ("W5", "浙江", 1000), ("W6", "浙江", 1000), ("W7", "河南", 1000),
           ("W8", "浙江", 1000), ("W9", "浙江", 1000), ("W10", "浙江", 1000), ("W11", "广东", 1500), ("W19", "浙江", 1000),
           ("W21", "浙江", 1000),
           # not on this bill:
           ("W12", "广东", 1000, dt.date(2026, 10, 31)),   # carried: 6.00
           ("W13", "浙江", 2500, dt.date(2026, 10, 1)),    # carried: 3 kg 浙江 = 6.00
           ("W14", "浙江", 1000, dt.date(2026, 9, 30)),    # September's shipment
           ("W15", "浙江", 1000, dt.date(2026, 11, 1)),    # November's
           ("W16", "浙江", 1000, OCT, "圆通"),              # another courier's
           ("W17", "浙江", 1000),                          # lost, never billed: nothing to carry
           ("W18", "浙江", 1000),                          # billed in September
           ("W20", "河南", 1000, dt.date(2026, 10, 30)),   # carried, no rate: expected 0.00 (to check)
           (None, "浙江", 1000)]
STUBS = [("W1", "正常"), ("W3", "正常"), ("W5", "丢件"), ("W6", "退回"), ("W7", "正常"), ("W8", "正常", 1000), ("W9", "正常"),
         ("W11", "正常", 1500), ("W19", "正常"), ("W21", "正常"), ("W17", "破损")]
PREVIOUS = [line("W3", 400), line("W18", 400), line("W19", 0), line("W22", -400)]
CARRIED = [("W13", 600), ("W20", 0), ("W12", 600)]  # (waybill, expected cents), by ship date


def month():
    return reconcile(bill(*(l for l, *_ in MONTH)), shipments(*SHIPPED), stubs(*STUBS), CARD, Tolerances(), "2026-10",
                     bill(*PREVIOUS, month="09"))


def test_every_line_gets_its_category_expected_amount_and_action():
    res = month()
    billed = res.lines.filter(pl.col("bill_row").is_not_null())
    assert billed["bill_row"].to_list() == list(range(5, 5 + len(MONTH)))
    assert list(zip(billed["category"], billed["expected_c"], billed["action"])) == [(c, e, a) for _, c, e, a in MONTH]
    assert billed["diff_c"].to_list() == [None if l["total_c"] is None else l["total_c"] - e for l, _, e, _ in MONTH]
    carried = res.lines.filter(pl.col("bill_row").is_null())
    assert carried["waybill"].to_list() == carried["shown"].to_list() == [w for w, _ in CARRIED]
    assert list(zip(carried["expected_c"], carried["diff_c"], carried["total_c"])) == [(e, -e, 0) for _, e in CARRIED]
    assert set(carried["category"]) == {"not_billed"} and set(carried["action"]) == {"carry"}
    assert (res.courier, res.month) == ("中通", "2026-10")


def test_the_months_totals_against_sums_made_from_the_lines():
    res = month()
    billed = sum(Decimal(l["total_c"]) for l, *_ in MONTH if l["total_c"] is not None) / 100
    expected = (sum(Decimal(e) for _, _, e, _ in MONTH if e is not None) + sum(Decimal(e) for _, e in CARRIED)) / 100
    assert (res.bill_total, res.expected_total) == (billed, expected) == (Decimal("66.00"), Decimal("50.00"))
    assert res.difference == billed - expected == Decimal("16.00") and res.closes()
    to_send = sum(Decimal(l["total_c"] - e) for l, _, e, a in MONTH if a in ("dispute", "claim", "deduct")) / 100
    assert res.recoverable == to_send == Decimal("28.00")
    assert all(str(v) == str(v.quantize(Decimal("0.01"))) for v in (res.bill_total, res.expected_total, res.recoverable))


def test_category_totals_in_the_order_of_the_categories():
    res = month()
    assert list(res.categories) == ["unreadable", "waybill_damaged", "credit", "duplicate", "duplicate_prev", "not_shipped",
                                    "lost_billed", "no_rate", "weight_over", "fee_mismatch", "missing_stub", "ok", "not_billed"]
    for slug, total in res.categories.items():
        mine = [(l, e) for l, c, e, _ in MONTH if c == slug]
        if slug == "not_billed":
            mine = [({"total_c": 0}, e) for _, e in CARRIED]
        assert total.slug == slug and total.count == len(mine)
        if slug == "unreadable":
            assert (total.billed, total.expected, total.difference) == (None, None, Decimal("0.00"))
            continue
        billed = sum(Decimal(l["total_c"]) for l, _ in mine) / 100
        expected = sum(Decimal(e) for _, e in mine) / 100
        assert (total.billed, total.expected, total.difference) == (billed, expected, billed - expected), slug
    assert sum((c.difference for c in res.categories.values()), Decimal(0)) == res.difference
    assert res.of("lost_billed")["waybill"].to_list() == ["W5", "W6"] and res.of("credit")["bill_row"].to_list() == [8]


def test_a_month_that_does_not_close_says_so():
    res = month()
    res.categories["ok"] = rec.CategoryTotal("ok", 3, Decimal("17.00"), Decimal("17.00"), Decimal("0.01"))
    assert not res.closes()


def test_nothing_to_send_back_is_zero_not_none():
    res = reconcile(bill(line("W1", 400)), shipments(("W1", "浙江", 1000)), stubs(("W1", "正常")), CARD, Tolerances(), "2026-10")
    assert res.recoverable == Decimal("0.00") and res.difference == Decimal("0.00")
    assert list(res.categories) == ["ok"] and res.categories["ok"].billed == Decimal("4.00")


def test_a_bill_of_unreadable_lines_only():
    res = reconcile(bill(line("W1", None, unreadable=True)), shipments(("W1", "浙江", 1000)), stubs(("W1", "正常")),
                    CARD, Tolerances(), "2026-10")
    assert (res.bill_total, res.expected_total, res.difference, res.recoverable) == (Decimal("0.00"),) * 4
    assert res.categories["unreadable"].count == 1 and res.categories["unreadable"].billed is None


@pytest.mark.parametrize(("lines", "categories", "difference"), [
    # 丢件 credited in full by the courier: nothing to claim
    ([line("W5", 400), line("W5", -400)], ["ok", "credit"], Decimal("0.00")),
    # credited in part: the rest is claimed
    ([line("W5", 400), line("W5", -100)], ["lost_billed", "credit"], Decimal("3.00")),
    # credited all but one cent: that cent is still to deduct
    ([line("W5", 400), line("W5", -399)], ["lost_billed", "credit"], Decimal("0.01")),
    # billed above the rate card and credited in full: settled, not a fee mismatch
    ([line("W5", 500), line("W5", -500)], ["ok", "credit"], Decimal("0.00")),
    # billed twice and credited once: the repeat is a duplicate, the first line nets to zero
    ([line("W5", 400), line("W5", 400), line("W5", -400)], ["ok", "duplicate", "credit"], Decimal("4.00")),
])
def test_lost_parcels_net_of_credit_lines(lines, categories, difference):
    res = reconcile(bill(*lines), shipments(("W5", "浙江", 1000)), stubs(("W5", "丢件")), CARD, Tolerances(), "2026-10")
    assert res.lines.filter(pl.col("bill_row").is_not_null())["category"].to_list() == categories
    assert res.difference == difference == sum((c.difference for c in res.categories.values()), Decimal(0))


@pytest.mark.parametrize(("ship", "stub", "bill_grams", "expected", "category"), [
    ((None, 2000), (2000,), 2000, 500, "ok"),            # no shipment weight: the stub's (2 kg)
    ((None, None), (None,), 2000, 500, "ok"),            # neither: the bill's own weight prices it, nothing to compare
    ((1000, 2000), (2000,), 2000, 400, "weight_over"),   # ours first, then the stub
    ((None, 1000), (1000,), 2000, 400, "weight_over"),   # the stub is the reference when we did not weigh
])
def test_which_weight_prices_and_judges_a_line(ship, stub, bill_grams, expected, category):
    province, grams = "浙江", ship[0]
    res = reconcile(bill(line("W1", 500 if category == "ok" else 600, grams=bill_grams)), shipments(("W1", province, grams)),
                    stubs(("W1", "正常", stub[0])), CARD, Tolerances(), "2026-10")
    assert (res.lines["category"][0], res.lines["expected_c"][0]) == (category, expected)


def test_the_bills_province_prices_a_line_when_our_log_has_none():
    res = reconcile(bill(line("W1", 600, province="广东")), shipments(("W1", None, 1000)), stubs(("W1", "正常")),
                    CARD, Tolerances(), "2026-10")
    assert (res.lines["category"][0], res.lines["expected_c"][0]) == ("ok", 600)
    res = reconcile(bill(line("W1", 600, province="广东")), shipments(("W1", "浙江", 1000)), stubs(("W1", "正常")),
                    CARD, Tolerances(), "2026-10")
    assert (res.lines["category"][0], res.lines["expected_c"][0]) == ("fee_mismatch", 400)  # ours wins


def test_insurance_is_added_to_the_expected_fee():
    """A 1 kg 浙江 parcel insured for 2.00: expected 6.00, so a 6.00 line is correct, not a fee mismatch."""
    res = reconcile(bill(line("W1", 600, insurance_c=200)), shipments(("W1", "浙江", 1000)), stubs(("W1", "正常")),
                    CARD, Tolerances(), "2026-10")
    assert res.lines["category"].to_list() == ["ok"]
    assert (res.bill_total, res.expected_total, res.difference) == (Decimal("6.00"), Decimal("6.00"), Decimal("0.00"))


def test_one_gram_over_a_kilogram_is_the_next_kilogram():
    res = reconcile(bill(line("W1", 500, grams=1001)), shipments(("W1", "浙江", 1001)), stubs(("W1", "正常", 1001)),
                    CARD, Tolerances(), "2026-10")
    assert (res.lines["category"][0], res.lines["expected_c"][0]) == ("ok", 500)


def test_without_a_rate_card_every_shipped_line_is_to_check():
    res = reconcile(bill(line("W1", 400)), shipments(("W1", "浙江", 1000), ("W2", "浙江", 1000)), stubs(("W1", "正常")),
                    None, Tolerances(), "2026-10")
    assert res.lines["category"].to_list() == ["no_rate", "not_billed"]
    assert res.lines["expected_c"].to_list() == [400, 0] and res.expected_total == Decimal("4.00")


@pytest.mark.parametrize(("weight_kg", "fee", "grams", "cents", "category"), [
    ("0.5", "0.50", 1500, 400, "ok"), ("0.5", "0.50", 1501, 400, "weight_over"),
    ("0.5", "0.50", 1000, 450, "ok"), ("0.5", "0.50", 1000, 451, "fee_mismatch"), ("0.5", "0.50", 1000, 349, "fee_mismatch"),
])
def test_tolerances_in_fractions(weight_kg, fee, grams, cents, category):
    res = reconcile(bill(line("W1", cents, grams=grams)), shipments(("W1", "浙江", 1000)), stubs(("W1", "正常")),
                    CARD, Tolerances(weight_kg=Decimal(weight_kg), fee=Decimal(fee)), "2026-10")
    assert res.lines["category"].to_list() == [category]


def test_the_first_row_of_a_waybill_our_log_lists_twice():
    res = reconcile(bill(line("W1", 400)), shipments(("W1", "浙江", 1000), ("W1", "广东", 1000)),
                    stubs(("W1", "正常"), ("W1", "丢件")), CARD, Tolerances(), "2026-10")
    assert (res.lines["category"].to_list(), res.lines["expected_c"].to_list()) == (["ok"], [400])


def test_a_credit_line_of_last_month_is_not_a_charge_already_billed():
    res = reconcile(bill(line("W22", 400)), shipments(("W22", "浙江", 1000)), stubs(("W22", "正常")), CARD, Tolerances(),
                    "2026-10", bill(line("W22", -400), month="09"))
    assert res.lines["category"].to_list() == ["ok"]


@pytest.mark.parametrize(("action", "zh", "en"), [("claim", "索赔", "claim"), ("dispute", "申诉", "dispute"),
                                                  ("deduct", "要求扣减", "deduct"), ("check", "核查", "check"),
                                                  ("carry", "结转下月", "carry over"), ("", "", "")])
def test_action_labels(action, zh, en):
    assert rec.action_label(action) == zh
    set_lang("en")
    assert rec.action_label(action) == en


def test_every_category_has_a_clause_and_an_action_staff_can_read():
    assert [c.slug for c in rec.CATEGORIES] == list(rec.BY_SLUG)
    assert {c.slug: (c.clause, c.action) for c in rec.CATEGORIES if c.clause != "M-CUR-MONTHLY"} == {
        "lost_billed": ("M-CUR-CLAIM", "deduct"), "weight_over": ("M-CUR-WEIGH", "dispute"), "missing_stub": ("M-CUR-COUNT", "check")}
    assert rec.BY_SLUG["not_billed"].title() == "已发货未计费（结转下月）"
    set_lang("en")
    assert rec.BY_SLUG["not_billed"].title() == "Shipped but not billed (carried to next month)"


def test_a_cent_on_last_months_bill_is_billed_already():
    res = reconcile(bill(line("W22", 400)), shipments(("W22", "浙江", 1000)), stubs(("W22", "正常")), CARD, Tolerances(),
                    "2026-10", bill(line("W22", 1), month="09"))
    assert res.lines["category"].to_list() == ["duplicate_prev"] and res.recoverable == Decimal("4.00")


def test_a_second_line_of_0_00_is_a_repeat_too():
    """Non-negative lines are charges: a 0.00 line after the real one is the waybill billed again (nothing to
    recover), not a fee mismatch of -4.00."""
    res = reconcile(bill(line("W1", 400), line("W1", 0)), shipments(("W1", "浙江", 1000)), stubs(("W1", "正常")),
                    CARD, Tolerances(), "2026-10")
    assert res.lines["category"].to_list() == ["ok", "duplicate"]
    assert (res.difference, res.recoverable) == (Decimal("0.00"), Decimal("0.00"))


def test_carried_shipments_in_ship_date_then_row_order_priced_by_the_stub_when_we_did_not_weigh():
    """Unbilled shipments, the log listing them out of order (six on 10-08, rows descending); W32 has no
    weight of ours, its stub says 2.5 kg (3 kg 浙江: 6.00)."""
    rows = [("W31", "浙江", 1000, dt.date(2026, 10, 9)), ("W32", "浙江", None, dt.date(2026, 10, 8))]
    rows += [(f"W4{i}", "浙江", 1000, dt.date(2026, 10, 8)) for i in range(5)]
    ships = shipments(*rows).with_columns(ship_row=pl.Series([7, 30, 25, 20, 15, 10, 5]))
    res = reconcile(bill(line("W1", 400)), ships, stubs(("W32", "正常", 2500)), CARD, Tolerances(), "2026-10")
    carried = res.of("not_billed")
    assert list(zip(carried["waybill"], carried["ship_row"], carried["expected_c"])) == [
        ("W44", 5, 400), ("W43", 10, 400), ("W42", 15, 400), ("W41", 20, 400), ("W40", 25, 400), ("W32", 30, 600), ("W31", 7, 400)]
    assert res.categories["not_billed"].expected == Decimal("30.00")
