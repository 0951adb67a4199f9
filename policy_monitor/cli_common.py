"""What the CLI's commands share: how they print (JSON with decimal-string money and ISO dates,
or text), how they read dates, and how they keep Prefect quiet."""

import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import typer

from triggers.jurisdictions import RegionCodeError, normalise_region
from triggers.vocabulary import INGEST_STATUSES as INGEST_WORDS
from triggers.vocabulary import LEVEL_WORDS
from triggers.vocabulary import STATUS as STATUS_WORDS
from triggers.vocabulary import SUBSIDY as SUBSIDY_WORDS
from triggers.wording import pct

# the words and formats the dashboard shows, under the names the commands use
__all__ = ["INGEST_WORDS", "LEVEL_WORDS", "STATUS_WORDS", "SUBSIDY_WORDS", "pct"]


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot print {type(value).__name__} as JSON")


def echo_json(rows) -> None:
    """Print rows as indented JSON with decimal strings and ISO dates."""
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=_plain))


def wan(yuan: Decimal | None) -> str:
    """Return yuan as 万元 with two decimals ('—' for none)."""
    if yuan is None:
        return "—"
    return f"{(Decimal(yuan) / 10000).quantize(Decimal('0.01')):,} 万元"


def quiet_prefect() -> None:
    """Keep Prefect's logs in its own store; the terminal shows what the user asked for."""
    # Flow logs go to Prefect's own store; the terminal shows the account of each file.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A first run on a new machine sets up Prefect's database before its temporary server
    # answers; on 2 cores that has taken longer than Prefect's default 20 s (bench/README.md).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def print_account(account: dict) -> None:
    """Print one file's account: what was read, loaded, quarantined, skipped, and why."""
    word = INGEST_WORDS.get(account["status"], account["status"])
    line = (
        f"[{word}] {account['file']} ({account['kind']}): 读取 {account['rows_read']} 行，"
        f"导入 {account['rows_loaded']}，隔离 {account['rows_quarantined']}，"
        f"跳过 {account['rows_skipped']}"
    )
    typer.echo(line if account["status"] != "rejected" else f"[{word}] {account['file']}")
    if account.get("message"):
        typer.echo(f"    {account['message']}")
    for error in account["errors"][:20]:
        where = f"第 {error['row']} 行" if error.get("row") else ""
        column = f"「{error['column']}」" if error.get("column") else ""
        if account["status"] != "rejected":
            typer.echo(f"    {account['file']} {where}{column}：{error['message']}")
    if account["errors_total"] > 20:
        typer.echo(f"    …共 {account['errors_total']} 处问题，见 quarantine 表")
    for warning in account.get("warnings") or []:
        typer.echo(f"    注意：{warning}")


def parse_date(text: str | None, option: str) -> date | None:
    """Return the ISO date given for `option`, or None; a bad one is a usage error."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{option} expects YYYY-MM-DD, got {text!r}") from exc


def region_option(value: str | None) -> str | None:
    """Return a --region option's code normalised (the one boundary check); bad: usage error."""
    if value is None:
        return None
    try:
        return normalise_region(value)
    except RegionCodeError as exc:
        raise typer.BadParameter(str(exc)) from exc


def open_warehouse(ctx: typer.Context):
    """Return a read-only connection to the warehouse of `--db`; exit 2 if it does not exist yet."""
    from warehouse.connection import connect

    db = Path(ctx.obj["db"])
    if not db.exists():
        typer.echo(f"仓库 {db} 还不存在：请先导入数据并运行 policy-monitor evaluate", err=True)
        raise typer.Exit(2)
    return connect(db, read_only=True)
