"""The month's incidents: recorded (扣分登记) and detected, merged without double counting, then
scored (escalation, every agent on duty, supervisor-linked points). Pure.

Identity: person + rule + date [+ evidence key]. A recorded entry is the same incident as a detected
one when person and rule agree and either its note names the detected evidence key (an order id…)
or its date lies in the detected incident's window (e.g. from payment to shipping for a late order). Each detected incident
absorbs at most one recorded entry; what is left on either side counts on its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from ..attribution import agents_on_duty
from ..config import ShopConfig
from ..i18n import register, t
from ..tables import Table
from .model import Evidence, Finding, Incident
from .rulebook import Rulebook

EVERYONE = ("全体", "全体客服", "所有客服", "全部客服", "all", "everyone")

register({
    "penalties.unknown_rule": ("规则代码“{code}”不在扣分规则中（未计分）。请改为规则表中的代码，如 M-PEN-SHIP。",
                               "Rule code '{code}' is not in the rulebook (not counted). Use a code from the rulebook, e.g. M-PEN-SHIP."),
    "penalties.out_of_range": ("{person} 的 {code} 扣 {points} 分，超出规则范围 {range}（按 {used} 分计）。请更正扣分。",
                               "{person}: {points} points for {code} is outside the rule's range {range} (counted as {used}). Correct the points."),
    "penalties.no_supervisor": ("{person} 的 {code} 应连带扣主管 {points} 分，但 shop.toml 中找不到其主管（[[staff]] supervisor 或岗位“客服主管”）。",
                                "{person}: {code} carries {points} linked points for the supervisor, but shop.toml names none ([[staff]] supervisor or role 客服主管)."),
    "penalties.wrong_role": ("{code} 适用于 {roles}，而 {person} 的岗位是 {role}（仍计分）。请核对规则代码。",
                             "{code} applies to {roles} but {person} is {role} (still counted). Check the rule code."),
    "penalties.unknown_person": ("“{person}”不在 shop.toml 的人员名单中（仍计分）。请核对姓名写法。",
                                 "'{person}' is not in the staff list of shop.toml (still counted). Check the spelling."),
    "penalties.no_person": ("{code} 这一行没有填写人员（未计分）。请填写被扣分人的姓名，或“全体客服”。",
                            "{code}: this row names nobody (not counted). Enter the person's name, or 全体客服 (all agents)."),
})


def recorded_incidents(table: Table, rules: Rulebook, config: ShopConfig,
                       first: dt.date, last: dt.date) -> tuple[list[Incident], list[Finding]]:
    """The incidents sheet's rows in the month; findings for unknown rules and out-of-range points."""
    explicit, everyone, findings = [], [], []
    for record in table.records:
        day = record.get("date")
        day = day.date() if isinstance(day, dt.datetime) else day
        if not isinstance(day, dt.date) or not first <= day <= last:
            continue
        person = str(record.get("person") or "").strip()
        rule = rules.find(record.get("rule"))
        where = Evidence.of(table, record.row, str(record.get("note") or ""))
        if rule is None:
            findings.append(Finding(where, t("penalties.unknown_rule", code=record.get("rule"))))
            continue
        for_everyone = person.lower() in EVERYONE or (rule.every_agent_on_duty and not person)
        if not person and not for_everyone:
            findings.append(Finding(where, t("penalties.no_person", code=rule.code)))
            continue
        role = getattr(config.person(person), "role", None)
        low, high = rule.range_for(role)
        given = record.get("points")
        points = low if given is None else min(max(Decimal(given), low), high)
        if given is not None and points != given:
            findings.append(Finding(where, t("penalties.out_of_range", person=person, code=rule.code, points=given,
                                              range=rule.range_text(role), used=points)))
        if role is not None and role not in rule.roles:
            findings.append(Finding(where, t("penalties.wrong_role", code=rule.code, roles="、".join(rule.roles),
                                             person=person, role=role)))
        if config.staff and not for_everyone and config.person(person) is None:
            findings.append(Finding(where, t("penalties.unknown_person", person=person)))
        incident = Incident(day, person, rule.code, points, "recorded", (where,), note=str(record.get("note") or ""),
                            recorded_by=record.get("recorded_by"))
        (everyone if for_everyone else explicit).append(incident)
    return explicit + _expand_everyone(everyone, explicit, config), findings


def _expand_everyone(entries: list[Incident], explicit: list[Incident], config: ShopConfig) -> list[Incident]:
    """'全体客服' (M-PEN-LUNCH): one incident per agent on duty that day, unless already listed by name."""
    listed = {(i.person, i.rule, i.day) for i in explicit}
    out = []
    for entry in entries:
        for name in agents_on_duty(config, entry.day):
            if (name, entry.rule, entry.day) not in listed:
                listed.add((name, entry.rule, entry.day))
                out.append(entry.but(person=name))
    return out


def merge(recorded: list[Incident], detected: list[Incident]) -> list[Incident]:
    """Recorded + detected, each real incident once (see the module docstring for the identity)."""
    pending = defaultdict(list)
    for incident in recorded:
        pending[(incident.person, incident.rule)].append(incident)
    out = []
    for found in detected:
        candidates = pending.get((found.person, found.rule), [])
        match = next((r for r in candidates if found.key and found.key in r.note), None) or \
            next((r for r in candidates if (found.since or found.day) <= r.day <= max(found.due or found.day, found.day)), None)
        if match is None:
            out.append(found)
            continue
        candidates.remove(match)
        points = match.points if match.points != found.points and found.share == 1 else found.points
        out.append(found.but(source="both", points=points, evidence=found.evidence + match.evidence,
                             note=match.note, recorded_by=match.recorded_by))
    out.extend(r for rest in pending.values() for r in rest)
    return sorted(out, key=_order)


def _order(incident: Incident) -> tuple:
    first = incident.evidence[0] if incident.evidence else None
    return (incident.day, incident.person or "", incident.rule, first.sheet if first else "", (first.row or 0) if first else 0)


def score(incidents: list[Incident], rules: Rulebook, config: ShopConfig) -> tuple[list[Incident], list[Finding]]:
    """Escalation from the Nth occurrence per person and rule in the month, then supervisor-linked points."""
    counts: dict[tuple, int] = defaultdict(int)
    scored = []
    for incident in sorted(incidents, key=_order):
        rule = rules[incident.rule]
        if rule.escalate_from and incident.person:
            counts[(incident.person, rule.code)] += 1
            if counts[(incident.person, rule.code)] >= rule.escalate_from:
                incident = incident.but(points=incident.points * rule.escalate_factor, escalated=True)
        scored.append(incident)
    return _link_supervisors(scored, rules, config)


def supervisor_of(config: ShopConfig, person: str) -> str | None:
    me = config.person(person)
    if me is not None and me.supervisor:
        return me.supervisor
    if me is not None and me.role != "客服":
        return None  # only agents fall back to the customer-service supervisor
    return next((p.name for p in config.people("客服主管") if p.name != person), None)


def _link_supervisors(incidents: list[Incident], rules: Rulebook, config: ShopConfig) -> tuple[list[Incident], list[Finding]]:
    """M-PEN-AWAY: the agent's incident brings the supervisor's linked points. A recorded entry for
    the supervisor (same rule, same day) is that linked incident, not another one."""
    linked = [i for i in incidents if rules[i.rule].supervisor_points is not None and i.person]
    claimed: dict[int, Incident] = {}  # id(agent incident) -> the supervisor's recorded entry
    taken: set[int] = set()
    for incident in linked:
        if id(incident) in taken:
            continue
        supervisor = supervisor_of(config, incident.person)
        own = next((s for s in linked if s.source == "recorded" and id(s) not in taken and s is not incident
                    and s.person == supervisor and s.rule == incident.rule and s.day == incident.day), None)
        if own is not None:
            claimed[id(incident)] = own
            taken.add(id(own))
            released = claimed.pop(id(own), None)  # an entry that is a linked incident links nothing itself
            if released is not None:
                taken.discard(id(released))
    findings, links = [], []
    for incident in linked:
        if id(incident) in taken:
            continue
        rule = rules[incident.rule]
        supervisor = supervisor_of(config, incident.person)
        if supervisor is None or supervisor == incident.person:
            role = getattr(config.person(incident.person), "role", None)
            if role not in ("客服主管", "负责人"):
                findings.append(Finding(incident.evidence[0], t("penalties.no_supervisor", person=incident.person,
                                                                 code=rule.code, points=rule.supervisor_points)))
            continue
        own = claimed.get(id(incident))
        evidence = incident.evidence + (own.evidence if own else ())
        links.append(incident.but(person=supervisor, points=rule.supervisor_points, source="linked", evidence=evidence,
                                  linked_from=incident.person, escalated=False, share=Decimal(1),
                                  key=f"{incident.key or incident.day}>{incident.person}"))
    out = [i for i in incidents if id(i) not in taken] + links
    return sorted(out, key=_order), findings
