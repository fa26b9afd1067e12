"""`[penalties]` in shop.toml (documented in docs/reports.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..config import ShopConfig
from .rulebook import RULEBOOK_NAME


@dataclass(frozen=True)
class PenaltySettings:
    rulebook: str = RULEBOOK_NAME  # file name in the shop folder
    repeat_count: int = 2  # the same rule this many times in a month: a repeat offender
    fail_points: Decimal = Decimal(6)  # a month with at least this many points fails the assessment
    fail_months: int = 2  # failing this many months in a row is flagged to the lead (M-PEN-LEAD)
    monthend_workdays: int = 5  # "the first week of the month" = its first N working days
    daily_deadline: str = "10:00"  # M-PEN-DAILY: of the next working day
    message_deadline: str = "12:00"  # M-PEN-MSG: of the next working day
    message_cutoff: str = "18:00"  # M-PEN-MSG: later messages count to the next working day
    agent_roles: tuple[str, ...] = ("客服",)  # who keeps the daily data and sends weekly summaries
    monthend_roles: tuple[str, ...] = ("客服主管",)  # who owes the month-end statistics


def penalty_settings(config: ShopConfig) -> PenaltySettings:
    raw = config.section("penalties")
    base = PenaltySettings()
    try:
        unknown = sorted(set(raw) - set(PenaltySettings.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown key {unknown[0]!r} (keys: {', '.join(PenaltySettings.__dataclass_fields__)})")
        return PenaltySettings(
            rulebook=str(raw.get("rulebook", base.rulebook)),
            repeat_count=int(raw.get("repeat_count", base.repeat_count)),
            fail_points=Decimal(str(raw.get("fail_points", base.fail_points))),
            fail_months=int(raw.get("fail_months", base.fail_months)),
            monthend_workdays=int(raw.get("monthend_workdays", base.monthend_workdays)),
            daily_deadline=_hhmm(raw.get("daily_deadline", base.daily_deadline)),
            message_deadline=_hhmm(raw.get("message_deadline", base.message_deadline)),
            message_cutoff=_hhmm(raw.get("message_cutoff", base.message_cutoff)),
            agent_roles=tuple(raw.get("agent_roles", base.agent_roles)),
            monthend_roles=tuple(raw.get("monthend_roles", base.monthend_roles)),
        )
    except (TypeError, ValueError, InvalidOperation) as exc:
        config.fail(f"[penalties]: {exc}")
        raise  # unreachable: fail() raises


def _hhmm(value: object) -> str:
    hours, minutes = str(value).split(":")
    if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
        raise ValueError(f"time {value!r} must be written HH:MM")
    return f"{int(hours):02d}:{int(minutes):02d}"
