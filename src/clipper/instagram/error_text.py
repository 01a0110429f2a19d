"""Sentences a person can act on for Graph error codes, and scrubbing of secrets from text."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SECRET_PARAMS = re.compile(
    r"(?i)\b(access_token|input_token|fb_exchange_token|client_secret|appsecret_proof|code)=[^&\s\"'#]+"
)
_BEARER = re.compile(r"(?i)\b(Bearer|OAuth)\s+[A-Za-z0-9._|\-]{8,}")
_REDACTED = "[redacted]"

_TOKEN_SUBCODES: dict[int, str] = {
    458: "Reconnect your Instagram account: the app was removed from your Facebook account.",
    459: "Log in to facebook.com to confirm your account, then reconnect your Instagram account.",
    460: "Reconnect your Instagram account: your Facebook password changed, which ended the session.",
    463: "Reconnect your Instagram account: the token expired.",
    464: "Confirm your Facebook account (check your email), then reconnect your Instagram account.",
    467: "Reconnect your Instagram account: you logged out of Facebook, which ended the session.",
    492: "Reconnect your Instagram account: you no longer have a role on its Facebook Page.",
    493: "Reconnect your Instagram account: it has not been used with this app for 90 days.",
}

_SUBCODES: dict[int, str] = {
    2207001: "Instagram rejected the post as possible spam or had a server error. Try again later.",
    2207003: "Instagram timed out downloading the media. Try again.",
    2207004: "The image is too large: keep it under 8 MiB.",
    2207005: "The image format is not supported: upload a JPEG.",
    2207006: "Instagram could not find the prepared media. Publish the post again.",
    2207009: "The image aspect ratio is not supported: use between 4:5 and 1.91:1.",
    2207013: (
        "No public Instagram Business or Creator account has this username. Check the spelling: "
        "personal accounts cannot be tracked."
    ),
    2207010: "The caption is too long: keep it under 2,200 characters, 30 hashtags and 20 @mentions.",
    2207023: "The media type is not supported.",
    2207026: "The video format is not supported: use an MP4 or MOV (H.264 or HEVC, AAC audio).",
    2207028: "A carousel needs between 2 and 10 items.",
    2207032: "Instagram could not create the media. Try again.",
    2207035: "A product tag is positioned outside the image.",
    2207036: "A product tag is not valid.",
    2207037: "A product tag is not valid.",
    2207040: "Too many @mentions: tag at most 20 accounts.",
    2207042: "This account reached Instagram's daily publishing limit. Try again tomorrow.",
    2207050: "The Instagram account is restricted or inactive: open the Instagram app to fix it.",
    2207051: "Instagram restricted this activity on the account. Review it in the Instagram app.",
    2207052: "Instagram could not download the media from its URL. Make sure it is public.",
    2207053: "The video upload failed on Instagram. Publish the post again.",
    2207057: "The thumbnail offset must be within the video's duration.",
    2207076: "Instagram could not process the video. Re-encode it as H.264 MP4 and try again.",
    2207077: "Instagram could not download the video. Make sure its host supports range requests.",
    2207081: "This account is not eligible for trial reels.",
    2207082: "Instagram could not upload the media. Try again.",
    2534022: "You can only reply within 24 hours of the person's last message.",
}

_CODES: dict[int, str] = {
    1: "Instagram had an unknown problem. Try again in a few minutes.",
    2: "Instagram is temporarily unavailable. Try again in a few minutes.",
    3: "The app is not allowed to use this feature. Check its Meta app configuration.",
    4: "The app made too many Instagram requests. Try again later.",
    9: "This account reached Instagram's daily publishing limit. Try again tomorrow.",
    10: "Reconnect your Instagram account and grant every requested permission: one is missing.",
    17: "Too many requests for this Facebook user. Try again later.",
    32: "Too many requests for this Facebook Page. Try again later.",
    100: "Instagram refused the request as malformed.",
    102: "Reconnect your Instagram account: the session expired.",
    104: "Reconnect your Instagram account: no access token was sent.",
    190: "Reconnect your Instagram account: the token is invalid or was revoked.",
    341: "The app reached a temporary limit. Try again later.",
    352: "The video format is not supported: use an MP4 or MOV (H.264 or HEVC, AAC audio).",
    368: "Instagram temporarily blocked this action for policy reasons. Try again later.",
    551: "This person is not available to receive messages.",
    613: "Too many requests. Try again later.",
    9004: "Instagram could not download the media from its URL. Make sure it is public.",
    9007: "Instagram is still processing the media. Try again in a moment.",
    36000: "The image is too large: keep it under 8 MiB.",
    36001: "The image format is not supported: upload a JPEG.",
    36003: "The image aspect ratio is not supported: use between 4:5 and 1.91:1.",
    36004: "The caption is too long: keep it under 2,200 characters, 30 hashtags and 20 @mentions.",
}


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove token-like values (query parameters, auth headers, the given secrets) from text."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, _REDACTED)
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={_REDACTED}", text)
    return _BEARER.sub(lambda m: f"{m.group(1)} {_REDACTED}", text)


def user_message_for(
    code: int | None, subcode: int | None, message: str, error_user_msg: object = None
) -> str | None:
    """The actionable sentence for an error, or None to use the exception class default."""
    if code == 190 and subcode in _TOKEN_SUBCODES:
        return _TOKEN_SUBCODES[subcode]
    if subcode in _SUBCODES:
        return _SUBCODES[subcode]
    if code == 10 and "not enough viewers" in message.lower():
        return "Insights appear once enough people have seen the media."
    if code is not None and 200 <= code <= 299:
        return f"A permission is missing: {message} Reconnect the account and grant it."
    if isinstance(error_user_msg, str) and error_user_msg:
        return error_user_msg
    if code is not None and 80000 <= code <= 80014:
        return "Instagram is limiting requests for this account right now. Try again later."
    return _CODES.get(code) if code is not None else None
