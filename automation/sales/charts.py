"""PNG charts for e-mail (inline images render in mail clients; scripts do not). matplotlib, Agg.

Labels are Chinese, so every chart is drawn with the Noto Sans CJK SC face of the font collection
that ships as a Python dependency (noto-cjk-sans-otc, SIL OFL 1.1), registered with matplotlib
here: a cron server or a "only Python" set-up without any system CJK font draws the same chart.
"""

from __future__ import annotations

import inspect
import io
from decimal import Decimal
from functools import cache, wraps

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

CJK_FAMILY = "Noto Sans CJK SC"  # the simplified-Chinese face of the bundled collection
COLOURS = ("#3b6fb6", "#e07b39", "#4b9e5f", "#b8473f", "#7d5ba6", "#8c6d4f", "#d16ba5", "#6f6f6f")


def bundled_font_path() -> str:
    import noto_cjk_sans_otc

    return str(noto_cjk_sans_otc.FONT_PATH)


@cache
def cjk_font() -> str:
    """Register the bundled CJK collection with matplotlib (all its faces) and name the face we draw with."""
    manager = font_manager.fontManager
    if not any(f.name == CJK_FAMILY and str(f.fname) == bundled_font_path() for f in manager.ttflist):
        manager.addfont(bundled_font_path())
    return CJK_FAMILY


def chart_params() -> dict:
    return {"font.size": 9, "axes.unicode_minus": False, "font.family": "sans-serif",
            "font.sans-serif": [cjk_font(), "DejaVu Sans"]}


def _figure(width: float = 6.4, height: float = 3.2):
    params = chart_params()
    with matplotlib.rc_context(params):  # a bare Figure: pyplot's figure manager is for interactive windows
        fig = Figure(figsize=(width, height), dpi=110)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax, params


def _png(fig, params) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context(params):
        fig.tight_layout()
        # tight_layout leaves a placeholder layout engine behind, which makes savefig lay the
        # figure out once more in a draw of its own (a third of a chart's time); the layout is done
        fig.set_layout_engine(None)
        fig.savefig(buffer, format="png")
    return buffer.getvalue()


_DRAWN: dict[tuple, bytes] = {}
KEEP_DRAWN = 32


def _frozen(value):
    """An argument as a dictionary key: lists and dicts (a line chart's series) as tuples, in order."""
    if isinstance(value, dict):
        return (dict, tuple((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def drawn_once(draw):
    """The same arguments draw the same PNG, so a chart is drawn once per process: the report job and
    the monthly e-mail of one `shopbook demo` (or console) run show the same charts. Values compare
    by `==`, which is what the drawing sees too (each is drawn as `float(v)`)."""
    signature = inspect.signature(draw)

    @wraps(draw)
    def chart(*args, **kwargs) -> bytes:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = (draw.__name__, _frozen(tuple(bound.arguments.items())))
        if key not in _DRAWN:
            if len(_DRAWN) >= KEEP_DRAWN:
                del _DRAWN[next(iter(_DRAWN))]
            _DRAWN[key] = draw(*args, **kwargs)
        return _DRAWN[key]

    return chart


def forget_drawn() -> None:
    """Drop the drawn charts (tests)."""
    _DRAWN.clear()


def _shown(value: float, unit: str) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") + unit


@drawn_once
def bar_chart(title: str, labels: list[str], values: list[Decimal | float], unit: str = "", colour: int = 0,
              axis: str = "") -> bytes:
    fig, ax, params = _figure()
    with matplotlib.rc_context(params):
        numbers = [float(v) for v in values]
        bars = ax.bar(labels, numbers, color=COLOURS[colour % len(COLOURS)])
        ax.bar_label(bars, labels=[_shown(v, unit) for v in numbers], fontsize=8)
        ax.set_title(title)
        if axis:
            ax.set_ylabel(axis)
        ax.margins(y=0.15)
        if min(numbers, default=0) >= 0:
            ax.set_ylim(bottom=0)  # a value axis starts at 0: bars are compared by their length
        for label in ax.get_xticklabels():
            label.set_rotation(30 if len(labels) > 6 else 0)
    return _png(fig, params)


@drawn_once
def hbar_chart(title: str, labels: list[str], values: list[Decimal | float], axis: str, colour: int = 0) -> bytes:
    """Horizontal bars (long category names), signed values around a 0 line."""
    fig, ax, params = _figure(6.4, 0.45 * len(labels) + 1.2)
    with matplotlib.rc_context(params):
        numbers = [float(v) for v in values]
        bars = ax.barh(labels, numbers, color=COLOURS[colour % len(COLOURS)])
        ax.bar_label(bars, labels=[_shown(v, "") for v in numbers], fontsize=8, padding=2)
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.invert_yaxis()
        ax.set_title(title)
        ax.set_xlabel(axis)
        ax.margins(x=0.15)
        if min(numbers, default=0) >= 0:
            ax.set_xlim(left=0)
    return _png(fig, params)


@drawn_once
def line_chart(title: str, days: list[str], series: dict[str, list[Decimal | float]], axis: str = "") -> bytes:
    fig, ax, params = _figure(7.2, 3.2)
    with matplotlib.rc_context(params):
        for i, (name, values) in enumerate(series.items()):
            ax.plot(days, [float(v) for v in values], marker="o", markersize=2.5, label=name, color=COLOURS[i % len(COLOURS)])
        ax.set_title(title)
        if axis:
            ax.set_ylabel(axis)
        if all(float(v) >= 0 for values in series.values() for v in values):
            ax.set_ylim(bottom=0)
        ax.legend(fontsize=8, frameon=False, ncols=min(4, max(1, len(series))))
        step = max(1, len(days) // 10)
        ax.set_xticks(range(0, len(days), step), [days[i] for i in range(0, len(days), step)])
    return _png(fig, params)
