"""Waybill numbers inside text stay whole; phones beside them are still masked (M-CONFIDENTIAL)."""

from automation.privacy import mask_phone, mask_text


def test_a_lettered_waybill_is_not_taken_for_a_phone_with_its_country_code():
    assert mask_text("单号YT8618312346766已签收") == "单号YT8618312346766已签收"
    assert mask_phone("JT861381234567 SF8613912345678 DPK861581234567") == "JT861381234567 SF8613912345678 DPK861581234567"


def test_phones_next_to_a_waybill_are_still_masked():
    assert mask_text("YT8618312346766，联系13812345678") == "YT8618312346766，联系138****5678"
    assert mask_phone("+86 13812345678/YT8618312346766/0571-88886666") == "+86 138****5678/YT8618312346766/0571-****6666"


def test_a_phone_written_right_after_letters_is_masked():
    # 11 digits after letters is a phone, not a waybill (those carry 12–15); waybill prefixes are
    # upper case, so a lower-case "tel" before +86 and a phone is not taken for one
    assert mask_phone("TEL13812345678") == "TEL138****5678"
    assert mask_phone("tel8613812345678") == "tel86138****5678"
