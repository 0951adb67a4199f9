"""The trigger CLI through Prefect: evaluate once, then the JSON contracts of the lists and alerts.

One warehouse for the module: the 2022 sample files are loaded without Prefect (fast), then
`policy-monitor evaluate --as-of 2022-09-30 --json` runs the real evaluate flow once. The only
other flow run is the one that fails on an invalid rule file.
"""

import json
import re
import shutil
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from policy_monitor.cli import app
from tests.helpers import count, load_file, rows

AS_OF = "2022-09-30"
PATTERNS = {
    "cpi": "cpi_*",
    "beneficiaries": "beneficiaries_*",
    "funds": "direct_funds_*",
    "payments": "payments_*",
    "bonds": "special_bonds_*",
}
LEVELS = {"red", "yellow", "yellow_bell", "green"}

pytestmark = pytest.mark.usefixtures("prefect_harness")


def invoke(db, *args):
    return CliRunner().invoke(app, ["--db", str(db), *map(str, args)])


def json_of(db, *args) -> list[dict]:
    result = invoke(db, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def dec(value) -> Decimal:
    """A money or percent field: a decimal string, never a float."""
    assert isinstance(value, str), value
    return Decimal(value)


def tally(values) -> dict[str, int]:
    return dict(Counter(values))


@pytest.fixture(scope="module")
def warehouse(samples, tmp_path_factory, prefect_harness):
    """Return (db, evaluate summary) of the sample year evaluated on 2022-09-30."""
    from warehouse.connection import connect

    db = tmp_path_factory.mktemp("cli_triggers") / "warehouse.duckdb"
    with connect(db):
        pass
    for kind, pattern in PATTERNS.items():
        paths = sorted(samples.glob(pattern))
        assert paths, pattern
        for path in paths:
            assert load_file(db, kind, path).status == "loaded", path.name
    with pytest.MonkeyPatch.context() as env:
        env.delenv("POLICY_MONITOR_RULES_DIR", raising=False)
        result = invoke(db, "evaluate", "--as-of", AS_OF, "--json")
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


@pytest.fixture(scope="module")
def db(warehouse):
    return warehouse[0]


def test_evaluate_prints_one_summary_consistent_with_the_lists(warehouse):
    db, printed = warehouse
    assert len(printed) == 1
    summary = printed[0]
    assert summary["as_of"] == AS_OF and summary["evaluation_id"] == 1
    # 13 commitments (issue 11): 12 targets and limits, 克州's daily reports
    assert summary["rules"] == 23 and summary["unhealthy"] == []
    warnings = json_of(db, "warnings")
    bonds = json_of(db, "bonds")
    subsidies = json_of(db, "subsidies")
    assert summary["counts"]["warnings"] == tally(r["level"] for r in warnings)
    assert summary["counts"]["bond_projects"] == tally(r["level"] for r in bonds)
    assert summary["counts"]["subsidies"] == tally(r["status"] for r in subsidies)
    # a first evaluation: every alert is new (one event each); every red bond project takes 告知
    assert summary["events"] == count(db, "SELECT count(*) FROM alerts")
    assert summary["escalations"] == summary["counts"]["bond_projects"]["red"] == 10


def test_subsidies_json_contract(db):
    rows = json_of(db, "subsidies")
    assert {r["region_code"] for r in rows} == {"000000", "654300"}
    for r in rows:
        assert re.fullmatch(r"\d{4}-\d{2}", r["period"]), r["period"]
        assert r["triggered"] == (r["status"] == "triggered")
        assert isinstance(r["reasons"], list) and all(isinstance(x, str) for x in r["reasons"])
        assert r["cpi_region_used"] in {"654300", "650000", "000000"}
        for key in ("cpi_yoy_pct", "food_yoy_pct", "cpi_threshold_pct", "food_threshold_pct"):
            dec(r[key])
        date.fromisoformat(r["published_on"])
        for key in ("per_person_yuan", "total_yuan"):
            assert r[key] is None or dec(r[key]) >= 0
        if r["triggered"] and r["region_code"] == "654300":
            assert r["persons"] > 0
        if r["triggered"]:
            date.fromisoformat(r["pay_by"])
            assert r["payment_status"] in {"not_due", "paid", "partly_paid", "unpaid"}
            assert dec(r["paid_yuan"]) >= 0
        else:
            assert r["payment_status"] is None and r["paid_yuan"] is None
        if r["triggered"] and r["persons"] is not None:
            assert dec(r["total_yuan"]) == sum(dec(g["total_yuan"]) for g in r["groups"])
            assert r["persons"] == sum(g["persons"] for g in r["groups"])
    # one budget per person: no (county, group) count is budgeted by two rules in a month
    budgeted = defaultdict(list)
    for r in rows:
        for g in r["groups"] or []:
            budgeted[r["period"]].append((g["region_code"], g["group_code"]))
    assert budgeted and all(len(k) == len(set(k)) for k in budgeted.values())

    mine = {r["period"]: r for r in rows if r["region_code"] == "654300"}
    july = mine["2022-07"]
    assert (july["status"], july["triggered"]) == ("triggered", True)
    assert (july["rule_id"], july["rule_version"]) == ("altay-price", "altay-2022")
    assert (july["cpi_threshold_pct"], july["food_threshold_pct"]) == ("3.50", "6.00")
    assert (july["cpi_region_used"], july["cpi_yoy_pct"], july["food_yoy_pct"]) == (
        "654300",
        "3.50",
        "6.00",
    )
    assert july["reasons"][:2] == [
        "CPI 同比 3.5% ≥ 3.5%（654300 数据）",
        "食品价格 同比 6.0% ≥ 6.0%（654300 数据）",
    ]
    # the prefecture's bulletin is due on the 25th of the next month; paid by that month's end
    assert (july["published_on"], july["pay_by"]) == ("2022-08-25", "2022-08-31")
    assert july["per_person_yuan"] == "20.00"
    assert dec(july["total_yuan"]) == 20 * july["persons"]
    assert {g["per_person_yuan"] for g in july["groups"]} == {"20.00"}

    august = mine["2022-08"]
    assert august["triggered"] is True
    assert (august["rule_id"], august["rule_version"]) == (
        "altay-price-2022-temporary",
        "altay-2022-temporary",
    )
    assert august["cpi_threshold_pct"] == "3.00" and dec(august["cpi_yoy_pct"]) >= 3
    assert dec(august["cpi_yoy_pct"]) < Decimal("3.5")  # only the temporary 3.0 % triggers
    assert august["per_person_yuan"] == "20.00"
    assert dec(august["total_yuan"]) == 20 * august["persons"]
    assert (august["published_on"], august["pay_by"]) == ("2022-09-25", "2022-09-30")
    # before July the prefecture's CPI and food CPI stayed under 3.5 % and 6 %
    assert [p for p, r in sorted(mine.items()) if r["triggered"]] == ["2022-07", "2022-08"]

    only = json_of(db, "subsidies", "--region", "654300", "--triggered")
    assert [(r["region_code"], r["period"]) for r in only] == [
        ("654300", "2022-07"),
        ("654300", "2022-08"),
    ]


def test_warnings_json_contract(db):
    rows = json_of(db, "warnings")
    assert {r["level"] for r in rows} <= LEVELS
    order = ["red", "yellow", "yellow_bell", "green"]
    assert [order.index(r["level"]) for r in rows] == sorted(order.index(r["level"]) for r in rows)
    for r in rows:
        for key in ("received_yuan", "allocated_yuan", "paid_yuan"):
            assert dec(r[key]) >= 0
        assert r["reasons"] and all(isinstance(x, str) for x in r["reasons"])
        assert r["as_of"] <= AS_OF
    own = [r for r in rows if r["own_funds_payments"] > 0]
    assert own, "the sample year has payments into 实有资金账户 by September"
    for r in own:
        assert r["level"] == "red", r
        assert any("实有资金账户" in x for x in r["reasons"]), r["reasons"]
    cited = {r["fund_code"] for r in rows if any("实有资金账户" in x for x in r["reasons"])}
    assert cited == {r["fund_code"] for r in own}
    reds = json_of(db, "warnings", "--level", "red")
    assert reds == [r for r in rows if r["level"] == "red"]


def test_bonds_json_contract(db):
    rows = json_of(db, "bonds")
    keys = {
        "project",
        "region_code",
        "quota_yuan",
        "spent_yuan",
        "spending_rate",
        "deadline",
        "target_rate",
        "projected_date",
        "level",
        "escalation_step",
    }
    assert rows and all(keys <= set(r) for r in rows)
    assert {r["level"] for r in rows} == {"red", "green"}
    for r in rows:
        assert r["region_code"].startswith("6543")
        assert (r["deadline"], r["target_rate"]) == ("2022-08-31", 0.9)
        quota, spent = dec(r["quota_yuan"]), dec(r["spent_yuan"])
        assert quota > 0 and 0 <= spent <= quota
        assert r["spending_rate"] == round(float(spent / quota), 4)
        if r["level"] == "red":
            # past the deadline below 90 %: the first rung 告知 is taken on the evaluation date
            assert r["spending_rate"] < 0.9
            assert r["reason"].startswith("截止日 2022-08-31 已过")
            assert r["escalation_step"] == "告知" and isinstance(r["alert_id"], int)
            assert r["projected_date"] is None or r["projected_date"] > "2022-08-31"
        else:
            assert r["spending_rate"] >= 0.9
            assert r["escalation_step"] == "" and r["alert_id"] is None


def test_bonds_by_county_adds_up_the_projects(db):
    projects = json_of(db, "bonds")
    counties = json_of(db, "bonds", "--by", "county")
    assert [c["region_code"] for c in counties] == sorted({p["region_code"] for p in projects})
    for c in counties:
        mine = [p for p in projects if p["region_code"] == c["region_code"]]
        assert c["projects"] == len(mine)
        assert dec(c["quota_yuan"]) == sum(dec(p["quota_yuan"]) for p in mine)
        assert dec(c["spent_yuan"]) == sum(dec(p["spent_yuan"]) for p in mine)
        assert c["spending_rate"] == round(float(dec(c["spent_yuan"]) / dec(c["quota_yuan"])), 4)
        assert (c["deadline"], c["target_rate"]) == ("2022-08-31", 0.9)
        assert c["level"] == ("green" if c["spending_rate"] >= 0.9 else "red")
    assert invoke(db, "bonds", "--by", "town", "--json").exit_code == 2


def test_alerts_ack_and_history(db):
    alerts = json_of(db, "alerts")
    assert len({a["id"] for a in alerts}) == len(alerts)
    assert {a["status"] for a in alerts} <= {"firing", "acknowledged"}
    assert {a["level"] for a in alerts} == {"red", "yellow"}
    levels = [a["level"] for a in alerts]
    assert levels == sorted(levels, key=["red", "yellow"].index)
    by_subject = {(a["rule_id"], a["subject"]): a for a in alerts}
    subsidy = by_subject[("altay-price-2022-temporary", "654300/2022-08")]
    assert (subsidy["kind"], subsidy["level"], subsidy["status"]) == (
        "price_subsidy",
        "red",
        "firing",
    )
    assert subsidy["message"].startswith("2022-08 价格临时补贴联动已触发：")
    assert "须于 2022-09-30 前发放" in subsidy["message"]
    # July was due by 2022-08-31 and nothing was paid: still red on 2022-09-30 (issue 10: a
    # triggered month is done when it is paid, not when its deadline passes)
    july = by_subject[("altay-price", "654300/2022-07")]
    assert (july["level"], july["status"]) == ("red", "firing")
    assert "逾期未发放：须于 2022-08-31 前发放" in july["message"], july["message"]

    alert_id = subsidy["id"]
    first = invoke(db, "ack", alert_id, "--by", "张三", "--note", "已安排")
    assert first.exit_code == 0, first.output
    assert first.stdout == f"已确认告警 #{alert_id}（张三）：{subsidy['message']}\n"
    again = invoke(db, "ack", alert_id, "--by", "张三")
    assert again.exit_code == 2
    assert again.stderr == f"告警 {alert_id} 已确认过\n"
    assert isinstance(again.exception, SystemExit) and "Traceback" not in again.output
    missing = invoke(db, "ack", 999999, "--by", "张三")
    assert (missing.exit_code, missing.stderr) == (2, "没有编号为 999999 的告警\n")

    [shown] = json_of(db, "alerts", "--id", alert_id)
    assert (shown["id"], shown["status"], shown["acknowledged_by"], shown["ack_note"]) == (
        alert_id,
        "acknowledged",
        "张三",
        "已安排",
    )
    events = [
        {k: e[k] for k in ("from_status", "to_status", "from_level", "to_level", "actor", "note")}
        for e in shown["events"]
    ]
    assert events == [
        {
            "from_status": None,
            "to_status": "firing",
            "from_level": None,
            "to_level": "red",
            "actor": "system",
            "note": "新告警",
        },
        {
            "from_status": "firing",
            "to_status": "acknowledged",
            "from_level": "red",
            "to_level": "red",
            "actor": "张三",
            "note": "已安排",
        },
    ]
    assert shown["events"][0]["as_of"] == AS_OF and shown["escalations"] == []
    # still open: acknowledged alerts stay in the default list
    assert alert_id in {a["id"] for a in json_of(db, "alerts")}
    assert invoke(db, "alerts", "--id", 999999, "--json").exit_code == 2


def test_alerts_of_a_county_and_bond_alert_history(db):
    county = json_of(db, "alerts", "--region", "654321")
    assert county and {a["region_code"] for a in county} == {"654321"}
    bond = next(a for a in county if a["kind"] == "bond_deadline")
    [shown] = json_of(db, "alerts", "--id", bond["id"])
    assert shown["escalation_step"] == "告知" and shown["escalation_level"] == 1
    [letter] = shown["escalations"]
    assert (letter["escalation_step"], letter["step_name"], letter["step_on"]) == (1, "告知", AS_OF)
    assert letter["document"] == "工作提醒单"
    project = bond["subject"].split("/", 1)[1]
    assert f"「{project}」" in letter["text"] and f"截至 {AS_OF} 累计支出" in letter["text"]
    assert "—" not in letter["text"]  # every placeholder filled


def test_silence_needs_a_matcher(db):
    result = invoke(
        db,
        "silence",
        "--by",
        "李四",
        "--reason",
        "测试",
        "--region",
        "654321",
        "--hours",
        "2",
        "--json",
    )
    assert result.exit_code == 0, result.output
    [created] = json.loads(result.stdout)
    assert {
        k: created[k]
        for k in ("author", "reason", "rule_id", "subject_prefix", "region_prefix", "active")
    } == {
        "author": "李四",
        "reason": "测试",
        "rule_id": None,
        "subject_prefix": None,
        "region_prefix": "654321",
        "active": True,
    }
    assert isinstance(created["silence_id"], int) and created["silence_id"] >= 1
    lasts = datetime.fromisoformat(created["expires_at"]) - datetime.fromisoformat(
        created["created_at"]
    )
    assert lasts == timedelta(hours=2)

    bare = invoke(db, "silence", "--by", "李四", "--reason", "测试")
    assert bare.exit_code == 2
    assert bare.stderr == "静默须至少指定规则、对象或地区之一，不能静默全部告警\n"
    assert "Traceback" not in bare.output
    past = invoke(db, "silence", "--by", "李四", "--reason", "测试", "--rule", "x", "--hours", "0")
    assert (past.exit_code, past.stderr) == (2, "静默的到期时间须晚于现在\n")


def test_lists_of_a_warehouse_not_created_yet_exit_2(tmp_path):
    result = invoke(tmp_path / "none.duckdb", "subsidies", "--json")
    assert result.exit_code == 2 and "还不存在" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


LOCAL_RULE = """\
rules:
  - id: altay-city-price
    kind: price_subsidy
    title: 阿勒泰市价格临时补贴（CPI 4%）
    version: altay-city-2022
    jurisdiction: "654301"
    effective: {from: 2022-01}
    cpi_threshold_pct: 4.0
    food_threshold_pct: 6.0
    cpi_regions: ["654300", "650000"]
    groups: [urban_dibao, rural_dibao]
    amount: {method: fixed, yuan: 20}
    pay_by: {method: end_of_publication_month}
"""


def test_an_invalid_rule_file_stops_evaluate_with_every_error(tmp_path, monkeypatch):
    from warehouse.connection import connect

    db = tmp_path / "warehouse.duckdb"
    with connect(db):
        pass
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "altay_city.yaml").write_text(LOCAL_RULE, encoding="utf-8")
    monkeypatch.setenv("POLICY_MONITOR_RULES_DIR", str(rules))
    result = invoke(db, "evaluate", "--as-of", AS_OF, "--json")
    assert result.exit_code == 2, result.output
    file = rules / "altay_city.yaml"
    errors = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert errors == [
        f"  - {file}: 规则 altay-city-price: cpi_threshold_pct: 4.0 高于全国规则 "
        "national-price-2021 的 3.5（2022-01起）；地方标准只能低于或等于全国标准",
        f"  - {file}: 规则 altay-city-price: cpi_threshold_pct: 4.0 高于全国规则 "
        "national-price-2022-temporary 的 3.0（2022-08 至 2023-02）；地方标准只能低于或等于全国标准",
    ]
    assert "规则文件有误：" in result.stderr and result.stdout == ""
    assert count(db, "SELECT count(*) FROM evaluations") == 0


def test_a_triggered_subsidy_alert_cites_the_condition_that_was_met(db):
    subsidies = [a for a in json_of(db, "alerts") if a["kind"] == "price_subsidy"]
    triggered = [a for a in subsidies if "联动已触发" in a["message"]]
    # one budget per person: the national rule's people here are all Altay's, so only Altay's
    # rule asks for money (before issue 10 the national rule opened a second alert for them)
    assert {a["subject"] for a in triggered} == {"654300/2022-08"}
    for a in triggered:
        cited = a["message"].split("联动已触发：", 1)[1].split("；", 1)[0]
        assert "≥" in cited, a["message"]


def test_a_cli_silence_on_a_prefecture_mutes_its_counties_notifications(db, tmp_path):
    copy = shutil.copy(db, tmp_path / "warehouse.duckdb")
    # 福海县 (654323): a county no other test silenced
    first, second = [
        a for a in json_of(copy, "alerts", "--region", "654323") if a["status"] == "firing"
    ][:2]
    outbox = "SELECT n.status, n.silence_id FROM notifications n JOIN alert_events e USING (event_id) WHERE e.alert_id = ? AND e.actor = '张三'"

    def silence(region: str) -> dict:
        [created] = json_of(
            copy,
            "silence",
            "--by",
            "李四",
            "--reason",
            "集中整改",
            "--region",
            region,
            "--hours",
            "2",
        )
        return created

    assert silence("654322")["region_prefix"] == "654322"  # another county: no effect on 654323
    assert invoke(copy, "ack", first["id"], "--by", "张三").exit_code == 0
    assert rows(copy, outbox, first["id"]) == [("pending", None)]
    prefecture = silence("654300")
    assert prefecture["region_prefix"] == "6543"  # stored as the dashboard stores it
    assert invoke(copy, "ack", second["id"], "--by", "张三").exit_code == 0
    assert rows(copy, outbox, second["id"]) == [("silenced", prefecture["silence_id"])]


def test_region_options_are_normalised_at_the_boundary(db):
    assert json_of(db, "warnings", "--region", " 654300 ") == json_of(
        db, "warnings", "--region", "654300"
    )
    for command in (
        ["warnings"],
        ["subsidies"],
        ["bonds"],
        ["alerts"],
        ["silence", "--by", "李四", "--reason", "测试"],
    ):
        result = invoke(db, *command, "--region", "6543")
        assert result.exit_code == 2, command
        assert "地区代码应为 6 位数字" in result.output and "Traceback" not in result.output
