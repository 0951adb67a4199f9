"""The Dash shell: login, navigation by role, the page container. Pages live in dashboard/pages/."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dash
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, dcc, html

from appstate import audit
from appstate.logins import purge_attempts
from appstate.sessions import purge_sessions
from appstate.settings import AppStateSettings
from appstate.store import open_state
from dashboard import auth
from dashboard.data import refreshed
from dashboard.format import day
from dashboard.security import install_headers
from dashboard.settings import DashboardSettings

PAGES_FOLDER = Path(__file__).parent / "pages"
SHANGHAI = ZoneInfo("Asia/Shanghai")
STAFF_ONLY = {"/data"}


def _nav(user) -> list:
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in dash.page_registry.values()
        if page["relative_path"] not in STAFF_ONLY or user.may_act
    ]
    who = f"{user.name}（{ {'leader': '领导', 'staff': '财政干部', 'county': '县市', 'admin': '管理员'}[user.role] }）"
    return [
        *links,
        dbc.NavItem(html.Span(who, className="navbar-text ms-3")),
        dbc.NavItem(dbc.NavLink("退出", href="/logout", external_link=True, id="logout")),
    ]


def create_app(db: Path) -> dash.Dash:
    """Return the dashboard for warehouse `db` (pages read its published replica)."""
    server = flask.Flask(__name__)
    server.config["PM_DB"] = str(db)
    settings = DashboardSettings()
    auth.install(server, db, settings)
    with open_state(db) as con:  # keep the audit log to its retention (at least 180 days)
        audit.purge(con, AppStateSettings().audit_retention_days)
        stale = datetime.now(UTC) - settings.lifetime - timedelta(days=1)  # long over; audited
        purge_sessions(con, stale)
        purge_attempts(con, stale)
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(PAGES_FOLDER),
        title="政策触发监测",  # Bootstrap's CSS is served from assets/ (no CDN here)
        suppress_callback_exceptions=True,
        update_title=None,
    )
    app.layout = html.Div(
        [
            dcc.Location(id="url"),
            dbc.Navbar(
                dbc.Container(
                    [
                        dbc.NavbarBrand("政策触发监测", href="/"),
                        dbc.Nav(id="nav", className="ms-auto", navbar=True),
                    ],
                    fluid=True,
                ),
                color="dark",
                dark=True,
                className="no-print",
            ),
            dbc.Container(
                [
                    html.Div(id="refreshed", className="refreshed text-muted small my-1"),
                    dash.page_container,
                ],
                fluid=True,
                className="py-2",
            ),
        ]
    )

    @app.callback(
        Output("nav", "children"), Output("refreshed", "children"), Input("url", "pathname")
    )
    def nav_and_refreshed(_path):
        user = auth.current_user
        stamp = refreshed()
        local = stamp.astimezone(SHANGHAI) if stamp else None
        text = f"数据更新于 {day(local)} {local:%H:%M}（北京时间）" if local else "数据尚未发布"
        return _nav(user), text

    install_headers(app, settings)
    return app
