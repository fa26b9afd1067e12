"""Running the catalog over typed tables: which rules are on (shop.toml [rules]), their options, findings,
and which rules did not run (disabled, or a sheet or columns they need are missing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import repeat

from .. import coverage
from ..config import ShopConfig
from ..coverage import NotChecked
from ..i18n import register
from ..tables import Record, Table, gc_paused
from .catalog import Context, Finding, Rule, all_rules, finding
from .needs import CannotCheck, Resolution, basis, derived_view, label, resolve, sheet_label, table_where, unmet
from .reading import ANY_KIND

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

register({
    "rules.bad_config": ("shop.toml 的 [rules] 有误：{detail}。用 `shopbook rules` 查看全部规则代码。",
                         "[rules] in shop.toml is invalid: {detail}. Run `shopbook rules` for the codes."),
})


@dataclass(frozen=True)
class Selection:
    """ruff-style: `select`/`ignore` take codes or prefixes ("ORD", "STK00", "ALL"); the longer match wins."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    options: dict[str, dict] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        return _best(self.select, code) > _best(self.ignore, code)

    def options_for(self, rule_: Rule) -> dict:
        return {**rule_.options, **self.options.get(rule_.code, {})}


def _best(prefixes: Iterable[str], code: str) -> int:
    lengths = [0 if p == "ALL" else len(p) for p in prefixes if p == "ALL" or code.startswith(p)]
    return max(lengths, default=-1)


def _fail(detail: str):
    from ..errors import UserError

    raise UserError("rules.bad_config", detail=detail)


def load_selection(config: ShopConfig, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Selection:
    """[rules] from shop.toml, plus --select/--ignore from the command line (which come last and win ties)."""
    section = config.section("rules")
    rules = {r.code: r for r in all_rules()}
    chosen = []
    for key, extra in (("select", select), ("ignore", ignore)):
        written = section.get(key, ["ALL"] if key == "select" else [])
        if isinstance(written, str) or not isinstance(written, list):
            _fail(f'{key} must be a list, e.g. {key} = ["ORD", "STK001"]')
        entries = [str(e).strip().upper() for e in [*written, *extra]]
        for entry in entries:
            if entry != "ALL" and not any(code.startswith(entry) for code in rules):
                _fail(f"{key}: no rule code starts with {entry!r}")
        chosen.append(tuple(entries))
    if select and "select" not in section:  # --select alone narrows the default ALL
        chosen[0] = tuple(s.strip().upper() for s in select)
    options = section.get("options", {})
    if not isinstance(options, dict):
        _fail("options must be tables like [rules.options.ORD010]")
    parsed = {code: _options(rules, code, raw) for code, raw in options.items()}
    unknown = set(section) - {"select", "ignore", "options"}
    if unknown:
        _fail(f"unknown keys {', '.join(sorted(unknown))} (use select, ignore, options)")
    return Selection(chosen[0], chosen[1], parsed)


def _options(rules: dict[str, Rule], code: str, raw: object) -> dict:
    rule_ = rules.get(code.upper())
    if rule_ is None:
        _fail(f"[rules.options.{code}]: no such rule")
    if not isinstance(raw, dict):
        _fail(f"[rules.options.{code}] must be a table")
    out = {}
    for key, value in raw.items():
        if key not in rule_.options:
            known = ", ".join(rule_.options) or "none"
            _fail(f"[rules.options.{code}] {key}: unknown option (options of {code}: {known})")
        out[key] = _typed(code, key, value, rule_.options[key])
    return out


def _typed(code: str, key: str, value: object, default: object) -> object:
    if isinstance(default, Decimal):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            _fail(f"[rules.options.{code}] {key} = {value!r} is not a number")
    if isinstance(default, bool) and not isinstance(value, bool):
        _fail(f"[rules.options.{code}] {key} must be true or false")
    if isinstance(default, int) and not isinstance(default, bool) and (isinstance(value, bool) or not isinstance(value, int)):
        _fail(f"[rules.options.{code}] {key} = {value!r} must be a whole number")
    if isinstance(default, (list, tuple)) and not isinstance(value, list):
        _fail(f"[rules.options.{code}] {key} must be a list")
    if isinstance(default, str) and not isinstance(value, str):
        _fail(f"[rules.options.{code}] {key} must be text")
    return tuple(value) if isinstance(default, tuple) else value


# The dates that say when a sheet's events happened (not follow-on dates such as a shipment in the
# next month for an order of this one).
PERIOD_FIELDS = {"orders": ("created_at", "paid_at"), "stock": ("counted_on",), "movements": ("date",),
                 "handover": ("date",), "returns": ("date",), "reviews": ("date",)}


def as_of_date(tables: Iterable[Table], today: dt.date | None = None) -> dt.date:
    """The period's end: the latest event date the sheets hold (never after today), so age checks on
    last month's files measure against that month, not against the day the check happens to run."""
    today = today or dt.date.today()
    days = [_latest_day(table.records, name, today) for table in tables
            for name in PERIOD_FIELDS.get(table.kind, ()) if table.has(name)]
    return max(filter(None, days), default=today)


def _latest_day(records: list[Record], name: str, today: dt.date) -> dt.date | None:
    """The latest day of a field on or before `today`. A column of naive datetimes (the usual
    one) is compared whole against the next midnight, in C; any other goes value by value."""
    values = [v for v in map(dict.get, records, repeat(name)) if v is not None]
    if values and set(map(type, values)) == {dt.datetime}:
        try:
            latest = max(filter(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()).__gt__, values), default=None)
            return latest.date() if latest is not None else None
        except TypeError:  # an aware datetime further down: value by value
            pass
    latest = None
    for value in values:
        day = value.date() if isinstance(value, dt.datetime) else value
        if day <= today and (latest is None or day > latest):
            latest = day
    return latest


@dataclass
class RuleRun:
    """A run of the catalog: what was found, and every rule that did not run (and why)."""

    findings: list[Finding]
    not_checked: list[NotChecked]


def check_rules(tables: list[Table], context_tables: dict[str, Table], config: ShopConfig,
                calendar_factory: Callable[[], object], selection: Selection | None = None,
                as_of: dt.date | None = None) -> RuleRun:
    """Every enabled rule over every table of its kind whose needs are met; findings sorted by file,
    sheet, row, severity; a NotChecked for each rule that is disabled or lacks a sheet or columns."""
    with gc_paused():  # the rules make no garbage cycles to speak of, but allocate all the time
        return _check_rules(tables, context_tables, config, calendar_factory, selection, as_of)


def _check_rules(tables: list[Table], context_tables: dict[str, Table], config: ShopConfig,
                 calendar_factory: Callable[[], object], selection: Selection | None,
                 as_of: dt.date | None) -> RuleRun:
    selection = selection or Selection()
    context = Context(config, calendar_factory, context_tables, as_of or as_of_date(context_tables.values()))
    found: list[Finding] = []
    skipped: list[NotChecked] = []
    views: dict[tuple, tuple[Table, dict]] = {}
    for rule_ in all_rules():
        if not selection.enabled(rule_.code):
            skipped.append(NotChecked(rule_.code, rule_.clause, "disabled"))
            continue
        targets = [t for t in tables if rule_.kind in (t.kind, ANY_KIND)]
        gap = _missing_sheet(rule_, targets, context) or _other_gap(rule_, context)
        if gap is not None:
            skipped.append(gap)
            continue
        context.options = selection.options_for(rule_)
        for table in targets:
            own = _own_resolution(rule_, table)
            if not own.ok:
                skipped.append(unmet(rule_.code, rule_.clause, own, table))
                continue
            key = (id(table), tuple(sorted(own.derived)))
            if key not in views:  # each view and its row index built once per run, not once per rule
                view = derived_view(table, own.derived)
                views[key] = view, {r.row: r for r in view.records}
            view, rows = views[key]
            why = basis(table, own.derived)
            try:
                found += [finding(rule_, view, h, rows, why) for h in rule_.check(view, context)]
            except CannotCheck as stop:
                skipped.append(NotChecked(rule_.code, rule_.clause, stop.reason, stop.missing, table_where(table), stop.hint))
    return RuleRun(sort_findings(found), coverage.unique(skipped))


def run_rules(tables: list[Table], context_tables: dict[str, Table], config: ShopConfig,
              calendar_factory: Callable[[], object], selection: Selection | None = None,
              as_of: dt.date | None = None) -> list[Finding]:
    """The findings of `check_rules` alone."""
    return check_rules(tables, context_tables, config, calendar_factory, selection, as_of).findings


def _missing_sheet(rule_: Rule, targets: list[Table], context: Context) -> NotChecked | None:
    if targets or rule_.kind == ANY_KIND:
        return None
    return NotChecked(rule_.code, rule_.clause, "no_sheet", (sheet_label(rule_.kind),))


def _other_gap(rule_: Rule, context: Context) -> NotChecked | None:
    """The first need on another sheet kind that is not met (no such sheet, or columns missing)."""
    for need in rule_.requirements:
        if need.kind is None or need.kind == rule_.kind:
            continue
        other = context.table(need.kind)
        if other is None:
            return NotChecked(rule_.code, rule_.clause, "no_sheet", (sheet_label(need.kind),))
        resolution = resolve(need, other)
        if resolution.derived:  # a joined sheet is read as it is; an equivalent there is not computed
            resolution.missing += [label(need.kind, f) for f in resolution.derived]
        if not resolution.ok:
            return unmet(rule_.code, rule_.clause, resolution, other)
    return None


def _own_resolution(rule_: Rule, table: Table) -> Resolution:
    out = Resolution()
    for need in rule_.requirements:
        if need.kind is None or need.kind == table.kind:
            found = resolve(need, table)
            out.missing += found.missing
            out.unsure += found.unsure
            out.derived.update(found.derived)
    return out


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.sheet, f.row, SEVERITY_ORDER[f.severity], f.code))


def summary(findings: list[Finding]) -> dict:
    by_severity = {s: 0 for s in SEVERITY_ORDER}
    by_code: dict[str, int] = {}
    for f in findings:
        by_severity[f.severity] += 1
        by_code[f.code] = by_code.get(f.code, 0) + 1
    return {"total": len(findings), **by_severity, "by_code": dict(sorted(by_code.items()))}
