"""Every run says what it did not check: rules declare what they need, the engine reports each rule
that is disabled or lacks a sheet or columns, and a rule uses an equivalent column when the sheet has one."""

from __future__ import annotations

import json

import openpyxl

from automation.commands.validate import validate
from automation.coverage import NotChecked, lines
from automation.rules.catalog import all_rules
from automation.rules.needs import AnyOf
from automation.schema import schema
from tests.rules_helpers import order, shop, sheet

CLERK = (["订单编号", "原价", "实付金额", "邮费", "订单状态"],  # no 商品金额 / 买家应付货款 column
         [["5000000000000000001", 100, 58, 8, "交易成功"],  # goods 50: exactly half, not more
          ["5000000000000000002", 100, 57, 8, "交易成功"],  # goods 49: more than half off
          ["5000000000000000003", 100, 158, 8, "交易成功"]])  # goods 150: +50 %, not more


def _skipped(result, code: str) -> list[NotChecked]:
    return [n for n in result.not_checked if n.code == code]


def test_price_rule_runs_on_paid_minus_postage_and_says_so(tmp_path):
    result = validate(shop(tmp_path, {"orders": CLERK}))
    (found,) = [f for f in result.findings if f.code == "ORD009"]
    assert found.row == 3 and found.cell == "C3" and found.column == "实付金额"  # on the column it used
    assert str(found.value) == "49.00"
    assert found.basis == "买家应付货款 = 实付金额 − 邮费"
    assert found.message.endswith("（按 买家应付货款 = 实付金额 − 邮费 计算）")
    assert _skipped(result, "ORD009") == []


def test_a_rule_without_its_columns_is_reported_not_checked(tmp_path):
    header, rows = sheet(order("5000000000000000001", 原价=100))
    result = validate(shop(tmp_path, {"orders": (header, rows)}))
    (gap,) = _skipped(result, "ORD009")
    assert (gap.reason, gap.clause, gap.where) == ("no_columns", "M-ORD-PRICE", "店铺.xlsx › 订单")
    assert gap.missing == ("买家应付货款（或 买家实际支付金额 − 买家应付邮费）",)
    (cod,) = _skipped(result, "ORD016")
    assert cod.missing == ("付款方式", "联系时间", "订单创建时间")
    stock = _skipped(result, "STK001")
    assert [(n.reason, n.missing) for n in stock] == [("no_sheet", ("库存",))]
    assert _skipped(result, "ORD005") == []  # it had its phone column and ran


def test_any_of_is_met_by_either_column(tmp_path):
    header, rows = sheet({"订单编号": "5000000000000000001", "联系电话": "020-12345678", "订单状态": "交易成功"})
    result = validate(shop(tmp_path, {"orders": (header, rows)}))
    assert _skipped(result, "ORD005") == []
    header, rows = sheet({"订单编号": "5000000000000000001", "订单状态": "交易成功"})
    (gap,) = _skipped(validate(shop(tmp_path, {"orders": (header, rows)})), "ORD005")
    assert gap.missing == ("联系手机 / 联系电话",)


def test_disabled_and_unconfigured_rules(tmp_path):
    header, rows = sheet(order("5000000000000000001", 买家应付邮费=8))
    result = validate(shop(tmp_path, {"orders": (header, rows)}, '[rules]\nignore = ["ORD017"]\n'))
    assert [(n.reason, n.missing) for n in _skipped(result, "ORD017")] == [("disabled", ())]
    (rates,) = _skipped(result, "ORD010")  # needs a rate card the shop has not configured
    assert rates.reason == "no_config" and rates.missing == ("shop.toml [rates.<快递>]",)


def test_console_ends_with_not_checked_lines_grouped_by_reason(tmp_path, cli):
    folder = shop(tmp_path, {"orders": CLERK}, '[rules]\nignore = ["ORD017"]\n')
    result = cli("validate", str(folder / "店铺.xlsx"), "--no-write")
    tail = result.output.strip().splitlines()
    headings = [line for line in tail if line.startswith("未检查")]
    assert headings == ["未检查（缺少列）：", "未检查（缺少工作表）：", "未检查（已在 [rules] 中关闭）：ORD017"]
    assert tail[-1] == "未检查（已在 [rules] 中关闭）：ORD017"  # the summary ends with them
    assert "  店铺.xlsx › 订单 — 付款方式、联系时间、订单创建时间：ORD016" in tail
    assert any(line.startswith("  库存：STK001、STK002") for line in tail)


def test_json_lists_not_checked(tmp_path, cli):
    folder = shop(tmp_path, {"orders": CLERK})
    data = json.loads(cli("validate", str(folder / "店铺.xlsx"), "--json", "--no-write").output)
    by_code = {n["code"]: n for n in data["not_checked"]}
    assert by_code["ORD016"] == {"code": "ORD016", "clause": "M-ORD-COD", "reason": "no_columns",
                                 "missing": ["付款方式", "联系时间", "订单创建时间"], "where": "店铺.xlsx › 订单", "hint": ""}
    assert "ORD009" not in by_code and by_code["STK004"]["reason"] == "no_sheet"


def test_findings_sheet_opens_with_the_not_checked_rows(tmp_path, cli):
    folder = shop(tmp_path, {"orders": CLERK})
    cli("validate", str(folder / "店铺.xlsx"))
    ws = openpyxl.load_workbook(folder / "店铺.checked.xlsx")["校验结果"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    skipped = [r for r in rows if r[0] == "未检查"]
    assert skipped and rows[:len(skipped)] == skipped
    cod = next(r for r in skipped if r[9] == "ORD016\nM-ORD-COD")
    assert cod[1:3] == ["货到付款未及时联系", "店铺.xlsx › 订单"] and cod[6] == "缺少列：付款方式、联系时间、订单创建时间"
    assert [r[9].split("\n")[0] for r in rows[len(skipped):]] == ["ORD009"]


def test_english_lines():
    from automation.i18n import set_lang

    set_lang("en")
    shown = lines([NotChecked("ORD009", "M-ORD-PRICE", "no_columns", ("Original price",), "a.xlsx › Orders")])
    assert shown == ["Not checked (columns missing):", "  a.xlsx › Orders — Original price: ORD009"]


def test_every_rule_declares_existing_fields():
    """A typo in a rule's needs would make it silently never run: every declared field exists, and
    every house-rule check declares what it reads."""
    for rule_ in all_rules():
        if rule_.clause is not None and rule_.code != "HND002":  # HND002 checks whichever handover fields exist
            assert rule_.requirements, f"{rule_.code} declares no needs"
        for need in rule_.requirements:
            kind = need.kind or rule_.kind
            for entry in need.fields:
                for name in entry.fields if isinstance(entry, AnyOf) else (entry,):
                    schema(kind).column(name)  # KeyError names the typo


def test_flags_says_what_it_could_not_check(tmp_path, cli):
    header, rows = sheet({"订单编号": "5000000000000000001", "订单备注": "红旗 张三：要发顺丰"})
    folder = shop(tmp_path, {"orders": (header, rows)})
    data = json.loads(cli("flags", str(folder / "店铺.xlsx"), "--json", "--no-write").output)
    by_code = {n["code"]: n for n in data["not_checked"]}
    assert by_code["flags.flag-column"]["missing"] == ["旗帜"]
    assert by_code["flags.chase"]["missing"] == ["订单状态", "订单创建时间"]
    assert "flags.red" not in by_code and "flags.attribution" not in by_code  # the remark is there
    text = cli("flags", str(folder / "店铺.xlsx"), "--no-write").output.strip().splitlines()
    assert "未检查（缺少列）：" in text and text[-1].startswith("  店铺.xlsx › 订单 — ")


def _stub_shop(root, stub_header: list[str]):
    import datetime as dt

    from tests.sheet_builders import xlsx

    root.mkdir()
    day = dt.date(2026, 10, 20)
    xlsx(root / "发货.xlsx", {"发货登记": [["发货日期", "订单编号", "快递公司", "快递单号", "重量(kg)"],
                                       [day, "O1", "中通", "77000000000001", 1.0]]})
    xlsx(root / "底单.xlsx", {"快递底单": [stub_header, [day, "中通", "77000000000001", 1.6]]})
    (root / "shop.toml").write_text("", encoding="utf-8")
    return root


def test_stubs_without_a_weight_column_say_the_weight_check_did_not_run(tmp_path, cli):
    root = _stub_shop(tmp_path / "shop", ["揽收日期", "快递公司", "快递单号", "快递员备注"])
    result = cli("stubs", str(root), "--date", "2026-10-20")
    assert "? 重量不符: 未检查" in result.output  # no clause ids on the console (issue 10 §3) and "✓ 重量不符" not in result.output
    assert "  底单.xlsx › 快递底单 — 底单重量(kg)：stubs.weight" in result.output
    data = json.loads(cli("stubs", str(root), "--date", "2026-10-20", "--json").output)
    weight = next(n for n in data["not_checked"] if n["code"] == "stubs.weight")
    assert weight["reason"] == "no_columns" and weight["clause"] == "M-CUR-WEIGH"
    book = openpyxl.load_workbook(data["written"])
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["重量不符"] == "未检查" and summary["缺底单"] == 0


def test_reconcile_says_the_unbilled_parcel_is_unpriced_without_a_province(tmp_path, cli):
    import courier_helpers as month_data

    root = month_data.write_shop(tmp_path / "shop")
    rows = [["发货日期", "订单编号", "快递公司", "快递单号", "重量(kg)"]]  # the shipment log has no province column
    rows += [[d, o, "中通快递", w, float(kg)] for o, w, d, p, kg in month_data.SHIPMENTS]
    rows += [[d, o, "圆通快递", w, float(kg)] for o, w, d, p, kg in month_data.OTHER_COURIER]
    month_data._book(root / "发货.xlsx", rows, "发货登记")
    (root / "底单.xlsx").unlink()
    (root / "shop.toml").write_text(month_data.SHOP_TOML.split('[rates."中通"]')[0], encoding="utf-8")  # no rate card
    data = json.loads(cli("reconcile", str(root), "--month", "2026-10", "--json").output)
    by_code = {n["code"]: n for n in data["not_checked"]}
    assert by_code["reconcile.not-billed"]["missing"] == ["目的省份"] and by_code["reconcile.not-billed"]["where"] == "发货.xlsx › 发货登记"
    assert by_code["reconcile.missing-stub"]["reason"] == "no_sheet" and by_code["reconcile.missing-stub"]["missing"] == ["快递底单"]
    assert by_code["reconcile.rates"] == {"code": "reconcile.rates", "clause": "M-CUR-MONTHLY", "reason": "no_config",
                                          "missing": ["shop.toml [rates.中通]"], "where": "中通_2026-10.xlsx", "hint": ""}
    assert "reconcile.weight" not in by_code  # our shipments carry a weight
    text = cli("reconcile", str(root), "--month", "2026-10").output.strip().splitlines()
    assert text[-1] == "  中通_2026-10.xlsx — shop.toml [rates.中通]：reconcile.rates"
