"""Which findings call for an alert, under which identity (rule_id, subject), with what message."""

from datetime import date

import polars as pl

from triggers.bond_deadline import OUT_OF_WINDOW, window_left
from triggers.frames import collect, pct_text
from triggers.lifecycle import CANDIDATE_SCHEMA, HOLD
from triggers.vocabulary import ALERT_LEVELS, LEVEL_WORDS, SUBSIDY

SUBJECTS = {
    "subsidies": pl.format("{}/{}", pl.col("region_code"), pl.col("period").dt.strftime("%Y-%m")),
    "warnings": pl.format("{}/{}", pl.col("region_code"), pl.col("fund_code")),
    "bond_projects": pl.format("{}/{}", pl.col("region_code"), pl.col("project")),
    "carryover": pl.format("{}/{}", pl.col("region_code"), pl.col("fund_code")),
    "commitments": pl.format("{}/{}", pl.col("region_code"), pl.col("item")),
}
FINDING_KIND_OF = {  # findings table → the finding kind its alerts carry
    "subsidies": "price_subsidy",
    "warnings": "direct_fund",
    "bond_projects": "bond_deadline",
    "carryover": "carryover_recall",
    "commitments": None,  # each row carries its rule kind
}


def _wan(fen: pl.Expr) -> pl.Expr:
    """Return fen as 万元 text with two decimals, half-up, exactly (1,078,540 yuan → 107.85)."""
    hundredths = (fen.cast(pl.Int64) + 5_000) // 10_000
    return pl.format("{}.{}", hundredths // 100, (hundredths % 100).cast(pl.String).str.zfill(2))


def _subsidies(frame: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """A triggered month is red until it is paid: due (须于…前发放), then late (逾期未发放).

    A month whose index is overdue is yellow; a decision reversed by revised data is an alert of
    its own (subject …/revision), yellow, open until a person closes it.
    """
    triggered = pl.col("status") == "triggered"
    unpaid = pl.col("payment_status").fill_null("unpaid") != "paid"
    due = triggered & (pl.col("pay_by") >= as_of) & unpaid
    late = triggered & (pl.col("pay_by") < as_of) & unpaid & (pl.col("total_yuan") > 0)
    overdue = pl.col("status") == "overdue"
    month = pl.col("period").dt.strftime("%Y-%m")
    # the list items are taken in their own step: inside `format` they trip a polars 2.1 panic
    frame = frame.with_columns(
        met=pl.col("reasons").list.eval(pl.element().filter(pl.element().str.contains("≥"))),
        last_reason=pl.col("reasons").list.last(),
    ).with_columns(met=pl.col("met").list.join("；"))
    need, paid = (
        _wan(pl.col("total_yuan").fill_null(0) * 100),
        _wan(pl.col("paid_fen").fill_null(0)),
    )
    alerts = frame.filter(due | late | overdue).with_columns(
        subject=SUBJECTS["subsidies"],
        level=pl.when(due | late).then(pl.lit("red")).otherwise(pl.lit("yellow")),
        message=pl.when(late)
        .then(
            pl.format(
                "{} 价格临时补贴逾期未发放：须于 {} 前发放 {} 万元（{} 人），截至 {} 已发放 {} 万元",
                month,
                pl.col("pay_by"),
                need,
                pl.col("persons").fill_null(0),
                pl.lit(as_of),
                paid,
            )
        )
        .when(due)
        .then(
            pl.format(
                "{} 价格临时补贴联动已触发：{}；{} 人，需 {} 万元，须于 {} 前发放",
                month,
                pl.col("met"),
                pl.col("persons").fill_null(0),
                need,
                pl.col("pay_by"),
            )
        )
        .otherwise(pl.format("{} 价格指数逾期未发布：{}", month, pl.col("last_reason"))),
    )
    final = ["triggered", "not_triggered"]
    reversed_ = (
        pl.col("first_status").is_in(final)
        & pl.col("status").is_in(final)
        & (pl.col("first_status") != pl.col("status"))
    )
    revisions = frame.filter(reversed_.fill_null(False)).with_columns(
        subject=pl.format("{}/{}/revision", pl.col("region_code"), month),
        level=pl.lit("yellow"),
        message=pl.format(
            "{} 价格临时补贴判定因数据修订而改变：首次发布时为{}，按最新数据为{}（CPI {}%→{}%，食品 {}%→{}%）",
            month,
            _decision("first_status"),
            _decision("status"),
            pct_text(pl.col("first_cpi_bp")).fill_null("—"),
            pct_text(pl.col("cpi_bp")).fill_null("—"),
            pct_text(pl.col("first_food_bp")).fill_null("—"),
            pct_text(pl.col("food_bp")).fill_null("—"),
        ),
    )
    return pl.concat([alerts, revisions], how="diagonal_relaxed")


def _decision(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(SUBSIDY, default=None)


def _lights(frame: pl.LazyFrame, name: str) -> pl.LazyFrame:
    label = pl.col("level").replace_strict(LEVEL_WORDS, default="")
    return frame.filter(pl.col("level").is_in(ALERT_LEVELS)).with_columns(
        message=pl.format(
            "{}「{}」{}：{}",
            pl.col("region_name"),
            pl.col(name),
            label,
            pl.col("reasons").list.join("；"),
        )
    )


def _single(frame: pl.LazyFrame, name: str) -> pl.LazyFrame:
    return frame.filter(pl.col("level").is_in(ALERT_LEVELS)).with_columns(
        message=pl.format("{}「{}」{}", pl.col("region_name"), pl.col(name), pl.col("reason"))
    )


def _bonds(frame: pl.LazyFrame, rules: list) -> pl.LazyFrame:
    """Red/yellow projects, and holds that keep an open alert no rule may clear yet.

    An unmet project no rule grades any more holds its alert under the rule whose window ended;
    one a later rule grades red or yellow holds the earlier rule's alert, which closes once the
    later rule grades it green (docs/rules.md).
    """
    project = pl.format("{}「{}」", pl.col("region_name"), pl.col("project"))
    outside = frame.filter((pl.col("level") == OUT_OF_WINDOW) & ~pl.col("reached")).with_columns(
        level=pl.lit(HOLD), message=pl.concat_str(project, pl.col("reason"))
    )
    label = pl.col("level").replace_strict(LEVEL_WORDS, default="")
    earlier = window_left([r for r in rules if r.kind == "bond_deadline"])
    handed = (
        frame.filter(pl.col("level").is_in(ALERT_LEVELS))
        .with_columns(earlier=earlier)
        .filter(pl.col("earlier").is_not_null() & (pl.col("earlier") != pl.col("rule_id")))
        .with_columns(
            message=pl.format(
                "{}原规则考核期已结束，现由规则 {} 考核（{}）：{}；告警保留至达标或人工关闭",
                project,
                pl.col("rule_id"),
                label,
                pl.col("reason"),
            ),
            rule_id=pl.col("earlier"),
            level=pl.lit(HOLD),
        )
    )
    return pl.concat([_single(frame, "project"), outside, handed], how="diagonal_relaxed")


def _commitments(frame: pl.LazyFrame) -> pl.LazyFrame:
    """A red or yellow commitment item is an alert: 「subject」 level: reasons (disputed apart)."""
    label = pl.col("level").replace_strict(LEVEL_WORDS, default="")
    return frame.filter(pl.col("level").is_in(ALERT_LEVELS) & ~pl.col("disputed")).with_columns(
        message=pl.format(
            "{}「{}」{}：{}（牵头单位：{}）",
            pl.col("region_name"),
            pl.col("subject"),
            label,
            pl.col("reasons").list.join("；"),
            pl.col("lead_unit").fill_null("—"),
        )
    )


def alert_candidates(
    findings: dict[str, pl.DataFrame], as_of: date, rules: list = ()
) -> pl.DataFrame:
    """Return one row per finding that should be an open alert now (and the holds, see `_bonds`).

    `rules` are the evaluated rules; without them a later bond rule's grading holds nothing.
    """
    builders = {
        "subsidies": lambda f: _subsidies(f, as_of),
        "warnings": lambda f: _lights(f, "fund_name"),
        "bond_projects": lambda f: _bonds(f, list(rules)),
        "carryover": lambda f: _single(f, "fund_name"),
        "commitments": _commitments,
    }
    parts = [
        builders[name](findings[name].lazy())
        .with_columns(kind=pl.lit(FINDING_KIND_OF[name]) if FINDING_KIND_OF[name] else "kind")
        .with_columns(subject=SUBJECTS[name] if name != "subsidies" else pl.col("subject"))
        .select(CANDIDATE_SCHEMA.keys())
        for name in builders
        if name in findings and findings[name].height
    ]
    if not parts:
        return pl.DataFrame(schema=CANDIDATE_SCHEMA)
    return pl.concat(parts).pipe(collect).cast(CANDIDATE_SCHEMA)
