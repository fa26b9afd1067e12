"""Penalties on the demo month against answer_key.json: points per person match exactly, every
planted people incident is found with its evidence (sheet, row), nothing is counted twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import openpyxl
import pytest

from automation.penalties.compute import penalty_report
from automation.shop import Shop
from demo_helpers import demo, key  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def report(demo, key):  # noqa: F811
    return penalty_report(Shop.open(demo.folder), key["month"], as_of=dt.datetime.fromisoformat(key["as_of"]))


def _people(key):  # noqa: F811
    return [p for p in key["problems"] if p["area"] == "people"]


def test_points_per_person_match_the_key_exactly(report, key):  # noqa: F811
    got = {p.name: p.total for p in report.people}
    assert {name: got.get(name, Decimal(0)) for name in key["penalties"]} == {n: Decimal(v) for n, v in key["penalties"].items()}
    assert set(got) == set(key["penalties"])
    assert not report.unattributed and not report.findings and not report.skipped


def test_every_planted_incident_is_found_with_its_evidence(report, key):  # noqa: F811
    for planted in _people(key):
        day = dt.date.fromisoformat(planted["date"])
        matches = [i for i in report.incidents if (i.person, i.rule, i.day) == (planted["person"], planted["clause"], day)]
        assert len(matches) == 1, planted
        incident = matches[0]
        cited = {(e.file, e.sheet, e.row) for e in incident.evidence}
        assert (planted["file"], planted["sheet"], planted["row"]) in cited, (planted, cited)
        if planted["category"] == "incident_linked_supervisor":
            assert incident.source == "linked" and incident.linked_from
        elif planted["category"] == "incident_duplicate_of_detected":
            assert incident.source == "both"
        else:
            assert incident.points == Decimal(planted["points"]), planted


def test_nothing_is_counted_twice(report, key):  # noqa: F811
    counted = [p for p in _people(key) if Decimal(p["points"]) != 0]
    assert len(report.incidents) == len(counted)
    identities = Counter(i.identity for i in report.incidents)
    assert max(identities.values()) == 1
    assert report.total == sum(Decimal(v) for v in key["penalties"].values())


def test_demo_workbook_summary(demo, key, cli, tmp_path):  # noqa: F811
    result = cli("report", "penalties", str(demo.folder), "--month", key["month"], "--as-of", key["as_of"].replace(" ", "T"))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(demo.folder / "reports/out/2026-10/扣分报表_2026-10.xlsx")["汇总"]
    header = [c.value for c in sheet[2]]
    col = header.index("本月扣分")
    got = {r[0]: Decimal(str(r[col])) for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] in key["penalties"]}
    assert got == {n: Decimal(v) for n, v in key["penalties"].items()}


def test_default_as_of_is_the_latest_day_in_the_sheets(demo, key):  # noqa: F811
    """The monthly e-mail judges deadlines without --as-of: the sheets' own latest day, not the real date."""
    report = penalty_report(Shop.open(demo.folder), key["month"])
    assert {p.name: p.total for p in report.people} == {n: Decimal(v) for n, v in key["penalties"].items()}
