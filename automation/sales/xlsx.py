"""Report workbooks with XlsxWriter: typed cells, one format per kind, native charts. Shared by the
penalty and sales reports."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

from ..i18n import pick
from ..paths import temp_beside
from ..textwidth import display_width, fit_width
from ..xlsxout import new_workbook


def shown_text(kind: str, value: object) -> str:
    """A value as its cell format shows it (what the column must be wide enough for)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if kind == "percent" and isinstance(value, (int, float, Decimal)):
        return f"{float(value) * 100:.2f}%"
    if kind == "money" and isinstance(value, (int, float, Decimal)):
        return f"{float(value):,.2f}"
    if kind == "points" and isinstance(value, (int, float, Decimal)):
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)

LINE_WIDTH = 90  # the 未检查 sheet's one column
ROW_HEIGHT = 15  # points per line of wrapped text


class ReportBook:
    """`with ReportBook(path) as book:` writes to a temporary file and moves it into place at the end."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = temp_beside(self.path)  # not mkstemp: that would leave the report private (0600)
        self.book = new_workbook(self._tmp, remove_timezone=True)
        self._widths: dict[str, dict[int, int]] = {}
        self._filtered: set[str] = set()
        add = self.book.add_format
        self.fmt = {
            "title": add({"bold": True, "font_size": 14}),
            "header": add({"bold": True, "bg_color": "#DDE7F5", "border": 1, "text_wrap": True, "valign": "top"}),
            "text": add({"text_wrap": True, "valign": "top"}),
            "int": add({"num_format": "0", "valign": "top"}),
            "money": add({"num_format": "#,##0.00", "valign": "top"}),
            "points": add({"num_format": "0.##", "valign": "top"}),
            "percent": add({"num_format": "0.00%", "valign": "top"}),
            "date": add({"num_format": "yyyy-mm-dd", "valign": "top"}),
            "datetime": add({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"}),
            "bad": add({"font_color": "#C00000", "bold": True, "text_wrap": True, "valign": "top"}),
            "muted": add({"font_color": "#666666", "italic": True}),
            "warn": add({"font_color": "#C00000", "bold": True}),
        }

    def __enter__(self) -> "ReportBook":
        return self

    def __exit__(self, kind, *_):
        self.book.close()
        if kind is None:
            os.replace(self._tmp, self.path)
        elif os.path.exists(self._tmp):
            os.unlink(self._tmp)

    def sheet(self, name: str):
        sheet = self.book.add_worksheet(name[:31])
        self._widths[sheet.name] = {}
        return sheet

    def not_checked(self, lines: list[str]) -> str | None:
        """The 未检查 sheet (automation.coverage.lines): added first, so the workbook opens on what its
        figures leave out. Nothing when everything was checked. Returns a pointer line for the summary."""
        if not lines:
            return None
        sheet = self.sheet(pick("未检查", "Not checked"))
        header = pick("原因与内容", "Reason and what")
        first, _ = self.table(sheet, 0, [(header, "text", 40)], [[line] for line in lines],
                              pick("未检查 —— 本报表的数字不包含这些内容", "Not checked — the figures in this report leave these out"))
        width = fit_width(header, lines, cap=LINE_WIDTH)  # wider than a figure column: one line each where it fits
        sheet.set_column(0, 0, width)
        for row, line in enumerate(lines, start=first):
            if display_width(line) > width - 2:  # a longer one wraps: give its row the height of its lines
                sheet.set_row(row, ROW_HEIGHT * -(-display_width(line) // (width - 2)))
        return pick("部分内容未检查，见“未检查”工作表。", "Some of it was not checked: see the 'Not checked' sheet.")

    def table(self, sheet, row: int, columns: list[tuple[str, str, int]], rows: list[list[object]],
              title: str | None = None, col: int = 0, basis: str | None = None) -> tuple[int, int]:
        """Write an optional title, a header and the rows from (`row`, `col`) (0-based); columns are
        (header, kind, width) — the width is only a floor: each column is as wide as its header and
        widest value as shown (automation.textwidth). The first table of a sheet gets a frozen header
        and an autofilter. `basis` (the manual's clause ids) goes into a note on the title, out of sight."""
        if title:
            sheet.write_string(row, col, title, self.fmt["title"])
            if basis:
                sheet.write_comment(row, col, pick("依据：", "Basis: ") + basis, {"x_scale": 1.5})
            row += 1
        for c, (header, _, _) in enumerate(columns, start=col):
            sheet.write_string(row, c, header, self.fmt["header"])
        first = row + 1
        for r, values in enumerate(rows, start=first):
            for c, ((_, kind, _), value) in enumerate(zip(columns, values), start=col):
                self.cell(sheet, r, c, value, kind)
        widths = self._widths.setdefault(sheet.name, {})
        for c, (header, kind, floor) in enumerate(columns, start=col):
            shown = [shown_text(kind, values[c - col]) for values in rows if c - col < len(values)]
            widest = max(widths.get(c, 0), fit_width(max(header.splitlines() or [""], key=display_width), shown,
                                                     minimum=min(floor, 8)))
            widths[c] = widest
            sheet.set_column(c, c, widest)
        if sheet.name not in self._filtered:
            self._filtered.add(sheet.name)
            sheet.autofilter(row, col, max(row + 1, first + len(rows) - 1), col + len(columns) - 1)
            sheet.freeze_panes(row + 1, 0)
        return first, first + len(rows)

    def cell(self, sheet, r: int, c: int, value: object, kind: str = "text") -> None:
        fmt = self.fmt.get(kind, self.fmt["text"])
        if value is None or value == "":
            sheet.write_blank(r, c, None, fmt)
        elif isinstance(value, Decimal):
            sheet.write_number(r, c, float(value), fmt)  # Excel stores doubles; the Decimal math is done
        elif isinstance(value, bool):
            sheet.write_string(r, c, "是" if value else "", fmt)
        elif isinstance(value, (int, float)):
            sheet.write_number(r, c, value, fmt)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(r, c, value, fmt)
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt)
        else:
            sheet.write_string(r, c, str(value), fmt)

    def chart(self, sheet, anchor: str, kind: str, title: str, series: list[tuple[str, str, int, int, int, int]],
              y_title: str = "", percent: bool = False) -> None:
        """A native chart; series are (name, sheet name, label col, value col, first row, last row) (0-based).
        Nothing is drawn when every series is empty (an empty month)."""
        series = [s for s in series if s[5] >= s[4]]
        if not series:
            return
        chart = self.book.add_chart({"type": kind})
        for name, source, label_col, value_col, first, last in series:
            options = {"name": name, "categories": [source, first, label_col, last, label_col],
                       "values": [source, first, value_col, last, value_col]}
            if kind == "column":
                options["data_labels"] = {"value": True, "num_format": "0.00%" if percent else "0.##"}
            chart.add_series(options)
        chart.set_title({"name": title})
        chart.set_legend({"position": "bottom" if len(series) > 1 else "none"})
        chart.set_y_axis({"name": y_title, "min": 0, **({"num_format": "0%"} if percent else {})})  # value axes start at 0
        chart.set_size({"width": 640, "height": 320})
        sheet.insert_chart(anchor, chart)


def write_no_data_workbook(path: Path, title: str, check) -> Path:
    """The workbook of a month without data: its title, 无数据 and what is missing (no zeros)."""
    with ReportBook(path) as book:
        sheet = book.sheet(pick("无数据", "No data"))
        sheet.set_column(0, 0, 100)
        sheet.write_string(0, 0, title, book.fmt["title"])
        sheet.write_string(1, 0, pick("无数据", "No data"), book.fmt["bad"])
        for row, line in enumerate(check.missing, start=2):
            sheet.write_string(row, 0, line, book.fmt["text"])
    return path
