"""The rule catalog: every check has a stable code, a severity, the manual clause it enforces, zh/en
messages with the offending value, a fix hint and default options. Checks are pure functions over
typed tables that yield `Hit`s; the engine turns hits into `Finding`s (cell address, message…).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as _field  # Hit and Rule have a `field` attribute

from ..config import ShopConfig
from ..i18n import lang, pick
from ..tables import Record, Table, column_letter
from . import listing
from .needs import Need, sheet

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Hit:
    """What a check found: a row, the field whose cell shows the problem, the value, message params."""

    row: int
    field: str | None = None
    value: object = None
    params: dict = _field(default_factory=dict)
    key: str | None = None  # business key, when not the table's own key column
    clause: str | None = None  # when the rule's clause depends on the cell (reading problems)


def hit(record: Record, field_name: str | None = None, value: object = None, *, key: str | None = None, **params) -> Hit:
    return Hit(record.row, field_name, record.get(field_name) if value is None and field_name else value, params, key)


@dataclass
class Context:
    """What a check may look at besides its table: the shop's config, calendar, other tables, options."""

    config: ShopConfig
    calendar_factory: Callable[[], object]
    tables: dict[str, Table]  # the shop's main table of each kind (for joins)
    as_of: dt.date  # "today" for age checks: the end of the period the data covers
    options: dict = _field(default_factory=dict)  # the running rule's options (defaults + shop.toml)
    cache: dict = _field(default_factory=dict)  # shared per run (parsed remarks, …)

    @property
    def calendar(self):
        return self.calendar_factory()

    def table(self, kind: str) -> Table | None:
        return self.tables.get(kind)

    def memo(self, key: object, compute: Callable[[], object]) -> object:
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


Check = Callable[[Table, Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str  # ORD001: stable, never reused
    name: str  # slug
    severity: str
    clause: str | None  # M-… id in shared/manual.md (None: a reading problem, no house rule)
    kind: str  # the sheet the findings sit on
    message: tuple[str, str]  # zh, en templates; {value} and the check's params
    fix: tuple[str, str]
    check: Check
    field: str | None = None  # the column a finding sits on when the hit names none
    options: dict = _field(default_factory=dict)
    needs: tuple[str, ...] = ()  # other sheet kinds the check joins with (shorthand for sheet(kind))
    requires: tuple[Need, ...] = ()  # sheets and fields it cannot run without (see rules/needs.py)

    @property
    def requirements(self) -> tuple[Need, ...]:
        """Everything the rule needs: `requires` plus the sheets named in `needs`."""
        return (*self.requires, *(sheet(kind) for kind in self.needs if all(n.kind != kind for n in self.requires)))

    def text(self, which: tuple[str, str], params: dict) -> str:
        template = which[1] if lang() == "en" else which[0]
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            return template

    @property
    def title(self) -> str:
        """The rule's name staff read: Chinese by default, the slug in words in English (rules/listing.py)."""
        return listing.title(self.code, self.name)

    def listed_message(self, options: dict) -> str:
        """The message as a listing shows it: the options' values filled in, 〈labels〉 for the rest."""
        return listing.filled(self.code, self.message[1] if lang() == "en" else self.message[0], options)


REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, clause: str | None, kind: str, *, zh: str, en: str,
         fix_zh: str, fix_en: str, field: str | None = None, options: dict | None = None,
         needs: tuple[str, ...] = (), requires: Need | tuple[Need, ...] = ()) -> Callable[[Check], Check]:
    """Register a check under a code. Codes are stable: a retired code is never reused.

    `requires` says what the check cannot run without (`own(...)`, `sheet(kind, ...)`, `any_of(...)`
    from rules/needs.py): without it the run reports the rule as not checked instead of looking clean."""
    requires = (requires,) if isinstance(requires, Need) else tuple(requires)
    if severity not in SEVERITIES:
        raise ValueError(f"{code}: severity {severity!r}")

    def register(check: Check) -> Check:
        if code in REGISTRY:
            raise ValueError(f"rule code {code} registered twice")
        REGISTRY[code] = Rule(code, name, severity, clause, kind, (zh, en), (fix_zh, fix_en), check, field,
                              dict(options or {}), needs, requires)
        return check

    return register


def all_rules() -> list[Rule]:
    from . import load_all

    load_all()
    return sorted(REGISTRY.values(), key=lambda r: (r.code.rstrip("0123456789"), r.code))


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    clause: str | None
    file: str
    sheet: str
    row: int
    column: str  # header text as written ("" when the row as a whole is meant)
    cell: str  # "B12"
    value: object
    message: str
    fix: str
    key: str | None
    field: str | None  # the schema field of the cell ("" / None when the row as a whole is meant)
    column_index: int  # 0-based, for writing marks
    basis: str = ""  # the columns an equivalent was computed from ("商品金额 = 实付金额 − 邮费"), when one was used

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "column_index"}


def finding(rule_: Rule, table: Table, found: Hit, rows: dict[int, Record], basis: str = "") -> Finding:
    """A hit as the user sees it; `rows` maps sheet row numbers to the table's records; `basis` names
    the columns an equivalent field was computed from (it ends the message)."""
    field_name = found.field or rule_.field
    index = table.columns.get(field_name) if field_name else None
    if index is None:
        index = table.columns.get(table.schema.key or "", min(table.columns.values(), default=0))
    column = table.headers.get(index, "") if (field_name and field_name in table.columns) else ""
    params = {"value": _shown(found.value), **found.params}
    return Finding(
        code=rule_.code, severity=rule_.severity, clause=found.clause or rule_.clause, file=table.source, sheet=table.sheet,
        row=found.row, column=column, cell=f"{column_letter(index)}{found.row}", value=found.value,
        message=rule_.text(rule_.message, params) + (pick(f"（按 {basis} 计算）", f" (computed as {basis})") if basis else ""),
        fix=rule_.text(rule_.fix, params),
        key=found.key if found.key is not None else _key(table, rows.get(found.row)),
        field=field_name if field_name in table.columns else None, column_index=index, basis=basis,
    )


def _shown(value: object) -> str:
    if value is None or value == "":
        return pick("（空）", "(empty)")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


KEY_FIELDS = ("order_id", "waybill", "sku")


def _key(table: Table, record: Record | None) -> str | None:
    """The business key of a row: the sheet's key column, else an order id / waybill / SKU on it."""
    if record is None:
        return None
    for name in (table.schema.key, *KEY_FIELDS):
        if name and record.data.get(name) is not None:
            return str(record.data[name])
    return None
