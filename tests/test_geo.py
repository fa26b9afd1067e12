"""`geo.province_of`: the common address (a province form at the very start) skips normalising;
the answer must be the one of normalising every address first."""

import unicodedata

from hypothesis import given, settings, strategies as st

from automation.geo import _BY_HEAD, _LEADING, _LEADS, _FORMS, province_of


def normalised_first(address):
    """province_of as it was before the fast path: NFKC and strip, then the forms."""
    if not address:
        return None
    text = unicodedata.normalize("NFKC", str(address)).strip()
    if text[:1] in _LEADS:
        text = _LEADING.sub("", text)
    for form, name in _BY_HEAD.get(text[:2], ()):
        if text.startswith(form):
            return name
    return None


FORMS = [form for form, _ in _FORMS]
# pieces addresses are made of: forms, the leading country names, separators, width variants,
# combining marks and compatibility characters that NFKC changes
PIECES = FORMS + ["中国", "中華人民共和國", " ", "\u3000", "，", ":", "市", "区", "路", "1", "１", "\u0301", "\u2f83", "\uf900",
                  "㈱", "广", "西", "香", "中", "国"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=6))
def test_same_answer_as_normalising_first(parts):
    address = "".join(parts)
    assert province_of(address) == normalised_first(address)


def test_written_forms_and_variants():
    assert province_of("广西壮族自治区南宁市青秀区") == "广西"
    assert province_of("中国香港九龙") == "香港"
    assert province_of("　广东省 广州市") == "广东"  # an ideographic space before it
    assert province_of("广西\u2f83治区") == "广西"  # a Kangxi radical NFKC turns into 自
    assert province_of("火星基地") is None and province_of("") is None and province_of(None) is None
