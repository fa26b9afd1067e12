"""Penalty points: rulebook, deadlines (weekend, National Day, make-up Saturday), detection,
merging without double counting, escalation, linked points, out-of-range points. Hand-computed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from automation.config import load_config
from automation.errors import UserError
from automation.penalties.compute import month_incidents, penalty_report
from automation.penalties.detect import message_day, message_deadline, ship_deadline
from automation.penalties.period import first_week_deadline, weekly_due
from automation.penalties.rulebook import load_rulebook
from automation.penalties.settings import penalty_settings
from automation.shop import Shop
from automation.workdays import WorkCalendar
from penalties_helpers import SHOP_TOML, D, make_shop

AS_OF = dt.datetime(2026, 11, 20, 9, 0)
CAL = WorkCalendar()


def incidents(folder, month="2026-10"):
    shop = Shop.open(folder)
    settings = penalty_settings(shop.config)
    found, findings, _ = month_incidents(shop, month, load_rulebook(folder, settings.rulebook), settings, AS_OF)
    return found, findings


def points_of(found, person):
    return sum((i.points for i in found if i.person == person), Decimal(0))


# ── rulebook ───────────────────────────────────────────────────────────────
def test_builtin_rulebook_carries_the_manuals_table():
    rules = load_rulebook()
    # the manual's 27 M-PEN clauses, M-PEN-LEAD's third case (3–5 points) as its own entry
    assert len([c for c in rules.rules if c.startswith("M-PEN-")]) == 28
    away, follow, lunch, badrev = (rules[c] for c in ("M-PEN-AWAY", "M-PEN-FOLLOW", "M-PEN-LUNCH", "M-PEN-BADREV"))
    assert (away.low, away.supervisor_points) == (Decimal(1), Decimal(2))
    assert (follow.low, follow.escalate_from, follow.escalate_factor) == (Decimal("0.5"), 3, Decimal(2))
    assert lunch.every_agent_on_duty and lunch.low == 1
    assert (badrev.low, badrev.high, badrev.text_points) == (Decimal(3), Decimal(5), Decimal(5))
    assert rules["M-PEN-MSG"].low == Decimal("1.5") and rules["M-PEN-LEAK"].low == 10
    assert rules["M-PEN-SLACK"].range_text("文案") == "1–3" and rules["M-PEN-SLACK"].range_text("在线编辑") == "2–4"
    assert rules.find("ship").code == "M-PEN-SHIP" and rules.find("差评").code == "M-PEN-BADREV"


def test_the_shops_own_rulebook_wins_and_bad_ones_are_one_line(tmp_path):
    (tmp_path / "扣分规则.toml").write_text('[[rule]]\ncode = "M-PEN-SHIP"\npoints = 4\n', encoding="utf-8")
    assert load_rulebook(tmp_path)["M-PEN-SHIP"].low == 4
    (tmp_path / "扣分规则.toml").write_text('[[rule]]\ncode = "M-PEN-SHIP"\npoints = "lots"\n', encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_rulebook(tmp_path)
    assert "扣分规则.toml" in str(err.value) and "\n" not in str(err.value)


# ── deadlines ──────────────────────────────────────────────────────────────
@pytest.mark.parametrize("received, counts_to, deadline", [
    ("2026-10-16 19:00", "2026-10-19", "2026-10-19 12:00"),  # Friday night -> Monday (weekend)
    ("2026-10-16 17:59", "2026-10-16", "2026-10-16 23:59:59.999999"),  # Friday before 18:00: Friday's, done that day
    ("2026-10-16 18:00", "2026-10-19", "2026-10-19 12:00"),  # at 18:00: the next working day's, by 12:00
    ("2026-10-17 10:00", "2026-10-19", "2026-10-19 12:00"),  # Saturday -> Monday
    ("2026-09-30 20:00", "2026-10-08", "2026-10-08 12:00"),  # across the National Day holiday
    ("2026-10-03 11:00", "2026-10-08", "2026-10-08 12:00"),  # during the holiday
    ("2026-10-09 19:00", "2026-10-10", "2026-10-10 12:00"),  # onto the make-up Saturday
])
def test_message_deadlines(received, counts_to, deadline):
    assert message_day(CAL, D(received), "18:00") == D(counts_to)
    assert message_deadline(CAL, D(received), "12:00", "18:00") == D(deadline)


@pytest.mark.parametrize("paid, due", [
    ("2026-10-16 15:00", "2026-10-19"),  # Friday -> Monday
    ("2026-09-30 10:00", "2026-10-08"),  # before National Day -> first day back
    ("2026-10-01 10:00", "2026-10-08"),
    ("2026-10-09 15:00", "2026-10-10"),  # Friday -> the make-up Saturday
])
def test_ship_deadline(paid, due):
    assert ship_deadline(CAL, D(paid)) == dt.datetime.combine(D(due), dt.time.max)


def test_weekly_and_month_end_deadlines():
    assert weekly_due(CAL, dt.date(2026, 9, 28)) == dt.date(2026, 9, 30)  # the day before the holiday
    assert weekly_due(CAL, dt.date(2026, 10, 5)) == dt.date(2026, 10, 10)  # the make-up Saturday is the week's last working day
    assert weekly_due(CAL, dt.date(2026, 10, 12)) == dt.date(2026, 10, 16)
    # October's first 5 working days: 8, 9, 10 (make-up Saturday), 12, 13
    assert first_week_deadline(CAL, dt.date(2026, 10, 1), 5) == dt.date(2026, 10, 13)
    assert first_week_deadline(CAL, dt.date(2026, 11, 1), 5) == dt.date(2026, 11, 6)


# ── detection ──────────────────────────────────────────────────────────────
def test_messages_across_weekend_holiday_and_makeup_saturday(tmp_path):
    folder = make_shop(tmp_path / "shop", {"留言记录": [
        [D("2026-10-16 19:00"), "b1", "陈静", D("2026-10-19 11:30"), "已回复"],   # on time over the weekend
        [D("2026-10-16 19:05"), "b2", "陈静", D("2026-10-19 12:30"), "已回复"],   # late (row 3)
        [D("2026-09-30 20:00"), "b3", "张伟", D("2026-10-08 11:00"), "已回复"],   # on time over the holiday
        [D("2026-09-30 21:00"), "b4", "张伟", D("2026-10-08 13:00"), "已回复"],   # late (row 5)
        [D("2026-10-09 19:00"), "b5", "张伟", D("2026-10-12 09:00"), "已回复"],   # late: due Sat 10-10 12:00 (row 6)
        [D("2026-10-09 19:30"), "b6", "陈静", D("2026-10-10 11:00"), ""],        # on time, no annotation (row 7)
        [D("2026-10-28 10:00"), "b7", "陈静", None, None],                       # never handled (row 8)
    ]})
    found, _ = incidents(folder)
    got = sorted((i.person, i.day, i.evidence[0].row) for i in found)
    # dated the day received; the 09-30 evening message counts to 10-08, so October reports it
    assert got == sorted([("陈静", dt.date(2026, 10, 16), 3), ("张伟", dt.date(2026, 9, 30), 5),
                          ("张伟", dt.date(2026, 10, 9), 6), ("陈静", dt.date(2026, 10, 9), 7),
                          ("陈静", dt.date(2026, 10, 28), 8)])
    assert all(i.rule == "M-PEN-MSG" and i.points == Decimal("1.5") for i in found)
    assert "无处理批注" in next(i for i in found if i.evidence[0].row == 7).evidence[0].detail


def test_orders_not_shipped_within_one_working_day(tmp_path):
    folder = make_shop(tmp_path / "shop", {"订单": [
        ["5000000000000000001", "交易成功", 100, D("2026-10-09 15:00"), D("2026-10-10 18:00"), "裙", 1, None, None, "陈静"],  # make-up Sat: ok
        ["5000000000000000002", "交易成功", 100, D("2026-10-09 15:00"), D("2026-10-12 09:00"), "裙", 1, None, None, "陈静"],  # late
        ["5000000000000000003", "交易成功", 100, D("2026-10-01 09:00"), D("2026-10-08 17:00"), "裙", 1, None, None, "张伟"],  # ok
        ["5000000000000000004", "买家已付款，等待卖家发货", 80, D("2026-10-20 09:00"), None, "裙", 1, "红", "张伟：尽快", None],  # never shipped
        ["5000000000000000005", "交易关闭", 80, D("2026-10-20 09:00"), None, "裙", 1, None, None, "张伟"],  # closed: not counted
    ]})
    found, _ = incidents(folder)
    assert sorted((i.person, i.key, i.points) for i in found) == [
        ("张伟", "5000000000000000004", Decimal("3.00")), ("陈静", "5000000000000000002", Decimal("3.00"))]


def _october_workdays():
    return CAL.workdays(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def test_daily_data_late_or_missing(tmp_path):
    toml = SHOP_TOML.replace('[[staff]]\nname = "张伟"\nrole = "客服"', '[[staff]]\nname = "张伟"\nrole = "发货"')
    rows = []
    for day in _october_workdays():
        if day == dt.date(2026, 10, 13):
            continue  # missing
        registered = dt.datetime.combine(CAL.next_workday(day), dt.time(9, 0))
        if day == dt.date(2026, 10, 9):
            registered = D("2026-10-10 09:50")  # on the make-up Saturday: on time
        if day == dt.date(2026, 10, 30):
            registered = D("2026-11-02 10:05")  # late
        rows.append([day, "陈静", 10, 2, registered])
    folder = make_shop(tmp_path / "shop", {"服务统计": rows}, toml)
    found, _ = incidents(folder)
    assert sorted((i.day, i.evidence[0].row is None) for i in found) == [(dt.date(2026, 10, 13), True), (dt.date(2026, 10, 30), False)]
    assert {i.person for i in found} == {"陈静"} and points_of(found, "陈静") == Decimal(3)


def test_missing_days_count_only_from_when_the_sheet_was_kept(tmp_path):
    toml = SHOP_TOML.replace('[[staff]]\nname = "张伟"\nrole = "客服"', '[[staff]]\nname = "张伟"\nrole = "发货"')
    rows = [[day, "陈静", 10, 2, dt.datetime.combine(day, dt.time(20, 0))]
            for day in _october_workdays() if day >= dt.date(2026, 10, 19) and day != dt.date(2026, 10, 21)]
    found, _ = incidents(make_shop(tmp_path / "shop", {"服务统计": rows,
                                                       "报表提交登记": [["周报", "2026-W43", "陈静", D("2026-10-23 17:00")]]}, toml))
    assert sorted((i.rule, i.day) for i in found) == [("M-PEN-DAILY", dt.date(2026, 10, 21)), ("M-PEN-WEEKLY", dt.date(2026, 10, 30))]


def test_weekly_summary_and_month_end_statistics(tmp_path):
    toml = SHOP_TOML.replace('[[staff]]\nname = "张伟"\nrole = "客服"', '[[staff]]\nname = "张伟"\nrole = "发货"')
    folder = make_shop(tmp_path / "shop", {"报表提交登记": [
        ["周报", "2026-W41", "陈静", D("2026-10-09 17:00")],   # due Fri 10-09: on time
        ["周报", "2026-10-12~2026-10-16", "陈静", D("2026-10-17 10:00")],  # due 10-16: late
        # week 43 (due 10-23): missing
        ["周报", "第44周", "陈静", D("2026-10-30 16:00")],
        ["月末统计", "2026-09", "李娜", D("2026-10-13 16:00")],  # due 10-13: on time
        ["未发货清单", "2026年9月", "李娜", D("2026-10-14 09:00")],  # late
    ]}, toml)
    found, _ = incidents(folder)
    weekly = sorted((i.day, i.evidence[0].row) for i in found if i.rule == "M-PEN-WEEKLY")
    assert weekly == [(dt.date(2026, 10, 16), 3), (dt.date(2026, 10, 23), None)]
    monthend = [i for i in found if i.rule == "M-PEN-MONTHEND"]
    # dated the day the late list was done
    assert [(i.person, i.day, i.points) for i in monthend] == [("李娜", dt.date(2026, 10, 14), Decimal(3))]
    assert "未发货清单" in monthend[0].evidence[0].detail


def test_follow_up_misses_double_from_the_third(tmp_path):
    follow = [[D(f"2026-10-{d}"), "陈静", f"b{d}", None, None] for d in (12, 13, 14, 15)]
    follow += [[D("2026-10-16"), "陈静", "ok", None, D("2026-10-19")],  # Friday -> Monday: on time
               [D("2026-10-20"), "张伟", "x", None, None], [D("2026-10-21"), "张伟", "y", None, D("2026-10-23")]]
    found, _ = incidents(make_shop(tmp_path / "shop", {"回访表": follow}))
    chen = sorted((i.day, i.points, i.escalated) for i in found if i.person == "陈静")
    assert [p for _, p, _ in chen] == [Decimal("0.5"), Decimal("0.5"), Decimal("1.0"), Decimal("1.0")]
    assert [e for _, _, e in chen] == [False, False, True, True]
    assert points_of(found, "陈静") == Decimal(3) and points_of(found, "张伟") == Decimal(1)


def test_bad_reviews_three_or_five_points(tmp_path):
    folder = make_shop(tmp_path / "shop", {"评价登记": [
        [D("2026-10-20"), "5000000000000000011", "张伟", "差评", "态度很差，电话13812345678", "是", "批评", "未处理"],
        [D("2026-10-21"), "5000000000000000012", "张伟", "差评", None, "是", None, "未处理"],
        [D("2026-10-22"), "5000000000000000013", "陈静", "差评", "快递太慢", "否", None, "未处理"],  # not about service
    ]})
    found, _ = incidents(folder)
    assert sorted(i.points for i in found) == [Decimal(3), Decimal(5)] and {i.person for i in found} == {"张伟"}
    assert all("13812345678" not in e.detail for i in found for e in i.evidence)


# ── recorded incidents, merge, scoring ─────────────────────────────────────
def test_supervisor_linked_points_counted_once(tmp_path):
    folder = make_shop(tmp_path / "shop", {"扣分登记": [
        [D("2026-10-12"), "陈静", "M-PEN-AWAY", 1, "离开未改状态", "王芳"],
        [D("2026-10-12"), "李娜", "M-PEN-AWAY", 2, "陈静离开，主管连带", "王芳"],  # the same linked incident
        [D("2026-10-14"), "张伟", "AWAY", None, "离开", "王芳"],
    ]})
    found, _ = incidents(folder)
    assert points_of(found, "陈静") == 1 and points_of(found, "张伟") == 1
    linked = [i for i in found if i.person == "李娜"]
    assert sorted((i.linked_from, i.points) for i in linked) == [("张伟", Decimal(2)), ("陈静", Decimal(2))]
    assert points_of(found, "李娜") == 4


def test_linked_points_fall_back_to_the_service_supervisor(tmp_path):
    toml = SHOP_TOML.replace('name = "张伟"\nrole = "客服"\nsupervisor = "李娜"', 'name = "张伟"\nrole = "客服"')
    found, _ = incidents(make_shop(tmp_path / "shop", {"扣分登记": [[D("2026-10-14"), "张伟", "M-PEN-AWAY", 1, "", "王芳"]]}, toml))
    assert points_of(found, "李娜") == 2


def test_lunch_counts_every_agent_on_duty(tmp_path):
    toml = SHOP_TOML.replace('name = "张伟"\nrole = "客服"\nsupervisor = "李娜"', 'name = "张伟"\nrole = "客服"\nsupervisor = "李娜"\nrest_day = "周二"')
    sheet = {"扣分登记": [[D("2026-10-12"), "全体客服", "M-PEN-LUNCH", None, "午餐无人", "李娜"],  # Monday: both
                          [D("2026-10-13"), "全体客服", "M-PEN-LUNCH", None, "午餐无人", "李娜"],  # Tuesday: 张伟 rests
                          [D("2026-10-13"), "陈静", "M-PEN-LUNCH", 1, "同一次", "李娜"]]}  # already in the 全体 entry
    found, _ = incidents(make_shop(tmp_path / "shop", sheet, toml))
    assert sorted((i.person, i.day) for i in found) == [("张伟", dt.date(2026, 10, 12)), ("陈静", dt.date(2026, 10, 12)),
                                                         ("陈静", dt.date(2026, 10, 13))]
    assert points_of(found, "李娜") == 0


def test_recorded_and_detected_merge_without_double_counting(tmp_path):
    folder = make_shop(tmp_path / "shop", {
        "评价登记": [[D("2026-10-20"), "5000000000000000021", "张伟", "差评", "太差", "是", "批评", "未处理"]],
        "订单": [["5000000000000000022", "交易成功", 100, D("2026-10-09 15:00"), D("2026-10-12 09:00"), "裙", 1, None, None, "陈静"]],
        "扣分登记": [
            [D("2026-10-21"), "张伟", "M-PEN-BADREV", 5, "订单 5000000000000000021 差评", "李娜"],  # names the order: same
            [D("2026-10-10"), "陈静", "M-PEN-SHIP", 3, "周五订单周一才发", "李娜"],  # within paid day..deadline: same
            [D("2026-10-26"), "陈静", "M-PEN-SHIP", 3, "另一单", "李娜"],  # no detected counterpart: its own
        ]})
    found, _ = incidents(folder)
    sources = sorted((i.person, i.rule, i.source) for i in found)
    assert sources == [("张伟", "M-PEN-BADREV", "both"), ("陈静", "M-PEN-SHIP", "both"), ("陈静", "M-PEN-SHIP", "recorded")]
    assert points_of(found, "张伟") == 5 and points_of(found, "陈静") == 6
    both = next(i for i in found if i.rule == "M-PEN-BADREV")
    assert {e.sheet for e in both.evidence} == {"评价登记", "扣分登记"}
    assert len({i.identity for i in found}) == len(found)


def test_out_of_range_points_and_unknown_rules_are_findings(tmp_path):
    toml = SHOP_TOML + '\n[[staff]]\nname = "赵敏"\nrole = "在线编辑"\n'
    folder = make_shop(tmp_path / "shop", {"扣分登记": [
        [D("2026-10-20"), "张伟", "M-PEN-BADREV", 7, "差评", "李娜"],     # 3–5: counted 5
        [D("2026-10-21"), "赵敏", "M-PEN-SLACK", 1, "拖延", "王芳"],      # editor 2–4: counted 2
        [D("2026-10-22"), "陈静", "M-PEN-NOPE", 2, "?", "王芳"],          # unknown: not counted
        [D("2026-10-23"), "陈静", "M-PEN-QUOTE", 5, "报错价", "王芳"],    # fine
        [D("2026-10-24"), "赵敏", "M-PEN-PHONE", 1, "", "王芳"],          # an agents' rule for an editor: counted, listed
    ]}, toml)
    found, findings = incidents(folder)
    assert points_of(found, "张伟") == 5 and points_of(found, "赵敏") == 3 and points_of(found, "陈静") == 5
    messages = {f.evidence.row: f.message for f in findings}
    assert set(messages) == {2, 3, 4, 6} and "在线编辑" in messages[6]
    assert "3–5" in messages[2] and "2–4" in messages[3] and "M-PEN-NOPE" in messages[4]


def test_report_summary_change_repeats_and_lead_flag(tmp_path):
    toml = SHOP_TOML + "\n[penalties]\nfail_points = 5\nfail_months = 2\nrepeat_count = 2\n"
    folder = make_shop(tmp_path / "shop", {"扣分登记": [
        [D("2026-09-15"), "陈静", "M-PEN-QUOTE", 5, "九月", "王芳"],
        [D("2026-10-15"), "陈静", "M-PEN-QUOTE", 5, "十月", "王芳"],
        [D("2026-10-16"), "陈静", "M-PEN-PHONE", 1, "", "王芳"],
        [D("2026-10-17"), "陈静", "M-PEN-PHONE", 1, "", "王芳"],
        [D("2026-10-17"), "张伟", "M-PEN-PHONE", 1, "", "王芳"],
    ]}, toml)
    report = penalty_report(Shop.open(folder), "2026-10", as_of=AS_OF)
    chen = next(p for p in report.people if p.name == "陈静")
    assert (chen.total, chen.previous, chen.change) == (Decimal(7), Decimal(5), Decimal(2))
    assert chen.repeats == ["M-PEN-PHONE"] and chen.failed_months == 2 and chen.flagged
    assert [p.name for p in report.flagged] == ["陈静"] and chen.supervisor == "李娜"
    assert report.people[0].name == "陈静"
    assert "M-PEN-DAILY" in report.skipped


def test_bad_penalties_config_is_one_line(tmp_path):
    (tmp_path / "shop.toml").write_text(SHOP_TOML + '\n[penalties]\nfail_points = "many"\n', encoding="utf-8")
    with pytest.raises(UserError) as err:
        penalty_settings(load_config(tmp_path / "shop.toml"))
    assert "[penalties]" in str(err.value)
