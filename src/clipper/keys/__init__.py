"""Encryption-key maintenance: re-encrypt stored tokens under the newest FERNET_KEY."""
