"""CLI commands around the dashboard: users (add, passwd, disable, enable, list), and serving it.

Every user change is recorded in the audit log as done by the operating-system user ("cli:<user>").
"""

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from policy_monitor.cli_common import region_option

users = typer.Typer(help="Dashboard users (stored beside the warehouse).", no_args_is_help=True)
Name = Annotated[str, typer.Argument(help="Login name")]


def _password() -> str:
    from appstate.errors import UserError
    from appstate.users import check_password_rules

    if sys.stdin.isatty():
        password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        check_password_rules(password)
    except UserError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    return password


def _change(db: Path, action: str, name: str, change, detail: dict | None = None) -> None:
    """Apply `change(con)` to the state database and audit it; a UserError exits with 2."""
    from appstate.audit import cli_source, record
    from appstate.errors import UserError
    from appstate.store import open_state

    try:
        with open_state(db) as con:
            change(con)
            record(con, action, cli_source(), cli_source(), {"user": name, **(detail or {})})
    except UserError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


@users.command("add")
def user_add(
    ctx: typer.Context,
    name: Name,
    role: Annotated[str, typer.Option(help="leader | staff | county | admin")],
    region: Annotated[
        str | None, typer.Option(help="Region code (required for county)", callback=region_option)
    ] = None,
) -> None:
    """Create or replace a user; the password is prompted (or read from standard input).

    A password has at least 10 characters of at least two classes (lower, upper, digit, other).
    """
    from appstate.users import add_user, hash_password

    hashed = hash_password(_password())
    _change(
        Path(ctx.obj["db"]),
        "user_add",
        name,
        lambda con: add_user(con, name, role, region, hashed),
        {"role": role, "region": region},
    )
    typer.echo(f"已保存用户 {name}（{role}{'，' + region if region else ''}）")


@users.command("passwd")
def user_passwd(ctx: typer.Context, name: Name) -> None:
    """Set a new password (prompted or from standard input); the user's sessions end."""
    from appstate.sessions import end_user_sessions
    from appstate.users import hash_password, set_password

    hashed = hash_password(_password())

    def change(con):
        set_password(con, name, hashed)
        end_user_sessions(con, name, datetime.now(UTC), "password changed")

    _change(Path(ctx.obj["db"]), "user_passwd", name, change)
    typer.echo(f"已修改用户 {name} 的密码")


@users.command("disable")
def user_disable(ctx: typer.Context, name: Name) -> None:
    """Disable a user: no more logins, sessions end; their history and audit rows stay."""
    from appstate.sessions import end_user_sessions
    from appstate.users import set_disabled

    def change(con):
        set_disabled(con, name, True)
        end_user_sessions(con, name, datetime.now(UTC), "disabled")

    _change(Path(ctx.obj["db"]), "user_disable", name, change)
    typer.echo(f"已停用用户 {name}（历史记录保留；user enable 可恢复）")


@users.command("enable")
def user_enable(ctx: typer.Context, name: Name) -> None:
    """Re-enable a disabled user."""
    from appstate.users import set_disabled

    _change(Path(ctx.obj["db"]), "user_enable", name, lambda con: set_disabled(con, name, False))
    typer.echo(f"已启用用户 {name}")


@users.command("list")
def user_list(ctx: typer.Context) -> None:
    """List users, their roles and whether they are disabled."""
    from appstate.store import open_state
    from appstate.users import list_users

    with open_state(Path(ctx.obj["db"])) as con:
        for row in list_users(con):
            state = f"已停用 {row['disabled_at'][:10]}" if row["disabled_at"] else ""
            typer.echo(
                f"{row['name']:<16} {row['role']:<8} {row['region_code'] or '':<8} {state}".rstrip()
            )


def dashboard(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8050,
) -> None:
    """Serve the dashboard (waitress) for the warehouse's published replica."""
    from dashboard.server import serve

    typer.echo(f"仪表盘：http://{host}:{port}/ （Ctrl+C 停止）")
    serve(Path(ctx.obj["db"]), host=host, port=port)
