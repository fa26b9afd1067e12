"""China's 34 provincial-level divisions, recognised at the start of an address in any common form.

`province_of("广西壮族自治区南宁市…") == "广西"`; short forms (`内蒙古`, `新疆`, `香港`) are the
canonical names everything else in shopbook keys on. Pure and self-contained.
"""

from __future__ import annotations

import re
import unicodedata

from .lazyre import lazy_compile

# canonical short name -> other ways addresses and couriers write it (the longest matching form wins)
PROVINCES: dict[str, tuple[str, ...]] = {
    "北京": ("北京市",), "天津": ("天津市",), "上海": ("上海市",), "重庆": ("重庆市",),
    "河北": ("河北省",), "山西": ("山西省",), "辽宁": ("辽宁省",), "吉林": ("吉林省",),
    "黑龙江": ("黑龙江省",), "江苏": ("江苏省",), "浙江": ("浙江省",), "安徽": ("安徽省",),
    "福建": ("福建省",), "江西": ("江西省",), "山东": ("山东省",), "河南": ("河南省",),
    "湖北": ("湖北省",), "湖南": ("湖南省",), "广东": ("广东省",), "海南": ("海南省",),
    "四川": ("四川省",), "贵州": ("贵州省",), "云南": ("云南省",), "陕西": ("陕西省",),
    "甘肃": ("甘肃省",), "青海": ("青海省",), "台湾": ("台湾省", "臺灣", "台灣"),
    "内蒙古": ("内蒙古自治区", "内蒙", "內蒙古"),
    "广西": ("广西壮族自治区", "广西壮族", "广西自治区", "廣西"),
    "西藏": ("西藏自治区",),
    "宁夏": ("宁夏回族自治区", "宁夏回族", "宁夏自治区", "寧夏"),
    "新疆": ("新疆维吾尔自治区", "新疆维吾尔", "新疆自治区", "新疆維吾爾自治區"),
    "香港": ("香港特别行政区", "香港特別行政區", "中国香港"),
    "澳门": ("澳门特别行政区", "澳門", "澳門特別行政區", "中国澳门"),
}
# one-character abbreviations (冀, 晋…) are left out: at the start of an address they are ambiguous
_FORMS = sorted(((form, name) for name, forms in PROVINCES.items() for form in (name, *forms)),
                key=lambda pair: -len(pair[0]))
# the forms by their first two characters (every form has at least two): a lookup per address,
# not a scan of all 80 forms (addresses are nearly all distinct, so caching by address would not help)
_BY_HEAD: dict[str, tuple[tuple[str, str], ...]] = {}
for _form, _name in _FORMS:
    _BY_HEAD[_form[:2]] = (*_BY_HEAD.get(_form[:2], ()), (_form, _name))
assert all(unicodedata.normalize("NFKC", form) == form and not form[0].isspace() for form, _ in _FORMS)
_LEADING = lazy_compile(r"^(?:中国|中華人民共和國|中华人民共和国)?[\s,，:：]*")
_LEADS = "中,，:："  # the characters a _LEADING match can start with in a stripped text


def province_of(address: str | None) -> str | None:
    """The province an address starts with (canonical short form), or None when none is recognisable."""
    if not address:
        return None
    if address.__class__ is str:  # the usual address starts with a form as written: no normalising
        for form, name in _BY_HEAD.get(address[:2], ()):
            if address.startswith(form):
                return name  # the forms are NFKC-stable ideographs, so NFKC would leave this start alone
    text = unicodedata.normalize("NFKC", str(address)).strip()
    if text[:1] in _LEADS:  # only then can _LEADING take anything away (most addresses start with the province)
        text = _LEADING.sub("", text)
    for form, name in _BY_HEAD.get(text[:2], ()):  # longest first, as in _FORMS
        if text.startswith(form):
            return name
    return None


def canonical(name: str | None) -> str | None:
    """A province written on its own ('广东省', '内蒙', '新疆维吾尔自治区') -> its short form."""
    return province_of(name)
