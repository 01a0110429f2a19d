"""What the two login dialogs (Facebook Login's `oauth_dialog`, Instagram Login's `instagram_login`) share:
reading the `scope` list, the error page with no way forward, and the redirect back to the app."""

from __future__ import annotations

from urllib.parse import urlencode

import jinja2
from fastapi.responses import HTMLResponse, RedirectResponse

ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_ERROR = ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error</title></head>
<body><main><h1>{{ heading }}</h1><p role="alert">{{ message }}</p></main></body></html>
"""
)


def parse_scopes(raw: str) -> list[str]:
    """A comma-separated (or space-separated) `scope` value as a list of names, in order."""
    return [scope.strip() for scope in raw.replace(" ", ",").split(",") if scope.strip()]


def error_page(message: str, *, heading: str) -> HTMLResponse:
    """The dialog's 400 page: a heading and the reason, no Continue."""
    return HTMLResponse(_ERROR.render(heading=heading, message=message), status_code=400)


def redirect_back(redirect_uri: str, values: dict[str, str], fragment: str = "") -> RedirectResponse:
    """302 to `redirect_uri` with the non-empty `values` added to its query (then `fragment`)."""
    query = urlencode({key: value for key, value in values.items() if value})
    separator = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{separator}{query}{fragment}", status_code=302)
