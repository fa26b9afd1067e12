"""Incidents, their evidence and findings. Pure data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from ..coverage import NotChecked
from ..i18n import pick

SOURCES = ("recorded", "detected", "both", "linked")
SOURCE_ZH = {"recorded": "登记", "detected": "检测", "both": "登记+检测", "linked": "连带"}


@dataclass(frozen=True)
class Evidence:
    file: str  # file name (never a full path: reports leave the machine)
    sheet: str
    row: int | None  # the sheet's own row number; None when the evidence is a missing row
    detail: str

    @classmethod
    def of(cls, table, row: int | None, detail: str) -> "Evidence":
        return cls(Path(table.source).name, table.sheet, row, detail)

    def cite(self) -> str:
        where = pick(f"第{self.row}行", f"row {self.row}") if self.row else pick("无记录", "no row")
        return f"{self.file} · {self.sheet} · {where}"


@dataclass(frozen=True)
class Incident:
    day: dt.date  # the day the incident is about (decides the month)
    person: str | None  # None: could not be attributed (shown, counted to nobody)
    rule: str  # M-PEN-… code
    points: Decimal  # counted points
    source: str  # one of SOURCES
    evidence: tuple[Evidence, ...]
    key: str | None = None  # evidence key: order id, sheet row… (part of the identity)
    due: dt.date | None = None  # a recorded entry dated since..due is the same incident
    since: dt.date | None = None  # (default: day)
    share: Decimal = Decimal(1)  # an order shared by several agents: each carries its share
    note: str = ""
    recorded_by: str | None = None
    escalated: bool = False
    linked_from: str | None = None  # for a supervisor's linked points: the agent's name

    @property
    def identity(self) -> tuple:
        """person + rule + date [+ evidence key]: one incident however many sources report it."""
        return (self.person, self.rule, self.day, self.key)

    def but(self, **changes) -> "Incident":
        return replace(self, **changes)


@dataclass(frozen=True)
class Finding:
    """Something the lead should fix in a sheet (out-of-range points, unknown rule…)."""

    evidence: Evidence
    message: str


@dataclass
class Detection:
    incidents: list[Incident] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)  # detectors that could not run, and why
