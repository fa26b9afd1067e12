"""Order rules (M-ORD-*): address and phone, items, price changes, postage, shipping time, waybills,
duplicates, cash on delivery, unpaid orders to chase."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import cache, lru_cache
from itertools import compress

from ..geo import province_of
from ..tables import Record, Table
from .catalog import Context, Hit, hit, rule
from .needs import CannotCheck, any_of, own
from .couriers import courier_name, waybill_patterns
from .reading import damaged_cells

UNPAID = "等待买家付款"
PAID_WAITING = "买家已付款，等待卖家发货"
SHIPPED = "卖家已发货，等待买家确认"
DONE = "交易成功"
CLOSED = "交易关闭"

MOBILE = re.compile(r"^(?:(?:\+|00)86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(?:0\d{2,3})?\d{7,8}(?:(?:转|ext|#)\d{1,6})?$")
# With its area code: only then is a last `-digits` an extension (138-1234-567 is a mobile short of a digit)
LANDLINE_WITH_EXTENSION = re.compile(r"^0\d{2,3}[1-9]\d{6,7}-\d{1,6}$")
SIX_DIGITS = re.compile(r"\d{6}")
POSTCODE_IN_ADDRESS = re.compile(r"[（(]\s*(\d*)\s*[)）]\s*$")
ITEM_SEPARATORS = re.compile(r"[;；]")


def is_paid(record: Record) -> bool:
    status = record.get("status")
    if status is not None:
        return status in (PAID_WAITING, SHIPPED, DONE)
    return record.get("paid_at") is not None


def is_shipped(record: Record) -> bool:
    """The status decides when there is one (a paid order waiting to ship may already carry the
    courier the buyer asked for); without a status, any shipping detail means shipped."""
    status = record.get("status")
    if status is not None:
        return status in (SHIPPED, DONE)
    return any(record.get(f) is not None for f in ("shipped_at", "courier", "waybill"))


def address_of(record: Record) -> str | None:
    return record.get("changed_address") or record.get("address")


# ── M-ORD-ADDR ──────────────────────────────────────────────────────────────

@rule("ORD001", "consignee-missing", "error", "M-ORD-ADDR", "orders", field="consignee",
      requires=own("consignee", any_of("status", "paid_at")),
      zh="已付款订单缺少收货人姓名", en="Paid order without a consignee name",
      fix_zh="向买家确认收货人姓名后填写。", fix_en="Confirm the consignee's name with the buyer and fill it in.")
def consignee_missing(table: Table, ctx: Context) -> Iterator[Hit]:
    if table.has("consignee"):
        for record in table.records:
            if is_paid(record) and not record.get("consignee"):
                yield hit(record, "consignee")


@rule("ORD002", "address-missing", "error", "M-ORD-ADDR", "orders", field="address",
      requires=own(any_of("address", "changed_address"), any_of("status", "paid_at")),
      zh="已付款订单缺少收货地址", en="Paid order without an address",
      fix_zh="向买家确认完整地址（省、市、区、街道）后填写。", fix_en="Confirm the full address (province, city, district, street) with the buyer.")
def address_missing(table: Table, ctx: Context) -> Iterator[Hit]:
    if table.has("address"):
        for record in table.records:
            if is_paid(record) and not address_of(record):
                yield hit(record, "address")


@rule("ORD003", "address-no-province", "error", "M-ORD-ADDR", "orders", field="address",
      requires=own(any_of("address", "changed_address")),
      zh="地址中找不到省份：{value}", en="No recognisable province in the address: {value}",
      fix_zh="地址应以省份开头（如“广东省 广州市 …”），请向买家确认后补全。",
      fix_en="The address should start with the province (e.g. 广东省 广州市 …); confirm it with the buyer.")
def address_no_province(table: Table, ctx: Context) -> Iterator[Hit]:
    for record in table.records:
        address = address_of(record)
        if address and is_paid(record) and province_of(address) is None:
            yield hit(record, "changed_address" if record.get("changed_address") else "address")


def _digits(phone: str) -> str:
    return re.sub(r"[\s\-()（）—–‐‑]", "", unicodedata.normalize("NFKC", phone))


def phone_ok(phone: str) -> bool:
    if phone.isascii() and phone.isdigit():  # the usual cell: nothing for _digits to take out
        return bool(MOBILE.match(phone) or LANDLINE.match(phone))
    text = _digits(phone)
    if MOBILE.match(text) or LANDLINE.match(text):
        return True
    # 020-83331234-8001: a landline's last dash separates its extension, which _digits took out
    head, dash, extension = unicodedata.normalize("NFKC", phone).strip().rpartition("-")
    return bool(dash and LANDLINE_WITH_EXTENSION.match(f"{_digits(head)}-{extension}"))


@rule("ORD004", "phone-missing", "error", "M-ORD-ADDR", "orders", field="phone",
      requires=own(any_of("phone", "landline"), any_of("status", "paid_at")),
      zh="已付款订单没有联系电话", en="Paid order without a phone number",
      fix_zh="向买家确认手机号码后填写。", fix_en="Confirm the buyer's mobile number and fill it in.")
def phone_missing(table: Table, ctx: Context) -> Iterator[Hit]:
    if table.has("phone") or table.has("landline"):
        for record in table.records:
            if is_paid(record) and not record.get("phone") and not record.get("landline"):
                yield hit(record, "phone" if table.has("phone") else "landline")


@rule("ORD005", "phone-invalid", "error", "M-ORD-ADDR", "orders", field="phone",
      requires=own(any_of("phone", "landline")),
      zh="电话号码格式不对：{value}", en="Not a valid phone number: {value}",
      fix_zh="手机号为 1 开头的 11 位数字（第二位 3–9，可带 +86）；座机写成 区号-号码。请向买家核对。",
      fix_en="A mobile is 11 digits starting 13–19 (optionally +86); a landline is area code-number. Check with the buyer.")
def phone_invalid(table: Table, ctx: Context) -> Iterator[Hit]:
    for record in table.records:
        for name in ("phone", "landline"):
            value = record.get(name)
            if value and not phone_ok(str(value)):
                yield hit(record, name)


def postcode_of(record: Record) -> tuple[str | None, str | None]:
    """(postcode, field it came from): the postcode column, else Taobao's `(510080)` after the address."""
    if record.get("postcode"):
        return unicodedata.normalize("NFKC", str(record.get("postcode"))).strip(), "postcode"
    for name in ("changed_address", "address"):
        found = POSTCODE_IN_ADDRESS.search(str(record.get(name) or ""))
        if found:  # an empty `()` is no postcode (it is optional); full-width digits count as digits
            code = unicodedata.normalize("NFKC", found.group(1))
            return (code, name) if code else (None, None)
    return None, None


@rule("ORD006", "postcode-invalid", "error", "M-ORD-ADDR", "orders", field="postcode",
      requires=own(any_of("postcode", "address", "changed_address")),
      zh="邮编不是 6 位数字：{value}", en="The postcode is not 6 digits: {value}",
      fix_zh="邮编为 6 位数字，可不填；请核对或删除。以 0 开头的邮编（如 010010）请把单元格设为文本，否则表格会去掉开头的 0。",
      fix_en="A postcode is 6 digits and optional; correct or remove it. Format the cell as text for a postcode starting with 0 "
             "(such as 010010), or the spreadsheet drops the leading 0.")
def postcode_invalid(table: Table, ctx: Context) -> Iterator[Hit]:
    for record, code, where in postcodes(table, ctx):
        if _not_six_digits(code):
            yield hit(record, where, code)


def _not_six_digits(code: str) -> bool:  # ORD006's test
    return not SIX_DIGITS.fullmatch(code)


def _placeholder(code: str) -> bool:  # ORD007's test
    return code == "000000"


def postcodes(table: Table, ctx: Context) -> list[tuple[Record, str, str]]:
    """(record, postcode, field) of every row whose postcode ORD006 or ORD007 reports (not six digits, or
    the 000000 placeholder), found once per run for both. Only those rows are kept: the memo lives until
    the rules end (a million rows' tuples at 1M, ~115 MiB)."""
    def find() -> list[tuple[Record, str, str]]:
        return [(record, code, where) for record in table.records
                for code, where in (postcode_of(record),)
                if code is not None and (_placeholder(code) or _not_six_digits(code))]

    return ctx.memo(("postcodes", id(table)), find)


@rule("ORD007", "postcode-placeholder", "warning", "M-ORD-ADDR", "orders", field="postcode",
      requires=own(any_of("postcode", "address", "changed_address")),
      zh="邮编是占位的 000000", en="The postcode is the 000000 placeholder",
      fix_zh="淘宝在买家未填邮编时写 000000；如快递需要，请向买家确认。",
      fix_en="Taobao writes 000000 when the buyer gave none; ask the buyer if the courier needs it.")
def postcode_placeholder(table: Table, ctx: Context) -> Iterator[Hit]:
    for record, code, where in postcodes(table, ctx):
        if _placeholder(code):
            yield hit(record, where, code)


# ── M-ORD-ITEMS ─────────────────────────────────────────────────────────────

DEFAULT_COLOURS = ("白", "黑", "灰", "红", "粉", "橙", "黄", "绿", "青", "蓝", "紫", "棕", "咖", "米", "卡其",
                   "杏", "驼", "藏青", "酒红", "银", "金", "花", "色")
SIZE = re.compile(r"(?<![A-Za-z])(?:[2-6]?X{0,3}[SML]|X{1,3}L|\d?XL|均码|通码|free\s?size|F|\d{2,3}(?:/\d{2,3}[A-Z]?)?|\d{2}码|[大中小]号)(?![A-Za-z])",
                  re.IGNORECASE)


def item_complete(item: str, colours: tuple[str, ...]) -> bool:
    """`款式 颜色 尺码`: three or more words ending in a size, or (written together) a known colour
    word and a size with a model left over."""
    words = item.split()
    if len(words) >= 3 and SIZE.fullmatch(words[-1]):
        return True
    if not SIZE.search(item) or not any(c in item for c in colours):
        return False
    model = SIZE.sub("", item)
    for colour in colours:
        model = model.replace(colour, "")
    return bool(re.search(r"[\w\u4e00-\u9fff]", model))


def item_problems(items: str, colours: tuple[str, ...]) -> list[str]:
    """The items (split on ; or ；) that lack a model, a colour or a size."""
    return list(_item_problems(items, tuple(colours)))


@lru_cache(maxsize=1 << 16)
def _item_problems(items: str, colours: tuple[str, ...]) -> tuple[str, ...]:
    """Once per distinct items text (a shop sells a few hundred products)."""
    return tuple(item for item in (p.strip() for p in ITEM_SEPARATORS.split(items)) if item and not item_complete(item, colours))


@rule("ORD008", "items-incomplete", "error", "M-ORD-ITEMS", "orders", field="items",
      requires=own("items"),
      zh="商品缺少款式/颜色/尺码：{value}", en="Item without model/colour/size: {value}",
      fix_zh="每件商品写 款式 颜色 尺码（如“纯棉圆领T恤 白色 L”），多件之间用分号 ; 隔开。",
      fix_en="Write model colour size for each item (e.g. 纯棉圆领T恤 白色 L); separate items with ;.",
      options={"colours": DEFAULT_COLOURS})
def items_incomplete(table: Table, ctx: Context) -> Iterator[Hit]:
    colours = tuple(ctx.options["colours"])
    for record in table.records:
        items = record.get("items")
        if items and record.get("status") != CLOSED:
            bad = item_problems(str(items), colours)
            if bad:
                yield hit(record, "items", "；".join(bad))


# ── M-ORD-PRICE ─────────────────────────────────────────────────────────────

@rule("ORD009", "price-change-too-large", "error", "M-ORD-PRICE", "orders", field="goods_amount",
      requires=own("original_price", "goods_amount"),
      zh="改价超过原价的 {limit}：原价 {original}，改后 {value}", en="Price changed by more than {limit}: was {original}, now {value}",
      fix_zh="单笔订单改价不得超过 50%；请核对改价或请主管确认。", fix_en="An order's price may not change by more than 50 %; check it or ask the supervisor.",
      options={"max_ratio": Decimal("0.5")})
def price_change(table: Table, ctx: Context) -> Iterator[Hit]:
    limit = Decimal(ctx.options["max_ratio"])
    for record in table.records:
        original, now = record.get("original_price"), record.get("goods_amount")
        if original and now is not None and original > 0 and abs(now - original) / original > limit:
            yield hit(record, "goods_amount", now, original=original, limit=f"{limit * 100:.0f}%")


# ── M-ORD-FREIGHT ───────────────────────────────────────────────────────────

@rule("ORD010", "postage-mismatch", "warning", "M-ORD-FREIGHT", "orders", field="postage",
      requires=own("postage", any_of("address", "changed_address")),
      zh="邮费 {value} 与运费价目不符（{courier} 到 {province} {weight} kg 应为 {expected}）",
      en="Postage {value} differs from the rate card ({courier} to {province}, {weight} kg: {expected})",
      fix_zh="按收货地址核对邮费（偏远地区另计），不符请在买家付款前修改。",
      fix_en="Check the postage for the address (remote areas differ) and correct it before the buyer pays.",
      options={"weight_kg": Decimal(1), "courier": "", "free_shipping_ok": False, "tolerance": Decimal("0.00")})
def postage_mismatch(table: Table, ctx: Context) -> Iterator[Hit]:
    from ..courier.rates import NoRate, card_for, load_rate_cards

    cards = ctx.memo("rate_cards", lambda: load_rate_cards(ctx.config))
    if not cards:
        raise CannotCheck("no_config", ("shop.toml [rates.<快递>]",))
    weights = _shipment_weights(ctx)
    default_courier = ctx.options["courier"] or (next(iter(cards)) if len(cards) == 1 else None)
    for record in table.records:
        postage, province = record.get("postage"), province_of(address_of(record))
        if postage is None or province is None or record.get("status") == CLOSED:
            continue
        if postage == 0 and ctx.options["free_shipping_ok"]:
            continue  # 包邮: the shop bears the postage
        courier = courier_name(ctx.config, record.get("courier")) or default_courier
        card = card_for(cards, courier) if courier else None
        if card is None:
            continue
        weight = weights.get(str(record.get("order_id")), Decimal(ctx.options["weight_kg"]))
        try:
            expected = card.expected_fee(province, weight)
        except NoRate:
            continue
        if abs(postage - expected) > Decimal(ctx.options["tolerance"]):
            yield hit(record, "postage", postage, courier=card.courier, province=province, weight=weight, expected=expected)


def _shipment_weights(ctx: Context) -> dict[str, Decimal]:
    shipments = ctx.table("shipments")
    if shipments is None or not shipments.has("weight"):
        return {}
    return {str(r.get("order_id")): r.get("weight") for r in shipments.records
            if r.get("order_id") is not None and r.get("weight") is not None}


# ── M-ORD-SHIP1D ────────────────────────────────────────────────────────────

def shipped_on(record: Record, shipments: dict[str, dt.date]) -> dt.date | None:
    shipped = record.get("shipped_at")
    if shipped is not None:
        return shipped.date() if isinstance(shipped, dt.datetime) else shipped
    return shipments.get(str(record.get("order_id")))


def _shipment_dates(ctx: Context) -> dict[str, dt.date]:
    shipments = ctx.table("shipments")
    if shipments is None:
        return {}
    out: dict[str, dt.date] = {}
    for r in shipments.records:
        if r.get("order_id") is not None and r.get("date") is not None:
            out.setdefault(str(r.get("order_id")), r.get("date"))
    return out


@rule("ORD011", "shipped-late", "error", "M-ORD-SHIP1D", "orders", field="shipped_at",
      requires=own("paid_at"),
      zh="付款 {paid} 后未在下一个工作日（{deadline}）内发货：{value}",
      en="Paid {paid} but not shipped by the end of the next working day ({deadline}): {value}",
      fix_zh="已付款订单须在下一个工作日结束前发货（调休上班日也算工作日）；请尽快发货并说明原因。",
      fix_en="Paid orders ship by the end of the next working day (make-up working days count); ship now and note why.")
def shipped_late(table: Table, ctx: Context) -> Iterator[Hit]:
    if not table.has("paid_at"):
        return
    shipments = _shipment_dates(ctx)
    next_workday = cache(ctx.calendar.next_workday)  # once per distinct day, not once per order
    for record in table.records:
        paid = record.get("paid_at")
        if paid is None or (record.get("status") is not None and not is_paid(record)):
            continue
        deadline = next_workday(paid.date())
        shipped = shipped_on(record, shipments)
        field_name = "shipped_at" if table.has("shipped_at") else "paid_at"
        if shipped is not None and shipped > deadline:
            yield hit(record, field_name, shipped, paid=f"{paid:%m-%d %H:%M}", deadline=f"{deadline:%m-%d}")
        elif shipped is None and not is_shipped(record) and ctx.as_of > deadline:
            # no value (shown as （空）), not the cell's: without 发货时间 that cell is the payment time
            yield Hit(record.row, field_name, None, {"paid": f"{paid:%m-%d %H:%M}", "deadline": f"{deadline:%m-%d}"})


@rule("ORD018", "not-shipped-same-day", "warning", "M-SHIP-SAMEDAY", "orders", field="shipped_at",
      requires=own("paid_at"),
      zh="{paid} 付款（截单 {cutoff} 前），当天未发货：{value}", en="Paid {paid}, before the {cutoff} cut-off, but not shipped that day: {value}",
      fix_zh="当天件当天发：工作日截单时间前付款的订单当天发出；有特殊情况须告诉客服联系买家。",
      fix_en="Same-day orders ship the same day: orders paid before the cut-off on a working day leave that day; tell the agent if one cannot.",
      options={"cutoff": "16:00"})
def not_shipped_same_day(table: Table, ctx: Context) -> Iterator[Hit]:
    """当天件当天发 (000 五.1): the warning below ORD011 — paid before the cut-off on a working day,
    shipped later but within the next working day (later than that is ORD011's error)."""
    if not table.has("paid_at"):
        return
    cutoff = clock(ctx, "cutoff")
    shipments = _shipment_dates(ctx)
    calendar = ctx.calendar
    is_workday, next_workday = cache(calendar.is_workday), cache(calendar.next_workday)  # once per distinct day
    field_name = "shipped_at" if table.has("shipped_at") else "paid_at"
    for record in table.records:
        paid = record.get("paid_at")
        if paid is None or paid.time() >= cutoff or (record.get("status") is not None and not is_paid(record)):
            continue
        day = paid.date()
        if not is_workday(day):
            continue
        deadline = next_workday(day)
        shipped = shipped_on(record, shipments)
        late_today = shipped is not None and day < shipped <= deadline
        waiting = shipped is None and not is_shipped(record) and day < ctx.as_of <= deadline
        if late_today or waiting:
            # the ship day, or no value (as in ORD011): never the payment time of the cell pointed at
            yield Hit(record.row, field_name, shipped, {"paid": f"{paid:%m-%d %H:%M}", "cutoff": f"{cutoff:%H:%M}"})


# ── M-ORD-WAYBILL ───────────────────────────────────────────────────────────

WAYBILL_PARTS = {"waybill": ("快递单号", "waybill number"), "courier": ("快递公司", "courier")}


@rule("ORD012", "waybill-missing", "error", "M-ORD-WAYBILL", "orders", field="waybill",
      requires=own(any_of("waybill", "courier")),
      zh="订单已发货但没有{what}", en="Shipped order without a {what_en}",
      fix_zh="发货时须同时填写快递公司和快递单号；请从底单补填。",
      fix_en="Enter the courier and the waybill when marking an order shipped; copy it from the stub.")
def waybill_missing(table: Table, ctx: Context) -> Iterator[Hit]:
    """Shipped (by the status, when the sheet has one) but the courier or the waybill is empty."""
    present = [f for f in WAYBILL_PARTS if table.has(f)]
    damaged = damaged_cells(table)
    for record in table.records:
        if not is_shipped(record):
            continue
        for name in present:
            if record.get(name) is None and (record.row, name) not in damaged:
                zh, en = WAYBILL_PARTS[name]
                yield hit(record, name, what=zh, what_en=en)


@rule("ORD013", "waybill-implausible", "warning", "M-ORD-WAYBILL", "orders", field="waybill",
      requires=own("waybill", "courier"),
      zh="快递单号 {value} 不像{courier}的单号", en="Waybill {value} does not look like a {courier} number",
      fix_zh="核对快递公司与单号是否填反或抄错（规则可在 shop.toml 的 [couriers.<名称>] waybill_pattern 中调整）。",
      fix_en="Check the courier and the number (adjust the shape in shop.toml [couriers.<name>] waybill_pattern).")
def waybill_implausible(table: Table, ctx: Context) -> Iterator[Hit]:
    yield from implausible_waybills(table, ctx)


def implausible_waybills(table: Table, ctx: Context) -> Iterator[Hit]:
    patterns = ctx.memo("waybill_patterns", lambda: waybill_patterns(ctx.config))
    for record in table.records:
        waybill, courier = record.get("waybill"), courier_name(ctx.config, record.get("courier"))
        pattern = patterns.get(courier) if courier else None
        if waybill and pattern is not None and not pattern.fullmatch(str(waybill).upper()):
            yield hit(record, "waybill", courier=courier)


# ── M-ORD-DUP ───────────────────────────────────────────────────────────────

EXCHANGE_WORDS = ("换货", "换", "补发", "重发")


def _explained(record: Record, exchanged_orders: set[str]) -> bool:
    remark = str(record.get("remark") or "")
    return record.get("flag") == "紫" or any(w in remark for w in EXCHANGE_WORDS) or str(record.get("order_id")) in exchanged_orders


def _exchanged_orders(ctx: Context) -> set[str]:
    returns = ctx.table("returns")
    if returns is None:
        return set()
    return {str(r.get("order_id")) for r in returns.records if r.get("kind") == "换货" and r.get("order_id")}


def _rows_text(rows: list[int]) -> str:
    return "、".join(str(r) for r in rows)


def duplicate_groups(table: Table, field_name: str) -> Iterator[list[Record]]:
    """The rows sharing one value of a field, for every value on more than one row (sheet order)."""
    values = [record.get(field_name) for record in table.records]
    keys = list(map(str, values))
    repeated = {k for k, n in Counter(keys).items() if n > 1}  # counted in C; only these rows can form a group
    groups: dict[str, list[Record]] = defaultdict(list)
    for record, value in compress(zip(table.records, values), map(repeated.__contains__, keys)):
        if value is not None:
            key = str(value)
            if key.strip():
                groups[key].append(record)
    return (records for records in groups.values() if len(records) > 1)


@rule("ORD014", "waybill-on-two-orders", "error", "M-ORD-DUP", "orders", field="waybill",
      requires=own("waybill", "order_id"),
      zh="快递单号 {value} 也用在第 {others} 行的订单上，且备注中没有换货说明",
      en="Waybill {value} is also on the order(s) in row(s) {others}, and no remark explains an exchange",
      fix_zh="核对是否重复发货；如是换货，请在备注中写明换货与新单号。",
      fix_en="Check for a double shipment; if it is an exchange, write that and the new waybill in the remark.")
def waybill_on_two_orders(table: Table, ctx: Context) -> Iterator[Hit]:
    """Every row of the group is marked, each naming the others: which order is wrong is for staff
    to decide (the shipping register may say whose parcel it is)."""
    exchanged = _exchanged_orders(ctx)
    for records in duplicate_groups(table, "waybill"):
        if len({r.get("order_id") for r in records}) < 2 or any(_explained(r, exchanged) for r in records):
            continue
        for record in records:
            yield hit(record, "waybill", others=_rows_text([r.row for r in records if r is not record]))


@rule("ORD015", "order-id-duplicate", "error", "M-ORD-DUP", "orders", field="order_id",
      requires=own("order_id"),
      zh="订单编号 {value} 重复（也在第 {others} 行）", en="Order id {value} appears more than once (also in row(s) {others})",
      fix_zh="删除重复的行，或核对是否抄错订单编号。", fix_en="Delete the duplicate row or correct the order id.")
def order_id_duplicate(table: Table, ctx: Context) -> Iterator[Hit]:
    for records in duplicate_groups(table, "order_id"):
        for record in records:
            yield hit(record, "order_id", others=_rows_text([r.row for r in records if r is not record]))


# ── M-ORD-COD / M-ORD-URGE ──────────────────────────────────────────────────

COD_WORDS = ("货到付款", "到付款", "cod")


@rule("ORD016", "cod-contact-late", "error", "M-ORD-COD", "orders", field="contacted_at",
      requires=own("payment_method", "contacted_at", "created_at"),
      zh="货到付款订单未在下单后 {minutes} 分钟内联系买家（下单 {created}，联系 {value}）",
      en="Cash-on-delivery order not confirmed within {minutes} minutes (ordered {created}, contacted {value})",
      fix_zh="货到付款订单须在下单后 30 分钟内电话联系买家确认。", fix_en="Call the buyer within 30 minutes of a cash-on-delivery order.",
      options={"minutes": 30})
def cod_contact_late(table: Table, ctx: Context) -> Iterator[Hit]:
    if not (table.has("payment_method") and table.has("contacted_at") and table.has("created_at")):
        return
    limit = dt.timedelta(minutes=ctx.options["minutes"])
    for record in table.records:
        method, created = str(record.get("payment_method") or "").lower(), record.get("created_at")
        if created is None or not any(w in method for w in COD_WORDS) or record.get("status") == CLOSED:
            continue
        contacted = record.get("contacted_at")
        if (contacted is None and ctx.as_of > created.date()) or (contacted is not None and contacted - created > limit):
            yield hit(record, "contacted_at", contacted, minutes=ctx.options["minutes"], created=f"{created:%m-%d %H:%M}")


def clock(ctx: Context, key: str) -> dt.time:
    """An HH:MM rule option ([rules.options.<code>] key = "16:00") as a time of day."""
    text = str(ctx.options[key])
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        from ..errors import UserError

        raise UserError("rules.bad_config", detail=f"{key} = {text!r} must be a time written HH:MM, e.g. \"16:00\"")
    return dt.time(int(match.group(1)), int(match.group(2)))


@rule("ORD017", "unpaid-not-chased", "warning", "M-ORD-URGE", "orders", field="created_at",
      requires=own("created_at", any_of("chased_at", "flag")),
      zh="下单 {created} 到 {chase} 仍未付款，没有催付记录", en="Ordered {created}, still unpaid at {chase}, and no chase recorded",
      fix_zh="16:00 左右联系未付款的买家催付，并在“催付时间”列登记（或插黄旗）；重拍的订单征得买家同意后关闭。",
      fix_en="Chase unpaid buyers around 16:00 and record it in 催付时间 (or a yellow flag); close re-placed orders with the buyer's consent.",
      options={"chase_at": "16:00"})
def unpaid_not_chased(table: Table, ctx: Context) -> Iterator[Hit]:
    """Placed before the chase time and unpaid at it, that day, with no chase recorded (a 催付时间
    or a yellow 催单 flag). Not checkable without a created time or a column to record the chase in."""
    if not table.has("created_at") or not (table.has("chased_at") or table.has("flag")):
        return
    at = clock(ctx, "chase_at")
    for record in table.records:
        created, paid = record.get("created_at"), record.get("paid_at")
        if created is None or record.get("chased_at") is not None or record.get("flag") == "黄":
            continue
        chase = dt.datetime.combine(created.date(), at)
        unpaid_then = paid > chase if paid is not None else (not is_paid(record) and ctx.as_of > created.date())
        if created < chase and unpaid_then:
            yield hit(record, "created_at", created=f"{created:%m-%d %H:%M}", chase=f"{at:%H:%M}")


# ── M-ORD-REQUEST ───────────────────────────────────────────────────────────

COURIER_REQUEST = re.compile(r"(?:要|请|需要|只|指定|必须)?\s*(?:发|走|用)\s*(顺丰|中通|圆通|申通|韵达|极兔|邮政|EMS|京东|德邦|百世)",
                             re.IGNORECASE)
NEGATED = re.compile(r"[不别勿]")


def requested_courier(ctx: Context, record: Record) -> str | None:
    """The courier the buyer asked for (要发顺丰) in the seller remark or the buyer's message."""
    for name in ("remark", "buyer_message"):
        value = record.get(name)
        asked = _asked_for(str(value)) if value else None
        if asked is not None:
            return courier_name(ctx.config, asked) or asked
    return None


@lru_cache(maxsize=1 << 16)
def _asked_for(text: str) -> str | None:
    """The courier word a text asks for, once per distinct text (remarks repeat across a day's orders)."""
    for found in COURIER_REQUEST.finditer(text):
        if not NEGATED.search(text[max(0, found.start() - 2):found.start() + 1]):  # 不要发中通
            return found.group(1)
    return None


@rule("ORD019", "courier-not-as-requested", "error", "M-ORD-REQUEST", "orders", field="courier",
      zh="买家要求发{requested}，实际发的是{value}", en="The buyer asked for {requested}, the order went by {value}",
      fix_zh="按买家要求的快递发货（备注或买家留言中的“要发顺丰”等）；未按约定执行属于工作失误。",
      fix_en="Ship with the courier the buyer asked for (要发顺丰 in the remark or message); not doing so is a work error.",
      requires=own("courier", any_of("remark", "buyer_message")))
def courier_not_as_requested(table: Table, ctx: Context) -> Iterator[Hit]:
    if not table.has("courier") or not (table.has("remark") or table.has("buyer_message")):
        return
    for record in table.records:
        used = courier_name(ctx.config, record.get("courier"))
        if used is None or not is_shipped(record):
            continue
        wanted = requested_courier(ctx, record)
        if wanted is not None and wanted != used:
            yield hit(record, "courier", requested=wanted)


def paid_not_shipped(orders: Table) -> Iterator[Record]:
    for record in orders.records:
        if is_paid(record) and not is_shipped(record):
            yield record


def demand_by_sku(orders: Table) -> dict[str, int]:
    """Paid-not-shipped pieces per SKU (the oversell check joins it with the stock sheet). A multi-item
    order lists its SKUs as `A;B` (one piece each); a single SKU takes the order's quantity."""
    demand: dict[str, int] = defaultdict(int)
    for record in paid_not_shipped(orders):
        skus = [s.strip() for s in ITEM_SEPARATORS.split(str(record.get("sku") or "")) if s.strip()]
        for sku in skus:
            demand[sku] += int(record.get("quantity") or 1) if len(skus) == 1 else 1
    return dict(demand)
