"""The Facebook Login dialog (§2.1): `/dialog/oauth` and `/vNN.0/dialog/oauth`, a plain accessible form.

GET renders the form (log-in-as select, one ticked checkbox per requested permission, Continue and
Cancel). POST with `action=continue` issues a single-use 10-minute code bound to client_id,
redirect_uri, user and the ticked scopes (unticked ones are declined) and redirects to
`redirect_uri?code=…&state=…`; `action=cancel` redirects with `error=access_denied`.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from graph_sandbox.dialog_pages import ENV, error_page, parse_scopes, redirect_back
from graph_sandbox.errors import invalid_app_id
from graph_sandbox.permissions import LoginFlavour, invalid_scopes
from graph_sandbox.state import Sandbox
from graph_sandbox.world import OAuthCode

router = APIRouter()

_FORM = ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in with Facebook</title></head>
<body><main>
<h1>{{ app_name }} is requesting access</h1>
<form method="post" action="">
  <input type="hidden" name="client_id" value="{{ client_id }}">
  <input type="hidden" name="redirect_uri" value="{{ redirect_uri }}">
  <input type="hidden" name="state" value="{{ state }}">
  <input type="hidden" name="response_type" value="{{ response_type }}">
  <input type="hidden" name="scope" value="{{ scopes | join(',') }}">
  <p><label for="user_id">Log in as</label>
  <select id="user_id" name="user_id">
  {% for user in users %}
    <option value="{{ user.id }}"{% if user.id == default_user %} selected{% endif %}>{{ user.name }}</option>
  {% endfor %}</select></p>
  <fieldset><legend>Permissions</legend>
  {% for scope in scopes %}
  <p><input type="checkbox" id="perm-{{ scope }}" name="granted" value="{{ scope }}" checked>
  <label for="perm-{{ scope }}">{{ scope }}</label></p>
  {% endfor %}</fieldset>
  <button type="submit" name="action" value="continue">Continue</button>
  <button type="submit" name="action" value="cancel">Cancel</button>
</form>
</main></body></html>
"""
)


def _error_page(message: str) -> HTMLResponse:
    return error_page(message, heading="Sorry, something went wrong.")


def _problem(
    sandbox: Sandbox, client_id: str | None, redirect_uri: str | None, scopes: list[str]
) -> str | None:
    if client_id != sandbox.config.app_id:
        return invalid_app_id().message
    if not redirect_uri:
        return "The redirect_uri parameter is required."
    invalid = invalid_scopes(LoginFlavour.FACEBOOK, scopes)
    return invalid_scopes_message(invalid) if invalid else None


def invalid_scopes_message(invalid: list[str]) -> str:
    """The Facebook Login dialog's page for names it does not grant, `instagram_business_*` included.

    Wording as Meta shows it to the app's developers (e.g. alixandru/q2a-open-login#83, and the Postiz
    reports gitroomhq/postiz-app#1578 and #1199 for the `instagram_business_*` names); there is no
    Continue. Valid names: https://developers.facebook.com/docs/permissions.
    """
    return (
        f"Invalid Scopes: {', '.join(invalid)}. This message is only shown to developers. Users of your "
        "app will ignore these permissions if present. Please read the documentation for valid "
        "permissions at: https://developers.facebook.com/docs/facebook-login/permissions"
    )


@router.get("/dialog/oauth", response_class=HTMLResponse, include_in_schema=False)
@router.get("/{version}/dialog/oauth", response_class=HTMLResponse, include_in_schema=False)
async def show_dialog(request: Request) -> Response:
    """Render the consent form."""
    sandbox: Sandbox = request.app.state.sandbox
    query = request.query_params
    scopes = parse_scopes(query.get("scope", "public_profile"))
    problem = _problem(sandbox, query.get("client_id"), query.get("redirect_uri"), scopes)
    if problem is not None:
        return _error_page(problem)
    page = _FORM.render(
        app_name=sandbox.config.app_name,
        client_id=query.get("client_id"),
        redirect_uri=query.get("redirect_uri"),
        state=query.get("state", ""),
        response_type=query.get("response_type", "code"),
        scopes=scopes,
        users=list(sandbox.world.fb_users.values()),
        default_user=sandbox.world.default_fb_user_id,
    )
    return HTMLResponse(page)


@router.post("/dialog/oauth", include_in_schema=False)
@router.post("/{version}/dialog/oauth", include_in_schema=False)
async def submit_dialog(request: Request) -> Response:
    """Continue → code; Cancel → access_denied."""
    sandbox: Sandbox = request.app.state.sandbox
    form = await request.form()
    field = {key: value for key, value in form.items() if isinstance(value, str)}
    requested = parse_scopes(field.get("scope", ""))
    redirect_uri, state = field.get("redirect_uri", ""), field.get("state", "")
    problem = _problem(sandbox, field.get("client_id"), redirect_uri, requested)
    if problem is not None:
        return _error_page(problem)
    if field.get("action") != "continue":
        denied = {
            "error": "access_denied",
            "error_reason": "user_denied",
            "error_description": "Permissions error",
        }
        return redirect_back(redirect_uri, {**denied, "state": state})
    user = sandbox.world.fb_users.get(field.get("user_id", sandbox.world.default_fb_user_id))
    if user is None:
        return _error_page("Unknown user.")
    ticked = {value for value in form.getlist("granted") if isinstance(value, str)}
    granted = [scope for scope in requested if scope in ticked]
    declined = [scope for scope in requested if scope not in ticked]
    code = OAuthCode(
        value=sandbox.world.ids.code(),
        app_id=sandbox.config.app_id,
        redirect_uri=redirect_uri,
        fb_user_id=user.id,
        scopes=granted,
        declined=declined,
        expires_at=sandbox.clock.now() + timedelta(seconds=sandbox.config.oauth_code_seconds),
    )
    sandbox.world.codes[code.value] = code
    return redirect_back(redirect_uri, {"code": code.value, "state": state})
