"""What staff read for each rule in a listing (`shopbook rules`): its Chinese name, and which message placeholders the
rule's options fill (so `shopbook rules` shows 超过 7 天, not 超过 {limit} 天).

Kept as one table keyed by the stable code (beside the checks, not inside every decorator) so the
names can be read and reviewed together; `tests/test_rules_listing.py` holds them to the catalog:
every rule has a name here and every entry names a rule. English names come from the rule's slug.
"""

from __future__ import annotations

from decimal import Decimal

from ..i18n import pick

# code -> Chinese name
NAMES_ZH: dict[str, str] = {
    "AS001": "售后超期", "AS002": "运费承担方不对", "AS003": "换货未登记新单号", "AS004": "换货用了到付或平邮",
    "AS005": "换货备注缺新单号", "AS006": "换货备注写了到付或平邮", "AS007": "备注的运费承担方不对",
    "AS008": "售后备注超期", "AS009": "售后登记不完整", "AS010": "售后久未跟进", "AS011": "换货重发超时",
    "FLG001": "红旗备注不完整", "FLG002": "黄旗备注不完整", "FLG003": "绿旗备注不完整", "FLG004": "紫旗备注不完整",
    "FLG005": "蓝旗备注不完整", "FLG006": "旗帜与备注开头不一致", "FLG007": "买家要求未写进备注",
    "HND001": "缺交接记录", "HND002": "交接记录不完整", "HND003": "交接事项久未解决", "HND004": "差评未交接",
    "ORD001": "缺收货人", "ORD002": "缺收货地址", "ORD003": "地址缺省份", "ORD004": "缺联系电话",
    "ORD005": "电话格式不对", "ORD006": "邮编格式不对", "ORD007": "邮编是占位值", "ORD008": "商品信息不全",
    "ORD009": "改价幅度过大", "ORD010": "邮费与价目不符", "ORD011": "发货超时", "ORD012": "已发货缺快递单号",
    "ORD013": "快递单号不像该快递", "ORD014": "一个单号用在两个订单", "ORD015": "订单编号重复",
    "ORD016": "货到付款未及时联系", "ORD017": "未催付", "ORD018": "截单前付款当天未发",
    "ORD019": "快递与买家要求不符",
    "READ001": "长编号丢位", "READ002": "编号存成数字", "READ003": "日期无法识别", "READ004": "不是数字",
    "READ005": "不是可选值", "READ006": "单元格是错误值", "READ007": "公式没有计算结果", "READ008": "重复的表头",
    "SHP001": "发货商品与订单不符", "SHP002": "发货缺打包人", "SHP003": "底单缺快递员签名",
    "STF001": "客服未填班次", "SVC001": "首次响应太慢", "SVC002": "留言超时未回复",
    "STK001": "盘点过期", "STK002": "页面库存与实际不符", "STK003": "已到补货点", "STK004": "库存为负",
    "STK005": "超卖风险", "STK006": "入库未检验", "STK007": "盘点数对不上", "STK008": "发货未登记出库",
    "STK009": "残次品进了可售库存",
}

# code -> {message placeholder: the option whose value it shows}. Explicit, as a same-named
# placeholder may be the finding's own number (AS001's {days} is the days taken, its option `days` the limit).
OPTION_PLACEHOLDERS: dict[str, dict[str, str]] = {
    "AS001": {"limit": "days"}, "AS008": {"limit": "days"}, "AS010": {"limit": "days"},
    "HND003": {"limit": "max_days"}, "ORD009": {"limit": "max_ratio"}, "ORD016": {"minutes": "minutes"},
    "ORD017": {"chase": "chase_at"}, "ORD018": {"cutoff": "cutoff"}, "STK001": {"days": "max_days"},
    "SVC001": {"limit": "max_seconds"}, "SVC002": {"hours": "hours"},
}

# what a placeholder the options do not fill stands for, shown as 〈…〉 in a listing: (zh, en)
PLACEHOLDER_LABELS: dict[str, tuple[str, str]] = {
    "value": ("值", "value"), "kind": ("类型", "kind"), "days": ("天数", "days"), "signed": ("签收日", "sign-for date"),
    "limit": ("上限", "limit"), "reason": ("原因", "reason"), "expected": ("正确值", "expected"),
    "payer": ("承担方", "payer"), "date": ("日期", "date"), "header": ("列名", "column"), "since": ("起始日", "since"),
    "deadline": ("期限", "deadline"), "resent": ("重发情况", "resent"), "parts": ("缺少的部分", "missing parts"),
    "marker": ("备注开头", "remark prefix"), "what": ("要求", "request"), "what_en": ("要求", "request"),
    "shift": ("班次", "shift"), "original": ("原价", "original price"), "courier": ("快递", "courier"),
    "province": ("省份", "province"), "weight": ("重量", "weight"), "paid": ("付款时间", "paid at"),
    "others": ("其他行", "other rows"), "created": ("下单时间", "ordered at"), "minutes": ("分钟数", "minutes"),
    "chase": ("催付时间", "chase time"), "cutoff": ("截单时间", "cut-off"), "requested": ("要求的快递", "requested courier"),
    "cell": ("单元格", "cell"), "first": ("第一列", "first column"), "first_header": ("第一列表头", "first header"),
    "ordered": ("订单商品", "ordered items"), "name": ("姓名", "name"), "shifts": ("班次", "shifts"),
    "real": ("实际库存", "real stock"), "point": ("补货点", "reorder point"), "demand": ("件数", "quantity"),
    "before": ("上次盘点数", "last count"), "before_on": ("上次盘点日", "last count date"), "net": ("净变动", "net change"),
    "agent": ("客服", "agent"), "received": ("收到时间", "received at"), "hours": ("小时数", "hours"),
}


def title(code: str, slug: str) -> str:
    """The rule's name in the current language (English: the slug in words)."""
    return pick(NAMES_ZH.get(code, slug), slug.replace("-", " ").capitalize())


def filled(code: str, template: str, options: dict) -> str:
    """A message template as a listing shows it: option placeholders get the option's value (the
    default or the shop's), the others a 〈label〉 saying what the finding will put there."""
    import string  # not at the top: only a listing needs it, and importing it compiles a pattern

    names = OPTION_PLACEHOLDERS.get(code, {})
    out = []
    for literal, field_name, spec, _ in string.Formatter().parse(template):
        out.append(literal)
        if field_name is None:
            continue
        key = names.get(field_name)
        if key in options:
            out.append(_option_text(key, options[key]))
        else:
            label = PLACEHOLDER_LABELS.get(field_name, (field_name, field_name))
            out.append(pick(f"〈{label[0]}〉", f"<{label[1]}>"))
    return "".join(out)


def _option_text(key: str, value: object) -> str:
    if key.endswith("ratio") and isinstance(value, Decimal):
        return f"{value * 100:.0f}%"  # as the check shows it (改价超过原价的 50%)
    return str(value)
