"""The rule engine, needs, catalog and listing, and the reading rules (READ*), against the mutants that
survived the mutation run (docs/testing.md): rules run through the engine on in-memory tables
(tests.rules_helpers.checked); exact findings, not-checked entries and messages."""

from __future__ import annotations

import datetime as dt

from automation.tables import CellNotes
from tests.rules_helpers import checked, typed

D = dt.datetime


def seen(found):
    return [(f.code, f.row, f.column, f.cell, f.clause, f.value, f.message) for f in found]


# ── READ001–READ008: what the reader found, with the clause of the column it damages ──────────────
BAD_ORDER = {"订单编号": 5e18, "物流单号": 781234567890123, "订单创建时间": "昨天", "买家应付邮费": "十元", "宝贝总数量": "两件",
             "旗帜": "橙", "联系手机": "#N/A"}
GOOD_ORDER = {"订单编号": 12345678, "物流单号": None, "订单创建时间": D(2026, 10, 1), "买家应付邮费": 1, "宝贝总数量": 1}


def test_each_reading_problem_has_its_code_and_the_clause_of_its_column():
    expected = {
        "READ001": [("READ001", 2, "订单编号", "A2", "M-ORD-DUP", "5E+18", "长编号被 Excel 存成数字，已丢失数字：5E+18")],
        "READ002": [("READ002", 2, "物流单号", "B2", "M-ORD-WAYBILL", "781234567890123", "编号存成了数字（未丢位）：781234567890123"),
                    ("READ002", 3, "订单编号", "A3", "M-ORD-DUP", "12345678", "编号存成了数字（未丢位）：12345678")],
        "READ003": [("READ003", 2, "订单创建时间", "C2", None, "昨天", "无法识别的日期/时间：昨天")],
        "READ004": [("READ004", 2, "买家应付邮费", "D2", None, "十元", "不是数字或金额：十元"),
                    ("READ004", 2, "宝贝总数量", "E2", None, "两件", "不是数字或金额：两件")],
        "READ005": [("READ005", 2, "旗帜", "F2", None, "橙", "不是可选值之一：橙")],
        "READ006": [("READ006", 2, "联系手机", "G2", "M-ORD-ADDR", "#N/A", "单元格是错误值 #N/A，无法检查")],
        "READ007": [], "READ008": []}
    for code, want in expected.items():
        found, _ = checked(code, {"orders": [BAD_ORDER, GOOD_ORDER]})
        assert seen(found) == want, code
    found, _ = checked("READ003", {"orders": [BAD_ORDER]})
    assert found[0].fix == "“昨天”不是可识别的日期/时间。请写成 2026-10-03 或 2026-10-03 14:05。"  # the reader's hint


def test_clauses_are_given_on_orders_and_returns_only():
    found, _ = checked("READ001", {"returns": [{"订单编号": 5e18, "新快递单号": 5e18, "退回单号": 5e18}]})
    assert [(f.column, f.clause) for f in found] == [("订单编号", "M-ORD-DUP"), ("新快递单号", "M-ORD-DUP"), ("退回单号", None)]
    found, _ = checked("READ001", {"shipments": [{"订单编号": 5e18}]})
    assert [(f.column, f.clause) for f in found] == [("订单编号", None)]


def test_an_absurdly_large_number_is_a_bad_number():
    found, _ = checked("READ004", {"shipments": [{"快递单号": "78123456780001", "重量(kg)": 1e300}]})
    assert [(f.row, f.column, f.message) for f in found] == [(2, "重量(kg)", "不是数字或金额：1e+300")]


def test_a_bad_choice_in_an_enum_or_a_yes_no_column():
    found, _ = checked("READ005", {"staff": [{"姓名": "陈静", "在职": "也许", "班次": "蓝班"}]})
    assert [(f.column, f.message) for f in found] == [("在职", "不是可选值之一：也许"), ("班次", "不是可选值之一：蓝班")]


def test_a_formula_saved_without_its_value_and_an_error_the_file_recorded():
    rows = [{"订单编号": "5000000000000000001", "联系手机": None}, {"订单编号": "5000000000000000002", "联系手机": None}]
    table = typed("orders", *rows, notes=CellNotes(errors={(1, 1): "#REF!"}, uncached=frozenset({(2, 1)})))
    found, _ = checked("READ007", {"orders": table})
    assert seen(found) == [("READ007", 3, "联系手机", "B3", "M-ORD-ADDR", "B3",
                            "公式没有计算结果：工作簿保存时没有计算公式值，请用 Excel/WPS 打开并保存（B3）")]
    found, _ = checked("READ006", {"orders": table})
    assert seen(found) == [("READ006", 2, "联系手机", "B2", "M-ORD-ADDR", "#REF!", "单元格是错误值 #REF!，无法检查")]


def test_a_duplicate_header_names_both_cells():
    found, _ = checked("READ008", {"orders": [{"订单编号": "1", "订单号": "2"}]})
    assert seen(found) == [("READ008", 1, "订单编号", "A1", None, "订单号", "重复的表头：B1“订单号”与 A1“订单编号”是同一列，只读取了 A1")]
    assert found[0].fix == "表头“订单号”（B1）与“订单编号”（A1）是同一列，只读取了 A1。请删除或改名其中一列。"


# ── which rules run: select / ignore like ruff, [rules] in shop.toml ──────────────────────────────
import tomllib  # noqa: E402
from decimal import Decimal  # noqa: E402

import pytest  # noqa: E402

from automation.config import ShopConfig  # noqa: E402
from automation.errors import UserError  # noqa: E402
from automation.i18n import set_lang  # noqa: E402
from automation.rules import listing  # noqa: E402
from automation.rules.catalog import REGISTRY, Hit, Rule, finding, hit, rule  # noqa: E402
from automation.rules.engine import Selection, as_of_date, load_selection, summary  # noqa: E402
from automation.rules.needs import own, sheet  # noqa: E402

CODES = ("AS001", "ORD001", "ORD009", "ORD010", "ORD019", "STK001", "STK002")


def enabled(selection):
    return [c for c in CODES if selection.enabled(c)]


def test_the_longer_prefix_wins_and_a_tie_goes_to_ignore():
    assert enabled(Selection()) == list(CODES)
    assert enabled(Selection(("ORD", "STK001"), ("ORD01",))) == ["ORD001", "ORD009", "STK001"]
    assert enabled(Selection(("ALL",), ("ORD010",))) == ["AS001", "ORD001", "ORD009", "ORD019", "STK001", "STK002"]
    assert enabled(Selection(("ORD010",), ("ORD",))) == ["ORD010"]
    assert enabled(Selection(("ORD010",), ("ORD010",))) == []
    assert enabled(Selection(("ALL",), ("ALL",))) == []
    assert enabled(Selection(("STK",), ("ALL",))) == ["STK001", "STK002"]
    assert enabled(Selection(("O",), ("ALL",))) == ["ORD001", "ORD009", "ORD010", "ORD019"]  # any prefix beats ALL


def selection(toml: str = "", select=(), ignore=()):
    return load_selection(ShopConfig(None, {"rules": tomllib.loads(toml)}), select, ignore)


def test_rules_section_and_the_command_line_are_joined():
    chosen = selection('select = [" ord "]\nignore = ["ord01"]\n[options.ORD009]\nmax_ratio = 0.6\n'
                       '[options.ORD008]\ncolours = ["白"]\n[options.HND003]\nmax_days = 5\n', select=("stk",), ignore=("ORD009",))
    assert (chosen.select, chosen.ignore) == (("ORD", "STK"), ("ORD01", "ORD009"))
    assert chosen.options == {"ORD009": {"max_ratio": Decimal("0.6")}, "ORD008": {"colours": ("白",)}, "HND003": {"max_days": 5}}
    assert chosen.options_for(REGISTRY["ORD009"]) == {"max_ratio": Decimal("0.6")}
    assert chosen.options_for(REGISTRY["HND001"]) == {"every_day": False}  # the default
    # --select alone narrows the default ALL; without either, everything
    assert selection(select=("stk", "ORD001")).select == ("STK", "ORD001")
    assert (selection().select, selection().ignore, selection().options) == (("ALL",), (), {})
    assert selection('ignore = ["ORD"]', ignore=("STK",)).ignore == ("ORD", "STK")


@pytest.mark.parametrize(("toml", "detail"), [
    ('select = "ORD"', 'select must be a list, e.g. select = ["ORD", "STK001"]'),
    ("ignore = 3", 'ignore must be a list, e.g. ignore = ["ORD", "STK001"]'),
    ('select = ["XYZ"]', "select: no rule code starts with 'XYZ'"),
    ('ignore = ["QQ"]', "ignore: no rule code starts with 'QQ'"),
    ("options = 1", "options must be tables like [rules.options.ORD010]"),
    ("[options.ZZZ001]\nx = 1", "[rules.options.ZZZ001]: no such rule"),
    ("options = {ORD009 = 1}", "[rules.options.ORD009] must be a table"),
    ("[options.ORD009]\nfoo = 1", "[rules.options.ORD009] foo: unknown option (options of ORD009: max_ratio)"),
    ("[options.STF001]\nx = 1", "[rules.options.STF001] x: unknown option (options of STF001: none)"),
    ("[options.ORD010]\nx = 1",
     "[rules.options.ORD010] x: unknown option (options of ORD010: weight_kg, courier, free_shipping_ok, tolerance)"),
    ('[options.ORD009]\nmax_ratio = "abc"', "[rules.options.ORD009] max_ratio = 'abc' is not a number"),
    ("[options.HND001]\nevery_day = 1", "[rules.options.HND001] every_day must be true or false"),
    ("[options.HND003]\nmax_days = true", "[rules.options.HND003] max_days = True must be a whole number"),
    ("[options.HND003]\nmax_days = 1.5", "[rules.options.HND003] max_days = 1.5 must be a whole number"),
    ('[options.ORD008]\ncolours = "白"', "[rules.options.ORD008] colours must be a list"),
    ("[options.ORD010]\ncourier = 1", "[rules.options.ORD010] courier must be text"),
    ("foo = 1\nbar = 2", "unknown keys bar, foo (use select, ignore, options)"),
])
def test_a_bad_rules_section_is_one_clear_line(toml, detail):
    with pytest.raises(UserError) as caught:
        selection(toml)
    assert str(caught.value) == f"shop.toml 的 [rules] 有误：{detail}。用 `shopbook rules` 查看全部规则代码。"


def test_options_in_lower_case_codes_and_true_booleans_are_taken():
    chosen = selection("[options.hnd001]\nevery_day = true\n[options.ORD009]\nmax_ratio = 1\n")
    assert chosen.options == {"hnd001": {"every_day": True}, "ORD009": {"max_ratio": Decimal("1")}}


# ── the period's end, from the sheets' own dates ──────────────────────────────────────────────────
def test_as_of_is_the_latest_event_date_not_after_today():
    orders = typed("orders", {"订单编号": "1", "订单创建时间": D(2026, 10, 3, 23, 59), "订单付款时间": None},
                   {"订单编号": "2", "订单创建时间": D(2026, 10, 1), "订单付款时间": D(2026, 10, 2)},
                   {"订单编号": "3", "订单创建时间": D(2026, 12, 30)})  # after "today": ignored
    stock = typed("stock", {"商家编码": "A", "盘点日期": dt.date(2026, 10, 5)}, {"商家编码": "B", "盘点日期": None})
    shipments = typed("shipments", {"发货日期": dt.date(2026, 10, 20), "快递单号": "1"})  # not an event date of the period
    today = dt.date(2026, 11, 1)
    assert as_of_date([orders], today) == dt.date(2026, 10, 3)
    assert as_of_date([orders, stock, shipments], today) == dt.date(2026, 10, 5)
    assert as_of_date([shipments], today) == today
    assert as_of_date([orders], dt.date(2026, 10, 2)) == dt.date(2026, 10, 2)  # a date equal to today counts
    paid_only = typed("orders", {"订单编号": "1", "订单付款时间": D(2026, 10, 9)})  # no creation column
    assert as_of_date([paid_only], today) == dt.date(2026, 10, 9)
    assert as_of_date([], None) == dt.date.today()


# ── what did not run, and why ─────────────────────────────────────────────────────────────────────
def not_checked(code, sheets, toml=""):
    return [(n.reason, n.missing, n.where, n.hint) for n in checked(code, sheets, toml)[1] if n.code == code]


def test_each_rule_that_could_not_run_says_why():
    where = "店铺.xlsx › 订单"
    assert not_checked("STK005", {"orders": [{"订单编号": "1", "商家编码": "A"}]}) == [("no_sheet", ("库存",), "", "")]
    assert not_checked("STK005", {"stock": [{"商家编码": "A", "实际库存": 1}]}) == [("no_sheet", ("订单",), "", "")]
    assert not_checked("STK005", {"stock": [{"商家编码": "A", "实际库存": 1}], "orders": [{"订单编号": "1"}]}) == [
        ("no_columns", ("商家编码",), where, "")]
    assert not_checked("STK005", {"stock": [{"商家编码": "A"}], "orders": [{"订单编号": "1", "商家编码": "A"}]}) == [
        ("no_columns", ("实际库存",), "店铺.xlsx › 库存", "")]
    assert not_checked("ORD009", {"orders": [{"订单编号": "1", "买家实际支付金额": 3}]}) == [
        ("no_columns", ("原价", "买家应付货款（或 买家实际支付金额 − 买家应付邮费）"), where, "")]
    assert not_checked("ORD010", {"orders": [{"订单编号": "1", "买家应付邮费": 1, "收货地址": "广东省 广州市"}]}) == [
        ("no_config", ("shop.toml [rates.<快递>]",), where, "")]
    found, skipped = checked("STK", {"stock": [{"商家编码": "A", "实际库存": 1}]})
    assert {n.code: n.reason for n in skipped if n.code in ("AS001", "STK002", "STK004")} == {
        "AS001": "disabled", "STK002": "no_columns"}
    assert not_checked("READ001", {"orders": [{"订单编号": "1"}]}) == []  # a reading rule runs on any sheet


def test_a_rule_on_an_equivalent_says_which_columns_it_used():
    found, skipped = checked("ORD009", {"orders": [
        {"订单编号": "1", "原价": 100, "买家实际支付金额": 60, "买家应付邮费": 10, "订单状态": "交易成功"},
        {"订单编号": "2", "原价": 100, "买家实际支付金额": 40, "买家应付邮费": 0, "订单状态": "交易成功"}]})
    assert [n for n in skipped if n.code == "ORD009"] == []
    assert [(f.row, f.column, f.cell, f.value, f.basis, f.message) for f in found] == [
        (3, "买家实际支付金额", "C3", Decimal("40.00"), "买家应付货款 = 买家实际支付金额 − 买家应付邮费",
         "改价超过原价的 50%：原价 100.00，改后 40.00（按 买家应付货款 = 买家实际支付金额 − 买家应付邮费 计算）")]


def test_findings_sorted_by_row_then_severity_then_code_and_summed_up():
    rows = [{"商家编码": "A", "页面库存": 3, "实际库存": -1, "补货点": 5, "盘点日期": dt.date(2026, 10, 30)},
            {"商家编码": "B", "页面库存": 2, "实际库存": 2, "补货点": 5, "盘点日期": dt.date(2026, 10, 1)}]
    found, _ = checked("STK", {"stock": rows}, as_of=dt.date(2026, 10, 31))
    assert [(f.row, f.severity, f.code) for f in found] == [
        (2, "error", "STK004"), (2, "warning", "STK002"), (3, "warning", "STK001"), (3, "warning", "STK003")]
    assert summary(found) == {"total": 4, "error": 1, "warning": 3, "info": 0,
                              "by_code": {"STK001": 1, "STK002": 1, "STK003": 1, "STK004": 1}}
    assert summary([]) == {"total": 0, "error": 0, "warning": 0, "info": 0, "by_code": {}}
    assert summary(found + found[:1])["by_code"] == {"STK001": 1, "STK002": 1, "STK003": 1, "STK004": 2}


# ── the catalog: registering, requirements, how a hit becomes a finding ───────────────────────────
def noop(table, ctx):
    return iter(())


def test_a_rule_is_registered_once_with_a_known_severity():
    with pytest.raises(ValueError, match=r"^ZZZ901: severity 'fatal'$"):
        rule("ZZZ901", "x", "fatal", None, "orders", zh="", en="", fix_zh="", fix_en="")
    with pytest.raises(ValueError, match=r"^rule code ORD001 registered twice$"):
        rule("ORD001", "x", "error", None, "orders", zh="", en="", fix_zh="", fix_en="")(noop)
    try:
        assert rule("ZZZ902", "x-y", "info", "M-X", "orders", zh="z", en="e", fix_zh="fz", fix_en="fe", field="phone",
                    options={"n": 1}, needs=("stock",), requires=own("phone"))(noop) is noop
        made = REGISTRY["ZZZ902"]
        assert (made.code, made.name, made.severity, made.clause, made.kind, made.message, made.fix, made.check,
                made.field, made.options, made.needs, made.requires) == (
            "ZZZ902", "x-y", "info", "M-X", "orders", ("z", "e"), ("fz", "fe"), noop, "phone", {"n": 1}, ("stock",),
            (own("phone"),))
        rule("ZZZ903", "x", "info", None, "orders", zh="", en="", fix_zh="", fix_en="",
             requires=(own("phone"), sheet("stock", "sku")))(noop)
        assert REGISTRY["ZZZ903"].requires == (own("phone"), sheet("stock", "sku"))
    finally:
        REGISTRY.pop("ZZZ902", None)
        REGISTRY.pop("ZZZ903", None)


def test_requirements_add_the_joined_sheets_once():
    assert REGISTRY["STK005"].requirements == (own("sku", "real_stock"), sheet("orders", "sku"))
    made = Rule("ZZZ903", "x", "error", None, "orders", ("", ""), ("", ""), noop, needs=("stock", "orders"),
                requires=(sheet("orders", "sku"),))
    assert made.requirements == (sheet("orders", "sku"), sheet("stock"))


def test_message_templates_by_language_and_a_template_that_cannot_be_filled():
    made = REGISTRY["STK004"]
    assert made.text(("库存 {value}", "stock {value}"), {"value": 3}) == "库存 3"
    assert made.text(("库存 {missing}", "x"), {}) == "库存 {missing}"
    assert made.text(("库存 {0}", "x"), {}) == "库存 {0}"
    assert made.text(("库存 {", "x"), {}) == "库存 {"
    assert made.title == "库存为负"
    set_lang("en")
    assert made.text(("库存 {value}", "stock {value}"), {"value": 3}) == "stock 3"
    assert made.title == "Negative stock"


def test_a_hit_without_a_value_shows_its_cell_and_a_finding_names_cell_column_and_key():
    table = typed("shipments", {"发货日期": dt.date(2026, 10, 1), "订单编号": "5000000000000000001", "快递单号": None, "打包人": None},
                  {"发货日期": D(2026, 10, 2, 9, 5), "订单编号": None, "快递单号": "7800", "打包人": ""})
    first, second = table.records
    assert hit(first, "order_id") == Hit(2, "order_id", "5000000000000000001", {}, None)
    assert hit(first, "order_id", "x", key="k", n=1) == Hit(2, "order_id", "x", {"n": 1}, "k")
    assert hit(first) == Hit(2, None, None, {}, None)
    rows = {r.row: r for r in table.records}
    made = REGISTRY["SHP002"]  # field: packer
    seen_ = lambda f: (f.row, f.column, f.cell, f.field, f.key, f.value, f.message, f.clause, f.file, f.sheet)  # noqa: E731
    assert seen_(finding(made, table, Hit(2, None, None), rows)) == (
        2, "打包人", "D2", "packer", "5000000000000000001", None, "发货记录没有打包人", "M-SHIP-PACKER", "店铺.xlsx", "发货登记")
    # a field the sheet lacks: the row as a whole, on the key column (the waybill), no field
    assert seen_(finding(made, table, Hit(3, "weight", Decimal("1.5"), key="K", clause="M-X"), rows)) == (
        3, "", "C3", None, "K", Decimal("1.5"), "发货记录没有打包人", "M-X", "店铺.xlsx", "发货登记")
    assert finding(made, table, Hit(3, "date"), rows, "a = b").message == "发货记录没有打包人（按 a = b 计算）"
    assert finding(made, table, Hit(3, "date"), rows).key == "7800"  # the sheet's key column first
    assert finding(made, table, Hit(9, "date"), rows).key is None  # no such row
    stale = REGISTRY["STK001"]  # "最近一次盘点是 {value}…": how values are shown
    stock = typed("stock", {"商家编码": "A", "盘点日期": None})
    shown = lambda v: finding(stale, stock, Hit(2, "counted_on", v, {"days": 7}), {}).message  # noqa: E731
    assert shown(None) == "最近一次盘点是 （空），已超过 7 天" and shown("") == "最近一次盘点是 （空），已超过 7 天"
    assert shown(D(2026, 10, 2, 9, 5)) == "最近一次盘点是 2026-10-02 09:05，已超过 7 天"
    assert shown(dt.date(2026, 10, 2)) == "最近一次盘点是 2026-10-02，已超过 7 天"
    set_lang("en")
    assert shown(None) == "Last counted (empty), more than 7 days ago"
    assert finding(made, table, Hit(3, "date"), rows, "a = b").message == "Shipment without the packer's name (computed as a = b)"


def test_the_key_falls_back_to_an_order_id_waybill_or_sku_on_the_row():
    handover = typed("handover", {"日期": dt.date(2026, 10, 1), "订单编号": "5000000000000000001"}, {"日期": dt.date(2026, 10, 1)})
    rows = {r.row: r for r in handover.records}
    made = REGISTRY["HND002"]
    assert finding(made, handover, Hit(2, "date"), rows).key == "5000000000000000001"
    assert finding(made, handover, Hit(3, "date"), rows).key is None
    movements = typed("movements", {"日期": dt.date(2026, 10, 1), "商家编码": "A1"})
    assert finding(REGISTRY["STK006"], movements, Hit(2, "inspection"), {r.row: r for r in movements.records}).key == "A1"


# ── listing: names and messages as `shopbook rules` shows them ────────────────────────────────────
def test_listed_messages_fill_options_and_label_the_rest():
    assert listing.title("ORD001", "consignee-missing") == "缺收货人"
    assert listing.title("ZZZ001", "some-new-rule") == "some-new-rule"
    assert listing.filled("HND003", "交接事项 {days} 天（上限 {limit} 天）", {"max_days": 3}) == "交接事项 〈天数〉 天（上限 3 天）"
    assert listing.filled("ORD009", "改价超过 {limit}：{value}", {"max_ratio": Decimal("0.5")}) == "改价超过 50%：〈值〉"
    assert listing.filled("ORD009", "{limit}", {"max_ratio": Decimal("0.6")}) == "60%"
    assert listing.filled("ORD009", "{limit}", {"max_ratio": 0.5}) == "0.5"
    assert listing.filled("ORD009", "{limit}", {}) == "〈上限〉"
    assert listing.filled("ZZZ001", "a {oddity} b {{x}}", {"oddity": 1}) == "a 〈oddity〉 b {x}"
    assert REGISTRY["SVC001"].listed_message({"max_seconds": 45}) == "〈客服〉 〈日期〉 平均首次响应 〈值〉 秒，超过 45 秒"
    set_lang("en")
    assert listing.title("ORD001", "consignee-missing") == "Consignee missing"
    assert listing.filled("HND003", "open {days} days (limit {limit})", {"max_days": 3}) == "open <days> days (limit 3)"
    assert listing.filled("ZZZ001", "{oddity}", {}) == "<oddity>"
    assert REGISTRY["SVC001"].listed_message({"max_seconds": 45}).endswith("over 45 s")


def test_an_equivalent_with_a_blank_source_is_unknown_not_a_crash():
    rows = [{"订单编号": "1", "原价": 100, "买家实际支付金额": None, "买家应付邮费": 10, "订单状态": "交易成功"},
            {"订单编号": "2", "原价": 100, "买家实际支付金额": 30, "买家应付邮费": None, "订单状态": "交易成功"},
            {"订单编号": "3", "原价": 100, "买家实际支付金额": 30, "买家应付邮费": 0, "订单状态": "交易成功"}]
    found, _ = checked("ORD009", {"orders": rows})
    assert [(f.row, f.value) for f in found] == [(4, Decimal("30.00"))]


def test_any_of_is_satisfied_by_either_column():
    from automation.rules.needs import AnyOf, any_of, resolve

    either = any_of("phone", "landline")
    assert either == AnyOf(("phone", "landline"))
    landline_only = typed("orders", {"订单编号": "1", "联系电话": "020-12345678"})
    assert resolve(own(either), landline_only).missing == []
    assert resolve(own(either), typed("orders", {"订单编号": "1"})).missing == ["联系手机 / 联系电话"]


def test_a_missing_sheet_is_named_in_english():
    set_lang("en")
    assert not_checked("STK005", {"orders": [{"订单编号": "1", "商家编码": "A"}]}) == [("no_sheet", ("Stock",), "", "")]


def test_each_missing_column_is_named_after_a_present_one():
    assert not_checked("ORD009", {"orders": [{"订单编号": "1", "原价": 100}]}) == [
        ("no_columns", ("买家应付货款（或 买家实际支付金额 − 买家应付邮费）",), "店铺.xlsx › 订单", "")]


def test_an_unsure_header_is_not_taken_and_its_fix_is_given():
    day = dt.date(2026, 10, 1)
    where = "店铺.xlsx › 快递底单"
    found, skipped = checked("SHP003", {"stubs": [{"揽收日期": day, "快递单号": "78123456780001", "揽件快递员的名字": "老李"}]})
    assert found == [] and [(n.reason, n.missing, n.where, n.hint) for n in skipped if n.code == "SHP003"] == [
        ("unsure_header", ("快递员",), where, '[headers.stubs] "揽件快递员的名字" = "courier_staff"')]
    # the fix of an unsure first column is kept when a later one is simply absent
    _, skipped = checked("SHP003", {"stubs": [{"揽收日期": day, "底单上的运单号码": "78123456780001"}]})
    assert [(n.reason, n.missing, n.hint) for n in skipped if n.code == "SHP003"] == [
        ("unsure_header", ("快递单号", "快递员"), '[headers.stubs] "底单上的运单号码" = "waybill"')]


def test_a_table_without_a_header_match_reports_plain_missing_columns():
    import dataclasses

    from automation.rules.needs import resolve

    bare = dataclasses.replace(typed("stubs", {"揽收日期": dt.date(2026, 10, 1)}), match=None)
    found = resolve(own("waybill"), bare)
    assert (found.missing, found.unsure) == (["快递单号"], [])


# ── a command's own checks: gaps and months without entries (rules/needs.py) ─────────────────────
def _declared():
    from automation.rules.needs import Declared

    return (Declared("stubs.weight", "M-CUR-WEIGHT", "stubs", (own("weight"), sheet("shipments", "weight"))),
            Declared("msg.late", "M-MSG-24H", "messages", (own("received_at"),)),
            Declared("svc.reply", None, "service", (own("first_reply_seconds"), sheet("messages"))))


def test_gaps_name_the_first_unmet_need_of_each_check():
    from automation.coverage import NotChecked
    from automation.rules.needs import gaps

    stubs = typed("stubs", {"快递单号": "78123456780001", "揽件快递员的名字": "老李", "底单重量(kg)": 1})
    shipments = typed("shipments", {"快递单号": "78123456780001"})
    service = typed("service", {"日期": dt.date(2026, 10, 1)})
    tables = {"stubs": stubs, "shipments": shipments, "messages": None, "service": service}
    assert gaps(_declared(), tables) == [
        NotChecked("stubs.weight", "M-CUR-WEIGHT", "no_columns", ("重量(kg)",), "店铺.xlsx › 发货登记"),
        NotChecked("msg.late", "M-MSG-24H", "no_sheet", ("留言记录",)),
        NotChecked("svc.reply", None, "no_columns", ("平均首次响应(秒)",), "店铺.xlsx › 服务统计")]
    assert gaps(_declared()[:1], tables, "底单.xlsx")[0].where == "底单.xlsx"
    from automation.rules.needs import Declared

    unsure = typed("stubs", {"快递单号": "78123456780001", "快递员称的重量（公斤）": 1, "揽件快递员的名字": "老李"})
    signed = Declared("stubs.signed", None, "stubs", (own("weight", "courier_staff"),))
    found = gaps([signed], {"stubs": unsure})
    assert [(n.reason, n.missing, n.hint) for n in found] == [
        ("unsure_header", ("底单重量(kg)", "快递员"),
         '[headers.stubs] "快递员称的重量（公斤）" = "weight"；[headers.stubs] "快递员称的重量（公斤）" = "courier_staff"；'
         '[headers.stubs] "揽件快递员的名字" = "courier_staff"')]


def test_a_quiet_check_over_a_sheet_without_entries_in_the_month_is_not_clean():
    from automation.coverage import NotChecked
    from automation.rules.needs import quiet_in_month

    first, last = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    september = typed("messages", {"留言时间": D(2026, 9, 30, 23, 59)})
    october = typed("messages", {"留言时间": D(2026, 9, 2)}, {"留言时间": D(2026, 10, 31, 23, 59)})
    service = typed("service", {"日期": dt.date(2026, 10, 1)})
    stubs = typed("stubs", {"揽收日期": dt.date(2026, 11, 1)})
    tables = {"messages": september, "service": service, "stubs": stubs}
    assert quiet_in_month(_declared(), tables, first, last) == [
        NotChecked("stubs.weight", "M-CUR-WEIGHT", "no_rows", (), "店铺.xlsx › 快递底单"),
        NotChecked("msg.late", "M-MSG-24H", "no_rows", (), "店铺.xlsx › 留言记录"),
        NotChecked("svc.reply", None, "no_rows", (), "店铺.xlsx › 留言记录")]  # its own sheet has October: the next one
    assert quiet_in_month(_declared(), tables, first, last, found=("msg.late", "stubs.weight")) == [
        NotChecked("svc.reply", None, "no_rows", (), "店铺.xlsx › 留言记录")]
    assert quiet_in_month(_declared(), {**tables, "messages": october, "stubs": None}, first, last) == []
    assert quiet_in_month(_declared()[2:], {"service": None, "messages": september}, first, last) == [
        NotChecked("svc.reply", None, "no_rows", (), "店铺.xlsx › 留言记录")]  # its own sheet absent: the next one
    dated_day = typed("service", {"日期": dt.date(2026, 10, 31)})  # a date (not a datetime) on the last day
    assert quiet_in_month(_declared()[2:], {"service": dated_day, "messages": october}, first, last) == []


def test_a_finding_as_json_leaves_out_the_column_index():
    found, _ = checked("STK004", {"stock": [{"商家编码": "A", "实际库存": -1}]})
    assert found[0].as_dict() == {
        "code": "STK004", "severity": "error", "clause": "M-STK-LOW", "file": "店铺.xlsx", "sheet": "库存", "row": 2,
        "column": "实际库存", "cell": "B2", "value": -1, "message": "库存为负数：-1",
        "fix": "库存不可能为负：核对出入库登记与盘点数。", "key": "A", "field": "real_stock", "basis": ""}


def test_not_checked_entries_carry_the_rules_clause():
    rows = [{"订单编号": "1", "买家应付邮费": 1, "收货地址": "广东省 广州市"}]
    _, skipped = checked("ORD010", {"orders": rows})
    assert {(n.code, n.clause, n.reason) for n in skipped if n.code in ("ORD010", "AS001")} == {
        ("ORD010", "M-ORD-FREIGHT", "no_config"), ("AS001", "M-AS-WINDOW", "disabled")}
    for sheets in ({"orders": [{"订单编号": "1", "商家编码": "A"}]}, {"stock": [{"商家编码": "A", "实际库存": 1}]}):
        assert [(n.clause, n.reason) for n in checked("STK005", sheets)[1] if n.code == "STK005"] == [("M-STK-LOW", "no_sheet")]
    joined_without_sku = {"stock": [{"商家编码": "A", "实际库存": 1}], "orders": [{"订单编号": "1"}]}
    assert [(n.clause, n.reason) for n in checked("STK005", joined_without_sku)[1] if n.code == "STK005"] == [
        ("M-STK-LOW", "no_columns")]


def test_run_rules_gives_the_findings_of_check_rules():
    from automation.config import ShopConfig
    from automation.rules.engine import check_rules, run_rules
    from automation.workdays import WorkCalendar

    stock = typed("stock", {"商家编码": "A", "实际库存": -1, "盘点日期": dt.date(2026, 10, 20)})
    staff = typed("staff", {"姓名": "李娜", "岗位": "客服", "班次": None})
    book = typed("handover", {"日期": dt.date(2026, 10, 30), "班次": "白班"}, {"日期": dt.date(2026, 10, 30), "班次": "晚班"})
    args = ([stock, staff, book], {"stock": stock, "staff": staff, "handover": book}, ShopConfig(None),
            lambda: WorkCalendar.from_config({}), Selection(("STK001", "STF001", "HND001")), dt.date(2026, 11, 2))
    assert run_rules(*args) == check_rules(*args).findings
    # the selection (not STK004), the period's end (11-02, not the count's own day), the config's shifts and
    # the calendar (10-31 and 11-01 are the weekend)
    assert [(f.code, f.row, f.message) for f in run_rules(*args)] == [
        ("HND001", 3, "2026-11-02 白班没有交接记录"), ("HND001", 3, "2026-11-02 晚班没有交接记录"),
        ("STF001", 2, "李娜 没有填写班次（可选：白班、晚班）"), ("STK001", 2, "最近一次盘点是 2026-10-20，已超过 7 天")]


def test_a_second_sheet_of_a_kind_is_checked_when_the_first_lacks_the_columns():
    from automation.config import ShopConfig
    from automation.rules.engine import check_rules
    from automation.workdays import WorkCalendar

    bare = typed("stock", {"商家编码": "A"})
    full = typed("stock", {"商家编码": "B", "实际库存": -2})
    done = check_rules([bare, full], {"stock": full}, ShopConfig(None), lambda: WorkCalendar.from_config({}),
                       Selection(("STK004",)))
    assert [(f.code, f.row, f.message) for f in done.findings] == [("STK004", 2, "库存为负数：-2")]
    assert [(n.code, n.reason, n.missing) for n in done.not_checked if n.code == "STK004"] == [
        ("STK004", "no_columns", ("实际库存",))]


# ── _latest_day (the period's end, rewritten for speed): each path at its edges ──────────────────────
from automation.rules.engine import _latest_day  # noqa: E402
from automation.tables import Record  # noqa: E402


def _records(*values):
    out = []
    for row, value in enumerate(values, 2):
        record = Record(row=row)
        record["paid_at"] = value
        out.append(record)
    return out


def test_latest_day_of_naive_datetimes_stops_at_the_end_of_today():
    today = dt.date(2026, 10, 31)
    records = _records(dt.datetime(2026, 10, 30, 9), None, dt.datetime(2026, 10, 31, 23, 59, 59),
                       dt.datetime(2026, 11, 1, 0, 0), dt.datetime(2026, 11, 2, 8))
    assert _latest_day(records, "paid_at", today) == dt.date(2026, 10, 31)
    # only later ones: nothing on or before today
    assert _latest_day(_records(dt.datetime(2026, 11, 1), dt.datetime(2026, 11, 5)), "paid_at", today) is None
    # the earliest first, the latest in the middle: the maximum, not the first or the last
    assert _latest_day(_records(dt.datetime(2026, 10, 1), dt.datetime(2026, 10, 20), dt.datetime(2026, 10, 5)),
                       "paid_at", today) == dt.date(2026, 10, 20)


def test_latest_day_of_dates_and_mixed_columns_goes_value_by_value():
    today = dt.date(2026, 10, 31)
    assert _latest_day(_records(dt.date(2026, 10, 3), dt.date(2026, 10, 31), dt.date(2026, 11, 1)), "paid_at", today) == today
    mixed = _records(dt.date(2026, 10, 3), dt.datetime(2026, 10, 21, 10), dt.date(2026, 10, 12), dt.datetime(2026, 11, 3))
    assert _latest_day(mixed, "paid_at", today) == dt.date(2026, 10, 21)
    assert _latest_day(_records(dt.date(2026, 10, 9), dt.date(2026, 10, 2)), "paid_at", today) == dt.date(2026, 10, 9)
    assert _latest_day(_records(None, None), "paid_at", today) is None and _latest_day([], "paid_at", today) is None


def test_latest_day_with_an_aware_datetime_falls_back_to_each_value():
    """An aware datetime cannot be compared with the naive midnight: the value-by-value path decides."""
    today = dt.date(2026, 10, 31)
    aware = dt.datetime(2026, 10, 25, 10, tzinfo=dt.timezone.utc)
    records = _records(dt.datetime(2026, 10, 20, 9), aware, dt.datetime(2026, 11, 2, 9))
    assert _latest_day(records, "paid_at", today) == dt.date(2026, 10, 25)
