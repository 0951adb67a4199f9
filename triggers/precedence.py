"""Which price rule budgets whom: one budget per person, the most specific rule in force.

A prefecture's or district's price rule is that place's implementation of the national mechanism.
For an index month, each (region, group) count is budgeted by exactly one rule: the rule of the
most specific jurisdiction that covers the region, is in force for the month (inside its effective
range and not overridden then) and lists the group. Groups a local rule does not list (say
失业保险金 recipients or 优抚对象) stay with the wider rule.
"""

import polars as pl

from triggers.jurisdictions import covers, is_under, prefix


def _inside(inner: str, outer: str) -> bool:
    """True when jurisdiction `inner` lies strictly inside `outer`."""
    return prefix(inner) != prefix(outer) and is_under(inner, outer)


def in_force(rule, rules: list, period: pl.Expr) -> pl.Expr:
    """Return an expression true for the months in which `rule` applies (effective, not overridden)."""
    on = period >= rule.effective.start
    if rule.effective.end is not None:
        on &= period <= rule.effective.end
    for other in rules:
        if rule.id in other.overrides:
            over = period >= other.effective.start
            if other.effective.end is not None:
                over &= period <= other.effective.end
            on &= ~over
    return on


def owned(frame: pl.LazyFrame, rule, rules: list) -> pl.LazyFrame:
    """Keep the rows (region_code, period, group_code) that `rule` budgets.

    A null group_code (a payment not broken down by group) belongs to the most specific rule in
    force over its region, whatever groups that rule lists.
    """
    keep = covers(rule.jurisdiction)
    group = pl.col("group_code")
    for other in rules:
        if other.kind != rule.kind or not _inside(other.jurisdiction, rule.jurisdiction):
            continue
        lists = group.is_null() | group.is_in(list(other.groups))
        taken = covers(other.jurisdiction) & in_force(other, rules, pl.col("period")) & lists
        keep &= ~taken
    return frame.filter(keep)
