"""report_due: each unit's report is in by 17:00 of every report day (pure, no Prefect)."""

from datetime import date, datetime, time

import polars as pl
import pytest

from triggers.alerting import alert_candidates
from triggers.calendar import CalendarUnavailable
from triggers.commitment_findings import COMMITMENT_SCHEMA
from triggers.engine import evaluate_rules
from triggers.frames import INPUTS
from triggers.report_due import evaluate_report_due, report_days
from triggers.report_rules import ReportDueRule
from triggers.rules import RuleError, parse_rule_texts

DAY = date(2022, 8, 26)  # a Friday
CAIZHENG, GONGXIN, SHIJIAN = "自治州财政局", "自治州工信局", "市场监督管理局"

# the measures of tests/fixtures/measures_653000_2022.xlsx, as the input frame has them
MEASURES = [
    ("653000", "克州", "1", "促进市场主体复工复市", [GONGXIN, SHIJIAN], ["自治州卫健委"], "daily"),
    ("653000", "克州", "3", "减免市场主体房屋租金", [CAIZHENG], [], "daily"),
    ("653000", "克州", "5", "落实小微企业融资担保费奖补政策", [CAIZHENG], [], "daily"),
    ("653000", "克州", "9", "每周调度", ["自治州商务局"], [], "weekly"),
    ("654300", "阿勒泰地区", "1", "阿勒泰的措施", ["地区财政局"], [], "daily"),
]


def measures(rows=MEASURES) -> pl.LazyFrame:
    full = [(*r, time(17, 0)) for r in rows]
    return pl.LazyFrame(full, schema=INPUTS["measures"], orient="row")


def reports(*rows) -> pl.LazyFrame:
    """Rows (unit, day, 'HH:MM' or a datetime, estimated=False)."""
    out = []
    for unit, day, when, *estimated in rows:
        at = when if isinstance(when, datetime) else datetime.combine(day, time.fromisoformat(when))
        out.append((unit, day, None, at, bool(estimated and estimated[0])))
    return pl.LazyFrame(out, schema=INPUTS["daily_reports"], orient="row")


def rule(**changes) -> ReportDueRule:
    base = {
        "id": "kizilsu-reports",
        "kind": "report_due",
        "title": "每日 17:00 前报送",
        "source": "自治州助企纾困政策措施责任分解表",
        "jurisdiction": "653000",
        "effective": {"from": "2022-01"},
        "lead_units": [CAIZHENG],
        "units_from": "measures",
        "lookback_days": 1,
        "one_row_per": "day",
    }
    return ReportDueRule.model_validate(base | changes)


def grade(the_rule, daily, at, frame=None) -> dict[str, dict]:
    frames = {"measures": frame if frame is not None else measures(), "daily_reports": daily}
    found = evaluate_report_due(the_rule, [the_rule], frames, at.date(), at=at)
    assert found.schema == pl.Schema(COMMITMENT_SCHEMA)
    return {row["item"]: row for row in found.iter_rows(named=True)}


def test_1659_is_green_1701_yellow_late_by_one_minute_and_exactly_1700_on_time():
    daily = reports((CAIZHENG, DAY, "16:59"), (GONGXIN, DAY, "17:01"), (SHIJIAN, DAY, "17:00"))
    found = grade(rule(), daily, datetime(2022, 8, 26, 17, 30))
    on_time, late, exact = (found[f"{u}/2022-08-26"] for u in (CAIZHENG, GONGXIN, SHIJIAN))
    assert on_time["level"] == "green" and on_time["reasons"] == [
        "按时报送（16:59 报送，17:00 截止）"
    ]
    assert late["level"] == "yellow"
    assert late["reasons"] == ["迟报 1 分钟（17:01 报送，17:00 截止）"]
    assert exact["level"] == "green"
    assert late["due_at"] == datetime(2022, 8, 26, 17, 0)
    assert late["done_at"] == datetime(2022, 8, 26, 17, 1)
    assert late["subject"] == "自治州工信局 2022-08-26 日报"
    assert (late["party"], late["lead_unit"], late["unit"]) == (GONGXIN, GONGXIN, "time")
    assert late["deadline"] == DAY and late["kind"] == "report_due" and not late["overdue"]
    assert late["region_code"] == "653000" and late["region_name"] == "克州"


def test_a_missing_report_is_red_after_1700_and_not_graded_before():
    daily = reports((CAIZHENG, DAY, "16:10"))
    after = grade(rule(), daily, datetime(2022, 8, 26, 17, 1))
    assert after[f"{GONGXIN}/2022-08-26"]["level"] == "red"
    assert after[f"{GONGXIN}/2022-08-26"]["reasons"] == ["未报（17:00 截止未收到）"]
    assert after[f"{GONGXIN}/2022-08-26"]["overdue"] is True
    assert after[f"{GONGXIN}/2022-08-26"]["done_at"] is None
    before = grade(rule(), daily, datetime(2022, 8, 26, 16, 30))
    assert set(before) == {f"{CAIZHENG}/2022-08-26"}  # the others' due time has not come
    exactly = grade(rule(), daily, datetime(2022, 8, 26, 17, 0))
    assert set(exactly) == {f"{CAIZHENG}/2022-08-26"}  # at 17:00 itself it may still come


def test_a_report_submitted_after_the_evaluation_instant_is_not_seen():
    daily = reports((CAIZHENG, DAY, "16:45"))
    assert grade(rule(), daily, datetime(2022, 8, 26, 16, 30)) == {}
    seen = grade(rule(), daily, datetime(2022, 8, 26, 16, 50))
    assert seen[f"{CAIZHENG}/2022-08-26"]["level"] == "green"


def test_a_report_sent_the_next_morning_is_late_with_its_date():
    daily = reports((CAIZHENG, DAY, datetime(2022, 8, 29, 9, 10)))
    found = grade(rule(lookback_days=2), daily, datetime(2022, 8, 29, 17, 30))
    late = found[f"{CAIZHENG}/2022-08-26"]
    assert late["level"] == "yellow"
    assert late["reasons"] == ["迟报 3850 分钟（2022-08-29 09:10 报送，17:00 截止）"]


def test_a_holiday_is_not_due_and_a_make_up_saturday_is():
    daily_rule = rule(lookback_days=3)
    # 国庆 2022-10-01…07 are holidays; Saturday 2022-10-08 and Sunday 10-09 are working days
    assert report_days(daily_rule, date(2022, 10, 7)) == [
        date(2022, 9, 28),
        date(2022, 9, 29),
        date(2022, 9, 30),
    ]
    assert report_days(daily_rule, date(2022, 10, 8))[-1] == date(2022, 10, 8)
    found = grade(daily_rule, reports(), datetime(2022, 10, 3, 18, 0))
    assert {r["deadline"] for r in found.values()} == {
        date(2022, 9, 28),
        date(2022, 9, 29),
        date(2022, 9, 30),
    }
    saturday = grade(
        rule(), reports((CAIZHENG, date(2022, 10, 8), "16:00")), datetime(2022, 10, 8, 17, 30)
    )
    assert saturday[f"{CAIZHENG}/2022-10-08"]["level"] == "green"
    assert saturday[f"{GONGXIN}/2022-10-08"]["level"] == "red"
    every_day = rule(lookback_days=3, working_days_only=False)
    assert report_days(every_day, date(2022, 10, 3)) == [date(2022, 10, d) for d in (1, 2, 3)]


def test_weekly_reports_fall_on_their_weekday_or_the_next_working_day():
    weekly = rule(cadence="weekly", weekday=5, lookback_days=3)  # Fridays
    # Friday 2022-10-07 is 国庆: that week's report is due on the make-up Saturday 10-08
    assert report_days(weekly, date(2022, 10, 10)) == [
        date(2022, 9, 23),
        date(2022, 9, 30),
        date(2022, 10, 8),
    ]
    daily = reports(("自治州商务局", date(2022, 10, 8), "17:20"))
    found = grade(weekly, daily, datetime(2022, 10, 10, 9, 0))
    assert set(found) == {f"自治州商务局/{d}" for d in ("2022-09-23", "2022-09-30", "2022-10-08")}
    assert found["自治州商务局/2022-10-08"]["level"] == "yellow"
    assert found["自治州商务局/2022-10-08"]["subject"] == "自治州商务局 2022-10-08 周报"
    assert found["自治州商务局/2022-09-30"]["level"] == "red"


def test_monthly_reports_on_a_day_the_month_lacks_fall_on_its_last_day():
    monthly = rule(cadence="monthly", day=31, lookback_days=2, working_days_only=False)
    assert report_days(monthly, date(2022, 3, 1)) == [date(2022, 1, 31), date(2022, 2, 28)]


def test_the_lookback_grades_only_the_last_report_days():
    daily = reports((CAIZHENG, date(2022, 8, 18), "18:00"), (CAIZHENG, date(2022, 8, 25), "16:00"))
    found = grade(rule(lookback_days=2), daily, datetime(2022, 8, 26, 17, 30))
    caizheng = sorted(k for k in found if k.startswith(CAIZHENG))
    assert caizheng == [f"{CAIZHENG}/2022-08-25", f"{CAIZHENG}/2022-08-26"]
    before_start = rule(lookback_days=5, effective={"from": date(2022, 8, 25)})
    assert report_days(before_start, DAY) == [date(2022, 8, 25), DAY]  # not before the rule


def test_a_unit_of_the_measures_table_that_never_reports_is_red_every_day_in_one_row():
    daily = reports(
        *[(u, date(2022, 8, d), "16:00") for u in (CAIZHENG, GONGXIN) for d in (24, 25, 26)]
    )
    found = grade(rule(lookback_days=3, one_row_per="unit"), daily, datetime(2022, 8, 26, 18, 0))
    assert set(found) == {CAIZHENG, GONGXIN, SHIJIAN}  # 阿勒泰 and the weekly measure not
    never = found[SHIJIAN]
    assert never["level"] == "red" and never["deadline"] == DAY
    assert never["reasons"] == [f"2022-08-{d} 未报（17:00 截止未收到）" for d in (26, 25, 24)]
    assert found[CAIZHENG]["level"] == "green"
    assert found[CAIZHENG]["reasons"] == [
        "2022-08-26 按时报送（16:00 报送，17:00 截止）",
        "最近 3 个报送日均按时报送",
    ]


def test_one_row_per_unit_shows_its_worst_latest_day_and_every_problem_day():
    daily = reports(
        (GONGXIN, date(2022, 8, 24), "16:00"),
        (GONGXIN, DAY, "17:25", True),  # no time in the file: its load time stands in
    )
    the_rule = rule(lookback_days=3, one_row_per="unit")
    found = grade(the_rule, daily, datetime(2022, 8, 26, 17, 30))
    gongxin = found[GONGXIN]
    assert gongxin["level"] == "red"  # 08-25 missing outweighs 08-26 late
    assert gongxin["subject"] == "自治州工信局 2022-08-25 日报"
    assert gongxin["reasons"] == [
        "2022-08-26 迟报 25 分钟（17:25 报送，17:00 截止）；文件未注明报送时间，以导入时间计",
        "2022-08-25 未报（17:00 截止未收到）",
        "其余 1 个报送日按时报送",
    ]
    frames = {"measures": measures(), "daily_reports": daily}
    evaluation = evaluate_rules([the_rule], frames, DAY, at=datetime(2022, 8, 26, 17, 30))
    alerts = alert_candidates(evaluation.findings, DAY, [the_rule])
    mine = alerts.filter(pl.col("subject") == f"653000/{GONGXIN}")
    assert mine.height == 1 and mine["level"][0] == "red"  # one alert for the unit, not per day
    assert "迟报 25 分钟" in mine["message"][0] and "牵头单位：自治州工信局" in mine["message"][0]


def test_the_grace_minutes_are_on_time_and_one_more_is_late():
    daily = reports((CAIZHENG, DAY, "17:05"), (GONGXIN, DAY, "17:06"))
    found = grade(rule(late_grace_minutes=5), daily, datetime(2022, 8, 26, 17, 30))
    assert found[f"{CAIZHENG}/2022-08-26"]["level"] == "green"
    assert found[f"{CAIZHENG}/2022-08-26"]["reasons"][0].startswith("宽限期内报送（晚 5 分钟")
    assert found[f"{GONGXIN}/2022-08-26"]["reasons"] == ["迟报 6 分钟（17:06 报送，17:00 截止）"]


def test_listed_units_and_a_measures_selection():
    listed = rule(units_from=None, units=["州发改委"], lookback_days=1)
    found = grade(listed, reports(("州发改委", DAY, "16:00")), datetime(2022, 8, 26, 17, 30))
    assert found["州发改委/2022-08-26"]["level"] == "green"
    assert found["州发改委/2022-08-26"]["region_name"] == "克州"
    only_5 = rule(measures=["5"])
    assert set(grade(only_5, reports(), datetime(2022, 8, 26, 18, 0))) == {f"{CAIZHENG}/2022-08-26"}


def test_a_year_the_holiday_calendar_does_not_know_is_a_clear_rule_error():
    with pytest.raises(CalendarUnavailable, match="2099"):
        report_days(rule(), date(2099, 3, 2))
    at = datetime(2099, 3, 2, 18, 0)
    evaluation = evaluate_rules(
        [rule()], {"measures": measures(), "daily_reports": reports()}, at.date(), at=at
    )
    assert not evaluation.health[0]["healthy"]
    assert "节假日日历没有" in evaluation.health[0]["error"]


def test_the_engine_grades_at_the_end_of_the_day_without_an_instant():
    frames = {"measures": measures(), "daily_reports": reports((CAIZHENG, DAY, "23:00"))}
    evaluation = evaluate_rules([rule()], frames, DAY)
    levels = dict(evaluation.findings["commitments"].select("item", "level").iter_rows())
    assert levels[f"{CAIZHENG}/2022-08-26"] == "yellow" and levels[f"{SHIJIAN}/2022-08-26"] == "red"
    with pytest.raises(ValueError, match="as_of"):
        evaluate_rules([rule()], frames, DAY, at=datetime(2022, 8, 27, 9, 0))


RULE_YAML = """
  - id: {id}
    kind: report_due
    title: 报送
    source: 分解表
    jurisdiction: "653000"
    effective: {{from: 2022-08}}
    lead_units: [自治州财政局]
{extra}
"""


def _parse(*rules: tuple[str, str]) -> list:
    body = "rules:" + "".join(RULE_YAML.format(id=i, extra=e) for i, e in rules)
    return parse_rule_texts({"reports.yaml": body})


def test_two_report_rules_of_one_jurisdiction_are_not_an_overlap():
    both = _parse(
        ("daily", "    units_from: measures\n    due_time: 17:00"),
        ("weekly", "    units: [州商务局]\n    cadence: weekly\n    weekday: 5"),
    )
    assert [r.id for r in both] == ["daily", "weekly"]
    assert both[0].due_time == time(17, 0)  # unquoted 17:00 (YAML 1.1 reads 1020) is 17:00


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    units: [a]\n    units_from: measures", "须且只能写 units"),
        ("    units_from: measures\n    cadence: weekly", "weekday 须且只能用于"),
        ("    units_from: measures\n    day: 3", "day 须且只能用于"),
        ("    units: [a]\n    measures: ['1']", "measures 只能与"),
        ('    units_from: measures\n    due_time: "25:00"', "due_time"),
        ("    units: [a, a]", "重复"),
    ],
)
def test_a_bad_report_rule_names_its_problem(extra, message):
    with pytest.raises(RuleError) as error:
        _parse(("bad", extra))
    assert message in str(error.value)
    assert "规则 bad" in str(error.value)
