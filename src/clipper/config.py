"""Settings: the seed's environment variables plus ours, with safe defaults for `make run`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, computed_field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The one Meta app the bundled sandbox knows. In sandbox mode the product uses the same pair,
# so `make run` needs no configuration at all. They are not secrets: the sandbox is local.
SANDBOX_APP_ID = "1000000000000001"
SANDBOX_APP_SECRET = "sandbox-app-secret-0123456789abcdef"
# The sandbox's Instagram Login pair (graph_sandbox.config's defaults; that product has its own pair).
SANDBOX_INSTAGRAM_APP_ID = "1000000000000002"
SANDBOX_INSTAGRAM_APP_SECRET = "sandbox-instagram-app-secret-0123456789"
SANDBOX_MOUNT_PATH = "/sandbox"
SANDBOX_WEBHOOK_VERIFY_TOKEN = "sandbox-verify-token"


_ASYNC_DRIVERS = {
    "postgresql://": "postgresql+asyncpg://",
    "postgres://": "postgresql+asyncpg://",
    "sqlite://": "sqlite+aiosqlite://",
}


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class VideoUpload(StrEnum):
    """How videos reach Meta: uploaded by us to rupload, or fetched by Meta from their public URL."""

    RUPLOAD = "rupload"
    URL = "url"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT

    # The seed's variables.
    instagram_client_id: str = ""
    # Secrets (and URLs that may embed a password) stay out of the repr.
    instagram_client_secret: str = Field(default="", repr=False)
    # Instagram Login ("API setup with Instagram Login"): that product's own app id and secret.
    instagram_login_app_id: str = ""
    instagram_login_app_secret: str = Field(default="", repr=False)
    backend_url: str = "http://127.0.0.1:8000"
    frontend_url: str = "http://127.0.0.1:8000"
    fernet_key: Annotated[list[str], NoDecode] = Field(default_factory=list, repr=False)
    database_url: str = Field(default="sqlite+aiosqlite:///./data/clipper.db", repr=False)
    redis_url: str = Field(default="", repr=False)
    # Every key and pub/sub channel this deployment keeps in Redis starts with this, so several
    # deployments (or test runs) can share one Redis without reading each other's counters.
    redis_key_prefix: str = Field(default="clipper:", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")

    # Graph API endpoints. Empty means: derived from sandbox mode (see the properties below).
    graph_api_version: str = "v24.0"
    graph_base_url: str = ""
    graph_dialog_url: str = ""
    graph_rupload_url: str = ""
    # Instagram Login hosts (empty: Meta's, or the sandbox's stand-ins in sandbox mode).
    instagram_graph_base_url: str = ""
    instagram_dialog_url: str = ""
    instagram_token_url: str = ""
    graph_timeout_seconds: float = 30.0
    graph_max_retries: int = 3
    graph_usage_threshold_percent: float = 90.0

    # Engagement: webhook verification, the HUMAN_AGENT tag, inbox backfill pacing.
    # Empty verify token: the sandbox's own in sandbox mode; elsewhere every verification is refused.
    webhook_verify_token: str = Field(default="", repr=False)
    human_agent_enabled: bool = False
    inbox_sync_interval_seconds: int = 900
    inbox_sync_media_count: int = 25
    inbox_sync_accounts_per_tick: int = 5
    competitors_max_per_account: int = Field(default=10, ge=1, le=50)
    competitors_recent_posts: int = Field(default=12, ge=1, le=50)
    competitors_accounts_per_tick: int = Field(default=5, ge=1, le=100)

    # Workspace invitations are mailed through this server when set (smtp://, smtp+starttls://, smtps://,
    # credentials URL-encoded); when empty the link is shown to the inviter to pass on.
    smtp_url: str = Field(default="", repr=False)
    smtp_from: str = "Content Clipper <no-reply@localhost>"

    # In sandbox mode, the mounted sandbox delivers its signed webhooks (a simulated follower's comment
    # or DM) to our own /api/v1/webhooks/instagram, as Meta would to a subscribed app.
    sandbox_deliver_webhooks: bool = True

    data_dir: Path = Path("./data")
    log_level: str = "INFO"
    log_json: bool = False
    # LOG_FORMAT=json (the name log shippers' guides use) turns LOG_JSON on; `text` leaves LOG_JSON as set.
    log_format: Literal["text", "json"] = "text"

    # Background work (clipper.worker) and the publishing engine (clipper.social).
    worker_embedded: bool = True
    worker_queue: str = "clipper:jobs"
    worker_concurrency: int = 20
    publish_sweep_seconds: float = 1.0
    publish_sweep_batch: int = 500
    publish_lease_seconds: int = 300
    publish_processing_timeout_seconds: float = 600.0
    publish_max_attempts: int = 8
    # After a media_publish with no answer, a container still FINISHED is re-read (never re-published)
    # for this long before the call is sent again on the same container (Meta never received it).
    publish_unconfirmed_grace_seconds: float = 600.0
    publish_video_upload: VideoUpload = VideoUpload.RUPLOAD

    # Clips: where media files live (empty = DATA_DIR/media), the upload cap, how long signed media
    # URLs stay valid, and the key signing them (empty = derived from the first FERNET_KEY).
    media_dir: str = ""
    max_upload_bytes: int = 1024 * 1024 * 1024
    media_url_ttl_seconds: int = 3600
    media_signing_key: str = Field(default="", repr=False)

    # Facebook Login permissions asked for on top of the product's own (comma-separated), e.g.
    # `instagram_shopping_tag_products`; never an `instagram_business_*` name (Facebook Login refuses them).
    oauth_extra_scopes: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Request bodies (413 past a cap, 408 when too slow): JSON, Meta's webhook deliveries, bulk
    # uploads; a whole small body must arrive within the read timeout, an upload may not pause longer.
    max_json_body_bytes: int = 1024 * 1024
    max_webhook_body_bytes: int = 1024 * 1024
    max_bulk_body_bytes: int = 4 * 1024 * 1024
    body_read_timeout_seconds: float = 30.0

    # Media work runs in a child process with these limits: its address space, the wall-clock time
    # for probing an upload, the wall-clock and CPU time for a conform or trim; and how many conform or
    # trim jobs one user may have running at once; and, on the whole server (every process), how many
    # conform or trim jobs may run at once and how many uploads may be probed at once.
    media_memory_bytes: int = 3 * 1024 * 1024 * 1024
    media_probe_seconds: float = 120.0
    media_transcode_seconds: float = 3600.0
    media_cpu_seconds: int = 3600
    media_jobs_per_user: int = 2
    media_jobs_total: int = Field(default=4, ge=1)

    # Exposure (issue 11). The mounted sandbox's admin API answers loopback clients only, and it fetches
    # media only from loopback hosts and its own host, unless these open them.
    sandbox_admin_remote: bool = False
    sandbox_media_any_host: bool = False
    # Production refuses a Graph, dialog or upload host override that is not https, unless this is set.
    allow_insecure_graph_hosts: bool = False
    # /metrics answers loopback clients; with a token, also anyone sending `Authorization: Bearer <token>`.
    metrics_token: str = Field(default="", repr=False)
    # Outgoing webhooks go to public https URLs only (checked after DNS, at every send) unless these allow
    # http:// or loopback/private/link-local targets (a receiver on the same machine or network).
    outgoing_webhooks_allow_http: bool = False
    outgoing_webhooks_allow_private: bool = False

    @model_validator(mode="after")
    def _log_format_json(self) -> Self:
        if self.log_format == "json":
            self.log_json = True
        return self

    @field_validator("fernet_key", "oauth_extra_scopes", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Accept the seed's plain `postgresql://…` (and `sqlite:///…`) URLs by adding the async driver."""
        for plain, asynchronous in _ASYNC_DRIVERS.items():
            if value.startswith(plain):
                return asynchronous + value.removeprefix(plain)
        return value

    @field_validator(
        "backend_url",
        "frontend_url",
        "graph_base_url",
        "graph_dialog_url",
        "graph_rupload_url",
        "instagram_graph_base_url",
        "instagram_dialog_url",
        "instagram_token_url",
    )
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sandbox_mode(self) -> bool:
        """True when no real Meta app is configured: the product talks to the bundled sandbox."""
        return not self.instagram_client_id and not self.instagram_login_app_id

    @property
    def facebook_login_enabled(self) -> bool:
        """Facebook Login can be offered: its app is configured, or the sandbox stands in."""
        return self.sandbox_mode or bool(self.instagram_client_id)

    @property
    def instagram_login_enabled(self) -> bool:
        """Instagram Login can be offered: its app pair is configured, or the sandbox stands in."""
        return self.sandbox_mode or bool(self.instagram_login_app_id)

    @property
    def instagram_app_id(self) -> str:
        return self.instagram_login_app_id or SANDBOX_INSTAGRAM_APP_ID

    @property
    def instagram_app_secret(self) -> str:
        return self.instagram_login_app_secret if not self.sandbox_mode else SANDBOX_INSTAGRAM_APP_SECRET

    @property
    def instagram_graph_url(self) -> str:
        """graph.instagram.com (Instagram Login accounts' host), without the version."""
        return self._host(self.instagram_graph_base_url, "/graph-instagram", "https://graph.instagram.com")

    @property
    def instagram_login_dialog_url(self) -> str:
        """The Instagram Login dialog (Business Login for Instagram)."""
        return self._host(
            self.instagram_dialog_url,
            "/instagram/oauth/authorize",
            "https://www.instagram.com/oauth/authorize",
        )

    @property
    def instagram_login_token_url(self) -> str:
        """Where an Instagram Login code is exchanged (api.instagram.com)."""
        return self._host(
            self.instagram_token_url,
            "/instagram/oauth/access_token",
            "https://api.instagram.com/oauth/access_token",
        )

    @property
    def app_id(self) -> str:
        return self.instagram_client_id or SANDBOX_APP_ID

    @property
    def app_secret(self) -> str:
        if self.sandbox_mode:
            return SANDBOX_APP_SECRET
        # With only Instagram Login configured, its secret is the only one there is (webhook signatures).
        return self.instagram_client_secret or self.instagram_login_app_secret

    @property
    def webhook_app_secrets(self) -> tuple[str, ...]:
        """The secrets a webhook delivery may be signed with: the Facebook app's and the Instagram Login
        app's (see `clipper.webhooks.service.check_signature` for why both)."""
        if self.sandbox_mode:
            return (SANDBOX_APP_SECRET, SANDBOX_INSTAGRAM_APP_SECRET)
        secrets = (self.instagram_client_secret, self.instagram_login_app_secret)
        return tuple(dict.fromkeys(secret for secret in secrets if secret))

    @property
    def sandbox_url(self) -> str:
        return f"{self.backend_url}{SANDBOX_MOUNT_PATH}"

    def _host(self, override: str, sandbox_path: str, meta: str) -> str:
        """The setting overriding a Meta address, else the sandbox's stand-in in sandbox mode, else Meta's."""
        if override:
            return override
        return f"{self.sandbox_url}{sandbox_path}" if self.sandbox_mode else meta

    @property
    def webhook_verify_token_value(self) -> str:
        """The token Meta's webhook verification must present (the sandbox's in sandbox mode)."""
        if self.webhook_verify_token or not self.sandbox_mode:
            return self.webhook_verify_token
        return SANDBOX_WEBHOOK_VERIFY_TOKEN

    @property
    def graph_url(self) -> str:
        """Base URL of the Graph API, without the version (the client adds it)."""
        return self._host(self.graph_base_url, "/graph", "https://graph.facebook.com")

    @property
    def dialog_url(self) -> str:
        """The Facebook Login dialog, versioned."""
        meta = f"https://www.facebook.com/{self.graph_api_version}/dialog/oauth"
        return self._host(self.graph_dialog_url, "/dialog/oauth", meta)

    @property
    def rupload_url(self) -> str:
        """Base of the resumable-upload host, without the `/ig-api-upload/vNN.0/...` part."""
        return self._host(self.graph_rupload_url, "/rupload", "https://rupload.facebook.com")

    @property
    def media_path(self) -> Path:
        """The folder holding clip files and thumbnails."""
        return Path(self.media_dir) if self.media_dir else self.data_dir / "media"

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION


def get_settings() -> Settings:
    return Settings()
