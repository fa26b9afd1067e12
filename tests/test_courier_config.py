"""The commented examples of workbook_templates/shop_toml/30-courier.toml work once enabled."""

import re
from decimal import Decimal

from automation.config import load_config
from automation.courier.rates import load_rate_cards
from automation.courier.settings import load_settings
from automation.mail.settings import load_email
from automation.paths import data_dir

SNIPPET = data_dir("workbook_templates") / "shop_toml" / "30-courier.toml"


def test_enabled_examples_load(tmp_path):
    text = re.sub(r'(?m)^# (?=\[|\w+ = |"[^"]+" = )', "", SNIPPET.read_text(encoding="utf-8"))
    path = tmp_path / "shop.toml"
    path.write_text(text, encoding="utf-8")
    cfg = load_config(path)
    card = load_rate_cards(cfg)["中通"]
    assert card.expected_fee("江苏", Decimal("1.2")) == Decimal("5.00")       # up_1: 2 kg, 4 + 1
    assert card.expected_fee("广东", Decimal("2.5")) == Decimal("12.00")      # 3 kg, 6 + 2 x 3
    assert card.expected_fee("新疆", Decimal("0.4")) == Decimal("22.00")      # up_1: 1 kg, band up to 1 kg 12 + remote 10
    settings = load_settings(cfg)
    assert settings.canonical("ZTO") == "中通" and dict(settings.bill_aliases("中通"))["合计"] == "total"
    assert settings.tolerances.weight_kg == Decimal("0.1") and settings.tolerances.archive_days == 15
    email = load_email(cfg)
    assert email.to == ("boss@example.com",) and email.security == "ssl" and email.password_env == "SHOPBOOK_SMTP_PASSWORD"
