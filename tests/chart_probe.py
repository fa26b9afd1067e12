"""Run as a script: draw every chart of the e-mail and the report pages with matplotlib seeing no
system font at all (only its own DejaVu files), and print what happened as JSON.

    python chart_probe.py COURIER_SHOP REPORT_SHOP [--without-bundled-font]

`--without-bundled-font` is the control: the same charts drawn without registering our font must
warn about missing glyphs, or the probe would prove nothing.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402

own = str(Path(matplotlib.get_data_path()))
font_manager.fontManager.ttflist = [f for f in font_manager.fontManager.ttflist if str(f.fname).startswith(own)]
font_manager.fontManager._findfont_cached.cache_clear()

from automation.sales import charts  # noqa: E402

if "--without-bundled-font" in sys.argv:
    charts.cjk_font = lambda: "DejaVu Sans"

from automation.courier.section import monthly_section as courier_section  # noqa: E402
from automation.penalties.section import monthly_section as penalties_section  # noqa: E402
from automation.sales.section import monthly_section as sales_section  # noqa: E402
from automation.shop import Shop  # noqa: E402

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    images = {}
    courier = Shop.open(sys.argv[1])
    reports = Shop.open(sys.argv[2])
    for section in (courier_section(courier, "2026-10"), penalties_section(reports, "2026-10"), sales_section(reports, "2026-10")):
        images.update(section.images)
faces = sorted({Path(f.fname).name for f in font_manager.fontManager.ttflist if f.name == charts.CJK_FAMILY})
print(json.dumps({"images": sorted(images), "sizes": [len(v) for v in images.values()],
                  "glyph_warnings": [str(w.message) for w in caught if "Glyph" in str(w.message)],
                  "cjk_faces_from": faces,
                  "system_cjk_fonts_seen": [f.name for f in font_manager.fontManager.ttflist
                                            if any(k in f.name for k in ("WenQuanYi", "CJK", "Hei", "Han"))
                                            and charts.CJK_FAMILY not in f.name and "Noto Sans Mono CJK" not in f.name
                                            and "Noto Sans CJK" not in f.name]}))
