"""Sales and service statistics: conversion and commission arithmetic in Decimal, attribution with
unattributed orders kept, products and returns, unshipped orders at month end, open bad reviews."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from automation.commands.report import command as report_group
from automation.errors import UserError
from automation.sales.section import shop_sales_report
from automation.sales.settings import sales_settings
from automation.sales.stats import commission, ratio
from automation.shop import Shop
from penalties_helpers import SHOP_TOML, D, make_shop

PROMO = '\n[[promotions]]\nname = "秋促"\nstart = 2026-10-20\nend = 2026-10-21\n'


def _order(n, status, amount, paid, shipped, agent=None, items="连衣裙", quantity=1, flag=None, remark=None, refund=None):
    return [f"50000000000000001{n:02d}", status, amount, D(paid) if paid else None, D(shipped) if shipped else None,
            items, quantity, flag, remark, agent, refund, "13812345678"]


def sales_shop(tmp_path, toml=SHOP_TOML):
    return make_shop(tmp_path / "shop", {
        "订单": [
            _order(1, "交易成功", Decimal("100.10"), "2026-10-09 10:00", "2026-10-09 16:00", "陈静"),
            _order(2, "交易成功", Decimal("200.35"), "2026-10-12 10:00", "2026-10-12 16:00", None, flag="红", remark="陈静：送小样", refund=Decimal("20.00")),
            _order(3, "交易成功", Decimal("99.99"), "2026-10-20 10:00", "2026-10-20 16:00", items="T恤", quantity=3),  # promotion: shared
            _order(4, "交易成功", Decimal("58.00"), "2026-10-14 10:00", "2026-10-14 16:00", items="T恤", quantity=2),  # unattributed
            _order(5, "买家已付款，等待卖家发货", Decimal("66.00"), "2026-10-31 20:00", None, "张伟"),  # unshipped at month end
            _order(6, "交易成功", Decimal("77.00"), "2026-10-30 10:00", "2026-11-01 09:00", "张伟"),  # shipped after month end
            _order(7, "交易成功", Decimal("88.00"), "2026-10-30 10:00", "2026-10-31 09:00", "张伟"),
            _order(8, "等待买家付款", Decimal("10.00"), None, None, "张伟"),  # not paid: no sale
            _order(9, "交易成功", Decimal("300.00"), "2026-09-30 10:00", "2026-10-08 09:00", "张伟"),  # September
        ],
        "服务统计": [[D("2026-10-09"), "陈静", 7, 2, None], [D("2026-10-12"), "陈静", 13, 4, None],
                     [D("2026-10-09"), "张伟", 0, 0, None]],
        "评价登记": [
            [D("2026-10-20"), "5000000000000000101", "陈静", "好评", "很好", None, "表扬", "已解决"],
            [D("2026-10-21"), "5000000000000000106", "张伟", "差评", "打13812345678没人接", "是", "批评", "未处理"],
            [D("2026-10-22"), "5000000000000000107", "张伟", "差评", "慢", "否", None, "已解决"],
        ],
        "退换货": [
            [D("2026-10-15"), "5000000000000000101", "退货", "质量问题，开线", "连衣裙", Decimal("100.10")],
            [D("2026-10-16"), "5000000000000000102", "换货", "做工瑕疵", "连衣裙", None],
            [D("2026-10-17"), "5000000000000000103", "退货", "有色差", "连衣裙", None],
            [D("2026-10-18"), "5000000000000000104", "退款", "不想要了", "T恤", Decimal("58.00")],
        ],
    }, toml + PROMO)


def test_ratio_and_commission_arithmetic_is_decimal():
    assert ratio(2, 7) == Decimal("0.2857") and ratio(6, 20) == Decimal("0.3000") and ratio(1, 0) is None
    assert commission(Decimal(3000), Decimal("0.02"), Decimal("280.45")) == Decimal("3005.61")  # 5.609 half up
    assert commission(Decimal(3000), Decimal("0.02"), Decimal("280.425")) == Decimal("3005.61")  # 5.6085 -> .61
    assert isinstance(commission(Decimal(0), Decimal("0.1"), Decimal("0.1")), Decimal)


def test_monthly_per_agent_figures_ranking_and_commission(tmp_path):
    report = shop_sales_report(Shop.open(sales_shop(tmp_path)), "2026-10")
    agents = {m.agent: m for m in report.agents}
    chen, zhang, nobody = agents["陈静"], agents["张伟"], agents[None]
    # 陈静: orders 1 + 2 + half of the promotion order 3
    assert chen.figures.sales == Decimal("100.10") + Decimal("200.35") + Decimal("99.99") * Decimal("0.5")
    assert chen.figures.orders == Decimal("2.5") and chen.figures.refunds == Decimal("20.00")
    assert (chen.figures.enquiries, chen.figures.buyers, chen.figures.conversion) == (20, 6, Decimal("0.3000"))
    net = Decimal("100.10") + Decimal("200.35") + Decimal("49.995") - Decimal("20.00")  # 330.445
    assert chen.commission == Decimal("3006.61")  # 3000 + 0.02 × 330.445 = 3006.6089
    assert chen.figures.net == net and chen.figures.average_order == Decimal("140.18")  # 350.445 / 2.5
    # 张伟: 66 + 77 + 88 + the other half; conversion with no enquiries is None
    assert zhang.figures.sales == Decimal("66.00") + Decimal("77.00") + Decimal("88.00") + Decimal("49.995")
    assert zhang.figures.conversion is None
    assert (chen.rank, zhang.rank) == (1, 2)
    # the unattributed order is kept, never dropped
    assert nobody.figures.sales == Decimal("58.00") and nobody.rank is None
    assert sum(m.figures.sales for m in report.agents) == Decimal("100.10") + Decimal("200.35") + Decimal("99.99") \
        + Decimal("58.00") + Decimal("66.00") + Decimal("77.00") + Decimal("88.00")
    assert (chen.praise, chen.criticism, zhang.criticism, zhang.bad) == (1, 0, 1, 2)


def test_daily_conversion_per_agent(tmp_path):
    report = shop_sales_report(Shop.open(sales_shop(tmp_path)), "2026-10")
    rows = {(d, a): f for d, a, f in report.day_rows(dt.date(2026, 10, 9))}
    assert rows[(dt.date(2026, 10, 9), "陈静")].conversion == Decimal("0.2857")
    assert rows[(dt.date(2026, 10, 9), "陈静")].sales == Decimal("100.10")
    assert rows[(dt.date(2026, 10, 9), "张伟")].conversion is None


def test_per_agent_pay_and_gross_commission(tmp_path):
    toml = SHOP_TOML.replace("commission_rate = 0.02", 'commission_rate = 0.02\ncommission_on = "gross"\n[sales.agents."张伟"]\nbase_pay = 2500\nrate = 0.03')
    report = shop_sales_report(Shop.open(sales_shop(tmp_path, toml)), "2026-10")
    agents = {m.agent: m for m in report.agents}
    assert agents["陈静"].commission == Decimal("3007.01")  # 3000 + 0.02 × 350.445 = 3007.0089
    assert agents["张伟"].commission == Decimal("2508.43")  # 2500 + 0.03 × 280.995 = 2508.42985
    assert agents["张伟"].base == Decimal(2500)


def test_products_returns_unshipped_and_open_reviews(tmp_path):
    report = shop_sales_report(Shop.open(sales_shop(tmp_path)), "2026-10")
    # equal quantities: the larger sales first
    assert report.products == [("连衣裙", 5, Decimal("531.45")), ("T恤", 5, Decimal("157.99"))]
    assert report.returns == [("连衣裙", 2, 1, 3)]
    assert ("退款", "不想要了", 1) in report.reasons
    assert [o["order_id"] for o in report.unshipped] == ["5000000000000000106", "5000000000000000105"]
    assert [r["order_id"] for r in report.open_reviews] == ["5000000000000000106"]
    assert "13812345678" not in report.open_reviews[0]["text"] and "138****5678" in report.open_reviews[0]["text"]


def test_bad_sales_config_is_one_line(tmp_path):
    folder = make_shop(tmp_path / "shop", {"订单": []}, SHOP_TOML.replace("commission_rate = 0.02", "commission_rate = 2"))
    with pytest.raises(UserError) as err:
        sales_settings(Shop.open(folder).config)
    assert "[sales]" in str(err.value) and "\n" not in str(err.value)
    folder = make_shop(tmp_path / "shop2", {"订单": []}, SHOP_TOML.replace("commission_rate = 0.02", "comission_rate = 0.02"))
    with pytest.raises(UserError) as err:
        sales_settings(Shop.open(folder).config)
    assert "comission_rate" in str(err.value)  # a misspelt key is not silently ignored


def test_sales_cli_month_and_day(tmp_path):
    folder = sales_shop(tmp_path)
    runner = CliRunner()
    result = runner.invoke(report_group, ["sales", str(folder), "--month", "2026-10"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(folder / "reports/out/2026-10/销售报表_2026-10.xlsx")
    monthly = book["月度汇总"]
    header = [c.value for c in monthly[2]]
    first = dict(zip(header, [c.value for c in monthly[3]]))
    assert first["客服"] == "陈静" and first["排名"] == 1 and first["底薪+提成"] == pytest.approx(3006.61)
    assert any(row[1].value == "（未归属）" for row in monthly.iter_rows(min_row=3))
    assert book["付款未发货"].max_row == 4  # title, header, 2 orders
    daily = book["每日"]
    header = [c.value for c in daily[2]][11:]
    by_day = {r[11].date(): dict(zip(header, r[11:])) for r in daily.iter_rows(min_row=3, values_only=True) if r[11]}
    assert len(by_day) == 31 and by_day[dt.date(2026, 10, 9)]["陈静"] == pytest.approx(100.10)
    assert by_day[dt.date(2026, 10, 20)]["合计"] == pytest.approx(99.99) and by_day[dt.date(2026, 10, 1)]["合计"] == 0
    html = (folder / "reports/out/2026-10/销售报表_2026-10.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "<script" not in html and "13812345678" not in html

    result = runner.invoke(report_group, ["sales", str(folder), "--day", "2026-10-09"], catch_exceptions=False)
    assert result.exit_code == 0 and "28.57%" in result.output
    day = openpyxl.load_workbook(folder / "reports/out/2026-10/销售日报_2026-10-09.xlsx").active
    assert sorted(r[1].value for r in day.iter_rows(min_row=3)) == ["张伟", "陈静"]

    bad = runner.invoke(report_group, ["sales", str(folder), "--month", "2026-10", "--day", "2026-11-01"])
    assert bad.exit_code != 0 and isinstance(bad.exception, UserError)
