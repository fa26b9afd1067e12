"""Issue 11 §3 on the penalty side, each at its threshold: M-PEN-MSG (before/after 18:00, 12:00 of the
next working day), M-PEN-SHIP undivided, M-PEN-DAILY wrong data (错登), M-PEN-WEEKLY on a make-up
Saturday, M-PEN-LEAD's fixed 5 points. Hand-computed against small workbooks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from automation.penalties.rulebook import load_rulebook
from penalties_helpers import SHOP_TOML, D, make_shop
from test_penalties import incidents


# ── 3.1 M-PEN-MSG ──────────────────────────────────────────────────────────
@pytest.mark.parametrize(("received", "handled", "late"), [
    ("2026-10-14 17:59", "2026-10-14 23:59", False),  # that day's enquiry, done before the day ends
    ("2026-10-14 17:59", "2026-10-15 09:00", True),   # ... not carried to the next morning
    ("2026-10-14 18:00", "2026-10-15 11:59", False),  # after 18:00: the next working day's, by 12:00
    ("2026-10-14 18:00", "2026-10-15 12:01", True),
    ("2026-10-17 10:00", "2026-10-19 11:59", False),  # a Saturday off counts to Monday, by 12:00
    ("2026-10-17 10:00", "2026-10-19 12:01", True),
])
def test_message_deadline_by_when_it_arrived(tmp_path, received, handled, late):
    folder = make_shop(tmp_path / "shop", {"留言记录": [[D(received), "b1", "陈静", D(handled), "已回复"]]})
    found, _ = incidents(folder)
    assert [i.rule for i in found] == (["M-PEN-MSG"] if late else [])


# ── 3.13 M-PEN-SHIP: 3 points, undivided ───────────────────────────────────
SHIPPER = SHOP_TOML + '\n[[staff]]\nname = "郑磊"\nrole = "发货"\n'


def test_late_shipment_points_are_not_split(tmp_path):
    late = (D("2026-10-14 10:00"), D("2026-10-16 09:00"))  # due 10-15
    folder = make_shop(tmp_path / "shop", {"订单": [
        ["5000000000000000001", "交易成功", 100, *late, "裙", 1, None, None, "陈静、张伟"],  # two agents named
        ["5000000000000000002", "交易成功", 100, *late, "裙", 1, None, None, None],           # nobody: the shipper on duty
        ["5000000000000000003", "交易成功", 100, *late, "裙", 1, "红", "张伟：尽快", None],      # red remark
    ]}, SHIPPER)
    found, _ = incidents(folder)
    assert sorted((i.key, i.person, i.points) for i in found) == [
        ("5000000000000000001", "陈静", Decimal(3)), ("5000000000000000002", "郑磊", Decimal(3)),
        ("5000000000000000003", "张伟", Decimal(3))]


def test_late_shipment_without_agent_or_shipper_is_unattributed(tmp_path):
    folder = make_shop(tmp_path / "shop", {"订单": [
        ["5000000000000000001", "交易成功", 100, D("2026-10-14 10:00"), D("2026-10-16 09:00"), "裙", 1, None, None, None]]})
    found, _ = incidents(folder)
    assert [(i.person, i.points) for i in found] == [(None, Decimal(3))]


# ── 3.14 M-PEN-DAILY: wrong data (错登) against the message log ──────────────
@pytest.mark.parametrize(("enquiries", "wrong"), [(3, False), (2, True), (4, False)])
def test_registered_enquiries_fewer_than_the_logged_messages_are_wrong(tmp_path, enquiries, wrong):
    toml = SHOP_TOML.replace('[[staff]]\nname = "张伟"\nrole = "客服"', '[[staff]]\nname = "张伟"\nrole = "发货"')
    day = dt.date(2026, 10, 14)
    service = [[day, "陈静", enquiries, 1, D("2026-10-14 20:00")]]
    messages = [[D(f"2026-10-14 {h}:00"), f"b{h}", "陈静", D(f"2026-10-14 {h}:30"), "已回复"] for h in (10, 11, 17)]
    messages.append([D("2026-10-14 18:30"), "b18", "陈静", D("2026-10-15 09:00"), "已回复"])  # counts to 10-15
    folder = make_shop(tmp_path / "shop", {"服务统计": service, "留言记录": messages}, toml)
    shop_found, _ = incidents(folder, "2026-10")
    daily = [i for i in shop_found if i.rule == "M-PEN-DAILY" and i.day == day]
    assert len(daily) == (1 if wrong else 0)
    if wrong:
        assert daily[0].points == Decimal("1.5") and "错登" in daily[0].evidence[0].detail and daily[0].evidence[0].row == 2


# ── 3.9 M-PEN-WEEKLY: the week's last working day, make-up Saturday included ──
@pytest.mark.parametrize(("sent", "late"), [
    ("2026-10-10 23:00", False),  # Saturday 10-10 is a make-up working day: the week's last
    ("2026-10-11 09:00", True),   # Sunday: late, dated the Saturday
])
def test_weekly_summary_due_on_the_make_up_saturday(tmp_path, sent, late):
    toml = SHOP_TOML.replace('[[staff]]\nname = "张伟"\nrole = "客服"', '[[staff]]\nname = "张伟"\nrole = "发货"')
    folder = make_shop(tmp_path / "shop", {"报表提交登记": [["周报", "2026-W41", "陈静", D(sent)],
                                                            ["周报", "2026-W40", "陈静", D("2026-09-30 17:00")]]}, toml)
    found, _ = incidents(folder)
    weekly = [(i.day, i.evidence[0].row) for i in found if i.rule == "M-PEN-WEEKLY" and i.day.month == 10 and i.day.day < 12]
    assert weekly == ([(dt.date(2026, 10, 10), 2)] if late else [])


# ── 3.5 M-PEN-LEAD: 5 fixed; 3–5 only for staff repeatedly failing ─────────
def test_lead_points_fixed_except_for_failing_staff():
    rules = load_rulebook()
    lead, staff = rules["M-PEN-LEAD"], rules["M-PEN-LEAD-STAFF"]
    assert (lead.low, lead.high) == (Decimal(5), Decimal(5))
    assert (staff.low, staff.high) == (Decimal(3), Decimal(5))
    assert lead.clause == staff.clause == "001 负责人"


def test_recorded_lead_points_outside_five_are_corrected(tmp_path):
    folder = make_shop(tmp_path / "shop", {"扣分登记": [
        [D("2026-10-20"), "王芳", "M-PEN-LEAD", 3, "问题两天未解决", "王芳"],       # fixed 5: a finding, counted 5
        [D("2026-10-21"), "王芳", "M-PEN-LEAD-STAFF", 4, "陈静连续不及格", "王芳"],  # 3–5: as recorded
    ]})
    found, findings = incidents(folder)
    assert sorted(i.points for i in found if i.person == "王芳") == [Decimal(4), Decimal(5)]
    assert [f.evidence.row for f in findings] == [2]  # the M-PEN-LEAD row recorded with 3


# ── M-SHIFT: the rest day from the team's 人员 sheet ──────────────────────────
def test_rest_day_from_the_staff_sheet_spares_the_daily_data(tmp_path):
    toml = SHOP_TOML.replace('[[staff]]\nname = "张伟"\nrole = "客服"', '[[staff]]\nname = "张伟"\nrole = "发货"')
    days = [dt.date(2026, 10, 12) + dt.timedelta(days=n) for n in range(5)]  # Mon 10-12 .. Fri 10-16
    service = [[day, "陈静", 10, 2, dt.datetime.combine(day, dt.time(20))] for day in days if day.weekday() != 2]
    sheets = {"服务统计": service}
    found, _ = incidents(make_shop(tmp_path / "a", sheets, toml))
    assert [(i.rule, i.day) for i in found if i.day <= dt.date(2026, 10, 16)] == [("M-PEN-DAILY", dt.date(2026, 10, 14))]
    sheets["人员"] = [["陈静", "客服", "白班", "周三"]]
    found, _ = incidents(make_shop(tmp_path / "b", sheets, toml))
    assert [i for i in found if i.day <= dt.date(2026, 10, 16)] == []  # Wednesday is her rest day
