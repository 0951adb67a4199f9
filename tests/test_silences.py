"""Silences (triggers/silences.py) as tables: which notifications wait, which silences are refused."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from triggers.lifecycle import AlertStateError
from triggers.silences import check_silence, silencing

RULE = "altay-bonds-2022"
OTHER = "national-direct-fund"
NOW = datetime(2022, 10, 1, 2, 30, tzinfo=UTC)
OPENED = datetime(2022, 8, 1, 2, 0, tzinfo=UTC)
EXPIRES = NOW + timedelta(hours=1)
EVENTS = pl.DataFrame(
    {
        "event_id": [1, 2, 3, 4],
        "alert_id": [10, 20, 30, 40],
        "rule_id": [RULE, RULE, OTHER, OTHER],
        "subject": ["654321/甲", "654322/乙", "654321/丙", "650000/丁"],
        "region_code": ["654321", "654322", "654321", "650000"],
    }
)


def silence(silence_id, created=OPENED, expires=EXPIRES, **match) -> dict:
    keys = ("rule_id", "subject_prefix", "region_prefix")
    return {"silence_id": silence_id, "created_at": created, "expires_at": expires} | {
        k: match.get(k) for k in keys
    }


# silences in force or not → the silence recorded for events 1..4 (None: pending)
SILENCES = {
    "none": ([], [None, None, None, None]),
    "a-county": ([silence(5, region_prefix="654321")], [5, None, 5, None]),
    "a-prefecture-by-its-full-code-covers-its-counties": (
        [silence(5, region_prefix="654300")],
        [5, 5, 5, None],
    ),
    "a-prefecture-by-its-prefix": ([silence(5, region_prefix="6543")], [5, 5, 5, None]),
    "a-rule": ([silence(5, rule_id=OTHER)], [None, None, 5, 5]),
    "a-rule-in-a-region": ([silence(5, rule_id=RULE, region_prefix="654321")], [5] + [None] * 3),
    "a-subject-prefix": ([silence(5, subject_prefix="654322/")], [None, 5, None, None]),
    "the-lowest-numbered-of-two": (
        [silence(9, region_prefix="6543"), silence(6, rule_id=RULE)],
        [6, 6, 9, None],
    ),
    "expired-exactly-now": ([silence(5, expires=NOW, region_prefix="6543")], [None] * 4),
    "made-exactly-now": ([silence(5, created=NOW, region_prefix="6543")], [5, 5, 5, None]),
    "made-later": ([silence(5, created=EXPIRES, region_prefix="6543")], [None] * 4),
}


@pytest.mark.parametrize(("silences", "chosen"), list(SILENCES.values()), ids=list(SILENCES))
def test_silences_decide_which_notifications_wait(silences, chosen):
    outbox = silencing(EVENTS, silences, NOW)
    assert outbox["event_id"].to_list() == [1, 2, 3, 4]
    assert outbox["alert_id"].to_list() == [10, 20, 30, 40]
    assert outbox["silence_id"].to_list() == chosen
    assert outbox["status"].to_list() == ["pending" if c is None else "silenced" for c in chosen]


NOTHING = "静默须至少指定规则、对象或地区之一，不能静默全部告警"
# (rule id, subject prefix, region, expires) → the refusal, or None when the silence may be made
SILENCE_CHECKS = {
    "names-nothing": (None, None, None, EXPIRES, NOTHING),
    "empty-region": (None, None, "", EXPIRES, NOTHING),
    "the-whole-country": (None, None, "000000", EXPIRES, NOTHING),
    "the-whole-country-for-one-rule": (RULE, None, "000000", EXPIRES, None),
    "a-province": (None, None, "650000", EXPIRES, None),
    "a-subject": (None, "654321/", None, EXPIRES, None),
    "ends-exactly-now": (RULE, None, None, NOW, "静默的到期时间须晚于现在"),
    "ends-a-microsecond-later": (RULE, None, None, NOW + timedelta(microseconds=1), None),
}


@pytest.mark.parametrize(
    ("rule_id", "subject", "region", "expires", "refused"),
    list(SILENCE_CHECKS.values()),
    ids=list(SILENCE_CHECKS),
)
def test_a_silence_must_name_what_it_mutes_and_end_later(
    rule_id, subject, region, expires, refused
):
    if refused is None:
        assert check_silence(rule_id, subject, region, expires, NOW) is None
    else:
        with pytest.raises(AlertStateError, match=f"^{refused}$"):
            check_silence(rule_id, subject, region, expires, NOW)
