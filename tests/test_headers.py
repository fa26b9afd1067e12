"""Tolerant header matching: the headers staff actually write, how each was matched, and the unsure
ones that are never silently taken (listed in inspect and in the 未检查 lines with the fix)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from automation.headers import FAMILIES, core, match_headers, without_units
from automation.schema import schema, schemas
from tests.sheet_builders import xlsx

DAY = dt.date(2026, 10, 20)


@pytest.mark.parametrize("header", ["重量(kg)", "重量（公斤）", "重量kg", "重量 (KG)", "重量【千克】", "重量（kg）", "重 量"])
def test_units_brackets_and_spaces(header):
    for kind in ("stubs", "shipments"):
        match = match_headers(["快递单号", header], schema(kind))
        assert match.fields.get("weight") == 1, (kind, header)


@pytest.mark.parametrize("kind, header, field, method", [
    ("orders", "快递单号码", "waybill", "suffix"),  # …号码
    ("orders", "下单日期", "created_at", "suffix"),  # 时间 <-> 日期
    ("orders", "付款日期", "paid_at", "suffix"),
    ("orders", "ＳＫＵ", "sku", "canonical"),  # full width (the field name itself)
    ("orders", "订单编号 ", "order_id", "canonical"),  # Taobao's trailing space
    ("shipments", "发货商品名称", "items", "suffix"),  # …名称
    ("shipments", "快递单号1", "waybill", "contains"),  # a known name plus a little
])
def test_suffixes_and_containment(kind, header, field, method):
    match = match_headers(["x", header], schema(kind))
    assert match.fields.get(field) == 1
    assert match.how[field].method == method
    assert 0 < match.how[field].score <= 1


def test_a_suffix_never_turns_a_waybill_into_a_courier():
    assert core("快递单号") == "快递单" and core("快递") == "快递"
    match = match_headers(["快递", "快递单号"], schema("orders"))
    assert match.fields == {"courier": 0, "waybill": 1}


@pytest.mark.parametrize("header", ["目的省份", "收货省份", "收件省份", "省份", "省"])
def test_province_family(header):
    assert match_headers(["快递单号", header], schema("shipments")).fields.get("province") == 1


@pytest.mark.parametrize("header", ["快递员填写重量", "底单重量", "称重", "重量"])
def test_stub_weight_family(header):
    assert match_headers(["快递单号", header], schema("stubs")).fields.get("weight") == 1


def test_every_family_names_a_field_of_some_schema():
    fields = {(k, c.field) for k, s in schemas().items() for c in s.columns}
    for key in FAMILIES:
        kind, _, name = key.rpartition(".")
        assert any(f == name and kind in ("", k) for k, f in fields), key


def test_exact_beats_family_beats_containment_for_the_same_field():
    match = match_headers(["快递单号1", "运单号", "快递单号"], schema("shipments"))
    assert match.fields["waybill"] == 2 and match.how["waybill"].method == "canonical"
    assert set(match.unmapped) == {0, 1}


@pytest.mark.parametrize("kind, header, field", [
    ("orders", "退款状态", "status"),  # a refund status is not the order status
    ("orders", "价格", "original_price"),  # a fragment of 原价格
    ("orders", "是否手机订单", "phone"),
])
def test_weak_containment_is_not_taken_but_kept_as_unsure(kind, header, field):
    match = match_headers(["订单编号", header], schema(kind))
    assert field not in match.fields and match.unmapped == {1: header}
    (candidate,) = [c for c in match.unsure[field] if c.index == 1]
    assert candidate.score < 0.75 and candidate.fix(kind) == f'[headers.{kind}] "{header}" = "{field}"'


def test_ambiguous_header_names_both_fields():
    match = match_headers(["快递单号", "快递员称的重量（公斤）"], schema("stubs"))
    assert "weight" not in match.fields and "courier_staff" not in match.fields
    weight = match.unsure["weight"][0]
    assert weight.rival == "courier_staff" and weight.header == "快递员称的重量（公斤）"
    assert without_units(weight.header) == "快递员称的重量"


def test_taobao_export_headers_still_map_exactly():
    header = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额", "订单状态",
              "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话 ", "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ",
              "宝贝种类 ", "物流单号 ", "物流公司", "订单备注", "宝贝总数量", "店铺名称", "订单关闭原因", "修改后的收货地址", "退款金额",
              "支付单号", "确认收货时间", "发货时间", "商家备忘", "是否手机订单", "店铺Id"]
    match = match_headers(header, schema("orders"))
    assert all(m.score == 1.0 for m in match.how.values())
    assert match.fields["remark"] == header.index("订单备注") and match.fields["address"] == header.index("收货地址 ")
    assert {match.unmapped[i] for i in match.unmapped} == {"支付单号", "商家备忘", "是否手机订单", "店铺Id"}


def _stub_shop(root, weight_header: str, toml: str = ""):
    root.mkdir()
    xlsx(root / "发货.xlsx", {"发货登记": [["发货日期", "订单编号", "快递公司", "快递单号", "收货省份", "重量"],
                                       [DAY, "O1", "中通", "77000000000001", "浙江", 1.0]]})
    xlsx(root / "底单.xlsx", {"快递底单": [["揽收日期", "快递公司", "快递单号", weight_header],
                                       [DAY, "中通", "77000000000001", 1.6]]})
    (root / "shop.toml").write_text(toml, encoding="utf-8")
    return root


def test_clerks_stub_weight_header_is_read(tmp_path, cli):
    root = _stub_shop(tmp_path / "shop", "快递员填写重量")
    data = json.loads(cli("stubs", str(root), "--date", "2026-10-20", "--json").output)
    assert [(r["waybill"], r["weight_diff_g"]) for r in data["findings"]["weight"]] == [("77000000000001", 600)]
    assert "stubs.weight" not in {n["code"] for n in data["not_checked"]}


def test_unsure_header_is_listed_in_inspect_and_not_checked_with_the_fix(tmp_path, cli):
    root = _stub_shop(tmp_path / "shop", "快递员称的重量（公斤）")
    fix = '[headers.stubs] "快递员称的重量（公斤）" = "weight"'
    data = json.loads(cli("stubs", str(root), "--date", "2026-10-20", "--json").output)
    weight = next(n for n in data["not_checked"] if n["code"] == "stubs.weight")
    assert weight["reason"] == "unsure_header" and fix in weight["hint"]
    shown = cli("stubs", str(root), "--date", "2026-10-20").output
    assert "未检查（表头匹配不确定）" in shown and fix in shown
    inspected = json.loads(cli("inspect", str(root / "底单.xlsx"), "--json").output)["tables"][0]
    assert {"header": "快递员称的重量（公斤）", "column": "D", "field": "weight", "confidence": weight_score(inspected),
            "rival": "courier_staff", "fix": fix} in inspected["unsure"]
    text = cli("inspect", str(root / "底单.xlsx")).output
    assert "（不确定，未采用）" in text and "未采用" in text and "快递员称的重量（公斤）" in text
    # the line it suggests, added to shop.toml, fixes it
    (root / "shop.toml").write_text(fix.replace(" \"", '\n"', 1) + "\n", encoding="utf-8")
    data = json.loads(cli("stubs", str(root), "--date", "2026-10-20", "--json").output)
    assert [r["weight_diff_g"] for r in data["findings"]["weight"]] == [600]
    assert "stubs.weight" not in {n["code"] for n in data["not_checked"]}


def weight_score(inspected: dict) -> float:
    return next(u["confidence"] for u in inspected["unsure"] if u["field"] == "weight")


def test_inspect_shows_how_each_column_matched(tmp_path, cli):
    path = xlsx(tmp_path / "发货.xlsx", {"发货": [["发货日期", "订单号", "收货省份", "重量kg", "快递单号1"],
                                                [DAY, "O1", "浙江", 1.2, "77000000000001"]]})
    table = json.loads(cli("inspect", str(path), "--json").output)["tables"][0]
    how = {m["field"]: (m["header"], m["method"], m["confidence"]) for m in table["matches"]}
    assert how == {"date": ("发货日期", "canonical", 1.0), "order_id": ("订单号", "alias", 1.0),
                   "province": ("收货省份", "family", 0.95), "weight": ("重量kg", "canonical", 1.0),
                   "waybill": ("快递单号1", "contains", 0.8)}
    text = cli("inspect", str(path)).output
    assert "常用叫法" in text and "95%" in text and "包含" in text
