"""Hashtag research: search within Meta's weekly limit, top and recent media, saved hashtag groups."""
