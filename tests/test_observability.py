"""Log redaction (nothing token-like reaches a log line) and the shared Prometheus metrics."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from prometheus_client import REGISTRY

from clipper import observability
from clipper.config import Settings
from clipper.observability import MASK, configure_logging, redact, redact_text

META_TOKEN = "EAAGm0PX4ZCpsBAKZCZBZAwq1f0ZD7tQxZCZBZAlongtoken"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Configure logging into a buffer (JSON lines), then put the previous logging setup back."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    structlog.reset_defaults()


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


class TestRedactText:
    @pytest.mark.parametrize(
        "text",
        [
            "GET https://graph.facebook.com/v24.0/me?fields=id&access_token=abc123def456",
            "POST /oauth/access_token?client_secret=s3cr3tvalue&code=xyz",
            "appsecret_proof=0123456789abcdef0123456789abcdef",
            "Authorization: Bearer abcdefghijklmnop",
            "rupload header OAuth abcdefghijklmnop",
            f"the token {META_TOKEN} expired",
            '{"access_token": "plain-token-value", "token_type": "bearer"}',
            "callback /api/v1/oauth/instagram/callback?code=AQBx-secret-code&state=s",
            "image_url=https://c.example/api/v1/clips/files/1/a.jpg?expires=9&signature=abcdefghijklmnop",
            "GET /m?image_url=https%3A%2F%2Fc.example%2Fa.jpg%3Fexpires%3D9%26signature%3Dabcdef0123456789",
        ],
    )
    def test_masks_credentials(self, text: str) -> None:
        redacted = redact_text(text)
        assert MASK in redacted
        for secret in ("abc123def456", "s3cr3tvalue", "0123456789abcdef0123456789abcdef", "abcdefghijklmnop"):
            assert secret not in redacted
        for secret in ("abcdef0123456789",):
            assert secret not in redacted
        for secret in (META_TOKEN, "plain-token-value", "AQBx-secret-code"):
            assert secret not in redacted

    def test_keeps_ordinary_text(self) -> None:
        text = "publish success user_id=123 post_id=456 media_id=17895731045244887 code 190"
        assert redact_text(text) == text

    def test_keeps_the_rest_of_a_url(self) -> None:
        redacted = redact_text("https://g/v24.0/17841/media?fields=id,caption&access_token=abc&limit=5")
        assert redacted == f"https://g/v24.0/17841/media?fields=id,caption&access_token={MASK}&limit=5"


class TestRedact:
    def test_masks_sensitive_keys_at_any_depth(self) -> None:
        event = {
            "params": {"access_token": "t1", "fields": "id"},
            "headers": [{"Authorization": "Bearer t2"}],
            "password": "hunter2",
            "client_secret": "t3",
            "page_access_token": "t4",
            "appsecret_proof": "t5",
        }
        assert redact(event) == {
            "params": {"access_token": MASK, "fields": "id"},
            "headers": [{"Authorization": MASK}],
            "password": MASK,
            "client_secret": MASK,
            "page_access_token": MASK,
            "appsecret_proof": MASK,
        }

    def test_keeps_keys_that_only_mention_tokens(self) -> None:
        event = {"token_expires_at": "2026-01-01", "token_type": "bearer", "tokens_rotated": 3}
        assert redact(event) == event

    def test_masks_token_like_values_under_any_key(self) -> None:
        assert redact({"note": f"got {META_TOKEN}"}) == {"note": f"got {MASK}"}


class TestLogging:
    def test_structlog_lines_are_json_and_redacted(self, log_stream: io.StringIO) -> None:
        structlog.get_logger("clipper.test").info(
            "graph call", url=f"https://g/me?access_token={META_TOKEN}", user_id=3
        )
        [line] = lines(log_stream)
        assert line["event"] == "graph call"
        assert line["user_id"] == 3
        assert line["level"] == "info"
        assert META_TOKEN not in json.dumps(line)

    def test_stdlib_records_go_through_the_same_redaction(self, log_stream: io.StringIO) -> None:
        logging.getLogger("uvicorn.access").info(
            '%s "%s %s"', "127.0.0.1", "GET", "/cb?code=secretcode&state=s"
        )
        [line] = lines(log_stream)
        assert line["logger"] == "uvicorn.access"
        assert "secretcode" not in str(line["event"])

    def test_tracebacks_are_redacted(self, log_stream: io.StringIO) -> None:
        try:
            raise ValueError(f"Graph said no to {META_TOKEN}")
        except ValueError:
            structlog.get_logger("clipper.test").exception("call failed")
        [line] = lines(log_stream)
        assert "ValueError" in str(line["exception"])
        assert META_TOKEN not in log_stream.getvalue()

    def test_console_rendering_is_redacted_too(self) -> None:
        root = logging.getLogger()
        saved = root.handlers[:]
        stream = io.StringIO()
        try:
            configure_logging("INFO", json=False, stream=stream)
            structlog.get_logger("clipper.test").warning("login", password="hunter2")
        finally:
            root.handlers[:] = saved
            structlog.reset_defaults()
        assert "login" in stream.getvalue()
        assert "hunter2" not in stream.getvalue()


class TestMetrics:
    @pytest.mark.parametrize(
        "name",
        [
            "oauth_success_total",
            "oauth_failure_total",
            "publish_success_total",
            "publish_failure_total",
            "graph_api_calls_total",
            "graph_api_call_seconds_count",
            "token_expiry_events_total",
            "publish_queue_depth",
            "publish_latency_seconds_count",
        ],
    )
    def test_is_registered(self, name: str) -> None:
        observability.OAUTH_FAILURE.labels(reason="probe")
        observability.PUBLISH_FAILURE.labels(reason="probe")
        observability.GRAPH_API_CALLS.labels(endpoint="probe", status="200", code="")
        observability.GRAPH_API_CALL_SECONDS.labels(endpoint="probe")
        assert any(sample.name == name for metric in REGISTRY.collect() for sample in metric.samples)

    def test_counters_count(self) -> None:
        before = REGISTRY.get_sample_value("publish_failure_total", {"reason": "quota"}) or 0.0
        observability.PUBLISH_FAILURE.labels(reason="quota").inc()
        assert REGISTRY.get_sample_value("publish_failure_total", {"reason": "quota"}) == before + 1


class TestLogFormatSetting:
    def test_log_format_json_turns_json_lines_on(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("LOG_FORMAT", "json")
        monkeypatch.delenv("LOG_JSON", raising=False)
        assert Settings(_env_file=None).log_json is True
        monkeypatch.setenv("LOG_FORMAT", "text")
        assert Settings(_env_file=None).log_json is False
