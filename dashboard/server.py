"""Serve the dashboard with waitress (a production WSGI server, not Flask's debug server)."""

from pathlib import Path

from waitress import serve as waitress_serve

from dashboard.app import create_app


def serve(db: Path, host: str = "127.0.0.1", port: int = 8050, threads: int = 8) -> None:
    """Serve the dashboard for warehouse `db` until interrupted."""
    app = create_app(db)
    waitress_serve(app.server, host=host, port=port, threads=threads, ident="policy-monitor")
