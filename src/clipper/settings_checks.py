"""Whether settings are safe to start with: secrets that must not be missing anywhere, and what production
also refuses (the sandbox, placeholders, plain http)."""

from __future__ import annotations

from clipper.config import Settings

# Values copied from documentation examples (the seed's .env, tutorials) rather than real secrets.
_PLACEHOLDER_MARKERS = (
    "your_",
    "your-",
    "changeme",
    "change-me",
    "change_me",
    "placeholder",
    "example",
    "xxx",
)


class InsecureSettings(RuntimeError):
    """The settings are not safe for production; the message lists what to fix (never the values)."""


def looks_like_placeholder(value: str) -> bool:
    """True for an empty value or one that was obviously copied from an example."""
    lowered = value.strip().lower()
    return (
        not lowered
        or lowered in {"secret", "test", "none", "null"}
        or any(marker in lowered for marker in _PLACEHOLDER_MARKERS)
    )


def production_problems(settings: Settings) -> list[str]:
    """What makes these settings unsafe for production (empty when they are fine)."""
    problems = []
    if settings.sandbox_mode:
        problems.append("INSTAGRAM_CLIENT_ID is not set: production talks to Meta, not the bundled sandbox")
    elif settings.instagram_client_id and looks_like_placeholder(settings.instagram_client_id):
        problems.append("INSTAGRAM_CLIENT_ID is a placeholder: use your Meta app's id")
    if settings.instagram_client_id and looks_like_placeholder(settings.instagram_client_secret):
        problems.append("INSTAGRAM_CLIENT_SECRET is missing or a placeholder: use your Meta app's secret")
    if settings.instagram_login_app_id and looks_like_placeholder(settings.instagram_login_app_secret):
        problems.append(
            "INSTAGRAM_LOGIN_APP_SECRET is missing or a placeholder: use the Instagram app secret"
        )
    if not settings.fernet_key:
        problems.append("FERNET_KEY is not set: stored tokens would be unreadable after a restart")
    elif any(looks_like_placeholder(key) for key in settings.fernet_key):
        problems.append("FERNET_KEY holds a placeholder: generate a key with Fernet.generate_key()")
    return problems + _exposure_problems(settings)


def _exposure_problems(settings: Settings) -> list[str]:
    """Production-only: plain-http addresses and a placeholder media signing key."""
    problems = []
    if settings.backend_url.startswith("http://"):
        problems.append("BACKEND_URL is http://: serve the product over https (cookies, media links)")
    overrides = {
        "GRAPH_BASE_URL": settings.graph_base_url,
        "GRAPH_DIALOG_URL": settings.graph_dialog_url,
        "GRAPH_RUPLOAD_URL": settings.graph_rupload_url,
        # Instagram Login's hosts carry its app secret, codes and tokens just the same.
        "INSTAGRAM_GRAPH_BASE_URL": settings.instagram_graph_base_url,
        "INSTAGRAM_DIALOG_URL": settings.instagram_dialog_url,
        "INSTAGRAM_TOKEN_URL": settings.instagram_token_url,
    }
    for name, url in overrides.items():
        if url and not url.startswith("https://") and not settings.allow_insecure_graph_hosts:
            problems.append(f"{name} is not https (set ALLOW_INSECURE_GRAPH_HOSTS=true if you mean it)")
    if settings.media_signing_key and looks_like_placeholder(settings.media_signing_key):
        problems.append("MEDIA_SIGNING_KEY is a placeholder: use a long random value, or leave it empty")
    return problems


def everywhere_problems(settings: Settings) -> list[str]:
    """What no environment accepts: an app id without its secret (webhook signatures forgeable)."""
    pairs = (
        (
            "INSTAGRAM_CLIENT_ID",
            settings.instagram_client_id,
            "INSTAGRAM_CLIENT_SECRET",
            settings.instagram_client_secret,
        ),
        (
            "INSTAGRAM_LOGIN_APP_ID",
            settings.instagram_login_app_id,
            "INSTAGRAM_LOGIN_APP_SECRET",
            settings.instagram_login_app_secret,
        ),
    )
    return [
        f"{id_name} is set but {secret_name} is empty: webhook signatures could be forged; "
        "set the app's secret"
        for id_name, app_id, secret_name, secret in pairs
        if app_id and not secret.strip()
    ]


def check_production(settings: Settings) -> None:
    """Raise InsecureSettings when a secret is missing (any environment) or unsafe for production."""
    if settings.is_production:
        problems, refusal = production_problems(settings), "Refusing to start in production: "
    else:
        problems, refusal = everywhere_problems(settings), "Refusing to start: "
    if problems:
        raise InsecureSettings(refusal + "; ".join(problems) + ".")
