"""Hashtag search (Facebook Login): the search root edge, the IG Hashtag node, its top and recent media,
and the 30-unique-hashtags-per-7-days limit. See `handlers` and `state`."""

from graph_sandbox.hashtags import handlers as handlers

__all__ = ["handlers"]
