"""Staff and shift rules (M-SHIFT): every agent works a shift the shop defines (shop.toml [[shifts]],
default 白班 09:00–17:30 and 晚班 17:30–22:30). The weekly rest day (休息日) of the 人员 sheet, where
the team keeps one, is what the penalty checks use for who should have worked (automation.penalties)."""

from __future__ import annotations

from collections.abc import Iterator

from ..tables import Table
from .catalog import Context, Hit, hit, rule
from .needs import own

SHIFT_ROLES = ("客服", "客服主管")


@rule("STF001", "agent-without-shift", "warning", "M-SHIFT", "staff", field="shift", requires=own("role", "shift"),
      zh="{name} 没有填写班次（可选：{shifts}）", en="{name} has no shift (one of: {shifts})",
      fix_zh="客服按班次上班（见 shop.toml 的 [[shifts]]）；在人员表写明白班或晚班。",
      fix_en="Agents work the shop's shifts (shop.toml [[shifts]]); write 白班 or 晚班 in the staff sheet.")
def agent_without_shift(table: Table, ctx: Context) -> Iterator[Hit]:
    if not table.has("shift") or not table.has("role"):
        return
    shifts = "、".join(s.name for s in ctx.config.shifts)
    for record in table.records:
        if record.get("role") in SHIFT_ROLES and record.get("active") is not False and not record.get("shift"):
            yield hit(record, "shift", name=record.get("name") or "", shifts=shifts)
