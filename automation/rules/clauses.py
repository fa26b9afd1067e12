"""How each clause of the house-rules digest (shared/manual.md, 77 clauses) is covered, as data that
docs/rules.md renders: rule codes come from the catalog itself (every rule cites its clause); this
table adds what the catalog cannot say — computed in which report, registered by hand in which book,
or not checkable and why. tests/test_rules_catalog.py checks that every clause has a coding."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Rule

PENALTIES = "`shopbook report penalties` (automation/penalties/detect.py)"
RULEBOOK = "扣分登记 row under its code (扣分规则.toml), counted by `shopbook report penalties`"
SALES = "`shopbook report sales` (automation/sales)"
STUBS = "`shopbook stubs` (automation/courier/stubs.py)"
RECONCILE = "`shopbook reconcile` (automation/courier/reconcile.py)"
NO_SHEET = "no sheet the team keeps records it"


@dataclass(frozen=True)
class Coverage:
    clause: str
    computed: str = ""  # computed in which command/report
    manual: str = ""  # registered by hand (扣分登记 / the team's books)
    not_checkable: str = ""  # why no program can check it from the sheets


# In the digest's order. A clause with rule codes needs no entry unless something else covers it too.
COVERAGE: tuple[Coverage, ...] = (
    Coverage("M-ORD-ADDR"), Coverage("M-ORD-ITEMS"), Coverage("M-ORD-PRICE"), Coverage("M-ORD-FREIGHT"),
    Coverage("M-ORD-SHIP1D", computed=PENALTIES + " as M-PEN-SHIP"), Coverage("M-ORD-WAYBILL"), Coverage("M-ORD-DUP"),
    Coverage("M-ORD-URGE"), Coverage("M-ORD-COD"), Coverage("M-ORD-NOTE"),
    Coverage("M-FLAG-RED", computed="`shopbook flags` (automation/remarks.py: parse, canonical form)"),
    Coverage("M-FLAG-YELLOW", computed="`shopbook flags`; attribution counts a yellow order without a name as public"),
    Coverage("M-FLAG-GREEN", computed="`shopbook flags`"), Coverage("M-FLAG-PURPLE", computed="`shopbook flags`"),
    Coverage("M-FLAG-BLUE", computed="`shopbook flags`"),
    Coverage("M-FLAG-PROMO", computed="remark rules need no name in [[promotions]]; automation/attribution.py shares "
                                      "promotion orders evenly among the agents on duty"),
    Coverage("M-ATTR", computed="automation/attribution.py: the lead's decision read from the 客服 column, else the "
                                "remark's name", not_checkable="the chat logs (who chatted, sales, duration) are not in the sheets"),
    Coverage("M-AS-WINDOW"), Coverage("M-AS-FREIGHT"), Coverage("M-AS-EXPRESS"), Coverage("M-AS-LOG"),
    Coverage("M-AS-BADREV", computed=PENALTIES + " (M-PEN-BADREV for the points)"),
    Coverage("M-AS-REVIEW2W", computed=SALES + ": after-sales feedback per product for the supervisor's review"),
    Coverage("M-STK-WEEKLY"), Coverage("M-STK-PAGE"), Coverage("M-STK-LOW"), Coverage("M-STK-IN"), Coverage("M-STK-OUT"),
    Coverage("M-STK-DEFECT"),
    Coverage("M-CUR-WEIGH", computed=STUBS + " and " + RECONCILE), Coverage("M-CUR-COUNT", computed=STUBS),
    Coverage("M-CUR-ARCHIVE", computed=STUBS), Coverage("M-CUR-CLAIM", computed=STUBS + " and " + RECONCILE),
    Coverage("M-CUR-UNDELIV", computed=STUBS + " and " + RECONCILE), Coverage("M-CUR-MONTHLY", computed=RECONCILE),
    Coverage("M-PEN-LUNCH", manual=RULEBOOK + " (every agent on duty)"),
    Coverage("M-PEN-AWAY", manual=RULEBOOK + " (with the supervisor's linked points)"),
    Coverage("M-PEN-WEEKEND", manual=RULEBOOK),
    Coverage("M-PEN-MSG", computed=PENALTIES + " from 留言记录"),
    Coverage("M-PEN-AUTOREPLY", manual=RULEBOOK, not_checkable="the auto-reply text is not in the sheets"),
    Coverage("M-PEN-PROMO", manual=RULEBOOK, not_checkable="the auto-reply text is not in the sheets"),
    Coverage("M-PEN-FIRSTREPLY"),
    Coverage("M-PEN-PHONE", manual=RULEBOOK, not_checkable="phone rings are not recorded"),
    Coverage("M-PEN-BADREV", computed=PENALTIES + " from 评价登记"),
    Coverage("M-PEN-QUOTE", manual=RULEBOOK),
    Coverage("M-PEN-DAILY", computed=PENALTIES + " from 服务统计 (late, missing, 错登 against 留言记录)"),
    Coverage("M-PEN-WEEKLY", computed=PENALTIES + " from 报表提交登记"),
    Coverage("M-PEN-LEAK", manual=RULEBOOK, not_checkable="who saw a report is not recorded"),
    Coverage("M-PEN-FOLLOW", computed=PENALTIES + " from 回访表"),
    Coverage("M-PEN-FOLLOWFORM", manual=RULEBOOK),
    Coverage("M-PEN-DOCS", manual=RULEBOOK, not_checkable=NO_SHEET),
    Coverage("M-PEN-CASH", manual=RULEBOOK, not_checkable=NO_SHEET),
    Coverage("M-PEN-SHIP", computed=PENALTIES + " from 订单 (3 points, undivided)"),
    Coverage("M-PEN-ESCALATE", manual=RULEBOOK),
    Coverage("M-PEN-MONTHEND", computed=PENALTIES + " from 报表提交登记"),
    Coverage("M-PEN-MEETING", manual=RULEBOOK, not_checkable="attendance is not recorded"),
    Coverage("M-PEN-LAUNCH", manual=RULEBOOK, not_checkable="listing times are not in the sheets"),
    Coverage("M-PEN-UPDATE", manual=RULEBOOK), Coverage("M-PEN-CHECK", manual=RULEBOOK),
    Coverage("M-PEN-COPY", manual=RULEBOOK), Coverage("M-PEN-SLACK", manual=RULEBOOK),
    Coverage("M-PEN-LEAD", computed=PENALTIES + ": staff failing repeatedly are flagged to the lead",
             manual=RULEBOOK + " (M-PEN-LEAD 5, M-PEN-LEAD-STAFF 3–5)"),
    Coverage("M-SHIFT", computed="shop.toml [[shifts]] and the 人员 sheet's 休息日 decide who must have worked "
                                 "(M-PEN-DAILY, M-PEN-WEEKLY, HND001)",
             not_checkable="staying while a customer still asks: chat logs are not in the sheets"),
    Coverage("M-HANDOVER"),
    Coverage("M-BOOKS", computed=SALES + ": customers served, customers who bought, conversion rate per agent",
             not_checkable="the problem log is free text kept on paper"),
    Coverage("M-DAILYSALES", computed=SALES), Coverage("M-MONTHEND", computed=SALES + " and " + PENALTIES),
    Coverage("M-PAY", computed=SALES + " ([sales] base pay, commission)",
             not_checkable="the bonus and special awards are the lead's decision"),
    Coverage("M-CONFIDENTIAL", computed="automation/privacy.py masks phones and addresses in everything e-mailed, "
                                        "logged or printed"),
    Coverage("M-WORKDAY", computed="automation/workdays.py: every deadline (national holidays, make-up days, "
                                   "the shop's rest days)"),
    Coverage("M-ORD-REQUEST"), Coverage("M-ORD-MATCH"), Coverage("M-SHIP-PACKER"), Coverage("M-CUR-SIGN"),
    Coverage("M-AS-RESEND"), Coverage("M-MSG-24H"), Coverage("M-SHIP-SAMEDAY", computed=PENALTIES + " as M-PEN-SHIP beyond one working day"),
)


def codes_by_clause(rules: list[Rule]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in rules:
        if r.clause:
            out.setdefault(r.clause, []).append(r.code)
    return out


def uncovered(rules: list[Rule]) -> list[str]:
    """Clauses with neither a rule code nor any other coding (must stay empty)."""
    codes = codes_by_clause(rules)
    return [c.clause for c in COVERAGE if not (codes.get(c.clause) or c.computed or c.manual or c.not_checkable)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def coverage_lines(rules: list[Rule]) -> list[str]:
    """The clause-coverage section of docs/rules.md."""
    codes = codes_by_clause(rules)
    lines = ["## Clause coverage (制度条款覆盖)", "",
             f"Every clause of shared/manual.md ({len(COVERAGE)}) and how it is coded: rule codes (this catalog), "
             "computed in which command or report, registered by hand, or not checkable with the reason "
             "(data: automation/rules/clauses.py).", "",
             "| Clause | Rule codes | Computed in | Registered by hand | Not checkable (why) |", "|---|---|---|---|---|"]
    for c in COVERAGE:
        lines.append(f"| {c.clause} | {', '.join(codes.get(c.clause, [])) or '—'} | {_cell(c.computed) or '—'} | "
                     f"{_cell(c.manual) or '—'} | {_cell(c.not_checkable) or '—'} |")
    lines.append("")
    return lines
