"""Serve the dashboard with waitress (a production WSGI server, not Flask's debug server)."""

from pathlib import Path

from waitress import serve as waitress_serve

from dashboard.app import create_app


def serve(db: Path, host: str = "127.0.0.1", port: int = 8050, threads: int = 8) -> None:
    """Serve the dashboard for warehouse `db` until interrupted."""
    serve_app(create_app(db), host, port, threads)


def serve_app(app, host: str, port: int, threads: int = 8) -> None:
    """Serve an app made by `create_app` (made in the main thread: Dash Pages needs it there)."""
    waitress_serve(app.server, host=host, port=port, threads=threads, ident="")  # no Server banner
