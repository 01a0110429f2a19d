"""Meta's publishing errors (GRAPH_API.md §8.4) with their exact codes, subcodes and user texts.

Where Meta's wording is undocumented (a second publish, the container quota, a parameter outside
its media type) the text is ours and says so in the function's docstring.
"""

from __future__ import annotations

from graph_sandbox.errors import GraphError


def unknown_media_type(detail: str) -> GraphError:
    """100/2207023."""
    return GraphError(
        100,
        "Invalid parameter",
        subcode=2207023,
        error_user_title="Unknown media type",
        error_user_msg=detail,
    )


def caption_too_long(detail: str) -> GraphError:
    """36004/2207010."""
    return GraphError(
        36004,
        "The caption is too long.",
        subcode=2207010,
        error_user_title="Caption too long",
        error_user_msg=detail,
    )


def thumb_offset_out_of_range(duration: str) -> GraphError:
    """1/2207057."""
    return GraphError(
        1,
        "An unknown error occurred",
        subcode=2207057,
        error_user_title="Thumbnail offset out of range",
        error_user_msg="The thumbnail offset must be greater than or equal to 0 and less than video "
        f"duration, i.e. {duration}.",
    )


def carousel_size_error() -> GraphError:
    """100/2207028."""
    return GraphError(
        100,
        "Invalid parameter",
        subcode=2207028,
        error_user_title="Carousel validation failed",
        error_user_msg="A carousel must contain between 2 and 10 items.",
    )


def container_quota_error(quota: int) -> GraphError:
    """Code 9 when the account created its 24 h allowance of containers (wording undocumented)."""
    return GraphError(
        9,
        "Application request limit reached",
        error_user_title="Too many media containers",
        error_user_msg=f"You can create at most {quota} media containers in 24 hours.",
    )


def trial_not_eligible() -> GraphError:
    """100/2207081: the account cannot post trial reels."""
    return GraphError(
        100,
        "Invalid parameter",
        subcode=2207081,
        error_user_title="Not eligible for trial reels",
        error_user_msg="This account is not eligible to share trial reels.",
    )


def invalid_location() -> GraphError:
    """A location_id that is not a Page with location data."""
    return GraphError(
        100,
        "INSTAGRAM_PLATFORM_API__INVALID_LOCATION_ID",
        error_user_title="Invalid location",
        error_user_msg="The location_id must be the ID of a Facebook Page that has a location.",
    )


def not_ready() -> GraphError:
    """9007/2207027."""
    return GraphError(
        9007,
        "Media ID is not available",
        subcode=2207027,
        error_user_title="Media not ready for publishing",
        error_user_msg="The media is not ready for publishing, please wait for a moment",
    )


def expired() -> GraphError:
    """-2/2207020."""
    return GraphError(
        -2,
        "The media you are trying to access has expired. Please try to upload again.",
        subcode=2207020,
        is_transient=False,
        error_user_title="Media expired",
        error_user_msg="The media you are trying to access has expired. Please try to upload again.",
    )


def builder_missing(creation_id: str) -> GraphError:
    """24/2207008."""
    message = f"The media builder with creation id = {creation_id} does not exist or has been expired."
    return GraphError(
        24, message, subcode=2207008, error_user_title="Media builder not found", error_user_msg=message
    )


def quota_reached() -> GraphError:
    """9/2207042."""
    return GraphError(
        9,
        "Application request limit reached",
        subcode=2207042,
        is_transient=False,
        error_user_title="Max. posts reached",
        error_user_msg="You reached maximum number of posts that is allowed to be published by Content "
        "Publishing API. Please try again tomorrow.",
    )


def already_published(container_id: str) -> GraphError:
    """Code 100 for a second publish of one container (wording undocumented)."""
    return GraphError(100, f"(#100) The media container {container_id} has already been published")
