"""`policy-monitor revisions`: months whose price decision changed when data was revised."""

from typing import Annotated

import typer

from policy_monitor.cli_common import SUBSIDY_WORDS, echo_json, open_warehouse, region_option


def revisions(
    ctx: typer.Context,
    region: Annotated[
        str | None,
        typer.Option(help="Region code (its sub-regions included)", callback=region_option),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Months whose decision on the latest values differs from the decision first made."""
    from warehouse.reads import query_revisions

    with open_warehouse(ctx) as con:
        rows = query_revisions(con, None, region).to_dicts()
    if as_json:
        return echo_json(rows)
    if not rows:
        typer.echo("没有因数据修订而改变的判定")
    for r in rows:
        then, now = r["decided_on"], r["latest"]
        typer.echo(
            f"{r['region_code']} {r['period']}（{r['rule_id']}）："
            f"{SUBSIDY_WORDS[r['decision_then']]} → {SUBSIDY_WORDS[r['decision_now']]}；"
            f"CPI {then['cpi_yoy_pct']}% → {now['cpi_yoy_pct']}%，"
            f"食品 {then['food_yoy_pct']}% → {now['food_yoy_pct']}%"
            f"（{then['published_on']} → {now['published_on']}）"
        )
