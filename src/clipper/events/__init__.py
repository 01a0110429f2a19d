"""Server-sent events to the UI: post status changes, new comments, new messages."""
