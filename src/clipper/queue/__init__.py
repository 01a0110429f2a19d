"""The posting queue: weekly time slots per account, "add to queue", reorder, pause and resume."""
