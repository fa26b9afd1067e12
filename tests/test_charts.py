"""Issue 10 §2: charts render on a machine with no CJK font (the bundled Noto Sans CJK is used),
courier chart labels are Chinese with 元, the outbox preview embeds its images, value axes start at 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import courier_helpers as month_data
from test_penalties_report import report_shop

HERE = Path(__file__).parent


def _probe(tmp_path, *extra):
    courier = month_data.write_shop(tmp_path / "courier")
    reports = report_shop(tmp_path / "r")
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl"), "PYTHONPATH": str(HERE)}
    done = subprocess.run([sys.executable, str(HERE / "chart_probe.py"), str(courier), str(reports), *extra],
                          capture_output=True, text=True, env=env, timeout=240, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_chart_renders_chinese_without_any_system_cjk_font(tmp_path):
    got = _probe(tmp_path)
    assert got["system_cjk_fonts_seen"] == []  # matplotlib saw no system CJK font
    assert got["cjk_faces_from"] == ["NotoSansCJK-Regular.ttc"]  # the face comes from our dependency
    assert set(got["images"]) == {"courier_chart", "penalties_points", "sales_per_agent", "sales_conversion", "sales_daily"}
    assert got["glyph_warnings"] == []
    assert min(got["sizes"]) > 5000


def test_the_probe_can_fail_without_the_bundled_font(tmp_path):
    got = _probe(tmp_path, "--without-bundled-font")
    assert got["glyph_warnings"], "without a CJK font the Chinese labels must warn, or the probe proves nothing"


def test_courier_chart_uses_chinese_category_names_and_yuan(tmp_path, monkeypatch):
    from automation.courier.section import monthly_section
    from automation.sales import charts
    from automation.shop import Shop

    drawn = {}
    real = charts.hbar_chart
    monkeypatch.setattr(charts, "hbar_chart", lambda title, labels, values, axis, **kw: drawn.update(labels=labels, axis=axis) or real(title, labels, values, axis))
    monthly_section(Shop.open(month_data.write_shop(tmp_path / "shop")), "2026-10")
    assert "运单号被Excel损坏" in drawn["labels"] and "与上月账单重复" in drawn["labels"] and "已发货未计费（结转下月）" in drawn["labels"]
    assert not any(label.isascii() for label in drawn["labels"])  # no waybill_damaged, duplicate_prev, not_billed …
    assert drawn["axis"] == "差额（元）"


def test_value_axes_start_at_zero(monkeypatch):
    from automation.sales import charts

    figures = []
    real = charts._png
    monkeypatch.setattr(charts, "_png", lambda fig, params: figures.append(fig) or real(fig, params))
    charts.bar_chart("每位客服转化率", ["陈静", "张伟"], [24.5, 31.0], "%")
    charts.line_chart("每日销售额", ["10-01", "10-02"], {"合计": [900, 1000]})
    assert [fig.axes[0].get_ylim()[0] for fig in figures] == [0, 0]


def test_workbook_charts_start_their_value_axis_at_zero(tmp_path):
    from click.testing import CliRunner

    from automation.cli import cli

    folder = report_shop(tmp_path)
    assert CliRunner().invoke(cli, ["report", "sales", str(folder), "--month", "2026-10"]).exit_code == 0
    with zipfile.ZipFile(folder / "reports/out/2026-10/销售报表_2026-10.xlsx") as z:
        charts_xml = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert charts_xml and all('<c:min val="0"/>' in x for x in charts_xml)


def test_outbox_preview_embeds_images_and_the_mail_keeps_cid(tmp_path, monkeypatch):
    from email import policy
    from email.parser import BytesParser

    from click.testing import CliRunner

    from automation import monthly
    from automation.cli import cli

    monkeypatch.setattr(monthly, "SECTION_PROVIDERS", ("automation.courier.section",))
    root = month_data.write_shop(tmp_path / "shop")
    result = CliRunner().invoke(cli, ["monthly", str(root), "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    preview = (root / "reports/outbox/月报_2026-10.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in preview and "cid:" not in preview
    msg = BytesParser(policy=policy.default).parse((root / "reports/outbox/月报_2026-10.eml").open("rb"))
    assert 'src="cid:courier_chart"' in msg.get_body(("html",)).get_content()
