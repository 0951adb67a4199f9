"""Where pages get their data: the replica of the warehouse this server was started for, and the
signed-in user's scope. Pages call warehouse query functions with these; they hold no SQL."""

from collections.abc import Callable
from pathlib import Path

import duckdb
import flask
from flask_login import current_user

from triggers.jurisdictions import RegionCodeError, normalise_region
from warehouse import reads
from warehouse.replica import read_connection, refreshed_at


class DataUnavailable(RuntimeError):
    """The warehouse has not been published yet and is busy, or does not exist."""


def db_path() -> Path:
    """Return the warehouse path this server reads."""
    return Path(flask.current_app.config["PM_DB"])


def scope() -> str | None:
    """Return the region the signed-in user may see (None: all)."""
    return current_user.scope


def region_param(text: str | None) -> str | None:
    """Return a region filter from the URL or a dropdown, normalised; None if absent or no code."""
    try:
        return normalise_region(text) if text else None
    except RegionCodeError:
        return None


def user():
    """Return the signed-in user."""
    return current_user


def read(query: Callable, *args, **kwargs):
    """Run a warehouse query on the replica for the signed-in user's scope."""
    try:
        cursor = read_connection(db_path())
    except (duckdb.IOException, FileNotFoundError) as exc:
        raise DataUnavailable("数据尚未发布：请先导入数据并完成一次评估（evaluate）") from exc
    try:
        return query(cursor, *args, **kwargs)
    except duckdb.CatalogException as exc:
        raise DataUnavailable("仓库结构较旧：请用新版本运行一次导入或评估") from exc
    finally:
        cursor.close()


def refreshed():
    """Return when the data on screen was last published."""
    return refreshed_at(db_path())


_names: dict = {}


def region_names() -> dict[str, str]:
    """Return region code → name (read once per published replica)."""
    stamp = refreshed()
    if stamp not in _names:
        _names.clear()
        _names[stamp] = read(reads.query_region_names)
    return _names[stamp]
