"""GraphError: Meta's error envelope (GRAPH_API.md §8.1), helpers for the common errors, DroppedConnection.

`GraphError(code, message, ...)` renders as
`{"error": {"message", "type", "code", "error_subcode"?, "is_transient"?, "error_user_title"?,
"error_user_msg"?, "error_data"?, "fbtrace_id"}}` with a fresh `fbtrace_id` per rendering.
Messages never contain token values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from graph_sandbox.ids import fbtrace_id

OAUTH = "OAuthException"
METHOD = "GraphMethodException"


class GraphError(Exception):
    """An error answer from the Graph API; raise it from handlers."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        subcode: int | None = None,
        http_status: int = 400,
        type: str = OAUTH,
        is_transient: bool | None = None,
        error_user_title: str | None = None,
        error_user_msg: str | None = None,
        error_data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.subcode = subcode
        self.http_status = http_status
        self.type = type
        self.is_transient = is_transient
        self.error_user_title = error_user_title
        self.error_user_msg = error_user_msg
        self.error_data = error_data
        self.headers = dict(headers or {})

    def __repr__(self) -> str:
        return f"GraphError(code={self.code}, subcode={self.subcode}, message={self.message!r})"

    def body(self) -> dict[str, Any]:
        """The JSON envelope, with a fresh fbtrace_id."""
        error: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.is_transient is not None:
            error["is_transient"] = self.is_transient
        if self.error_user_title is not None:
            error["error_user_title"] = self.error_user_title
        if self.error_user_msg is not None:
            error["error_user_msg"] = self.error_user_msg
        if self.error_data is not None:
            error["error_data"] = self.error_data
        error["fbtrace_id"] = fbtrace_id()
        return {"error": error}


class DroppedConnection(httpx.RemoteProtocolError):
    """Raised by fault injection: the client sees the connection die without a complete response."""

    def __init__(self, message: str = "Server disconnected without sending a complete response.") -> None:
        super().__init__(message)


# --- tokens -----------------------------------------------------------------------------------------

_VALIDATING = "Error validating access token: "


def _challenge(kind: str, message: str) -> dict[str, str]:
    """The `WWW-Authenticate` header Meta adds to token errors."""
    return {"www-authenticate": f'OAuth "Facebook Platform" "{kind}" "{message}"'}


def missing_token() -> GraphError:
    """Code 104: no token at all."""
    message = "An access token is required to request this resource."
    return GraphError(104, message, headers=_challenge("invalid_request", message))


def invalid_token() -> GraphError:
    """Code 190 without subcode: malformed or unknown token."""
    message = "Invalid OAuth access token - Cannot parse access token"
    return GraphError(190, message, headers=_challenge("invalid_token", message))


def _fb_time(moment: datetime) -> str:
    return moment.strftime("%A, %d-%b-%y %H:%M:%S UTC")


def expired_token(expired_at: datetime, now: datetime) -> GraphError:
    """190/463: the session has expired."""
    message = (
        f"{_VALIDATING}Session has expired on {_fb_time(expired_at)}. The current time is {_fb_time(now)}."
    )
    return GraphError(190, message, subcode=463, headers=_challenge("invalid_token", message))


TOKEN_SUBCODE_MESSAGES: dict[int, str] = {
    458: "The user has not authorized application {app_id}.",
    459: "You cannot access the app till you log in to www.facebook.com and follow the instructions given.",
    460: "The session has been invalidated because the user changed their password or Facebook has "
    "changed the session for security reasons.",
    463: "Session has expired.",
    464: "Sessions for the user are not allowed because the user is not a confirmed user.",
    467: "The session is invalid because the user logged out.",
    492: "The session is invalid because the user is no longer an admin of the page.",
    493: "Data access for the user has expired because the user hasn't engaged the app in longer than "
    "90 days.",
}


def invalidated_token(subcode: int, app_id: str) -> GraphError:
    """190 with one of the session subcodes (458 revoked, 460 password change, 467 logged out …)."""
    message = _VALIDATING + TOKEN_SUBCODE_MESSAGES.get(subcode, "The session is invalid.").format(
        app_id=app_id
    )
    return GraphError(190, message, subcode=subcode, headers=_challenge("invalid_token", message))


def appsecret_proof_missing() -> GraphError:
    """§1.3: Require App Secret is on and no proof came."""
    return GraphError(100, "API calls from the server require an appsecret_proof argument", type=METHOD)


def appsecret_proof_invalid() -> GraphError:
    """§1.3: the proof does not match the token."""
    return GraphError(100, "Invalid appsecret_proof provided in the API argument", type=METHOD)


# --- permissions, paths, fields, parameters --------------------------------------------------------------


def missing_permission(permission: str) -> GraphError:
    """(#200) Requires <perm> permission."""
    return GraphError(200, f"(#200) Requires {permission} permission", http_status=403)


def permission_denied(
    message: str = "(#10) Application does not have permission for this action",
) -> GraphError:
    """Code 10: permission denied."""
    return GraphError(10, message, http_status=403)


def unsupported_request(node_id: str, method: str) -> GraphError:
    """100/33: the object does not exist, is not visible, or does not support the method."""
    message = (
        f"Unsupported {method.lower()} request. Object with ID '{node_id}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation. Please read the Graph API "
        "documentation at https://developers.facebook.com/docs/graph-api"
    )
    return GraphError(100, message, subcode=33, type=METHOD)


def unknown_path(components: str) -> GraphError:
    """An edge that does not exist on the node."""
    return GraphError(100, f"Unknown path components: /{components}")


def nonexisting_field(field: str, node_type: str) -> GraphError:
    """(#100) Tried accessing nonexisting field (<f>) on node type (<Type>)."""
    return GraphError(100, f"(#100) Tried accessing nonexisting field ({field}) on node type ({node_type})")


def invalid_parameter(message: str = "(#100) Invalid parameter", *, subcode: int | None = None) -> GraphError:
    """Code 100: a parameter is malformed."""
    return GraphError(100, message, subcode=subcode)


def missing_parameter(name: str) -> GraphError:
    """Code 100: a required parameter is absent."""
    return GraphError(100, f"(#100) The parameter {name} is required")


def unknown_parameter(name: str) -> GraphError:
    """Code 100: a parameter the endpoint does not take."""
    return GraphError(100, f"(#100) Param {name} is not allowed")


# --- rate limits and server errors --------------------------------------------------------------------------

RATE_LIMIT_MESSAGES: dict[int, str] = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
    80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
}


def rate_limited(code: int) -> GraphError:
    """A throttling error: 4/17/32/613 answer HTTP 403, the BUC codes (800xx) HTTP 400."""
    message = RATE_LIMIT_MESSAGES.get(code, f"(#{code}) Rate limit reached")
    status = 403 if code in (4, 17, 32, 613) else 400
    return GraphError(code, message, http_status=status, is_transient=True)


def unknown_error() -> GraphError:
    """Code 1, HTTP 500, transient."""
    return GraphError(1, "An unknown error occurred", http_status=500, is_transient=True)


def service_unavailable() -> GraphError:
    """Code 2, HTTP 500, transient."""
    return GraphError(
        2,
        "An unexpected error has occurred. Please retry your request later.",
        http_status=500,
        is_transient=True,
    )


# --- OAuth ---------------------------------------------------------------------------------------------


def invalid_app_id() -> GraphError:
    """Code 101: unknown client_id."""
    return GraphError(101, "Error validating application. Invalid application ID.")


def invalid_client_secret() -> GraphError:
    """Code 1: wrong client_secret."""
    return GraphError(1, "Error validating client secret.")


def code_used() -> GraphError:
    """100/36009 with the www-authenticate header Meta sends."""
    message = "This authorization code has been used."
    return GraphError(100, message, subcode=36009, headers=_challenge("invalid_code", message))


def code_expired() -> GraphError:
    """100/36007."""
    return GraphError(100, "This authorization code has expired.", subcode=36007)


def redirect_uri_mismatch() -> GraphError:
    """100/36008."""
    return GraphError(
        100,
        "Error validating verification code. Please make sure your redirect_uri is identical to the one "
        "you used in the OAuth dialog request",
        subcode=36008,
    )


def invalid_code() -> GraphError:
    """Code 100: a code the sandbox never issued."""
    return GraphError(100, "Invalid verification code format.")
