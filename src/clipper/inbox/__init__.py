"""Comments and direct messages: local store, sync, moderation, replies (the engagement inbox)."""
