"""Response headers against framing, sniffing and injected scripts; no server banner.

The Content-Security-Policy allows scripts from this server only, plus the hashes of Dash's own
inline scripts (`app.csp_hashes()`); nothing may frame the pages. Styles allow inline attributes
because Plotly and AG Grid set element styles at run time.
"""

import dash
import flask
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.settings import DashboardSettings


def content_security_policy(app: dash.Dash) -> str:
    """Return the CSP of the dashboard's pages (call after every callback is defined)."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *app.csp_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install_headers(app: dash.Dash, settings: DashboardSettings) -> None:
    """Send the security headers with every response of `app`'s server."""
    server = app.server
    if settings.proxy_hops:
        server.wsgi_app = ProxyFix(
            server.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )
    policy: list[str] = []

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        if not policy:  # computed on the first response, when every callback exists
            policy.append(content_security_policy(app))
        response.headers["Content-Security-Policy"] = policy[0]
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.pop("Server", None)
        if settings.secure_cookies:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if flask.request.path == "/login" or flask.request.path.startswith("/_dash-update"):
            response.headers["Cache-Control"] = "no-store"
        return response
