"""The grid preview: an account's profile grid as followers will see it, scheduled posts first."""
