"""Issue 10 §3: `shopbook rules` reads at 80 columns in Chinese, names every rule, fills its options."""

from __future__ import annotations

import json
import re

from automation.rules.catalog import all_rules
from automation.rules.listing import NAMES_ZH, OPTION_PLACEHOLDERS
from automation.textwidth import display_width

NARROW = {"COLUMNS": "80", "LINES": "50"}


def _blocks(output: str) -> dict[str, list[str]]:
    """code -> the lines of its block (heading, then the indented message lines)."""
    blocks: dict[str, list[str]] = {}
    code = None
    for line in output.splitlines():
        head = re.match(r"^([A-Z]+\d{3}) ", line)
        if head:
            code = head.group(1)
            blocks[code] = []
        if code:
            blocks[code].append(line)
    return blocks


def test_every_rule_has_a_chinese_name_and_every_name_a_rule():
    codes = {r.code for r in all_rules()}
    assert set(NAMES_ZH) == codes
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in NAMES_ZH.values())
    assert set(OPTION_PLACEHOLDERS) <= codes
    for r in all_rules():  # every mapped placeholder is in the message and names a real option
        for placeholder, option in OPTION_PLACEHOLDERS.get(r.code, {}).items():
            assert "{" + placeholder in r.message[0] and "{" + placeholder in r.message[1], r.code
            assert option in r.options, r.code


def test_rules_fit_80_columns_in_chinese_with_placeholders_filled(cli):
    result = cli("rules", env=NARROW)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert max(display_width(line) for line in lines) <= 80
    assert "{" not in result.output and "}" not in result.output
    assert not re.search(r"\b(error|warning|info|returns|orders)\b", result.output)
    blocks = _blocks(result.output)
    assert list(blocks) == [r.code for r in all_rules()]
    assert blocks["AS001"][0] == "AS001 错误 售后超期 · 依据 M-AS-WINDOW · 退换货登记"
    # the option (7 days) fills {limit}; {days} is the finding's own count and stays a label
    assert "".join(line.strip() for line in blocks["AS001"][1:]) == "〈类型〉申请在签收 〈天数〉 天后（签收 〈签收日〉），超过 7 天"
    assert "改价超过原价的 50%" in "".join(blocks["ORD009"])
    assert blocks["STK001"][0].startswith("STK001 警告 盘点过期")
    assert all(line.startswith("    ") for block in blocks.values() for line in block[1:])


def test_rules_with_a_shop_folder_show_its_options_and_switched_off_rules(cli, tmp_path):
    (tmp_path / "shop.toml").write_text('[rules]\nignore = ["ORD017"]\n[rules.options.AS001]\ndays = 15\n'
                                        "[rules.options.ORD009]\nmax_ratio = 0.3\n", encoding="utf-8")
    blocks = _blocks(cli("rules", str(tmp_path), env=NARROW).output)
    assert "超过 15 天" in "".join(blocks["AS001"]) and "超过 7 天" in "".join(blocks["AS008"])
    assert "改价超过原价的 30%" in "".join(blocks["ORD009"])
    assert blocks["ORD017"][0].endswith("· 已关闭") and "已关闭" not in blocks["ORD016"][0]
    data = {r["code"]: r for r in json.loads(cli("rules", str(tmp_path / "shop.toml"), "--json").output)}
    assert data["AS001"]["options"] == {"days": 15} and data["ORD017"]["enabled"] is False
    assert data["AS001"]["title"] == "售后超期" and "超过 15 天" in data["AS001"]["shown"]


def test_rules_in_english(cli):
    result = cli("--lang", "en", "rules", env=NARROW)
    blocks = _blocks(result.output)
    assert blocks["AS001"][0].startswith("AS001 error After sales window · clause M-AS-WINDOW")
    assert "more than 7" in " ".join(blocks["AS001"]) and "{" not in result.output
    assert not re.search(r"[\u4e00-\u9fff]", "".join(blocks["AS001"]))
    assert max(display_width(line) for line in result.output.splitlines()) <= 80


def test_rules_on_a_missing_path_is_one_clear_line(cli, tmp_path):
    result = cli("rules", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "找不到文件" in result.output and "Traceback" not in result.output
