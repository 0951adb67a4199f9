"""CLI command `notify`: send pending alert changes (or the daily digest) to the channels."""

import os
from pathlib import Path
from typing import Annotated

import typer

from policy_monitor.cli_common import echo_json


def notify(
    ctx: typer.Context,
    digest: Annotated[
        bool, typer.Option("--digest", help="Send the daily summary to channels with digest: true")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report")] = False,
) -> None:
    """Send each new alert change once to every channel that wants it; exit 1 if a channel failed."""
    from policy_monitor.cli_common import quiet_prefect

    # a channel that is down is reported below; Prefect would print its task's traceback too
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    from policy_monitor.cli_handoff import prefer_service, retry_busy

    db = Path(ctx.obj["db"])
    prefer_service(db, ctx.obj.get("verbose", False))  # before Prefect reads its settings
    quiet_prefect()
    from flows.notify import digest_flow, load_notify_config, notify_flow
    from flows.notify_channels import NotifyConfigError
    from triggers.rules import RuleError

    try:
        config = load_notify_config()  # checked here: a bad file costs no flow run
    except (NotifyConfigError, RuleError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if config is None:
        typer.echo(
            "通知未开启：请将 POLICY_MONITOR_NOTIFY_FILE 设为通道配置文件（见 notify.example.yaml）"
        )
        raise typer.Exit(0)
    if not db.exists():
        typer.echo(f"仓库 {db} 还不存在：请先导入数据并运行 policy-monitor evaluate", err=True)
        raise typer.Exit(2)
    report = retry_busy(lambda: (digest_flow if digest else notify_flow)(db=str(db)))
    if as_json:
        echo_json([report])
    else:
        _print_report(report, digest)
    raise typer.Exit(1 if any(c["error"] for c in report["channels"].values()) else 0)


def _print_report(report: dict, digest: bool) -> None:
    if not report["channels"]:
        typer.echo("没有通道设置 digest: true，未发送每日汇总" if digest else "没有配置通道")
    for name, channel in report["channels"].items():
        if digest:
            line = f"每日汇总未发出：{channel['error']}" if channel["error"] else "已发送每日汇总"
        else:
            line = f"已发送 {channel['sent']} 条"
            if channel["error"]:
                line += f"，{channel['failed']} 条未发出（下次运行重发）：{channel['error']}"
        typer.echo(f"  {name:<16} {line}")
    if not digest:
        closed = report["closed"]
        typer.echo(
            f"发件箱：完成 {closed['sent']} 条，无通道订阅 {closed['unrouted']} 条，"
            f"过期未发 {closed['expired']} 条，仍待发送 {report['pending']} 条"
        )
