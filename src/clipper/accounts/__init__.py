"""Connected Instagram accounts and their (encrypted) tokens."""
