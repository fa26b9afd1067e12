"""Header matching: what people type in header cells, mapped to schema fields, with how sure we are.

A header is compared at falling levels of certainty, and the first level that decides wins:
1. exactly (after NFKC full width -> half width, lower case, no spaces/punctuation): the team's own
   `[headers.<kind>]` mapping, the canonical header, the schema's aliases, the alias families below;
2. without brackets and units: `重量(kg)`, `重量（公斤）`, `重量kg` all read as 重量;
3. without the usual suffixes (…号/编号/号码, …名称, …时间/日期), on both sides, where that leaves
   one field only (`快递单号` must not become `快递`, the courier);
4. by containment with a score: known name / header length, more when the known name ends the
   header (Chinese puts the head noun last), less when the header is only a fragment of a known
   name. `快递单号1` is taken (0.8); `退款状态` is not silently an order status (0.7).
A containment match that is ambiguous (two fields score alike) or weak is never taken: it is kept
in `HeaderMatch.unsure` with the `[headers]` line that would fix it, for `inspect` and the 未检查
lines. Matching runs once per header row candidate (the first 20 rows), never per cell of data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .schema import Schema

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_BRACKETED = re.compile(r"[(\[【{<《][^)\]】}>》]*[)\]】}>》]")
_UNIT = re.compile(r"(?:kg|公斤|千克|克|元|rmb|¥|￥|秒|分钟|%|g)$")
_SUFFIX = re.compile(r"(?:号码|编号|号|名称|时间|日期)$")
HEADER_SCAN_ROWS = 20
ACCEPT = 0.75  # a containment score at least this high (and clearly ahead of the next field) is taken
FLOOR = 0.3  # below this a containment is a coincidence, not a candidate
MARGIN = 0.15  # how far ahead of the next field a containment must be
LONGEST_HEADER = 16  # longer cells are data (addresses, remarks), not headers: no containment

# Alias families: the names staff use for a field in any sheet that has it (`kind.field` for one kind
# only), on top of each schema's own aliases.
FAMILIES: dict[str, tuple[str, ...]] = {
    "province": ("目的省份", "收货省份", "收件省份", "收件人省份", "到达省份", "省份", "省"),
    "stubs.weight": ("快递员填写重量", "底单重量", "快递称重", "称重", "实际重量", "实重", "重量"),
    "shipments.weight": ("包裹重量", "发货重量", "称重", "实际重量", "重量"),
    "waybill": ("快递单号", "运单号", "运单编号", "物流单号", "面单号"),
    "courier": ("快递公司", "物流公司", "快递", "物流", "承运快递"),
    "order_id": ("订单编号", "订单号", "订单ID", "淘宝订单号"),
    "buyer": ("买家会员名", "买家昵称", "买家旺旺", "旺旺", "买家"),
    "agent": ("客服", "客服名", "客服姓名", "负责客服", "经办客服"),
    "sku": ("商家编码", "货号", "款号", "商品编码"),
    "consignee": ("收货人", "收件人", "收货人姓名", "收件人姓名"),
    "address": ("收货地址", "收件地址", "收件人地址", "收货人地址", "详细地址"),
    "phone": ("联系手机", "手机", "手机号", "收件人手机", "收货人手机"),
    "stubs.courier_staff": ("快递员", "揽件员", "揽收员", "收件员", "快递员签名", "揽件人"),
    "shipments.packer": ("打包人", "打包员", "包装人", "打包"),
    "returns.logistics": ("物流状态", "物流情况", "退件物流"),
    "returns.followed_up": ("跟进情况", "跟进", "跟进记录"),
}


def _per_text(form):
    """The three forms below, computed once per distinct text: the header search classifies each
    cell of the first 20 rows against every sheet kind (at 10k rows, a tenth of validate's time)."""
    memo: dict[str, object] = {}

    def run(text: object):
        if text.__class__ is not str:
            return form(text)
        try:
            return memo[text]
        except KeyError:
            if len(memo) >= 1 << 16:  # bounded: headers and a few screens of data
                memo.clear()
            result = memo[text] = form(text)
            return result

    run.__doc__, run.__name__, run.__wrapped__ = form.__doc__, form.__name__, form
    return run


@_per_text
def normalise(text: object) -> str:
    """Comparable form of a header: NFKC (full width -> half width), no spaces or punctuation, lower case."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _PUNCT.sub("", folded)


@_per_text
def without_units(text: object) -> str:
    """`重量(kg)`, `重量（公斤）`, `重量kg` -> `重量` (normalised); the text itself when nothing is left."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    bare = normalise(_BRACKETED.sub("", folded))
    stripped = _UNIT.sub("", bare) if len(bare) > 2 else bare
    return stripped or bare or normalise(folded)


@_per_text
def core(text: object) -> str:
    """Without units and the usual suffix: `快递单号` -> `快递单`, `下单日期` -> `下单`."""
    bare = without_units(text)
    stripped = _SUFFIX.sub("", bare)
    return stripped if len(stripped) >= 2 else bare


Aliases = tuple[tuple[str, str], ...]  # the team's own (header, field) pairs from [headers.<kind>]
METHODS = ("own", "canonical", "alias", "family", "units", "suffix", "contains")


@dataclass(frozen=True)
class Matched:
    """How one column was matched: by which rule, with what confidence (1.0 = exact)."""

    field: str
    index: int
    header: str
    method: str  # one of METHODS
    score: float


@dataclass(frozen=True)
class Unsure:
    """A column that looks like a field but was not taken (ambiguous or weak)."""

    field: str
    index: int
    header: str
    score: float
    rival: str | None = None  # the other field it scored alike for

    def fix(self, kind: str) -> str:
        """The shop.toml line that maps it for good."""
        return f'[headers.{kind}] "{self.header}" = "{self.field}"'


@dataclass(frozen=True)
class HeaderMatch:
    """How one header row maps onto a schema: field -> 0-based column index."""

    fields: dict[str, int]
    unmapped: dict[int, str]  # column index -> header text of the team's own columns
    how: dict[str, Matched] = field(default_factory=dict)  # field -> how its column was matched
    unsure: dict[str, tuple[Unsure, ...]] = field(default_factory=dict)  # field -> candidates not taken

    @property
    def score(self) -> int:
        return len(self.fields)


def families_for(schema: Schema) -> dict[str, tuple[str, ...]]:
    own_fields = {c.field for c in schema.columns}
    out: dict[str, tuple[str, ...]] = {}
    for key, names in FAMILIES.items():
        kind, _, name = key.rpartition(".")
        if name in own_fields and kind in ("", schema.kind):
            out[name] = out.get(name, ()) + names
    return out


@dataclass(frozen=True)
class _Lookup:
    exact: dict[str, tuple[str, str]]  # normalised name -> (field, method)
    bare: dict[str, tuple[str, str]]  # without units
    cores: dict[str, str]  # without suffix -> field (names whose core two fields share are left out)
    names: tuple[tuple[str, str], ...]  # (bare name, field) for containment
    starting: dict[str, list[int]]  # a character -> the `names` (indexes) that start with it
    joined: str  # the `names`, NUL between them: a header that is in no name is in no part of this


_CACHE: dict[tuple[str, Aliases], tuple[Schema, _Lookup, dict]] = {}


def _cached(schema: Schema, own: Aliases) -> tuple[_Lookup, dict]:
    """The lookup of a schema and its memo of classified header texts (keyed by kind, not by hashing
    the whole schema on every cell)."""
    entry = _CACHE.get((schema.kind, own))
    if entry is None or entry[0] is not schema:
        entry = _CACHE[(schema.kind, own)] = (schema, _build_lookup(schema, own), {})
    return entry[1], entry[2]


@_per_text
def _forms(text: str) -> tuple[str, str, str]:
    """(normalise, without_units, core) of a text: once per known name for every schema's lookup, and
    once per header cell for every kind it is classified against."""
    return normalise(text), without_units(text), core(text)


def _build_lookup(schema: Schema, own: Aliases = ()) -> _Lookup:
    """The team's own mapping beats canonical headers beats aliases beats families, at every level."""
    ranked: list[tuple[str, str, str]] = [(h, f, "own") for h, f in own]
    for col in schema.columns:
        ranked += [(n, col.field, "canonical") for n in (col.header, col.field, col.en)]
    for col in schema.columns:
        ranked += [(n, col.field, "alias") for n in col.aliases]
    ranked += [(n, f, "family") for f, names in families_for(schema).items() for n in names]
    exact: dict[str, tuple[str, str]] = {}
    bare: dict[str, tuple[str, str]] = {}
    cores: dict[str, set[str]] = {}
    contained: dict[tuple[str, str], None] = {}
    for name, field_name, method in ranked:
        normal, unitless, stem = _forms(name)
        exact.setdefault(normal, (field_name, method))
        bare.setdefault(unitless, (field_name, method))
        cores.setdefault(stem, set()).add(field_name)
        if len(unitless) >= 2:
            contained.setdefault((unitless, field_name), None)
    names = tuple(contained)
    starting: dict[str, list[int]] = {}
    for i, (known, _) in enumerate(names):
        starting.setdefault(known[0], []).append(i)
    unique_cores = {k: next(iter(v)) for k, v in cores.items() if len(v) == 1 and k}
    return _Lookup(exact, bare, unique_cores, names, starting, "\x00".join(known for known, _ in names))


def _candidate_names(bare: str, lookup: _Lookup) -> list[int]:
    """The `names` (indexes, in order) that can be in `bare` or hold it: a name in it starts with one
    of its characters; a name holding it is looked for only when the joined names hold it (a
    normalised header has no NUL). The rest cannot score."""
    if not _may_contain(bare, lookup.starting.keys(), lookup.joined):
        return []
    found: set[int] = set()
    for ch in set(bare):
        found.update(lookup.starting.get(ch, ()))
    if bare in lookup.joined:
        found.update(i for i, (known, _) in enumerate(lookup.names) if bare in known)
    return sorted(found)


def _decide(text: str, lookup: _Lookup) -> tuple[str, str, float] | tuple[Unsure, ...] | None:
    # `_Known.may_take` answers, for all kinds at once, whether any step below can take the text:
    # a new step here needs its test there too (tests/test_header_search.py compares the two ways)
    normal, bare, stem = _forms(text)
    if (hit := lookup.exact.get(normal)) is not None:
        return hit[0], hit[1], 1.0 if hit[1] != "family" else 0.95
    if (hit := lookup.bare.get(bare)) is not None:
        return hit[0], "units", 0.9
    if (name := lookup.cores.get(stem)) is not None:
        return name, "suffix", 0.8
    if not 2 <= len(bare) <= LONGEST_HEADER:
        return None
    best: dict[str, float] = {}
    for known, field_name in map(lookup.names.__getitem__, _candidate_names(bare, lookup)):
        if known in bare:  # the header is a known name with more around it: the more, the weaker
            score = len(known) / len(bare) + (0.2 if bare.endswith(known) else 0)
        elif bare in known:  # the header is a fragment of a known name: weaker still
            score = 0.8 * len(bare) / len(known)
        else:
            continue
        best[field_name] = max(best.get(field_name, 0), min(score, 0.9))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < FLOOR:
        return None
    (top, score), rival = ranked[0], (ranked[1] if len(ranked) > 1 else None)
    if score >= ACCEPT and (rival is None or score - rival[1] >= MARGIN):
        return top, "contains", round(score, 2)
    near = [(f, s) for f, s in ranked if s >= FLOOR and score - s < MARGIN]
    return tuple(Unsure(f, -1, text, round(s, 2), next((g for g, _ in near if g != f), None)) for f, s in near)


def match_headers(cells: list[object], schema: Schema, own: Aliases = ()) -> HeaderMatch:
    texts = _texts(cells)
    return _matched(texts, _classified(texts, schema, own))


Texts = list[tuple[int, str, bool]]  # (0-based column, the cell's text, whether the cell is text)


def _texts(cells: list[object]) -> Texts:
    """The non-empty cells of a row, trimmed: once per row, for every kind it is matched against."""
    out = []
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if text:
            out.append((index, text, isinstance(cell, str)))
    return out


_UNSEEN = object()


def _classified(texts: Texts, schema: Schema, own: Aliases) -> list:
    """Each cell's (field, method, score), unsure candidates or None (`_decide`, once per text and kind).
    A number or date in a header row is only ever an exact name (a header `2026` is not a field)."""
    lookup, memo = _cached(schema, own)
    out = []
    for _, text, is_text in texts:
        if is_text:
            found = memo.get(text, _UNSEEN)
            if found is _UNSEEN:
                found = memo[text] = _decide(text, lookup)
        else:
            hit = lookup.exact.get(normalise(text))
            found = None if hit is None else (hit[0], hit[1], 1.0)
        out.append(found)
    return out


def _fields_found(classified: list) -> int:
    """How many cells were matched to a field: a match of the row has at most this many fields."""
    return sum(1 for found in classified if found is not None and found[0].__class__ is str)


def _matched(texts: Texts, classified: list) -> HeaderMatch:
    best: dict[str, Matched] = {}
    unmapped: dict[int, str] = {}
    unsure: dict[str, list[Unsure]] = {}
    for (index, text, _), found in zip(texts, classified):
        if found is None or isinstance(found[0], Unsure):
            unmapped[index] = text
            for candidate in found or ():
                unsure.setdefault(candidate.field, []).append(Unsure(candidate.field, index, text, candidate.score, candidate.rival))
            continue
        field_name, method, score = found
        current = best.get(field_name)
        if current is not None and _rank(current) <= _rank(Matched(field_name, index, text, method, score)):
            unmapped[index] = text  # a second column for the same field stays the team's own
            continue
        if current is not None:
            unmapped[current.index] = current.header
        best[field_name] = Matched(field_name, index, text, method, score)
    kept = {f: tuple(c for c in found if c.index not in {m.index for m in best.values()})
            for f, found in unsure.items() if f not in best}
    return HeaderMatch({f: m.index for f, m in best.items()}, dict(sorted(unmapped.items())),
                       dict(best), {f: c for f, c in kept.items() if c})


def _rank(m: Matched) -> tuple[float, int, int]:
    """Of two columns for one field the surer wins; then own mapping > canonical > alias …; then the first."""
    return -m.score, METHODS.index(m.method), m.index


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
    owns = [(own or {}).get(schema.kind, ()) for schema in candidates]
    known = _Known.of([_cached(schema, mine)[0] for schema, mine in zip(candidates, owns)])
    for row_index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if sum(1 for c in row if c not in (None, "")) < min_fields:
            continue
        texts = _texts(row)
        hopeful = [i for i, (_, text, is_text) in enumerate(texts) if known.may_take(text, is_text)]
        if len(hopeful) < min_fields:  # a data row: its ids, phones, addresses name no field of any kind
            continue
        for schema, mine in zip(candidates, owns):
            classified = _classified([texts[i] for i in hopeful], schema, mine)
            if _fields_found(classified) < min_fields:  # most kinds find one field or none in a row: no match built
                continue
            every = [None] * len(texts)  # the cells no kind can take are the team's own
            for i, found in zip(hopeful, classified):
                every[i] = found
            match = _matched(texts, every)
            if match.score < min_fields:
                continue
            fit = _fit(match, schema, sheet_name)
            if best is None or fit > best[0]:
                best = (fit, row_index, schema, match)
    return None if best is None else best[1:]


@dataclass(frozen=True)
class _Known:
    """What the lookups of the kinds searched for know, together: a cell none of them can take
    (`may_take` False) is classified None by every one (`_decide`), so it is classified by none."""

    exact: frozenset[str]
    bare: frozenset[str]
    cores: frozenset[str]
    starting: frozenset[str]  # the first characters of the names for containment
    joined: str  # those names, NUL between them

    @classmethod
    def of(cls, lookups: list[_Lookup]) -> _Known:
        return cls(frozenset().union(*(l.exact for l in lookups)), frozenset().union(*(l.bare for l in lookups)),
                   frozenset().union(*(l.cores for l in lookups)), frozenset().union(*(l.starting for l in lookups)),
                   "\x00".join(l.joined for l in lookups))

    def may_take(self, text: str, is_text: bool) -> bool:
        if not is_text:  # a number or date: an exact name only (see `_classified`)
            return normalise(text) in self.exact
        normal, bare, stem = _forms(text)
        if normal in self.exact or bare in self.bare or stem in self.cores:
            return True
        return 2 <= len(bare) <= LONGEST_HEADER and _may_contain(bare, self.starting, self.joined)


def _may_contain(bare: str, starting, joined: str) -> bool:
    """Whether a known name can be in `bare` (one starts with a character of it: `starting`, a set of
    first characters) or hold it (the NUL-joined names hold it): `_candidate_names`' test, which
    `_Known.may_take` makes for every kind at once."""
    return bare in joined or not starting.isdisjoint(bare)
