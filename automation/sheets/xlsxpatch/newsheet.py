"""The sheets shopbook adds (findings, flag registers), written whole as worksheet XML.

Readable as they open: column widths from their content (a CJK character counts two), dates and
money formatted, long text wrapped, a frozen header and an autofilter, links back to the cells.
All text is an inline string, so nothing written here can become a formula.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...textwidth import display_width
from ..edit import FORMULA_TRIGGERS, NewSheet
from .package import NS_MAIN, NS_REL, attr
from .sheetstream import column_letters, xml_text
from .styles import StyleBook

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = 4  # built-in #,##0.00
LINE_HEIGHT = 15  # points per line of wrapped text (the default row height)


def excel_serial(value: dt.date | dt.datetime, date1904: bool) -> float:
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    delta = moment.replace(tzinfo=None) - base
    return round(delta.days + delta.seconds / 86400, 10)


def sheet_xml(new: NewSheet, styles: StyleBook, date1904: bool) -> bytes:
    widths = list(new.column_widths().values())
    columns = len(widths)
    rows = [_row(1, [(c, h, styles.plain(bold=True, quote_prefix=str(h).startswith(FORMULA_TRIGGERS)))
                     for c, h in enumerate(new.header)])]
    for i, values in enumerate(new.rows):
        fill = new.fills.get(i)
        cells = []
        lines = 1
        for c, value in enumerate(values):
            if value is None or value == "":
                if fill:
                    cells.append((c, None, styles.plain(fill=fill)))
                continue
            link = (i, c) in new.links
            needed = _lines(value, widths[c]) if isinstance(value, str) else 1
            wrap = needed > 1
            lines = max(lines, needed)
            quote = isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
            cells.append((c, _value(value, date1904), styles.plain(fill=fill, num_fmt=_format(value), wrap=wrap, link=link,
                                                                    quote_prefix=quote)))
        rows.append(_row(i + 2, cells, height=LINE_HEIGHT * lines if lines > 1 else None))
    last = f"{column_letters(columns - 1)}{len(new.rows) + 1}"
    cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>' for c, w in enumerate(widths))
    links = "".join(f'<hyperlink ref="{column_letters(c)}{r + 2}" location={attr(_location(sheet, ref))} display={attr(ref)}/>'
                    for (r, c), (sheet, ref) in sorted(new.links.items()))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
           '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
           f'<dimension ref="A1:{last}"/>'
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
           '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/>'
           f'<cols>{cols}</cols><sheetData>{"".join(rows)}</sheetData>'
           + (f'<autoFilter ref="A1:{last}"/>' if new.rows else "")
           + (f"<hyperlinks>{links}</hyperlinks>" if links else "")
           + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
           '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')
    return xml.encode()


def _location(sheet: str, ref: str) -> str:
    return "'" + sheet.replace("'", "''") + "'!" + ref


def _format(value: object) -> str | int | None:
    if isinstance(value, dt.datetime):
        return DATETIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    if isinstance(value, Decimal):
        return MONEY_FORMAT
    return None


def _value(value: object, date1904: bool) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return excel_serial(value, date1904)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return value
    return str(value)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (CJK counts two)."""
    room = max(int(width) - 1, 1)
    return sum(max(1, -(-display_width(line) // room)) for line in text.splitlines() or [""])


def _row(number: int, cells: list[tuple[int, object, int]], height: float | None = None) -> str:
    out = []
    for c, value, style in cells:
        ref = f"{column_letters(c)}{number}"
        s = f' s="{style}"' if style else ""
        if value is None:
            out.append(f'<c r="{ref}"{s}/>')
        elif isinstance(value, bool):
            out.append(f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, (int, float, Decimal)):
            out.append(f'<c r="{ref}"{s}><v>{value}</v></c>')
        else:
            out.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(value)}</t></is></c>')
    ht = f' ht="{height}" customHeight="1"' if height else ""
    return f'<row r="{number}"{ht}>{"".join(out)}</row>'
