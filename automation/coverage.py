"""What a run could not check, said the same way by every command (validate, flags, stubs, reconcile,
the reports): one `NotChecked` per rule or check that did not run, grouped by reason for the console,
as dicts for --json, as rows for the 校验结果 sheet."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .i18n import pick

# reason -> (zh, en) heading of its group. Order = the order the groups are printed in.
REASONS = {
    "no_columns": ("缺少列", "columns missing"),
    "unsure_header": ("表头匹配不确定", "header match uncertain"),
    "no_sheet": ("缺少工作表", "sheet missing"),
    "no_config": ("shop.toml 未配置", "not configured in shop.toml"),
    "disabled": ("已在 [rules] 中关闭", "disabled in [rules]"),
    "no_rows": ("本月无记录", "no entries in the month"),  # the sheet is there but holds nothing dated in the month
}


@dataclass(frozen=True)
class NotChecked:
    """A rule or check that did not run, and why."""

    code: str  # rule code (ORD009) or a command's check code (stubs.weight)
    clause: str | None  # the manual clause it enforces
    reason: str  # a key of REASONS
    missing: tuple[str, ...] = ()  # what is absent: header texts, sheet names, shop.toml sections
    where: str = ""  # file › sheet it concerns ("" = the whole run)
    hint: str = ""  # what would fix it, e.g. the [headers] line to add

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unknown not-checked reason {self.reason!r}")

    def as_dict(self) -> dict:
        return {"code": self.code, "clause": self.clause, "reason": self.reason, "missing": list(self.missing),
                "where": self.where, "hint": self.hint}


def reason_label(reason: str) -> str:
    return pick(*REASONS[reason])


def unique(items: Iterable[NotChecked]) -> list[NotChecked]:
    """Each entry once, grouped by reason in REASONS order, then by code."""
    order = list(REASONS)
    return sorted(dict.fromkeys(items), key=lambda n: (order.index(n.reason), n.code, n.where, n.missing))


def describe(item: NotChecked) -> str:
    """One entry as a short phrase: `ORD009 [M-ORD-PRICE] 订单.xlsx › 订单：原价`."""
    clause = f" [{item.clause}]" if item.clause else ""
    return f"{item.code}{clause} {_what(item)}".rstrip()


def _what(item: NotChecked) -> str:
    where = f"{item.where} — " if item.where and item.missing else item.where
    hint = f"（{pick('修正：', 'fix: ')}{item.hint}）" if item.hint else ""
    return f"{where}{'、'.join(item.missing)}{hint}"


def lines(items: Iterable[NotChecked], name: Callable[[str], str] | None = None) -> list[str]:
    """The console's closing 未检查 lines: a heading per reason, then one line per distinct gap with
    the codes it stopped (`  订单.xlsx › 订单 — 订单备注：FLG001、FLG002`). `name` shows a code as
    staff know it (the reports: the rule's or figure's Chinese name instead of its code)."""
    out: list[str] = []
    grouped: dict[str, dict[str, list[str]]] = {}
    for item in unique(items):
        codes = grouped.setdefault(item.reason, {}).setdefault(_what(item), [])
        shown = name(item.code) if name else item.code
        if shown not in codes:
            codes.append(shown)
    for reason, gaps in grouped.items():
        heading = pick(f"未检查（{reason_label(reason)}）", f"Not checked ({reason_label(reason)})")
        if list(gaps) == [""]:  # nothing to name but the codes (disabled rules)
            out.append(f"{heading}{pick('：', ': ')}{'、'.join(gaps[''])}")
            continue
        out.append(f"{heading}{pick('：', ':')}")
        out += [f"  {what}{pick('：', ': ') if what else ''}{'、'.join(codes)}" for what, codes in gaps.items()]
    return out


def for_file(items: Iterable[NotChecked], name: str) -> list[NotChecked]:
    """The entries that concern one file (by its name) or the whole run."""
    return [n for n in items if not n.where or n.where == name or n.where.startswith(f"{name} › ")]


def as_json(items: Iterable[NotChecked]) -> list[dict]:
    return [n.as_dict() for n in unique(items)]
