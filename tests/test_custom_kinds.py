"""Custom rule kinds in pandas: the worked example, bad modules and bad returns, the whole path."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from typer.testing import CliRunner

from flows.evaluate import evaluate_flow, run_evaluation
from flows.rule_files import load_rules, read_custom_kinds
from policy_monitor.cli import app
from triggers.commitment_findings import COMMITMENT_SCHEMA
from triggers.engine import evaluate_rules
from triggers.frames import INPUTS
from triggers.rules import RuleError
from warehouse.connection import connect
from warehouse.reads import query_alerts, query_commitments

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples" / "rules"
AS_OF = date(2022, 9, 30)
RULE_ID = "altay-guarantee-fee-cap-pandas"
GUARANTOR = "阿勒泰地区融资担保有限公司"


def _guarantees(*rows: tuple) -> pl.LazyFrame:
    """Guarantees of (region code, borrower, fee rate bp, started on); 1,000,000 yuan each."""
    names = {"654300": "阿勒泰地区", "654301": "阿勒泰市", "530112": "西山区"}
    full = [
        (AS_OF, code, names[code], GUARANTOR, borrower, 100_000_000, bp, started)
        for code, borrower, bp, started in rows
    ]
    return pl.LazyFrame(full, schema=INPUTS["guarantees"], orient="row")


ON_THE_CAP = ("654300", "甲公司", 80, date(2022, 3, 1))
ABOVE = ("654301", "乙公司", 81, date(2022, 4, 1))


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """A user's rules folder holding the worked example (module and YAML)."""
    folder = tmp_path / "rules"
    folder.mkdir()
    for name in ("guarantee_fee_cap.py", "guarantee_fee_cap.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def _mine(rules: list, rule_id: str = RULE_ID):
    return next(r for r in rules if r.id == rule_id)


def test_the_example_grades_each_guarantee_against_the_cap_exactly(rules_dir):
    rule = _mine(load_rules(rules_dir))
    assert (rule.kind, rule.cap_bp, rule.lead_units) == ("guarantee_fee_cap", 80, ["地区财政局"])
    frames = {
        "guarantees": _guarantees(
            ON_THE_CAP,
            ABOVE,
            ("654301", "丙公司", None, date(2022, 5, 1)),  # no rate: cannot be checked
            ("654301", "丁公司", 300, date(2021, 12, 31)),  # before the rule: not bound by it
            ("530112", "戊公司", 300, date(2022, 5, 1)),  # outside the jurisdiction
        )
    }
    result = evaluate_rules([rule], frames, AS_OF)
    assert result.health == [
        {
            "rule_id": RULE_ID,
            "kind": "guarantee_fee_cap",
            "healthy": True,
            "error": None,
            "findings": 3,
        }
    ]
    found = result.findings["commitments"]
    assert found.schema == pl.Schema(COMMITMENT_SCHEMA)
    rows = {r["subject"]: r for r in found.iter_rows(named=True)}
    on, above, unknown = (rows[f"{GUARANTOR} → {b}"] for b in ("甲公司", "乙公司", "丙公司"))
    assert (on["level"], above["level"], unknown["level"]) == ("green", "red", "yellow")
    assert on["actual"] == Decimal("0.8") and above["actual"] == Decimal("0.81")
    assert on["target"] == above["target"] == Decimal("0.8")
    assert unknown["actual"] is None
    assert above["reasons"] == ["担保费率 0.81% 高于上限 0.8%"]
    assert on["reasons"] == ["担保费率 0.8% 未超过上限 0.8%"]
    assert unknown["reasons"] == ["台账未填报担保费率，无法核对"]
    assert above["item"] == f"{GUARANTOR}/乙公司/2022-04-01"
    assert (above["party"], above["unit"], above["amount_fen"]) == (
        GUARANTOR,
        "percent",
        100_000_000,
    )
    # what the rule knows fills what the module left out
    assert (above["rule_id"], above["lead_unit"], above["as_of"]) == (RULE_ID, "地区财政局", AS_OF)
    assert above["commitment"] == rule.title and above["source"] == rule.source
    assert above["responsible_units"] == ["地区融资担保有限公司"]
    assert (above["region_code"], above["region_name"]) == ("654301", "阿勒泰市")


def test_outside_its_effective_range_the_module_is_not_called(rules_dir):
    rule = _mine(load_rules(rules_dir))
    result = evaluate_rules([rule], {}, date(2021, 12, 31))  # no input frames needed
    assert result.health[0]["healthy"] and result.findings["commitments"].height == 0


BAD_RETURNS = {
    "float_money": (
        "out = base(g)\n    out['amount_fen'] = g['amount_fen'].astype(float)\n    return out",
        "列 amount_fen 是浮点数（float64）：金额用整数分（Int64），target/actual 用 Decimal",
    ),
    "float_actual": (
        "out = base(g)\n    out['actual'] = 0.81\n    return out",
        "列 actual 是浮点数（float64）",
    ),
    "no_item": ("return base(g).drop(columns=['item'])", "缺少列 item"),
    "raises": ("return g['no_such_column']", "第 9 行: KeyError: 'no_such_column'"),
    "none": ("base(g)", "evaluate 的返回值应为 pandas.DataFrame，实为 NoneType"),
    "bad_level": ("return base(g).assign(level='orange')", "level 只能是 red、yellow 或 green"),
    "typo_column": ("return base(g).rename(columns={'reasons': 'reason'})", "未知的列 reason"),
    "other_region": (
        "return base(g).assign(region_code='530112')",
        "地区 530112 不在规则辖区 654300 内",
    ),
}
MODULE = """\
import pandas as pd

KIND = "{kind}"
INPUTS = ("guarantees",)


def evaluate(rule, inputs, as_of):
    g = inputs["guarantees"]
    {body}


def base(g):
    return pd.DataFrame(
        {{
            "region_code": g["region_code"],
            "item": g["borrower"],
            "subject": g["borrower"],
            "level": "green",
            "reasons": [["ok"]] * len(g),
        }}
    )
"""
RULE_YAML = """\
rules:
  - id: {id}
    kind: {kind}
    title: 测试
    source: 测试文件
    jurisdiction: "654300"
    effective: {{from: 2022-01-01}}
    lead_units: [地区财政局]
"""


def test_a_bad_return_makes_its_rule_unhealthy_and_the_others_still_run(rules_dir):
    for name, (body, _) in BAD_RETURNS.items():
        kind = f"bad_{name}"
        (rules_dir / f"{kind}.py").write_text(MODULE.format(kind=kind, body=body), "utf-8")
        (rules_dir / f"{kind}.yaml").write_text(RULE_YAML.format(id=kind, kind=kind), "utf-8")
    rules = load_rules(rules_dir)
    result = evaluate_rules(rules, {"guarantees": _guarantees(ON_THE_CAP, ABOVE)}, AS_OF)
    health = {h["rule_id"]: h for h in result.health}
    for name, (_, message) in BAD_RETURNS.items():
        bad = health[f"bad_{name}"]
        assert not bad["healthy"] and bad["findings"] == 0, name
        assert bad["error"].startswith(f"CustomKindError: {rules_dir / f'bad_{name}.py'}"), name
        assert message in bad["error"], (name, bad["error"])
    assert health[RULE_ID]["healthy"] and health[RULE_ID]["findings"] == 2
    graded = result.findings["commitments"]["rule_id"].to_list()
    assert graded.count(RULE_ID) == 2 and not {f"bad_{n}" for n in BAD_RETURNS} & set(graded)
    assert health["national-direct-fund"]["healthy"] is False  # no funds frame: its own error


def test_a_module_that_does_not_import_or_keep_the_contract_is_a_rule_error(rules_dir):
    modules = {
        "broken.py": "KIND = 'broken'\ndef evaluate(rule, inputs, as_of)\n    return None\n",
        "builtin.py": MODULE.format(kind="bond_deadline", body="return base(g)"),
        "no_function.py": "KIND = 'no_function'\nINPUTS = ('guarantees',)\n",
        "unknown_input.py": MODULE.format(kind="x", body="").replace(
            '("guarantees",)', '("guarantee",)'
        ),
        "fails.py": "import no_such_package_here\n",
        "taken.py": MODULE.format(kind="taken", body="return base(g)")
        + "\nfrom pydantic import BaseModel\n\n\nclass Params(BaseModel):\n    source: int = 1\n",
        "not_pydantic.py": MODULE.format(kind="np", body="") + "\nclass Params:\n    x = 1\n",
        "again.py": MODULE.format(kind="guarantee_fee_cap", body="return base(g)"),
    }
    for name, text in modules.items():
        (rules_dir / name).write_text(text, "utf-8")
    with pytest.raises(RuleError) as raised:
        load_rules(rules_dir)
    at = {name: str(rules_dir / name) for name in modules}
    assert raised.value.errors == [
        f"{at['broken.py']}: 第 2 行语法错误：expected ':'",
        f"{at['builtin.py']}: KIND 'bond_deadline' 与内置规则类型重名；请另取名称",
        f"{at['fails.py']}: 无法导入：ModuleNotFoundError: No module named 'no_such_package_here'",
        f"{rules_dir / 'guarantee_fee_cap.py'}: KIND 'guarantee_fee_cap' 已由 {at['again.py']} 定义",
        f"{at['no_function.py']}: 缺少函数 evaluate(rule, inputs, as_of)",
        f"{at['not_pydantic.py']}: Params 须为 pydantic BaseModel 的子类",
        f"{at['taken.py']}: Params 的字段 source 与通用规则字段重名",
        f"{at['unknown_input.py']}: INPUTS 中有未知的输入数据 'guarantee'；可用：{', '.join(INPUTS)}",
    ]


PARAMS_ERRORS = """\
rules:
  - id: altay-fee-typo
    kind: guarantee_fee_cap
    title: 费率
    source: 测试文件
    jurisdiction: "654300"
    effective: {from: 2022-01-01}
    lead_units: [地区财政局]
    cap_bp: 0
    cap_pct: 0.8
  - id: altay-fee-missing
    kind: guarantee_fee_cap
    title: 费率
    source: 测试文件
    jurisdiction: "654300"
    effective: {from: 2022-01-01}
    lead_units: []
  - id: altay-fee-kind
    kind: guarantee_fee_capp
    title: 费率
"""


def test_params_and_common_fields_are_validated_with_file_rule_and_field(rules_dir):
    (rules_dir / "bad.yaml").write_text(PARAMS_ERRORS, "utf-8")
    with pytest.raises(RuleError) as raised:
        load_rules(rules_dir)
    file = rules_dir / "bad.yaml"
    errors = raised.value.errors
    assert f"{file}: 规则 altay-fee-typo: cap_bp: Input should be greater than 0" in errors
    assert f"{file}: 规则 altay-fee-typo: cap_pct: Extra inputs are not permitted" in errors
    assert f"{file}: 规则 altay-fee-missing: cap_bp: Field required" in errors
    assert any(e.startswith(f"{file}: 规则 altay-fee-missing: lead_units: ") for e in errors)
    kind = next(e for e in errors if "altay-fee-kind" in e)
    assert kind.startswith(f"{file}: 规则 altay-fee-kind: (整条): Input tag 'guarantee_fee_capp'")
    assert "guarantee_fee_cap" in kind.split("expected tags:")[1]  # the custom kind is offered
    assert len(errors) == 5


def test_without_modules_a_custom_kind_in_yaml_stays_an_unknown_kind(tmp_path):
    shutil.copy(EXAMPLES / "guarantee_fee_cap.yaml", tmp_path / "fee.yaml")
    assert read_custom_kinds(tmp_path) == []
    with pytest.raises(RuleError) as raised:
        load_rules(tmp_path)
    assert raised.value.errors[0].startswith(
        f"{tmp_path / 'fee.yaml'}: 规则 {RULE_ID}: (整条): Input tag 'guarantee_fee_cap' found"
    )


def test_the_red_guarantee_is_stored_and_alerted_through_a_real_evaluation(db, rules_dir):
    # the guarantees frame is given here until the warehouse's guarantees ledger produces it
    def evaluate(rules, frames, as_of):
        return evaluate_rules(rules, frames | {"guarantees": _guarantees(ON_THE_CAP, ABOVE)}, as_of)

    rules = load_rules(rules_dir)
    summary = run_evaluation(db, AS_OF, rules, evaluate=evaluate)
    assert RULE_ID not in [bad["rule_id"] for bad in summary.unhealthy]
    with connect(db, read_only=True) as con:
        items = query_commitments(con, scope=None, rule_id=RULE_ID)
        alerts = query_alerts(con, scope=None)
    assert sorted(items["level"].to_list()) == ["green", "red"]
    assert items.filter(pl.col("level") == "red")["actual"].to_list() == [Decimal("0.81")]
    mine = alerts.filter(pl.col("rule_id") == RULE_ID)
    assert mine["subject"].to_list() == [f"654301/{GUARANTOR}/乙公司/2022-04-01"]
    assert mine["kind"].to_list() == ["guarantee_fee_cap"]
    assert mine["message"][0] == (
        f"阿勒泰市「{GUARANTOR} → 乙公司」红灯：担保费率 0.81% 高于上限 0.8%（牵头单位：地区财政局）"
    )


def test_the_evaluate_flow_reads_custom_kinds_from_the_rules_folder(
    prefect_harness, db, rules_dir, monkeypatch
):
    monkeypatch.setenv("POLICY_MONITOR_RULES_DIR", str(rules_dir))
    before = date(2021, 6, 30)  # before the example's start: evaluated, nothing to grade
    summary = evaluate_flow(db=str(db), as_of=before)
    assert summary["rules"] == len(load_rules(None)) + 1
    assert RULE_ID not in [bad["rule_id"] for bad in summary["unhealthy"]]

    (rules_dir / "broken.py").write_text("KIND = 'broken'\nINPUTS = (\n", "utf-8")
    result = CliRunner().invoke(app, ["--db", str(db), "evaluate", "--as-of", "2022-09-30"])
    assert result.exit_code == 2, result.output
    assert f"{rules_dir / 'broken.py'}: 第 2 行语法错误" in result.stderr


def test_on_a_dask_cluster_custom_rules_run_in_process_with_the_same_result(
    prefect_harness, rules_dir
):
    from distributed import LocalCluster

    from flows.distributed import evaluate_distributed

    rules = [_mine(load_rules(rules_dir)), _mine(load_rules(None), "national-direct-fund")]
    frames = {"guarantees": _guarantees(ON_THE_CAP, ABOVE)}
    local = evaluate_rules(rules, frames, AS_OF)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        distributed = evaluate_distributed(rules, frames, AS_OF, address=cluster.scheduler_address)
    assert distributed.health == local.health
    assert [h["healthy"] for h in local.health] == [False, True]  # no funds frame; the cap runs
    assert distributed.findings["commitments"].equals(local.findings["commitments"])


def test_inputs_arrive_as_nullable_integers_and_datetimes_and_convert_back_exactly():
    from triggers.pandas_frames import percent, to_pandas, to_polars, yuan

    g = to_pandas(_guarantees(ON_THE_CAP, ("654301", "丙公司", None, None)).collect())
    assert str(g["fee_rate_bp"].dtype) == "Int64" and g["fee_rate_bp"].isna().tolist() == [
        False,
        True,
    ]
    assert str(g["amount_fen"].dtype) == "Int64"
    assert g["started_on"].dtype.kind == "M" and g["started_on"].isna().tolist() == [False, True]
    assert (g["started_on"] >= pd.Timestamp(date(2022, 3, 1))).tolist() == [True, False]
    assert yuan(g["amount_fen"]).tolist() == [Decimal("1000000"), Decimal("1000000")]
    assert percent(g["fee_rate_bp"]).tolist() == [Decimal("0.8"), None]
    back, problems = to_polars(g.assign(actual=percent(g["fee_rate_bp"])))
    assert problems == []
    assert back.schema["fee_rate_bp"] == pl.Int64 and back["actual"].to_list() == [
        Decimal("0.8"),
        None,
    ]
