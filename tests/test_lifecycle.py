"""The alert state machine (triggers/lifecycle.py) as tables: pure frames in, frames out.

An evaluation's changes, a person's actions, the service's own alerts, event kinds and silences.

Each row of a table is one alert (or none) before an evaluation, one candidate (or none) from
that evaluation, and what `transition` must return: the stored alert and the event, if any.
"""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import polars as pl
import pytest

from triggers.lifecycle import (
    ALERT_SCHEMA,
    CANDIDATE_SCHEMA,
    AlertStateError,
    Change,
    act,
    clear_system,
    event_kinds,
    raise_system,
    refusal,
    transition,
)

RULE = "altay-bonds-2022"
OTHER = "national-direct-fund"
AS_OF = date(2022, 9, 30)
NOW = datetime(2022, 10, 1, 2, 30, tzinfo=UTC)
OPENED = datetime(2022, 8, 1, 2, 0, tzinfo=UTC)
NEXT_ID = 100
# 告知 at once, 提醒 20 days later, 约谈 10 days after that, 移交问题线索 30 days after that
LADDER = [SimpleNamespace(after_days=days) for days in (0, 20, 10, 30)]
LADDERS = {RULE: LADDER}


def days(n: int) -> date:
    return AS_OF + timedelta(days=n)


def alert(**changes) -> dict:
    """An open alert as stored before this evaluation (firing, red, no step yet)."""
    row = {
        "alert_id": 7,
        "rule_id": RULE,
        "subject": "654301/阿勒泰市城镇污水处理提质增效项目",
        "kind": "bond_deadline",
        "region_code": "654301",
        "level": "red",
        "status": "firing",
        "message": "截止日已过，支出进度 71.3% 未达目标",
        "opened_at": OPENED,
        "opened_as_of": date(2022, 8, 1),
        "resolved_at": None,
        "red_since": date(2022, 8, 1),
        "escalation_step": 0,
        "step_on": None,
    }
    return row | changes


def candidate(**changes) -> dict:
    """A finding of this evaluation that calls for the same alert (same rule and subject)."""
    row = {k: alert()[k] for k in CANDIDATE_SCHEMA}
    return row | changes


def run(before, found, *, evaluated=(RULE, OTHER), known=(RULE, OTHER), ladders=None, as_of=AS_OF):
    return transition(
        pl.DataFrame([] if before is None else [before], schema=ALERT_SCHEMA),
        pl.DataFrame([] if found is None else [found], schema=CANDIDATE_SCHEMA),
        evaluated_rules=list(evaluated),
        known_rules=list(known),
        ladders=LADDERS if ladders is None else ladders,
        as_of=as_of,
        now=NOW,
        next_id=NEXT_ID,
    )


def event(alert_id, from_status, to_status, from_level, to_level, note, message):
    return {
        "alert_id": alert_id,
        "rule_id": RULE,
        "subject": alert()["subject"],
        "happened_at": NOW,
        "as_of": AS_OF,
        "from_status": from_status,
        "to_status": to_status,
        "from_level": from_level,
        "to_level": to_level,
        "actor": "system",
        "note": note,
        "message": message,
    }


NEW_YELLOW = alert(
    alert_id=NEXT_ID,
    level="yellow",
    opened_at=NOW,
    opened_as_of=AS_OF,
    red_since=None,
    message="按当前进度预计 2022-09-05 达到目标",
)
MESSAGE = alert()["message"]
NEW_MESSAGE = "截止日已过，支出进度 75.0% 未达目标"

# (before, candidate, evaluated rules, known rules, stored alert or None, event or None)
STATES = {
    "no-alert+candidate→new-firing-alert": (
        None,
        candidate(level="yellow", message=NEW_YELLOW["message"]),
        (RULE,),
        (RULE,),
        NEW_YELLOW,
        event(NEXT_ID, None, "firing", None, "yellow", "新告警", NEW_YELLOW["message"]),
    ),
    "no-alert+red-candidate→new-firing-alert-red-since-today": (
        None,
        candidate(level="red", message=NEW_YELLOW["message"]),
        (RULE,),
        (RULE,),
        # a new red alert of a rule with a ladder takes step 1 (告知) at once
        NEW_YELLOW | {"level": "red", "red_since": AS_OF, "escalation_step": 1, "step_on": AS_OF},
        event(NEXT_ID, None, "firing", None, "red", "新告警", NEW_YELLOW["message"]),
    ),
    "firing+same-level→nothing": (
        alert(level="yellow", red_since=None),
        candidate(level="yellow"),
        (RULE,),
        (RULE,),
        None,
        None,
    ),
    "firing+same-level-new-message→alert-updated-no-event": (
        alert(level="yellow", red_since=None),
        candidate(level="yellow", message=NEW_MESSAGE),
        (RULE,),
        (RULE,),
        alert(level="yellow", red_since=None, message=NEW_MESSAGE),
        None,
    ),
    "firing+yellow→red→level-event-still-firing": (
        alert(level="yellow", red_since=None, escalation_step=1, step_on=days(-5)),
        candidate(level="red"),
        (RULE,),
        (RULE,),
        alert(level="red", red_since=AS_OF, escalation_step=1, step_on=days(-5)),
        event(7, "firing", "firing", "yellow", "red", "级别变化", MESSAGE),
    ),
    "firing+red→yellow→level-event-red-clock-stops": (
        alert(escalation_step=1, step_on=days(-5)),
        candidate(level="yellow"),
        (RULE,),
        (RULE,),
        alert(level="yellow", red_since=None, escalation_step=1, step_on=days(-5)),
        event(7, "firing", "firing", "red", "yellow", "级别变化", MESSAGE),
    ),
    "acknowledged+worse-level→firing-again": (
        alert(
            status="acknowledged",
            level="yellow",
            red_since=None,
            escalation_step=1,
            step_on=days(-5),
        ),
        candidate(level="red"),
        (RULE,),
        (RULE,),
        alert(level="red", red_since=AS_OF, escalation_step=1, step_on=days(-5)),
        event(7, "acknowledged", "firing", "yellow", "red", "级别升高，重新告警", MESSAGE),
    ),
    "acknowledged+same-level→stays-acknowledged": (
        alert(status="acknowledged", escalation_step=1, step_on=days(-5)),
        candidate(),
        (RULE,),
        (RULE,),
        None,
        None,
    ),
    "acknowledged+same-level-new-message→stays-acknowledged-no-event": (
        alert(status="acknowledged", escalation_step=1, step_on=days(-5)),
        candidate(message=NEW_MESSAGE),
        (RULE,),
        (RULE,),
        alert(status="acknowledged", escalation_step=1, step_on=days(-5), message=NEW_MESSAGE),
        None,
    ),
    "acknowledged+better-level→stays-acknowledged-level-event": (
        alert(status="acknowledged", escalation_step=1, step_on=days(-5)),
        candidate(level="yellow"),
        (RULE,),
        (RULE,),
        alert(
            status="acknowledged",
            level="yellow",
            red_since=None,
            escalation_step=1,
            step_on=days(-5),
        ),
        event(7, "acknowledged", "acknowledged", "red", "yellow", "级别变化", MESSAGE),
    ),
    "firing+no-candidate+rule-healthy→resolved": (
        alert(escalation_step=1, step_on=days(-5)),
        None,
        (RULE,),
        (RULE,),
        alert(status="resolved", resolved_at=NOW, escalation_step=1, step_on=days(-5)),
        event(7, "firing", "resolved", "red", "red", "条件已解除，自动恢复", MESSAGE),
    ),
    "acknowledged+no-candidate+rule-healthy→resolved": (
        alert(status="acknowledged", level="yellow", red_since=None),
        None,
        (RULE,),
        (RULE,),
        alert(status="resolved", level="yellow", red_since=None, resolved_at=NOW),
        event(7, "acknowledged", "resolved", "yellow", "yellow", "条件已解除，自动恢复", MESSAGE),
    ),
    "firing+no-candidate+rule-unhealthy→unchanged": (
        alert(escalation_step=1, step_on=days(-5)),
        None,
        (OTHER,),
        (RULE, OTHER),
        None,
        None,
    ),
    "acknowledged+no-candidate+rule-unhealthy→unchanged": (
        alert(status="acknowledged", level="yellow", red_since=None),
        None,
        (OTHER,),
        (RULE, OTHER),
        None,
        None,
    ),
    "firing+no-candidate+rule-removed→resolved": (
        alert(escalation_step=1, step_on=days(-5)),
        None,
        (OTHER,),
        (OTHER,),
        alert(status="resolved", resolved_at=NOW, escalation_step=1, step_on=days(-5)),
        event(7, "firing", "resolved", "red", "red", "规则已删除或停用，告警关闭", MESSAGE),
    ),
    "acknowledged+no-candidate+rule-removed→resolved": (
        alert(status="acknowledged", level="yellow", red_since=None),
        None,
        (OTHER,),
        (OTHER,),
        alert(status="resolved", level="yellow", red_since=None, resolved_at=NOW),
        event(
            7, "acknowledged", "resolved", "yellow", "yellow", "规则已删除或停用，告警关闭", MESSAGE
        ),
    ),
}


@pytest.mark.parametrize(
    ("before", "found", "evaluated", "known", "stored", "moved"),
    list(STATES.values()),
    ids=list(STATES),
)
def test_state_changes(before, found, evaluated, known, stored, moved):
    step = run(before, found, evaluated=evaluated, known=known)
    assert step.alerts.to_dicts() == ([] if stored is None else [stored])
    assert step.events.to_dicts() == ([] if moved is None else [moved])
    assert step.alerts.schema == pl.Schema(ALERT_SCHEMA)


def test_new_alerts_number_on_from_next_id_and_old_ones_keep_theirs():
    before = pl.DataFrame([alert(level="yellow", red_since=None)], schema=ALERT_SCHEMA)
    found = pl.DataFrame(
        [
            candidate(subject="654321/甲", level="yellow"),
            candidate(level="yellow", message=NEW_MESSAGE),
            candidate(subject="654322/乙", level="yellow"),
        ],
        schema=CANDIDATE_SCHEMA,
    )
    step = transition(
        before,
        found,
        evaluated_rules=[RULE],
        known_rules=[RULE],
        ladders=LADDERS,
        as_of=AS_OF,
        now=NOW,
        next_id=NEXT_ID,
    )
    ids = dict(step.alerts.select("subject", "alert_id").iter_rows())
    assert ids[alert()["subject"]] == 7
    assert sorted([ids["654321/甲"], ids["654322/乙"]]) == [NEXT_ID, NEXT_ID + 1]
    assert sorted(step.events["alert_id"]) == [NEXT_ID, NEXT_ID + 1]


# (before, candidate level or None, as_of, rung taken or None, stored (step, step_on, red_since))
LADDER_CASES = {
    "new-red-alert→step-1-on-as-of": (None, "red", AS_OF, 1, (1, AS_OF, AS_OF)),
    "new-yellow-alert→no-step": (None, "yellow", AS_OF, None, (0, None, None)),
    "red-19-days-after-step-1→no-step": (
        alert(red_since=AS_OF, escalation_step=1, step_on=AS_OF),
        "red",
        days(19),
        None,
        None,
    ),
    "red-20-days-after-step-1→step-2-dated-as-of": (
        alert(red_since=AS_OF, escalation_step=1, step_on=AS_OF),
        "red",
        days(20),
        2,
        (2, days(20), AS_OF),
    ),
    "red-9-days-after-step-2→no-step": (
        alert(red_since=AS_OF, escalation_step=2, step_on=days(20)),
        "red",
        days(29),
        None,
        None,
    ),
    "red-10-days-after-step-2→step-3": (
        alert(red_since=AS_OF, escalation_step=2, step_on=days(20)),
        "red",
        days(30),
        3,
        (3, days(30), AS_OF),
    ),
    "red-200-days-after-step-1→only-one-step": (
        alert(red_since=days(-200), escalation_step=1, step_on=days(-200)),
        "red",
        AS_OF,
        2,
        (2, AS_OF, days(-200)),
    ),
    "acknowledged-red-still-climbs": (
        alert(status="acknowledged", red_since=days(-20), escalation_step=1, step_on=days(-20)),
        "red",
        AS_OF,
        2,
        (2, AS_OF, days(-20)),
    ),
    "last-rung-reached→no-step": (
        alert(red_since=days(-400), escalation_step=4, step_on=days(-300)),
        "red",
        AS_OF,
        None,
        None,
    ),
    "yellow-for-long→no-step": (
        alert(level="yellow", red_since=None, escalation_step=1, step_on=days(-200)),
        "yellow",
        AS_OF,
        None,
        None,
    ),
    "resolved-this-evaluation→no-step": (
        alert(red_since=days(-200), escalation_step=1, step_on=days(-200)),
        None,
        AS_OF,
        None,
        (1, days(-200), days(-200)),
    ),
}


@pytest.mark.parametrize(
    ("before", "level", "as_of", "rung", "stored"),
    list(LADDER_CASES.values()),
    ids=list(LADDER_CASES),
)
def test_escalation_ladder(before, level, as_of, rung, stored):
    found = None if level is None else candidate(level=level)
    step = run(before, found, evaluated=(RULE,), known=(RULE,), as_of=as_of)
    alert_id = NEXT_ID if before is None else 7
    if rung is None:
        assert step.escalations.is_empty()
    else:
        red_since = stored[2]
        assert step.escalations.to_dicts() == [
            {
                "alert_id": alert_id,
                "rule_id": RULE,
                "subject": alert()["subject"],
                "escalation_step": rung,
                "step_on": as_of,
                "days_red": (as_of - red_since).days,
            }
        ]
    if stored is None:
        assert step.alerts.is_empty()
    else:
        row = step.alerts.to_dicts()[0]
        assert (row["escalation_step"], row["step_on"], row["red_since"]) == stored
        assert row["status"] == ("resolved" if level is None else (before or alert())["status"])


def test_a_yellow_spell_restarts_the_red_clock_but_keeps_the_rung():
    # (days after AS_OF, level found, rung taken this evaluation, stored (step, step_on, red_since))
    story = [
        (0, "red", 1, (1, days(0), days(0))),
        (5, "yellow", None, (1, days(0), None)),
        (10, "red", None, (1, days(0), days(10))),
        # 20 days after the last step, but only 19 days into the new red spell
        (29, "red", None, None),
        (30, "red", 2, (2, days(30), days(10))),
    ]
    current = None
    for offset, level, rung, stored in story:
        step = run(current, candidate(level=level), evaluated=(RULE,), as_of=days(offset))
        label = f"day {offset}, {level}"
        assert step.escalations["escalation_step"].to_list() == ([] if rung is None else [rung]), (
            label
        )
        if stored is None:
            assert step.alerts.is_empty(), label
            continue
        row = step.alerts.to_dicts()[0]
        assert (row["escalation_step"], row["step_on"], row["red_since"]) == stored, label
        current = row


@pytest.mark.parametrize(
    "ladders",
    [
        pytest.param({OTHER: LADDER}, id="only-another-rule-has-a-ladder"),
        pytest.param({}, id="no-rule-has-a-ladder"),
    ],
)
def test_rules_without_a_ladder_never_escalate(ladders):
    before = alert(red_since=days(-200), escalation_step=0)
    step = run(before, candidate(), evaluated=(RULE,), known=(RULE,), ladders=ladders)
    assert step.escalations.is_empty()
    assert step.alerts.is_empty() and step.events.is_empty()
    new = run(None, candidate(), evaluated=(RULE,), known=(RULE,), ladders=ladders)
    assert new.escalations.is_empty()
    assert new.alerts.select("escalation_step", "step_on", "red_since").row(0) == (0, None, AS_OF)


def test_an_alert_of_an_unhealthy_rule_does_not_escalate_either():
    before = alert(red_since=days(-30), escalation_step=1, step_on=days(-30))
    step = run(before, None, evaluated=(OTHER,), known=(RULE, OTHER))
    assert step.escalations.is_empty()
    assert step.alerts.is_empty() and step.events.is_empty()


# A person's actions and the service's own alerts: (action, status before) → change or refusal.
PERSON = {
    "ack-firing→acknowledged": ("acknowledge", "firing", ("acknowledged", "acknowledged")),
    "ack-acknowledged→refused": ("acknowledge", "acknowledged", "已确认过"),
    "ack-resolved→refused": ("acknowledge", "resolved", "已恢复，无需确认"),
    "resolve-firing→resolved": ("resolve", "firing", ("resolved", "resolved")),
    "resolve-acknowledged→resolved": ("resolve", "acknowledged", ("resolved", "resolved")),
    "resolve-resolved→refused": ("resolve", "resolved", "已恢复"),
    "reopen-acknowledged→firing": ("reopen", "acknowledged", ("firing", "reopened")),
    "reopen-firing→refused": ("reopen", "firing", "未被确认，无需重新打开"),
    "reopen-resolved→refused": ("reopen", "resolved", "已恢复，不能重新打开"),
}


@pytest.mark.parametrize(("action", "status", "expected"), list(PERSON.values()), ids=list(PERSON))
def test_a_person_s_actions(action, status, expected):
    if isinstance(expected, str):
        assert refusal(action, status) == expected
        with pytest.raises(AlertStateError, match=expected) as raised:
            act(action, status)
        assert (raised.value.action, raised.value.status) == (action, status)
    else:
        assert refusal(action, status) is None
        assert act(action, status) == Change(status, *expected)


@pytest.mark.parametrize(
    ("open_status", "raised", "cleared"),
    [
        pytest.param(None, Change(None, "firing", "opened"), None, id="none-open"),
        pytest.param("firing", None, Change("firing", "resolved", "resolved"), id="firing"),
        pytest.param(
            "acknowledged", None, Change("acknowledged", "resolved", "resolved"), id="acknowledged"
        ),
    ],
)
def test_system_alerts_open_once_and_clear_when_the_service_works(open_status, raised, cleared):
    assert raise_system(open_status) == raised
    assert clear_system(open_status) == cleared


# (from status, to status, from level, to level, escalation step taken) → event kinds
EVENT_KINDS = {
    "new": ((None, "firing", None, "red", False), {"opened"}),
    "new-with-step-1": ((None, "firing", None, "red", True), {"opened", "escalated"}),
    "step-only": (("firing", "firing", "red", "red", True), {"escalated"}),
    "nothing": (("firing", "firing", "red", "red", False), set()),
    "level": (("firing", "firing", "yellow", "red", False), {"level_changed"}),
    "worse-level-re-fires-acknowledged": (
        ("acknowledged", "firing", "yellow", "red", False),
        {"level_changed"},
    ),
    "better-level-stays-acknowledged": (
        ("acknowledged", "acknowledged", "red", "yellow", False),
        {"level_changed"},
    ),
    "resolved": (("firing", "resolved", "red", "red", False), {"resolved"}),
    "acknowledged": (("firing", "acknowledged", "red", "red", False), {"acknowledged"}),
    "reopened-by-a-person": (("acknowledged", "firing", "red", "red", False), {"reopened"}),
}


@pytest.mark.parametrize(("event", "kinds"), list(EVENT_KINDS.values()), ids=list(EVENT_KINDS))
def test_event_kinds(event, kinds):
    assert event_kinds(*event) == kinds


def test_every_evaluation_event_has_a_kind():
    for before, found, evaluated, known, _, moved in STATES.values():
        if moved is not None:
            step = run(before, found, evaluated=evaluated, known=known)
            (row,) = step.events.to_dicts()
            kinds = event_kinds(
                row["from_status"], row["to_status"], row["from_level"], row["to_level"]
            )
            assert kinds, row
