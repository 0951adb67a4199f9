"""CLI commands around the dashboard: users, and serving it."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from policy_monitor.cli_common import region_option

users = typer.Typer(help="Dashboard users (stored beside the warehouse).", no_args_is_help=True)


def _password() -> str:
    if sys.stdin.isatty():
        password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        typer.echo("密码至少 8 位", err=True)
        raise typer.Exit(2)
    return password


@users.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option(help="leader | staff | county | admin")],
    region: Annotated[
        str | None, typer.Option(help="Region code (required for county)", callback=region_option)
    ] = None,
) -> None:
    """Create or replace a user; the password is prompted (or read from standard input)."""
    from appstate.errors import UserError
    from appstate.store import open_state
    from appstate.users import add_user, hash_password

    password = _password()
    try:
        with open_state(Path(ctx.obj["db"])) as con:
            add_user(con, name, role, region, hash_password(password))
    except UserError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"已保存用户 {name}（{role}{'，' + region if region else ''}）")


@users.command("list")
def user_list(ctx: typer.Context) -> None:
    """List users and their roles."""
    from appstate.store import open_state
    from appstate.users import list_users

    with open_state(Path(ctx.obj["db"])) as con:
        for row in list_users(con):
            typer.echo(f"{row['name']:<16} {row['role']:<8} {row['region_code'] or ''}")


def dashboard(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8050,
) -> None:
    """Serve the dashboard (waitress) for the warehouse's published replica."""
    from dashboard.server import serve

    typer.echo(f"仪表盘：http://{host}:{port}/ （Ctrl+C 停止）")
    serve(Path(ctx.obj["db"]), host=host, port=port)
