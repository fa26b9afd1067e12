"""Penalty points (automation/penalties/): cases the mutation run showed untested (issue 11 §6).
Pure functions on in-memory tables built through the real header matching (tables.build_table),
points as exact Decimals, dates hand-computed against the 2026 calendar: National Day 10-01..10-07,
the make-up Saturday 10-10, Spring Festival 02-15..02-23 (a week without a working day)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from automation.config import Person, ShopConfig
from automation.errors import UserError
from automation.headers import match_headers
from automation.i18n import set_lang
from automation.penalties import detect
from automation.penalties.detect import make_context
from automation.penalties.period import (at, end_of, first_week_deadline, month_label, parse_month, previous_month,
                                         weekly_due)
from automation.penalties.rulebook import load_rulebook
from automation.penalties.settings import PenaltySettings, penalty_settings
from automation.schema import schema
from automation.tables import build_table
from automation.workdays import WorkCalendar
from penalties_helpers import HEADERS

CAL = WorkCalendar()
RULES = load_rulebook()
AS_OF = dt.datetime(2026, 11, 20, 9, 0)
STAFF = (Person("王芳", "负责人"), Person("李娜", "客服主管", supervisor="王芳"),
         Person("陈静", "客服", supervisor="李娜"), Person("张伟", "客服", supervisor="李娜"))
KIND_OF = {"订单": "orders", "服务统计": "service", "留言记录": "messages", "回访表": "followups",
           "报表提交登记": "submissions", "评价登记": "reviews", "扣分登记": "incidents", "人员": "staff"}


def T(text: str) -> dt.datetime | dt.date:
    return dt.datetime.fromisoformat(text) if " " in text else dt.date.fromisoformat(text)


def table(sheet: str, *rows, header=None):
    """A sheet of the penalty workbook (penalties_helpers.HEADERS), typed by the real reader."""
    kind = schema(KIND_OF[sheet])
    header = header or HEADERS[sheet]
    grid = [list(header), *[list(r) + [None] * (len(header) - len(r)) for r in rows]]
    return build_table("店铺表格.xlsx", sheet, grid, 0, kind, match_headers(grid[0], kind))


def ctx(month="2026-10", staff=STAFF, as_of=AS_OF, settings=PenaltySettings(), rules=RULES, raw=None):
    return make_context(month, CAL, ShopConfig(path=None, raw=raw or {}, staff=staff), rules, settings, as_of)


def got(incidents):
    assert all(i.source == "detected" for i in incidents)
    return [(i.day, i.person, i.rule, i.points, i.key, i.since, i.due) for i in incidents]


# ── period ─────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("month", "back", "previous"), [
    ("2026-01", 1, "2025-12"),  # across the year
    ("2026-03", 2, "2026-01"),
    ("2026-12", 12, "2025-12"),
    ("2026-10", 0, "2026-10"),
])
def test_previous_month_counts_back_across_years(month, back, previous):
    assert previous_month(month, back) == previous


def test_previous_month_defaults_to_one_back():
    assert previous_month("2026-10") == "2026-09"


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("2024年2月", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year, written the Chinese way
    (" 2026/12 ", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ("2026.1", dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
])
def test_parse_month_forms(text, first, last):
    assert parse_month(text) == (first, last)


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "2026-00", "26-10", "2026-10-01", "", "x2026-10"])
def test_parse_month_refuses_with_the_value_in_the_message(text):
    with pytest.raises(UserError) as err:
        parse_month(text)
    assert err.value.key == "penalties.bad_month" and f"“{text}”" in str(err.value)


def test_month_label_pads_the_month():
    assert month_label(dt.date(2026, 3, 1)) == "2026-03" and month_label(dt.date(987, 11, 1)) == "0987-11"


def test_at_and_end_of():
    assert at(dt.date(2026, 10, 9), "09:05") == dt.datetime(2026, 10, 9, 9, 5)
    assert end_of(dt.date(2026, 10, 9)) == dt.datetime(2026, 10, 9, 23, 59, 59, 999999)


def test_weekly_due_in_a_week_without_a_working_day_is_none():
    assert weekly_due(CAL, dt.date(2026, 2, 16)) is None  # Spring Festival
    assert weekly_due(CAL, dt.date(2026, 2, 9)) == dt.date(2026, 2, 14)  # the make-up Saturday before it


def test_weekly_due_on_a_monday_and_never_before_the_week():
    """A week whose only working day is its Monday is due that Monday; a week with none is due on no day,
    even when the Sunday before it is a make-up working day."""
    monday = dt.date(2026, 10, 19)
    cal = WorkCalendar(extra_holidays=frozenset(monday + dt.timedelta(days=d) for d in range(1, 5)))
    assert weekly_due(cal, monday) == monday
    assert weekly_due(WorkCalendar(extra_workdays=frozenset({dt.date(2026, 2, 15)})), dt.date(2026, 2, 16)) is None


def test_first_week_of_one_working_day():
    assert first_week_deadline(CAL, dt.date(2026, 10, 1), 1) == dt.date(2026, 10, 8)
    assert first_week_deadline(CAL, dt.date(2026, 10, 1), 3) == dt.date(2026, 10, 10)  # 8, 9, the make-up 10th


# ── rulebook ───────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("text", "code"), [
    ("m-pen-ship", "M-PEN-SHIP"), ("  ship ", "M-PEN-SHIP"), ("未及时发货", "M-PEN-SHIP"),  # code, bare code, alias
    ("订单完成后一个工作日内未发货", "M-PEN-SHIP"),  # the zh text itself
    ("", None), (None, None), ("M-PEN-NOPE", None), ("未回", None),
])
def test_rulebook_find(text, code):
    found = RULES.find(text)
    assert (found.code if found else None) == code


def test_rule_ranges_and_their_text():
    slack = RULES["M-PEN-SLACK"]
    assert slack.range_for(None) == (Decimal(1), Decimal(3)) and slack.range_for("在线编辑") == (Decimal(2), Decimal(4))
    assert slack.range_text() == "1–3" and RULES["M-PEN-MSG"].range_text() == "1.5" and RULES["M-PEN-LEAK"].range_text() == "10"
    assert RULES["M-PEN-SHIP"].description == "订单完成后一个工作日内未发货"
    set_lang("en")
    assert RULES["M-PEN-SHIP"].description == RULES["M-PEN-SHIP"].en != RULES["M-PEN-SHIP"].zh


def rulebook(tmp_path, text: str):
    (tmp_path / "扣分规则.toml").write_text(text, encoding="utf-8")
    return load_rulebook(tmp_path)


def test_a_shops_rule_with_every_option(tmp_path):
    rule = rulebook(tmp_path, """
[[rule]]
code = "m-pen-x"
clause = "001 二.3"
zh = "某规则"
en = "Some rule"
roles = ["客服", "文案"]
points = [1.5, 2.5]
text_points = 4
supervisor_points = 0.5
escalate_from = 2
escalate_factor = 1.5
every_agent_on_duty = true
role_points = { "文案" = 3 }
aliases = ["别名", 7]
""")["M-PEN-X"]
    assert (rule.code, rule.clause, rule.zh, rule.en, rule.roles) == ("M-PEN-X", "001 二.3", "某规则", "Some rule", ("客服", "文案"))
    assert (rule.low, rule.high, rule.text_points, rule.supervisor_points) == (Decimal("1.5"), Decimal("2.5"), Decimal(4), Decimal("0.5"))
    assert (rule.escalate_from, rule.escalate_factor, rule.every_agent_on_duty) == (2, Decimal("1.5"), True)
    assert rule.role_points == {"文案": (Decimal(3), Decimal(3))} and rule.aliases == ("别名", "7")
    assert rule.range_text("文案") == "3" and rule.range_text() == "1.5–2.5"


def test_a_minimal_shop_rule_gets_the_defaults(tmp_path):
    book = rulebook(tmp_path, '[[rule]]\ncode = "M-PEN-Y"\npoints = 2\n')
    rule = book["M-PEN-Y"]
    assert (rule.clause, rule.zh, rule.en, rule.roles, rule.low, rule.high) == ("", "M-PEN-Y", "M-PEN-Y", ("客服",), 2, 2)
    assert (rule.text_points, rule.supervisor_points, rule.escalate_from, rule.escalate_factor) == (None, None, None, Decimal(1))
    assert (rule.every_agent_on_duty, rule.role_points, rule.aliases) == (False, {}, ())
    assert list(book.rules) == ["M-PEN-Y"] and book.path == tmp_path / "扣分规则.toml"


def test_the_rulebook_named_in_settings_and_the_builtin_fallback(tmp_path):
    (tmp_path / "my.toml").write_text('[[rule]]\ncode = "M-PEN-Z"\npoints = 1\n', encoding="utf-8")
    assert list(load_rulebook(tmp_path, "my.toml").rules) == ["M-PEN-Z"]
    assert "M-PEN-SHIP" in load_rulebook(tmp_path).rules and "M-PEN-SHIP" in load_rulebook(None).rules


@pytest.mark.parametrize(("text", "detail"), [
    ('[[rule]]\ncode = "M-PEN-A"\npoints = 1\n[[rule]]\ncode = "m-pen-a"\npoints = 2\n', "M-PEN-A is listed twice"),
    ("x = 1\n", "no [[rule]] entries"),
    ("rule = []\n", "no [[rule]] entries"),
    ('rule = "M-PEN-A"\n', "no [[rule]] entries"),
    ('[[rule]]\ncode = "X-1"\npoints = 1\n', 'each [[rule]] needs code = "M-PEN-…" (found'),
    ('[[rule]]\npoints = 1\n', 'each [[rule]] needs code = "M-PEN-…" (found'),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = 1\nroles = ["客服", "厨师"]\n', "M-PEN-A: unknown role '厨师' (roles: "),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = "x"\n', "M-PEN-A: points must be a number or [min, max] ("),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = true\n', "M-PEN-A: points must be a number or [min, max] (not a number: True)"),
    ('[[rule]]\ncode = "M-PEN-A"\n', "M-PEN-A: points must be a number or [min, max] (not a number: None)"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = inf\n', "M-PEN-A: points must be a number or [min, max] (not a number: inf)"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = [1, nan]\n', "M-PEN-A: points must be a number or [min, max] (not a number: nan)"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = [1, 2, 3]\n', "(a range is [min, max])"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = [3, 2]\n', "(bad range [3, 2])"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = -1\n', "(bad range -1)"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = 1\ntext_points = "x"\n', "M-PEN-A: points must be"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = 1\nsupervisor_points = true\n', "M-PEN-A: points must be"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = 1\nescalate_factor = "x"\n', "M-PEN-A: points must be"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = 1\nrole_points = { "文案" = [2, 1] }\n', "(bad range [2, 1])"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = 1\nescalate_from = 0\n', "M-PEN-A: escalate_from must be a whole number ≥ 1"),
    ('[[rule]]\ncode = "M-PEN-A"\npoints = 1\nescalate_from = 1.5\n', "M-PEN-A: escalate_from must be a whole number ≥ 1"),
    ("[[rule\n", "Rulebook"),
])
def test_a_bad_rulebook_is_one_line_naming_the_problem(tmp_path, text, detail):
    set_lang("en")
    with pytest.raises(UserError) as err:
        rulebook(tmp_path, text)
    message = str(err.value)
    assert err.value.key == "penalties.rulebook_bad" and detail in message and "扣分规则.toml" in message
    assert "\n" not in message


def test_bad_rulebook_messages_in_full(tmp_path):
    from automation.config import ROLES

    set_lang("en")
    path = tmp_path / "扣分规则.toml"
    for text, detail in [("x = 1\n", "no [[rule]] entries"),
                         ('[[rule]]\ncode = "M-PEN-A"\npoints = 1\nroles = ["厨师"]\n',
                          f"M-PEN-A: unknown role '厨师' (roles: {', '.join(ROLES)})")]:
        with pytest.raises(UserError) as err:
            rulebook(tmp_path, text)
        assert str(err.value) == f"Rulebook {path} is invalid: {detail}. See docs/reports.md, or delete the file to use the built-in rules."
    with pytest.raises(UserError) as err:
        rulebook(tmp_path, "[[rule\n")
    assert "is invalid: " in str(err.value) and "(at line 1, column" in str(err.value)  # the TOML parser's own words
    path.write_bytes(b'[[rule]]\ncode = "M-PEN-A"\nzh = "\xff"\n')
    with pytest.raises(UserError) as err:
        load_rulebook(tmp_path)
    assert "can't decode byte 0xff" in str(err.value)


def test_zero_points_and_escalation_from_one_are_allowed(tmp_path):
    rule = rulebook(tmp_path, '[[rule]]\ncode = "M-PEN-A"\npoints = [0, 0]\nescalate_from = 1\n')["M-PEN-A"]
    assert (rule.low, rule.high, rule.escalate_from) == (0, 0, 1)


def test_points_keep_their_decimal_digits(tmp_path):
    rule = rulebook(tmp_path, '[[rule]]\ncode = "M-PEN-A"\npoints = 1.10\n')["M-PEN-A"]
    assert str(rule.low) == "1.1" and rule.range_text() == "1.1"


# ── [penalties] settings ───────────────────────────────────────────────────
def test_penalty_settings_read_every_key():
    config = ShopConfig(path=None, raw={"penalties": {
        "rulebook": "规则.toml", "repeat_count": 3, "fail_points": 6.5, "fail_months": 3, "monthend_workdays": 4,
        "daily_deadline": "9:5", "message_deadline": "11:30", "message_cutoff": "17:00",
        "agent_roles": ["客服", "文案"], "monthend_roles": ["负责人"]}})
    assert penalty_settings(config) == PenaltySettings("规则.toml", 3, Decimal("6.5"), 3, 4, "09:05", "11:30", "17:00",
                                                       ("客服", "文案"), ("负责人",))


def test_penalty_settings_defaults():
    assert penalty_settings(ShopConfig(path=None)) == PenaltySettings(
        "扣分规则.toml", 2, Decimal(6), 2, 5, "10:00", "12:00", "18:00", ("客服",), ("客服主管",))


@pytest.mark.parametrize(("raw", "detail"), [
    ({"deadline": "10:00"}, "[penalties]: unknown key 'deadline' (keys: rulebook, repeat_count, fail_points"),
    ({"daily_deadline": "24:00"}, "[penalties]: time '24:00' must be written HH:MM"),
    ({"message_deadline": "12:60"}, "time '12:60' must be written HH:MM"),
    ({"message_cutoff": "-1:00"}, "time '-1:00' must be written HH:MM"),
    ({"message_cutoff": "1800"}, "[penalties]: "),
    ({"repeat_count": "two"}, "[penalties]: "),
    ({"fail_points": "lots"}, "[penalties]: "),
    ({"agent_roles": 3}, "[penalties]: "),
])
def test_bad_penalty_settings_are_one_line(raw, detail):
    with pytest.raises(UserError) as err:
        penalty_settings(ShopConfig(path=None, raw={"penalties": raw}))
    assert err.value.key == "err.config" and detail in str(err.value)


@pytest.mark.parametrize(("value", "shown"), [("0:00", "00:00"), ("23:59", "23:59"), ("7:30", "07:30")])
def test_times_at_the_edges_of_the_day(value, shown):
    assert penalty_settings(ShopConfig(path=None, raw={"penalties": {"daily_deadline": value}})).daily_deadline == shown


# ── M-PEN-SHIP ─────────────────────────────────────────────────────────────
WAITING, DONE, CLOSED = "买家已付款，等待卖家发货", "交易成功", "交易关闭"


def order(order_id, status, paid, shipped=None, agent="陈静", flag=None, remark=None):
    return [order_id, status, 100, T(paid) if paid else None, T(shipped) if shipped else None, "裙", 1, flag, remark, agent]


@pytest.mark.parametrize(("row", "expected"), [
    (order("A1", DONE, "2026-10-14 10:00", "2026-10-15 23:59"), []),  # by the end of the next working day
    (order("A2", DONE, "2026-10-14 10:00", "2026-10-16 00:00"),
     [(T("2026-10-15"), "陈静", "M-PEN-SHIP", Decimal(3), "A2", T("2026-10-14"), T("2026-10-16"))]),
    (order("A3", WAITING, "2026-10-14 10:00"),  # never shipped: open until the data's end
     [(T("2026-10-15"), "陈静", "M-PEN-SHIP", Decimal(3), "A3", T("2026-10-14"), T("2026-11-20"))]),
    (order("A4", None, "2026-10-14 10:00"),  # no status: not shipped either
     [(T("2026-10-15"), "陈静", "M-PEN-SHIP", Decimal(3), "A4", T("2026-10-14"), T("2026-11-20"))]),
    (order("A5", DONE, "2026-10-14 10:00"), []),  # shipped, no time recorded
    (order("A6", CLOSED, "2026-10-14 10:00", "2026-10-20 10:00"), []),
    (order("A7", DONE, None, "2026-10-20 10:00"), []),  # never paid
    (order("A8", DONE, "2026-09-29 10:00", "2026-10-09 10:00"), []),  # due 09-30: September's
    (order("A9", DONE, "2026-10-30 10:00", "2026-11-04 10:00"), []),  # due 11-02: November's
    (order("B1", DONE, "2026-09-30 10:00", "2026-10-09 10:00"),  # over National Day: due 10-08, in October
     [(T("2026-10-08"), "陈静", "M-PEN-SHIP", Decimal(3), "B1", T("2026-09-30"), T("2026-10-09"))]),
    (order(None, DONE, "2026-10-14 10:00", "2026-10-19 10:00"),
     [(T("2026-10-15"), "陈静", "M-PEN-SHIP", Decimal(3), "row 2", T("2026-10-14"), T("2026-10-19"))]),
])
def test_late_shipments(row, expected):
    assert got(detect.detect_ship(ctx(), table("订单", row))) == expected


@pytest.mark.parametrize(("as_of", "late"), [(dt.datetime(2026, 10, 15, 23, 59, 59, 999999), False),
                                              (dt.datetime(2026, 10, 16, 0, 0), True)])
def test_an_unshipped_order_counts_once_its_deadline_has_passed(as_of, late):
    found = detect.detect_ship(ctx(as_of=as_of), table("订单", order("A1", WAITING, "2026-10-14 10:00")))
    assert len(found) == int(late)


def test_skipped_orders_first_do_not_stop_the_ship_check():
    rows = [order("C1", CLOSED, "2026-10-14 10:00"), order("C2", DONE, "2026-09-29 10:00", "2026-10-09 10:00"),
            order("C3", DONE, "2026-10-14 10:00", "2026-10-15 09:00"), order("C4", DONE, "2026-10-14 10:00"),
            order("C5", DONE, "2026-10-14 10:00", "2026-10-16 09:00")]
    assert [i.key for i in detect.detect_ship(ctx(), table("订单", *rows))] == ["C5"]


def test_shipped_at_the_last_moment_of_the_deadline_is_on_time():
    last = dt.datetime(2026, 10, 15, 23, 59, 59, 999999)
    row = ["A1", DONE, 100, T("2026-10-14 10:00"), last, "裙", 1, None, None, "陈静"]
    assert detect.detect_ship(ctx(), table("订单", row)) == []


def test_late_shipment_detail_and_evidence():
    orders = table("订单", order("A1", DONE, "2026-10-14 10:00", "2026-10-16 08:30"), order("A2", WAITING, "2026-10-14 10:00"))
    late, never = detect.detect_ship(ctx(), orders)
    assert late.evidence[0] == detect.Evidence("店铺表格.xlsx", "订单", 2, "订单 A1 付款 2026-10-14 10:00，应于 2026-10-15 前发货，实际 2026-10-16 08:30")
    assert never.evidence[0].detail == "订单 A2 付款 2026-10-14 10:00，应于 2026-10-15 前发货，实际 未发货"
    assert (late.source, never.evidence[0].row) == ("detected", 3)
    set_lang("en")
    late, never = detect.detect_ship(ctx(), orders)
    assert late.evidence[0].detail == "order A1 paid 2026-10-14 10:00, due by 2026-10-15, shipped 2026-10-16 08:30"
    assert never.evidence[0].detail == "order A2 paid 2026-10-14 10:00, due by 2026-10-15, shipped not yet"


def test_the_shipper_on_duty_carries_an_unattributed_late_order():
    """Due Thursday 10-15: the first shipper rests on Thursdays, so the second one carries it."""
    staff = STAFF + (Person("郑磊", "发货", rest_day="周四"), Person("孙强", "发货"), Person("周洁", "发货"))
    found = detect.detect_ship(ctx(staff=staff), table("订单", order("A1", DONE, "2026-10-14 10:00", "2026-10-19 10:00", agent=None)))
    assert [i.person for i in found] == ["孙强"]
    staff = STAFF + (Person("郑磊", "发货", rest_day=" 周五 "), Person("孙强", "发货"))
    found = detect.detect_ship(ctx(staff=staff), table("订单", order("A1", DONE, "2026-10-14 10:00", "2026-10-19 10:00", agent=None)))
    assert [i.person for i in found] == ["郑磊"]


def test_the_agent_named_in_a_red_remark_before_the_shipper():
    staff = STAFF + (Person("孙强", "发货"),)
    rows = [order("A1", DONE, "2026-10-14 10:00", "2026-10-19 10:00", agent=None, flag="红", remark="张伟：改地址"),
            order("A2", DONE, "2026-10-14 10:00", "2026-10-19 10:00", agent="张伟、陈静")]
    assert [i.person for i in detect.detect_ship(ctx(staff=staff), table("订单", *rows))] == ["张伟", "张伟"]


def test_a_late_promotion_order_goes_to_the_shipper_not_the_agents_sharing_it():
    """M-PEN-SHIP's points go to a named agent only; a promotion order is shared by the agents on duty
    for sales (M-FLAG-PROMO), but nobody named it, so the shipper on duty carries the late shipment."""
    from dataclasses import replace

    from automation.config import Promotion

    staff = STAFF + (Person("孙强", "发货", rest_day=""),)
    c = ctx(staff=staff)
    c = replace(c, config=replace(c.config, promotions=(Promotion("双11", T("2026-10-14 00:00"), T("2026-10-14 23:59")),)))
    found = detect.detect_ship(c, table("订单", order("A1", DONE, "2026-10-14 10:00", "2026-10-19 10:00", agent=None)))
    assert [i.person for i in found] == ["孙强"]


def test_nobody_on_duty_leaves_it_unattributed():
    staff = STAFF + (Person("郑磊", "发货", rest_day="周四"),)
    found = detect.detect_ship(ctx(staff=staff), table("订单", order("A1", DONE, "2026-10-14 10:00", "2026-10-19 10:00", agent=None)))
    assert [(i.person, i.points) for i in found] == [(None, Decimal(3))]


# ── M-PEN-DAILY ────────────────────────────────────────────────────────────
CHEN = (Person("陈静", "客服"),)


def service(*rows):
    return table("服务统计", *[[T(d), agent, enquiries, 1, T(registered) if registered else None]
                            for d, agent, enquiries, registered in rows])


def test_daily_data_on_time_late_and_missing():
    """Kept from 10-28 (Wed): 10-28 registered at exactly 10:00 of the next day is on time, 10-29's one
    minute late, 10-30 (Fri) has no row: due Monday 11-02 10:00."""
    found = detect.detect_daily(ctx(staff=CHEN), service(("2026-10-28", "陈静", 3, "2026-10-29 10:00"),
                                                          ("2026-10-29", "陈静", 3, "2026-10-30 10:01")))
    assert got(found) == [(T("2026-10-29"), "陈静", "M-PEN-DAILY", Decimal("1.5"), "daily:2026-10-29", None, T("2026-10-30")),
                          (T("2026-10-30"), "陈静", "M-PEN-DAILY", Decimal("1.5"), "daily:2026-10-30", None, T("2026-11-02"))]
    late, missing = found
    assert late.evidence[0] == detect.Evidence("店铺表格.xlsx", "服务统计", 3, "陈静 2026-10-29 的数据 2026-10-30 10:01 才登记（应于 2026-10-30 10:00 前）")
    assert missing.evidence[0] == detect.Evidence("店铺表格.xlsx", "服务统计", None, "陈静 2026-10-30 的咨询数据未登记（应于 2026-11-02 10:00 前）")


def test_daily_details_in_english():
    set_lang("en")
    late, missing = detect.detect_daily(ctx(staff=CHEN), service(("2026-10-29", "陈静", 3, "2026-10-30 10:01")))
    assert late.evidence[0].detail == "陈静: data for 2026-10-29 registered 2026-10-30 10:01 (due 2026-10-30 10:00)"
    assert missing.evidence[0].detail == "陈静: no enquiry data for 2026-10-30 (due 2026-11-02 10:00)"


@pytest.mark.parametrize(("as_of", "missing"), [(dt.datetime(2026, 11, 2, 10, 0), False), (dt.datetime(2026, 11, 2, 10, 1), True)])
def test_a_missing_day_counts_once_its_deadline_has_passed(as_of, missing):
    found = detect.detect_daily(ctx(staff=CHEN, as_of=as_of), service(("2026-10-29", "陈静", 3, "2026-10-30 09:00")))
    assert [i.day for i in found] == ([T("2026-10-30")] if missing else [])


def test_one_row_on_time_or_without_a_time_is_enough():
    rows = service(("2026-10-29", "陈静", 1, "2026-10-30 11:00"), ("2026-10-29", "陈静", 2, "2026-10-30 09:00"),
                   ("2026-10-30", "陈静", 1, "2026-11-03 11:00"), ("2026-10-30", "陈静", 2, None))
    assert detect.detect_daily(ctx(staff=CHEN), rows) == []


def test_daily_data_of_a_rest_day_is_not_owed():
    staff = (Person("陈静", "客服", rest_day="周五"),)
    assert detect.detect_daily(ctx(staff=staff), service(("2026-10-29", "陈静", 3, "2026-10-30 09:00"))) == []
    # no staff configured: the names the sheet uses, rest days from the 人员 sheet (ctx.rest_days)
    c = ctx(staff=())
    rows = service(("2026-10-29", " 张伟 ", 3, "2026-10-30 09:00"), ("2026-10-29", "陈静", 3, "2026-10-30 09:00"))
    assert [(i.person, i.day) for i in detect.detect_daily(c, rows)] == [("张伟", T("2026-10-30")), ("陈静", T("2026-10-30"))]
    from dataclasses import replace

    assert [i.person for i in detect.detect_daily(replace(c, rest_days={"张伟": "周五"}), rows)] == ["陈静"]


def test_rows_without_an_agent_or_a_date_do_not_count_as_kept():
    rows = table("服务统计", [T("2026-10-29"), None, 3, 1, T("2026-10-30 09:00")], [None, "陈静", 3, 1, T("2026-10-30 09:00")])
    assert detect.detect_daily(ctx(staff=CHEN), rows) == []


def messages(*rows, header=None):
    return table("留言记录", *[[T(r), "买家", agent, T(h) if h else None, note] for r, agent, h, note in rows], header=header)


def test_messages_per_day_by_the_day_they_count_to():
    log = messages(("2026-10-29 17:59", "陈静", None, None), ("2026-10-29 18:00", " 陈静 ", None, None),
                   ("2026-10-30 09:00", "陈静", None, None), ("2026-10-31 09:00", "陈静", None, None),
                   ("2026-10-30 09:00", "", None, None))
    assert dict(detect.messages_per_day(ctx(), log)) == {("陈静", T("2026-10-29")): 1, ("陈静", T("2026-10-30")): 2,
                                                         ("陈静", T("2026-11-02")): 1}
    assert dict(detect.messages_per_day(ctx(), None)) == {}


@pytest.mark.parametrize(("enquiries", "logged", "wrong"), [((3,), 4, True), ((2, 1), 3, False), ((2, 1), 4, True),
                                                             ((3,), 3, False), ((5,), 0, False), ((1, None), 4, False),
                                                             ((0,), 1, True)])  # none registered, one logged
def test_wrong_daily_data_against_the_message_log(enquiries, logged, wrong):
    rows = service(*[("2026-10-29", "陈静", n, "2026-10-30 09:00") for n in enquiries])
    found = detect._wrong_data(rows, "陈静", T("2026-10-29"), rows.records, logged, Decimal("1.5"))
    if not wrong:
        assert found is None
        return
    assert got([found]) == [(T("2026-10-29"), "陈静", "M-PEN-DAILY", Decimal("1.5"), "daily:2026-10-29", None, T("2026-10-29"))]
    total = sum(enquiries)
    assert found.evidence[0] == detect.Evidence("店铺表格.xlsx", "服务统计", 2, f"陈静 2026-10-29 登记咨询人数 {total}，少于留言记录中的 {logged} 条（错登）")
    set_lang("en")
    found = detect._wrong_data(rows, "陈静", T("2026-10-29"), rows.records, logged, Decimal("1.5"))
    assert found.evidence[0].detail == f"陈静: {total} enquiries registered for 2026-10-29, fewer than the {logged} messages in the log (wrong data)"


def test_wrong_daily_data_found_by_detect_daily():
    rows = service(("2026-10-29", "陈静", 1, "2026-10-30 09:00"), ("2026-10-30", "陈静", 0, "2026-11-02 09:00"))
    log = messages(("2026-10-29 10:00", "陈静", None, None), ("2026-10-29 11:00", "陈静", None, None))  # 10-30: none, 0 is right
    found = detect.detect_daily(ctx(staff=CHEN), rows, log)
    assert [(i.day, i.person, i.key, i.source) for i in found] == [(T("2026-10-29"), "陈静", "daily:2026-10-29", "detected")]
    assert found[0].evidence[0].detail.startswith("陈静 2026-10-29 登记咨询人数 1")


def test_a_rest_day_in_the_middle_of_the_kept_days():
    """Kept from Tuesday 10-27; 陈静 rests on Wednesdays: 10-28 is not owed, 10-29 and 10-30 are."""
    staff = (Person("陈静", "客服", rest_day="周三"),)
    found = detect.detect_daily(ctx(staff=staff), service(("2026-10-27", "陈静", 3, "2026-10-28 09:00")))
    assert [i.day for i in got(found) and found] == [T("2026-10-29"), T("2026-10-30")]


# ── M-PEN-MSG ──────────────────────────────────────────────────────────────
def test_message_deadline_default_cutoff_and_an_own_cutoff():
    assert detect.message_deadline(CAL, T("2026-10-14 18:00"), "12:00") == T("2026-10-15 12:00")
    assert detect.message_deadline(CAL, T("2026-10-14 17:59"), "12:00") == end_of(T("2026-10-14"))
    assert detect.message_day(CAL, T("2026-10-14 17:00"), "17:00") == T("2026-10-15")
    assert detect.message_day(CAL, T("2026-10-14 16:59"), "17:00") == T("2026-10-14")
    assert detect.message_deadline(CAL, T("2026-10-14 17:00"), "11:00", "17:00") == T("2026-10-15 11:00")


def test_message_problems():
    log = messages(("2026-10-14 10:00", "陈静", None, None),                     # never handled
                   ("2026-10-14 18:00", "陈静", "2026-10-15 12:00", "已回复"),   # at 12:00 of the next day: on time
                   ("2026-10-14 18:00", " ", "2026-10-15 12:30", ""),           # late and no note, nobody named
                   ("2026-09-30 17:00", "陈静", None, None),                     # September's
                   ("2026-10-31 09:00", "陈静", None, None))                     # a Saturday: counts to 11-02
    found = detect.detect_messages(ctx(), log)
    assert got(found) == [(T("2026-10-14"), "陈静", "M-PEN-MSG", Decimal("1.5"), "msg:2", None, T("2026-10-14")),
                          (T("2026-10-14"), None, "M-PEN-MSG", Decimal("1.5"), "msg:4", None, T("2026-10-15"))]
    assert found[0].evidence[0] == detect.Evidence("店铺表格.xlsx", "留言记录", 2, "留言 2026-10-14 10:00（算作 2026-10-14），应于 2026-10-14 23:59 前处理：未处理")
    assert found[1].evidence[0].detail == "留言 2026-10-14 18:00（算作 2026-10-15），应于 2026-10-15 12:00 前处理：2026-10-15 12:30 才处理，无处理批注"
    set_lang("en")
    found = detect.detect_messages(ctx(), log)
    assert found[0].evidence[0].detail == "message 2026-10-14 10:00 (counts to 2026-10-14), due 2026-10-14 23:59: not handled"
    assert found[1].evidence[0].detail == "message 2026-10-14 18:00 (counts to 2026-10-15), due 2026-10-15 12:00: handled 2026-10-15 12:30, no annotation"


def test_skipped_messages_first_and_the_shops_own_cutoff():
    log = table("留言记录", [None, "买家", "陈静", None, None], [T("2026-09-30 10:00"), "买家", "陈静", None, None],
                [T("2026-10-14 17:30"), "买家", "陈静", T("2026-10-15 11:00"), "已回复"],
                [T("2026-10-14 16:59"), "买家", "陈静", T("2026-10-15 09:00"), "已回复"])
    found = detect.detect_messages(ctx(settings=PenaltySettings(message_cutoff="17:00")), log)
    # after the shop's 17:00 cutoff: the next day's, due 12:00 (on time); before it: that day's, late the next morning
    assert [(i.key, i.due) for i in got(found) and found] == [("msg:5", T("2026-10-14"))]


def test_an_unhandled_message_before_its_deadline_and_a_log_without_notes():
    log = messages(("2026-10-14 10:00", "陈静", None, None))
    assert detect.detect_messages(ctx(as_of=end_of(T("2026-10-14"))), log) == []
    assert len(detect.detect_messages(ctx(as_of=T("2026-10-15 00:00")), log)) == 1
    bare = table("留言记录", [T("2026-10-14 10:00"), "买家", "陈静", T("2026-10-14 11:00")], header=["留言时间", "买家", "处理客服", "处理时间"])
    assert detect.detect_messages(ctx(), bare) == []  # the notes are not checked (M-PEN-MSG.note), not all missing
    assert detect.detect_messages(ctx(), table("留言记录", [None, "买家", "陈静", T("2026-10-14 11:00"), ""])) == []


# ── M-PEN-FOLLOW ───────────────────────────────────────────────────────────
def followups(*rows):
    return table("回访表", *[[T(e) if e else None, agent, "买家", T(due) if due else None, T(done) if done else None]
                          for e, agent, due, done in rows])


def test_follow_ups():
    found = detect.detect_followups(ctx(), followups(
        ("2026-10-14", "陈静", None, "2026-10-15"),          # the next working day: on time
        ("2026-10-14", "陈静", None, "2026-10-16"),          # a day late
        ("2026-10-14", " ", "2026-10-20", None),             # the sheet's own due date, never done
        ("2026-10-30", "陈静", None, None),                  # due 11-02: November's
        ("2026-09-30", "陈静", None, "2026-10-09"),          # due 10-08 (after the holiday): October's
        (None, "陈静", None, None)))
    assert got(found) == [(T("2026-10-15"), "陈静", "M-PEN-FOLLOW", Decimal("0.5"), "follow:3", T("2026-10-14"), T("2026-10-16")),
                          (T("2026-10-20"), None, "M-PEN-FOLLOW", Decimal("0.5"), "follow:4", T("2026-10-14"), T("2026-10-20")),
                          (T("2026-10-08"), "陈静", "M-PEN-FOLLOW", Decimal("0.5"), "follow:6", T("2026-09-30"), T("2026-10-09"))]
    assert found[0].evidence[0] == detect.Evidence("店铺表格.xlsx", "回访表", 3, "2026-10-14 的咨询应于 2026-10-15 回访，实际 2026-10-16")
    assert found[1].evidence[0].detail == "2026-10-14 的咨询应于 2026-10-20 回访，未回访"
    set_lang("en")
    found = detect.detect_followups(ctx(), followups(("2026-10-14", "陈静", None, "2026-10-16"), ("2026-10-14", "陈静", None, None)))
    assert [i.evidence[0].detail for i in found] == ["enquiry of 2026-10-14 due for follow-up 2026-10-15, done 2026-10-16",
                                                     "enquiry of 2026-10-14 due for follow-up 2026-10-15, not done"]


def test_rows_skipped_first_do_not_stop_the_detectors():
    """A row each detector skips, then one it reports: the skip moves on to the next row."""
    assert [i.key for i in detect.detect_followups(ctx(), followups((None, "陈静", None, None), ("2026-10-14", "陈静", None, None)))] == ["follow:3"]
    found = detect.detect_bad_reviews(ctx(), reviews(("2026-10-14", "A1", "陈静", "差评", "慢", "否"), ("2026-10-14", "A2", "陈静", "差评", "", "是")))
    assert [(i.key, i.source) for i in got(found) and found] == [("A2", "detected")]
    rows = submissions(("月末统计", None, "李娜", "2026-10-02 10:00"), ("未发货清单", "2026-09", "李娜", "2026-10-02 10:00"))
    assert [i.evidence[0].detail for i in detect.detect_monthend(ctx(), rows)] == ["2026-09 的月末统计应于 2026-10-13 前完成：月末统计 未做"]


@pytest.mark.parametrize(("as_of", "missing"), [(end_of(T("2026-10-15")), False), (T("2026-10-16 00:00"), True)])
def test_a_follow_up_is_missing_only_after_its_day(as_of, missing):
    assert len(detect.detect_followups(ctx(as_of=as_of), followups(("2026-10-14", "陈静", None, None)))) == int(missing)


# ── M-PEN-WEEKLY ───────────────────────────────────────────────────────────
@pytest.mark.parametrize(("period", "fallback", "monday"), [
    ("2026-W42", None, "2026-10-12"), ("2026w42", None, "2026-10-12"), ("2026 年 W 42", None, None),
    ("2026年W42", None, "2026-10-12"), ("2026/10/14", None, "2026-10-12"), ("2026年10月18日", None, "2026-10-12"),
    ("2026.10.5", None, "2026-10-05"), ("第42周", T("2026-10-16 15:00"), "2026-10-12"), ("第 42 周", T("2025-10-16"), "2025-10-13"),
    ("第41周", T("2026-10-16 15:00"), "2026-10-05"),  # the year of the sending day, the week as written
    ("第42周", None, None), ("2026-W60", T("2026-10-16"), None), ("2026-02-30", None, None),
    ("", T("2026-10-16 15:00"), "2026-10-12"), (None, T("2026-10-12"), "2026-10-12"), (None, None, None),
])
def test_the_week_a_summary_is_for(period, fallback, monday):
    found = detect.period_monday(period, fallback)
    assert found == (T(monday) if monday else None)


def submissions(*rows):
    return table("报表提交登记", *[[report, period, person, T(at_) if at_ else None] for report, period, person, at_ in rows])


def test_weekly_summaries():
    """Kept from week 42 (10-12): on time on Friday 10-16 23:00; week 43 sent Saturday (late); week 44 not
    sent (due Friday 10-30). A 月报 is not a weekly summary."""
    found = detect.detect_weekly(ctx(staff=CHEN), submissions(
        ("周报", "2026-W42", "陈静", "2026-10-16 23:00"), ("周报", "2026-W43", " 陈静 ", "2026-10-24 09:00"),
        ("月报", "2026-W44", "陈静", "2026-10-30 09:00")))
    assert got(found) == [(T("2026-10-23"), "陈静", "M-PEN-WEEKLY", Decimal("0.5"), "week:2026-10-19", None, T("2026-10-23")),
                          (T("2026-10-30"), "陈静", "M-PEN-WEEKLY", Decimal("0.5"), "week:2026-10-26", None, T("2026-10-30"))]
    assert found[0].evidence[0] == detect.Evidence("店铺表格.xlsx", "报表提交登记", 3, "陈静 第43周周报应于 2026-10-23 发出，实际 2026-10-24 09:00")
    assert found[1].evidence[0] == detect.Evidence("店铺表格.xlsx", "报表提交登记", None, "陈静 第44周周报应于 2026-10-30 发出，未发")
    set_lang("en")
    found = detect.detect_weekly(ctx(staff=CHEN), submissions(("周报", "2026-W43", "陈静", "2026-10-24 09:00")))
    assert [i.evidence[0].detail for i in found] == ["陈静: weekly summary for week 43 due 2026-10-23, sent 2026-10-24 09:00",
                                                     "陈静: weekly summary for week 44 due 2026-10-30, not sent"]


def test_weekly_summary_edges():
    # sent with no time: on time; the week of 09-28 is due 09-30 (September's); week 44 not yet due on 10-30 23:59
    c = ctx(staff=CHEN, as_of=end_of(T("2026-10-30")))
    rows = submissions(("周报", "2026-W40", "陈静", None), ("周报", "2026-W41", "陈静", "2026-10-10 10:00"),
                       ("周报", "2026-W42", "陈静", "2026-10-16 10:00"), ("周报", "2026-W43", "陈静", "2026-10-23 10:00"))
    assert detect.detect_weekly(c, rows) == []
    c = ctx(staff=CHEN, as_of=T("2026-10-31 00:00"))
    assert [i.key for i in detect.detect_weekly(c, rows)] == ["week:2026-10-26"]
    assert detect.detect_weekly(c, submissions(("周报", "2026-W43", None, "2026-10-23 10:00"))) == []  # nobody named: not kept


def test_weekly_summaries_of_two_agents():
    """陈静 and 张伟 keep the sheet from week 39 (September). Week 40 (09-28, due 09-30) is September's;
    week 42 is sent on Monday 10-19, so it is late for week 42 (its 所属期间), not on time for week 43;
    陈静 sends week 43 at the last moment of its Friday; 张伟 sends nothing after week 39."""
    staff = (Person("陈静", "客服"), Person("张伟", "客服"))
    rows = submissions(("月报", "2026-09", "陈静", "2026-10-09 10:00"), ("周报", "2026-W39", "陈静", "2026-09-25 10:00"),
                       ("周报", "2026-W39", "张伟", "2026-09-25 10:00"), ("周报", "2026-W41", "陈静", "2026-10-10 10:00"),
                       ("周报", "2026-W42", "陈静", "2026-10-19 09:00"), ("周报", "2026-W44", "陈静", "2026-10-30 10:00"))
    rows.records.append(type(rows.records[0])(8, {"report": "周报", "period": "2026-W43", "person": "陈静",
                                                  "submitted_at": end_of(T("2026-10-23"))}, {}))
    found = detect.detect_weekly(ctx(staff=staff), rows)
    assert sorted((i.person, i.key, i.evidence[0].row) for i in found) == [
        ("张伟", "week:2026-10-05", None), ("张伟", "week:2026-10-12", None), ("张伟", "week:2026-10-19", None),
        ("张伟", "week:2026-10-26", None), ("陈静", "week:2026-10-12", 6)]
    # no staff in shop.toml: the names the sheet uses, the same findings
    assert sorted((i.person, i.key) for i in detect.detect_weekly(ctx(staff=()), rows)) == sorted((i.person, i.key) for i in found)


def test_a_week_that_starts_on_the_months_last_day():
    """August 2026 ends on Monday 08-31; with 09-01..09-04 off, that Monday is its week's last working day."""
    cal = WorkCalendar(extra_holidays=frozenset(dt.date(2026, 9, d) for d in range(1, 5)))
    c = make_context("2026-08", cal, ShopConfig(path=None, staff=CHEN), RULES, PenaltySettings(), AS_OF)
    found = detect.detect_weekly(c, submissions(("周报", "2026-W35", "陈静", "2026-08-28 10:00")))
    assert [(i.day, i.key) for i in found] == [(T("2026-08-31"), "week:2026-08-31")]


def test_the_weekly_summary_of_a_week_starting_last_month():
    """October's first week starts Monday 09-28 and is due 09-30 (September's); the week of 10-05 is due on
    the make-up Saturday 10-10."""
    found = detect.detect_weekly(ctx(staff=CHEN), submissions(("周报", "2026-W40", "陈静", "2026-09-30 10:00")))
    assert [(i.day, i.key) for i in found][:2] == [(T("2026-10-10"), "week:2026-10-05"), (T("2026-10-16"), "week:2026-10-12")]


# ── M-PEN-MONTHEND ─────────────────────────────────────────────────────────
def test_month_end_statistics():
    """October's first 5 working days end 10-13. One report missing: dated the deadline, owed by the 客服主管."""
    found = detect.detect_monthend(ctx(), submissions(("月末统计", "2026-09", "李娜", "2026-10-13 18:00")))
    assert got(found) == [(T("2026-10-13"), "李娜", "M-PEN-MONTHEND", Decimal(3), "monthend:2026-09", T("2026-10-13"), T("2026-10-13"))]
    assert found[0].evidence[0] == detect.Evidence("店铺表格.xlsx", "报表提交登记", None, "2026-09 的月末统计应于 2026-10-13 前完成：未发货清单 未做")


def test_month_end_statistics_done_late_by_whoever_did_them():
    rows = submissions(("月末统计", "2026年9月", "陈静", "2026-10-15 09:00"), ("未发货清单", "2026/09", "张伟", "2026-10-14 09:00"),
                       ("未发货清单", "2026-08", "张伟", "2026-10-01 09:00"))
    found = detect.detect_monthend(ctx(), rows)
    assert got(found) == [(T("2026-10-15"), "陈静", "M-PEN-MONTHEND", Decimal(3), "monthend:2026-09", T("2026-10-13"), T("2026-10-15")),
                          (T("2026-10-15"), "张伟", "M-PEN-MONTHEND", Decimal(3), "monthend:2026-09", T("2026-10-13"), T("2026-10-15"))]
    assert found[0].evidence[0] == detect.Evidence("店铺表格.xlsx", "报表提交登记", 2,
                                                   "2026-09 的月末统计应于 2026-10-13 前完成：月末统计 2026-10-15 09:00 才完成，未发货清单 2026-10-14 09:00 才完成")
    set_lang("en")
    found = detect.detect_monthend(ctx(), submissions(("未发货清单", "2026-09", "张伟", "2026-10-14 09:00"),
                                                      ("周报", "2026-W40", "张伟", "2026-09-30 09:00")))
    assert found[0].evidence[0].detail == "month-end statistics for 2026-09 due 2026-10-13: 月末统计 missing, 未发货清单 2026-10-14 09:00 done late"


def test_month_end_statistics_at_the_last_moment_and_done_late_by_nobody_named():
    rows = submissions(("未发货清单", "2026-09", None, "2026-10-14 10:00"))
    rows.records.append(type(rows.records[0])(3, {"report": "月末统计", "period": "2026-09", "person": "李娜",
                                                  "submitted_at": end_of(T("2026-10-13"))}, {}))
    found = detect.detect_monthend(ctx(), rows)
    assert [(i.person, i.day) for i in found] == [("李娜", T("2026-10-14"))]  # the 客服主管 owes the late list
    assert found[0].evidence[0].detail == "2026-09 的月末统计应于 2026-10-13 前完成：未发货清单 2026-10-14 10:00 才完成"


def test_month_end_statistics_edges():
    on_time = submissions(("月末统计", "2026-09", "李娜", "2026-10-13 23:59"), ("未发货清单", "2026-09", "李娜", None))
    assert detect.detect_monthend(ctx(), on_time) == []
    one = submissions(("月末统计", "2026-09", "李娜", "2026-10-13 10:00"))
    assert detect.detect_monthend(ctx(as_of=end_of(T("2026-10-13"))), one) == []  # not due yet
    assert len(detect.detect_monthend(ctx(as_of=T("2026-10-14 00:00")), one)) == 1
    assert detect.detect_monthend(ctx(), submissions(("月末统计", "2026-09", "李娜", "2026-10-14 10:00"))) == []  # kept only since 10-14
    assert len(detect.detect_monthend(ctx(), submissions(("月末统计", "2026-09", "李娜", "2026-10-13 10:00")))) == 1  # kept on the deadline
    assert detect.detect_monthend(ctx(), submissions(("月末统计", "2026-09", "李娜", None))) == []  # no dates: not kept
    # nobody did it late and no 客服主管 in shop.toml: unattributed
    found = detect.detect_monthend(ctx(staff=CHEN), submissions(("月末统计", "2026-09", "李娜", "2026-10-02 10:00")))
    assert [(i.person, i.day) for i in found] == [(None, T("2026-10-13"))]
    # done late in November: dated the deadline (the month it is about)
    found = detect.detect_monthend(ctx(), submissions(("月末统计", "2026-09", "陈静", "2026-11-02 10:00"), ("未发货清单", "2026-09", "陈静", "2026-10-02 10:00")))
    assert [(i.person, i.day, i.due) for i in found] == [("陈静", T("2026-10-13"), T("2026-11-02"))]


# ── M-PEN-BADREV ───────────────────────────────────────────────────────────
def reviews(*rows):
    return table("评价登记", *[[T(d) if d else None, order_id, agent, rating, text, about] for d, order_id, agent, rating, text, about in rows])


def test_bad_reviews():
    found = detect.detect_bad_reviews(ctx(), reviews(
        ("2026-10-14", "A1", "陈静", "差评", "态度差", "是"),   # with text: 5
        ("2026-10-15", None, " ", "差评", "  ", "是"),          # no text: 3, nobody named, keyed by row
        ("2026-10-15", "A3", "陈静", "差评", "慢", "否"),       # not about service
        ("2026-10-15", "A4", "陈静", "中评", "一般", "是"),
        ("2026-09-30", "A5", "陈静", "差评", "差", "是"),
        (None, "A6", "陈静", "差评", "差", "是")))
    assert got(found) == [(T("2026-10-14"), "陈静", "M-PEN-BADREV", Decimal(5), "A1", None, T("2026-10-14")),
                          (T("2026-10-15"), None, "M-PEN-BADREV", Decimal(3), "review:3", None, T("2026-10-15"))]
    assert found[0].evidence[0] == detect.Evidence("店铺表格.xlsx", "评价登记", 2, "差评（针对服务）订单 A1，有文字评价")
    assert found[1].evidence[0].detail == "差评（针对服务）订单 —，无文字"
    set_lang("en")
    found = detect.detect_bad_reviews(ctx(), reviews(("2026-10-14", "A1", "陈静", "差评", "态度差", "是"), ("2026-10-15", None, "陈静", "差评", None, "是")))
    assert [i.evidence[0].detail for i in found] == ["bad review about service, order A1, with text", "bad review about service, order —, no text"]


def test_a_bad_review_with_text_and_no_text_points_in_the_rulebook():
    from dataclasses import replace

    rules = replace(RULES, rules={**RULES.rules, "M-PEN-BADREV": replace(RULES["M-PEN-BADREV"], text_points=None)})
    found = detect.detect_bad_reviews(ctx(rules=rules), reviews(("2026-10-14", "A1", "陈静", "差评", "态度差", "是")))
    assert [i.points for i in found] == [Decimal(3)]


# ── detect_all: what was not checked ───────────────────────────────────────
def test_detect_all_lists_what_it_could_not_check():
    from automation.penalties.detect import detect_all

    log = table("留言记录", [T("2026-10-14 10:00"), "买家", "陈静", None], header=["留言时间", "买家", "处理客服", "处理时间"])
    out = detect_all(ctx(), {"messages": log})
    codes = [n.code for n in out.not_checked]
    # no orders/service/followups/submissions/reviews sheet: each rule once, its parts not listed again
    assert codes == ["M-PEN-SHIP", "M-PEN-DAILY", "M-PEN-MSG.note", "M-PEN-FOLLOW", "M-PEN-WEEKLY", "M-PEN-MONTHEND", "M-PEN-BADREV"]
    assert {n.reason for n in out.not_checked if n.code != "M-PEN-MSG.note"} == {"no_sheet"}
    assert [(i.rule, i.key) for i in out.incidents] == [("M-PEN-MSG", "msg:2")]


def test_detect_all_skips_a_rule_the_shop_removed_and_reads_rest_days_from_the_staff_sheet():
    from dataclasses import replace

    from automation.penalties.detect import detect_all

    rules = replace(RULES, rules={c: r for c, r in RULES.rules.items() if c != "M-PEN-MSG"})
    staff = table("人员", ["陈静", "客服", "白班", "周五"], header=["姓名", "岗位", "班次", "休息日"])
    rows = service(("2026-10-29", "陈静", 3, "2026-10-30 09:00"))
    log = messages(("2026-10-14 10:00", "陈静", None, None))
    out = detect_all(ctx(staff=(Person("陈静", "客服"),), rules=rules), {"service": rows, "messages": log, "staff": staff})
    assert [i.rule for i in out.incidents] == []  # Friday 10-30 is her rest day; M-PEN-MSG is not in the rulebook
    assert "M-PEN-MSG" not in [n.code for n in out.not_checked] and "M-PEN-MSG.note" not in [n.code for n in out.not_checked]
    out = detect_all(ctx(staff=(Person("陈静", "客服"),)), {"service": rows, "messages": log})
    assert [(i.rule, i.day) for i in out.incidents] == [("M-PEN-DAILY", T("2026-10-30")), ("M-PEN-MSG", T("2026-10-14"))]


def test_a_sheet_with_nothing_dated_in_the_month_is_not_a_clean_month():
    """Messages kept only in September: October's M-PEN-MSG is 'no entries in the month', not clean; a
    September evening message that counts to October and is late is found, so then M-PEN-MSG is not listed."""
    from automation.penalties.detect import detect_all

    quiet = messages(("2026-09-29 10:00", "陈静", "2026-09-29 11:00", "已回复"))
    out = detect_all(ctx(), {"messages": quiet})
    assert [(n.code, n.reason) for n in out.not_checked if n.reason == "no_rows"] == [("M-PEN-MSG", "no_rows")]
    late = messages(("2026-09-30 20:00", "陈静", None, None))  # never handled: nothing of it is dated in October
    out = detect_all(ctx(), {"messages": late})
    assert [i.key for i in out.incidents] == ["msg:2"] and [n.code for n in out.not_checked if n.reason == "no_rows"] == []


def test_rest_days_of_the_staff_sheet():
    staff = table("人员", [" 陈静 ", "客服", "白班", "周五"], ["张伟", "客服", "白班", None], [None, "客服", "白班", "周一"],
                  header=["姓名", "岗位", "班次", "休息日"])
    assert detect.sheet_rest_days(staff) == {"陈静": "周五"}
    assert detect.sheet_rest_days(None) == {}


def test_context_month_and_points():
    c = ctx("2026-02", as_of=None)
    assert (c.first, c.last) == (T("2026-02-01"), T("2026-02-28"))
    assert c.in_month(T("2026-02-01")) and c.in_month(T("2026-02-28")) and not c.in_month(T("2026-03-01"))
    assert not c.in_month(T("2026-01-31")) and not c.in_month(None)
    assert c.points("M-PEN-MSG") == Decimal("1.5") and c.points("M-PEN-BADREV") == Decimal(3)
    assert abs(c.as_of - dt.datetime.now()) < dt.timedelta(minutes=5)


# ── ledger: recorded entries, merging, escalation, linked points ───────────
from automation.penalties import ledger  # noqa: E402
from automation.penalties.model import Evidence, Incident  # noqa: E402

CONFIG = ShopConfig(path=None, staff=STAFF)


def incidents_sheet(*rows):
    return table("扣分登记", *[[T(d) if isinstance(d, str) else d, person, rule, points, note, by] for d, person, rule, points, note, by in rows])


def test_recorded_entries_of_the_month():
    sheet = incidents_sheet(("2026-10-14", "陈静", "msg", None, "留言未回", "李娜"),      # the rule's points
                            (dt.datetime(2026, 10, 15, 9), " 张伟 ", "M-PEN-BADREV", 4, "", None),  # in range 3–5
                            ("2026-09-30", "陈静", "M-PEN-MSG", 1.5, "", None),           # September
                            (None, "陈静", "M-PEN-MSG", 1.5, "", None),
                            ("2026-10-31", "陈静", "M-PEN-MSG", 1.5, "", None),
                            ("2026-11-01", "陈静", "M-PEN-MSG", 1.5, "", None))
    found, findings = ledger.recorded_incidents(sheet, RULES, CONFIG, T("2026-10-01"), T("2026-10-31"))
    assert findings == []
    assert [(i.day, i.person, i.rule, i.points, i.source, i.note, i.recorded_by) for i in found] == [
        (T("2026-10-14"), "陈静", "M-PEN-MSG", Decimal("1.5"), "recorded", "留言未回", "李娜"),
        (T("2026-10-15"), "张伟", "M-PEN-BADREV", Decimal(4), "recorded", "", None),
        (T("2026-10-31"), "陈静", "M-PEN-MSG", Decimal("1.5"), "recorded", "", None)]
    assert found[0].evidence == (Evidence("店铺表格.xlsx", "扣分登记", 2, "留言未回"),)
    assert found[1].evidence == (Evidence("店铺表格.xlsx", "扣分登记", 3, ""),) and found[1].note == ""


def test_recorded_entries_on_the_first_and_last_day_and_without_a_name():
    sheet = incidents_sheet(("2026-10-01", "陈静", "M-PEN-MSG", None, "", None), ("2026-10-31", "陈静", "M-PEN-MSG", None, "", None),
                            ("2026-10-14", None, "M-PEN-MSG", None, "", None))  # nobody named, not an every-agent rule
    found, findings = ledger.recorded_incidents(sheet, RULES, CONFIG, T("2026-10-01"), T("2026-10-31"))
    # a row that names nobody is not counted to a blank person: it is a finding to fix
    assert [(i.day, i.person) for i in found] == [(T("2026-10-01"), "陈静"), (T("2026-10-31"), "陈静")]
    assert [(f.message, f.evidence.row) for f in findings] == [
        ("M-PEN-MSG 这一行没有填写人员（未计分）。请填写被扣分人的姓名，或“全体客服”。", 4)]


def test_a_row_without_a_name_is_not_counted_in_english_too():
    set_lang("en")  # conftest resets the language after each test
    found, findings = ledger.recorded_incidents(incidents_sheet(("2026-10-14", "  ", "M-PEN-MSG", None, "", None),
                                                                ("2026-10-15", "陈静", "M-PEN-MSG", None, "", None)),
                                                RULES, ShopConfig(path=None), T("2026-10-01"), T("2026-10-31"))
    assert [i.person for i in found] == ["陈静"]  # the rows after a nameless one still count
    assert [f.message for f in findings] == ["M-PEN-MSG: this row names nobody (not counted). Enter the person's name, or 全体客服 (all agents)."]


@pytest.mark.parametrize(("person", "rule", "points", "used", "messages"), [
    ("陈静", "M-PEN-BADREV", 6, Decimal(5), ["陈静 的 M-PEN-BADREV 扣 6 分，超出规则范围 3–5（按 5 分计）。请更正扣分。"]),
    ("陈静", "M-PEN-BADREV", 2, Decimal(3), ["陈静 的 M-PEN-BADREV 扣 2 分，超出规则范围 3–5（按 3 分计）。请更正扣分。"]),
    ("陈静", "M-PEN-BADREV", 5, Decimal(5), []),
    ("陈静", "M-PEN-BADREV", 3, Decimal(3), []),
    ("王芳", "M-PEN-MSG", None, Decimal("1.5"), ["M-PEN-MSG 适用于 客服，而 王芳 的岗位是 负责人（仍计分）。请核对规则代码。"]),
    ("李娜", "M-PEN-MONTHEND", None, Decimal(3), []),
    ("王芳", "M-PEN-MONTHEND", None, Decimal(3), ["M-PEN-MONTHEND 适用于 客服、客服主管，而 王芳 的岗位是 负责人（仍计分）。请核对规则代码。"]),
    ("赵六", "M-PEN-MSG", None, Decimal("1.5"), ["“赵六”不在 shop.toml 的人员名单中（仍计分）。请核对姓名写法。"]),
    ("陈静", "M-PEN-XYZ", 1, None, ["规则代码“M-PEN-XYZ”不在扣分规则中（未计分）。请改为规则表中的代码，如 M-PEN-SHIP。"]),
])
def test_recorded_entries_that_need_fixing(person, rule, points, used, messages):
    found, findings = ledger.recorded_incidents(incidents_sheet(("2026-10-14", person, rule, points, "x", None)),
                                                RULES, CONFIG, T("2026-10-01"), T("2026-10-31"))
    assert [i.points for i in found] == ([used] if used is not None else [])
    assert [f.message for f in findings] == messages
    assert all(f.evidence == Evidence("店铺表格.xlsx", "扣分登记", 2, "x") for f in findings)


def test_slack_points_by_role():
    config = ShopConfig(path=None, staff=(Person("刘洋", "在线编辑"),))
    found, findings = ledger.recorded_incidents(incidents_sheet(("2026-10-14", "刘洋", "M-PEN-SLACK", 1, "", None)),
                                                RULES, config, T("2026-10-01"), T("2026-10-31"))
    assert [i.points for i in found] == [Decimal(2)]  # 在线编辑: 2–4
    assert [f.message for f in findings] == ["刘洋 的 M-PEN-SLACK 扣 1 分，超出规则范围 2–4（按 2 分计）。请更正扣分。"]


def test_without_a_staff_list_no_name_is_unknown():
    found, findings = ledger.recorded_incidents(incidents_sheet(("2026-10-14", "赵六", "M-PEN-MSG", None, "", None)),
                                                RULES, ShopConfig(path=None), T("2026-10-01"), T("2026-10-31"))
    assert findings == [] and [i.person for i in found] == ["赵六"]


def test_everyone_means_every_agent_on_duty_once():
    """全体客服 on Friday 10-16 (张伟 rests on Fridays): 陈静 only, and she is listed by name already."""
    staff = (Person("陈静", "客服"), Person("张伟", "客服", rest_day="周五"), Person("孙强", "客服"), Person("李娜", "客服主管"))
    sheet = incidents_sheet(("2026-10-16", "全体客服", "M-PEN-LUNCH", None, "", None),
                            ("2026-10-16", "陈静", "M-PEN-LUNCH", None, "", None),
                            ("2026-10-16", "ALL", "M-PEN-MSG", None, "", None),
                            ("2026-10-15", None, "M-PEN-LUNCH", None, "", None))  # M-PEN-LUNCH counts every agent on duty
    found, findings = ledger.recorded_incidents(sheet, RULES, ShopConfig(path=None, staff=staff), T("2026-10-01"), T("2026-10-31"))
    assert sorted((i.day, i.person, i.rule) for i in found) == [
        (T("2026-10-15"), "孙强", "M-PEN-LUNCH"), (T("2026-10-15"), "张伟", "M-PEN-LUNCH"), (T("2026-10-15"), "陈静", "M-PEN-LUNCH"),
        (T("2026-10-16"), "孙强", "M-PEN-LUNCH"), (T("2026-10-16"), "孙强", "M-PEN-MSG"),
        (T("2026-10-16"), "陈静", "M-PEN-LUNCH"), (T("2026-10-16"), "陈静", "M-PEN-MSG")]
    assert findings == []


def test_everyone_twice_on_one_day_counts_each_agent_once():
    staff = (Person("陈静", "客服"), Person("孙强", "客服"))
    sheet = incidents_sheet(("2026-10-16", "全体客服", "M-PEN-LUNCH", None, "上午", None), ("2026-10-16", "所有客服", "M-PEN-LUNCH", None, "下午", None))
    found, _ = ledger.recorded_incidents(sheet, RULES, ShopConfig(path=None, staff=staff), T("2026-10-01"), T("2026-10-31"))
    assert sorted(i.person for i in found) == ["孙强", "陈静"]


def _inc(day, person, rule, points, source="detected", key=None, since=None, due=None, note="", row=2, share=Decimal(1)):
    return Incident(T(day), person, rule, Decimal(points), source, (Evidence("f.xlsx", "s", row, "d"),), key=key,
                    since=T(since) if since else None, due=T(due) if due else None, note=note, share=share)


def test_merge_by_key_or_window_each_recorded_entry_once():
    detected = [_inc("2026-10-15", "陈静", "M-PEN-SHIP", 3, key="A1", since="2026-10-14", due="2026-10-17"),
                _inc("2026-10-20", "陈静", "M-PEN-SHIP", 3, key="A2", since="2026-10-19", due="2026-10-21")]
    recorded = [_inc("2026-10-25", "陈静", "M-PEN-SHIP", 4, "recorded", note="订单A2晚发", row=7),       # by key, outside the window
                _inc("2026-10-17", "陈静", "M-PEN-SHIP", 3, "recorded", note="晚发", row=8).but(recorded_by="李娜"),  # by window (its last day)
                _inc("2026-10-16", "陈静", "M-PEN-SHIP", 3, "recorded", note="又晚发", row=9),          # a second one: on its own
                _inc("2026-10-15", "张伟", "M-PEN-SHIP", 3, "recorded", row=10)]                      # another person
    out = ledger.merge(recorded, detected)
    assert [(i.day, i.person, i.points, i.source, i.note, [e.row for e in i.evidence]) for i in out] == [
        (T("2026-10-15"), "张伟", Decimal(3), "recorded", "", [10]),
        (T("2026-10-15"), "陈静", Decimal(3), "both", "晚发", [2, 8]),
        (T("2026-10-16"), "陈静", Decimal(3), "recorded", "又晚发", [9]),
        (T("2026-10-20"), "陈静", Decimal(4), "both", "订单A2晚发", [2, 7])]  # the lead's own points count
    assert [i.recorded_by for i in out] == [None, "李娜", None, None]


@pytest.mark.parametrize(("recorded_day", "merged"), [("2026-10-13", False), ("2026-10-14", True), ("2026-10-17", True),
                                                      ("2026-10-18", False)])
def test_merge_window_from_since_to_due(recorded_day, merged):
    detected = [_inc("2026-10-15", "陈静", "M-PEN-SHIP", 3, key="A1", since="2026-10-14", due="2026-10-17")]
    out = ledger.merge([_inc(recorded_day, "陈静", "M-PEN-SHIP", 3, "recorded", row=7)], detected)
    assert len(out) == (1 if merged else 2)


def test_merge_window_defaults_to_the_day():
    detected = [_inc("2026-10-15", "陈静", "M-PEN-MSG", 1.5, key="msg:2")]
    assert len(ledger.merge([_inc("2026-10-15", "陈静", "M-PEN-MSG", 1.5, "recorded")], detected)) == 1
    assert len(ledger.merge([_inc("2026-10-16", "陈静", "M-PEN-MSG", 1.5, "recorded")], detected)) == 2
    assert len(ledger.merge([_inc("2026-10-14", "陈静", "M-PEN-MSG", 1.5, "recorded")], detected)) == 2
    # a due date before the day (a shipment registered early) still covers the day itself
    detected = [_inc("2026-10-15", "陈静", "M-PEN-SHIP", 3, since="2026-10-14", due="2026-10-14")]
    assert len(ledger.merge([_inc("2026-10-15", "陈静", "M-PEN-SHIP", 3, "recorded")], detected)) == 1


def test_a_shared_incident_keeps_its_share_of_the_points():
    detected = [_inc("2026-10-15", "陈静", "M-PEN-SHIP", "1.5", share=Decimal("0.5"))]
    out = ledger.merge([_inc("2026-10-15", "陈静", "M-PEN-SHIP", 3, "recorded")], detected)
    assert [(i.points, i.source) for i in out] == [(Decimal("1.5"), "both")]


def test_merge_order_by_day_person_rule_sheet_row():
    out = ledger.merge([_inc("2026-10-15", "陈静", "M-PEN-MSG", 1, "recorded", row=9),
                        _inc("2026-10-15", "陈静", "M-PEN-MSG", 1, "recorded", row=3),
                        _inc("2026-10-15", None, "M-PEN-MSG", 1, "recorded", row=5),
                        _inc("2026-10-15", "陈静", "M-PEN-DAILY", 1, "recorded", row=8),
                        _inc("2026-10-14", "张伟", "M-PEN-MSG", 1, "recorded", row=1)], [])
    assert [(i.person, i.rule, i.evidence[0].row) for i in out] == [
        ("张伟", "M-PEN-MSG", 1), (None, "M-PEN-MSG", 5), ("陈静", "M-PEN-DAILY", 8), ("陈静", "M-PEN-MSG", 3), ("陈静", "M-PEN-MSG", 9)]


def test_merge_order_without_evidence_unattributed_first_then_sheet_then_row():
    def ev(sheet, row):
        return (Evidence("f.xlsx", sheet, row, "d"),)

    same = ("2026-10-15", "Amy", "M-PEN-MSG", 1, "recorded")
    out = ledger.merge([_inc(*same).but(evidence=ev("留言记录", 2)), _inc(*same).but(evidence=ev("服务统计", 9)),
                        _inc(*same).but(evidence=ev("Sheet1", 1)), _inc(*same).but(evidence=ev("Sheet1", None)),
                        _inc(*same).but(evidence=()), _inc("2026-10-15", None, "M-PEN-MSG", 1, "recorded")], [])
    assert [(i.person, [(e.sheet, e.row) for e in i.evidence]) for i in out] == [
        (None, [("s", 2)]), ("Amy", []), ("Amy", [("Sheet1", None)]), ("Amy", [("Sheet1", 1)]),
        ("Amy", [("服务统计", 9)]), ("Amy", [("留言记录", 2)])]


def test_follow_up_misses_double_from_the_third_per_person():
    found = [_inc(f"2026-10-{d}", "陈静", "M-PEN-FOLLOW", "0.5", row=d) for d in (12, 13, 14, 15)] + \
            [_inc("2026-10-16", "张伟", "M-PEN-FOLLOW", "0.5"), _inc("2026-10-17", None, "M-PEN-FOLLOW", "0.5"),
             _inc("2026-10-18", None, "M-PEN-FOLLOW", "0.5"), _inc("2026-10-19", None, "M-PEN-FOLLOW", "0.5")]
    scored, findings = ledger.score(found, RULES, CONFIG)
    assert [(i.person, i.points, i.escalated) for i in scored] == [
        ("陈静", Decimal("0.5"), False), ("陈静", Decimal("0.5"), False), ("陈静", Decimal("1.0"), True), ("陈静", Decimal("1.0"), True),
        ("张伟", Decimal("0.5"), False), (None, Decimal("0.5"), False), (None, Decimal("0.5"), False), (None, Decimal("0.5"), False)]
    assert findings == []


def test_escalation_from_the_first_occurrence(tmp_path):
    book = rulebook(tmp_path, '[[rule]]\ncode = "M-PEN-A"\npoints = 1\nescalate_from = 1\nescalate_factor = 3\n')
    scored, _ = ledger.score([_inc("2026-10-12", "陈静", "M-PEN-A", 1)], book, CONFIG)
    assert [(i.points, i.escalated) for i in scored] == [(Decimal(3), True)]


@pytest.mark.parametrize(("person", "supervisor"), [("陈静", "李娜"), ("李娜", "王芳"), ("王芳", None), ("赵六", "李娜")])
def test_supervisor_of(person, supervisor):
    assert ledger.supervisor_of(CONFIG, person) == supervisor


def test_an_agent_without_a_supervisor_falls_back_to_another_service_supervisor():
    config = ShopConfig(path=None, staff=(Person("陈静", "客服"), Person("李娜", "客服主管"), Person("周洁", "客服主管")))
    assert ledger.supervisor_of(config, "陈静") == "李娜"
    assert ledger.supervisor_of(config, "李娜") is None  # not an agent
    assert ledger.supervisor_of(ShopConfig(path=None, staff=(Person("陈静", "客服"),)), "陈静") is None


def test_linked_points_for_the_supervisor():
    """M-PEN-AWAY: 1 for the agent, 2 linked to the supervisor. The supervisor's own recorded entry for the
    same rule and day is one of those linked incidents (the first agent's in report order), not a third."""
    found = [_inc("2026-10-14", "陈静", "M-PEN-AWAY", 1, "recorded", row=2),
             _inc("2026-10-14", "张伟", "M-PEN-AWAY", 1, "recorded", row=3),
             _inc("2026-10-14", "李娜", "M-PEN-AWAY", 2, "recorded", row=4),   # registered by hand
             _inc("2026-10-15", None, "M-PEN-AWAY", 1, "recorded", row=5)]     # nobody: nothing linked
    scored, findings = ledger.score(found, RULES, CONFIG)
    assert [(i.day, i.person, i.points, i.source, i.linked_from, i.key, [e.row for e in i.evidence]) for i in scored] == [
        (T("2026-10-14"), "张伟", Decimal(1), "recorded", None, None, [3]),
        (T("2026-10-14"), "李娜", Decimal(2), "linked", "陈静", "2026-10-14>陈静", [2]),
        (T("2026-10-14"), "李娜", Decimal(2), "linked", "张伟", "2026-10-14>张伟", [3, 4]),
        (T("2026-10-14"), "陈静", Decimal(1), "recorded", None, None, [2]),
        (T("2026-10-15"), None, Decimal(1), "recorded", None, None, [5])]
    assert all(i.share == 1 and not i.escalated for i in scored) and findings == []


def test_the_supervisor_registered_both_agents_linked_points():
    """张伟 and 陈静 away on one day; 李娜 registered her two linked entries herself: each is one of the
    agents' linked incidents (nothing goes on to 王芳, 李娜's own supervisor), and 王芳's own entry stays hers."""
    found = [_inc("2026-10-14", "张伟", "M-PEN-AWAY", 1, "recorded", row=2), _inc("2026-10-14", "陈静", "M-PEN-AWAY", 1, "recorded", row=3),
             _inc("2026-10-14", "李娜", "M-PEN-AWAY", 2, "recorded", row=4), _inc("2026-10-14", "李娜", "M-PEN-AWAY", 2, "recorded", row=5),
             _inc("2026-10-14", "王芳", "M-PEN-AWAY", 1, "recorded", row=6)]
    scored, findings = ledger.score(found, RULES, CONFIG)
    assert sorted((i.person, i.source, i.linked_from, tuple(e.row for e in i.evidence)) for i in scored) == [
        ("张伟", "recorded", None, (2,)), ("李娜", "linked", "张伟", (2, 4)), ("李娜", "linked", "陈静", (3, 5)),
        ("王芳", "recorded", None, (6,)), ("陈静", "recorded", None, (3,))]
    assert findings == []


def test_a_service_supervisor_or_lead_without_a_supervisor_is_no_finding():
    config = ShopConfig(path=None, staff=(Person("李娜", "客服主管"), Person("王芳", "负责人")))
    _, findings = ledger.score([_inc("2026-10-14", "李娜", "M-PEN-AWAY", 1, "recorded", row=2),
                                _inc("2026-10-14", "王芳", "M-PEN-AWAY", 1, "recorded", row=3)], RULES, config)
    assert findings == []


def test_linked_points_keep_the_detected_key_and_drop_escalation(tmp_path):
    book = rulebook(tmp_path, '[[rule]]\ncode = "M-PEN-A"\npoints = 1\nsupervisor_points = 0.5\nescalate_from = 1\nescalate_factor = 2\n')
    scored, _ = ledger.score([_inc("2026-10-14", "陈静", "M-PEN-A", 1, key="A1", share=Decimal("0.5"))], book, CONFIG)
    assert [(i.person, i.points, i.escalated, i.share, i.key) for i in scored] == [
        ("李娜", Decimal("0.5"), False, Decimal(1), "A1>陈静"), ("陈静", Decimal(2), True, Decimal("0.5"), "A1")]


def test_linked_points_without_a_supervisor_are_a_finding():
    config = ShopConfig(path=None, staff=(Person("王芳", "负责人"), Person("李娜", "客服主管"), Person("刘洋", "文案")))
    scored, findings = ledger.score([_inc("2026-10-14", "王芳", "M-PEN-AWAY", 1, "recorded", row=2),
                                     _inc("2026-10-14", "李娜", "M-PEN-AWAY", 1, "recorded", row=3),
                                     _inc("2026-10-14", "刘洋", "M-PEN-AWAY", 1, "recorded", row=4),
                                     _inc("2026-10-14", "陈静", "M-PEN-AWAY", 1, "recorded", row=5)], RULES, config)
    # 陈静 is not in this staff list: her supervisor is the 客服主管, whose own entry of the day is that linked incident
    assert [(i.person, i.source) for i in scored] == [("刘洋", "recorded"), ("李娜", "linked"), ("王芳", "recorded"), ("陈静", "recorded")]
    assert [(f.evidence.row, f.message) for f in findings] == [
        (4, "刘洋 的 M-PEN-AWAY 应连带扣主管 2 分，但 shop.toml 中找不到其主管（[[staff]] supervisor 或岗位“客服主管”）。")]
    config = ShopConfig(path=None, staff=(Person("陈静", "客服"),))  # no 客服主管 at all; 赵六 is not in the list
    _, findings = ledger.score([_inc("2026-10-14", "赵六", "M-PEN-AWAY", 1, "recorded", row=7)], RULES, config)
    assert [f.evidence.row for f in findings] == [7]


# ── compute: totals, summaries, the report's views ─────────────────────────
from types import SimpleNamespace  # noqa: E402

from automation.coverage import NotChecked  # noqa: E402
from automation.penalties import compute  # noqa: E402


def test_totals_count_only_attributed_points():
    found = [_inc("2026-10-14", "陈静", "M-PEN-MSG", "1.5"), _inc("2026-10-15", "陈静", "M-PEN-SHIP", 3),
             _inc("2026-10-15", None, "M-PEN-SHIP", 3), _inc("2026-10-15", "", "M-PEN-SHIP", 3), _inc("2026-10-16", "张伟", "M-PEN-MSG", "0.5")]
    assert compute.totals(found) == {"陈静": Decimal("4.5"), "张伟": Decimal("0.5")}


def test_a_persons_summary():
    """Shop stands in for a shop folder here: _summary reads only its shop.toml (shop.config)."""
    shop = SimpleNamespace(config=CONFIG)
    mine = [_inc("2026-10-14", "陈静", "M-PEN-MSG", "1.5"), _inc("2026-10-15", "陈静", "M-PEN-MSG", "1.5"),
            _inc("2026-10-16", "陈静", "M-PEN-SHIP", 3),
            _inc("2026-10-16", "陈静", "M-PEN-AWAY", 2, "linked").but(linked_from="张伟"),
            _inc("2026-10-17", "陈静", "M-PEN-AWAY", 2, "linked").but(linked_from="张伟"),
            _inc("2026-10-16", "张伟", "M-PEN-SHIP", 3)]
    history = [{"陈静": Decimal(6), "张伟": Decimal(1)}, {"陈静": Decimal("5.9")}]
    person = compute._summary(shop, "陈静", mine, Decimal(10), history, PenaltySettings(fail_months=3))
    assert (person.name, person.role, person.supervisor, person.total, person.previous, person.change) == (
        "陈静", "客服", "李娜", Decimal(10), Decimal(6), Decimal(4))
    assert person.by_rule == {"M-PEN-MSG": Decimal(3), "M-PEN-SHIP": Decimal(3), "M-PEN-AWAY": Decimal(4)}
    assert person.counts == {"M-PEN-MSG": 2, "M-PEN-SHIP": 1}  # linked points are not her own occurrences
    assert person.linked_points == Decimal(4) and person.repeats == ["M-PEN-MSG"]
    assert (person.failed_months, person.flagged) == (2, False)  # 10 and 6 fail (≥ 6); 5.9 does not
    person = compute._summary(shop, "陈静", mine, Decimal(10), history, PenaltySettings(fail_months=2, repeat_count=1))
    assert (person.failed_months, person.flagged, person.repeats) == (2, True, ["M-PEN-MSG", "M-PEN-SHIP"])
    nobody = compute._summary(shop, "赵六", [], Decimal(0), [], PenaltySettings())
    assert (nobody.role, nobody.supervisor, nobody.previous, nobody.failed_months, nobody.flagged, nobody.linked_points) == (
        None, "李娜", Decimal(0), 0, False, Decimal(0))
    assert isinstance(nobody.linked_points, Decimal) and isinstance(nobody.previous, Decimal)  # points are Decimal
    lead = compute._summary(shop, "李娜", [], Decimal(1), [{"陈静": Decimal(1)}], PenaltySettings(fail_points=Decimal(1)))
    assert (lead.supervisor, lead.previous, lead.failed_months) == ("王芳", Decimal(0), 1)  # absent last month: 0 there


def test_the_reports_views():
    people = [compute.PersonSummary("陈静", "客服", "李娜", Decimal(7), {}, {}, Decimal(0), Decimal(0), [], 2, True),
              compute.PersonSummary("张伟", "客服", "李娜", Decimal("1.5"), {}, {}, Decimal(0), Decimal(0), [], 0, False)]
    not_checked = [NotChecked("M-PEN-MSG.note", "M-PEN-MSG", "no_columns", ("处理批注",)),
                   NotChecked("M-PEN-SHIP", "M-PEN-SHIP", "no_sheet", ("订单",)),
                   NotChecked("M-PEN-MSG.note", "M-PEN-MSG", "no_columns", ("处理批注",), "x.xlsx"),
                   NotChecked(compute.RECORDED, None, "no_sheet", ("扣分登记",))]
    report = compute.PenaltyReport("2026-10", RULES, PenaltySettings(), [_inc("2026-10-14", None, "M-PEN-SHIP", 3),
                                   _inc("2026-10-14", "陈静", "M-PEN-SHIP", 3)], [], not_checked, people)
    assert report.total == Decimal("8.5") and [p.name for p in report.flagged] == ["陈静"]
    assert [i.person for i in report.unattributed] == [None]
    assert report.skipped == ["M-PEN-MSG.note", "M-PEN-SHIP", compute.RECORDED]
    assert [report.check_name(c) for c in report.skipped] == ["留言的处理批注", "订单完成后一个工作日内未发货", "扣分登记表中登记的扣分"]
    assert report.check_name("M-PEN-NEW") == "M-PEN-NEW"
    assert report.not_checked_lines() == ["未检查（缺少列）：", "  处理批注：留言的处理批注", "  x.xlsx — 处理批注：留言的处理批注",
                                          "未检查（缺少工作表）：", "  订单：订单完成后一个工作日内未发货", "  扣分登记：扣分登记表中登记的扣分"]
    set_lang("en")
    assert report.check_name("M-PEN-MSG.note") == "annotations on handled messages"
    assert report.check_name(compute.RECORDED) == "points registered in the incidents sheet"
    assert compute.PenaltyReport("2026-10", RULES, PenaltySettings(), [], [], []).total == Decimal(0)


def test_the_data_ends_on_the_latest_day_the_sheets_mention():
    """A shop whose sheets end on 10-29: deadlines after that day's end are not judged yet."""
    sheets = {"orders": table("订单", order("A1", DONE, "2026-10-14 10:00", "2026-10-29 08:00")),
              "messages": messages(("2026-10-20 10:00", "陈静", None, None)),
              "service": service(("2026-10-28", "陈静", 1, None))}  # a date beside the times
    shop = SimpleNamespace(table=sheets.get)  # stands in for Shop: data_now reads only its tables
    assert compute.data_now(shop) == end_of(T("2026-10-29"))
    assert abs(compute.data_now(SimpleNamespace(table=lambda kind: None)) - dt.datetime.now()) < dt.timedelta(minutes=5)
    future = {"service": service(("2099-01-05", "陈静", 1, None))}
    assert abs(compute.data_now(SimpleNamespace(table=future.get)) - dt.datetime.now()) < dt.timedelta(minutes=5)


# ── model ──────────────────────────────────────────────────────────────────
def test_evidence_cites_file_sheet_and_row():
    sheet = table("留言记录", [T("2026-10-14 10:00"), "买家", "陈静", None, None])
    sheet.source = "/home/shop/2026/店铺表格.xlsx"  # reports leave the machine: the file's name only
    assert Evidence.of(sheet, 7, "d") == Evidence("店铺表格.xlsx", "留言记录", 7, "d")
    assert Evidence("店铺表格.xlsx", "留言记录", 7, "d").cite() == "店铺表格.xlsx · 留言记录 · 第7行"
    assert Evidence("店铺表格.xlsx", "服务统计", None, "d").cite() == "店铺表格.xlsx · 服务统计 · 无记录"
    set_lang("en")
    assert Evidence("a.xlsx", "s", 7, "d").cite() == "a.xlsx · s · row 7" and Evidence("a.xlsx", "s", None, "d").cite() == "a.xlsx · s · no row"


def test_an_incidents_identity_and_changes():
    incident = _inc("2026-10-14", "陈静", "M-PEN-SHIP", 3, key="A1")
    assert incident.identity == ("陈静", "M-PEN-SHIP", T("2026-10-14"), "A1")
    changed = incident.but(points=Decimal(6), escalated=True)
    assert (changed.points, changed.escalated, changed.key, incident.points) == (Decimal(6), True, "A1", Decimal(3))


# ── compute: the month's report on a small shop folder (real workbook) ─────
from penalties_helpers import SHOP_TOML, make_shop  # noqa: E402

SHOP_RULES = '[[rule]]\ncode = "M-PEN-SHIP"\npoints = 4\n[[rule]]\ncode = "M-PEN-MSG"\npoints = 1.5\n'


def _order_row(order_id, paid, shipped, agent, status="交易成功"):
    return [order_id, status if shipped else "买家已付款，等待卖家发货", 100, T(paid), T(shipped) if shipped else None, "裙", 1,
            None, None, agent]


def penalty_shop(tmp_path, fail_months):
    """Late shipments (4 points in the shop's own rulebook 本店扣分.toml): 陈静 in August, September and
    October; 张伟 in September and October (plus a registered 1.5 in October); 陈静's 10-28 order is due
    10-29 and unshipped; a 10-30 order makes the data end on 10-30. June: only a registered entry;
    July: only an order shipped on time."""
    from automation.shop import Shop

    toml = SHOP_TOML + f'\n[penalties]\nrulebook = "本店扣分.toml"\nfail_points = 3\nfail_months = {fail_months}\n'
    folder = make_shop(tmp_path / "shop", {
        "订单": [_order_row("A1", "2026-10-14 10:00", "2026-10-16 10:00", "陈静"), _order_row("A2", "2026-10-28 10:00", None, "陈静"),
                _order_row("A3", "2026-10-30 10:00", None, "张伟"), _order_row("B1", "2026-10-14 10:00", "2026-10-16 10:00", "张伟"),
                _order_row("S1", "2026-09-15 10:00", "2026-09-17 10:00", "陈静"), _order_row("S2", "2026-09-15 10:00", "2026-09-17 10:00", "张伟"),
                _order_row("U1", "2026-08-12 10:00", "2026-08-14 10:00", "陈静"), _order_row("U2", "2026-08-12 10:00", "2026-08-13 10:00", "张伟"),
                _order_row("J1", "2026-07-14 10:00", "2026-07-14 18:00", "陈静")],
        "留言记录": [[T("2026-10-14 10:00"), "b1", "陈静", T("2026-10-14 11:00"), "已回复"]],
        "扣分登记": [[T("2026-10-20"), "张伟", "M-PEN-MSG", None, "留言未回", "李娜"], [T("2026-06-10"), "陈静", "M-PEN-MSG", None, "", "李娜"]],
    }, toml)
    (folder / "本店扣分.toml").write_text(SHOP_RULES, encoding="utf-8")
    return Shop.open(folder)


def test_the_months_report_from_the_shops_sheets(tmp_path):
    shop = penalty_shop(tmp_path, fail_months=2)
    report = compute.penalty_report(shop, "2026-10", as_of=T("2026-10-29 12:00"))  # 10-28's order not due yet
    assert (report.month, report.rules["M-PEN-SHIP"].low, report.settings.fail_months, report.findings) == ("2026-10", 4, 2, [])
    people = {p.name: p for p in report.people}
    assert [(p.name, p.total) for p in report.people] == [("张伟", Decimal("5.5")), ("陈静", Decimal(4)), ("李娜", Decimal(0)), ("王芳", Decimal(0))]
    chen, zhang = people["陈静"], people["张伟"]
    assert (chen.previous, chen.failed_months, chen.flagged) == (Decimal(4), 2, True)  # October and September, of 2
    assert (zhang.previous, zhang.failed_months, zhang.flagged) == (Decimal(4), 2, True)
    assert sorted((i.person, i.rule, i.points) for i in report.incidents) == [
        ("张伟", "M-PEN-MSG", Decimal("1.5")), ("张伟", "M-PEN-SHIP", Decimal(4)), ("陈静", "M-PEN-SHIP", Decimal(4))]
    assert report.previous_known is True and report.not_checked == []  # the rulebook holds only the two rules that ran
    later = compute.penalty_report(shop, "2026-10")  # the data end on 10-30: 10-28's order is late now
    assert {p.name: p.total for p in later.people}["陈静"] == Decimal(8)


def test_three_failing_months_in_a_row_to_be_flagged(tmp_path):
    people = {p.name: p for p in compute.penalty_report(penalty_shop(tmp_path, fail_months=3), "2026-10", as_of=T("2026-10-29 12:00")).people}
    assert (people["陈静"].failed_months, people["陈静"].flagged) == (3, True)  # August, September, October
    assert (people["张伟"].failed_months, people["张伟"].flagged) == (2, False)  # August was clean


@pytest.mark.parametrize(("month", "known"), [
    ("2026-06", False),  # May: nothing at all
    ("2026-07", True),   # June: a registered entry, no orders
    ("2026-08", True),   # July: an order, no incident
])
def test_whether_last_month_is_known(tmp_path, month, known):
    report = compute.penalty_report(penalty_shop(tmp_path, fail_months=2), month, as_of=T("2026-10-29 12:00"))
    assert report.previous_known is known
    zero = {p.name: p for p in report.people}["王芳"]
    assert (zero.total, zero.previous, zero.change) == (Decimal(0), Decimal(0), Decimal(0))


def test_without_an_incidents_sheet_the_registered_points_are_not_checked(tmp_path):
    from automation.shop import Shop

    shop = Shop.open(make_shop(tmp_path / "shop", {"订单": [_order_row("A1", "2026-10-14 10:00", "2026-10-16 10:00", "陈静")]}))
    settings = penalty_settings(shop.config)
    found, findings, not_checked = compute.month_incidents(shop, "2026-10", RULES, settings, T("2026-10-29 12:00"))
    assert [(i.person, i.rule) for i in found] == [("陈静", "M-PEN-SHIP")] and findings == []
    recorded = [n for n in not_checked if n.code == compute.RECORDED]
    assert [(n.clause, n.reason, n.missing) for n in recorded] == [(None, "no_sheet", ("扣分登记",))]
