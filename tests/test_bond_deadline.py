"""Special-bond projections on hand-computed cases; the escalation letters from templates."""

from datetime import date

import polars as pl
import pytest

from flows.rule_files import load_rules
from triggers.bond_deadline import evaluate_bond_counties, evaluate_bond_projects
from triggers.documents import render_documents
from triggers.frames import INPUTS

RULES = [r for r in load_rules(None) if r.kind == "bond_deadline"]
ALTAY = next(r for r in RULES if r.id == "altay-bonds-2022")  # 90 % by 31 Aug 2022
WAN = 1_000_000  # fen in 10,000 yuan


def _project(name, spent, previous=None, as_of=date(2022, 6, 30), previous_as_of=date(2022, 5, 31),
             arrived=None, region="654301", quota=100 * WAN) -> dict:  # fmt: skip
    return {
        "as_of": as_of, "region_code": region, "region_name": "阿勒泰市", "project": name,
        "project_unit": "住建局", "department": "住建局", "quota_fen": quota, "spent_fen": spent,
        "funds_arrived_on": arrived, "previous_as_of": previous_as_of if previous is not None else None,
        "previous_spent_fen": previous,
    }  # fmt: skip


def _grade(*projects, as_of=date(2022, 6, 30)) -> dict[str, dict]:
    frames = {"bonds": pl.LazyFrame(list(projects), schema=INPUTS["bonds"])}
    found = evaluate_bond_projects(ALTAY, RULES, frames, as_of)
    return {row["project"]: row for row in found.iter_rows(named=True)}


@pytest.mark.parametrize(
    ("spent", "previous", "projected", "level"),
    [
        # 10 万元 in 30 days; 40 万元 to go → 120 days → 28 Oct: after the deadline
        (50 * WAN, 40 * WAN, date(2022, 10, 28), "red"),
        # 30 万元 in 30 days; 60 万元 to go → 60 days → 29 Aug: within 10 days of 31 Aug
        (30 * WAN, 0, date(2022, 8, 29), "yellow"),
        # the last fen: 1 day
        (90 * WAN - 1, 80 * WAN, date(2022, 7, 1), "green"),
        # nothing spent between the snapshots
        (50 * WAN, 50 * WAN, None, "red"),
        # target reached
        (90 * WAN, 80 * WAN, None, "green"),
    ],
)
def test_projection_against_the_deadline(spent, previous, projected, level):
    row = _grade(_project("P", spent, previous))["P"]
    assert (row["projected_date"], row["level"]) == (projected, level)


def test_exactly_ten_days_before_the_deadline_is_green():
    # 37.5 万元 in 30 days = 1.25 万元 a day; 65 万元 to go → 52 days → 21 Aug 2022
    row = _grade(_project("P", 25 * WAN, 25 * WAN - 375 * WAN // 10))["P"]
    assert row["projected_date"] == date(2022, 8, 21)
    assert row["level"] == "green"
    behind = 25 * WAN - 125 * WAN // 100  # 1.25 万元 less: one more day to go
    one_day_later = _grade(_project("P", behind, behind - 375 * WAN // 10))["P"]
    assert one_day_later["projected_date"] == date(2022, 8, 22)
    assert one_day_later["level"] == "yellow"


def test_deadline_passed_unmet_is_red():
    row = _grade(_project("P", 85 * WAN, 80 * WAN, as_of=date(2022, 9, 30), previous_as_of=date(2022, 8, 31)),
                 as_of=date(2022, 9, 30))["P"]  # fmt: skip
    assert row["level"] == "red"
    assert row["reason"] == "截止日 2022-08-31 已过，支出进度 85.0% 未达目标"


def test_one_snapshot_paces_from_the_arrival_of_the_money():
    row = _grade(_project("P", 30 * WAN, arrived=date(2022, 5, 31)))["P"]
    assert row["pace_basis"] == "since_arrival"
    assert row["projected_date"] == date(2022, 8, 29)
    unknown = _grade(_project("Q", 30 * WAN))["Q"]
    assert (unknown["pace_basis"], unknown["level"]) == (None, "yellow")


def test_the_kunming_district_has_its_own_deadline():
    frames = {
        "bonds": pl.LazyFrame([_project("K", 30 * WAN, 0, region="530112")], schema=INPUTS["bonds"])
    }
    kunming = next(r for r in RULES if r.jurisdiction == "530112")
    row = evaluate_bond_projects(kunming, RULES, frames, date(2022, 6, 30)).row(0, named=True)
    assert (row["deadline"], row["projected_date"], row["level"]) == (
        date(2022, 9, 30),
        date(2022, 8, 29),
        "green",
    )


def test_county_totals_sum_the_projects_paces():
    projects = _grade(
        _project("A", 50 * WAN, 40 * WAN),  # 1/3 万元 a day
        _project("B", 30 * WAN, 0),  # 1 万元 a day
    )
    counties = evaluate_bond_counties(pl.DataFrame(list(projects.values())), date(2022, 6, 30))
    row = counties.row(0, named=True)
    # 200 万元 quota, 80 spent, 180 target: 100 万元 to go at 4/3 万元 a day → 75 days → 13 Sep
    assert (row["projects"], row["quota_fen"], row["spent_fen"]) == (2, 200 * WAN, 80 * WAN)
    assert row["projected_date"] == date(2022, 9, 13)
    assert row["level"] == "red"


def test_escalation_letters_are_filled_from_the_template():
    projects = pl.DataFrame(list(_grade(_project("污水处理项目", 50 * WAN, 40 * WAN)).values()))
    projects = projects.with_columns(subject=pl.lit("654301/污水处理项目"))
    steps = pl.DataFrame(
        {"alert_id": [7], "rule_id": [ALTAY.id], "subject": ["654301/污水处理项目"],
         "escalation_step": [1], "step_on": [date(2022, 6, 30)], "days_red": [0]},
        schema_overrides={"escalation_step": pl.Int32},
    )  # fmt: skip
    letter = render_documents(steps, projects, RULES).row(0, named=True)
    assert (letter["step_name"], letter["document"]) == ("告知", "工作提醒单")
    assert letter["text"] == (
        "阿勒泰市住建局：你单位「污水处理项目」专项债券额度 100.0 万元，截至 2022-06-30 累计支出 50.0 "
        "万元（50.0%），按当前进度预计 2022-10-28 达到目标，未能在 2022-08-31 前达到 90.0% 的要求。"
        "现予一次告知，请加快支出进度。"
    )
