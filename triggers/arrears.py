"""Per-item grading of a share to reach by a deadline: each debt of an arrears ledger (清欠).

An item is due its `amount` × target (100 %: in full) by its deadline: its own date where the
rule names a `due` column and the row has one (the agreed repayment plan), else the rule's.

- green: met (repaid in full), or not yet due (more than `at_risk_days` days left);
- yellow: due within `at_risk_days` days (on the deadline itself: 0 days left) and not met, or
  met in part (partly repaid) before its deadline;
- red: past its deadline and not met (a plan date passed unpaid), or, with `plan_required_by`
  (阿勒泰: 2022-06-30), undisputed and neither met nor under a plan after that date.

A disputed item (是否有分歧 = 是) is listed apart (`disputed`), not graded by these rules: it is
green with a reason saying so, and raises no alert.
"""

from datetime import date

import polars as pl

from triggers.commitment_filters import DONE_ON, columns, fen_decimal, wan

_I128 = pl.Int128


def grade_items(rule, rows: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Return the rows with deadline, target, actual, amount_fen, done_fen, overdue, disputed,
    done_at, level and reasons (see the module docstring)."""
    known = columns(rule.ledger)
    amount, done = known[rule.amount][0], known[rule.done][0]
    target_bp = int(rule.target * 100)
    has_plan = pl.col(known[rule.due][0]).is_not_null() if rule.due else pl.lit(False)
    deadline = (
        pl.coalesce(pl.col(known[rule.due][0]), pl.lit(rule.deadline))
        if rule.due
        else (pl.lit(rule.deadline))
    )
    disputed = pl.col("disputed").fill_null(False) if "disputed" in known else pl.lit(False)
    done_on = DONE_ON.get(rule.ledger)
    frame = rows.with_columns(
        amount_fen=pl.col(amount).fill_null(0),
        done_fen=pl.col(done).fill_null(0),
        deadline=deadline,
        has_plan=has_plan,
        disputed=disputed,
    ).with_columns(
        need_fen=(pl.col("amount_fen").cast(_I128) * target_bp + 9_999) // 10_000,
        days=(pl.col("deadline") - pl.lit(as_of)).dt.total_days(),
    )
    met = pl.col("done_fen") >= pl.col("need_fen")
    late = ~met & (pl.col("days") < 0)
    unplanned = pl.lit(False)
    if rule.plan_required_by is not None:
        unplanned = ~met & ~pl.col("has_plan") & pl.lit(as_of > rule.plan_required_by)
    soon = ~met & (pl.col("days") <= rule.at_risk_days)
    partly = ~met & (pl.col("done_fen") > 0)
    owing = wan(pl.col("need_fen") - pl.col("done_fen"))
    owed, paid = wan(pl.col("amount_fen")), wan(pl.col("done_fen"))
    plan = pl.when(pl.col("has_plan")).then(pl.lit("还款计划日期")).otherwise(pl.lit("截止日"))
    level = (
        pl.when(pl.col("disputed") | met)
        .then(pl.lit("green"))
        .when(late | unplanned)
        .then(pl.lit("red"))
        .when(partly | soon)
        .then(pl.lit("yellow"))
        .otherwise(pl.lit("green"))
    )
    reason = (
        pl.when(pl.col("disputed"))
        .then(pl.format("有分歧，单列管理，不按无分歧欠款的规则考核（金额 {} 万元）", owed))
        .when(met)
        .then(pl.format("已清偿 {} 万元（应清偿 {} 万元），已完成", paid, wan(pl.col("need_fen"))))
        .when(unplanned)
        .then(
            pl.format(
                "{} 后既未清偿也未制定还款计划（欠款 {} 万元，已清偿 {} 万元）",
                pl.lit(str(rule.plan_required_by)),
                owed,
                paid,
            )
        )
        .when(late)
        .then(
            pl.format(
                "{} {} 已过，逾期 {} 天，尚欠 {} 万元未清偿（欠款 {} 万元，已清偿 {} 万元）",
                plan,
                pl.col("deadline"),
                -pl.col("days"),
                owing,
                owed,
                paid,
            )
        )
        .otherwise(
            pl.format(
                "{} {}，还有 {} 天；欠款 {} 万元，已清偿 {} 万元，尚欠 {} 万元",
                plan,
                pl.col("deadline"),
                pl.col("days"),
                owed,
                paid,
                owing,
            )
        )
    )
    return frame.with_columns(
        level=level,
        reasons=pl.concat_list(reason),
        overdue=~pl.col("disputed") & late,
        unit=pl.lit("yuan"),
        target=fen_decimal(pl.col("need_fen").cast(pl.Int64)),
        actual=fen_decimal(pl.col("done_fen")),
        done_at=pl.col(done_on).cast(pl.Datetime("us")) if done_on else pl.lit(None),
    ).with_columns(
        done_at=pl.when(met).then(pl.col("done_at")).otherwise(None),
    )
