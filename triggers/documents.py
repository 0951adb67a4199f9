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
}


def template_fields(template: str) -> list[str]:
    """Return the placeholder names of `template` (raises ValueError if it is malformed)."""
    return [name for _, name, _, _ in Formatter().parse(template) if name is not None]


def render(template: str) -> pl.Expr:
    """Return an expression that fills `template` from the columns of `FIELDS`."""
    parts: list[pl.Expr] = []
    for literal, name, _, _ in Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if name is not None:
            parts.append(pl.col(name).cast(pl.String).fill_null("—"))
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


def render_documents(
    escalations: pl.DataFrame, projects: pl.DataFrame, rules: list
) -> pl.DataFrame:
    """Return each escalation step with its rung name, document kind and text."""
    facts = escalations.join(_facts(projects), on=["rule_id", "subject"], how="left")
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
                        text=render(step.template),
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
