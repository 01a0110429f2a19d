"""Insights: account, media, story and Page metrics, daily snapshots, CSV export and best posting times."""
