"""Evaluation at a time of day: `evaluate --at`, the default instant, the 17:05 service run."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.evaluate import SHANGHAI, evaluation_instant
from flows.service import deployments
from flows.settings import FlowSettings
from policy_monitor.cli import app
from tests.helpers import load_file, rows

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_instant_is_at_or_now_for_today_and_the_end_of_day_otherwise(monkeypatch):
    monkeypatch.delenv("POLICY_MONITOR_AS_OF", raising=False)
    at = datetime(2022, 8, 26, 17, 1)
    assert evaluation_instant(None, at) == (date(2022, 8, 26), at)
    assert evaluation_instant(date(2022, 8, 26), at) == (date(2022, 8, 26), at)
    aware = datetime(2022, 8, 26, 9, 1, tzinfo=UTC)  # 17:01 in Asia/Shanghai
    assert evaluation_instant(None, aware) == (date(2022, 8, 26), at)
    with pytest.raises(ValueError, match="不在评估日期"):
        evaluation_instant(date(2022, 8, 25), at)
    assert evaluation_instant(date(2022, 8, 26)) == (date(2022, 8, 26), None)  # end of that day
    before = datetime.now(SHANGHAI).replace(tzinfo=None)
    day, now = evaluation_instant()
    assert day == now.date() and before <= now <= before + timedelta(minutes=1)
    monkeypatch.setenv("POLICY_MONITOR_AS_OF", "2022-08-26")
    assert evaluation_instant() == (date(2022, 8, 26), None)


def test_the_service_evaluates_again_just_after_the_report_deadline(tmp_path):
    by_name = {d.name: d for d in deployments(tmp_path / "w.duckdb", FlowSettings())}
    report = by_name["after-report-deadline"]
    schedule = report.schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("5 17 * * *", "Asia/Shanghai")
    assert by_name["every-morning"].schedules[0].schedule.cron == "30 7 * * *"
    later = deployments(tmp_path / "w.duckdb", FlowSettings(report_cron="15 17 * * 1-5"))
    assert [d.schedules[0].schedule.cron for d in later if d.name == "after-report-deadline"] == [
        "15 17 * * 1-5"
    ]


def _evaluate(db: Path, *args: str) -> dict:
    result = CliRunner().invoke(app, ["--db", str(db), "evaluate", *args, "--json"])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return json.loads(result.stdout)[0]


# tests/fixtures/measures_653000_2022.xlsx with its 地区 (the fixture has none: no region to grade)
MEASURES_CSV = """自治州助企纾困政策措施责任分解表
地区,序号,措施,牵头单位,责任单位,报送要求
克孜勒苏柯尔克孜自治州,1,促进市场主体复工复市,自治州工信局、市场监督管理局,自治州卫健委,每日17:00前报送
克孜勒苏柯尔克孜自治州,3,减免市场主体房屋租金,自治州财政局,自治州发展改革委,每日17:00前报送
"""


def test_evaluate_at_grades_the_day_s_reports_at_that_time(db, prefect_harness, tmp_path):
    (tmp_path / "measures_653000.csv").write_text(MEASURES_CSV, encoding="utf-8")
    load_file(db, "measures", tmp_path / "measures_653000.csv")
    load_file(db, "daily_reports", FIXTURES / "daily_reports_653000_2022-08-26.xlsx")
    sql = (
        "SELECT item, level, reasons FROM commitment_findings f JOIN ("
        "  SELECT max(evaluation_id) AS last FROM commitment_findings) ON f.evaluation_id = last"
        " WHERE rule_id = 'kizilsu-daily-reports' ORDER BY item"
    )

    summary = _evaluate(db, "--at", "2022-08-26 16:30")
    assert summary["as_of"] == "2022-08-26" and summary["at"] == "2022-08-26T16:30"
    assert not [u for u in summary["unhealthy"] if u["kind"] == "report_due"], summary
    # 16:30: only 财政局's 16:42 report … which has not come yet either: nothing graded
    assert rows(db, sql) == []

    summary = _evaluate(db, "--at", "2022-08-26 17:01")
    assert summary["at"] == "2022-08-26T17:01"
    found = {item: (level, reasons) for item, level, reasons in rows(db, sql)}
    assert found["自治州财政局"] == ("green", ["2022-08-26 按时报送（16:42 报送，17:00 截止）"])
    assert found["市场监督管理局"] == ("red", ["2022-08-26 未报（17:00 截止未收到）"])
    assert "自治州工信局" in found and found["自治州工信局"][0] == "red"  # 17:25 not yet in
    alerts = rows(db, "SELECT subject, level, status FROM alerts WHERE kind = 'report_due'")
    assert sorted(alerts) == [
        ("653000/市场监督管理局", "red", "firing"),
        ("653000/自治州工信局", "red", "firing"),
    ]

    summary = _evaluate(db, "--as-of", "2022-08-26")  # a past day: its end
    assert summary["at"] == "2022-08-26T23:59"
    found = {item: (level, reasons) for item, level, reasons in rows(db, sql)}
    assert found["自治州工信局"] == (
        "yellow",
        ["2022-08-26 迟报 25 分钟（17:25 报送，17:00 截止）"],
    )
    level = rows(db, "SELECT level FROM alerts WHERE subject = '653000/自治州工信局'")
    assert level == [("yellow",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "26.08.2022 17:00"], "YYYY-MM-DD HH:MM"),
        (["--at", "2022-08-26"], "time of day"),
        (["--at", "2022-08-26 17:00", "--as-of", "2022-08-25"], "not on the --as-of day"),
    ],
)
def test_a_bad_at_is_a_usage_error(db, args, message):
    result = CliRunner().invoke(app, ["--db", str(db), "evaluate", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_the_real_measures_table_takes_its_region_from_the_file_name(db, prefect_harness):
    """克州's table names no 地区 in its rows: the code in its file name places its measures, so
    `units_from: measures` finds their lead units (and the account says where the region came
    from)."""
    account = load_file(db, "measures", FIXTURES / "measures_653000_2022.xlsx")
    assert "表中无「地区」列：地区取自文件名中的代码 653000" in account.warnings
    assert rows(db, "SELECT DISTINCT region_code FROM measures") == [("653000",)]
    load_file(db, "daily_reports", FIXTURES / "daily_reports_653000_2022-08-26.xlsx")

    _evaluate(db, "--at", "2022-08-26 17:01")
    graded = rows(
        db,
        "SELECT item, level FROM commitment_findings WHERE rule_id = 'kizilsu-daily-reports'"
        " ORDER BY item",
    )
    assert graded == [("市场监督管理局", "red"), ("自治州工信局", "red"), ("自治州财政局", "green")]


def test_the_instant_is_stored_with_the_evaluation(db, prefect_harness):
    _evaluate(db, "--at", "2022-08-26 17:01")
    _evaluate(db, "--as-of", "2022-08-25")
    assert rows(db, "SELECT as_of, evaluated_at FROM evaluations ORDER BY evaluation_id") == [
        (date(2022, 8, 26), datetime(2022, 8, 26, 17, 1)),
        (date(2022, 8, 25), datetime(2022, 8, 25, 23, 59, 59, 999999)),  # its end
    ]
