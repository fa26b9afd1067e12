"""The reconciliation workbook and the per-courier dispute lists (XlsxWriter, write-only)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from ..i18n import pick
from ..tables import column_letter
from ..textwidth import fit_width
from ..paths import temp_beside
from ..xlsxout import new_workbook
from .frames import to_kg, to_money
from .reconcile import BY_SLUG, CATEGORIES, Reconciliation, action_label

# The "matched and correct" lines get a sheet of their own only while staff can read it through: a
# big month's 97k correct lines are read by no one, and writing them cell by cell was two thirds of
# the run. Above this the summary gives their count and money, and says they are not listed.
MAX_OK_ROWS = 2_000
MONEY = "#,##0.00"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _columns() -> list[tuple[str, str, str]]:
    """(frame column, header, kind) of a detail sheet."""
    return [
        ("courier", pick("快递", "Courier"), "text"),
        ("shown", pick("运单号", "Waybill"), "text"),
        ("order_id", pick("订单编号", "Order"), "text"),
        ("billed_at", pick("揽收时间", "Picked up"), "date"),
        ("ship_date", pick("发货日期", "Shipped"), "date"),
        ("province", pick("目的省份", "Destination"), "text"),
        ("bill_weight_g", pick("账单重量(kg)", "Billed kg"), "kg"),
        ("ship_weight_g", pick("我方重量(kg)", "Our kg"), "kg"),
        ("stub_weight_g", pick("底单重量(kg)", "Stub kg"), "kg"),
        ("stub_status", pick("底单状态", "Stub status"), "text"),
        ("total_c", pick("账单金额", "Billed"), "money"),
        ("expected_c", pick("应计金额", "Expected"), "money"),
        ("diff_c", pick("差额", "Difference"), "money"),
        ("rate_c", pick("价目运费", "Rate-card fee"), "money"),
        ("action", pick("建议处理", "Suggested action"), "action"),
        ("bill_row", pick("账单行号", "Bill row"), "int"),
    ]


def sheet_name(text: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("、", text)[:28]
    name, n = base, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def _value(kind: str, value):
    if value is None:
        return None
    if kind == "money":
        return float(to_money(value))  # cell value only; the totals are computed in Decimal
    if kind == "kg":
        return float(to_kg(value))
    if kind == "action":
        return action_label(value)
    return value


class _Formats:
    def __init__(self, book):
        self.head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.money = book.add_format({"num_format": MONEY})
        self.money_bold = book.add_format({"num_format": MONEY, "bold": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.kg = book.add_format({"num_format": "0.000"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bad = book.add_format({"num_format": MONEY, "font_color": "#C00000", "bold": True})

    def of(self, kind: str):
        return {"money": self.money, "date": self.date, "kg": self.kg}.get(kind)


def _printable(ws) -> None:
    """Landscape A4, one page wide: the sheets get printed to sit beside the courier's bill."""
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_paper(9)  # A4


def _shown(kind: str, value) -> str:
    """A cell as its format shows it: money #,##0.00, kg 0.000, dates yyyy-mm-dd."""
    value = _value(kind, value)
    if value is None:
        return ""
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "kg":
        return f"{value:.3f}"
    if kind == "date":
        return "yyyy-mm-dd"
    return str(value)


def _candidates(series: pl.Series) -> list:
    """The values that can be the widest as shown: extremes of numbers, the longest texts (a CJK
    character is 3 bytes and 2 columns, so chars + bytes orders texts by display width)."""
    series = series.drop_nulls()
    if series.len() == 0:
        return []
    if series.dtype.is_numeric():
        return [series.min(), series.max()]
    if series.dtype != pl.Utf8:
        return series.head(1).to_list()
    texts = series.unique()
    order = texts.str.len_chars() + texts.str.len_bytes()
    return texts.gather(order.arg_sort(descending=True).head(20)).to_list()


def column_widths(frame: pl.DataFrame, columns) -> list[int]:
    """Each column as wide as its header and its widest value as shown (automation.textwidth)."""
    return [fit_width(header, [_shown(kind, v) for v in (_candidates(frame[col]) if col in frame.columns else [])])
            for col, header, kind in columns]


def _detail_sheet(book, fmt: _Formats, name: str, frame: pl.DataFrame, columns, top: int = 0) -> None:
    ws = book.add_worksheet(name)
    _printable(ws)
    for c, (_, header, _) in enumerate(columns):
        ws.write(top, c, header, fmt.head)
    ws.freeze_panes(top + 1, 0)
    for c, ((_, _, kind), width) in enumerate(zip(columns, column_widths(frame, columns))):
        ws.set_column(c, c, width, fmt.of(kind))
    _write_rows(ws, fmt, frame, [(col, kind) for col, _, kind in columns], top + 1)
    ws.autofilter(0, 0, max(frame.height, 1), len(columns) - 1)


def _cells(frame: pl.DataFrame, col: str, kind: str) -> list:
    """A column's cell values as written; money, kg and actions converted once per distinct value."""
    if col not in frame.columns:
        return [None] * frame.height
    values = frame[col].to_list()
    if kind in ("money", "kg", "action"):
        shown = {v: _value(kind, v) for v in set(values)}
        return [shown[v] for v in values]
    return values


def _writer(ws, fmt: _Formats, frame: pl.DataFrame, col: str, kind: str):
    """The XlsxWriter call for a column's cells: typed, so no cell goes through write()'s guessing."""
    if kind == "date":
        return ws.write_datetime, fmt.date
    if kind in ("money", "kg") or (kind == "int" and col in frame.columns and frame[col].dtype.is_integer()):
        return ws.write_number, fmt.of(kind)
    if kind in ("text", "action") and (kind == "action" or col in frame.columns and frame[col].dtype == pl.Utf8):
        return ws.write_string, None
    return ws.write, fmt.of(kind)


def _write_rows(ws, fmt: _Formats, frame: pl.DataFrame, present: list[tuple[str, str]], first: int) -> int:
    """Every row of `frame` from sheet row `first` (0-based), column by column types; returns the next free row."""
    columns = [(c, *_writer(ws, fmt, frame, col, kind), _cells(frame, col, kind)) for c, (col, kind) in enumerate(present)]
    for r in range(frame.height):
        row = first + r
        for c, write, cell_format, values in columns:
            value = values[r]
            if value is not None:
                write(row, c, value, cell_format)
    return first + frame.height


def _unlisted_ok(results: list[Reconciliation]) -> int:
    """How many matched-and-correct lines the workbook leaves out (0 when their sheet is written)."""
    count = sum(res.categories["ok"].count for res in results if "ok" in res.categories)
    return count if count > MAX_OK_ROWS else 0


def _summary(book, fmt: _Formats, results: list[Reconciliation], month: str) -> None:
    ws = book.add_worksheet(pick("汇总", "Summary"))
    _printable(ws)
    ws.set_column(0, 0, fit_width("", [c.title() for c in CATEGORIES] + [r.courier for r in results], minimum=14))
    ws.set_column(1, 7, 16)  # headers of up to 7 CJK characters; money up to 99,999,999.99
    ws.write(0, 0, pick(f"快递对账 {month}", f"Courier reconciliation {month}"), fmt.title)
    row = 2
    heads = [pick("快递", "Courier"), pick("账单合计", "Courier total"), pick("应计合计", "Our expected total"),
             pick("差额", "Difference"), pick("账单自带合计行", "Bill's own totals row"), pick("差额=分类差额之和", "Closes"),
             pick("可追回", "To claim back")]
    for c, h in enumerate(heads):
        ws.write(row, c, h, fmt.head)
    ws.freeze_panes(row + 1, 0)
    for res in results:
        row += 1
        ws.write(row, 0, res.courier)
        ws.write_number(row, 1, float(res.bill_total), fmt.money_bold)
        ws.write_number(row, 2, float(res.expected_total), fmt.money_bold)
        ws.write_number(row, 3, float(res.difference), fmt.bad if res.difference else fmt.money_bold)
        if res.bill.stated_total is not None:
            ws.write_number(row, 4, float(res.bill.stated_total), fmt.money)
        ws.write(row, 5, pick("是", "yes") if res.closes() else pick("否", "no"))
        ws.write_number(row, 6, float(res.recoverable), fmt.bad if res.recoverable else fmt.money_bold)
    row += 2
    heads = [pick("分类", "Category"), pick("快递", "Courier"), pick("笔数", "Lines"), pick("账单金额", "Billed"),
             pick("应计金额", "Expected"), pick("差额", "Difference"), pick("建议处理", "Action"), pick("依据", "Clause")]
    for c, h in enumerate(heads):
        ws.write(row, c, h, fmt.head)
    ws.autofilter(row, 0, row + sum(len(res.categories) for res in results), len(heads) - 1)
    for res in results:
        for slug, total in res.categories.items():
            row += 1
            cat = BY_SLUG[slug]
            ws.write(row, 0, cat.title())
            ws.write(row, 1, res.courier)
            ws.write_number(row, 2, total.count)
            for col, amount in ((3, total.billed), (4, total.expected)):
                if amount is None:  # 无法核对: unknown, not 0
                    ws.write_string(row, col, pick("无法读取", "unreadable"))
                else:
                    ws.write_number(row, col, float(amount), fmt.money)
            ws.write_number(row, 5, float(total.difference), fmt.bad if total.difference else fmt.money)
            ws.write(row, 6, action_label(cat.action))
            ws.write(row, 7, cat.clause)
    if unlisted := _unlisted_ok(results):
        row += 2
        ws.write(row, 0, pick(f"核对无误的 {unlisted:,} 笔未逐笔列出（超过 {MAX_OK_ROWS:,} 笔）：笔数和金额已计入上表，"
                              "其余各类每笔都有工作表。",
                              f"The {unlisted:,} matched and correct lines are not listed one by one (over {MAX_OK_ROWS:,}): "
                              "their count and money are in the table above; every other category has a sheet of its lines."))
    notes = [(res, p) for res in results for p in res.bill.waybill_notes()]
    if notes:
        row += 2
        ws.write(row, 0, pick("账单中被存成数字的运单号", "Waybills the bill stores as numbers"), fmt.head)
        for res, problem in notes:
            row += 1
            ws.write(row, 0, f"{res.bill.path.name} {column_letter(problem.column)}{problem.row}")
            ws.write(row, 1, problem.params.get("value"))
            ws.write(row, 2, problem.message)
    weights = [(res, p) for res in results for p in res.bill.weight_notes()]
    if weights:  # the fee of these lines was checked, the billed weight could not be
        row += 2
        ws.write(row, 0, pick("未核对重量的账单行", "Bill lines whose weight was not checked"), fmt.head)
        for res, problem in weights:
            row += 1
            ws.write(row, 0, f"{res.bill.path.name} {column_letter(problem.column)}{problem.row}")
            ws.write_string(row, 1, str(problem.params.get("value")))
            ws.write(row, 2, problem.message)


def write_reconciliation(results: list[Reconciliation], month: str, path: Path) -> Path:
    """One workbook for the month: the summary, then one sheet per category found (all couriers; the
    matched-and-correct lines only up to MAX_OK_ROWS)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(path)
    book = new_workbook(tmp, constant_memory=True, default_date_format="yyyy-mm-dd")
    fmt = _Formats(book)
    _summary(book, fmt, results, month)
    listed = (lambda lines: lines.filter(pl.col("category") != "ok")) if _unlisted_ok(results) else (lambda lines: lines)
    frames = [listed(res.lines).with_columns(courier=pl.lit(res.courier)) for res in results]
    everything = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    used: set[str] = set()
    columns = _columns()
    for cat in CATEGORIES:
        part = everything.filter(pl.col("category") == cat.slug) if everything.height else everything
        if part.height == 0:
            continue
        _detail_sheet(book, fmt, sheet_name(cat.title(), used), part, columns)
    book.close()
    tmp.replace(path)
    return path


def write_dispute_list(result: Reconciliation, path: Path) -> Path | None:
    """The lines to send back to the courier: waybill, weights, billed, should be, difference, reason."""
    part = result.lines.filter(pl.col("action").is_in(["dispute", "claim", "deduct"]))
    if part.height == 0:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(path)
    book = new_workbook(tmp)
    fmt = _Formats(book)
    ws = book.add_worksheet(pick("申诉清单", "Disputes"))
    _printable(ws)
    ws.write(0, 0, pick(f"{result.courier} {result.month} 账单申诉清单", f"{result.courier} {result.month} bill disputes"), fmt.title)
    cols = [("shown", pick("运单号", "Waybill"), "text"), ("billed_at", pick("揽收时间", "Picked up"), "date"),
            ("province", pick("目的省份", "Destination"), "text"), ("bill_weight_g", pick("账单重量(kg)", "Billed kg"), "kg"),
            ("ref_weight_g", pick("我方称重(kg)", "Our kg"), "kg"), ("total_c", pick("账单金额", "Billed"), "money"),
            ("expected_c", pick("应收金额", "Should be"), "money"), ("diff_c", pick("申诉金额", "Disputed"), "money"),
            ("reason", pick("原因", "Reason"), "text"), ("action", pick("处理", "Action"), "action"),
            ("bill_row", pick("账单行号", "Bill row"), "int")]
    part = part.with_columns(reason=pl.col("category").replace_strict({c.slug: c.title() for c in CATEGORIES}, default=""))
    for c, ((_, header, kind), width) in enumerate(zip(cols, column_widths(part, cols))):
        ws.write(2, c, header, fmt.head)
        ws.set_column(c, c, width, fmt.of(kind))
    ws.freeze_panes(3, 0)
    ws.autofilter(2, 0, 2 + part.height, len(cols) - 1)
    end = _write_rows(ws, fmt, part, [(col, kind) for col, _, kind in cols], 3)
    total = to_money(part["diff_c"].sum())
    ws.write(end, 6, pick("合计", "Total"), fmt.head)
    ws.write_number(end, 7, float(total), fmt.money_bold)
    book.close()
    tmp.replace(path)
    return path


def _stub_sheets():
    """(code, sheet title, clause, columns) of the stub-check workbook."""
    wb, date, cour = ("waybill", pick("快递单号", "Waybill"), "text"), ("stub_date", pick("揽收日期", "Pick-up date"), "date"), \
        ("stub_courier", pick("快递", "Courier"), "text")
    ship = [("ship_date", pick("发货日期", "Ship date"), "date"), ("ship_courier", pick("快递", "Courier"), "text"), wb,
            ("order_id", pick("订单编号", "Order"), "text"), ("ship_row", pick("发货登记行号", "Shipments row"), "int")]
    stub = [date, cour, wb, ("stub_weight_g", pick("底单重量(kg)", "Stub kg"), "kg"),
            ("stub_status", pick("底单状态", "Status"), "text"), ("stub_row", pick("底单行号", "Stubs row"), "int")]
    trade = [("order_id", pick("订单编号", "Order"), "text"), ("buyer", pick("买家", "Buyer"), "text"),
             ("items", pick("商品", "Items"), "text"), ("paid_c", pick("实付金额", "Paid"), "money")]
    return [
        ("count", pick("数量核对", "Counts"), "M-CUR-COUNT",
         [("date", pick("日期", "Date"), "date"), ("courier", pick("快递", "Courier"), "text"),
          ("shipped", pick("发货单数", "Shipped"), "int"), ("stubs", pick("底单数", "Stubs"), "int"),
          ("difference", pick("差数", "Difference"), "int")]),
        ("missing_stub", pick("缺底单", "Missing stubs"), "M-CUR-COUNT", ship),
        ("no_shipment", pick("底单无发货记录", "Stubs without shipment"), "M-CUR-COUNT", stub),
        ("weight", pick("重量不符", "Weight differs"), "M-CUR-WEIGH",
         stub[:4] + [("ship_weight_g", pick("我方重量(kg)", "Our kg"), "kg"), ("weight_diff_g", pick("相差(kg)", "Diff kg"), "kg"), stub[5]]),
        ("unarchived", pick("未归档底单", "Not archived"), "M-CUR-ARCHIVE", stub + [("stub_archived", pick("已归档", "Archived"), "text")]),
        ("claim", pick("索赔清单", "Claims"), "M-CUR-CLAIM", stub + trade),
        ("deduct", pick("扣减清单", "Deductions"), "M-CUR-UNDELIV", stub + trade),
    ]


def _unreadable_columns():
    return [("sheet", pick("工作表", "Sheet"), "text"), ("row", pick("行号", "Row"), "int"),
            ("column", pick("列", "Column"), "text"), ("message", pick("问题", "Problem"), "text")]


def write_stub_check(check, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(path)
    book = new_workbook(tmp)
    fmt = _Formats(book)
    findings = check.findings()
    summary = book.add_worksheet(pick("汇总", "Summary"))
    sheets = _stub_sheets()
    heads = (pick("项目", "Check"), pick("条数", "Count"), pick("依据", "Clause"))
    for c, head in enumerate(heads):
        summary.write(2, c, head, fmt.head)
        summary.set_column(c, c, fit_width(head, [row[c] for row in ((t, str(findings[k].height), cl) for k, t, cl, _ in sheets)]))
    summary.write(0, 0, pick(f"底单核对 {check.start} ~ {check.end}", f"Stub check {check.start} to {check.end}"), fmt.title)
    summary.freeze_panes(3, 0)
    unreadable = check.unreadable if check.unreadable is not None and check.unreadable.height else None
    summary.autofilter(2, 0, 2 + len(sheets) + (unreadable is not None), len(heads) - 1)
    used = {summary.name}
    skipped = {n.code for n in check.not_checked}
    for r, (code, title, clause, cols) in enumerate(sheets, start=3):
        frame = findings[code] if code != "count" else check.counts
        summary.write(r, 0, title)
        if f"stubs.{code}" in skipped:  # a list that could not be made is not an empty one
            summary.write(r, 1, pick("未检查", "not checked"))
        else:
            summary.write_number(r, 1, findings[code].height)
        summary.write(r, 2, clause)
        _detail_sheet(book, fmt, sheet_name(title, used), frame, cols)
    if unreadable is not None:  # rows the checks above could not use: listed, not silently left out
        title = pick("无法读取的底单", "Unreadable stub cells")
        summary.write(3 + len(sheets), 0, title)
        summary.write_number(3 + len(sheets), 1, unreadable.height)
        _detail_sheet(book, fmt, sheet_name(title, used), unreadable, _unreadable_columns())
    book.close()
    tmp.replace(path)
    return path
