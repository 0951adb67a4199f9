"""Apply the actions people queued (acknowledge, resolve, silence) to the warehouse."""

from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from appstate.queue import mark_applied, pending_actions
from appstate.store import open_state
from triggers.lifecycle import AlertStateError
from warehouse.alerts import acknowledge, add_silence, resolve
from warehouse.errors import AlertNotFound

# queued kind → the change (the state store queues ack, resolve and silence; reopen has no queue kind)
PERSON_ACTIONS = {"ack": acknowledge, "resolve": resolve}


def apply_actions(con: duckdb.DuckDBPyConnection, db: Path) -> int:
    """Apply every pending action in the order given, with its own time and author; return how many.

    An action the alert's state no longer allows (acknowledged twice, already resolved) is
    marked with the reason rather than retried for ever.
    """
    with open_state(db) as state:
        actions = pending_actions(state)
        for action in actions:
            at = datetime.fromisoformat(action["created_at"])
            payload = action["payload"]
            try:
                if action["kind"] in PERSON_ACTIONS:
                    PERSON_ACTIONS[action["kind"]](
                        con, action["alert_id"], action["actor"], payload.get("note"), at
                    )
                else:
                    add_silence(
                        con,
                        author=action["actor"],
                        reason=payload["reason"],
                        now=at,
                        expires_at=at + timedelta(hours=float(payload["hours"])),
                        rule_id=payload.get("rule_id"),
                        subject_prefix=payload.get("subject_prefix"),
                        region_prefix=payload.get("region_prefix"),
                    )
                result = "applied"
            except (AlertNotFound, AlertStateError) as exc:
                result = f"refused: {exc}"
            mark_applied(state, action["action_id"], result)
            state.commit()
    return len(actions)


def apply_now(db: Path) -> bool:
    """Try to apply the queued actions at once and republish; False if a load holds the warehouse.

    The actions stay queued in that case and the next evaluation applies them.
    """
    from warehouse.connection import connect
    from warehouse.errors import WarehouseBusy
    from warehouse.replica import publish

    try:
        with connect(db, wait_seconds=2) as con:
            if apply_actions(con, db):
                publish(con, db)
    except WarehouseBusy:
        return False
    return True
