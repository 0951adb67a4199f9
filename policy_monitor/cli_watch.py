"""CLI command of the ingest service: watch the inbox where browser uploads land."""

import signal
from pathlib import Path
from typing import Annotated

import typer


def _interrupt(_signum, _frame) -> None:
    # `systemctl stop` sends SIGTERM: stop like Ctrl+C, so the heartbeat is cleared
    raise KeyboardInterrupt


def watch(
    ctx: typer.Context,
    interval: Annotated[int, typer.Option(min=1, help="Seconds between looks at the inbox")] = 10,
    once: Annotated[bool, typer.Option(help="Process what waits now, then exit")] = False,
) -> None:
    """Ingest files as they arrive in the inbox (dashboard uploads); Ctrl+C stops.

    With --once, exit 0 all loaded, 1 rows quarantined, 2 a file rejected (as ingest does).
    """
    from appstate.inbox import inbox_path
    from policy_monitor.cli_common import print_account, quiet_prefect

    quiet_prefect()
    from flows.inbox import watch as watch_inbox

    db = Path(ctx.obj["db"])
    if not once:
        typer.echo(f"导入服务：每 {interval} 秒查看收件箱 {inbox_path(db)}（Ctrl+C 停止）")
        signal.signal(signal.SIGTERM, _interrupt)
    accounts = watch_inbox(db, interval=interval, once=once, on_account=print_account)
    if once:
        statuses = {a["status"] for a in accounts}
        raise typer.Exit(2 if "rejected" in statuses else 1 if "partial" in statuses else 0)
    typer.echo(f"导入服务已停止：本次处理 {len(accounts)} 个文件")
