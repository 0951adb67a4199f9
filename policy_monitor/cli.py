"""The `policy-monitor` command: the one module that may import both flows and dashboard."""

import json
import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from appstate.audit import cli_source, record_in
from policy_monitor import (
    cli_admin,
    cli_audit,
    cli_commitments,
    cli_notify,
    cli_report,
    cli_revisions,
    cli_service,
    cli_triggers,
    cli_watch,
)
from policy_monitor.cli_common import parse_date, print_account, quiet_prefect
from policy_monitor.cli_handoff import hand_to_inbox, prefer_service, retry_busy, running_service
from warehouse.errors import WarehouseError
from warehouse.settings import WarehouseSettings

app = typer.Typer(
    help="政策触发监测 policy-monitor：物价联动、直达资金、专项债券、承诺事项。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
KIND_HELP = (
    "cpi | funds | payments | bonds | beneficiaries | subsidy_payments | arrears | measures"
    " | daily_reports | bond_issuance | guarantees | procurement"
)


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            help="Warehouse file [env POLICY_MONITOR_DB; default ./data/warehouse.duckdb]"
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say how each command runs its flows")
    ] = False,
) -> None:
    """Global options."""
    ctx.obj = {"db": db or WarehouseSettings().db, "verbose": verbose}


@app.command()
def ingest(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    paths: Annotated[list[Path], typer.Argument(help="Files to load")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of accounts")] = False,
    as_of: Annotated[str | None, typer.Option(help="As-of date if the file lacks one")] = None,
    period: Annotated[str | None, typer.Option(help="Month YYYY-MM if the file lacks one")] = None,
    published_on: Annotated[
        str | None, typer.Option(help="Publication date of a CPI release (YYYY-MM-DD)")
    ] = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for a running service to file the accounts")
    ] = 120,
) -> None:
    """Load source files; exit 0 all loaded, 1 rows quarantined, 2 a file rejected.

    With `policy-monitor serve` running for this warehouse, the files go into its inbox and the
    service loads them (options the inbox cannot carry run against the service's Prefect API).
    """
    from appstate.inbox import KINDS

    if kind not in KINDS:
        raise typer.BadParameter(f"unknown kind {kind!r}; use {KIND_HELP}")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        typer.echo(f"找不到文件：{', '.join(missing)}", err=True)
        raise typer.Exit(2)
    dates = {
        "as_of": parse_date(as_of, "--as-of"),
        "period": parse_date(f"{period}-01" if period else None, "--period"),
        "published_on": parse_date(published_on, "--published-on"),
    }
    db = Path(ctx.obj["db"])
    state = None if os.environ.get("PREFECT_API_URL") else running_service(db)
    if state and not any(dates.values()) and all(p.stat().st_size for p in paths):
        typer.echo(f"已交由运行中的服务（{state['api_url'].removesuffix('/api')}）执行", err=True)
        accounts = hand_to_inbox(state, kind, paths, wait)
    else:
        prefer_service(db, ctx.obj.get("verbose", False))
        quiet_prefect()
        from flows.ingest import INGEST_FLOWS, evaluate_after_ingest

        # each step retried on its own: a retried load would find its own rows (duplicate)
        accounts = retry_busy(
            lambda: INGEST_FLOWS[kind](paths=[str(p) for p in paths], db=str(db), **dates)
        )
        retry_busy(lambda: evaluate_after_ingest(accounts, str(db), kind))
    files = {a["file"]: a["status"] for a in accounts}
    record_in(
        Path(ctx.obj["db"]), "ingest", cli_source(), cli_source(), {"kind": kind, "files": files}
    )
    if as_json:
        typer.echo(json.dumps(accounts, ensure_ascii=False, indent=2, default=str))
    else:
        for account in accounts:
            print_account(account)
    statuses = {a["status"] for a in accounts}
    raise typer.Exit(2 if "rejected" in statuses else 1 if "partial" in statuses else 0)


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Show rows stored per dataset and the latest period loaded."""
    from warehouse.queries import status as query

    result = query(ctx.obj["db"])
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(f"仓库 {ctx.obj['db']}：共 {result['ingests']} 次导入")
    for name, info in result["datasets"].items():
        typer.echo(f"  {name:<14} {info['rows']:>10} 行   最新 {info['latest'] or '—'}")


@app.command("sample-data")
def sample_data(
    directory: Annotated[Path, typer.Argument(help="Folder to write the example files into")],
    year: Annotated[int, typer.Option(help="Year of the example data")] = 2022,
) -> None:
    """Write a year of realistic example source files for one prefecture."""
    from samples import write_sample_data

    written = write_sample_data(directory, year=year)
    typer.echo(f"已写入 {len(written)} 个示例文件到 {directory}")


for _command in cli_triggers.COMMANDS:
    app.command()(_command)
app.add_typer(cli_admin.users, name="user")
app.command()(cli_admin.dashboard)
app.command()(cli_audit.audit)
app.command()(cli_watch.watch)
app.command()(cli_report.report)
app.command()(cli_revisions.revisions)
app.command()(cli_commitments.commitments)
app.command()(cli_service.demo)
app.command()(cli_service.serve)
app.command()(cli_notify.notify)


def main() -> None:
    """Console entry point: run the app and turn warehouse errors into one clear line."""
    # SIGTERM (a service manager, a test) unwinds like Ctrl+C, so the temporary Prefect server
    # and the dashboard's threads stop with the command instead of outliving it
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        app()
    except WarehouseError as exc:
        typer.echo(f"错误：{exc}", err=True)
        sys.exit(3)
