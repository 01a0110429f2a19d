"""Outgoing webhooks: a user's endpoints, the events recorded for them (a transactional outbox), and their
signed delivery by the worker, retried with backoff and refused on private addresses (see README)."""
