"""Request and response shapes of the grid preview."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clipper.inputs import DbId
from clipper.social.models import PostStatus

# Instagram's profile grid has shown every post as a 3:4 portrait tile since January 2025 (1:1 before).
# Meta's developer documentation does not describe the grid, so this follows what the app shows.
TILE_ASPECT = "3:4"

AspectSource = Literal["image", "first_item", "reel_cover", "unknown"]


class GridTile(BaseModel):
    """A tile: a post of ours not published yet (`scheduled`) or a media Meta already shows (`published`)."""

    kind: Literal["scheduled", "published"]
    post_id: int | None = Field(description="Our post (scheduled tiles).")
    media_id: str | None = Field(description="Meta's media id (published tiles).")
    at: datetime | None = Field(description="When it is scheduled for, or when Meta says it was published.")
    status: PostStatus | None = Field(description="Our post's status (scheduled tiles).")
    media_type: str = Field(
        description="Ours (IMAGE, REELS, CAROUSEL, STORIES) or Meta's (IMAGE, VIDEO, CAROUSEL_ALBUM)."
    )
    reel: bool = Field(description="A reel: the tile shows its cover.")
    caption: str | None
    image_url: str | None = Field(
        description="What the tile shows: a signed URL of our clip's thumbnail, the reel's cover or the "
        "carousel's first item; for published media Meta's image, video thumbnail or first child."
    )
    permalink: str | None = Field(description="The post on Instagram (published tiles).")
    feed_aspect: str | None = Field(
        description="How the feed frames the post: an image's own ratio (Meta takes 4:5 to 1.91:1), a "
        "carousel's first item's, and 1:1 for a reel (Meta crops the middle square of a reel's cover "
        "for the feed); null when unknown (Meta gives no dimensions of published images)."
    )
    aspect_source: AspectSource = Field(description="Where `feed_aspect` comes from.")
    swappable: bool = Field(description="Its time can still be swapped with another scheduled post's.")


class GridRead(BaseModel):
    """The profile grid as followers will see it: scheduled posts ahead (newest first), then Meta's."""

    account_id: int
    tile_aspect: str = Field(
        default=TILE_ASPECT,
        description="Every tile is a centre crop at this ratio: Instagram's profile grid has shown 3:4 "
        "portrait tiles since January 2025.",
    )
    tiles: list[GridTile] = Field(description="Newest first, as the grid reads from its top left.")
    stories: list[GridTile] = Field(
        description="Scheduled stories, soonest first: stories are not in the grid."
    )
    published_shown: int = Field(
        description="How many of Meta's last 30 media are shown (stories, ads and reels kept off the feed "
        "are not in the grid)."
    )


class SwapRequest(BaseModel):
    """Two scheduled posts of the account whose times are exchanged."""

    model_config = ConfigDict(extra="forbid")

    post_ids: list[DbId] = Field(min_length=2, max_length=2)

    @model_validator(mode="after")
    def _two(self) -> SwapRequest:
        if self.post_ids[0] == self.post_ids[1]:
            raise ValueError("give two different posts")
        return self


class SwappedPost(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    scheduled_for: datetime | None
    queued: bool


class SwapRead(BaseModel):
    account_id: int
    posts: list[SwappedPost] = Field(description="The two posts with their new times, in the order asked.")
