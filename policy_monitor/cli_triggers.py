"""CLI commands of the trigger engine: evaluate, the three lists, alerts, ack and silence."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from appstate.audit import cli_source, record_in
from policy_monitor.cli_common import (
    LEVEL_WORDS,
    STATUS_WORDS,
    SUBSIDY_WORDS,
    echo_json,
    open_warehouse,
    pct,
    region_option,
    wan,
)
from warehouse.errors import AlertNotFound

Json = Annotated[bool, typer.Option("--json", help="Print a JSON array")]
Region = Annotated[
    str | None,
    typer.Option(
        help="Region code; a prefecture or province includes its counties",
        callback=region_option,
    ),
]


def _instant(text: str | None) -> datetime | None:
    """Return the `--at` time (Asia/Shanghai wall time), or None; a bad one is a usage error."""
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise typer.BadParameter(f"--at expects 'YYYY-MM-DD HH:MM', got {text!r}") from exc
    if len(text.strip()) <= 10:
        raise typer.BadParameter(f"--at needs a time of day ('YYYY-MM-DD HH:MM'), got {text!r}")
    return at


def evaluate(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option(help="Evaluation date YYYY-MM-DD (default today)")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            help="Evaluate at this time of day, 'YYYY-MM-DD HH:MM' Asia/Shanghai (implies the "
            "date; default: now for today, the end of the day for a past --as-of)"
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Evaluate every rule and update alerts; exit 1 if a rule is unhealthy, 2 if rules are invalid."""
    from policy_monitor.cli_common import parse_date, quiet_prefect

    day, instant = parse_date(as_of, "--as-of"), _instant(at)
    if day is not None and instant is not None and instant.date() != day:
        raise typer.BadParameter(f"--at {at} is not on the --as-of day {as_of}")
    from policy_monitor.cli_handoff import prefer_service, retry_busy

    prefer_service(Path(ctx.obj["db"]), ctx.obj.get("verbose", False))
    quiet_prefect()
    from flows.evaluate import evaluate_flow
    from triggers.rules import RuleError

    try:
        summary = retry_busy(lambda: evaluate_flow(db=str(ctx.obj["db"]), as_of=day, at=instant))
    except RuleError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if as_json:
        echo_json([summary])
    else:
        typer.echo(
            f"评估日期 {summary['as_of']}（时点 {summary['at'][11:16]}）：{summary['rules']} 条规则，"
            f"告警变化 {summary['events']} 次，新升级 {summary['escalations']} 次"
        )
        for name, counts in summary["counts"].items():
            text = "，".join(
                f"{LEVEL_WORDS.get(k) or SUBSIDY_WORDS.get(k, k)} {n}" for k, n in counts.items()
            )
            typer.echo(f"  {name:<14} {text or '无'}")
        for bad in summary["unhealthy"]:
            typer.echo(f"  规则 {bad['rule_id']} 运行失败（其他规则照常）：{bad['error']}")
    raise typer.Exit(1 if summary["unhealthy"] else 0)


def subsidies(
    ctx: typer.Context,
    region: Region = None,
    triggered: Annotated[bool, typer.Option("--triggered", help="Only triggered months")] = False,
    as_json: Json = False,
) -> None:
    """Price-subsidy linkage per jurisdiction and index month."""
    from policy_monitor.records import subsidy_records
    from warehouse.reads import query_subsidies

    with open_warehouse(ctx) as con:
        rows = subsidy_records(query_subsidies(con, None, region, True if triggered else None))
    if as_json:
        return echo_json(rows)
    for r in rows:
        line = f"{r['region_code']} {r['period']} {SUBSIDY_WORDS[r['status']]}"
        if r["triggered"]:
            line += (
                f"：{r['persons'] or 0} 人 × {r['per_person_yuan'] or '按标准'} 元 = {wan(r['total_yuan'])}，"
                f"{r['pay_by']} 前发放（{r['rule_version']}）"
            )
        typer.echo(line)
        typer.echo(f"    {'；'.join(r['reasons'])}")


def warnings(
    ctx: typer.Context,
    region: Region = None,
    level: Annotated[str | None, typer.Option(help="red | yellow | yellow_bell | green")] = None,
    as_json: Json = False,
) -> None:
    """Direct-fund lights per fund, red first, each with its reasons."""
    from policy_monitor.records import warning_records
    from warehouse.reads import query_fund_warnings

    with open_warehouse(ctx) as con:
        rows = warning_records(query_fund_warnings(con, None, region, level, limit=None))
    if as_json:
        return echo_json(rows)
    for r in rows:
        typer.echo(
            f"[{LEVEL_WORDS[r['level']]}] {r['region_name']} {r['fund_name']}（{r['fund_code']}）"
            f" 下达 {wan(r['received_yuan'])} 分配 {pct(r['allocation_rate'])} "
            f"支出 {pct(r['spending_rate'])} 时序 {pct(r['time_progress'])}"
        )
        typer.echo(f"    {'；'.join(r['reasons'])}")


def bonds(
    ctx: typer.Context,
    region: Region = None,
    by: Annotated[str, typer.Option(help="project | county")] = "project",
    as_json: Json = False,
) -> None:
    """Special-bond projects (or counties): projected date against the deadline, escalation."""
    from policy_monitor.records import bond_records
    from warehouse.reads import query_bond_counties, query_bond_projects

    if by not in ("project", "county"):
        raise typer.BadParameter("--by expects project or county")
    with open_warehouse(ctx) as con:
        if by == "project":
            frame = query_bond_projects(con, None, region, limit=None)
        else:
            frame = query_bond_counties(con, None, region)
        rows = bond_records(frame, by)
    if as_json:
        return echo_json(rows)
    for r in rows:
        name = r.get("project") or f"{r['projects']} 个项目合计"
        step = f" 〔{r['escalation_step']}〕" if r.get("escalation_step") else ""
        typer.echo(
            f"[{LEVEL_WORDS[r['level']]}] {r['region_name']} {name}{step}：额度 {wan(r['quota_yuan'])}，"
            f"支出 {pct(r['spending_rate'])}；{r['reason']}"
        )


def alerts(
    ctx: typer.Context,
    status: Annotated[str, typer.Option(help="open | all")] = "open",
    region: Region = None,
    alert_id: Annotated[
        int | None, typer.Option("--id", help="Show one alert with its history")
    ] = None,
    as_json: Json = False,
) -> None:
    """Alerts: open ones (firing or acknowledged) by default, or all with --status all."""
    from policy_monitor.records import alert_records
    from warehouse.reads import query_alert, query_alerts

    if status not in ("open", "all"):
        raise typer.BadParameter("--status expects open or all")
    with open_warehouse(ctx) as con:
        try:
            rows = (
                [query_alert(con, alert_id)]
                if alert_id
                else alert_records(query_alerts(con, None, status == "open", region, limit=None))
            )
        except AlertNotFound as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
    if as_json:
        return echo_json(rows)
    for r in rows:
        step = f" 〔{r['escalation_step']}〕" if r.get("escalation_step") else ""
        typer.echo(
            f"#{r['id']} [{LEVEL_WORDS[r['level']]}·{STATUS_WORDS[r['status']]}]{step} {r['message']}"
        )
        for e in r.get("events", []):
            typer.echo(
                f"    {e['happened_at']:%Y-%m-%d %H:%M} {e['actor']}：{e['from_status'] or '—'} → {e['to_status']} {e['note'] or ''}"
            )
        for d in r.get("escalations", []):
            typer.echo(f"    {d['step_on']} {d['step_name']}（{d['document']}）：{d['text']}")


def ack(
    ctx: typer.Context,
    alert_id: Annotated[int, typer.Argument(help="Alert id")],
    by: Annotated[str, typer.Option("--by", help="Who acknowledges")],
    note: Annotated[str | None, typer.Option(help="What is being done")] = None,
    as_json: Json = False,
) -> None:
    """Acknowledge a firing alert (who, and what is being done)."""
    from triggers.lifecycle import AlertStateError
    from warehouse.alerts import acknowledge
    from warehouse.connection import connect
    from warehouse.replica import publish

    with connect(Path(ctx.obj["db"])) as con:
        try:
            alert = acknowledge(con, alert_id, by, note, datetime.now(UTC))
            publish(con, Path(ctx.obj["db"]))
        except (AlertNotFound, AlertStateError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
    record_in(Path(ctx.obj["db"]), "ack", by, cli_source(), {"alert_id": alert_id, "note": note})
    if as_json:
        return echo_json([alert])
    typer.echo(f"已确认告警 #{alert_id}（{by}）：{alert['message']}")


def silence(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help="Who silences")],
    reason: Annotated[str, typer.Option(help="Why")],
    rule: Annotated[str | None, typer.Option(help="Rule id to silence")] = None,
    subject: Annotated[str | None, typer.Option(help="Subject prefix, e.g. 654301/")] = None,
    region: Annotated[
        str | None,
        typer.Option(
            help="Region code: a prefecture or province silences its counties too",
            callback=region_option,
        ),
    ] = None,
    hours: Annotated[float, typer.Option(help="How long the silence lasts")] = 24.0,
    as_json: Json = False,
) -> None:
    """Silence notifications of matching alerts for a while (states still change)."""
    from triggers.jurisdictions import prefix
    from triggers.lifecycle import AlertStateError
    from warehouse.alerts import add_silence
    from warehouse.connection import connect
    from warehouse.replica import publish

    now = datetime.now(UTC)
    with connect(Path(ctx.obj["db"])) as con:
        try:
            created = add_silence(
                con,
                author=by,
                reason=reason,
                expires_at=now + timedelta(hours=hours),
                now=now,
                rule_id=rule,
                subject_prefix=subject,
                region_prefix=region and (prefix(region) or None),
            )
            publish(con, Path(ctx.obj["db"]))
        except AlertStateError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
    record_in(Path(ctx.obj["db"]), "silence", by, cli_source(), created)
    if as_json:
        return echo_json([created])
    typer.echo(
        f"已静默 #{created['silence_id']}，至 {created['expires_at']:%Y-%m-%d %H:%M}（{by}：{reason}）"
    )


COMMANDS = [evaluate, subsidies, warnings, bonds, alerts, ack, silence]
