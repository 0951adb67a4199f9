"""A bond project that leaves every rule's window keeps its open alert (real warehouse).

The shipped 2022 bond rules end on 31 Dec 2022; a January 2023 ledger is graded by none of them.
"""

from datetime import UTC, date, datetime
from pathlib import Path

import xlsxwriter

from flows.evaluate import run_evaluation
from flows.rule_files import load_rules, read_rule_texts
from tests.helpers import load_file, rows
from triggers.rules import parse_rule_texts
from warehouse.alerts import resolve
from warehouse.connection import connect

RULES = load_rules(None)
HEADER = [
    "序号",
    "县市",
    "项目名称",
    "项目单位",
    "主管部门",
    "债券额度",
    "累计支出",
    "支出进度",
    "资金到位日期",
    "备注",
]


def _ledger(folder: Path, as_of: date, spent: dict[str, int]) -> Path:
    """Write a bond ledger in the debt office's layout: 万元, as-of date in the units line."""
    path = folder / f"special_bonds_{as_of}.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "2022年新增专项债券资金使用情况表")
    sheet.write_string(1, 0, "单位：万元")
    sheet.write_string(1, 7, f"截至{as_of.year}年{as_of.month}月{as_of.day}日")
    sheet.write_row(2, 0, HEADER)
    for i, (project, used) in enumerate(spent.items(), start=1):
        sheet.write_row(
            2 + i,
            0,
            [
                i,
                "阿勒泰市",
                project,
                "阿勒泰市住建局",
                "住建局",
                1000,
                used,
                f"{used / 10:.1f}%",
                "2022-04-20",
                "",
            ],
        )
    book.close()
    return path


def _alerts(db: Path) -> list[tuple]:
    return rows(
        db,
        "SELECT subject, level, status, escalation_step FROM alerts WHERE kind = 'bond_deadline' ORDER BY subject",
    )


def test_a_project_outside_every_window_keeps_its_alert_until_a_person_closes_it(db, tmp_path):
    load_file(
        db, "bonds", _ledger(tmp_path, date(2022, 11, 30), {"污水项目": 500, "供水项目": 600})
    )
    load_file(
        db, "bonds", _ledger(tmp_path, date(2022, 12, 31), {"污水项目": 520, "供水项目": 700})
    )
    run_evaluation(db, date(2022, 12, 31), RULES)
    # both unmet after the 31 Aug deadline: red, 告知 at once
    assert _alerts(db) == [
        ("654301/供水项目", "red", "firing", 1),
        ("654301/污水项目", "red", "firing", 1),
    ]
    events = rows(db, "SELECT max(event_id) FROM alert_events")[0][0]

    # January: 污水 still unmet, 供水 reached 90 %; no rule is in force for 2023 snapshots
    load_file(db, "bonds", _ledger(tmp_path, date(2023, 1, 31), {"污水项目": 530, "供水项目": 900}))
    run_evaluation(db, date(2023, 1, 31), RULES)
    assert _alerts(db) == [
        ("654301/供水项目", "red", "resolved", 1),  # reached the target: fixed, resolved
        # held: same level and status, and no 提醒 although 20 days of red have passed
        ("654301/污水项目", "red", "firing", 1),
    ]
    assert rows(
        db, "SELECT rule_id, project, level, reached FROM bond_projects ORDER BY project"
    ) == [
        ("altay-bonds-2022", "供水项目", "out_of_window", True),
        ("altay-bonds-2022", "污水项目", "out_of_window", False),
    ]
    [(message,)] = rows(
        db, "SELECT message FROM alerts WHERE kind = 'bond_deadline' AND status = 'firing'"
    )
    assert message.startswith("阿勒泰市「污水项目」不在任何规则的考核期内（规则「阿勒泰地区")
    # one event only: 供水 resolved; holding 污水 is no change of state
    later = "SELECT subject, to_status, note FROM alert_events WHERE event_id > ? AND subject LIKE '654301/%'"
    assert rows(db, later, events) == [("654301/供水项目", "resolved", "条件已解除，自动恢复")]
    assert rows(db, "SELECT count(*) FROM bond_counties")[0][0] == 0

    # a month later, nothing changes; then a person closes it and it stays closed
    run_evaluation(db, date(2023, 2, 28), RULES)
    assert _alerts(db)[1] == ("654301/污水项目", "red", "firing", 1)
    [(alert_id,)] = rows(
        db, "SELECT alert_id FROM alerts WHERE kind = 'bond_deadline' AND status = 'firing'"
    )
    with connect(db) as con:
        resolve(con, alert_id, "张三", "项目已调整用途", datetime.now(UTC))
    run_evaluation(db, date(2023, 3, 31), RULES)
    assert [a[2] for a in _alerts(db)] == ["resolved", "resolved"]


NEXT_YEAR = """
rules:
  - id: altay-bonds-2023
    kind: bond_deadline
    title: 2023 年新增专项债券 9 月底前基本使用完毕
    jurisdiction: "654300"
    effective: {from: 2023-02-01, to: 2023-12-31}
    deadline: 2023-09-30
    escalation:
      - {name: 告知, after_days: 0, document: 工作提醒单, template: "{project}"}
"""


def test_a_later_rule_takes_over_and_the_old_alert_closes_once_it_grades_the_project_green(
    db, tmp_path
):
    rules = parse_rule_texts(read_rule_texts(None) | {"next.yaml": NEXT_YEAR})
    load_file(db, "bonds", _ledger(tmp_path, date(2022, 11, 30), {"污水项目": 500}))
    load_file(db, "bonds", _ledger(tmp_path, date(2022, 12, 31), {"污水项目": 520}))
    run_evaluation(db, date(2022, 12, 31), rules)
    # February: the 2023 rule grades it red (5 万元 in 59 days: far too slow for 30 Sep)
    load_file(db, "bonds", _ledger(tmp_path, date(2023, 2, 28), {"污水项目": 525}))
    run_evaluation(db, date(2023, 2, 28), rules)
    assert rows(
        db,
        "SELECT rule_id, level, status FROM alerts WHERE kind = 'bond_deadline' ORDER BY alert_id",
    ) == [
        ("altay-bonds-2022", "red", "firing"),  # held: the project is not fixed
        ("altay-bonds-2023", "red", "firing"),
    ]
    [(held,)] = rows(db, "SELECT message FROM alerts WHERE rule_id = 'altay-bonds-2022'")
    assert held.startswith(
        "阿勒泰市「污水项目」原规则考核期已结束，现由规则 altay-bonds-2023 考核（红灯）："
    )
    # March: 90 % reached, green under the 2023 rule: both alerts close
    load_file(db, "bonds", _ledger(tmp_path, date(2023, 3, 31), {"污水项目": 900}))
    run_evaluation(db, date(2023, 3, 31), rules)
    assert rows(
        db, "SELECT rule_id, status FROM alerts WHERE kind = 'bond_deadline' ORDER BY alert_id"
    ) == [
        ("altay-bonds-2022", "resolved"),
        ("altay-bonds-2023", "resolved"),
    ]
