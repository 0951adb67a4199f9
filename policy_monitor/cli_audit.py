"""The `audit` command: who did what, when, from where (logins, uploads, exports, user changes…)."""

from datetime import datetime, time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

SHANGHAI = ZoneInfo("Asia/Shanghai")
ACTIONS = {
    "login_ok": "登录成功",
    "login_failed": "登录失败",
    "login_lock": "登录锁定",
    "login_locked": "锁定期间拒绝登录",
    "logout": "退出",
    "session_timeout": "会话超时",
    "upload": "上传文件",
    "upload_refused": "上传被拒",
    "export": "导出 Excel",
    "user_add": "新增用户",
    "user_passwd": "修改密码",
    "user_disable": "停用用户",
    "user_enable": "启用用户",
    "ack": "确认告警",
    "resolve": "关闭告警",
    "silence": "静默",
    "ack_refused": "确认告警被拒",
    "resolve_refused": "关闭告警被拒",
    "silence_refused": "静默被拒",
    "report": "生成简报",
}


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"--since expects YYYY-MM-DD[THH:MM], got {text!r}") from None
    if len(text) == 10:
        moment = datetime.combine(moment.date(), time())
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def audit(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="From this date or time on (Beijing time unless given)")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only what this user did")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array")] = False,
    purge: Annotated[
        bool, typer.Option(help="First delete rows older than POLICY_MONITOR_AUDIT_RETENTION_DAYS")
    ] = False,
) -> None:
    """Show the audit log (append-only): logins, logouts, uploads, exports, user changes, actions."""
    from appstate.audit import entries
    from appstate.audit import purge as purge_rows
    from appstate.settings import AppStateSettings
    from appstate.store import open_state
    from policy_monitor.cli_common import echo_json

    with open_state(Path(ctx.obj["db"])) as con:
        if purge:
            gone = purge_rows(con, AppStateSettings().audit_retention_days)
            typer.echo(f"已清除保存期以外的审计记录 {gone} 条", err=True)
        rows = entries(con, _since(since), user)
    if as_json:
        return echo_json(rows)
    for row in rows:
        at = datetime.fromisoformat(row["at"]).astimezone(SHANGHAI)
        detail = "，".join(f"{k}={v}" for k, v in row["detail"].items() if v not in (None, "", {}))
        word = ACTIONS.get(row["action"], row["action"])
        typer.echo(
            f"{at:%Y-%m-%d %H:%M:%S} {word:<10} {row['actor']:<12} {row['source']:<16} {detail}"
        )
    if not rows:
        typer.echo("（没有符合条件的审计记录）")
