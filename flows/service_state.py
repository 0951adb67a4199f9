"""The service's state file: how a CLI command finds the running `serve` of its warehouse.

`serve` writes `<warehouse folder>/.policy-monitor-service.json` (API URL, pid, host, warehouse,
inbox, start time) once its deployments are served and removes it when it stops. A command reads
it and, when the service still answers, runs its flows against that API instead of starting a
temporary Prefect server. A file left by a killed service (pid gone, API silent) is stale.
Nothing here imports Prefect: a command that finds no service pays no import for looking.
"""

import json
import os
import socket
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

STATE_NAME = ".policy-monitor-service.json"
# once per warehouse, a command that starts a temporary Prefect server says why it is slow
EXPLAINED_NAME = ".policy-monitor-explained"


def state_path(db: Path) -> Path:
    """Return where the service of warehouse `db` keeps its state file (beside the warehouse)."""
    return Path(db).resolve().parent / STATE_NAME


def service_state(db: Path, api_url: str, inbox: Path, now: datetime | None = None) -> dict:
    """Return the state of the service of `db` running in this process."""
    return {
        "api_url": api_url,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "db": str(Path(db).resolve()),
        "inbox": str(Path(inbox).resolve()),
        "started_at": (now or datetime.now(UTC)).isoformat(),
    }


def write_state(db: Path, state: dict) -> Path:
    """Write the state file atomically (a reader never sees half of it); return its path."""
    path = state_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{STATE_NAME}.{os.getpid()}.partial")
    partial.write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(partial, path)
    return path


def remove_state(db: Path) -> None:
    """Remove the state file if this process wrote it (a newer service's file stays)."""
    state = read_state(db)
    if state is not None and state.get("pid") == os.getpid():
        state_path(db).unlink(missing_ok=True)


def read_state(db: Path) -> dict | None:
    """Return the state file's content, or None if there is none or it is unreadable."""
    try:
        state = json.loads(state_path(db).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("api_url") else None


def pid_alive(state: dict) -> bool:
    """Return whether the state's process may still run (always True on another host)."""
    if state.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(state["pid"]), 0)
    except (ProcessLookupError, KeyError, ValueError, TypeError):
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


def api_answers(api_url: str, timeout: float = 1.0) -> bool:
    """Return whether the Prefect API at `api_url` answers its health check within `timeout`."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as reply:
            return reply.status == 200
    except (OSError, ValueError):
        return False


def stale_reason(state: dict, timeout: float = 1.0) -> str | None:
    """Return why a state file is stale (its process gone, its API silent), or None if live."""
    if not pid_alive(state):
        return f"服务进程 {state.get('pid')} 已不在运行"
    if not api_answers(state["api_url"], timeout):
        return f"服务 {state['api_url']} 在 {timeout:g} 秒内没有应答"
    return None


def first_explanation(db: Path) -> bool:
    """Return True the first time it is asked for warehouse `db` (leaves a marker beside it)."""
    marker = Path(db).resolve().parent / EXPLAINED_NAME
    if marker.exists():
        return False
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(datetime.now(UTC).isoformat(), encoding="utf-8")
    except OSError:
        pass  # a read-only folder: explaining every time is the lesser harm
    return True
