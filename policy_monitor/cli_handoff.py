"""How a write command runs its flows: against the running service's Prefect API when there is
one (no temporary server, the runs show in the service's UI), else offline, saying once why slow.

`prefer_service` must run before Prefect is imported: Prefect reads PREFECT_API_URL then.
"""

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from flows.service_state import first_explanation, read_state, stale_reason

EXPLAIN = (
    "提示：首次/每次运行都要启动临时 Prefect 服务（约 15 秒）；"
    "运行 policy-monitor serve 后命令会交给服务执行，只需几秒"
)


def running_service(db: Path) -> dict | None:
    """Return the state of the live service of `db`, or None (a stale file is said once)."""
    state = read_state(db)
    if state is None:
        return None
    if reason := stale_reason(state):
        typer.echo(f"忽略过期的服务状态文件（{reason}）", err=True)
        return None
    return state


def prefer_service(db: Path, verbose: bool = False) -> str | None:
    """Point Prefect at the service of `db` (or the user's PREFECT_API_URL); return the API URL.

    Without either, the flows start Prefect's temporary server: the first time (per warehouse),
    or every time with `verbose`, the user is told why that is slow and how to avoid it.
    """
    if url := os.environ.get("PREFECT_API_URL"):
        return url  # a Prefect server the bureau runs: used as is
    if state := running_service(db):
        os.environ["PREFECT_API_URL"] = state["api_url"]
        typer.echo(f"已交由运行中的服务（{state['api_url'].removesuffix('/api')}）执行", err=True)
        return state["api_url"]
    if first_explanation(db) or verbose:
        typer.echo(EXPLAIN, err=True)
    return None


def retry_busy(run: Callable[[], Any], wait: float = 120.0, pause: float = 2.0) -> Any:
    """Call `run`; while the warehouse is busy (the service writing), say so and retry."""
    from warehouse.errors import WarehouseBusy

    deadline = time.monotonic() + wait
    said = False
    while True:
        try:
            return run()
        except WarehouseBusy:
            if time.monotonic() + pause > deadline:
                raise
            if not said:
                typer.echo("仓库正由服务写入，等待其完成后重试…", err=True)
                said = True
            time.sleep(pause)


def hand_to_inbox(state: dict, kind: str, paths: list[Path], wait: float) -> list[dict]:
    """Put each file into the service's `inbox/<kind>/` and return its account once filed.

    Each file is written under a dot-name and renamed into place (the service never takes half
    a file). Exits 2, saying which files are still waiting, if the accounts take over `wait` s.
    """
    from appstate import inbox

    folder = Path(state["inbox"])
    stored = [
        (path, inbox.save_upload(folder, kind, path.name, path.read_bytes())) for path in paths
    ]
    deadline = time.monotonic() + wait
    accounts: dict[str, dict] = {}
    while len(accounts) < len(stored):
        for path, name in stored:
            if name not in accounts and (account := inbox.read_account(folder, name)) is not None:
                accounts[name] = account | {"file": path.name}
        if len(accounts) == len(stored):
            break
        if time.monotonic() > deadline:
            waiting = [n for _, n in stored if n not in accounts]
            typer.echo(
                f"服务在 {wait:g} 秒内未处理完：{', '.join(waiting)} 仍在收件箱 {folder / kind}"
                "（服务稍后会处理，结果见 processed/ 或 rejected/）",
                err=True,
            )
            raise typer.Exit(2)
        time.sleep(0.2)
    return [accounts[name] for _, name in stored]
