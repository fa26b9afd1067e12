"""The sheets shopbook adds (findings, flag registers), written whole as worksheet XML.

Readable as they open: column widths from their content (a CJK character counts two), dates and
money formatted, long text wrapped, a frozen header and an autofilter, links back to the cells.
All text is an inline string, so nothing written here can become a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache
from itertools import compress, count, repeat
from operator import add, is_, itemgetter, lt

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
    """The whole worksheet XML (small sheets, tests); `write_sheet` streams it."""
    parts: list[bytes] = []
    write_sheet(new, styles, date1904, parts.append)
    return b"".join(parts)


WHOLE_COLUMNS = True  # tests turn the whole-column passes off to hold them to the cell-by-cell way
ROWS_PER_WRITE = 2000  # rows joined into one write: few calls, and never the whole sheet in memory


def write_sheet(new: NewSheet, styles: StyleBook, date1904: bool, write: Callable[[bytes], object]) -> None:
    """Write the worksheet XML of `new` to `write` in pieces (a 100k-row sheet is ~45 MB of XML)."""
    widths = list(new.column_widths().values())
    columns = len(widths)
    last = f"{column_letters(columns - 1)}{len(new.rows) + 1}"
    cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>' for c, w in enumerate(widths))
    write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
           '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
           f'<dimension ref="A1:{last}"/>'
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
           '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/>'
           f'<cols>{cols}</cols><sheetData>').encode())
    letters = [column_letters(c) for c in range(max(columns, len(new.header)))]
    header = [(c, h, styles.plain(bold=True, quote_prefix=str(h).startswith(FORMULA_TRIGGERS))) for c, h in enumerate(new.header)]
    rows = [_row(1, [(letters[c], value, style) for c, value, style in header])]
    write("".join(rows).encode())
    cells = _Cells(new, styles, date1904, widths)
    for start in range(0, len(new.rows), ROWS_PER_WRITE):
        write(cells.rows(start, new.rows[start:start + ROWS_PER_WRITE], letters).encode())
    rows = []
    write(("".join(rows) + "</sheetData>" + (f'<autoFilter ref="A1:{last}"/>' if new.rows else "")).encode())
    if new.links:
        write(b"<hyperlinks>")
        links = sorted(new.links.items())
        for at in range(0, len(links), ROWS_PER_WRITE):
            write(_hyperlinks(links[at:at + ROWS_PER_WRITE], letters).encode())
        write(b"</hyperlinks>")
    write(b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
          b'<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')


class _Cells:
    """Data rows' XML, a block of rows at a time and a column at a time. What follows a cell's
    reference (style, type, value) and the lines its text takes are worked out once per distinct
    (value, fill, link) of a column: derived sheets repeat names, labels, shares and dates on every
    row. A column whose values are mostly distinct (order ids, row links) is not memoised. A row is
    put together by one format call, from a template per pattern of empty cells."""

    def __init__(self, new: NewSheet, styles: StyleBook, date1904: bool, widths: list[float]):
        self.new, self.styles, self.date1904, self.widths = new, styles, date1904, widths
        self.memo: list[dict | None] = [{} for _ in widths]
        self.plain = [_PlainText(width, styles) for width in widths]
        self.linked: dict[int, set[int]] = {}  # column -> the rows with a link there
        for r, c in new.links:
            self.linked.setdefault(c, set()).add(r)
        self.templates: dict[tuple[bool, ...], str] = {}

    def rows(self, start: int, block: list[list[object]], letters: list[str]) -> str:
        """The block's rows, put together in C-level passes: each cell's XML a column at a time, then
        one format call per row (its template chosen by which of its cells are absent)."""
        tall: dict[int, int] = {}
        columns = [self._column(c, start, values, tall) for c, values in enumerate(_columns_of(block, len(self.widths)))]
        if not columns:
            return ""
        shapes = list(zip(*[list(map(is_, column, repeat(None))) for column in columns]))  # per row: its absent cells
        for empty in set(shapes) - self.templates.keys():
            self.templates[empty] = "".join(
                ['<row r="{0}"{1}>', *(f'<c r="{letters[c]}{{0}}"{{{c + 2}}}' for c, none in enumerate(empty) if not none),
                 "</row>"])
        heights = [f' ht="{LINE_HEIGHT * tall[j]}" customHeight="1"' if j in tall else "" for j in range(len(block))] \
            if tall else repeat("")
        return "".join(map(str.format, map(self.templates.__getitem__, shapes), count(start + 2), heights, *columns))

    def _column(self, c: int, start: int, values: Sequence[object], tall: dict[int, int]) -> list[str | None]:
        """Column `c` of the block (`values`, its cells from row `start`): each cell's XML after its
        reference (None: no cell)."""
        if not self.new.fills and WHOLE_COLUMNS:
            whole = self._whole_column(c, start, values, tall)
            if whole is not None:
                return whole
        fills, memo, linked, plain = self.new.fills, self.memo[c], self.linked.get(c, ()), self.plain[c]
        heads = plain.heads
        out: list[str | None] = []
        append = out.append
        for i, value in enumerate(values, start):
            fill = fills.get(i) if fills else None
            if value is None or value == "":
                if not fill:
                    append(None)
                    continue
                value = None
            link = i in linked
            if memo is None and fill is None and type(value) is str and plain(value):  # an id: no lookups at all
                append((heads.get(link) or plain.head(link)) + value + "</t></is></c>")
                continue
            key = (type(value), value, fill, link)
            found = memo.get(key) if memo is not None else None
            if found is None:
                found = self._cell(c, *key[1:])
                if memo is not None:
                    memo[key] = found
            append(found[0])
            if found[1] > 1 and found[1] > tall.get(i - start, 1):
                tall[i - start] = found[1]
        if memo is not None and start == 0 and len(memo) > len(values) // 2:
            self.memo[c] = None  # mostly distinct values: memoising would only cost
        return out

    def _whole_column(self, c: int, start: int, values: Sequence[object], tall: dict[int, int]) -> list[str | None] | None:
        """The column of a block without fills, in C-level passes where it is all alike: plain texts
        (ids, row links) with a link on every row or on none, or, where it is memoised, values looked
        up all at once (only the values not seen before go through `_cell`). None: go cell by cell."""
        linked, memo, n = self.linked.get(c, ()), self.memo[c], len(values)
        link = bool(linked) and all(map(linked.__contains__, range(start, start + n)))
        if linked and not link:
            return None
        if memo is None:
            plain = self.plain[c]
            if not (values and set(map(type, values)) == {str} and "" not in values and plain.all(values)):
                return None
            head, tail = plain.heads.get(link) or plain.head(link), "</t></is></c>"
            return list(map(add, map(add, repeat(head, n), values), repeat(tail, n)))
        keys = list(zip(map(type, values), values, repeat(None), repeat(link)))
        blank = {(type(None), None, None, link): _NO_CELL, (str, "", None, link): _NO_CELL}
        found = list(map(memo.get, keys, map(blank.get, keys)))
        for j in list(compress(count(), map(is_, found, repeat(None)))):  # not in the memo when the block began
            value = values[j]
            if value is None or value == "":  # an empty look-alike (a str subclass)
                found[j] = _NO_CELL
                continue
            # each its own cell, as it always was: equal values may be written apart (Decimal 1 and 1.0000)
            found[j] = memo[keys[j]] = self._cell(c, value, None, link)
        lines = list(map(itemgetter(1), found))
        if max(lines, default=1) > 1:
            for j in compress(count(), map(lt, repeat(1), lines)):
                if lines[j] > tall.get(j, 1):
                    tall[j] = lines[j]
        if start == 0 and len(memo) > n // 2:
            self.memo[c] = None  # mostly distinct values: memoising would only cost
        return list(map(itemgetter(0), found))

    def _cell(self, c: int, value: object, fill: str | None, link: bool) -> tuple[str, int]:
        """(what follows the cell's r="…": its style, type and value; the lines its text needs)."""
        if value is None:
            return _after_ref(None, self.styles.plain(fill=fill)), 1
        needed = _lines(value, self.widths[c]) if isinstance(value, str) else 1
        quote = isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
        style = self.styles.plain(fill=fill, num_fmt=_format(value), wrap=needed > 1, link=link, quote_prefix=quote)
        return _after_ref(_value(value, self.date1904), style), needed


_NO_CELL = (None, 1)  # an empty cell of a column without fills: no cell is written


def _columns_of(block: list[list[object]], width: int) -> list[Sequence[object]]:
    """The block's cells a column at a time (None past the end of a shorter row)."""
    short = min(map(len, block), default=0)
    columns: list[Sequence[object]] = list(zip(*block))[:width] if short else []
    columns += [[row[c] if c < len(row) else None for row in block] for c in range(len(columns), width)]
    return columns


class _PlainText:
    """Text that needs nothing (printable ASCII, nothing to escape, no formula trigger, fitting its
    column so no wrap): ids and cell references, written without looking anything up."""

    def __init__(self, width: float, styles: StyleBook):
        self.room, self.styles = max(int(width) - 1, 1), styles
        self.heads: dict[bool, str] = {}

    def __call__(self, text: str) -> bool:
        return (len(text) <= self.room and text.isascii() and text.isprintable() and not text.startswith(FORMULA_TRIGGERS)
                and "&" not in text and "<" not in text and ">" not in text)

    def all(self, texts: list[str]) -> bool:
        """Every text of a list needs nothing (one pass each over their lengths, their joined
        characters and their first characters)."""
        joined = "".join(texts)
        return (max(map(len, texts)) <= self.room and joined.isascii() and joined.isprintable()
                and "&" not in joined and "<" not in joined and ">" not in joined
                and not any(map(str.startswith, texts, repeat(FORMULA_TRIGGERS))))

    def head(self, link: bool) -> str:
        """Such a cell's XML after its reference, up to its text."""
        if link not in self.heads:
            self.heads[link] = _after_ref("|", self.styles.plain(link=link)).split("|")[0]
        return self.heads[link]


_PLAIN_REF = re.compile(r"[A-Z]{1,3}[0-9]{1,7}")
_PLAIN_REFS = re.compile(r"(?:[A-Z]{1,3}[0-9]{1,7}\n)*")


def _hyperlinks(links: list[tuple[tuple[int, int], tuple[str, str]]], letters: list[str]) -> str:
    """The <hyperlink> elements of ((row_idx, col_idx), (sheet, ref)) links. The usual block (links back
    to plain cell references of one sheet) is one format call per link, in C-level passes."""
    if not links:
        return ""
    places, targets = zip(*links)
    rows, columns = zip(*places)
    sheets, refs = zip(*targets)
    if len(set(sheets)) != 1 or not _PLAIN_REFS.fullmatch("\n".join(refs) + "\n"):
        return "".join(_hyperlink(letters[c], r + 2, sheet, ref) for (r, c), (sheet, ref) in links)
    location = _location_attr(sheets[0]).replace("{", "{{").replace("}", "}}")
    template = f'<hyperlink ref="{{}}{{}}" location={location[:-1]}{{}}{location[-1]} display="{{}}"/>'
    return "".join(map(template.format, map(letters.__getitem__, columns), map(add, rows, repeat(2)), refs, refs))


def _hyperlink(letters: str, row: int, sheet: str, ref: str) -> str:
    if _PLAIN_REF.fullmatch(ref):  # the usual case: only the sheet name can need quoting
        location = _location_attr(sheet)
        return f'<hyperlink ref="{letters}{row}" location={location[:-1]}{ref}{location[-1]} display="{ref}"/>'
    return f'<hyperlink ref="{letters}{row}" location={attr(_location(sheet, ref))} display={attr(ref)}/>'


@lru_cache(maxsize=64)
def _location_attr(sheet: str) -> str:
    """The quoted location attribute of a link to `sheet`, before its cell reference is put in."""
    return attr(_location(sheet, ""))


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
    if len(text) <= room and text.isascii() and text.isprintable():  # one line, nothing wide: ids, codes
        return 1
    return sum(max(1, -(-display_width(line) // room)) for line in text.splitlines() or [""])


def _row(number: int, cells: list[tuple[str, object, int]], height: float | None = None) -> str:
    ht = f' ht="{height}" customHeight="1"' if height else ""
    body = "".join(f'<c r="{letters}{number}"{_after_ref(value, style)}' for letters, value, style in cells)
    return f'<row r="{number}"{ht}>{body}</row>'


def _after_ref(value: object, style: int) -> str:
    """A cell's XML after `<c r="B2"`: its style, type and value (text as an inline string, never a formula)."""
    s = f' s="{style}"' if style else ""
    if value is None:
        return f"{s}/>"
    if isinstance(value, bool):
        return f'{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f"{s}><v>{value}</v></c>"
    return f'{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(value)}</t></is></c>'
