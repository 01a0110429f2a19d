"""The callback's answer: a tiny page that `postMessage`s the result to the opener, or a redirect."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clipper.config import Settings
from clipper.oauth.outcomes import CallbackResult

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
