"""error_from_response: every Graph error envelope lands on the right leaf with an actionable message."""

from __future__ import annotations

import json

import pytest

from clipper.instagram import errors as e
from clipper.instagram.error_mapping import error_from_response


def envelope(code, subcode=None, message="Something failed", **extra):
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Atrace1", **extra}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


CASES = [
    (400, 190, None, e.InvalidTokenError, False),
    (400, 190, 458, e.InvalidTokenError, False),
    (400, 190, 459, e.InvalidTokenError, False),
    (400, 190, 460, e.InvalidTokenError, False),
    (400, 190, 463, e.InvalidTokenError, False),
    (400, 190, 464, e.InvalidTokenError, False),
    (400, 190, 467, e.InvalidTokenError, False),
    (400, 190, 492, e.InvalidTokenError, False),
    (400, 190, 493, e.InvalidTokenError, False),
    (400, 102, None, e.InvalidTokenError, False),
    (400, 104, None, e.InvalidTokenError, False),
    (403, 10, None, e.PermissionDeniedError, False),
    (400, 200, None, e.PermissionDeniedError, False),
    (400, 299, None, e.PermissionDeniedError, False),
    (400, 3, None, e.PermissionDeniedError, False),
    (403, 4, None, e.RateLimitError, True),
    (403, 17, None, e.RateLimitError, True),
    (403, 32, None, e.RateLimitError, True),
    (400, 341, None, e.RateLimitError, True),
    (403, 613, None, e.RateLimitError, True),
    (400, 80001, 2494055, e.RateLimitError, True),
    (400, 80002, None, e.RateLimitError, True),
    (400, 80014, None, e.RateLimitError, True),
    (400, 36000, 2207004, e.MediaValidationError, False),
    (400, 36001, 2207005, e.MediaValidationError, False),
    (400, 36003, 2207009, e.MediaValidationError, False),
    (400, 36004, 2207010, e.MediaValidationError, False),
    (400, 352, 2207026, e.MediaValidationError, False),
    (400, 9004, 2207052, e.MediaValidationError, False),
    (400, 1, 2207057, e.MediaValidationError, False),
    (400, 100, 2207028, e.MediaValidationError, False),
    (400, -2, 2207003, e.MediaValidationError, True),
    (400, 9007, 2207027, e.MediaNotReadyError, True),
    (400, 9, 2207042, e.PublishingQuotaError, True),
    (400, -2, 2207020, e.ContainerExpiredError, False),
    (400, 24, 2207008, e.ContainerExpiredError, False),
    (500, 1, None, e.TransientError, True),
    (500, 2, None, e.TransientError, True),
    (400, 100, 33, e.NotFoundError, False),
    (400, 100, None, e.InvalidParameterError, False),
    (400, 10, 2534022, e.MessagingWindowError, False),
    (400, 551, 1545041, e.UnknownGraphError, False),
]


class TestErrorFromResponse:
    @pytest.mark.parametrize(("status", "code", "subcode", "leaf", "retryable"), CASES)
    def test_picks_the_leaf_and_carries_the_envelope(self, status, code, subcode, leaf, retryable):
        error = error_from_response(status, envelope(code, subcode, message=f"(#{code}) failed"), {})
        assert type(error) is leaf
        assert isinstance(error, e.GraphAPIResponseError)
        assert isinstance(error, e.InstagramGraphAPIError)
        assert (error.code, error.subcode, error.http_status) == (code, subcode, status)
        assert error.fbtrace_id == "Atrace1"
        assert error.message == f"(#{code}) failed"
        assert error.retryable is retryable
        assert error.user_message
        assert error.user_message.endswith(".")

    def test_is_transient_makes_an_unknown_code_transient(self):
        error = error_from_response(400, envelope(12345, is_transient=True))
        assert type(error) is e.TransientError
        assert error.retryable is True

    def test_a_5xx_without_envelope_is_transient(self):
        error = error_from_response(502, b"<html>Bad Gateway</html>")
        assert type(error) is e.TransientError
        assert error.http_status == 502
        assert error.code is None

    def test_a_429_without_envelope_is_a_rate_limit(self):
        assert type(error_from_response(429, "Too Many Requests")) is e.RateLimitError

    def test_accepts_text_and_bytes_bodies(self):
        text = json.dumps(envelope(190, 463))
        assert type(error_from_response(400, text)) is e.InvalidTokenError
        assert type(error_from_response(400, text.encode())) is e.InvalidTokenError

    def test_rupload_debug_info_is_an_upload_failure(self):
        body = {"debug_info": {"retriable": False, "type": "ProcessingFailedError", "message": "bad"}}
        error = error_from_response(400, body)
        assert type(error) is e.UploadFailedError
        assert error.retryable is False
        assert error.error_type == "ProcessingFailedError"


class TestUserMessages:
    def test_image_too_large_says_the_limit(self):
        error = error_from_response(400, envelope(36000, 2207004))
        assert "8 MiB" in error.user_message

    def test_expired_session_says_to_reconnect(self):
        error = error_from_response(400, envelope(190, 463))
        assert error.user_message == "Reconnect your Instagram account: the token expired."

    def test_missing_permission_names_it(self):
        error = error_from_response(400, envelope(200, message="(#200) Requires instagram_content_publish"))
        assert "instagram_content_publish" in error.user_message

    def test_meta_user_text_is_used_when_no_better_sentence_exists(self):
        error = error_from_response(400, envelope(368, error_user_msg="You are blocked for 2 hours."))
        assert error.user_message == "You are blocked for 2 hours."

    def test_story_with_few_viewers_explains_itself(self):
        error = error_from_response(400, envelope(10, message="(#10) Not enough viewers for the media"))
        assert type(error) is e.PermissionDeniedError
        assert "enough people" in error.user_message


class TestRetryAfter:
    def test_rate_limit_reads_the_business_use_case_estimate(self):
        headers = {
            "X-Business-Use-Case-Usage": json.dumps(
                {"1784": [{"type": "instagram", "call_count": 100, "estimated_time_to_regain_access": 7}]}
            )
        }
        error = error_from_response(400, envelope(80002), headers)
        assert error.retry_after_seconds == 420

    def test_rate_limit_without_headers_has_no_estimate(self):
        assert error_from_response(403, envelope(4)).retry_after_seconds is None

    def test_other_errors_never_carry_retry_after(self):
        headers = {"x-business-use-case-usage": json.dumps({"1": [{"estimated_time_to_regain_access": 3}]})}
        assert error_from_response(400, envelope(100), headers).retry_after_seconds is None


class TestSecretsNeverShow:
    def test_tokens_in_meta_text_are_scrubbed(self):
        body = envelope(100, message="Bad url https://x/?access_token=EAAGsecretvalue123&fields=id")
        error = error_from_response(400, body)
        assert "EAAGsecretvalue123" not in str(error)
        assert "EAAGsecretvalue123" not in repr(error)
        assert "access_token=[redacted]" in error.message

    def test_known_secrets_are_scrubbed_anywhere(self):
        error = error_from_response(
            400, envelope(100, message="token EAAGverysecret was bad"), secrets=["EAAGverysecret"]
        )
        assert "EAAGverysecret" not in str(error)


class TestTree:
    def test_transport_leaves_say_whether_the_request_may_have_landed(self):
        assert e.GraphConnectError("x").may_have_been_processed is False
        assert e.ConnectionDroppedError("x").may_have_been_processed is True
        outcome = e.OutcomeUnknownError("x")
        assert outcome.may_have_been_processed is True
        assert outcome.retryable is False
        assert isinstance(outcome, e.TransportError)
        assert not isinstance(outcome, e.GraphAPIResponseError)

    def test_local_validation_is_also_a_value_error(self):
        error = e.RequestValidationError("bad", option="alt_text", media_type="REELS")
        assert isinstance(error, ValueError)
        assert isinstance(error, e.InstagramGraphAPIError)
        assert (error.option, error.media_type) == ("alt_text", "REELS")
