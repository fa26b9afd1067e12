"""Rate-card arithmetic in Decimal: first/additional weight, bands, rounding modes, remote surcharge."""

from decimal import Decimal as D

import pytest

from automation.config import ShopConfig
from automation.courier.rates import NoRate, card_for, load_rate_cards, parse_rate_card
from automation.errors import UserError

ZONES = [{"name": "江浙沪", "provinces": ["上海", "江苏省", "浙江"], "first": 4, "additional": 1.5},
         {"name": "其他", "provinces": ["*"], "first": 6.0, "additional": 3}]


def card(**over):
    raw = {"rounding": "up_1", "remote_surcharge": 8, "zones": ZONES, **over}
    return parse_rate_card("中通", raw)


@pytest.mark.parametrize("rounding, weight, fee", [
    ("actual", "1.2", "4.30"),      # 4 + 0.2 x 1.5
    ("actual", "1.234", "4.35"),    # 4 + 0.234 x 1.5 = 4.351 -> 4.35
    ("up_0.5", "1.2", "4.75"),      # 1.5 kg
    ("up_0.5", "1.5", "4.75"),
    ("up_1", "1.2", "5.50"),        # 2 kg
    ("up_1", "1.0", "4.00"),
    ("up_1", "0.1", "4.00"),        # below first weight: first weight price
    ("up_1", "0", "4.00"),
])
def test_first_and_additional_weight_with_rounding(rounding, weight, fee):
    result = card(rounding=rounding).expected_fee("浙江省", D(weight))
    assert isinstance(result, D) and result == D(fee)


def test_remote_surcharge_and_province_forms():
    c = card()
    assert c.expected_fee("新疆维吾尔自治区", D("2.01")) == D("6") + 2 * D("3") + D("8")  # 3 kg, other zone, +8
    assert c.expected_fee("西藏", D("1")) == D("14.00")
    assert c.expected_fee("内蒙", D("1")) == D("6.00")  # not remote by default (configurable)
    assert card(remote_provinces=["新疆", "西藏", "内蒙古"]).expected_fee("内蒙古自治区", D("1")) == D("14.00")
    assert c.expected_fee("上海市", D("1")) == c.expected_fee("上海", D("1")) == D("4.00")


def test_flat_bands_then_per_kg():
    c = parse_rate_card("圆通", {"rounding": "actual", "zones": [
        {"name": "全国", "provinces": ["*"], "bands": [[0.5, 3.0], [1, 3.5], [3, 4.5]], "additional": 2}]})
    assert [c.expected_fee("广东", D(w)) for w in ("0.3", "0.5", "0.51", "2.9", "3", "4.25")] == \
        [D("3.00"), D("3.00"), D("3.50"), D("4.50"), D("4.50"), D("7.00")]


def test_no_zone_is_a_clear_catchable_error():
    c = parse_rate_card("顺丰", {"zones": [{"name": "江浙沪", "provinces": ["上海"], "first": 10}]})
    with pytest.raises(NoRate) as err:
        c.expected_fee("广东", D("1"))
    assert "广东" in str(err.value) and "顺丰" in str(err.value)


@pytest.mark.parametrize("raw, needle", [
    ({"rounding": "up_2", "zones": ZONES}, "rounding"),
    ({"zones": []}, "zones"),
    ({"zones": [{"name": "x", "provinces": ["上海"]}]}, "first"),
    ({"zones": [{"name": "x", "provinces": ["上海"], "first": "abc"}]}, "abc"),
    ({"zones": [{"name": "a", "provinces": ["上海"], "first": 1}, {"name": "b", "provinces": ["上海市"], "first": 2}]}, "上海"),
])
def test_bad_cards_say_what_is_wrong(raw, needle):
    with pytest.raises(UserError) as err:
        parse_rate_card("中通", raw)
    assert needle in str(err.value) and "rates.中通" in str(err.value)


def test_load_from_config_and_find_by_written_name():
    cfg = ShopConfig(path=None, raw={"rates": {"中通": {"first_weight": 1, "zones": ZONES}}})
    cards = load_rate_cards(cfg)
    assert set(cards) == {"中通"}
    assert card_for(cards, "中通快递") is cards["中通"] and card_for(cards, "圆通") is None
