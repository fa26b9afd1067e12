"""A courier's monthly bill as the courier sends it -> one polars frame of bill lines.

Title block and account lines above the header are skipped by the header search
(automation.tables); totals rows and signature lines below the table are told apart from bill
lines here: a bill line has a waybill (or a waybill Excel damaged, which is kept and reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from ..errors import UserError
from ..i18n import register
from ..schema import schema
from ..sheets.source import CSV_SUFFIXES, WORKBOOK_SUFFIXES
from ..tables import CellProblem, Table, find_kinds, open_for_reading, read_kind
from .arrow import sheet_cells
from .columns import ColumnTable, arrow_column_table, column_table
from .frames import to_money
from .settings import CourierSettings

register({
    "courier.bill.columns": ("{path}，工作表“{sheet}”：账单缺少必需的列：{missing}（找到的列：{found}）。请在 shop.toml 的 [couriers.{courier}] bill_columns 中写明该快递的列名，例如 bill_columns = {{ waybill = \"运单编号\", fee = \"运费\" }}。",
                             "{path}, sheet '{sheet}': the bill lacks required columns: {missing} (columns found: {found}). Name this courier's columns in shop.toml under [couriers.{courier}] bill_columns, e.g. bill_columns = {{ waybill = \"运单编号\", fee = \"运费\" }}."),
    "courier.bill.no_header": ("{path}：找不到账单表头（至少需要运单号列和运费或合计列，例如“运单编号”“运费”）。请在 shop.toml 的 [couriers.{courier}] bill_columns 中写明该快递的列名。",
                               "{path}: no bill header found (needs a waybill column and a fee or total column, e.g. 运单编号 and 运费). Name this courier's columns in shop.toml under [couriers.{courier}] bill_columns."),
    "courier.bill.unknown_courier": ("{path}：无法从文件名判断是哪家快递的账单。请把文件命名为“快递名_月份.xlsx”，如 中通_2026-10.xlsx。",
                                     "{path}: cannot tell the courier from the file name. Name it courier_month.xlsx, e.g. 中通_2026-10.xlsx."),
    "courier.bill.absurd": ("金额 {value} 大得不合理（超过 {limit} 元），不能参与对账。请核对该行并向快递公司要一份正确的账单。",
                            "The amount {value} is implausibly large (over {limit} yuan) and cannot be reconciled. Check the line and ask the courier for a correct bill."),
    "courier.bill.unreadable": ("{path} 第 {row} 行（运单 {waybill}）{header}：{message} 这一行归入“无法核对”，不计为 0。",
                                "{path} row {row} (waybill {waybill}) {header}: {message} The line goes to 'cannot be checked', never counted as 0."),
    "courier.bill.weight_unreadable": ("{path} 第 {row} 行（运单 {waybill}）{header}：{message} 这一行的计费重量没有核对，运费按我方登记的重量核对。",
                                       "{path} row {row} (waybill {waybill}) {header}: {message} This line's billed weight was not checked; its fee is checked against our own weight."),
    "courier.bill.none": ("在 {folder} 中找不到 {month} 的快递账单（文件名需含快递名和月份，如 中通_{month}.xlsx）。可用 --bill 指定文件。",
                          "No courier bill for {month} in {folder} (the file name must hold the courier and the month, e.g. 中通_{month}.xlsx). Pass --bill FILE."),
})

_WAYBILL = re.compile(r"^[A-Za-z]{0,4}\d[\dA-Za-z-]{5,}$")
_TOTAL_WORDS = ("合计", "总计", "总额", "汇总", "total")
_MONTH = re.compile(r"(20\d\d)\s*[-_.年/]?\s*(\d{1,2})(?!\d)")
MONEY_FIELDS = ("fee", "other_fee", "insurance", "total")
# No parcel costs this much; a bigger number (1e300) is a broken export, and would overflow the cents.
MAX_AMOUNT = Decimal(10_000_000)
UNREADABLE_CODES = ("coerce.bad_money", "coerce.bad_number", "coerce.too_large", "read.cell_error", "read.uncached",
                    "courier.bill.absurd")
LINE_SCHEMA = {"bill_row": pl.Int64, "waybill": pl.Utf8, "shown": pl.Utf8, "damaged": pl.Boolean, "unreadable": pl.Boolean,
               "billed_at": pl.Datetime, "bill_province": pl.Utf8, "bill_weight_g": pl.Int64,
               "fee_c": pl.Int64, "other_c": pl.Int64, "insurance_c": pl.Int64, "total_c": pl.Int64}


@dataclass
class Bill:
    courier: str
    path: Path
    sheet: str
    lines: pl.DataFrame  # LINE_SCHEMA
    stated_total: Decimal | None = None  # the totals row the courier wrote, if any
    problems: list[CellProblem] = field(default_factory=list)  # cells the reader flagged (damaged waybills…)
    month: str | None = None

    def unreadable_notes(self) -> list[CellProblem]:
        """Fee cells that are not an amount (NaN, 四元, inf, 1e300, #REF!): one per cell, the line is 无法核对.
        Then weight cells that are not a weight: the line's fee is still checked, its weight is not."""
        money = [p for p in self.problems if p.field in MONEY_FIELDS and p.code in UNREADABLE_CODES]
        return money + self.weight_notes()

    def weight_notes(self) -> list[CellProblem]:
        return [p for p in self.problems if p.field == "weight" and p.code in UNREADABLE_CODES]

    def unreadable_line(self, problem: CellProblem) -> str:
        from ..i18n import t

        waybill = next((w for r, w in zip(self.lines["bill_row"], self.lines["shown"]) if r == problem.row), "-")
        key = "courier.bill.unreadable" if problem.field in MONEY_FIELDS else "courier.bill.weight_unreadable"
        return t(key, path=self.path.name, row=problem.row, waybill=waybill or "-",
                 header=problem.header, message=problem.message)

    def waybill_notes(self) -> list[CellProblem]:
        """Waybills Excel stored as numbers: kept when no digit was lost, damaged otherwise."""
        return [p for p in self.problems if p.field == "waybill" and p.code in ("coerce.id_as_number", "coerce.id_damaged")]

    @property
    def total(self) -> Decimal:
        return to_money(self.lines["total_c"].sum() or 0)


def bill_identity(path: Path, settings: CourierSettings) -> tuple[str | None, str | None]:
    """(courier, "YYYY-MM") from a file name like 中通_2026-10.xlsx or 圆通账单202610.xlsx."""
    stem = path.stem
    courier = next((name for name, others in settings.names.items()
                    if name in stem or any(o in stem for o in others if len(o) > 1 and not o.isascii())), None)
    hit = _MONTH.search(stem)
    month = f"{hit.group(1)}-{int(hit.group(2)):02d}" if hit and 1 <= int(hit.group(2)) <= 12 else None
    return courier, month


def find_bills(folder: Path, month: str, settings: CourierSettings) -> dict[str, Path]:
    """courier -> the bill file for `month` in `folder` (the shop's 账单/)."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in WORKBOOK_SUFFIXES | CSV_SUFFIXES or path.name.startswith(("~$", ".")):
            continue
        courier, file_month = bill_identity(path, settings)
        if courier and file_month == month:
            found.setdefault(courier, path)
    return found


def _stated_total(record) -> int | None:
    texts = [str(v) for v in (*record.data.values(), *record.extra.values()) if isinstance(v, str)]
    if not any(w in t.lower() for t in texts for w in _TOTAL_WORDS):
        return None
    return record.data.get("total") if record.data.get("total") is not None else record.data.get("fee")


def _check_columns(table: Table, path: Path, courier: str) -> None:
    missing = []
    if not table.has("waybill"):
        missing.append(schema("bill").column("waybill"))
    if not (table.has("fee") or table.has("total")):
        missing.append(schema("bill").column("fee"))
    if missing:
        names = "；".join(f"{c.header}（{'/'.join(c.aliases[:4])}）" for c in missing)
        raise UserError("courier.bill.columns", path=path, sheet=table.sheet, missing=names,
                        found="、".join(table.headers.values()) or "-", courier=courier)


def read_bill(path: str | Path, courier: str | None, settings: CourierSettings,
              own: dict[str, tuple[tuple[str, str], ...]] | None = None) -> Bill:
    """The bill as one frame: the workbook read once, each column typed whole (`columns.column_table`)."""
    path = Path(path)
    if courier is None:
        courier, _ = bill_identity(path, settings)
        if courier is None:
            raise UserError("courier.bill.unknown_courier", path=path)
    aliases = (*(own or {}).get("bill", ()), *settings.bill_aliases(courier))
    try:
        tables = _bill_tables(path, {"bill": aliases})
    except UserError as exc:
        if exc.key == "err.no_header_kind":
            raise UserError("courier.bill.no_header", path=path, courier=courier) from None
        raise
    table = max(tables, key=lambda tb: tb.height)
    _check_columns(table, path, courier)
    return bill_from_table(table, path, courier)


def _absurd(value: Decimal) -> tuple[str, dict] | None:
    """An amount no bill line can hold: reported, and the value dropped so it is never summed."""
    if abs(value) > MAX_AMOUNT:
        return "courier.bill.absurd", {"value": f"{value:.6g}", "limit": f"{MAX_AMOUNT:,}"}
    return None


def _bill_table(*args, **kwargs) -> ColumnTable:
    limits = dict.fromkeys(MONEY_FIELDS, float(MAX_AMOUNT))
    return column_table(*args, **kwargs, limits=limits, over_limit=_absurd)


def _bill_tables(path: Path, own: dict) -> list[ColumnTable]:
    """`read_tables(path, "bill", build=_bill_table)`, each sheet read straight to Arrow columns when
    it allows (`courier.arrow.sheet_cells`; the bill's own columns, 序号 and 备注, read as text)."""
    source, ours = open_for_reading(path)
    tables = []
    for found in find_kinds(source, "bill", None, own, ours):
        cells = sheet_cells(source, found, own_as_text=True)
        if cells is None:
            tables.append(read_kind(source, found, own, _bill_table))
            continue
        header_cells = source.head(found.sheet, found.header_index + 1)[found.header_index]
        tables.append(arrow_column_table(source.name, found.sheet, cells, header_cells, found.header_index, found.schema,
                                         found.match, own.get("bill", ()), limits=dict.fromkeys(MONEY_FIELDS, float(MAX_AMOUNT)),
                                         over_limit=_absurd))
    return tables


def _column(table: ColumnTable, name: str, dtype) -> pl.Series:
    found = table.data.get(name)
    return found if found is not None else pl.Series(name, [None] * table.height, dtype=dtype)


def bill_from_table(table: ColumnTable, path: Path, courier: str) -> Bill:
    """Bill lines (a waybill, or one Excel damaged) apart from totals and signature rows, as LINE_SCHEMA."""
    problems = table.problems
    unreadable = {p.row for p in problems if p.field in MONEY_FIELDS and p.code in UNREADABLE_CODES}
    damaged = {p.row: str(p.params.get("value")) for p in problems if p.field == "waybill" and p.code == "coerce.id_damaged"}
    rows = table.rows
    waybill = _column(table, "waybill", pl.Utf8)
    is_damaged = rows.is_in(pl.Series(list(damaged), dtype=pl.Int64).implode())
    is_line = (waybill.str.contains(_WAYBILL.pattern).fill_null(False) | is_damaged).to_list()
    others = table.rows_as_records([i for i, line in enumerate(is_line) if not line])
    stated = next((to_money(t) for t in map(_stated_total, others) if t is not None), None)  # cents -> Decimal
    shown = pl.Series([damaged.get(r) for r in rows.to_list()], dtype=pl.Utf8) if damaged else waybill
    frame = pl.DataFrame({
        "bill_row": rows, "waybill": waybill, "shown": shown.fill_null(waybill) if damaged else waybill,
        "damaged": is_damaged, "unreadable": rows.is_in(pl.Series(list(unreadable), dtype=pl.Int64).implode()),
        "billed_at": _column(table, "billed_at", pl.Datetime("us")), "bill_province": _column(table, "province", pl.Utf8),
        "bill_weight_g": _column(table, "weight", pl.Int64), "fee_c": _column(table, "fee", pl.Int64),
        "other_c": _column(table, "other_fee", pl.Int64), "insurance_c": _column(table, "insurance", pl.Int64),
        "total_c": _column(table, "total", pl.Int64),
    }).filter(pl.Series(is_line)).cast(LINE_SCHEMA)
    parts = pl.col("fee_c").fill_null(0) + pl.col("other_c").fill_null(0) + pl.col("insurance_c").fill_null(0)
    frame = frame.with_columns(total_c=pl.coalesce("total_c", parts))  # no 合计 column: the parts add up
    money = ("fee_c", "other_c", "insurance_c", "total_c")
    frame = frame.with_columns(  # an unreadable amount is unknown, never 0: the line is summed nowhere
        [pl.when(pl.col("unreadable")).then(None).otherwise(pl.col(c)).alias(c) for c in money])
    return Bill(courier, path, table.sheet, frame, stated, problems)
