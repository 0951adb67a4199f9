"""Rules tested as timelines (tests/scenarios/*.yaml), the way `promtool test rules` works.

A scenario says which file arrives on which day (with its recorded publication date, if any)
and what the findings and alerts must be when the warehouse is evaluated on given dates. Each
step loads its arrivals into a real warehouse (no Prefect) and, if it expects anything, runs the
real evaluation on its date; alerts carry over from step to step as they do in service.

Step keys: `day` (date) or `at` ("YYYY-MM-DD HH:MM", Asia/Shanghai: the evaluation runs at that
time of day, on its date), `arrive` (list of {file, published_on}), and `expect`. A step dated
before an earlier one is a replay: the evaluation on that date uses only what was known then.
`expect` holds:
- `subsidies`: rows matched by (rule_id, period); every other key must equal the finding's value
  (`reasons_contain` is a substring of one reason);
- `alerts`: matched by (rule_id, subject); keys status, level, `message_contains`;
- `no_alert`: (rule_id, subject) pairs that must have no open alert;
- `commitments`: rows of the last evaluation's commitment findings matched by (rule_id, item),
  like `subsidies`; `no_commitment`: (rule_id, item) pairs it must not have;
- `budgeted_once`: an index month in which no (region, group) count is budgeted by two rules;
- `revisions`: exactly the rows of `policy-monitor revisions --json` (the listed keys of each).
"""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from flows.evaluate import run_evaluation
from flows.rule_files import load_rules
from policy_monitor.cli import app
from tests.helpers import load_file
from warehouse.connection import connect

HERE = Path(__file__).parent
SCENARIOS = sorted((HERE / "scenarios").glob("*.yaml"))
RULES = load_rules(None)


def _file(tmp_path: Path, name: str, spec: dict) -> Path:
    if "fixture" in spec:
        return HERE / "fixtures" / spec["fixture"]
    suffix = spec.get("suffix", ".csv")
    path = tmp_path / f"{name}{suffix}"
    path.write_text(spec["csv"], encoding="utf-8")
    return path


def _subsidies(db: Path) -> dict[tuple[str, str], dict]:
    with connect(db, read_only=True) as con:
        cur = con.execute("SELECT * FROM subsidy_findings")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return {(r["rule_id"], r["period"].strftime("%Y-%m")): r for r in rows}


def _alerts(db: Path) -> dict[tuple[str, str], dict]:
    with connect(db, read_only=True) as con:
        cur = con.execute("SELECT rule_id, subject, status, level, message FROM alerts")
        return {
            (r[0], r[1]): dict(
                zip(("rule_id", "subject", "status", "level", "message"), r, strict=True)
            )
            for r in cur.fetchall()
        }


def _commitments(db: Path) -> dict[tuple[str, str], dict]:
    with connect(db, read_only=True) as con:
        cur = con.execute(
            "SELECT * FROM commitment_findings WHERE evaluation_id = "
            "(SELECT max(evaluation_id) FROM evaluations)"
        )
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return {(r["rule_id"], r["item"]): r for r in rows}


def _match(when, key, row: dict, want: dict, keys: tuple[str, ...]) -> None:
    for field, value in want.items():
        if field in keys:
            continue
        if field == "reasons_contain":
            assert any(value in r for r in row["reasons"]), f"{when} {key}: {row['reasons']}"
        else:
            assert row[field] == value, f"{when} {key} {field}: {row[field]!r} ≠ {value!r}"


def _check_commitments(db: Path, when, expect: dict) -> None:
    found = _commitments(db)
    for want in expect.get("commitments", []):
        key = (want["rule_id"], want["item"])
        assert key in found, f"{when}: no commitment finding {key}; have {sorted(found)}"
        _match(when, key, found[key], want, ("rule_id", "item"))
    for rule_id, item in expect.get("no_commitment", []):
        assert (rule_id, item) not in found, f"{when}: graded {found[(rule_id, item)]}"


def _check(db: Path, when: date, expect: dict) -> None:
    _check_commitments(db, when, expect)
    found = _subsidies(db)
    for want in expect.get("subsidies", []):
        key = (want["rule_id"], want["period"])
        assert key in found, f"{when}: no finding {key}; have {sorted(found)}"
        row = found[key]
        for field, value in want.items():
            if field in ("rule_id", "period"):
                continue
            if field == "reasons_contain":
                assert any(value in r for r in row["reasons"]), f"{when} {key}: {row['reasons']}"
            else:
                assert row[field] == value, f"{when} {key} {field}: {row[field]!r} ≠ {value!r}"
    alerts = _alerts(db)
    for want in expect.get("alerts", []):
        key = (want["rule_id"], want["subject"])
        assert key in alerts, f"{when}: no alert {key}; have {sorted(alerts)}"
        alert = alerts[key]
        for field in ("status", "level"):
            if field in want:
                assert alert[field] == want[field], f"{when} {key} {field}: {alert}"
        if "message_contains" in want:
            assert want["message_contains"] in alert["message"], f"{when} {key}: {alert}"
    for rule_id, subject in expect.get("no_alert", []):
        alert = alerts.get((rule_id, subject))
        assert alert is None or alert["status"] == "resolved", f"{when}: open {alert}"
    if "revisions" in expect:
        result = CliRunner().invoke(app, ["--db", str(db), "revisions", "--json"])
        assert result.exit_code == 0, result.output
        got = json.loads(result.stdout)
        want = expect["revisions"]
        assert [{k: g[k] for k in w} for g, w in zip(got, want, strict=False)] == want, got
        assert len(got) == len(want), got
    if "budgeted_once" in expect:
        month = expect["budgeted_once"]
        keys = [
            (g["region_code"], g["group_code"])
            for (_, period), row in found.items()
            if period == month and row["groups"]
            for g in row["groups"]
        ]
        assert keys and len(keys) == len(set(keys)), f"{month}: budgeted twice: {sorted(keys)}"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path, tmp_path: Path, db: Path):
    scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
    files = {name: _file(tmp_path, name, spec) for name, spec in scenario["files"].items()}
    kinds = {name: spec["kind"] for name, spec in scenario["files"].items()}
    for step in scenario["timeline"]:
        for arrival in step.get("arrive", []):
            name = arrival["file"]
            account = load_file(
                db, kinds[name], files[name], published_on=arrival.get("published_on")
            )
            assert account.status == "loaded", f"{name}: {account.errors}"
        if "expect" in step:
            at = datetime.fromisoformat(step["at"]) if "at" in step else None
            day = at.date() if at else step["day"]
            run_evaluation(db, day, RULES, cause="scenario", at=at)
            _check(db, at or day, step["expect"])
