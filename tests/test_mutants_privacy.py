"""Masking (M-CONFIDENTIAL) edge cases that the mutation run of automation/privacy.py showed untested
(issue 11 §6): exact masked outputs, so a changed slice, separator or guard shows."""

from __future__ import annotations

import pytest

from automation.privacy import mask_value


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("phone", 1381234567, "138****4567"),  # a 10-digit whole number in a phone column: still the customer's
    ("phone", 12345, "****"),  # too short to keep any digits
    ("phone", "12-34-56-78", "123****5678"),  # 8 digits that are no phone pattern: first 3 and last 4 kept
])
def test_a_mistyped_number_in_a_phone_column_is_still_masked(field, value, shown):
    assert mask_value(field, value) == shown
