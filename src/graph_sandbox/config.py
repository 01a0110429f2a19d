"""SandboxConfig: the knobs of the emulator, mutable at runtime through `PATCH /_admin/config`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# The one Meta app the sandbox knows. These are not secrets: the sandbox only runs locally,
# and in sandbox mode the product uses the same pair so `make run` needs no configuration.
DEFAULT_APP_ID = "1000000000000001"
DEFAULT_APP_SECRET = "sandbox-app-secret-0123456789abcdef"
DEFAULT_APP_NAME = "Content Clipper Sandbox"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000/sandbox"
# Meta gives the app's Instagram product (Instagram Login) an app id and secret of its own.
DEFAULT_INSTAGRAM_APP_ID = "1000000000000002"
DEFAULT_INSTAGRAM_APP_SECRET = "sandbox-instagram-app-secret-0123456789"


class SandboxConfig(BaseModel):
    """Runtime configuration of one sandbox instance."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    app_id: str = DEFAULT_APP_ID
    app_secret: str = Field(default=DEFAULT_APP_SECRET, repr=False)
    app_name: str = DEFAULT_APP_NAME
    instagram_app_id: str = DEFAULT_INSTAGRAM_APP_ID
    instagram_app_secret: str = Field(default=DEFAULT_INSTAGRAM_APP_SECRET, repr=False)
    public_url: str = DEFAULT_PUBLIC_URL
    default_version: str = "v24.0"
    require_appsecret_proof: bool = False
    image_processing_seconds: float = 0.0
    video_processing_seconds: float = 2.0
    publish_quota: int = 100
    container_quota: int = 400
    webhook_callback_url: str | None = None
    webhook_verify_token: str = "sandbox-verify-token"
    seed: int = 1
    # Allowances behind the usage percentages of X-App-Usage / X-Business-Use-Case-Usage.
    app_calls_per_hour: int = 20_000
    buc_calls_per_day: int = 48_000
    short_token_seconds: int = 3_600
    long_token_seconds: int = 5_184_000
    oauth_code_seconds: int = 600
    # Maximum `limit` on edges that declare none of their own.
    default_max_limit: int = 100
    # Whether App Review granted the app the "Instagram Public Content Access" feature, which hashtag
    # search needs (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/hashtag-search).
    instagram_public_content_access: bool = True
    # Exposure (see graph_sandbox.exposure): the admin API for non-loopback clients, media from any host.
    admin_remote_clients: bool = False
    media_any_host: bool = False

    @property
    def base_url(self) -> str:
        """The public URL without a trailing slash."""
        return self.public_url.rstrip("/")

    @property
    def graph_url(self) -> str:
        """Absolute URL of the Graph root (stands in for https://graph.facebook.com)."""
        return f"{self.base_url}/graph"
