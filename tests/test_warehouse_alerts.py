"""warehouse/alerts.py stores what the state machine decides: a person's changes, the service's own
alerts, their events and outbox rows (real DuckDB, real SQLite action queue)."""

from datetime import UTC, datetime, timedelta

import pytest

from appstate.queue import action_result, queue_action
from appstate.store import open_state
from flows.notify_channels import event_types
from tests.helpers import rows
from triggers.lifecycle import AlertStateError
from warehouse.actions import apply_actions
from warehouse.alerts import (
    SYSTEM,
    acknowledge,
    add_silence,
    clear_system_alert,
    query_alert,
    raise_system_alert,
    reopen,
    resolve,
)
from warehouse.connection import connect
from warehouse.notifications import query_pending

NOW = datetime(2022, 10, 1, 2, 30, tzinfo=UTC)


def _history(db, alert_id):
    return rows(
        db,
        "SELECT e.from_status, e.to_status, e.actor, n.status FROM alert_events e "
        "JOIN notifications n USING (event_id) WHERE e.alert_id = ? ORDER BY event_id",
        alert_id,
    )


def test_a_service_alert_opens_once_and_closes_when_the_run_succeeds(db):
    with connect(db) as con:
        first = raise_system_alert(con, "scheduled-evaluation", "运行失败（1）", NOW)
        again = raise_system_alert(con, "scheduled-evaluation", "运行失败（2）", NOW)
        assert again == first and query_alert(con, first)["message"] == "运行失败（2）"
        assert clear_system_alert(con, "scheduled-evaluation", NOW) is True
        assert clear_system_alert(con, "scheduled-evaluation", NOW) is False
        alert = query_alert(con, first)
        kinds = [event_types(r) for r in query_pending(con)]
    assert (alert["rule_id"], alert["kind"], alert["status"]) == (SYSTEM, "system", "resolved")
    assert _history(db, first) == [
        (None, "firing", "system", "pending"),
        ("firing", "resolved", "system", "pending"),
    ]
    assert kinds == [{"opened"}, {"resolved"}]


def test_a_person_acknowledges_reopens_and_resolves_each_change_notified(db):
    with connect(db) as con:
        alert_id = raise_system_alert(con, "notify", "发送失败", NOW)
        acknowledge(con, alert_id, "张三", "在查", NOW + timedelta(minutes=1))
        with pytest.raises(AlertStateError, match=f"^告警 {alert_id} 已确认过$"):
            acknowledge(con, alert_id, "李四", None, NOW)
        reopened = reopen(con, alert_id, "张三", "还没修好", NOW + timedelta(minutes=2))
        with pytest.raises(AlertStateError, match=f"^告警 {alert_id} 未被确认，无需重新打开$"):
            reopen(con, alert_id, "张三", None, NOW)
        closed = resolve(con, alert_id, "李四", "已修复", NOW + timedelta(minutes=3))
        with pytest.raises(AlertStateError, match=f"^告警 {alert_id} 已恢复$"):
            resolve(con, alert_id, "李四", None, NOW)
        kinds = [event_types(r) for r in query_pending(con)]
    assert reopened["status"] == "firing" and closed["status"] == "resolved"
    assert _history(db, alert_id) == [
        (None, "firing", "system", "pending"),
        ("firing", "acknowledged", "张三", "pending"),
        ("acknowledged", "firing", "张三", "pending"),
        ("firing", "resolved", "李四", "pending"),
    ]
    assert kinds == [{"opened"}, {"acknowledged"}, {"reopened"}, {"resolved"}]


def test_a_silence_in_force_marks_a_person_s_change_silenced(db):
    with connect(db) as con:
        alert_id = raise_system_alert(con, "inbox", "导入失败", NOW)
        add_silence(
            con,
            author="王五",
            reason="维护",
            rule_id=SYSTEM,
            now=NOW,
            expires_at=NOW + timedelta(hours=1),
        )
        acknowledge(con, alert_id, "张三", None, NOW + timedelta(minutes=1))
    assert [r[3] for r in _history(db, alert_id)] == ["pending", "silenced"]


def test_queued_actions_are_applied_or_refused_with_the_state_machine_s_reason(db):
    with connect(db) as con:
        alert_id = raise_system_alert(con, "notify", "发送失败", NOW)
    with open_state(db) as state:
        ids = [
            queue_action(state, kind, "张三", {"note": None}, alert_id)
            for kind in ("ack", "ack", "resolve", "resolve", "ack")
        ]
        state.commit()
    with connect(db) as con:
        assert apply_actions(con, db) == 5
    with open_state(db) as state:
        results = [action_result(state, i) for i in ids]
    assert results == [
        "applied",
        f"refused: 告警 {alert_id} 已确认过",
        "applied",
        f"refused: 告警 {alert_id} 已恢复",
        f"refused: 告警 {alert_id} 已恢复，无需确认",
    ]
