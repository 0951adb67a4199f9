"""Notifications routed by lead unit (牵头单位) as well as by region: a real notify run on commitment
alerts stored by a real evaluation (tests/commitment_items.py), to a local webhook."""

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from pydantic import ValidationError

from flows import notify
from flows.evaluate import run_evaluation
from flows.notify_channels import NotifyConfig, wants
from flows.notify_messages import build_digest
from tests.commitment_items import findings, store_items
from triggers.engine import Evaluation
from warehouse.connection import connect
from warehouse.notifications import query_digest, query_pending

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _config(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "notify.yaml"
    hook = f"json://127.0.0.1:{port}"
    path.write_text(
        f"""
channels:
  - {{name: county-czj, url: "{hook}/county-czj", lead_units: [县财政局]}}
  - {{name: altay-czj, url: "{hook}/altay-czj", regions: ["654300"], lead_units: [地区财政局]}}
  - {{name: altay, url: "{hook}/altay", regions: ["654300"]}}
  - {{name: everything, url: "{hook}/everything"}}
  - {{name: xishan-county, url: "{hook}/xishan-county", regions: ["530112"], lead_units: [县财政局]}}
""",
        encoding="utf-8",
    )
    return path


def _titles(posts: list[dict], channel: str) -> list[str]:
    return [p["title"] for p in posts if p["path"] == f"/{channel}"]


def test_a_lead_unit_channel_gets_only_that_unit_s_commitment_alerts(
    db, webhook, tmp_path, monkeypatch
):
    port, posts = webhook
    monkeypatch.setenv("POLICY_MONITOR_NOTIFY_FILE", str(_config(tmp_path, port)))
    store_items(db)
    with connect(db, read_only=True) as con:
        pending = {r["subject"]: r["lead_unit"] for r in query_pending(con)}
    assert pending == {
        "530112/住建局/甲公司": "区财政局",
        "654321/县住建局/丙公司": "县财政局",
        "654300/G-001": "地区财政局",
        "653000/州发改委/2022-12-31": "州发改委",
    }  # red and yellow, not the disputed debt nor the green one

    report = notify.notify_flow(db=str(db))

    sent = {name: c["sent"] for name, c in report["channels"].items()}
    assert sent == {
        "county-czj": 1,
        "altay-czj": 1,
        "altay": 2,
        "everything": 4,
        "xishan-county": 0,
    }
    (county,) = [p for p in posts if p["path"] == "/county-czj"]
    assert county["title"] == "【黄灯】新告警 · 布尔津县「县住建局 → 丙公司」"
    assert "牵头单位 县财政局" in county["message"]
    assert "（牵头单位：县财政局）" in county["message"]
    assert _titles(posts, "altay-czj") == [
        "【红灯】新告警 · 阿勒泰地区「地区融资担保公司 · 甲公司」"
    ]
    assert report["closed"]["sent"] == 4 and report["pending"] == 0

    # the debt leaves the ledger: its alert resolves, and the lead unit still gets the news
    def later(rules, frames, on):
        left = findings(on).filter(pl.col("item") != "县住建局/丙公司")
        return Evaluation(as_of=on, findings={"commitments": left})

    run_evaluation(db, date(2023, 1, 10), [], evaluate=later)
    report = notify.notify_flow(db=str(db))
    assert report["channels"]["county-czj"]["sent"] == 1
    assert _titles(posts, "county-czj")[-1].startswith(
        "【黄灯】已恢复 · 布尔津县「县住建局 → 丙公司」"
    )
    assert report["channels"]["altay-czj"]["sent"] == 0

    with connect(db, read_only=True) as con:
        digest = query_digest(con, datetime(2022, 1, 1, tzinfo=UTC), datetime.now(UTC))
    config = notify.load_notify_config()
    channel = next(c for c in config.channels if c.name == "altay-czj")
    summary = build_digest(digest, channel, datetime.now(UTC))
    assert "未关闭告警 1 条：红灯 1，黄灯 0" in summary.body


def test_lead_units_narrow_a_channel_and_must_name_one():
    config = NotifyConfig.model_validate(
        {"channels": [{"name": "c", "url": "json://h/x", "lead_units": ["县财政局"]}]}
    )
    channel = config.channels[0]
    row = {
        "rule_id": "altay.arrears",
        "region_code": "654321",
        "to_level": "red",
        "from_level": None,
        "from_status": None,
        "to_status": "firing",
        "step_name": None,
    }
    assert wants(channel, {**row, "lead_unit": "县财政局"})
    assert not wants(channel, {**row, "lead_unit": "县住建局"})
    assert not wants(channel, {**row, "lead_unit": None})  # not a commitment alert
    with pytest.raises(ValidationError, match="lead_units"):
        NotifyConfig.model_validate(
            {"channels": [{"name": "c", "url": "json://h/x", "lead_units": []}]}
        )
