"""Connecting Instagram accounts: Facebook Login, one-time OAuth state, account selection."""
