"""The demo's monthly e-mail as a browser shows it (issue 10, "Done when"): Chromium prints the outbox
preview to PDF; its text is the Chinese we wrote and it is drawn in a CJK font, not in boxes.
Runs where Chromium, poppler and a CJK system font are installed (.ci/run installs them)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from automation.monthly import write_monthly
from automation.shop import Shop
from demo_helpers import demo  # noqa: F401  (the session's demo shop)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not (CHROMIUM and shutil.which("pdffonts") and shutil.which("fc-list")),
                                reason="needs chromium, poppler-utils and fontconfig")


def _cjk_families() -> set[str]:
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True).stdout
    return {name.replace(" ", "") for line in listed.splitlines() for name in line.split(",") if name.isascii() and name.strip()}


def test_the_demo_mail_renders_in_chromium_with_chinese_glyphs(demo, tmp_path):  # noqa: F811
    families = _cjk_families()
    if not families:
        pytest.skip("no CJK system font: a browser here would draw boxes whatever we write")
    mail = write_monthly(Shop.open(demo.folder), "2026-10")
    pdf = tmp_path / "mail.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", mail.preview.as_uri()],
                   capture_output=True, timeout=120, check=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("【对账】2026年10月 快递对账与月报", "快递对账", "扣分统计 2026-10", "销售与服务 2026-10", "明细与申诉清单见附件。"):
        assert words in text, words
    assert "未检查" not in text  # the demo shop has every sheet and column its reports read
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    used = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in fonts.splitlines()[2:] if line.strip()}
    assert any(any(f.startswith(family) for family in families) for f in used), (used, families)
    assert re.search(r"data:image/png;base64,", mail.preview.read_text(encoding="utf-8"))  # the charts are in the page
