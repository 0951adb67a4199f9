"""`demo` (one command from nothing to a dashboard) and `serve` (the unattended service)."""

import shutil
import time
from pathlib import Path
from typing import Annotated

import typer

Host = Annotated[str, typer.Option(help="Address the dashboard listens on")]
Port = Annotated[int, typer.Option(help="Dashboard port")]


def demo(
    host: Host = "127.0.0.1",
    port: Port = 8050,
    folder: Annotated[Path, typer.Option(help="Where the demo warehouse and files go")] = Path(
        "data/demo"
    ),
    year: Annotated[int, typer.Option(help="Year of the sample data")] = 2022,
) -> None:
    """Create a demo warehouse from a year of sample files and serve the dashboard (offline)."""
    from policy_monitor.cli_common import quiet_prefect

    quiet_prefect()
    from flows.demo import create_demo_users, demo_flow

    started = time.monotonic()
    if folder.exists():
        shutil.rmtree(folder)  # a demo always starts from nothing
    folder.mkdir(parents=True)
    typer.echo(f"正在生成 {year} 年阿勒泰地区示例数据并导入、评估（约半分钟）…")
    summary = demo_flow(folder=str(folder), year=year)
    db = folder / "warehouse.duckdb"
    users = create_demo_users(db)
    counts = summary["evaluation"]["counts"]
    typer.echo(f"已导入 {summary['files']} 个文件，评估日期 {summary['evaluation']['as_of']}：")
    for name, levels in counts.items():
        typer.echo(f"  {name:<14} {levels}")
    typer.echo(
        f"\n仪表盘：http://{host}:{port}/   （准备用时 {time.monotonic() - started:.0f} 秒，Ctrl+C 停止）"
    )
    typer.echo("演示账号（本次随机生成）：")
    for name, role, password in users:
        typer.echo(f"  {name:<8} 密码 {password:<14} （{role}）")
    from dashboard.server import serve

    serve(db, host=host, port=port)


def serve(
    ctx: typer.Context,
    host: Host = "127.0.0.1",
    port: Port = 8050,
    prefect_port: Annotated[
        int, typer.Option(help="Port of the Prefect server started when none is configured")
    ] = 4200,
) -> None:
    """Run the unattended service: Prefect server and scheduled deployments, and the dashboard."""
    from policy_monitor.cli_common import quiet_prefect

    quiet_prefect()
    import threading

    from dashboard.app import create_app
    from dashboard.server import serve_app
    from flows.service import run_service

    db = Path(ctx.obj["db"])
    dashboard_app = create_app(db)

    def start_dashboard(api_url: str) -> None:
        threading.Thread(target=serve_app, args=(dashboard_app, host, port), daemon=True).start()
        typer.echo(f"仪表盘 http://{host}:{port}/ · Prefect {api_url.removesuffix('/api')}")

    run_service(db, prefect_port=prefect_port, on_ready=start_dashboard)
