"""Waybill shapes per courier (M-ORD-WAYBILL): defaults from the field notes, overridable per courier
in shop.toml `[couriers.<name>] waybill_pattern = "…"` (a regular expression for the whole number).
The pattern only warns: shapes overlap and change; the courier column decides which one applies."""

from __future__ import annotations

import re

from ..config import ShopConfig
from ..errors import UserError

DEFAULT_WAYBILL_PATTERNS = {
    "顺丰": r"SF\d{12,13}",
    "中通": r"7[3-8]\d{12}|\d{12}",
    "圆通": r"YT\d{13}",
    "申通": r"(?:77|43)\d{12,15}|\d{12,13}",
    "韵达": r"[34]\d{14}|5\d{12}",
    "极兔": r"JT\d{12,13}",
    "邮政": r"\d{13}|[A-Z]{2}\d{9}[A-Z]{2}",
    "京东": r"JD[A-Z0-9]{2}\d{11,12}",
    "德邦": r"DPK\d{12}|\d{8,10}",
}


def waybill_patterns(config: ShopConfig) -> dict[str, re.Pattern]:
    patterns = dict(DEFAULT_WAYBILL_PATTERNS)
    for courier, raw in config.section("couriers").items():
        if isinstance(raw, dict) and "waybill_pattern" in raw:
            patterns[courier] = str(raw["waybill_pattern"])
    out = {}
    for courier, text in patterns.items():
        try:
            out[courier] = re.compile(f"(?:{text})")
        except re.error as exc:
            raise UserError("err.config", path=config.path or "shop.toml",
                            detail=f'[couriers."{courier}"] waybill_pattern = {text!r} is not a valid pattern ({exc})') from exc
    return out


def courier_name(config: ShopConfig, written: object) -> str | None:
    """'中通快递' / 'ZTO' -> '中通' (names and aliases as the courier settings know them)."""
    if written is None:
        return None
    cached = _LOADED.get(id(config))  # _loaded inlined: this runs once per order in ORD013 and ORD019
    settings, names = cached[1:] if cached is not None and cached[0] is config else _loaded(config)
    key = (written.__class__, written)
    try:
        return names[key]
    except KeyError:  # each distinct spelling is resolved once per config (a column repeats a handful)
        found = names[key] = settings.canonical(written)  # None for blank text too
        return found
    except TypeError:
        return settings.canonical(written)


_LOADED: dict[int, tuple[ShopConfig, object, dict]] = {}


def _loaded(config: ShopConfig) -> tuple[object, dict]:
    """The courier settings of a config, parsed once per config object, and the spellings resolved so far."""
    cached = _LOADED.get(id(config))
    if cached is None or cached[0] is not config:
        from ..courier.settings import load_settings  # not at the top: courier imports the rules

        cached = _LOADED[id(config)] = (config, load_settings(config), {})
    return cached[1], cached[2]
