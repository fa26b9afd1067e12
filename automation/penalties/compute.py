"""The penalty report's numbers for one month: per person totals, per rule, repeat offenders,
change against the previous month, and staff repeatedly failing flagged to the lead (M-PEN-LEAD)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .. import coverage
from ..coverage import NotChecked
from ..i18n import pick
from ..rules.needs import sheet_label
from ..shop import Shop
from .detect import PART_NAMES, detect_all, make_context
from .ledger import merge, recorded_incidents, score, supervisor_of
from .model import Finding, Incident
from .period import end_of, parse_month, previous_month
from .rulebook import Rulebook, load_rulebook
from .settings import PenaltySettings, penalty_settings

RECORDED = "incidents"  # the 扣分登记 sheet's entries, as a not-checked code
RECORDED_NAME = ("扣分登记表中登记的扣分", "points registered in the incidents sheet")
KINDS = ("orders", "service", "messages", "followups", "submissions", "reviews", "staff")  # staff: rest days (M-SHIFT)


@dataclass
class PersonSummary:
    name: str
    role: str | None
    supervisor: str | None
    total: Decimal
    by_rule: dict[str, Decimal]
    counts: dict[str, int]
    linked_points: Decimal  # points carried for the supervised staff's incidents
    previous: Decimal
    repeats: list[str]  # rule codes reached repeat_count times this month
    failed_months: int  # consecutive months (ending with this one) at or above fail_points
    flagged: bool  # reported to the lead (M-PEN-LEAD)

    @property
    def change(self) -> Decimal:
        return self.total - self.previous


@dataclass
class PenaltyReport:
    month: str
    rules: Rulebook
    settings: PenaltySettings
    incidents: list[Incident]
    findings: list[Finding]
    not_checked: list[NotChecked]  # detectors (and the incidents sheet) that could not be used, and why
    people: list[PersonSummary] = field(default_factory=list)
    previous_known: bool = True  # last month has data (automation.months); else 较上月 is 无上月数据

    @property
    def skipped(self) -> list[str]:
        """The codes of what was not checked."""
        return list(dict.fromkeys(n.code for n in self.not_checked))

    def check_name(self, code: str) -> str:
        """A not-checked code as staff read it: the rule's description, or the part's name."""
        if code in self.rules.rules:
            return self.rules[code].description
        return pick(*PART_NAMES[code]) if code in PART_NAMES else pick(*RECORDED_NAME) if code == RECORDED else code

    def not_checked_lines(self) -> list[str]:
        return coverage.lines(self.not_checked, self.check_name)

    @property
    def unattributed(self) -> list[Incident]:
        return [i for i in self.incidents if not i.person]

    @property
    def flagged(self) -> list[PersonSummary]:
        return [p for p in self.people if p.flagged]

    @property
    def total(self) -> Decimal:
        return sum((p.total for p in self.people), Decimal(0))


def month_incidents(shop: Shop, month: str, rules: Rulebook, settings: PenaltySettings,
                    as_of: dt.datetime | None = None) -> tuple[list[Incident], list[Finding], list[NotChecked]]:
    ctx = make_context(month, shop.calendar, shop.config, rules, settings, as_of)
    detection = detect_all(ctx, {kind: shop.table(kind) for kind in KINDS})
    recorded, findings, not_checked = [], [], list(detection.not_checked)
    sheet = shop.table("incidents")
    if sheet is not None:
        recorded, findings = recorded_incidents(sheet, rules, shop.config, ctx.first, ctx.last)
    else:  # the rules only staff register (M-PEN-AWAY, -PHONE…) count nothing without it
        not_checked.append(NotChecked(RECORDED, None, "no_sheet", (sheet_label("incidents"),)))
    scored, link_findings = score(merge(recorded, detection.incidents), rules, shop.config)
    return scored, findings + link_findings, not_checked


def data_now(shop: Shop) -> dt.datetime:
    """The end of the latest day the shop's sheets mention (capped at now): deadlines after it cannot
    be judged yet. The same default `shopbook validate` uses for its age checks."""
    latest = None
    for kind in KINDS:
        table = shop.table(kind)
        for record in (table.records if table is not None else []):
            for value in record.data.values():
                if isinstance(value, dt.date):
                    day = value.date() if isinstance(value, dt.datetime) else value
                    latest = day if latest is None or day > latest else latest
    now = dt.datetime.now()
    return now if latest is None else min(now, end_of(latest))


def totals(incidents: list[Incident]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for incident in incidents:
        if incident.person:
            out[incident.person] += incident.points
    return out


def penalty_report(shop: Shop, month: str, as_of: dt.datetime | None = None) -> PenaltyReport:
    parse_month(month)
    settings = penalty_settings(shop.config)
    rules = load_rulebook(shop.root, settings.rulebook)
    as_of = as_of or data_now(shop)
    incidents, findings, not_checked = month_incidents(shop, month, rules, settings, as_of)
    history = [totals(month_incidents(shop, previous_month(month, back), rules, settings, as_of)[0])
               for back in range(1, max(2, settings.fail_months))]
    from ..months import month_check

    report = PenaltyReport(month, rules, settings, incidents, findings, not_checked,
                           previous_known=bool(history and history[0]) or month_check(shop, previous_month(month, 1)).has_data)
    now = totals(incidents)
    names = list(dict.fromkeys([p.name for p in shop.config.staff] + sorted(now)))  # everyone, zero or not
    for name in names:
        report.people.append(_summary(shop, name, incidents, now.get(name, Decimal(0)), history, settings))
    report.people.sort(key=lambda p: (-p.total, p.name))
    return report


def _summary(shop: Shop, name: str, incidents: list[Incident], total: Decimal, history: list[dict],
             settings: PenaltySettings) -> PersonSummary:
    mine = [i for i in incidents if i.person == name]
    by_rule: dict[str, Decimal] = defaultdict(Decimal)
    for incident in mine:
        by_rule[incident.rule] += incident.points
    counts = Counter(i.rule for i in mine if not i.linked_from)
    failed = 0
    for month_total in [total, *(h.get(name, Decimal(0)) for h in history)]:
        if month_total < settings.fail_points:
            break
        failed += 1
    person = shop.config.person(name)
    return PersonSummary(
        name, person.role if person else None, supervisor_of(shop.config, name), total, dict(by_rule), dict(counts),
        sum((i.points for i in mine if i.linked_from), Decimal(0)),
        history[0].get(name, Decimal(0)) if history else Decimal(0),
        sorted(code for code, n in counts.items() if n >= settings.repeat_count),
        failed, failed >= settings.fail_months)
