"""PNG charts for e-mail (inline images render in mail clients; scripts do not). matplotlib, Agg.

Labels are Chinese: a CJK-capable font is picked from the installed ones (fc-list :lang=zh);
Debian: fonts-noto-cjk or fonts-wqy-microhei.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")
COLOURS = ("#3b6fb6", "#e07b39", "#4b9e5f", "#b8473f", "#7d5ba6", "#8c6d4f", "#d16ba5", "#6f6f6f")


@cache
def cjk_font() -> str | None:
    """The first installed CJK font family, or None (labels would then render as boxes)."""
    found = _installed()
    if found is None:  # matplotlib's font cache predates the font's installation: register the files
        for path in font_manager.findSystemFonts():
            if any(part in path.lower() for part in ("cjk", "wqy", "wenquanyi", "simhei", "msyh", "pingfang", "sourcehan")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = _installed()
    return found


def _installed() -> str | None:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def _figure(width: float = 6.4, height: float = 3.2):
    font = cjk_font()
    params = {"font.size": 9, "axes.unicode_minus": False}
    if font:
        params["font.sans-serif"] = [font, "DejaVu Sans"]
    with plt.rc_context(params):
        fig, ax = plt.subplots(figsize=(width, height), dpi=110)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax, params


def _png(fig, params) -> bytes:
    buffer = io.BytesIO()
    with plt.rc_context(params):
        fig.tight_layout()
        fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def bar_chart(title: str, labels: list[str], values: list[Decimal | float], unit: str = "", colour: int = 0) -> bytes:
    fig, ax, params = _figure()
    with plt.rc_context(params):
        numbers = [float(v) for v in values]
        bars = ax.bar(labels, numbers, color=COLOURS[colour % len(COLOURS)])
        ax.bar_label(bars, labels=[f"{v:,.2f}".rstrip("0").rstrip(".") + unit for v in numbers], fontsize=8)
        ax.set_title(title)
        ax.margins(y=0.15)
        for label in ax.get_xticklabels():
            label.set_rotation(30 if len(labels) > 6 else 0)
    return _png(fig, params)


def line_chart(title: str, days: list[str], series: dict[str, list[Decimal | float]]) -> bytes:
    fig, ax, params = _figure(7.2, 3.2)
    with plt.rc_context(params):
        for i, (name, values) in enumerate(series.items()):
            ax.plot(days, [float(v) for v in values], marker="o", markersize=2.5, label=name, color=COLOURS[i % len(COLOURS)])
        ax.set_title(title)
        ax.legend(fontsize=8, frameon=False, ncols=min(4, max(1, len(series))))
        step = max(1, len(days) // 10)
        ax.set_xticks(range(0, len(days), step), [days[i] for i in range(0, len(days), step)])
    return _png(fig, params)
