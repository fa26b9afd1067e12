"""New cell formats appended to xl/styles.xml, leaving every existing byte of it in place.

A marked cell keeps its own look: its new xf is a copy of its own xf (number format, font, border,
alignment, protection) with only `fillId` changed. Identical fills, fonts and xfs are found again
rather than appended twice, so a re-run leaves styles.xml as the first run left it.
"""

from __future__ import annotations

import re

from .package import Package, PackageError, insert_before_close

STYLES = "xl/styles.xml"
_BLOCK = {tag: re.compile(rb"<((?:\w+:)?" + tag + rb")\b[^>]*?(?:/>|>(.*?)</\1\s*>)", re.S)
          for tag in (b"fills", b"fonts", b"cellXfs", b"numFmts", b"borders")}
_ITEM = {b"fills": re.compile(rb"<(?:\w+:)?fill\b[^>]*?(?:/>|>.*?</(?:\w+:)?fill\s*>)", re.S),
         b"fonts": re.compile(rb"<(?:\w+:)?font\b[^>]*?(?:/>|>.*?</(?:\w+:)?font\s*>)", re.S),
         b"cellXfs": re.compile(rb"<(?:\w+:)?xf\b[^>]*?(?:/>|>.*?</(?:\w+:)?xf\s*>)", re.S),
         b"numFmts": re.compile(rb"<(?:\w+:)?numFmt\b[^>]*?/>", re.S)}
# Where a missing block goes: CT_Stylesheet's order (numFmts, fonts, fills, borders, cellStyleXfs, cellXfs, …)
_ORDER = [b"numFmts", b"fonts", b"fills", b"borders", b"cellStyleXfs", b"cellXfs", b"cellStyles", b"dxfs",
          b"tableStyles", b"colors", b"extLst"]


class StyleBook:
    def __init__(self, package: Package):
        self.package = package
        if not package.has(STYLES):
            raise PackageError("damaged", STYLES)
        self.data = package.read(STYLES)
        self.prefix = re.match(rb"(?:<\?xml[^>]*>\s*)?<(\w+:)?styleSheet\b", self.data)
        self.prefix = (self.prefix.group(1) or b"") if self.prefix else b""
        self._items = {tag: self._read_items(tag) for tag in _ITEM}
        self._added: dict[bytes, list[bytes]] = {tag: [] for tag in _ITEM}
        self._cache: dict[tuple, int] = {}

    def _read_items(self, tag: bytes) -> list[bytes]:
        block = _BLOCK[tag].search(self.data)
        if block is None or block.group(2) is None:
            return []
        return [m.group(0) for m in _ITEM[tag].finditer(block.group(2))]

    # ---- public -------------------------------------------------------------------------------------
    @property
    def xf_count(self) -> int:
        return len(self._items[b"cellXfs"]) + len(self._added[b"cellXfs"])

    def derive(self, xf: int, fill: str | None = None, quote_prefix: bool = False) -> int:
        """The xf index that is `xf` with a solid `fill` and/or quotePrefix (text Excel keeps as text
        even when the user re-enters it)."""
        key = ("derive", xf, fill, quote_prefix)
        if key not in self._cache:
            changes: dict[str, object] = {}
            if fill:
                changes.update(fillId=self._find_or_add(b"fills", self._fill_xml(fill)), applyFill=1)
            if quote_prefix:
                changes["quotePrefix"] = 1
            self._cache[key] = self._find_or_add(b"cellXfs", _set_attrs(self._xf(xf), **changes)) if changes else xf
        return self._cache[key]

    def fill_of(self, xf: int, source: int) -> int:
        """`xf` with the fill `source` has: a cell the user restyled over our fill gets its own fill back."""
        found = re.search(rb'\bfillId="(\d+)"', self._xf(source))
        fill_id = found.group(1).decode() if found else "0"
        applied = re.search(rb'\bapplyFill="([^"]*)"', self._xf(source))
        changes = {"fillId": fill_id, "applyFill": applied.group(1).decode() if applied else "0"}
        return self._find_or_add(b"cellXfs", _set_attrs(self._xf(xf), **changes))

    def plain(self, *, bold: bool = False, fill: str | None = None, num_fmt: str | int | None = None,
              wrap: bool = False, link: bool = False, quote_prefix: bool = False) -> int:
        """An xf for the sheets we write ourselves (built from scratch, not from a user's style)."""
        key = ("plain", bold, fill, num_fmt, wrap, link, quote_prefix)
        if key in self._cache:
            return self._cache[key]
        p = self.prefix
        font_id = 0
        if bold or link:
            colour = b'<' + p + b'color rgb="FF0563C1"/>' if link else b""
            font = (b"<" + p + b"font>" + (b"<" + p + b"b/>" if bold else b"") + (b"<" + p + b'u/>' if link else b"")
                    + b"<" + p + b'sz val="11"/>' + colour + b"<" + p + b'name val="' + self._default_font_name() + b'"/></' + p + b"font>")
            font_id = self._find_or_add(b"fonts", font)
        fill_id = self._find_or_add(b"fills", self._fill_xml(fill)) if fill else 0
        fmt_id = num_fmt if isinstance(num_fmt, int) else (self._num_fmt(num_fmt) if num_fmt else 0)
        attrs = (f'numFmtId="{fmt_id}" fontId="{font_id}" fillId="{fill_id}" borderId="0" xfId="0"'
                 + (' applyNumberFormat="1"' if fmt_id else "") + (' applyFont="1"' if font_id else "")
                 + (' applyFill="1"' if fill_id else "") + (' applyAlignment="1"' if wrap else "")
                 + (' quotePrefix="1"' if quote_prefix else ""))
        body = (b"><" + p + b'alignment vertical="top" wrapText="1"/></' + p + b"xf>") if wrap else b"/>"
        xf = b"<" + p + b"xf " + attrs.encode() + body
        self._cache[key] = self._find_or_add(b"cellXfs", xf)
        return self._cache[key]

    def apply(self) -> None:
        """Write styles.xml back if anything was appended."""
        if not any(self._added.values()):
            return
        data = self.data
        for tag in (b"numFmts", b"fonts", b"fills", b"cellXfs"):
            added = self._added.get(tag)
            if not added:
                continue
            data = self._append(data, tag, added, len(self._items[tag]) + len(added))
        self.package.replace(STYLES, data)

    # ---- internals ----------------------------------------------------------------------------------
    def _xf(self, index: int) -> bytes:
        items = self._items[b"cellXfs"] + self._added[b"cellXfs"]
        if not items:
            return b"<" + self.prefix + b'xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        return items[index] if 0 <= index < len(items) else items[0]

    def _fill_xml(self, rgb: str) -> bytes:
        p = self.prefix
        return (b"<" + p + b'fill><' + p + b'patternFill patternType="solid"><' + p + b'fgColor rgb="FF' + rgb.upper().encode()
                + b'"/><' + p + b'bgColor indexed="64"/></' + p + b"patternFill></" + p + b"fill>")

    def _find_or_add(self, tag: bytes, item: bytes) -> int:
        items = self._items[tag]
        canon = _canonical(item)
        for i, existing in enumerate(items + self._added[tag]):
            if _canonical(existing) == canon:
                return i
        self._added[tag].append(item)
        return len(items) + len(self._added[tag]) - 1

    def _num_fmt(self, code: str) -> int:
        for existing in self._items[b"numFmts"] + self._added[b"numFmts"]:
            found = re.search(rb'formatCode="([^"]*)"', existing)
            if found and found.group(1).decode() == _xml_attr(code):
                return int(re.search(rb'numFmtId="(\d+)"', existing).group(1))
        ids = [int(m) for e in self._items[b"numFmts"] + self._added[b"numFmts"] for m in re.findall(rb'numFmtId="(\d+)"', e)]
        new_id = max([163, *ids]) + 1
        self._added[b"numFmts"].append(b"<" + self.prefix + f'numFmt numFmtId="{new_id}" formatCode="{_xml_attr(code)}"/>'.encode())
        return new_id

    def _default_font_name(self) -> bytes:
        first = (self._items[b"fonts"] or [b""])[0]
        found = re.search(rb'<(?:\w+:)?name\s+val="([^"]*)"', first)
        return found.group(1) if found else b"Calibri"

    def _append(self, data: bytes, tag: bytes, added: list[bytes], count: int) -> bytes:
        block = _BLOCK[tag].search(data)
        if block is None:  # the block is missing: add it where CT_Stylesheet's order puts it
            new = b"<" + self.prefix + tag + f' count="{count}">'.encode() + b"".join(added) + b"</" + self.prefix + tag + b">"
            return _insert_block(data, tag, new, self.prefix)
        start, end = block.span()
        element = insert_before_close(block.group(0), tag, b"".join(added))
        element = re.sub(rb'(<(?:\w+:)?' + tag + rb'\b[^>]*?)\scount="\d+"', rb'\1', element, count=1)
        element = re.sub(rb'^(<(?:\w+:)?' + tag + rb')\b', rb'\1' + f' count="{count}"'.encode(), element, count=1)
        return data[:start] + element + data[end:]


def _insert_block(data: bytes, tag: bytes, new: bytes, prefix: bytes) -> bytes:
    later = _ORDER[_ORDER.index(tag) + 1:]
    for following in later:
        found = re.search(rb"<(?:\w+:)?" + following + rb"\b", data)
        if found:
            return data[:found.start()] + new + data[found.start():]
    return insert_before_close(data, b"styleSheet", new)


def _set_attrs(element: bytes, **values: object) -> bytes:
    head_end = re.search(rb"/?>", element).start()
    head, rest = element[:head_end], element[head_end:]
    for name, value in values.items():
        pattern = re.compile(rb"\s" + name.encode() + rb'="[^"]*"')
        new = f' {name}="{value}"'.encode()
        head = pattern.sub(new, head, count=1) if pattern.search(head) else head + new
    return head + rest


def _canonical(element: bytes) -> tuple:
    """Compare two style elements by their attributes and children, not by attribute order or spacing."""
    tags = re.findall(rb"<(/?)(?:\w+:)?(\w+)([^>]*?)(/?)>", element)
    return tuple((close, name, tuple(sorted(re.findall(rb'(\w+)="([^"]*)"', attrs))), selfclose)
                 for close, name, attrs, selfclose in tags)


def _xml_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
