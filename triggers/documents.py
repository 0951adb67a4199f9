"""Reminder slips and supervision letters of the escalation ladder, rendered from templates.

Templates use `{field}` placeholders; `FIELDS` lists those a template may use (rule files are
checked against it when they load). Rendering is a string concatenation over whole frames.
"""

from string import Formatter

import polars as pl

FIELDS = {
    "region_name": "地区名称",
    "project": "项目名称",
    "project_unit": "项目单位",
    "quota_wan": "债券额度（万元）",
    "spent_wan": "累计支出（万元）",
    "spending_rate_pct": "支出进度（%）",
    "as_of": "数据截止日期",
    "deadline": "截止日期",
    "target_pct": "目标比例（%）",
    "projection": "预计达标情况",
    "days_red": "连续红灯天数",
    # a commitment's item (triggers.commitment_findings)
    "commitment": "承诺事项",
    "subject": "事项对象",
    "party": "责任主体",
    "lead_unit": "牵头单位",
    "amount_wan": "涉及金额（万元）",
    "done_wan": "已完成金额（万元）",
    "outstanding_wan": "未完成金额（万元）",
    "target": "目标值",
    "actual": "实际值",
    "reasons": "判定理由",
}


def template_fields(template: str) -> list[str]:
    """Return the placeholder names of `template` (raises ValueError if it is malformed)."""
    return [name for _, name, _, _ in Formatter().parse(template) if name is not None]


def render(template: str, commitment: bool = False) -> pl.Expr:
    """Return an expression that fills `template` from the columns of `FIELDS` (a commitment's
    `{subject}` is its item's, not the alert's key)."""
    parts: list[pl.Expr] = []
    for literal, name, _, _ in Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if name is not None:
            column = "subject_text" if commitment and name == "subject" else name
            parts.append(pl.col(column).cast(pl.String).fill_null("—"))
    return pl.concat_str(parts) if parts else pl.lit("")


def _facts(projects: pl.DataFrame) -> pl.DataFrame:
    wan = lambda col: (pl.col(col) / 1_000_000).round(2)  # noqa: E731
    projection = (
        pl.when(pl.col("projected_date").is_not_null())
        .then(pl.format("按当前进度预计 {} 达到目标", pl.col("projected_date")))
        .otherwise(pl.lit("按当前进度无法达到目标"))
    )
    return projects.select(
        "rule_id",
        "subject",
        "region_name",
        "project",
        "project_unit",
        "as_of",
        "deadline",
        quota_wan=wan("quota_fen"),
        spent_wan=wan("spent_fen"),
        spending_rate_pct=(pl.col("spending_rate") * 100).round(1),
        target_pct=(pl.col("target_e4") / 100).round(1),
        projection=projection,
    )


def _commitment_facts(items: pl.DataFrame) -> pl.DataFrame:
    """Return a commitment item's template fields, keyed by its alert subject (region/item)."""
    from triggers.commitment_filters import decimal_text, wan

    return items.select(
        "rule_id",
        "region_name",
        "as_of",
        "deadline",
        "commitment",
        "party",
        "lead_unit",
        subject=pl.format("{}/{}", pl.col("region_code"), pl.col("item")),
        subject_text=pl.col("subject"),
        amount_wan=wan(pl.col("amount_fen")),
        done_wan=wan(pl.col("done_fen")),
        outstanding_wan=wan(pl.col("amount_fen") - pl.col("done_fen").fill_null(0)),
        target=decimal_text(pl.col("target")),
        actual=decimal_text(pl.col("actual")),
        reasons=pl.col("reasons").list.join("；"),
    )


def render_documents(
    escalations: pl.DataFrame,
    projects: pl.DataFrame | None,
    rules: list,
    commitments: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return each escalation step with its rung name, document kind and text.

    Bond steps take their fields from `projects` (with the alert `subject`), a commitment's
    from its item in `commitments` (findings of triggers.commitment_findings).
    """
    facts = [_facts(projects)] if projects is not None else []
    if commitments is not None:
        facts.append(_commitment_facts(commitments))
    if not facts:
        return pl.DataFrame(schema=DOCUMENT_SCHEMA)
    known = pl.concat(facts, how="diagonal_relaxed") if len(facts) > 1 else facts[0]
    facts = escalations.join(known, on=["rule_id", "subject"], how="left")
    parts = []
    for rule in rules:
        for number, step in enumerate(getattr(rule, "escalation", []), start=1):
            mine = facts.filter(
                (pl.col("rule_id") == rule.id) & (pl.col("escalation_step") == number)
            )
            if mine.height:
                parts.append(
                    mine.with_columns(
                        step_name=pl.lit(step.name),
                        document=pl.lit(step.document),
                        text=render(step.template, _is_commitment(rule, mine)),
                    ).select(
                        "alert_id",
                        "rule_id",
                        "subject",
                        "escalation_step",
                        "step_name",
                        "step_on",
                        "document",
                        "text",
                    )
                )
    if not parts:
        return pl.DataFrame(schema=DOCUMENT_SCHEMA)
    return pl.concat(parts).cast(DOCUMENT_SCHEMA)


def _is_commitment(rule, facts: pl.DataFrame) -> bool:
    return hasattr(rule, "lead_units") and "subject_text" in facts.columns


DOCUMENT_SCHEMA = {
    "alert_id": pl.Int64,
    "rule_id": pl.String,
    "subject": pl.String,
    "escalation_step": pl.Int32,
    "step_name": pl.String,
    "step_on": pl.Date,
    "document": pl.String,
    "text": pl.String,
}
