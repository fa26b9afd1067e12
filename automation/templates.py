"""Template workbooks generated from the schemas: what a team can adopt instead of its own sheets.

Each template workbook holds one or more sheet kinds (TEMPLATE_BOOKS). Every sheet gets the
canonical Chinese headers, a frozen header row, text format on long-number columns (so Excel never
shows an order id as 5.12191E+18), date and money formats, and dropdowns for enums, couriers and
staff. Courier and staff lists live on a last sheet (下拉选项) so the team can edit them in place.
"""

from __future__ import annotations

import datetime as dt
import os

from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from .config import ShopConfig
from .i18n import pick, register, t
from .schema import Column, Schema, schema
from .tables import column_letter
from .textwidth import display_width
from .xlsxout import new_workbook


@dataclass(frozen=True)
class TemplateBook:
    filename: str
    kinds: tuple[str, ...]


# Which sheet kinds go into which template workbook. The courier's monthly bill (bill) is the
# courier's file, never a template.
TEMPLATE_BOOKS: tuple[TemplateBook, ...] = (
    TemplateBook("订单.xlsx", ("orders",)),
    TemplateBook("库存.xlsx", ("stock", "movements")),
    TemplateBook("发货.xlsx", ("shipments", "stubs")),
    TemplateBook("交接本.xlsx", ("handover",)),
    TemplateBook("客服.xlsx", ("service", "followups", "messages", "submissions", "reviews")),
    TemplateBook("售后.xlsx", ("returns",)),
    TemplateBook("扣分登记.xlsx", ("incidents",)),
    TemplateBook("人员.xlsx", ("staff",)),
)

DEFAULT_COURIERS = ("中通", "圆通", "申通", "韵达", "顺丰", "极兔", "邮政", "京东", "德邦")
BOOL_CHOICES = ("是", "否")

# Cell formats by column type; types not listed stay General.
NUMBER_FORMATS = {
    "id": "@", "phone": "@", "waybill": "@",
    "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
    "money": "#,##0.00", "int": "0",
}
# Text columns holding digit codes whose leading zeros matter (邮编 010000, 商家编码 00123).
TEXT_FORMAT_FIELDS = frozenset({"postcode", "sku"})
# Fields whose dropdown is the courier list / the staff list.
COURIER_FIELDS = frozenset({"courier"})
STAFF_FIELDS = frozenset({"agent", "packer", "from_person", "to_person", "person", "recorded_by",
                          "handled_by", "counted_by", "supervisor", "recipient"})

MIN_WIDTHS = {"id": 22, "waybill": 18, "phone": 14, "datetime": 17, "date": 12, "money": 11}
WIDE_FIELDS = {"address": 40, "changed_address": 40, "items": 34, "remark": 34, "buyer_message": 28,
               "content": 34, "note": 24, "text": 34, "annotation": 28, "reason": 24, "followed_up": 24,
               "result": 24, "exchange_to": 20, "product": 20, "status": 14, "email": 24}

VALIDATION_ROWS = 1_048_576  # the whole column below the header
LISTS_SHEET = "下拉选项"
LIST_ROWS = 200  # rows of the lists sheet a dropdown looks at
# Titles on the lists sheet end in 选项 so they never match a schema header (the sheet is no table).
LIST_SUFFIX = "选项"
COURIER_LIST = "快递公司" + LIST_SUFFIX
STAFF_LIST = "员工姓名" + LIST_SUFFIX
# Reproducible files: the same schemas give byte-identical templates (no churn in git).
FIXED_CREATED = dt.datetime(2026, 1, 1)

register({
    "templates.written": ("已生成：{path}", "Written: {path}"),
    "templates.cannot_write": ("无法在 {path} 写入文件（{detail}）。请检查文件夹权限，或换一个文件夹。",
                               "Cannot write in {path} ({detail}). Check the folder's permissions or choose another folder."),
    "templates.kept": ("已存在，保留原文件：{path}", "Already there, kept as is: {path}"),
    "templates.required_note": ("必填列", "Required column"),
    "templates.lists_note": ("在此列填写{what}，每行一个。相关列的下拉列表取自这里。",
                             "One {what} per row. The dropdowns of the matching columns come from this list."),
    "templates.enum_error": ("请从下拉列表中选择：{values}", "Pick one from the list: {values}"),
    "templates.list_warning": ("不在{what}列表中。可在“下拉选项”工作表中补充。",
                               "Not in the {what} list. Add it on the 下拉选项 sheet."),
})


@dataclass(frozen=True)
class Lists:
    """The shop's own dropdown lists."""

    couriers: tuple[str, ...] = DEFAULT_COURIERS
    staff: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: ShopConfig | None) -> "Lists":
        if config is None:
            return cls()
        # the couriers the shop configured ([couriers.<name>] or [rates.<name>], see docs/courier.md)
        couriers = tuple(dict.fromkeys([*config.section("couriers"), *config.section("rates")])) or DEFAULT_COURIERS
        return cls(couriers, tuple(p.name for p in config.staff))


def column_width(col: Column) -> int:
    header = display_width(col.header) + 4  # room for the filter button
    values = max((display_width(v) for v in col.values), default=0) + 3
    return max(header, values, MIN_WIDTHS.get(col.type, 8), WIDE_FIELDS.get(col.field, 0))


def number_format(col: Column) -> str | None:
    if col.field in TEXT_FORMAT_FIELDS and col.type == "text":
        return "@"
    return NUMBER_FORMATS.get(col.type)


class _ListsSheet:
    """The 下拉选项 sheet: one column per list, referenced by the dropdowns."""

    def __init__(self, book: xlsxwriter.Workbook, header_format):
        self.book = book
        self.header_format = header_format
        self.text_format = book.add_format({"num_format": "@"})
        self.columns: dict[str, str] = {}  # title -> absolute range
        self.pending: list[tuple[str, tuple[str, ...], str | None]] = []

    def reference(self, title: str, values: tuple[str, ...], note: str | None = None) -> str:
        if title not in self.columns:
            letter = column_letter(len(self.columns))
            self.columns[title] = f"='{LISTS_SHEET}'!${letter}$2:${letter}${LIST_ROWS + 1}"
            self.pending.append((title, values, note))
        return self.columns[title]

    def write(self) -> None:
        if not self.pending:
            return
        sheet = self.book.add_worksheet(LISTS_SHEET)
        sheet.freeze_panes(1, 0)
        for index, (title, values, note) in enumerate(self.pending):
            sheet.set_column(index, index, max(14, display_width(title) + 4), self.text_format)
            sheet.write_string(0, index, title, self.header_format)
            if note:
                sheet.write_comment(0, index, note, {"x_scale": 2})
            for row, value in enumerate(values, start=1):
                sheet.write_string(row, index, value)


def _dropdown(col: Column, lists: Lists, lists_sheet: _ListsSheet) -> dict | None:
    """The data validation for a column, or None."""
    if col.field in COURIER_FIELDS:
        what = pick("快递公司", "courier")
        return {"validate": "list", "error_type": "warning", "error_message": t("templates.list_warning", what=what),
                "source": lists_sheet.reference(COURIER_LIST, lists.couriers, t("templates.lists_note", what=what))}
    if col.field in STAFF_FIELDS:
        what = pick("员工姓名", "staff name")
        return {"validate": "list", "error_type": "warning" if lists.staff else "information",
                "error_message": t("templates.list_warning", what=what),
                "source": lists_sheet.reference(STAFF_LIST, lists.staff, t("templates.lists_note", what=what))}
    values = col.values if col.type == "enum" else BOOL_CHOICES if col.type == "bool" else ()
    if not values:
        return None
    inline = not any("," in v for v in values) and len(",".join(values)) <= 255  # Excel's limits for a typed list
    source = list(values) if inline else lists_sheet.reference(col.header + LIST_SUFFIX, values)
    return {"validate": "list", "source": source, "error_type": "stop",
            "error_message": t("templates.enum_error", values="、".join(values))[:255]}


def _write_sheet(book: xlsxwriter.Workbook, kind: Schema, lists: Lists, lists_sheet: _ListsSheet, formats: dict) -> None:
    sheet = book.add_worksheet(kind.zh)
    sheet.freeze_panes(1, 0)
    for index, col in enumerate(kind.columns):
        fmt = number_format(col)
        sheet.set_column(index, index, column_width(col), formats[fmt] if fmt else None)
        sheet.write_string(0, index, col.header, formats["required" if col.required else "header"])
        if col.required:
            sheet.write_comment(0, index, t("templates.required_note"))
        rule = _dropdown(col, lists, lists_sheet)
        if rule:
            sheet.data_validation(1, index, VALIDATION_ROWS - 1, index, rule)
    sheet.autofilter(0, 0, 0, len(kind.columns) - 1)


def write_template(path: Path, book: TemplateBook, lists: Lists = Lists()) -> Path:
    """Write one template workbook atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_name = path.with_name(f".{path.stem}.{os.getpid()}.tmp.xlsx")  # created with the usual permissions
    try:
        workbook = new_workbook(tmp_name)
        workbook.set_properties({"title": path.stem, "comments": "shopbook template", "created": FIXED_CREATED})
        header = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"}
        formats = {"header": workbook.add_format(header),
                   "required": workbook.add_format({**header, "bg_color": "#F8CBAD"}),
                   **{f: workbook.add_format({"num_format": f}) for f in dict.fromkeys(NUMBER_FORMATS.values())}}
        lists_sheet = _ListsSheet(workbook, formats["header"])
        for kind in book.kinds:
            _write_sheet(workbook, schema(kind), lists, lists_sheet, formats)
        lists_sheet.write()
        workbook.close()
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path


def write_templates(out_dir: Path, lists: Lists = Lists(), replace: bool = True) -> list[tuple[Path, bool]]:
    """Every template workbook into out_dir; returns (path, written). An existing file is kept
    unless `replace` (it may be the team's filled-in workbook)."""
    results = []
    for book in TEMPLATE_BOOKS:
        path = out_dir / book.filename
        if path.exists() and not replace:
            results.append((path, False))
            continue
        results.append((write_template(path, book, lists), True))
    return results
