"""Order attribution: explicit 客服 column, red/yellow remark name, promotion shares, unattributed kept."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.attribution import attribute_orders, even_shares
from automation.config import load_config
from automation.tables import read_table
from sheet_builders import xlsx

SHOP_TOML = """
[[staff]]
name = "张三"
role = "客服"

[[staff]]
name = "李四"
role = "客服"
rest_day = "周日"

[[staff]]
name = "王五"
role = "客服"

[[staff]]
name = "赵六"
role = "仓库"

[[promotions]]
name = "双十一预热"
start = 2026-10-20
end = 2026-10-22
"""

HEADER = ["订单编号", "订单状态", "订单付款时间", "旗帜", "订单备注", "客服"]
ROWS = [
    ["5000000000000000001", "交易成功", "2026-10-10 10:00", "红", "张三：要发顺丰", None],  # remark name
    ["5000000000000000002", "交易成功", "2026-10-10 11:00", None, "黄旗 李四", None],  # yellow marker name
    ["5000000000000000003", "交易成功", "2026-10-10 12:00", "红", "张三：送小样", "王五"],  # column wins
    ["5000000000000000004", "交易成功", "2026-10-21 09:00", "红", "要发顺丰", None],  # promotion (Wed)
    ["5000000000000000005", "交易成功", "2026-10-12 09:00", None, "顾客说周末在家", None],  # unattributed
    ["5000000000000000006", "交易成功", "2026-10-12 09:30", "绿", "10.12 快递截单 王五", None],  # green: not a seller
    ["5000000000000000007", "交易成功", "2026-10-13 10:00", None, None, "张三、李四"],  # lead's split
]


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "shop.toml").write_text(SHOP_TOML, encoding="utf-8")
    path = xlsx(tmp_path / "订单.xlsx", {"订单": [HEADER, *ROWS]})
    return read_table(path, "orders"), load_config(tmp_path / "shop.toml")


def by_order(attributions):
    out = defaultdict(list)
    for a in attributions:
        out[a.order_id].append(a)
    return out


def test_each_rule(shop):
    orders, config = shop
    got = by_order(attribute_orders(orders, config))
    assert [(a.agent, a.share, a.basis) for a in got["5000000000000000001"]] == [("张三", 1, "remark")]
    assert [(a.agent, a.basis) for a in got["5000000000000000002"]] == [("李四", "remark")]
    assert [(a.agent, a.basis) for a in got["5000000000000000003"]] == [("王五", "column")]
    assert [(a.agent, a.basis) for a in got["5000000000000000005"]] == [(None, "unattributed")]
    assert [(a.agent, a.basis) for a in got["5000000000000000006"]] == [(None, "unattributed")]
    split = got["5000000000000000007"]
    assert [(a.agent, a.share, a.basis) for a in split] == [("张三", Decimal("0.5"), "column"), ("李四", Decimal("0.5"), "column")]


def test_promotion_orders_are_shared_evenly_among_agents_on_duty(shop):
    orders, config = shop
    promo = by_order(attribute_orders(orders, config))["5000000000000000004"]
    assert {a.agent for a in promo} == {"张三", "李四", "王五"}  # 赵六 is warehouse staff
    assert {a.basis for a in promo} == {"promotion"}
    assert sum(a.share for a in promo) == Decimal(1)
    assert all(a.row == 5 for a in promo)


def test_agent_resting_that_day_gets_no_share(tmp_path):
    (tmp_path / "shop.toml").write_text(SHOP_TOML.replace("2026-10-22", "2026-10-25"), encoding="utf-8")
    path = xlsx(tmp_path / "订单.xlsx", {"订单": [HEADER, ["5000000000000000009", "交易成功", "2026-10-25 09:00", None, None, None]]})
    got = attribute_orders(read_table(path, "orders"), load_config(tmp_path / "shop.toml"))
    assert {a.agent for a in got} == {"张三", "王五"}  # 2026-10-25 is a Sunday, 李四's rest day
    assert sum(a.share for a in got) == 1


def test_agent_names_override_the_duty_list(shop):
    orders, config = shop
    promo = by_order(attribute_orders(orders, config, agent_names=["甲", "乙", "丙", "丁", "戊", "己", "庚"]))["5000000000000000004"]
    assert len(promo) == 7 and sum(a.share for a in promo) == Decimal(1)


def test_every_order_is_kept(shop):
    orders, config = shop
    got = attribute_orders(orders, config)
    assert {a.order_id for a in got} == {r[0] for r in ROWS}
    for shares in by_order(got).values():
        assert sum(a.share for a in shares) == Decimal(1)


def test_promotion_without_any_agent_stays_unattributed(tmp_path):
    (tmp_path / "shop.toml").write_text('[[promotions]]\nstart = 2026-10-20\nend = 2026-10-22\n', encoding="utf-8")
    path = xlsx(tmp_path / "订单.xlsx", {"订单": [HEADER, ["5000000000000000010", "交易成功", "2026-10-21 09:00", None, None, None]]})
    got = attribute_orders(read_table(path, "orders"), load_config(tmp_path / "shop.toml"))
    assert [(a.agent, a.basis, a.share) for a in got] == [(None, "unattributed", 1)]


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 60))
def test_even_shares_sum_to_one(n):
    shares = even_shares(n)
    assert len(shares) == n and sum(shares) == Decimal(1)
    assert max(shares) - min(shares) < Decimal("0.01")
