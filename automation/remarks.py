"""Seller remarks under the shop's flag conventions (002 §23.5, M-FLAG-*): parse, check, canonicalise.

Pure: text in, `Remark` out; nothing here reads or writes sheets. The conventions per colour:
red = name + `:` + the customer's requests; yellow = agent name, or a public order (no name);
green = date + reason + name; purple = date + exchanged items + price difference + postage + name;
blue = date + refund reason + postage + name. During a promotion names are not required
(M-FLAG-PROMO, 002 §27.7). `Remark.missing` lists the parts the colour needs and the remark lacks;
the validation rules (automation/rules/remarks.py) turn that into findings.

Matching runs on a copy with full-width ASCII folded to half-width (one character for one, so the
offsets are the original's) and every part is cut from the original text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from .lazyre import lazy_compile

FLAGS = ("红", "黄", "绿", "紫", "蓝", "灰")
FLAG_NAMES = {"红": "红旗", "黄": "黄旗", "绿": "绿旗", "紫": "紫旗", "蓝": "蓝旗", "灰": "灰旗"}
PARTS = ("name", "date", "reason", "requests", "items", "price_diff", "postage")
BUYER, SELLER = "买家", "卖家"

# What each colour's convention needs (002 §23.5). Yellow needs the answering agent's name or the
# word that makes it public (公共/公共订单); an empty yellow remark says neither.
REQUIRED: dict[str, tuple[str, ...]] = {
    "红": ("name", "requests"),
    "黄": ("name",),
    "绿": ("date", "reason", "name"),
    "紫": ("date", "items", "price_diff", "postage", "name"),
    "蓝": ("date", "reason", "postage", "name"),
    "灰": (),
}


@dataclass(frozen=True)
class Remark:
    flag: str | None  # canonical 红/黄/绿/紫/蓝/灰
    flag_source: str | None  # "column" / "marker" / None
    name: str | None  # the agent's name
    date: dt.date | None
    reason: str | None
    requests: str | None  # the customer's requests (red; yellow if any)
    items: str | None  # what is exchanged (purple)
    price_diff: Decimal | None  # + the buyer pays more, - the shop refunds the difference
    postage: Decimal | None
    public: bool  # a public order (yellow without a name, or 公共 written)
    waybill: str | None  # a waybill number mentioned (the exchange's new parcel)
    freight_collect: bool  # 到付 mentioned
    missing: tuple[str, ...]  # parts the colour's convention needs that are absent (PARTS order)
    text: str  # the original remark
    postage_payer: str | None = None  # "买家" / "卖家" when the remark says who bears the postage
    marker_flag: str | None = None  # the flag the remark's own marker states (kept when the column wins)

    @property
    def flag_conflict(self) -> bool:
        """The flag column and the remark's marker name different colours (the column won)."""
        return self.flag_source == "column" and self.marker_flag is not None and self.marker_flag != self.flag


# ---- character folding ---------------------------------------------------------------------------

_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF.update({0x3000: 0x20, 0xFFE5: 0xA5, 0x3010: 0x5B, 0x3011: 0x5D, 0x3014: 0x5B, 0x3015: 0x5D,
              0x2014: 0x2D, 0x2013: 0x2D, 0x3001: 0x2C, 0x3002: 0x2C, 0x00A0: 0x20})
_BLANK = "\x00"


def _fold(text: str) -> str:
    """Full-width ASCII, 【】, 、。 and dashes to plain ASCII, one character for one."""
    return text.translate(_HALF)


# ---- the flag --------------------------------------------------------------------------------------

_COLOUR_WORDS = {
    "粉红": "紫", "红": "红", "黄": "黄", "绿": "绿", "紫": "紫", "粉": "紫", "蓝": "蓝", "灰": "灰",
    "red": "红", "yellow": "黄", "green": "绿", "purple": "紫", "pink": "紫", "blue": "蓝", "grey": "灰", "gray": "灰",
}
_COLOUR = "|".join(sorted(map(re.escape, _COLOUR_WORDS), key=len, reverse=True))
_MARKER = lazy_compile(
    rf"^\s*(?:"
    rf"[\[(]\s*(?:插|标)?\s*(?P<a>{_COLOUR})\s*色?\s*(?:旗|旗子|flag)?\s*[\])]"  # 【红】 [红旗] (red)
    rf"|(?:插|标|打)?(?P<b>{_COLOUR})\s*色?\s*(?:旗子|旗(?!袍)|\s*flag\b)"  # 红旗 紫色旗 red flag (not 旗袍)
    rf")\s*", re.IGNORECASE)
_TAOBAO_CODES = {"0": "灰", "1": "红", "2": "黄", "3": "绿", "4": "蓝", "5": "紫"}


def flag_from_cell(value: object) -> str | None:
    """A flag column's cell as a canonical colour: names first (红/红色/红旗/red…), then Taobao codes 0–5."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _fold(str(value)).strip().lower().replace(" ", "")
    if not text:
        return None
    word = re.fullmatch(rf"(?:插|标)?({_COLOUR})色?(?:旗子|旗|flag)?", text)
    if word:
        return _COLOUR_WORDS[word.group(1)]
    hit, problem = _schema_flag()(text)  # the orders schema's own synonyms (team spellings)
    if problem is None and hit in FLAGS:
        return hit
    return _TAOBAO_CODES.get(text.removesuffix(".0"))


@cache
def _schema_flag():
    from .coerce import coercer
    from .schema import schema

    return coercer(schema("orders").column("flag"))


def _marker(folded: str) -> tuple[str | None, int]:
    hit = _MARKER.match(folded)
    if not hit:
        return None, 0
    word = (hit.group("a") or hit.group("b")).lower()
    return _COLOUR_WORDS[word], hit.end()


def _decide(column: str | None, marker: str | None) -> tuple[str | None, str | None]:
    """The column wins; a grey column is Taobao's "no flag" and does not override a marker."""
    if column and not (column == "灰" and marker):
        return column, "column"
    if marker:
        return marker, "marker"
    return None, None


# ---- money, waybills, dates --------------------------------------------------------------------

_AMOUNT = r"[¥$]?\s*(?P<amt>[-+]?\d+(?:\.\d+)?)\s*(?:元|块钱|块|rmb)?"
_PRICE_DIFF = lazy_compile(rf"(?P<lab>补差价|退差价|补差|退差|差价|差额)\s*(?:为|是|:)?\s*{_AMOUNT}", re.IGNORECASE)
_PRICE_DIFF_BEFORE = lazy_compile(r"(?P<lab>补|退)\s*[¥$]?\s*(?P<amt>\d+(?:\.\d+)?)\s*(?:元|块)?\s*(?:的)?差价")
_NO_DIFF = lazy_compile(r"无差价|没有差价|没差价|不补差价?|无需补差价?|差价无|差价为?零|无差额|同价")

_PAYERS = {"买家": BUYER, "顾客": BUYER, "客户": BUYER, "买方": BUYER, "亲": BUYER, "自理": BUYER,
           "卖家": SELLER, "店铺": SELLER, "我方": SELLER, "商家": SELLER, "本店": SELLER, "店家": SELLER,
           "公司": SELLER, "我们": SELLER, "我司": SELLER}
_PAYER = "|".join(_PAYERS)
_BEAR = r"(?:承担|出|付|支付|负责|自付|包)"
_FEE = r"(?:来回|往返|寄回|退回|寄出)?(?:运费|邮费|快递费|来回邮费)"
_POSTAGE = lazy_compile(
    rf"(?:(?P<p0>{_PAYER})\s*{_BEAR}?\s*{_FEE}"  # 买家承担运费12元
    rf"|{_FEE}\s*(?:为|是|:)?\s*(?P<p1>{_PAYER})?\s*{_BEAR}?)"  # 运费买家承担12元 / 运费12 / 运费卖家出
    rf"\s*(?:[¥$]\s*)?(?P<amt>\d+(?:\.\d+)?)?\s*(?:元|块钱|块)?"
    rf"(?:\s*(?P<p2>{_PAYER})\s*{_BEAR})?(?:\s*已(?:退|付|补|返|承担))?", re.IGNORECASE)
_FREE_POSTAGE = lazy_compile(r"包邮|免运费|免邮")
_FREIGHT_COLLECT = lazy_compile(r"到付")
_PUBLIC = lazy_compile(r"公共(?:订单|单)?")

_COURIERS = r"(?:顺丰|中通|圆通|申通|韵达|极兔|邮政|EMS|京东|德邦|百世|天天)"
_WAYBILL_LABELLED = lazy_compile(
    rf"(?:新单号|新运单号?|运单号|快递单号|物流单号|单号|运单)\s*(?:是|为|:)?\s*{_COURIERS}?\s*(?P<wb>[A-Za-z]{{0,4}}\d{{8,16}}[A-Za-z]{{0,2}})",
    re.IGNORECASE)
_WAYBILL_BARE = lazy_compile(rf"(?:{_COURIERS}\s*)?(?<![A-Za-z0-9])(?P<wb>[A-Za-z]{{2,4}}\d{{9,15}}|\d{{12,15}})(?![A-Za-z0-9])")

_YMD = lazy_compile(r"(?<!\d)(?P<y>20\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?(?!\d)")
_MD = lazy_compile(r"(?<![\d.¥$])(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*[日号]?"
                 r"(?![\d.]|\s*(?:元|块|kg|斤|件|个|cm|米|折|%|码|天|小时|寸))", re.IGNORECASE)


def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        return None


def _make_date(year: int, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(year, int(month), int(day))
    except ValueError:
        return None


# ---- names ------------------------------------------------------------------------------------

_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向"
    "汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季"
    "裴霍涂成苗谷盛曲翁冉骆路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚"
    "岑景党宫卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "小阿老")  # 小美, 阿珍, 老王: the nicknames agents go by
_NOT_NAME = lazy_compile(
    r"换|退|补|货|款|截单|下架|缺|断|差价|运费|邮费|包邮|到付|质量|尺码|码数|颜色|色差|款式|喜欢|合适|拍错|发错|错发|破损|瑕疵"
    r"|快递|顺丰|中通|圆通|申通|韵达|极兔|邮政|京东|德邦|地址|小样|赠|发货|催|公共|买家|卖家|顾客|客户|要求|原因|事由"
    r"|备注|已|未|无|没|不|要|送|急|改|拦|签收|拒收|问题|理由|异常|订单|单号|活动|客服|留言|联系|电话|尽快|今天|明天|号")
_NAME_SHAPE = lazy_compile(r"[\u4e00-\u9fff]{2,4}|[A-Za-z][A-Za-z.]{1,15}")
_AGENT_PREFIX = lazy_compile(r"^(?:客服|经办人?|处理人?|接单人?|by)\s*[:]?\s*", re.IGNORECASE)


def _is_name_shape(word: str, *, surname: bool) -> bool:
    if not _NAME_SHAPE.fullmatch(word) or _NOT_NAME.search(word):
        return False
    if word.isascii():
        return not surname and word.upper() not in {"XS", "S", "M", "L", "XL", "XXL", "XXXL", "SF", "EMS"}
    return not surname or (len(word) <= 3 and word[0] in _SURNAMES)


def _staff_names(staff: Iterable) -> tuple[str, ...]:
    """Staff names, longest first (so 张三丰 is tried before 张三); a list of names is sorted once per run."""
    given = tuple(staff or ())
    try:
        return _sorted_names(given)
    except TypeError:  # Person objects (unhashable): sort them each time
        return _sorted_names.__wrapped__(given)


@lru_cache(maxsize=64)
def _sorted_names(staff: tuple) -> tuple[str, ...]:
    names = {str(getattr(p, "name", p)).strip() for p in staff}
    return tuple(sorted((n for n in names if n), key=len, reverse=True))


@lru_cache(maxsize=64)
def _name_patterns(names: tuple[str, ...]) -> tuple[tuple[str, re.Pattern], ...]:
    """Each staff name compiled once per run, not once per remark."""
    return tuple((n, re.compile(re.escape(n))) for n in names)


# ---- segments (what is left once marker, money, waybill, date and name are cut out) ----------------

_LABEL = lazy_compile(
    r"^(?P<lab>换货内容|换货原因|退款原因|退货原因|异常原因|顾客要求|客户要求|买家要求|原因|事由|理由|内容|要求|备注"
    r"|退货退款|退款退货|仅退款|申请退款|申请退货|申请换货|换货|换成|退款|退货|异常|催单|催付)\s*[:]?\s*")
_REASON_WORDS = lazy_compile(
    r"尺码|码数|偏大|偏小|大了|小了|不合适|颜色|色差|款式|不喜欢|无理由|七天|7天|质量|破损|瑕疵|开线|掉色|起球|发错|错发"
    r"|货不对板|少发|漏发|拍错|不想要|重复|缺货|断货|截单|下架|延迟|拦截|地址|拒收|退回|超区|偏远")

# a colour or a size standing alone (`黑色`, `XL`, `XL码`, `42码`, `均码`) after the exchanged items: more of them
_ITEM_PART = lazy_compile(
    r"(?:(?:浅|深|亮|墨|酒|天|宝|藏|军|卡其|咖啡|焦糖|奶|米|杏|驼|[黑白红黄蓝绿灰粉紫棕青橙咖银金])+色?)?"
    r"(?:x{0,4}[sml]|\d{1,3}(?:\.5)?|均|大|小|加大)?(?:码|号|cm)?", re.IGNORECASE)


class _Cutter:
    """The folded text with found parts blanked out, so later patterns never match inside them."""

    def __init__(self, original: str):
        self.original = original
        self.chars = list(_fold(original))

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def cut(self, start: int, end: int) -> None:
        self.chars[start:end] = _BLANK * (end - start)

    def segments(self) -> list[tuple[int, int]]:
        return [m.span() for m in re.finditer(r"[^\s,;|/+\x00:~]+", self.text)]


def _first(pattern: re.Pattern, cutter: _Cutter) -> re.Match | None:
    hit = pattern.search(cutter.text)
    if hit:
        cutter.cut(*hit.span())
    return hit


def _price_diff(cutter: _Cutter) -> Decimal | None:
    hit = _first(_PRICE_DIFF, cutter) or _first(_PRICE_DIFF_BEFORE, cutter)
    if hit:
        amount = _money(hit.group("amt"))
        if amount is not None and hit.group("lab").startswith("退") and amount > 0:
            amount = -amount
        return amount
    return Decimal(0) if _first(_NO_DIFF, cutter) else None


def _postage(cutter: _Cutter) -> tuple[Decimal | None, str | None, bool]:
    """(amount, payer, stated): `stated` when the remark says anything about postage."""
    for hit in _POSTAGE.finditer(cutter.text):
        payer = hit.group("p0") or hit.group("p1") or hit.group("p2")
        if payer or hit.group("amt"):
            cutter.cut(*hit.span())
            return _money(hit.group("amt")) if hit.group("amt") else None, _PAYERS.get(payer), True
    if _first(_FREE_POSTAGE, cutter):
        return Decimal(0), SELLER, True
    return None, None, False


def _waybill(cutter: _Cutter) -> str | None:
    hit = _first(_WAYBILL_LABELLED, cutter) or _first(_WAYBILL_BARE, cutter)
    return hit.group("wb").upper() if hit else None


def _date(cutter: _Cutter, year: int) -> dt.date | None:
    for pattern in (_YMD, _MD):
        for hit in pattern.finditer(cutter.text):
            found = _make_date(int(hit.group("y")) if "y" in pattern.groupindex else year, hit.group("m"), hit.group("d"))
            if found:
                cutter.cut(*hit.span())
                return found
    return None


@dataclass
class _Name:
    name: str | None = None
    colon_end: int | None = None  # where the text after `name:` starts


def _name(cutter: _Cutter, staff: tuple[str, ...]) -> _Name:
    text = cutter.text
    known = [(m.start(), m.end(), n) for n, pattern in _name_patterns(staff) for m in pattern.finditer(text)]
    if known:
        after_colon = [k for k in known if re.match(r"\s*:", text[k[1]:])]
        start, end, name = after_colon[0] if after_colon else max(known)
        return _take_name(cutter, start, end, name)
    lead = re.match(rf"^[\s\x00+,-]*(?:客服\s*)?(?P<n>[^\s\x00:,;]{{2,16}}?)\s*:", text)
    if lead and _is_name_shape(lead.group("n"), surname=False):
        return _take_name(cutter, lead.start("n"), lead.end("n"), lead.group("n"))
    spans = cutter.segments()
    if spans:
        start, end = spans[-1]
        word = text[start:end]
        prefix = _AGENT_PREFIX.match(word)
        bare = word[prefix.end():] if prefix else word
        if _is_name_shape(bare, surname=not prefix):
            return _take_name(cutter, end - len(bare), end, bare)
    return _Name()


def _take_name(cutter: _Cutter, start: int, end: int, name: str) -> _Name:
    text = cutter.text
    colon = re.match(r"\s*:", text[end:])
    prefix = re.search(r"(?:客服|经办人?|by)\s*$", text[:start], re.IGNORECASE)
    cutter.cut(prefix.start() if prefix else start, end + (colon.end() if colon else 0))
    return _Name(name, end + colon.end() if colon else None)


@dataclass(frozen=True)
class _Piece:
    label: str | None  # 换货 in `换货:白色L换黑色XL`
    start: int  # after the label
    end: int


def _pieces(cutter: _Cutter) -> list[_Piece]:
    """What is left once marker, money, waybill, date and name are cut out, label words split off."""
    out: list[_Piece] = []
    carried = None  # `换货 黑色XL`: a label standing alone names the next piece
    for start, end in cutter.segments():
        label = _LABEL.match(cutter.text[start:end])
        if label and label.end() == end - start:
            carried = label.group("lab")
            continue
        skip = label.end() if label else 0
        out.append(_Piece(label.group("lab") if label else carried, start + skip, end))
        carried = None
    return out


def _stitch(cutter: _Cutter, pieces: list[_Piece], others: list[_Piece] = ()) -> str | None:
    """The pieces as written, with the user's own punctuation between neighbours (a space across a cut
    or across `others`: another part's pieces written in between, e.g. a purple reason on both sides
    of the exchanged items)."""
    out = ""
    previous = None
    for piece in pieces:
        if piece.start >= piece.end:
            continue
        if previous is not None:
            gap = cutter.original[previous:piece.start]
            crossed = _BLANK in cutter.text[previous:piece.start] or any(previous <= o.start < piece.start for o in others)
            out += gap if not crossed and gap.strip() else " "
        out += cutter.original[piece.start:piece.end]
        previous = piece.end
    return out.strip() or None


# ---- the parser ----------------------------------------------------------------------------------

def parse_remark(text: object, flag_cell: object = None, *, staff: Iterable = (), promo: bool = False,
                 default_year: int | None = None) -> Remark:
    """Parse one seller remark (and its flag cell, if the sheet has a flag column). Never raises.

    A day's orders repeat their remarks (`张三：送小样`, `快递截单`): each distinct (remark, flag, staff,
    promotion, year) is parsed once per process, so validate, flags and attribution share the work.
    `Remark` is frozen, so sharing one is safe."""
    original = "" if text is None else str(text)
    if not original.strip() and flag_cell in (None, ""):  # most orders carry no remark at all
        return _no_remark(original)
    names = _staff_names(staff)
    year = default_year or dt.date.today().year
    try:
        return _parse_once(original, flag_cell.__class__, flag_cell, names, promo, year)
    except TypeError:  # an unhashable flag cell: never from our sources, but never crash either
        return _parse(original, flag_cell, names, promo, year)


@lru_cache(maxsize=1024)
def _no_remark(original: str) -> Remark:
    return Remark(None, None, None, None, None, None, None, None, None, False, None, False, (), original)


@lru_cache(maxsize=1 << 17)
def _parse_once(original: str, cell_type: type, flag_cell: object, staff: tuple[str, ...], promo: bool,
                year: int) -> Remark:
    """`cell_type` keeps 1, 1.0 and True (equal as keys) apart: a flag cell of True is no flag."""
    return _parse(original, flag_cell, staff, promo, year)


def _parse(original: str, flag_cell: object, staff: tuple[str, ...], promo: bool, default_year: int) -> Remark:
    cutter = _Cutter(original)
    marker, end = _marker(cutter.text)
    cutter.cut(0, end)
    flag, source = _decide(flag_from_cell(flag_cell), marker)

    waybill = _waybill(cutter)
    price_diff = _price_diff(cutter)
    postage, payer, postage_stated = _postage(cutter)
    freight_collect = _first(_FREIGHT_COLLECT, cutter) is not None
    date = _date(cutter, default_year)
    said_public = _first(_PUBLIC, cutter) is not None
    who = _name(cutter, staff)
    public = said_public or (flag == "黄" and who.name is None)
    reason, requests, items = _body(flag, cutter, who)

    found = {"name": who.name, "date": date, "reason": reason, "requests": requests, "items": items,
             "price_diff": price_diff, "postage": True if (postage_stated or freight_collect) else None}
    needed = REQUIRED.get(flag, ()) if flag else ()
    if flag == "黄" and said_public:
        found["name"] = "公共"  # public: no agent name needed
    missing = tuple(p for p in PARTS if p in needed and found[p] is None and not (p == "name" and promo))
    return Remark(flag, source, who.name, date, reason, requests, items, price_diff, postage, public, waybill,
                  freight_collect, missing, original, payer, marker)


def _body(flag: str | None, cutter: _Cutter, who: _Name):
    """(reason, requests, items) from what is left, by what the colour's convention calls them."""
    pieces = _pieces(cutter)
    if flag == "红" and who.colon_end is not None:
        after = cutter.original[who.colon_end:].strip(" \t\u3000,，;；")
        return None, after or None, None
    if flag in ("红", "黄"):
        return None, _stitch(cutter, pieces), None
    if flag == "紫":
        text = lambda p: cutter.text[p.start:p.end]  # noqa: E731
        chosen = {p for p in pieces if p.label in ("换货", "换成", "换货内容") or re.search(r"换|→|->", text(p))}
        for before, piece in zip(pieces, pieces[1:]):  # `换货内容：黑色 XL`, `白色L 换 黑色XL`: written with spaces
            if before in chosen and piece.label is None and _ITEM_PART.fullmatch(text(piece)):
                chosen.add(piece)
        items = [p for p in pieces if p in chosen]
        reasons = [p for p in pieces if p not in items
                   and (p.label in ("原因", "事由", "理由", "换货原因") or _REASON_WORDS.search(text(p)))]
        rest = [p for p in pieces if p not in items and p not in reasons]
        if not items:
            items, rest = rest, []
        return _stitch(cutter, reasons + rest, items), None, _stitch(cutter, items, reasons + rest)
    if flag in ("绿", "蓝"):
        return _stitch(cutter, pieces), None, None
    return None, None, None


# ---- the canonical form ---------------------------------------------------------------------------

def _amount(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    return text


def _postage_text(remark: Remark) -> str | None:
    if remark.postage == 0 and remark.postage_payer == SELLER:
        return "包邮"
    if remark.postage_payer and remark.postage is not None:
        return f"运费{remark.postage_payer}承担{_amount(remark.postage)}元"
    if remark.postage_payer:
        return f"运费{remark.postage_payer}承担"
    if remark.postage is not None:
        return f"运费{_amount(remark.postage)}元"
    return None


_MISSING_ZH = {"name": "姓名", "date": "日期", "reason": "原因", "requests": "顾客要求", "items": "换货内容",
               "price_diff": "差价", "postage": "运费"}


def canonical(remark: Remark) -> str:
    """The remark rewritten in the shop's convention, e.g. `【紫旗】2026-10-12 换货：白色L换黑色XL 差价0 运费买家承担12元 李四`.

    Parts the convention needs but the remark lacks are listed at the end as `〔缺：日期、姓名〕`.
    Without a flag (or grey) the remark is returned as written.
    """
    flag = remark.flag
    if flag is None or flag == "灰":
        return remark.text.strip()
    head = f"【{FLAG_NAMES[flag]}】"
    date = remark.date.isoformat() if remark.date else None
    if flag == "红":
        body = f"{remark.name}：{remark.requests or ''}" if remark.name else (remark.requests or "")
        parts = [body]
    elif flag == "黄":  # 公共订单 only when the remark said so; an empty one is left for staff to decide
        said_public = "name" not in remark.missing
        parts = [remark.name or ("公共订单" if said_public else None), f"：{remark.requests}" if remark.requests else None]
        return head + "".join(p for p in parts if p) + _missing_note(remark)
    elif flag == "绿":
        parts = [date, remark.reason, remark.name]
    elif flag == "紫":
        diff = f"差价{_amount(remark.price_diff)}" if remark.price_diff is not None else None
        parts = [date, f"换货：{remark.items}" if remark.items else None, remark.reason, diff,
                 _postage_text(remark), "到付" if remark.freight_collect else None,
                 f"新单号{remark.waybill}" if remark.waybill else None, remark.name]
    else:  # 蓝
        parts = [date, f"退款：{remark.reason}" if remark.reason else None, _postage_text(remark),
                 "到付" if remark.freight_collect else None, remark.name]
    return head + " ".join(p for p in parts if p) + _missing_note(remark)


def _missing_note(remark: Remark) -> str:
    if not remark.missing:
        return ""
    names = {**_MISSING_ZH, "name": "姓名或公共订单"} if remark.flag == "黄" else _MISSING_ZH
    return " 〔缺：" + "、".join(names[p] for p in remark.missing) + "〕"
