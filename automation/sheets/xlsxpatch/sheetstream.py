"""Stream a worksheet part, rewriting only the rows that hold cells we change.

The sheet XML of a 100k-row order sheet is tens of MB; it is never held whole. It is read in
chunks; rows nobody asked for are copied through as bytes; a wanted row is cut out, its cells are
split (only their tags are looked at), the caller edits them, and the row is written back with
every untouched cell byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

CHUNK = 1 << 22
_ROW_OPEN = re.compile(rb"<((?:\w+:)?)row\b([^>]*?)(/?)>")
_SD_OPEN = re.compile(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>")
_SD_CLOSE = re.compile(rb"</(?:\w+:)?sheetData\s*>")
_CELL = re.compile(rb"<((?:\w+:)?c)\b([^>]*?)(?:/>|>(.*?)</\1\s*>)", re.S)
_R_ATTR = re.compile(rb'(?<![\w:])r="([A-Z]*)(\d*)"')
_S_ATTR = re.compile(rb'(?<![\w:])s="(\d+)"')
_UNPARSED = object()
_S_ATTR_SPACED = re.compile(rb'\s+s="\d+"')
_SPANS = re.compile(rb'(?<![\w:])spans="(\d+):(\d+)"')
_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*?)/?>")
_CONTENT = re.compile(rb"<(?:\w+:)?(?:v|f|is)\b")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n - 1


class Cell:
    """One `<c>` of a wanted row. Only its start tag is parsed; its content is kept as bytes."""

    __slots__ = ("col", "attrs", "inner", "dropped", "new", "_style", "has_r")

    def __init__(self, col: int, attrs: bytes, inner: bytes | None, new: bool = False, has_r: bool = False):
        self.col, self.attrs, self.inner = col, attrs, inner
        self.dropped = False
        self.new = new
        self.has_r = has_r
        self._style: object = _UNPARSED

    @property
    def style(self) -> int | None:
        if self._style is _UNPARSED:
            self._style = style_of(self.attrs)
        return self._style

    def set_style(self, style: int | None) -> None:
        if style == self.style:
            return
        self.attrs = restyled(self.attrs, self._style, style)
        self._style = style

    def has_content(self) -> bool:
        return bool(self.inner and _CONTENT.search(self.inner))

    def set_value(self, value: object, prefix: bytes) -> None:
        """Text as an inline string (never a formula, whatever it starts with); numbers as numbers."""
        self.attrs = re.sub(rb'\s(?:t|cm|vm|ph)="[^"]*"', b"", self.attrs)
        if value is None:
            self.inner = None
            return
        if isinstance(value, bool):
            self.attrs += b' t="b"'
            self.inner = b"<%sv>%d</%sv>" % (prefix, int(value), prefix)
        elif isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
            self.inner = b"<%sv>%s</%sv>" % (prefix, str(value).encode(), prefix)
        else:
            self.attrs += b' t="inlineStr"'
            self.inner = b"<%sis><%st xml:space=\"preserve\">%s</%st></%sis>" % (
                prefix, prefix, xml_text(str(value)).encode(), prefix, prefix)

    def xml(self, tag: bytes, row: int) -> bytes:
        attrs = self.attrs
        if not self.has_r and not _R_ATTR.search(attrs):
            attrs = b' r="%s%d"' % (column_letters(self.col).encode(), row) + attrs
        attrs = attrs if attrs.startswith(b" ") else b" " + attrs
        if self.inner is None:
            return b"<" + tag + attrs + b"/>"
        return b"<" + tag + attrs + b">" + self.inner + b"</" + tag + b">"


def style_of(attrs: bytes) -> int | None:
    """The style index of a cell's start-tag attributes (None: no s attribute)."""
    found = _S_ATTR.search(attrs) if b"s=" in attrs else None
    return int(found.group(1)) if found else None


def restyled(attrs: bytes, current: int | None, style: int | None) -> bytes:
    """A cell's attributes with style `style` instead of `current` (its s attribute right after r)."""
    without = _S_ATTR_SPACED.sub(b"", attrs) if current is not None else attrs
    return without if style is None else _insert_after_r(without, b's="%d"' % style)


def _insert_after_r(attrs: bytes, new: bytes) -> bytes:
    if attrs.startswith(b' r="'):  # how every writer puts it
        end = attrs.index(b'"', 4) + 1
        return attrs[:end] + b" " + new + attrs[end:]
    found = _R_ATTR.search(attrs)
    if found is None:
        return b" " + new + attrs
    return attrs[:found.end()] + b" " + new + attrs[found.end():]


def xml_text(value: str) -> str:
    if value.isascii() and value.isprintable() and "&" not in value and "<" not in value and ">" not in value:
        return value  # ids, codes, cell references: nothing to escape or drop
    value = _ILLEGAL.sub("", value)
    # a raw CR would be read back as LF (XML line-end normalisation): keep it as a character reference
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


@dataclass
class Row:
    number: int
    attrs: bytes  # the row tag's attributes as written (b"" for a row we add)
    cells: dict[int, Cell] = field(default_factory=dict)
    prefix: bytes = b""
    spans_base: str | None = None  # the user's spans="a:b" when an earlier run widened it
    spans_widened: str | None = None  # set when writing: the user's spans, if this write widens them

    def default_style(self, column_styles: dict[int, int], col: int) -> int:
        """The style an absent cell shows: the row's own (customFormat) or its column's."""
        if re.search(rb'customFormat="(?:1|true)"', self.attrs):
            found = _S_ATTR.search(self.attrs)
            if found:
                return int(found.group(1))
        return column_styles.get(col, 0)

    def cell(self, col: int) -> Cell:
        """The cell at `col`, created (empty) if the row has none there."""
        if col not in self.cells:
            self.cells[col] = Cell(col, b"", None, new=True)
        return self.cells[col]


@dataclass
class StreamResult:
    max_row: int = 0
    max_col: int = -1
    rows_rewritten: int = 0


RowEditor = Callable[[Row, dict[int, int]], None]
# (the row's tag, its content as written, the column styles) -> (new content, first and last cell's
# column), or None to leave the row to the RowEditor
FastRow = Callable[[Row, bytes, dict[int, int]], "tuple[bytes, int | None, int | None] | None"]


def rewrite_sheet(read: Callable[[int], bytes], write: Callable[[bytes], object], wanted: Iterable[int],
                  edit_row: RowEditor, edit_head: Callable[[bytes], bytes] | None = None,
                  edit_tail: Callable[[bytes], bytes] | None = None,
                  row_written: Callable[[Row], None] | None = None, fast_row: FastRow | None = None) -> StreamResult:
    """Copy a worksheet part from `read` to `write`, calling `edit_row` for every wanted row number
    (rows the sheet lacks are created). `fast_row`, when given, is offered each wanted row the sheet
    has first, as bytes: what it does not decline is written as it returns it, unparsed (the common
    edit of a big sheet done on the row's bytes). `edit_head` may rewrite what precedes <sheetData>,
    `edit_tail` what follows </sheetData> (both small; the rows are streamed)."""
    stream = _Stream(read, write)
    while (opened := _SD_OPEN.search(stream.buf)) is None:
        if not stream.more():
            raise ValueError("no <sheetData> in the worksheet")
    prefix = opened.group(1)
    head = stream.buf[:opened.start()]
    column_styles = _column_styles(head)
    stream.emit(edit_head(head) if edit_head else head)
    stream.emit(opened.group(0) if not opened.group(2) else opened.group(0)[:-2].rstrip() + b">")
    stream.pos = stream.scan = opened.end()
    result = StreamResult()
    wanted_rows = iter(sorted(set(wanted)))
    pending = [next(wanted_rows, None)]

    def new_rows(before: int | None) -> None:
        while pending[0] is not None and (before is None or pending[0] < before):
            row = Row(pending[0], b"", prefix=prefix)
            edit_row(row, column_styles)
            if row.cells:
                stream.emit(_row_xml(row, prefix, result))
                if row_written:
                    row_written(row)
            pending[0] = next(wanted_rows, None)

    last_row = 0
    while not opened.group(2):
        buf = stream.buf
        if pending[0] is None:  # nothing left to edit: the rest of the rows go through unlooked at
            close = _sheet_data_close(buf, stream.scan, len(buf))
            if close is None:
                stream.scan = max(len(buf) - 64, stream.scan)  # "</sheetData>" may straddle the chunk's end
                stream.refill(stream.scan, rescan_from=None)
                continue
            stream.emit(buf[stream.pos:close])
            stream.pos = close
            break
        stream.scan = _skip_to(buf, stream.scan, prefix, pending[0])
        m = _ROW_OPEN.search(buf, stream.scan)
        close = _sheet_data_close(buf, stream.scan, m.start() if m else len(buf))
        if close is not None:
            stream.emit(buf[stream.pos:close])
            stream.pos = close
            break
        if m is None:
            cut = buf.rfind(b"<", stream.scan)
            stream.refill(cut if cut >= stream.scan else len(buf), rescan_from=None)
            continue
        number_match = _R_ATTR.search(m.group(2))
        number = int(number_match.group(2)) if number_match and number_match.group(2) else last_row + 1
        if pending[0] is not None and pending[0] < number:
            stream.emit(buf[stream.pos:m.start()])
            stream.pos = m.start()
            new_rows(number)
        if number == pending[0]:
            if m.group(3):
                inner, end = b"", m.end()
            else:
                closing = b"</" + m.group(1) + b"row>"
                close_at = buf.find(closing, m.end())
                if close_at < 0:
                    stream.refill(m.start(), rescan_from=m.start())
                    continue
                inner, end = buf[m.end():close_at], close_at + len(closing)
            stream.emit(buf[stream.pos:m.start()])
            row = Row(number, m.group(2), prefix=m.group(1))
            fast = fast_row(row, inner, column_styles) if fast_row else None
            if fast is not None:
                stream.emit(_row_wrap(row, m.group(1), result, *fast))
            else:
                row.cells, trailer = _parse_cells(inner, number)
                edit_row(row, column_styles)
                stream.emit(_row_xml(row, m.group(1), result, trailer))
            if row_written:
                row_written(row)
            stream.pos = stream.scan = end
            pending[0] = next(wanted_rows, None)
        else:
            stream.scan = m.end()
        last_row = number
        result.max_row = max(result.max_row, number)
    new_rows(None)
    if opened.group(2):
        stream.emit(b"</" + prefix + b"sheetData>")
    stream.emit(b"")
    while stream.more():
        pass
    tail = stream.buf[stream.pos:]
    stream.emit(edit_tail(tail) if edit_tail else tail)
    stream.flush()
    return result


def _skip_to(buf: bytes, scan: int, prefix: bytes, wanted: int) -> int:
    """Where to look for the next row: the wanted row itself when it is in the buffer as every writer
    writes it (`<row r="N"`), else past the rows that come before it (rows are in ascending order),
    else `scan` (look at each row: the wanted row may be missing, or lack its r)."""
    at = buf.find(b'<%srow r="%d"' % (prefix, wanted), scan)
    if at >= 0:
        return at
    last = buf.rfind(b"<" + prefix + b"row ", scan)
    found = _ROW_OPEN.match(buf, last) if last >= 0 else None
    number = _R_ATTR.search(found.group(2)) if found else None
    if number and number.group(2) and int(number.group(2)) < wanted:
        return last
    return scan


class _Stream:
    """The read buffer and the output, with `pos` (everything before it is emitted) and `scan`."""

    def __init__(self, read, write):
        self.read, self.write = read, write
        self.buf, self.eof = b"", False
        self.pos = self.scan = 0
        self.out: list[bytes] = []
        self.size = 0

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def emit(self, data: bytes) -> None:
        if data:
            self.out.append(data)
            self.size += len(data)
        if self.size > CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.out:
            self.write(b"".join(self.out))
            self.out.clear()
            self.size = 0

    def refill(self, keep: int, rescan_from: int | None) -> None:
        """Emit up to `keep`, drop it from the buffer, read more; scanning resumes where it was."""
        keep = max(keep, self.pos)
        self.emit(self.buf[self.pos:keep])
        scan = (rescan_from if rescan_from is not None else self.scan) - keep
        self.buf, self.pos, self.scan = self.buf[keep:], 0, max(scan, 0)
        if not self.more():
            raise ValueError("the worksheet ends inside <sheetData>")


def _sheet_data_close(buf: bytes, start: int, end: int) -> int | None:
    at = buf.find(b"sheetData", start, end)
    while at >= 0:
        lt = buf.rfind(b"<", start, at + 1)
        found = _SD_CLOSE.match(buf, lt) if lt >= 0 else None
        if found:
            return found.start()
        at = buf.find(b"sheetData", at + 9, end)
    return None


def _column_styles(head: bytes) -> dict[int, int]:
    styles: dict[int, int] = {}
    for m in _COL.finditer(head):
        attrs = m.group(1)
        found = _S_ATTR.search(attrs) or re.search(rb'(?<![\w:])style="(\d+)"', attrs)
        lo, hi = re.search(rb'min="(\d+)"', attrs), re.search(rb'max="(\d+)"', attrs)
        if found and lo and hi and int(hi.group(1)) - int(lo.group(1)) < 16384:
            for col in range(int(lo.group(1)) - 1, int(hi.group(1))):
                styles[col] = int(found.group(1))
    return styles


_COLUMNS: dict[bytes, int] = {}
_CELL_STARTS: dict[bytes, re.Pattern] = {}
_DIGITS = b"0123456789"


def cell_starts(prefix: bytes) -> re.Pattern:
    """The start tags of a row's cells (`<c …>`, `<c …/>`; their attributes in group 1), with `prefix`."""
    found = _CELL_STARTS.get(prefix)
    if found is None:
        found = _CELL_STARTS[prefix] = re.compile(rb"<" + re.escape(prefix) + rb"c(?=[\s/>])([^>]*?)/?>")
    return found


def ref_column(attrs: bytes) -> int | None:
    """The column of a cell whose attributes start with its reference (` r="AB12"`, as every writer
    puts it); None for any other cell."""
    if not attrs.startswith(b' r="'):
        return None
    letters = attrs[4:attrs.find(b'"', 4)].rstrip(_DIGITS)
    col = _COLUMNS.get(letters)
    if col is None:
        if not letters or not letters.isalpha() or not letters.isupper():
            return None
        col = _COLUMNS.setdefault(letters, column_index(letters))
    return col


def _parse_cells(inner: bytes, row: int) -> tuple[dict[int, Cell], bytes]:
    """The row's cells by column, and what follows them inside the row (an extLst)."""
    cells: dict[int, Cell] = {}
    col = -1
    end = 0
    for m in _CELL.finditer(inner):
        attrs = m.group(2)
        ref = _R_ATTR.search(attrs)
        if ref and ref.group(1):
            letters = ref.group(1)
            col = _COLUMNS.get(letters)
            if col is None:
                col = _COLUMNS.setdefault(letters, column_index(letters))
        else:
            col += 1
        cells[col] = Cell(col, attrs, m.group(3), has_r=ref is not None)
        end = m.end()
    rest = inner[end:]
    return cells, (rest if rest.strip() else b"")


def _row_xml(row: Row, prefix: bytes, result: StreamResult, trailer: bytes = b"") -> bytes:
    tag = prefix + b"c"
    cells = [c for _, c in sorted(row.cells.items()) if not c.dropped]
    body = b"".join(c.xml(tag, row.number) for c in cells) + trailer
    return _row_wrap(row, prefix, result, body, cells[0].col if cells else None, cells[-1].col if cells else None)


def _row_wrap(row: Row, prefix: bytes, result: StreamResult, body: bytes, first: int | None, last: int | None) -> bytes:
    """The rewritten row around its cells' XML `body` (`first`/`last`: its first and last cell's column)."""
    result.rows_rewritten += 1
    result.max_row = max(result.max_row, row.number)
    if last is not None:
        result.max_col = max(result.max_col, last)
    attrs = row.attrs
    if not _R_ATTR.search(attrs):
        attrs = b' r="%d"' % row.number + attrs
    spans = _SPANS.search(attrs)
    if spans and last is not None:  # spans is only a hint, but a true one: widen it for our cells, narrow it back after
        lo, hi = (int(v) for v in (row.spans_base or f"{int(spans.group(1))}:{int(spans.group(2))}").split(":"))
        lo2, hi2 = min(lo, first + 1), max(hi, last + 1)
        if (lo2, hi2) != (lo, hi):
            row.spans_widened = f"{lo}:{hi}"
        attrs = attrs[:spans.start()] + b'spans="%d:%d"' % (lo2, hi2) + attrs[spans.end():]
    return b"<" + prefix + b"row" + attrs + b">" + body + b"</" + prefix + b"row>"
