"""The one vocabulary (triggers/vocabulary.py): every code used anywhere has its Chinese label.

The codes are taken from where they are made: the rule models' `kind` literals, the state
machine's tables, the notification channels' event kinds, the readers and the inbox, the shipped
rule files' groups, and the values a real evaluation of the sample year stores.
"""

import itertools
import typing
from datetime import date

import pytest

from appstate import inbox
from flows import notify
from flows.evaluate import run_evaluation
from flows.ingest import PLANNERS
from flows.notify_channels import EVENTS, Channel
from flows.rule_files import load_rules
from flows.sources import beneficiaries
from policy_monitor import cli, cli_common
from tests.helpers import load_file, rows
from triggers import alerting, engine, lifecycle, partitions, rules, vocabulary
from triggers.vocabulary import (
    ALERT_LEVELS,
    BOND_LEVELS,
    EVENT_KINDS,
    FINDING_KINDS,
    FUND_LEVELS,
    GROUPS,
    INGEST_STATUSES,
    LEVEL_ORDER,
    LEVEL_WORDS,
    LEVELS,
    PAYMENT,
    RULE_KINDS,
    SOURCE_KINDS,
    STATUS,
    SUBSIDY,
)
from warehouse.connection import connect

LOADS = {
    "cpi": "cpi_*",
    "funds": "direct_funds_*",
    "payments": "payments_*",
    "bonds": "special_bonds_*",
    "beneficiaries": "beneficiaries_*",
}


def _rule_kinds() -> set[str]:
    union = typing.get_args(typing.get_args(rules.Rule)[0])
    return {
        kind for model in union for kind in typing.get_args(model.model_fields["kind"].annotation)
    }


def test_every_label_is_chinese_and_no_code_is_labelled_twice_in_one_table():
    tables = {
        "LEVEL_WORDS": LEVEL_WORDS,
        "FINDING_KINDS": FINDING_KINDS,
        "STATUS": STATUS,
        "EVENT_KINDS": EVENT_KINDS,
        "SUBSIDY": SUBSIDY,
        "SOURCE_KINDS": SOURCE_KINDS,
        "INGEST_STATUSES": INGEST_STATUSES,
        "GROUPS": GROUPS,
        "PAYMENT": PAYMENT,
    }
    for name, table in tables.items():
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in w) for w in table.values()), name
        assert len(set(table.values())) == len(table), f"{name}: two codes read the same"


def test_levels_are_ordered_worst_first_and_every_subset_keeps_that_order():
    assert LEVEL_ORDER == ("red", "yellow", "yellow_bell", "green") == tuple(LEVEL_WORDS)
    for subset in (FUND_LEVELS, BOND_LEVELS, ALERT_LEVELS):
        assert list(subset) == [lv for lv in LEVEL_ORDER if lv in subset]
    assert vocabulary.rank(BOND_LEVELS) == {"red": 0, "yellow": 1, "green": 2}
    assert lifecycle.SEVERITY["red"] > lifecycle.SEVERITY["yellow"]
    assert tuple(Channel.model_fields["levels"].default) == ALERT_LEVELS
    assert tuple(notify.LEVEL_WORDS) == ALERT_LEVELS


def test_every_rule_kind_and_finding_kind_has_a_label():
    assert _rule_kinds() == set(RULE_KINDS)
    named = {kind for kind in alerting.FINDING_KIND_OF.values() if kind}  # None: rows carry theirs
    carried = {k for k, e in engine.EVALUATORS.items() if not alerting.FINDING_KIND_OF[e.findings]}
    assert named | carried | {"system"} == set(FINDING_KINDS)
    assert set(partitions.REGIONAL_KINDS) == set(RULE_KINDS) - set(partitions.LOCAL_KINDS)
    assert set(partitions.LOCAL_KINDS) == {
        "price_subsidy",
        "target_by_date",
        "limit_per_row",
        "report_due",
    }


def test_every_status_and_event_kind_of_the_state_machine_has_a_label():
    moves = lifecycle.ACTIONS.values()
    statuses = {s for allowed, to, _ in moves for s in (*allowed, to)} | {
        s for _, s in lifecycle.REFUSALS
    }
    assert statuses == set(STATUS)
    assert {event for _, _, event in moves} <= set(EVENT_KINDS)
    made = set()
    for before, after, levels, escalated in itertools.product(
        (None, *STATUS), STATUS, itertools.product(ALERT_LEVELS, repeat=2), (False, True)
    ):
        made |= lifecycle.event_kinds(before, after, *levels, escalated)
    assert made == set(EVENT_KINDS)
    assert tuple(EVENT_KINDS) == EVENTS


def test_every_source_kind_has_a_label_and_every_reader_and_the_inbox_know_it():
    assert set(PLANNERS) == set(SOURCE_KINDS)
    assert set(inbox.KINDS) == set(SOURCE_KINDS)
    assert all(kind in cli.KIND_HELP for kind in SOURCE_KINDS)
    assert cli_common.INGEST_WORDS is INGEST_STATUSES


def test_every_group_of_the_shipped_rules_has_a_label():
    used = {g for rule in load_rules(None) if rule.kind == "price_subsidy" for g in rule.groups}
    assert used and used <= set(GROUPS)


def test_every_group_a_reader_maps_a_name_to_has_a_label():
    # the beneficiary and payment readers map names through vocabulary.group_codes
    assert beneficiaries.group_codes is vocabulary.group_codes
    names = [*GROUPS.values(), *GROUPS, *vocabulary.GROUP_ALIASES]
    codes = {code for name in names for code in vocabulary.group_codes(name) or ()}
    assert codes == set(GROUPS)
    assert vocabulary.group_codes("孤儿") == ("orphan_institutional", "orphan_dispersed")
    assert vocabulary.group_codes("没有这个群体") is None


@pytest.fixture(scope="module")
def evaluated(samples, tmp_path_factory):
    """Return a warehouse with the sample year loaded and evaluated in June, December and the next November (carry-over)."""
    db = tmp_path_factory.mktemp("vocabulary") / "warehouse.duckdb"
    for kind, pattern in LOADS.items():
        for path in sorted(samples.glob(pattern)):
            load_file(db, kind, path)
    every = load_rules(None)
    for as_of in (date(2022, 6, 30), date(2022, 12, 31), date(2023, 11, 15)):
        run_evaluation(db, as_of, every)
    return db


STORED = {
    "fund_warnings.level": LEVELS,
    "bond_projects.level": LEVELS,
    "bond_counties.level": LEVELS,
    "carryover_findings.level": LEVELS,
    "subsidy_findings.status": SUBSIDY,
    "subsidy_findings.payment_status": PAYMENT,
    "alerts.level": LEVELS,
    "alerts.kind": FINDING_KINDS,
    "alerts.status": STATUS,
    "alert_events.to_status": STATUS,
    "alert_events.to_level": LEVELS,
    "ingests.status": INGEST_STATUSES,
}


@pytest.mark.parametrize(("column", "labels"), list(STORED.items()), ids=list(STORED))
def test_every_value_an_evaluation_stores_has_a_label(evaluated, column, labels):
    table, name = column.split(".")
    with connect(evaluated, read_only=True) as con:
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, column
    values = {
        v
        for (v,) in rows(evaluated, f"SELECT DISTINCT {name} FROM {table} WHERE {name} IS NOT NULL")
    }
    assert values - set(labels) == set()
