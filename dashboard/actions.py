"""What staff do to alerts from the dashboard: queued in the state store, applied when possible."""

from appstate.queue import action_result, queue_action
from appstate.store import open_state
from dashboard import audit, data
from warehouse.actions import apply_now


class NotAllowed(PermissionError):
    """The signed-in user's role may not do this."""


def act(kind: str, payload: dict, alert_id: int | None = None) -> str:
    """Queue an action as the signed-in user and try to apply it; return a sentence for the page."""
    user = data.user()
    if not user.may_act:
        audit.record(f"{kind}_refused", {"alert_id": alert_id, **payload})
        raise NotAllowed("当前角色只能查看，不能处理告警")
    db = data.db_path()
    with open_state(db) as con:
        action_id = queue_action(con, kind, user.name, payload, alert_id)
    audit.record(kind, {"alert_id": alert_id, "action_id": action_id, **payload})
    if not apply_now(db):
        return "已记录，数据正在导入中：导入结束后自动生效（不会丢失）"
    with open_state(db) as con:
        result = action_result(con, action_id) or ""
    return (
        f"未执行：{result.removeprefix('refused: ')}" if result.startswith("refused") else "已保存"
    )
