"""On the demo month every planted courier problem (answer_key.json, area "courier") is found in the
right category, and per courier the totals equal the key's and close to the cent."""

from decimal import Decimal

import polars as pl
import pytest

from automation.commands.stubs import run as run_stubs
from automation.courier.months import month_range
from automation.courier.run import reconcile_month
from automation.demo import build_demo
from automation.shop import Shop

# answer-key category -> (where we report it, our category)
BILL = {"bill_weight_over": "weight_over", "bill_fee_mismatch": "fee_mismatch", "bill_duplicate": "duplicate",
        "bill_not_shipped": "not_shipped", "bill_duplicate_prev_month": "duplicate_prev",
        "bill_lost_not_deducted": "lost_billed", "bill_no_stub": "missing_stub", "bill_waybill_damaged": "waybill_damaged",
        "bill_waybill_float": "ok", "bill_deducted": "ok", "matched": "ok", "not_billed": "not_billed"}
STUBS = {"stub_missing": "missing_stub", "stub_orphan": "no_shipment", "stub_weight": "weight",
         "stub_not_archived": "unarchived", "stub_claim": "claim", "stub_deduct": "deduct"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    built = build_demo(tmp_path_factory.mktemp("demo") / "shop")
    shop = Shop.open(built.folder)
    month = built.key["month"]
    check, _ = run_stubs(shop, *month_range(month))
    done = reconcile_month(shop, month)
    return built.key, {r.courier: r for r in done.results}, check


def _courier_problems(key, categories):
    return [p for p in key["problems"] if p["area"] == "courier" and p["category"] in categories]


def test_every_planted_bill_problem_in_its_category(demo):
    key, results, _ = demo
    planted = _courier_problems(key, BILL)
    assert len(planted) >= 15
    for p in planted:
        res = results[p["courier"]]
        if p["category"] == "not_billed":
            hit = res.of("not_billed").filter(pl.col("waybill") == p["key"])
            assert hit.height == 1, p
            assert hit["diff_c"][0] == int(Decimal(p["difference"]) * 100), p
            continue
        line = res.lines.filter(pl.col("bill_row") == p["row"])
        assert line.height == 1, p
        assert line["category"][0] == BILL[p["category"]], p
        assert line["diff_c"][0] == int(Decimal(p["difference"]) * 100), p
        if "code" in p:  # waybills Excel stored as numbers are reported at their row
            assert (p["row"], p["code"]) in {(n.row, n.code) for n in res.bill.waybill_notes()}, p


def test_every_planted_stub_problem_found(demo):
    key, _, check = demo
    findings = check.findings()
    planted = _courier_problems(key, STUBS)
    assert len(planted) >= 8
    for p in planted:
        frame = findings[STUBS[p["category"]]]
        assert p["key"] in frame["waybill"].to_list(), p


def test_clean_stubs_stay_clean(demo):
    key, _, check = demo
    planted = {p["key"] for p in key["problems"] if p["area"] == "courier"}
    for code in ("missing_stub", "no_shipment", "weight", "unarchived", "claim", "deduct"):
        assert set(check.findings()[code]["waybill"].to_list()) <= planted, code


def test_totals_equal_the_key_and_close_to_the_cent(demo):
    key, results, _ = demo
    assert set(results) == set(key["courier"])
    for courier, expected in key["courier"].items():
        res = results[courier]
        assert res.bill_total == Decimal(expected["bill_total"])
        assert res.expected_total == Decimal(expected["expected_total"])
        assert res.difference == sum((c.difference for c in res.categories.values()), Decimal("0.00"))
        ours: dict[str, list] = {}
        for slug, cat in expected["categories"].items():
            entry = ours.setdefault(BILL[slug], [0, Decimal("0.00")])
            entry[0] += cat["count"]
            entry[1] += Decimal(cat["difference"])
        got = {slug: [c.count, c.difference] for slug, c in res.categories.items()}
        assert got == ours, courier
