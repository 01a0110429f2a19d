"""Users: sign-up, login, sessions and API tokens."""
