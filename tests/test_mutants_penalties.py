"""Penalty points (automation/penalties/): cases the mutation run showed untested (issue 11 §6).
Pure functions on in-memory tables built through the real header matching (tables.build_table),
points as exact Decimals, dates hand-computed against the 2026 calendar (National Day, make-up days)."""

from __future__ import annotations

import datetime as dt

import pytest

from automation.errors import UserError
from automation.penalties.period import month_label, parse_month, previous_month


@pytest.mark.parametrize(("month", "back", "previous"), [
    ("2026-01", 1, "2025-12"),  # across the year
    ("2026-03", 2, "2026-01"),
    ("2026-12", 12, "2025-12"),
])
def test_previous_month_counts_back_across_years(month, back, previous):
    assert previous_month(month, back) == previous


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("2024年2月", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year, written the Chinese way
    (" 2026/12 ", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
])
def test_parse_month_forms(text, first, last):
    assert parse_month(text) == (first, last)


def test_month_label_pads_the_month():
    assert month_label(dt.date(2026, 3, 1)) == "2026-03" and month_label(dt.date(987, 11, 1)) == "0987-11"


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "26-10", "2026-10-01", ""])
def test_parse_month_refuses(text):
    with pytest.raises(UserError):
        parse_month(text)
