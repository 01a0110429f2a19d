"""What a login's browser gets: the nonce cookie that ties its state to it, and the callback's answer (a
tiny page that `postMessage`s the result to the opener, or a redirect)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clipper.config import Settings
from clipper.oauth.outcomes import CallbackResult
from clipper.oauth.state_store import STATE_TTL_SECONDS

# HttpOnly, SameSite=Lax, path = the callback: ties a state to the browser that asked for it.
NONCE_COOKIE = "clipper_oauth_nonce"

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_PAGE = _ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="referrer" content="no-referrer"></head>
<body><main>
<h1>{{ title }}</h1>
{% if detail %}<p role="alert">{{ detail }}</p>{% endif %}
<p><a href="{{ redirect_url }}">Back to your accounts</a></p>
</main>
<script id="oauth-result" type="application/json">{{ payload | safe }}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById("oauth-result").textContent);
  if (window.opener && !window.opener.closed) {
    window.opener.postMessage(data.message, data.target_origin);
    window.close();
  } else {
    window.location.replace(data.redirect_url);
  }
})();
</script>
</body></html>
"""
)
_TITLES = {
    "success": "Instagram connected",
    "cancelled": "Connection cancelled",
    "error": "Instagram could not be connected",
}


def _nonce_cookie_attributes(redirect_uri: str) -> dict[str, Any]:
    # Set and deleted with the same attributes: a browser matches a cookie by them. Only the callback
    # ever needs the cookie: no other request carries it.
    return {
        "path": urlsplit(redirect_uri).path,
        "secure": redirect_uri.startswith("https://"),
        "httponly": True,
        "samesite": "lax",
    }


def set_nonce_cookie(response: Response, *, redirect_uri: str, nonce: str) -> None:
    """Give the browser the nonce its login's state is bound to (it lives as long as the state)."""
    response.set_cookie(
        NONCE_COOKIE, nonce, max_age=STATE_TTL_SECONDS, **_nonce_cookie_attributes(redirect_uri)
    )


def clear_nonce_cookie(response: Response, *, redirect_uri: str) -> None:
    """Drop the nonce cookie: the state it guarded is used up."""
    response.delete_cookie(NONCE_COOKIE, **_nonce_cookie_attributes(redirect_uri))


def frontend_origin(settings: Settings) -> str:
    """The exact origin the opener must have (scheme, host and port of FRONTEND_URL)."""
    parts = urlsplit(settings.frontend_url)
    return f"{parts.scheme}://{parts.netloc}"


def accounts_page_url(settings: Settings, result: CallbackResult) -> str:
    """The frontend's accounts page with the result in the query (the no-opener and redirect flows)."""
    query = {
        "oauth": result.status,
        "platform": result.platform,
        "accounts_available": str(result.accounts_available),
    }
    for key in ("error", "reason", "account_id", "help_url", "hint", "permissions_hint"):
        value = getattr(result, key)
        if value is not None:
            query[key] = str(value)
    if result.missing_permissions:
        query["missing_permissions"] = ",".join(result.missing_permissions)
    return f"{settings.frontend_url}/accounts?{urlencode(query)}"


def _script_json(value: dict[str, Any]) -> str:
    """JSON safe inside a <script> element (no `</script>`, no HTML-significant characters)."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def callback_response(settings: Settings, result: CallbackResult) -> Response:
    """Redirect (redirect flow) or the postMessage page (popup flow), with the result's status code."""
    redirect_url = accounts_page_url(settings, result)
    if result.flow == "redirect" and result.http_status < 400:
        return RedirectResponse(redirect_url, status_code=302)
    payload = {
        "message": result.message(),
        "target_origin": frontend_origin(settings),
        "redirect_url": redirect_url,
    }
    page = _PAGE.render(
        title=_TITLES.get(result.status, "Instagram"),
        detail=" ".join(filter(None, (result.error or result.hint, result.permissions_hint))),
        redirect_url=redirect_url,
        payload=_script_json(payload),
    )
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(page, status_code=result.http_status, headers=headers)
