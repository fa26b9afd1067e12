"""The plain names shop.toml's schema accepts (roles, weekdays), apart from the pydantic schema in
`automation.config_schema`: the calendar and a run without a shop.toml need them, not pydantic
(whose models take a quarter of a second to build at import)."""

from __future__ import annotations

ROLES = ("客服", "客服主管", "仓库", "发货", "在线编辑", "文案", "美工", "负责人")
WEEKDAY_NAMES = {
    1: ("周一", "星期一", "礼拜一", "Mon", "Monday"), 2: ("周二", "星期二", "礼拜二", "Tue", "Tuesday"),
    3: ("周三", "星期三", "礼拜三", "Wed", "Wednesday"), 4: ("周四", "星期四", "礼拜四", "Thu", "Thursday"),
    5: ("周五", "星期五", "礼拜五", "Fri", "Friday"), 6: ("周六", "星期六", "礼拜六", "Sat", "Saturday"),
    7: ("周日", "周天", "星期日", "星期天", "礼拜日", "礼拜天", "Sun", "Sunday"),
}
WEEKDAYS = {name.lower(): number for number, names in WEEKDAY_NAMES.items() for name in names}
