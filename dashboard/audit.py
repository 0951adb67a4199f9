"""Audit records made by the dashboard: the signed-in user, the remote address, what they did."""

from pathlib import Path

import flask
from flask_login import current_user

from appstate import audit


def address() -> str:
    """Return the client's address (after ProxyFix when POLICY_MONITOR_PROXY_HOPS is set)."""
    return flask.request.remote_addr or "?"


def record(action: str, detail: dict | None = None, actor: str | None = None) -> None:
    """Append an audit row for the current request (nothing outside a request of our server)."""
    if not flask.has_request_context() or "PM_DB" not in flask.current_app.config:
        return
    if actor is None:
        actor = current_user.name if current_user.is_authenticated else "(anonymous)"
    audit.record_in(Path(flask.current_app.config["PM_DB"]), action, actor, address(), detail)


def callback_filters() -> dict:
    """Return the values the running Dash callback was given (its filters), without click counts."""
    import dash

    try:
        values = dash.callback_context.inputs | dash.callback_context.states
    except Exception:  # not inside a callback (a test calling the function directly)
        return {}
    return {
        key.removesuffix(".value"): value
        for key, value in values.items()
        if not key.endswith(("n_clicks", "n_clicks_timestamp"))
    }


def export(sheet: str, rows: int) -> None:
    """Record an Excel export: which page, which filters, how many rows."""
    if not flask.has_request_context():
        return
    page = (flask.request.referrer or "").split("://", 1)[-1].partition("/")[2]
    record(
        "export", {"sheet": sheet, "page": "/" + page, "filters": callback_filters(), "rows": rows}
    )
