"""Meta webhooks: verification, signature check, event ingestion and processing."""
