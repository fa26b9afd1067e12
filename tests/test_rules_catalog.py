"""The catalog itself: codes, clauses, select/ignore and options from shop.toml, docs/rules.md, geo."""

from __future__ import annotations

import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from automation.config import load_config
from automation.errors import UserError
from automation.geo import PROVINCES, province_of
from automation.rules.catalog import all_rules
from automation.rules.docs import DOCS_PATH, markdown
from automation.rules.engine import Selection, load_selection

ROOT = Path(__file__).resolve().parents[1]


def shared_manual() -> Path:
    """The digest of the house rules, `../shared/manual.md` beside the clone (CI puts shared/ there).
    In a git worktree the clone is the repository its `.git` file points to. Missing is a failure:
    a clause test that quietly checks nothing cannot catch a wrong clause id."""
    candidates = [ROOT.parent / "shared" / "manual.md"]
    git = ROOT / ".git"
    if git.is_file():  # "gitdir: <clone>/.git/worktrees/<name>"
        gitdir = Path(git.read_text(encoding="utf-8").split(":", 1)[1].strip())
        candidates.append(gitdir.parents[2].parent / "shared" / "manual.md")
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        pytest.fail(f"house-rules digest not found at {candidates[0]} (shared/ must sit beside the clone)")
    return found


def test_the_digest_is_found_relative_to_the_repository():
    manual = shared_manual()
    assert manual.name == "manual.md" and manual.parent.name == "shared" and not str(manual).startswith(str(ROOT))


def test_codes_are_unique_shaped_and_cite_real_clauses():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    clauses = set(re.findall(r"\bM-[A-Z0-9-]+\b", shared_manual().read_text(encoding="utf-8")))
    assert len(clauses) >= 70  # the digest itself, not an empty or wrong file
    for r in rules:
        assert re.fullmatch(r"[A-Z]{2,4}\d{3}", r.code), r.code
        assert r.severity in ("error", "warning", "info")
        assert r.message[0] and r.message[1] and r.fix[0] and r.fix[1]
        if r.clause:
            assert r.clause in clauses, f"{r.code} cites unknown clause {r.clause}"


def test_docs_rules_md_matches_the_catalog():
    assert DOCS_PATH.read_text(encoding="utf-8") == markdown(), "run: python -m automation.rules.docs"


def _config(tmp_path, text: str):
    path = tmp_path / "shop.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_select_and_ignore_like_ruff(tmp_path):
    selection = load_selection(_config(tmp_path, '[rules]\nselect = ["ORD", "STK001"]\nignore = ["ORD01"]\n'))
    assert selection.enabled("ORD001") and selection.enabled("STK001")
    assert not selection.enabled("ORD011") and not selection.enabled("STK002") and not selection.enabled("HND001")
    assert Selection(("ALL",), ("ORD",)).enabled("STK001") and not Selection(("ALL",), ("ORD",)).enabled("ORD001")
    assert Selection(("ORD011",), ("ORD",)).enabled("ORD011")  # the more specific entry wins


def test_options_are_merged_and_typed(tmp_path):
    cfg = _config(tmp_path, "[rules.options.ORD009]\nmax_ratio = 0.3\n[rules.options.HND003]\nmax_days = 5\n")
    selection = load_selection(cfg)
    rules = {r.code: r for r in all_rules()}
    assert selection.options_for(rules["ORD009"]) == {"max_ratio": Decimal("0.3")}
    assert selection.options_for(rules["HND003"]) == {"max_days": 5}
    assert selection.options_for(rules["STK001"]) == {"max_days": 7}


@pytest.mark.parametrize("text", [
    '[rules]\nselect = "ORD"\n',
    '[rules]\nignore = ["NOPE"]\n',
    "[rules.options.ORD999]\nx = 1\n",
    "[rules.options.ORD009]\nratio = 0.3\n",
    '[rules.options.HND003]\nmax_days = "three"\n',
    "[rules]\nselct = []\n",
])
def test_bad_rules_config_is_a_clear_error(tmp_path, text):
    with pytest.raises(UserError) as info:
        load_selection(_config(tmp_path, text))
    # a wrong type or unknown key is caught by the shop.toml schema at load, the rest by the engine
    assert info.value.key in ("rules.bad_config", "err.config") and "rules" in str(info.value)
    assert "\n" not in str(info.value)


def test_shipped_snippet_parses_and_selects_everything():
    raw = tomllib.loads((ROOT / "workbook_templates" / "shop_toml" / "20-rules.toml").read_text(encoding="utf-8"))
    assert raw["rules"] == {"select": ["ALL"], "ignore": []}


def test_rules_command_lists_the_catalog(cli):
    data = json.loads(cli("rules", "--json").output)
    assert [r["code"] for r in data] == [r.code for r in all_rules()]
    assert cli("rules", "--markdown").output.strip() == markdown().strip()
    assert "ORD005" in cli("rules").output


@pytest.mark.parametrize(("address", "province"), [
    ("广西壮族自治区 南宁市 青秀区", "广西"), ("广西 南宁市", "广西"), ("内蒙 呼和浩特市", "内蒙古"),
    ("内蒙古自治区包头市", "内蒙古"), ("新疆维吾尔自治区乌鲁木齐市", "新疆"), ("宁夏回族自治区 银川市", "宁夏"),
    ("西藏 拉萨市", "西藏"), ("北京市 朝阳区", "北京"), ("北京 朝阳区", "北京"), ("黑龙江省哈尔滨市", "黑龙江"),
    ("香港特别行政区 九龙", "香港"), ("澳门 氹仔", "澳门"), ("台湾省 台北市", "台湾"), ("中国 浙江省 杭州市", "浙江"),
    ("陕西省西安市", "陕西"), ("山西省太原市", "山西"), ("广州市 天河区", None), ("", None), (None, None),
])
def test_province_of(address, province):
    assert province_of(address) == province


def test_all_34_divisions():
    assert len(PROVINCES) == 34
    assert all(province_of(name + " 某市") == name for name in PROVINCES)


def test_a_missing_digest_fails_instead_of_checking_nothing(monkeypatch, tmp_path):
    import sys

    (tmp_path / "clone").mkdir()
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path / "clone")
    with pytest.raises(pytest.fail.Exception, match="shared/manual.md"):
        shared_manual()
