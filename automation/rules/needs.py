"""What a rule needs before it can run: sheet kinds and their fields, and the equivalents a rule may
use when a preferred column is absent (goods amount = 实付金额 − 邮费 when there is no 商品金额).

A rule declares `requires=(own("original_price", "goods_amount"), sheet("shipments", "weight"))`;
`any_of("phone", "landline")` is satisfied by either column. The engine resolves the needs against
the sheets it has: a rule whose needs are unmet does not run and is reported as not checked, naming
what is missing; a rule that runs on an equivalent gets a view of its table where the field is
computed from the source columns, and its findings say which columns were used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..coverage import NotChecked

from ..i18n import pick
from ..schema import schema
from ..tables import Record, Table


@dataclass(frozen=True)
class AnyOf:
    """Satisfied by any one of these fields."""

    fields: tuple[str, ...]


@dataclass(frozen=True)
class Need:
    kind: str | None  # None: the sheet the rule checks
    fields: tuple[str | AnyOf, ...] = ()


def own(*fields: str | AnyOf) -> Need:
    """Fields of the sheet the rule checks."""
    return Need(None, tuple(fields))


def sheet(kind: str, *fields: str | AnyOf) -> Need:
    """Another sheet kind the rule joins with (and the fields it reads there)."""
    return Need(kind, tuple(fields))


def any_of(*fields: str) -> AnyOf:
    return AnyOf(tuple(fields))


class CannotCheck(Exception):
    """Raised by a check that finds out while running that it cannot (e.g. no rate card configured)."""

    def __init__(self, reason: str, missing: tuple[str, ...] = (), hint: str = "") -> None:
        super().__init__(reason)
        self.reason, self.missing, self.hint = reason, tuple(missing), hint


def _minus(first: object, second: object) -> object:
    return None if first is None or second is None else first - second


@dataclass(frozen=True)
class Equivalent:
    """`field` computed from `sources` (same sheet) when the sheet has no column for it."""

    kind: str
    field: str
    sources: tuple[str, ...]
    compute: Callable[..., object]  # the sources' values, in order -> the field's value (None if unknown)
    operator: str  # how the formula reads: "−"

    def value(self, record: Record) -> object:
        return self.compute(*(record.data.get(s) for s in self.sources))

    def formula(self, table: Table) -> str:
        """As the finding shows it, with the sheet's own headers: `商品金额 = 实付金额 − 邮费`."""
        used = f" {self.operator} ".join(table.header_of(s) for s in self.sources)
        return f"{label(self.kind, self.field)} = {used}"


EQUIVALENTS: dict[tuple[str, str], tuple[Equivalent, ...]] = {
    # a clerk's own order sheet often has the amount paid and the postage but no goods amount
    ("orders", "goods_amount"): (Equivalent("orders", "goods_amount", ("paid_amount", "postage"), _minus, "−"),),
}


def label(kind: str, field_name: str) -> str:
    """A field as staff know it: its canonical header (English name with --lang en)."""
    column = schema(kind).column(field_name)
    return pick(column.header, column.en)


def sheet_label(kind: str) -> str:
    found = schema(kind)
    return pick(found.zh, found.en)


@dataclass
class Resolution:
    """A need against a table: what is missing (labels), which equivalents stand in, which header
    matches were too unsure to take (their fix hints)."""

    missing: list[str] = dataclasses.field(default_factory=list)
    derived: dict[str, Equivalent] = dataclasses.field(default_factory=dict)
    unsure: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


def _equivalent(table: Table, field_name: str) -> Equivalent | None:
    for eq in EQUIVALENTS.get((table.kind, field_name), ()):
        if all(table.has(s) for s in eq.sources):
            return eq
    return None


def need_label(kind: str, field_name: str) -> str:
    text = label(kind, field_name)
    alternatives = [f" {eq.operator} ".join(label(kind, s) for s in eq.sources) for eq in EQUIVALENTS.get((kind, field_name), ())]
    return text + "".join(pick(f"（或 {a}）", f" (or {a})") for a in alternatives)


def resolve(need: Need, table: Table) -> Resolution:
    """Which of the need's fields the table lacks (with equivalents and unsure matches taken into account)."""
    out = Resolution()
    for entry in need.fields:
        options = entry.fields if isinstance(entry, AnyOf) else (entry,)
        if any(table.has(f) for f in options):
            continue
        eq = next((e for f in options if (e := _equivalent(table, f))), None)
        if eq is not None:
            out.derived[eq.field] = eq
            continue
        out.missing.append(" / ".join(need_label(table.kind, f) for f in options))
        unsure = table.match.unsure if table.match is not None else {}
        out.unsure += [c.fix(table.kind) for f in options for c in unsure.get(f, ())]
    return out


def derived_view(table: Table, derived: dict[str, Equivalent]) -> Table:
    """The table with each derived field computed per row; its findings sit on the first source column."""
    if not derived:
        return table
    columns = dict(table.columns)
    for name, eq in derived.items():
        columns[name] = table.columns[eq.sources[0]]
    records = [Record(r.row, {**r.data, **{n: eq.value(r) for n, eq in derived.items()}}, r.extra) for r in table.records]
    return dataclasses.replace(table, columns=columns, records=records)


def basis(table: Table, derived: dict[str, Equivalent]) -> str:
    """What a finding says about the columns it used: `商品金额 = 实付金额 − 邮费`."""
    return "；".join(eq.formula(table) for eq in derived.values())


@dataclass(frozen=True)
class Declared:
    """A command's own check (not a catalog rule) with what it needs: `stubs.weight` needs the stub
    sheet's weight column and the shipment log's. `kind` is the sheet the check is about."""

    code: str
    clause: str | None
    kind: str
    requires: tuple[Need, ...]


def gaps(checks: Iterable[Declared], tables: dict[str, Table | None], where: str = "") -> list[NotChecked]:
    """The declared checks that cannot run on these sheets (kind -> table, None when absent)."""
    out = []
    for check in checks:
        for need in check.requires:
            kind = need.kind or check.kind
            table = tables.get(kind)
            if table is None:
                out.append(NotChecked(check.code, check.clause, "no_sheet", (sheet_label(kind),)))
                break
            found = resolve(need, table)
            if not found.ok:
                out.append(unmet(check.code, check.clause, found, table, where))
                break
    return out


def unmet(code: str, clause: str | None, found: Resolution, table: Table, where: str = "") -> NotChecked:
    """A resolution with missing fields as the not-checked entry that names them (and the fix for unsure headers)."""
    reason = "unsure_header" if found.unsure else "no_columns"
    return NotChecked(code, clause, reason, tuple(found.missing), where or table_where(table), "；".join(found.unsure))


def table_where(table: Table) -> str:
    """`店铺.xlsx › 订单`: the file and sheet a not-checked entry concerns."""
    return f"{Path(table.source).name} › {table.sheet}"


def _dated_in(record: Record, first: dt.date, last: dt.date) -> bool:
    for value in record.data.values():
        if isinstance(value, dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            if first <= day <= last:
                return True
    return False


def quiet_in_month(checks: Iterable[Declared], tables: dict[str, Table | None], first: dt.date, last: dt.date,
                   found: Iterable[str] = ()) -> list[NotChecked]:
    """The declared checks that ran and found nothing (`found`: the codes that did) while a sheet they
    read holds no entry dated in the month: a clean result there says nothing — a message log not
    kept in October is not an October without late messages. One entry per check, naming that sheet."""
    hits, out, dated = set(found), [], {}
    for check in checks:
        if check.code in hits:
            continue
        for kind in dict.fromkeys(need.kind or check.kind for need in check.requires):
            table = tables.get(kind)
            if table is None:
                continue
            if kind not in dated:
                dated[kind] = any(_dated_in(r, first, last) for r in table.records)
            if not dated[kind]:
                out.append(NotChecked(check.code, check.clause, "no_rows", (), table_where(table)))
                break
    return out
