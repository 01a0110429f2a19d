"""Content Clipper: Instagram publishing, inbox and analytics over the Instagram Graph API."""

__version__ = "0.1.0"
