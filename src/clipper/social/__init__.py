"""Social posts: drafts, scheduling and publishing."""
