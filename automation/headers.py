"""Header matching: normalise what people type in header cells and map it to schema fields."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .schema import Schema

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_BRACKETED = re.compile(r"[(\[【][^)\]】]*[)\]】]")
HEADER_SCAN_ROWS = 20


def normalise(text: object) -> str:
    """Comparable form of a header: NFKC (full width -> half width), no spaces or punctuation, lower case."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _PUNCT.sub("", folded)


def _variants(text: str) -> set[str]:
    """A header with and without a bracketed unit such as (kg) or (元)."""
    folded = unicodedata.normalize("NFKC", text)
    out = {normalise(folded)}
    stripped = _BRACKETED.sub("", folded)
    if normalise(stripped):
        out.add(normalise(stripped))
    return out - {""}


Aliases = tuple[tuple[str, str], ...]  # the team's own (header, field) pairs from [headers.<kind>]


@lru_cache(maxsize=256)
def _lookup(schema: Schema, own: Aliases = ()) -> dict[str, tuple[str, int]]:
    """normalised header -> (field, priority); the team's own mapping beats canonical headers beats aliases."""
    table: dict[str, tuple[str, int]] = {}
    for header, field_name in own:
        for variant in _variants(header):
            table[variant] = (field_name, -1)
    for col in schema.columns:
        for priority, names in ((0, (col.header, col.field, col.en)), (1, col.aliases)):
            for name in names:
                for variant in _variants(name):
                    if variant not in table or table[variant][1] > priority:
                        table[variant] = (col.field, priority)
    return table


@dataclass(frozen=True)
class HeaderMatch:
    """How one header row maps onto a schema: field -> 0-based column index."""

    fields: dict[str, int]
    unmapped: dict[int, str]  # column index -> header text of the team's own columns

    @property
    def score(self) -> int:
        return len(self.fields)


def match_headers(cells: list[object], schema: Schema, own: Aliases = ()) -> HeaderMatch:
    lookup = _lookup(schema, own)
    best: dict[str, tuple[int, int]] = {}  # field -> (priority, index)
    unmapped: dict[int, str] = {}
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        hit = next((lookup[v] for v in sorted(_variants(text), key=len, reverse=True) if v in lookup), None)
        if hit is None:
            unmapped[index] = text
            continue
        field, priority = hit
        if field in best and best[field] <= (priority, index):
            unmapped[index] = text  # a second column for the same field stays the team's own
            continue
        if field in best:
            unmapped[best[field][1]] = str(cells[best[field][1]]).strip()
        best[field] = (priority, index)
    return HeaderMatch({f: i for f, (_, i) in best.items()}, dict(sorted(unmapped.items())))


def _fit(match: HeaderMatch, schema: Schema, sheet_name: str) -> float:
    """How well a row fits a kind: matched columns, required ones count double, sheet name helps."""
    required = sum(1 for c in schema.required if c.field in match.fields)
    missing = len(schema.required) - required
    named = 1.5 if normalise(sheet_name) in {normalise(n) for n in (*schema.sheet_names, schema.zh, schema.kind)} else 0
    return match.score + required - 1.5 * missing + named


def find_header(rows: list[list[object]], candidates: list[Schema], sheet_name: str = "",
                min_fields: int = 2, own: dict[str, Aliases] | None = None) -> tuple[int, Schema, HeaderMatch] | None:
    """The best (0-based row, kind, match) in the first rows, or None when nothing looks like a header."""
    best: tuple[float, int, Schema, HeaderMatch] | None = None
    for row_index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if sum(1 for c in row if c not in (None, "")) < min_fields:
            continue
        for schema in candidates:
            match = match_headers(list(row), schema, (own or {}).get(schema.kind, ()))
            if match.score < min_fields:
                continue
            fit = _fit(match, schema, sheet_name)
            if best is None or fit > best[0]:
                best = (fit, row_index, schema, match)
    return None if best is None else best[1:]
