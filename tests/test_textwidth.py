import datetime as dt
from decimal import Decimal

from automation.textwidth import MAX_WIDTH, display_width, fit_width


def test_cjk_counts_double_and_ascii_single():
    assert display_width("订单编号") == 8
    assert display_width("SF1234") == 6
    assert display_width("１２") == 4  # full-width digits are wide too


def test_fit_width_covers_header_values_and_dates_but_is_capped():
    assert fit_width("日期", [dt.date(2026, 10, 1)]) >= 12
    assert fit_width("订单编号", ["5121910154426014049"]) >= 19 + 1
    assert fit_width("金额", [Decimal("1234567.5")]) >= len("1,234,567.50")
    assert fit_width("备注", ["长" * 200]) == MAX_WIDTH
    assert fit_width("很长很长的表头名称", []) >= display_width("很长很长的表头名称")
